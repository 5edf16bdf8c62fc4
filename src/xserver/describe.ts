import type { DisplayDriver, DisplayLaunch } from './driver.js';

/**
 * The one line `--xonly` prints once the display runs: what runs and where a client connects.
 * - a new X server: `X server :N (--xephyr) is running.`; Xwayland in a compositor of its own:
 *   `X server :N (Xwayland in weston, --weston-xwayland) is running.`;
 * - an X server with a Wayland socket for the container too: the compositor and its socket;
 * - pure Wayland (`--weston`, `--kwin`): `Wayland compositor weston (--weston) is running, socket PATH.`;
 * - `--hostwayland`: your compositor's socket, shared; `--hostdisplay`: your display, shared;
 * - `--nothing`: no display.
 * Pure: from the driver, the display number (-1 when none) and the launch (undefined when
 * nothing was started).
 */
export function describeRunning(driver: Pick<DisplayDriver, 'name' | 'binary' | 'sharesHostDisplay'>, display: number, launch: DisplayLaunch | undefined): string {
  const opt = `--${driver.name}`;
  if (driver.name === 'nothing') return `No display is running (${opt}).`;
  if (driver.sharesHostDisplay) return `Sharing your display :${display} (${opt}).`;
  const env = (k: string) => launch?.showenv?.find((e) => e.startsWith(`${k}=`))?.slice(k.length + 1);
  const name = env('WAYLAND_DISPLAY');
  const dir = env('XDG_RUNTIME_DIR');
  const socket = name ? (name.startsWith('/') || !dir ? name : `${dir}/${name}`) : undefined;
  if (launch && !launch.x11) {
    if (driver.name === 'hostwayland') return `Sharing your Wayland compositor, socket ${socket ?? '?'} (${opt}).`;
    return `Wayland compositor ${driver.binary ?? driver.name} (${opt}) is running, socket ${socket ?? '?'}.`;
  }
  return socket
    ? `X server :${display} in Wayland compositor ${driver.binary ?? driver.name} (${opt}) is running, Wayland socket ${socket}.`
    : /xwayland$/.test(driver.name) && driver.name !== 'xwayland'
      ? `X server :${display} (Xwayland in ${driver.name === 'xpra-xwayland' ? 'weston, shown by xpra' : driver.binary ?? driver.name}, ${opt}) is running.`
      : `X server :${display} (${opt}) is running.`;
}
