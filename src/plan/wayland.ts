import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import { waylandToolkitEnv } from '../wayland/wayland.js';
import type { DisplayDriver } from '../xserver/driver.js';

/**
 * The Wayland part of a plan: upstream's warning for `--hostwayland` (the user's Wayland socket
 * was checked with the driver's `needs`), and returns the toolkit variables
 * for the container with `--waylandenv` or `--wayland` (upstream sets them for both).
 * @param notes, warnings collected for printing before anything starts.
 * @returns NAME=VALUE strings for the container, before the user's `--env` (which win).
 */
export function planWayland(options: Options, host: HostFacts, driver: DisplayDriver, notes: string[], warnings: string[]): string[] {
  if (driver.source === 'shared' && driver.gives === 'wayland') {
    warnings.push(
      `Option --hostwayland shares your Wayland compositor (${host.waylandDisplay}) with the container. ` +
        'Reduced container isolation: the application is a client of your real desktop session and can use everything ' +
        'your compositor offers its clients (e.g. the clipboard). Use --weston for a compositor of its own.',
    );
  }
  if (options.waylandenv || options.wayland) {
    if (driver.gives !== 'wayland' && !(options.wayland && driver.waylandAlongside)) notes.push(`Option --waylandenv: --${driver.name} gives the container no Wayland socket; the toolkit variables are set anyway.`);
    return waylandToolkitEnv(options.services.gpu);
  }
  return [];
}
