/**
 * Applies `--dpi` and the keyboard layout (plan/integration.ts, plan/keyboard.ts) to a new X
 * server once it accepts connections and before the container starts: `xrdb -merge` with
 * `Xft.dpi` (read by Xft, GTK and Qt from the server's RESOURCE_MANAGER, as upstream's `--dpi`),
 * and `setxkbmap` with `--keymap` or the user's layout (upstream's `--keymap`, and its
 * `setxkbmap -print | xkbcomp` of the user's layout). Both run as the host user with the
 * session's client cookie. Also `--xhost` on the new display and `--clean-xhost` on yours
 * (upstream's xhost options).
 */
import { X11DockerError, printable } from '../errors.js';
import type { XkbNames } from '../host/keyboard.js';
import { log } from '../log.js';
import type { DisplaySettings } from '../plan/integration.js';
import { run } from './spawn.js';

/**
 * setxkbmap's arguments for `names`: each non-empty field; the options after an empty `-option`,
 * which clears the server's current options (setxkbmap adds to them otherwise).
 */
export function setxkbmapArgs(names: XkbNames): string[] {
  const args: string[] = [];
  for (const [flag, value] of [['-rules', names.rules], ['-model', names.model], ['-layout', names.layout], ['-variant', names.variant]] as const) {
    if (value !== '') args.push(flag, value);
  }
  if (names.options !== '') args.push('-option', '', '-option', names.options);
  return args;
}

/**
 * @param settings the plan's display settings (nothing happens without dpi or keymap).
 * @param display the new display's number.
 * @param clientAuthFile the cookie file for clients of that display.
 * @param owner run as this uid/gid (x11docker as root), else as ourselves.
 * @throws X11DockerError when xrdb fails, or setxkbmap refuses `--keymap` (e.g. an unknown layout).
 *   setxkbmap refusing the user's own layout is a note: the server keeps its default layout.
 */
export async function applyDisplaySettings(settings: DisplaySettings, display: number, clientAuthFile: string, owner?: { uid: number; gid: number }): Promise<void> {
  const opts = { reject: false, env: { PATH: process.env.PATH, DISPLAY: `:${display}`, XAUTHORITY: clientAuthFile }, extendEnv: false, ...(owner ?? {}) };
  if (settings.dpi !== undefined) {
    const r = await run('xrdb', ['-merge', '-nocpp'], { ...opts, input: `Xft.dpi: ${settings.dpi}\n` });
    if (r.exitCode !== 0) throw new X11DockerError(`Option --dpi=${settings.dpi}: xrdb failed on :${display} (${printable(String(r.stderr).trim())}).`);
  }
  const keyboard = settings.keymap;
  if (keyboard !== undefined) {
    const r = await run('setxkbmap', setxkbmapArgs(keyboard.names), opts);
    const refused = r.exitCode !== 0;
    const why = printable(String(r.stderr).trim());
    if (refused && keyboard.from === '--keymap') {
      const m = keyboard.names;
      throw new X11DockerError(`Option --keymap=${m.layout}${m.variant ? `(${m.variant})` : ''}: setxkbmap refused it (${why}). Choose a layout from /usr/share/X11/xkb/symbols.`);
    }
    if (refused) log.note(`Your keyboard layout (${printable(keyboard.names.layout)}) could not be set on the new X server :${display} (setxkbmap: ${why}); it keeps the layout 'us'.`);
  }
}

/** Options of a host tool run on an X display as the host user, with that display's cookie file. */
function xOpts(display: string, xauthority: string | undefined, owner?: { uid: number; gid: number }) {
  return { reject: false, env: { PATH: process.env.PATH, DISPLAY: display, ...(xauthority ? { XAUTHORITY: xauthority } : {}) }, extendEnv: false, ...(owner ?? {}) };
}

/**
 * `--xhost=STR` (upstream's): runs `xhost STR` on the new display once it is up (the plan warned).
 * @param args xhost's arguments.
 * @throws X11DockerError when xhost fails.
 */
export async function applyXhost(args: readonly string[], display: number, clientAuthFile: string, owner?: { uid: number; gid: number }): Promise<void> {
  const r = await run('xhost', [...args], xOpts(`:${display}`, clientAuthFile, owner));
  if (r.exitCode !== 0) throw new X11DockerError(`Option --xhost=${args.join(' ')}: xhost failed on :${display} (${printable(String(r.stderr).trim())}). See man xhost for its arguments.`);
  log.info(`xhost ${args.join(' ')} on :${display}: ${String(r.stdout).trim()}`);
}

/**
 * `--clean-xhost` (upstream's `disable_xhost`): removes every entry of the user's display's
 * xhost list (`xhost -ENTRY`), then turns access control on (`xhost -`). Entries that remain are
 * a note.
 * @param display the user's DISPLAY; @param xauthority its cookie file.
 */
export async function cleanHostXhost(display: string, xauthority: string | undefined, owner?: { uid: number; gid: number }): Promise<void> {
  const opts = xOpts(display, xauthority, owner);
  const list = async () => String((await run('xhost', [], opts)).stdout).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  for (const entry of await list()) {
    log.info(`--clean-xhost: removing ${entry} from ${display}`);
    await run('xhost', [`-${entry}`], opts);
  }
  await run('xhost', ['-'], opts);
  const left = await list();
  if (left.length > 0) log.note(`Option --clean-xhost: xhost permissions remain on your display ${display}: ${left.join(', ')}.`);
}
