import type { XServerName } from '../options/table.js';
import { xserverDrivers } from '../xserver/drivers.js';
import type { DisplayDriver } from '../xserver/driver.js';
import { printable } from '../errors.js';
import { hostWaylandSocket } from '../wayland/wayland.js';

/** What the automatic choice looks at; a pure value (no host access). */
export interface ChoiceInput {
  /** The display option given on the command line, if any (then nothing is chosen). */
  readonly xserver?: XServerName;
  /** `--desktop`. */
  readonly desktop: boolean;
  /** `--gpu` (hardware acceleration). */
  readonly gpu: boolean;
  /** `--wayland`. */
  readonly wayland: boolean;
  /** `DISPLAY` of the user's desktop, if set. */
  readonly display?: string;
  /** `WAYLAND_DISPLAY` of the user's desktop, if set. */
  readonly waylandDisplay?: string;
  /** `XDG_RUNTIME_DIR` of the user, if set (a relative WAYLAND_DISPLAY is a socket there). */
  readonly xdgRuntimeDir?: string;
  /** Installed executables (names in PATH, or absolute paths that exist). */
  readonly binaries: ReadonlySet<string>;
  /** uid of the x11docker process (`--xorg` needs 0), when known. */
  readonly processUid?: number;
  /** Whether x11docker runs on a console (`--xorg` needs one), when known. */
  readonly onConsole?: boolean;
  /** `--keymap` was given: a candidate that cannot set a layout (nxagent) is passed over. */
  readonly keymap?: boolean;
}

/** The outcome of {@link chooseDisplay}. */
export interface DisplayChoice {
  readonly name: XServerName;
  /** Why it was chosen, for the one line on stderr and the log. */
  readonly reason: string;
  /** The first better candidate that was passed over, and why (`xpra is missing: apt-get install xpra`). */
  readonly better?: string;
  /** True when the user named the server; false when it was chosen automatically. */
  readonly explicit: boolean;
}

/** Why a driver cannot run here: a short form for the choice line, and the one-line refusal. */
export interface Unavailable {
  /** e.g. `xpra is missing (apt-get install xpra)`, `--xephyr needs DISPLAY`. */
  readonly short: string;
  /** The whole refusal for an explicit choice: what is missing and the fix. */
  readonly message: string;
}

/**
 * Why a driver cannot be used here, or undefined when it can: read only from the driver's
 * declarations (`notImplemented`, `requires`, `needs`, `source`) and the host, never from its
 * name. The same check serves the automatic choice (which skips the driver) and the plan (which
 * refuses an explicit choice with {@link Unavailable.message}).
 * @param driver the display driver.
 * @param input the host side of {@link ChoiceInput}.
 */
