import { printable, X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { DisplayDriver } from '../xserver/driver.js';
import { PURE_WAYLAND } from './wayland.js';

/**
 * Host window managers x11docker looks for when a single application runs on a desktop-only X
 * server (Xephyr) because no seamless one is installed, best first (upstream's list, trimmed to
 * what Debian packages). twm is not among them: it waits for a click to place each new window.
 */
export const HOST_WINDOW_MANAGERS = ['openbox', 'fluxbox', 'xfwm4', 'icewm', 'jwm', 'marco', 'metacity'] as const;

/**
 * Display options that share the clipboard themselves: xpra and nxagent by their own protocol,
 * `--hostdisplay` and `--hostwayland` because the container is a client of the user's own
 * display, `--nothing` has no display. The other X servers get x11docker's clipboard
 * synchroniser (host `xclip`, as upstream).
 */
export const OWN_CLIPBOARD: ReadonlySet<string> = new Set(['xpra', 'nxagent', 'hostdisplay', 'hostwayland', 'nothing']);

/**
 * Decides the display extras of a session: the window manager (`--wm`, or one found on the host
 * for Xephyr in seamless use, as upstream), `--clipboard` (upstream's warning; x11docker's
 * clipboard synchroniser with host xclip where the server has no clipboard sharing of its own),
 * `--fullscreen`, and checks `--exe`.
 * @param notes, warnings collected for printing before anything starts.
 * @returns the window manager command, and whether the clipboard synchroniser runs.
 * @throws X11DockerError when `--exe`'s command or `--wm`'s window manager is missing, or when
 *   `--clipboard` cannot work: no user display (DISPLAY), xclip missing, or a pure Wayland
 *   compositor of its own (no X display to share with).
 */
export function planDisplayExtras(options: Options, host: HostFacts, driver: DisplayDriver, notes: string[], warnings: string[]): { wm?: readonly string[]; clipboardSync: boolean } {
  const hasOwnX = !driver.sharesHostDisplay && driver.name !== 'nothing' && !PURE_WAYLAND.has(driver.name);
  if (options.exe) {
    const cmd = options.command[0]!;
    if (!host.binaries.has(cmd)) throw new X11DockerError(`Option --exe: command '${printable(cmd)}' not found in PATH. Give an installed host command, e.g. --exe xterm.`);
  }
  let clipboardSync = false;
  if (options.clipboard && driver.name === 'nothing') {
    notes.push('Option --clipboard has no effect with --nothing: there is no display, so no clipboard is shared.');
  } else if (options.clipboard) {
    warnings.push(
      'Option --clipboard shares the clipboard between your display and the container: applications in the container can read ' +
        'everything you copy on your desktop (passwords included) and put content into your clipboard.',
    );
    if (!OWN_CLIPBOARD.has(driver.name)) {
      if (PURE_WAYLAND.has(driver.name)) {
        throw new X11DockerError(`Option --clipboard: --${driver.name} gives the container Wayland only, whose clipboard x11docker cannot share. Use --weston-xwayland, or leave --clipboard out.`);
      }
      if (!host.display) {
        throw new X11DockerError(`Option --clipboard needs your display (DISPLAY is not set): there is no clipboard to share with --${driver.name}. Leave --clipboard out, or run from a desktop.`);
      }
      if (!host.binaries.has('xclip')) {
        throw new X11DockerError(`Option --clipboard with --${driver.name} needs xclip on the host: apt-get install xclip (or use --xpra or --nxagent, which share the clipboard themselves).`);
      }
      clipboardSync = true;
    }
  }
  if (options.fullscreen && !['xephyr', 'nxagent', 'xpra', 'weston', 'weston-xwayland', 'kwin', 'kwin-xwayland'].includes(driver.name)) {
    notes.push(`Option --fullscreen has no effect with --${driver.name}.`);
  }
  let wm: readonly string[] | undefined;
  const seamlessUse = driver.seamless && !options.desktop;
  if (options.wm && options.wm !== 'none') {
    if (!hasOwnX || seamlessUse) notes.push(`Option --wm: --${driver.name}${seamlessUse ? ' shows windows seamlessly on your desktop' : ' starts no X server'}; no window manager is started.`);
    else if (!host.binaries.has(options.wm[0]!)) throw new X11DockerError(`Option --wm: window manager '${printable(options.wm[0]!)}' not found on the host. Install it (e.g. apt-get install openbox) or use --wm none.`);
    else wm = options.wm;
  } else if (options.wm === undefined && hasOwnX && !driver.seamless && !options.desktop && driver.visible && !options.xonly) {
    const found = HOST_WINDOW_MANAGERS.find((w) => host.binaries.has(w));
    if (found) {
      wm = [found];
      notes.push(`Running a single application on --${driver.name} with host window manager ${found} (seamless xpra or nxagent is not used).`);
    } else {
      notes.push(`No host window manager found for --${driver.name}: the window cannot be moved or resized. Install one (e.g. apt-get install openbox) or use --xpra or --nxagent.`);
    }
  }
  return { wm, clipboardSync };
}
