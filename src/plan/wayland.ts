import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import { hostWaylandSocket, waylandToolkitEnv } from '../wayland/wayland.js';
import type { DisplayDriver } from '../xserver/driver.js';

/** Display options whose container gets Wayland and no X (upstream's pure Wayland modes). */
export const PURE_WAYLAND = new Set(['weston', 'kwin', 'hostwayland']);

/**
 * The Wayland part of a plan: checks that `--hostwayland` and `--xwayland` find the user's
 * Wayland socket, adds upstream's warning for `--hostwayland`, and returns the toolkit variables
 * for the container with `--waylandenv` or `--wayland` (upstream sets them for both).
 * @param notes, warnings collected for printing before anything starts.
 * @returns NAME=VALUE strings for the container, before the user's `--env` (which win).
 * @throws X11DockerError when the user's Wayland socket is needed but WAYLAND_DISPLAY is not usable.
 */
export function planWayland(options: Options, host: HostFacts, driver: DisplayDriver, notes: string[], warnings: string[]): string[] {
  if (driver.name === 'hostwayland' || driver.name === 'xwayland') {
    const socket = hostWaylandSocket(host.waylandDisplay, host.xdgRuntimeDir);
    if (!socket) {
      throw new X11DockerError(
        `--${driver.name} needs your Wayland session: WAYLAND_DISPLAY${host.waylandDisplay ? ' is relative, but XDG_RUNTIME_DIR' : ''} is not set. ` +
          `Run it from a Wayland desktop, or use --weston${driver.name === 'xwayland' ? '-xwayland' : ''} instead.`,
      );
    }
  }
  if (driver.name === 'hostwayland') {
    warnings.push(
      `Option --hostwayland shares your Wayland compositor (${host.waylandDisplay}) with the container. ` +
        'Reduced container isolation: the application is a client of your real desktop session and can use everything ' +
        'your compositor offers its clients (e.g. the clipboard). Use --weston for a compositor of its own.',
    );
  }
  if (options.waylandenv || options.wayland) {
    if (!PURE_WAYLAND.has(driver.name)) notes.push(`Option --waylandenv: --${driver.name} gives the container no Wayland socket; the toolkit variables are set anyway.`);
    return waylandToolkitEnv((options as Partial<{ gpu: boolean }>).gpu ?? false);
  }
  return [];
}
