/**
 * Plans the keyboard layout of the new X server (pure): `--keymap`, else the layout of the user's
 * display (the host fact `keyboard`, `_XKB_RULES_NAMES`), as upstream x11docker does with
 * `setxkbmap -print | xkbcomp` after the server started and nxagent's `keyboard=clone`.
 *
 * How each server gets it (measured with xkb-data 2.35, Xorg servers 21.1, Xwayland 22.1,
 * nxagent 3.5.99.26, xpra 3.1):
 * - Xephyr, Xvfb, Xdummy and the Xwayland of `--weston-xwayland`/`--kwin-xwayland`:
 *   `setxkbmap` with the rule names on the new display once it runs (src/run/display-settings.ts;
 *   every new server runs with `-noreset`, else the layout would be gone when setxkbmap
 *   disconnects). Xephyr's `-keybd ephyr,,,xkblayout=...` cannot carry a layout list such as
 *   `fr,us` (its option syntax splits at commas), and Xvfb has no keyboard options at all. A nested
 *   Weston copies the user's keymap to Xwayland, but Xwayland keeps the default names (`us`).
 * - nxagent: `keyboard=clone` in its options file (src/xserver/nxagent.ts), always: it copies the
 *   user's keymap itself; it refuses setxkbmap, so `--keymap` has no effect there (a note).
 * - `--xpra`, `--xpra-xwayland`: the xpra client sends the user's layout to the xpra server, which
 *   sets it (and follows later changes); only `--keymap` is set with setxkbmap.
 * - `--xwayland`: Xwayland takes the keymap of the user's Wayland compositor; the names on the
 *   user's X display may not be that keymap's, so only `--keymap` is set.
 * - `--xorg` runs only from a console, without a user display: Xorg reads the system's keyboard
 *   configuration (xorg.conf.d, /etc/default/keyboard) itself; only `--keymap` is set.
 */
import type { HostFacts } from '../host/facts.js';
import type { XkbNames } from '../host/keyboard.js';

/** The keyboard layout x11docker sets on the new X server with setxkbmap once it runs. */
export interface KeyboardSettings {
  /** `--keymap` (setxkbmap refusing it is an error), or the user's display (a note then). */
  readonly from: '--keymap' | 'display';
  /** The rule names to set; empty fields are left to setxkbmap's defaults. */
  readonly names: XkbNames;
}

/** Display options whose X server follows the user's layout through setxkbmap after start. */
const FOLLOWS_WITH_SETXKBMAP = new Set(['xephyr', 'xvfb', 'xdummy', 'weston-xwayland', 'kwin-xwayland']);

/** Whether `names` is what a new X server has anyway (layout `us`, no variant, no options): nothing to set. */
function isServerDefault(names: XkbNames): boolean {
  return names.layout === 'us' && names.variant === '' && names.options === '';
}

/**
 * Rule names from a `--keymap` value (`LAYOUT` or `LAYOUT(VARIANT)`, validated by the option parser).
 * @param keymap e.g. `de` or `de(nodeadkeys)`.
 */
export function keymapNames(keymap: string): XkbNames {
  const m = /^([^()]+)(?:\(([^()]+)\))?$/.exec(keymap);
  return { rules: '', model: '', layout: m?.[1] ?? keymap, variant: m?.[2] ?? '', options: '' };
}

/**
 * The layout to set on the new X server of display option `name`, or undefined when none is set
 * (no `--keymap` and the user's layout is unknown, the server default, or reaches the server
 * another way; see the module comment). nxagent never gets one.
 * @param keymap the `--keymap` value, if given (it wins over the user's layout).
 * @param host host facts: `keyboard` (the user's layout) and whether `setxkbmap` is installed.
 * @param notes receives a note when the user's layout cannot be set because setxkbmap is missing.
 */
export function planKeyboard(name: string, keymap: string | undefined, host: Pick<HostFacts, 'keyboard' | 'binaries'>, notes: string[]): KeyboardSettings | undefined {
  if (name === 'nxagent') return undefined;
  if (keymap !== undefined) return { from: '--keymap', names: keymapNames(keymap) };
  const names = host.keyboard;
  if (!names || !FOLLOWS_WITH_SETXKBMAP.has(name) || isServerDefault(names)) return undefined;
  if (!host.binaries.has('setxkbmap')) {
    notes.push(`Your keyboard layout (${names.layout}) is not set on the new X server, which uses 'us': setxkbmap is missing. Install it: apt-get install x11-xkb-utils.`);
    return undefined;
  }
  return { from: 'display', names };
}
