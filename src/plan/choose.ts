import type { XServerName } from '../options/table.js';
import { xserverDrivers } from '../xserver/drivers.js';
import type { DisplayDriver } from '../xserver/driver.js';

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
  /** Installed executables (names in PATH, or absolute paths that exist). */
  readonly binaries: ReadonlySet<string>;
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

/** Why a driver cannot be used here, or undefined when it can. */
export function unavailable(driver: DisplayDriver, input: Pick<ChoiceInput, 'binaries' | 'display' | 'waylandDisplay'>): string | undefined {
  if (driver.notImplemented) return `--${driver.name} is not implemented yet`;
  const missing = driver.requires.find((r) => !input.binaries.has(r.binary));
  if (missing) return `${missing.binary.replace(/^.*\//, '')} is missing (apt-get install ${missing.debianPackage})`;
  if (driver.needsHostDisplay && !input.display) return `--${driver.name} needs DISPLAY`;
  if (driver.name === 'hostwayland' && !input.waylandDisplay) return '--hostwayland needs WAYLAND_DISPLAY';
  if (driver.name === 'xwayland' && !input.waylandDisplay) return '--xwayland needs WAYLAND_DISPLAY';
  return undefined;
}

/**
 * The candidates, best first, for each case of upstream x11docker's automatic choice
 * (README "Choice of X servers and Wayland compositors", and `check_xserver()`):
 * - single application: `--xpra`, else `--nxagent`, else Xephyr with a host window manager,
 *   else `--weston-xwayland`; last resort `--hostdisplay` (with its warnings);
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
    : { rule: 'single application', names: ['xpra', 'nxagent', 'xephyr', 'weston-xwayland', 'hostdisplay'] };
}

/**
 * Chooses the display option: the one given, else the first available candidate of the rule that
 * applies (see {@link candidates}). A pure function of its input.
 * @returns the choice; when no candidate is available, the rule's last candidate (the plan then
 *   refuses it with a message naming what to install).
 */
export function chooseDisplay(input: ChoiceInput): DisplayChoice {
  if (input.xserver) return { name: input.xserver, reason: `--${input.xserver} was given`, explicit: true };
  const { rule, names } = candidates(input);
  let better: string | undefined;
  for (const name of names) {
    const why = unavailable(xserverDrivers[name], input);
    if (!why) {
      const installed = xserverDrivers[name].requires.map((r) => r.binary.replace(/^.*\//, '')).join(' and ');
      return { name, reason: `${rule}: ${installed ? `${installed} ${xserverDrivers[name].requires.length > 1 ? 'are' : 'is'} installed` : 'always possible'}`, better, explicit: false };
    }
    better ??= why;
  }
  const last = names[names.length - 1]!;
  return { name: last, reason: `${rule}: nothing better is available`, better, explicit: false };
}
