/**
 * `--checkwindow[=ARG]` (upstream's): the session ends when the application's windows are gone,
 * for self-forking applications (the command exits at once, its windows stay) and for ones that
 * never end on their own (a browser that keeps running without a window). Upstream counts the
 * named top-level windows in `xwininfo -root -children` every 2 seconds after 5 seconds, or with
 * ARG checks that `grep ARG` finds something in that output; run/checkwindow.ts does the same.
 */
import type { Options } from '../options/parse.js';
import type { DisplayDriver } from '../xserver/driver.js';

/** What the session watches: named windows, or the text ARG in the window list. */
export interface CheckWindowPlan {
  /** `--checkwindow=ARG`: the session runs as long as the output of `xwininfo -root -children` contains ARG. */
  readonly match?: string;
}

/**
 * Plans `--checkwindow`.
 * @param options `integration.checkwindow`.
 * @param driver the display driver: its display must be X (`gives` x11).
 * @param binaries the installed host binaries (xwininfo, from x11-utils).
 * @param notes receives why it has no effect (a fallback note: `--fallback=no` makes it an error).
 * @returns the plan, or undefined when not asked for or not possible.
 */
export function planCheckWindow(options: Pick<Options, 'integration'>, driver: Pick<DisplayDriver, 'name' | 'gives' | 'source'>, binaries: ReadonlySet<string>, notes: string[]): CheckWindowPlan | undefined {
  const asked = options.integration.checkwindow;
  if (!asked) return undefined;
  if (driver.gives !== 'x11') {
    notes.push(`Option --checkwindow has no effect with --${driver.name}: there is no X display whose windows could be checked.`);
    return undefined;
  }
  if (!binaries.has('xwininfo')) {
    notes.push('Option --checkwindow has no effect: xwininfo is missing. Install it: apt-get install x11-utils.');
    return undefined;
  }
  if (options.integration.noSetup) notes.push('Option --checkwindow with --no-setup: the container ends with its command (x11docker writes no launcher that waits for the windows).');
  if (driver.source === 'shared') notes.push(`Option --checkwindow with --${driver.name}: the windows of your whole display count, so the session ends only when they are all closed.`);
  return asked.match !== undefined ? { match: asked.match } : {};
}
