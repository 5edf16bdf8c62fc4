/**
 * Watches the session's X display for `--checkwindow` (plan/checkwindow.ts): resolves once the
 * application's windows are gone, as upstream's loop does with `xwininfo -root -children`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './spawn.js';
import type { CheckWindowPlan } from '../plan/checkwindow.js';

/** Upstream waits 5 s before the first check, then checks every 2 s. */
const GRACE_MS = 5000;
const INTERVAL_MS = 2000;

/**
 * The named top-level windows in the output of `xwininfo -root -children` (lines such as
 * `0x200001 "xeyes": ("xeyes" "XEyes")  150x100+0+0  +0+0`); `(has no name)` lines are left out,
 * as upstream's `grep -v '(has no name)'` does.
 * @param output xwininfo's stdout.
 * @returns the windows' ids.
 */
export function namedWindows(output: string): string[] {
  return output.split('\n').flatMap((l) => {
    const m = /^\s+(0x[0-9a-f]+) "/.exec(l);
    return m ? [m[1]!] : [];
  });
}

/**
 * Resolves when the windows are gone: no named top-level window is left (or, with `match`, the
 * window list no longer contains it). Checks start after a named window appeared, at the latest
 * after 5 s (upstream's wait), then every 2 s. An xwininfo that fails (the display is going away)
 * counts as no window. Never rejects.
 * @param check the plan (`match`: upstream's ARG, a fixed text here rather than a grep pattern).
 * @param env DISPLAY and XAUTHORITY of the session's display for a host client.
 * @param signal ends the watch (the session is ending anyway); the promise then stays pending.
 */
export async function windowsGone(check: CheckWindowPlan, env: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  let seen = false;
  for (;;) {
    await sleep(seen || Date.now() - started >= GRACE_MS ? INTERVAL_MS : 500, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return new Promise(() => undefined);
    const r = await run('xwininfo', ['-root', '-children'], { env: { DISPLAY: env.DISPLAY, XAUTHORITY: env.XAUTHORITY }, extendEnv: false, reject: false });
    const output = r.exitCode === 0 ? String(r.stdout) : '';
    const present = check.match !== undefined ? output.includes(check.match) : namedWindows(output).length > 0;
    if (present) seen = true;
    else if (seen || Date.now() - started >= GRACE_MS) return;
  }
}
