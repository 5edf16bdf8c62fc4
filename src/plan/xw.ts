/**
 * Upstream's `--xw`: run X and Wayland applications side by side. Pure.
 *
 * Upstream 7.8.1 (`check_xserver()`): without a Wayland session of the user, `--xw` becomes
 * `--weston-xwayland --wayland` (Xwayland in a Weston that x11docker starts, and the container gets
 * Weston's Wayland socket too); a display option that cannot also run Wayland (`--xephyr`,
 * `--xpra`, ...) is replaced by it, with a note and `--fallback` honoured. In a Wayland session
 * upstream shares your compositor instead (`--hostwayland` with rootful `--xwayland` for a desktop,
 * or xwayland-satellite for single windows). xwayland-satellite is not in Debian 12, and sharing
 * your compositor weakens isolation, so here `--xw` is `--weston-xwayland --wayland` in a Wayland
 * session too (a note says so); `--hostwayland` is yours to give.
 */
import type { Options } from '../options/parse.js';
import type { XServerName } from '../options/table.js';

/** Display options that `--xw` turns into `--weston-xwayland --wayland` without a note. */
const SIDE_BY_SIDE_FROM: readonly (XServerName | undefined)[] = [undefined, 'hostwayland', 'weston', 'weston-xwayland'];

/**
 * The options `--xw` stands for.
 * @param options the parsed options (unchanged without `--xw`).
 * @param waylandSession whether the user runs a Wayland session (WAYLAND_DISPLAY usable).
 * @param notes receives upstream's fallback note, and the note on a Wayland session.
 * @returns the options with `xserver: 'weston-xwayland'` and `wayland: true`.
 */
export function planXw(options: Options, waylandSession: boolean, notes: string[]): Options {
  if (!options.xw) return options;
  if (!SIDE_BY_SIDE_FROM.includes(options.xserver)) {
    // upstream's words; the form "Option --X has no effect" makes it a fallback for --fallback=no
    notes.push(`Option --xw has no effect with --${options.xserver}: it provides no way to also run a Wayland environment (that works only within a Wayland compositor). Fallback: using --weston-xwayland --wayland.`);
  } else if (waylandSession && options.xserver !== 'weston' && options.xserver !== 'weston-xwayland') {
    notes.push(
      'Option --xw in your Wayland session: upstream would share your compositor (--hostwayland with xwayland-satellite, which Debian 12 does not package); ' +
        'x11docker uses --weston-xwayland --wayland, a Weston window of its own. Give --hostwayland to share your compositor with Wayland applications.',
    );
  }
  return { ...options, xserver: 'weston-xwayland', wayland: true };
}