export function unavailable(driver: DisplayDriver, input: Omit<ChoiceInput, 'xserver' | 'desktop' | 'gpu' | 'wayland'>): Unavailable | undefined {
  const opt = `--${driver.name}`;
  if (driver.notImplemented) return { short: `${opt} is not implemented yet`, message: driver.notImplemented };
  const missing = driver.requires.find((r) => !input.binaries.has(r.binary));
  if (missing) {
    const bin = missing.binary.replace(/^.*\//, '');
    return { short: `${bin} is missing (apt-get install ${missing.debianPackage})`, message: `${opt} needs ${missing.binary}, which is not installed. Install it: apt-get install ${missing.debianPackage}.` };
  }
  const needs = driver.needs;
  if (needs.consoleRoot && (input.display || input.processUid !== 0 || !input.onConsole)) {
    return {
      short: `${opt} needs a console and root`,
      message: `${opt} cannot start here${input.display ? ` (DISPLAY=${printable(input.display)} is set: x11docker runs inside X)` : ''}. ${driver.advice ?? ''}`.trim(),
    };
  }
  if (needs.display && !input.display) {
    return { short: `${opt} needs DISPLAY`, message: `${opt} needs a running X display, but DISPLAY is not set. Use --xvfb for an invisible X server, or set DISPLAY.` };
  }
  // a TCP display (`host:N`, as ssh -X gives) for a driver that needs a local one; anything else
  // that is no display name is left to the connection check, which names DISPLAY and XAUTHORITY
  const tcp = /^[^:/]+:\d+(?:\.\d+)?$/.test(input.display ?? '') && localDisplayNumber(input.display) === undefined;
  if (needs.display && ((driver.source === 'shared' && localDisplayNumber(input.display) === undefined) || (needs.localDisplay && tcp))) {
    const over = needs.localDisplay ? ', not a TCP display as ssh -X gives' : '';
    return { short: `${opt} needs a local DISPLAY`, message: `${opt} needs a local display like ':0'${over} (DISPLAY='${printable(input.display ?? '')}'). Use --xephyr or --xvfb instead.` };
  }
  if (needs.waylandDisplay && !hostWaylandSocket(input.waylandDisplay, input.xdgRuntimeDir)) {
    return {
      short: `${opt} needs WAYLAND_DISPLAY`,
      message:
        `${opt} needs your Wayland session: WAYLAND_DISPLAY${input.waylandDisplay ? ' is relative, but XDG_RUNTIME_DIR' : ''} is not set. ` +
        `Run it from a Wayland desktop, or use ${driver.gives === 'x11' ? '--weston-xwayland' : '--weston'} instead.`,
    };
  }
  return undefined;
}

/**
 * The display number of a local X display (`:N`, `:N.S`, `unix:N`, `unix:N.S`: a unix socket,
 * X11 display name syntax), or undefined for a TCP display (`host:N`) or no display.
 */
export function localDisplayNumber(display: string | undefined): number | undefined {
  const m = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The candidates, best first, for each case of upstream x11docker's automatic choice
 * (README "Choice of X servers and Wayland compositors", and `check_xserver()`), with one change:
 * - single application: `--nxagent`, else `--xpra`, else Xephyr with a host window manager,
 *   else `--weston-xwayland`; last resort `--hostdisplay` (with its warnings). Upstream tries
 *   xpra before nxagent; both are seamless, but nxagent shows the first window in about the time
 *   of Xephyr, while xpra (Xvfb, then an xpra server and an xpra client, both Python, one after
 *   the other) takes about 2.4 times as long (README, "X servers and display options"). nxagent
 *   cannot run OpenGL applications: the choice line says so and names the candidate that can
 *   ({@link chooseDisplay});
 * - `--desktop`: `--xephyr`, else `--nxagent`, `--weston-xwayland`, `--kwin-xwayland`,
 *   `--xpra` (desktop), last resort `--xorg`;
 * - `--gpu`: `--xpra-xwayland` for a single application (last resort `--hostdisplay`),
 *   `--weston-xwayland` for a desktop (then `--kwin-xwayland`, `--xorg`);
 * - `--wayland`: `--hostwayland` for a single application in a Wayland session, else `--weston`,
 *   then `--kwin`;
 * - no DISPLAY and no `--wayland`: the invisible `--xvfb`, else `--xdummy` (upstream would
 *   start `--xorg` from a console; a headless machine has none).
 */
export function candidates(input: Omit<ChoiceInput, 'binaries' | 'xserver'>): { readonly rule: string; readonly names: readonly XServerName[] } {
  if (input.wayland) {
    return input.waylandDisplay && !input.desktop
      ? { rule: '--wayland in a Wayland session', names: ['hostwayland', 'weston', 'kwin'] }
      : { rule: `--wayland${input.desktop ? ' --desktop' : ''}`, names: ['weston', 'kwin'] };
  }
  if (!input.display) return { rule: 'DISPLAY is not set', names: ['xvfb', 'xdummy'] };
  if (input.gpu) {
    return input.desktop
      ? { rule: '--gpu --desktop', names: ['weston-xwayland', 'kwin-xwayland', 'xorg'] }
      : { rule: '--gpu, single application', names: ['xpra-xwayland', 'weston-xwayland', 'kwin-xwayland', 'hostdisplay'] };
  }
  return input.desktop
    ? { rule: '--desktop', names: ['xephyr', 'nxagent', 'weston-xwayland', 'kwin-xwayland', 'xpra', 'xorg'] }
    : { rule: 'single application', names: ['nxagent', 'xpra', 'xephyr', 'weston-xwayland', 'hostdisplay'] };
}

/**
 * Chooses the display option: the one given, else the first available candidate of the rule that
 * applies (see {@link candidates}). A pure function of its input. When the chosen server cannot
 * run OpenGL applications (`glxUnusable`: nxagent), the reason names the next available
 * candidate that can (`OpenGL applications need --xpra`), since the choice cannot know whether
 * the application uses OpenGL. With `--keymap`, candidates that cannot set a layout are left out while another one is available.
 * @returns the choice; when no candidate is available, the rule's last candidate (the plan then
 *   refuses it with a message naming what to install).
 */
export function chooseDisplay(input: ChoiceInput): DisplayChoice {
  if (input.xserver) return { name: input.xserver, reason: `--${input.xserver} was given`, explicit: true };
  const all = candidates(input);
  // --keymap: servers that take a layout first (nxagent copies the user's and refuses setxkbmap)
  const keyed = input.keymap ? all.names.filter((n) => xserverDrivers[n].honours.keymap) : all.names;
  const useKeyed = input.keymap && keyed.length < all.names.length && keyed.some((n) => !unavailable(xserverDrivers[n], input));
  const { rule, names } = useKeyed ? { rule: `${all.rule}, --keymap`, names: keyed } : all;
  let better: string | undefined;
  for (const [i, name] of names.entries()) {
    const why = unavailable(xserverDrivers[name], input)?.short;
    if (!why) {
      const driver = xserverDrivers[name];
      const installed = driver.requires.map((r) => r.binary.replace(/^.*\//, '')).join(' and ');
      const glx = driver.glxUnusable ? names.slice(i + 1).find((n) => n !== 'hostdisplay' && !xserverDrivers[n].glxUnusable && !unavailable(xserverDrivers[n], input)) : undefined;
      const reason = `${rule}: ${installed ? `${installed} ${driver.requires.length > 1 ? 'are' : 'is'} installed` : 'always possible'}${glx ? `; OpenGL applications need --${glx}` : ''}`;
      return { name, reason, better, explicit: false };
    }
    better ??= why;
  }
  const last = names[names.length - 1]!;
  return { name: last, reason: `${rule}: nothing better is available`, better, explicit: false };
}

/**
 * Upstream's `--printcheck` ("show dependency check messages"): one line per display option the
 * choice looks at, the given one first, saying whether it can run here and, if not, what is
 * missing (the same check as {@link unavailable}). Pure.
 * @param input what the choice looks at; `xserver` is the option given, if any.
 * @returns lines for notes, e.g. `--printcheck: --xpra (single application): not possible, xpra is missing (apt-get install xpra)`.
 */
export function dependencyCheck(input: ChoiceInput): string[] {
  const { rule, names } = candidates(input);
  const list = input.xserver ? [input.xserver, ...names.filter((n) => n !== input.xserver)] : names;
  return list.map((n) => {
    const why = unavailable(xserverDrivers[n], input);
    return `--printcheck: --${n} (${n === input.xserver ? 'given' : rule}): ${why ? `not possible, ${why.short}` : 'possible'}`;
  });
}
