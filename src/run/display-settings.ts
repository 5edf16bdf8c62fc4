/**
 * Applies `--dpi` and `--keymap` (plan/integration.ts) to a new X server once it accepts
 * connections and before the container starts: `xrdb -merge` with `Xft.dpi` (read by Xft, GTK
 * and Qt from the server's RESOURCE_MANAGER, as upstream's `--dpi`), and `setxkbmap` with the
 * layout (upstream's `--keymap`). Both run as the host user with the session's client cookie.
 */
import { X11DockerError, printable } from '../errors.js';
import type { DisplaySettings } from '../plan/integration.js';
import { run } from './spawn.js';

/**
 * @param settings the plan's display settings (nothing happens without dpi or keymap).
 * @param display the new display's number.
 * @param clientAuthFile the cookie file for clients of that display.
 * @param owner run as this uid/gid (x11docker as root), else as ourselves.
 * @throws X11DockerError when xrdb or setxkbmap fails (e.g. an unknown layout).
 */
export async function applyDisplaySettings(settings: DisplaySettings, display: number, clientAuthFile: string, owner?: { uid: number; gid: number }): Promise<void> {
  const opts = { reject: false, env: { PATH: process.env.PATH, DISPLAY: `:${display}`, XAUTHORITY: clientAuthFile }, extendEnv: false, ...(owner ?? {}) };
  if (settings.dpi !== undefined) {
    const r = await run('xrdb', ['-merge', '-nocpp'], { ...opts, input: `Xft.dpi: ${settings.dpi}\n` });
    if (r.exitCode !== 0) throw new X11DockerError(`Option --dpi=${settings.dpi}: xrdb failed on :${display} (${printable(String(r.stderr).trim())}).`);
  }
  if (settings.keymap !== undefined) {
    const m = /^([^()]+)(?:\(([^()]+)\))?$/.exec(settings.keymap)!;
    const r = await run('setxkbmap', ['-layout', m[1]!, ...(m[2] ? ['-variant', m[2]] : [])], opts);
    if (r.exitCode !== 0) {
      throw new X11DockerError(`Option --keymap=${settings.keymap}: setxkbmap refused it (${printable(String(r.stderr).trim())}). Choose a layout from /usr/share/X11/xkb/symbols.`);
    }
  }
}
