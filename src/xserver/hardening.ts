/**
 * The options every new X server gets (Xserver(1)): x11docker's hardening of a display, shared
 * by the X server drivers (xvfb.ts, xephyr.ts, xdummy.ts, nxagent.ts, xpra.ts, wayland.ts).
 */
import type { DisplayContext } from './driver.js';

/**
 * Options every new X server gets, from Xserver(1): cookie authentication from `authFile`,
 * no TCP listener, no abstract-namespace socket (only the file socket that x11docker shares),
 * and the MIT-SHM and XTEST extensions disabled (as upstream x11docker does; `--xauth=no` leaves out
 * the cookie and turns access control off with `-ac`, `--xoverip` listens on TCP); then `--composite`
 * and `--xopt` (upstream's options) where given.
 */
export function hardeningArgs(ctx: Pick<DisplayContext, 'display' | 'authFile' | 'xtest' | 'dpi' | 'composite' | 'xopt' | 'screen'>): string[] {
  return [
    `:${ctx.display}`,
    // --xauth=no and --xoverip (upstream's): no cookie, and a TCP listener (plan/screen.ts warns).
    // Without -auth a server is not necessarily open: nxagent then takes the cookies of
    // $XAUTHORITY (the user's, or the --xc container's copy of them) as its own and refuses every
    // client without one, so the session never starts. -ac turns access control off on every server.
    ...(ctx.screen?.noAuth ? ['-ac'] : ['-auth', ctx.authFile]),
    ctx.screen?.listenTcp ? '-listen' : '-nolisten', 'tcp',
    '-nolisten', 'local',
    '-extension', 'MIT-SHM',
    ...(ctx.xtest ? [] : ['-extension', 'XTEST']),
    ...(ctx.dpi !== undefined ? ['-dpi', String(ctx.dpi)] : []),
    // never reset when the last client leaves: x11docker ends the server itself, and a reset
    // drops a client that connects meanwhile ("Can't open display", e.g. the app while a probe or
    // setxkbmap just disconnected) and forgets --dpi resources and the keyboard layout
    '-noreset',
    ...(ctx.composite === undefined ? [] : [ctx.composite ? '+extension' : '-extension', 'Composite']),
    // --xopt last: the user's arguments (the plan refuses those that would take the display from x11docker)
    ...(ctx.xopt ?? []),
  ];
}
