/**
 * Upstream x11docker's options for the new display's screens and its access control, read from
 * the parser's flags and values (kept apart from parse.ts, which only calls
 * {@link parseScreenOptions}): `--scale`, `--rotate`, `--output-count`, `--border`,
 * `-F/--xfishtank`, `--westonini`, `--vt` (appearance and set-up of the display), and `--xauth`,
 * `--xhost`, `--clean-xhost`, `--xoverip` (who may connect to it). What each display option
 * makes of them is decided by the plan (src/plan/screen.ts).
 *
 * Upstream 7.8.1 (`x11docker --help`, `check_options_arguments()`): a bad value is a note there
 * and the option is dropped (a fallback); here it is an error naming the option and the values,
 * as for every other option.
 */
import { printable, X11DockerError } from '../errors.js';

/** `--rotate` values (weston's output transforms; upstream's list). */
export const ROTATIONS = ['0', '90', '180', '270', 'flipped', 'flipped-90', 'flipped-180', 'flipped-270'] as const;
/** A `--rotate` value. */
export type Rotation = (typeof ROTATIONS)[number];

/** `--xauth` values after upstream's synonyms (`yes` is `trusted`). */
export type XauthMode = 'trusted' | 'untrusted' | 'no';

/** What the user asked for about the new display's screens and its access. */
export interface ScreenOptions {
  /** `--scale=N`: zoom factor (0.25 to 9; integers only on weston, as upstream). */
  readonly scale?: number;
  /** `--rotate=N`: rotation and mirroring of the screen. */
  readonly rotate?: Rotation;
  /** `--output-count=N`: virtual monitors (1 to 9) of weston or kwin; 1 when not given. */
  readonly outputCount: number;
  /** `--border[=COLOR]`: xpra's coloured border of its windows (default `blue,1`, as upstream). */
  readonly border?: string;
  /** `-F`, `--xfishtank`: the host's xfishtank on the new display. */
  readonly xfishtank: boolean;
  /** `--westonini=FILE`: the user's weston.ini (host path) for the weston-based options. */
  readonly westonini?: string;
  /** `--vt[=N]`: the virtual terminal of `--xorg`; `auto` (no value): a free one. */
  readonly vt?: number | 'auto';
  /** `--xauth[=yes|trusted|untrusted|no]`: undefined keeps the default (a trusted cookie). */
  readonly xauth?: XauthMode;
  /** `--xhost[=STR]`: arguments of `xhost` run on the new display; `auto` (no value): `+SI:localuser:USER` of the container user. */
  readonly xhost?: readonly string[] | 'auto';
  /** `--clean-xhost`: remove every xhost permission of your own display. */
  readonly cleanXhost: boolean;
  /**
   * `--xoverip[=yes|no|listentcp|socat]`: the container reaches the new X server over TCP: the
   * server listens itself (`listentcp`), or a socat relay on the host forwards to its socket (`socat`).
   */
  readonly xoverip?: 'listentcp' | 'socat';
}

/** Defaults: one output, nothing else. */
export function defaultScreenOptions(): ScreenOptions {
  return { outputCount: 1, xfishtank: false, cleanXhost: false };
}

/**
 * Reads these options from the parsed command line.
 * @param values the values given per long option name, in order.
 * @param flags the long names of all options given.
 * @throws X11DockerError (exit 64) naming the option and its allowed values for a bad value.
 */
export function parseScreenOptions(values: ReadonlyMap<string, readonly string[]>, flags: ReadonlySet<string>): ScreenOptions {
  const last = (name: string) => values.get(name)?.at(-1);
  const xoverip = flags.has('xoverip') ? validateXoverip(last('xoverip')) : undefined;
  return {
    ...(flags.has('scale') ? { scale: validateScale(last('scale')!) } : {}),
    ...(flags.has('rotate') ? { rotate: validateRotate(last('rotate')!) } : {}),
    outputCount: flags.has('output-count') ? validateOutputCount(last('output-count')!) : 1,
    ...(flags.has('border') ? { border: validateBorder(last('border')) } : {}),
    xfishtank: flags.has('xfishtank'),
    ...(flags.has('westonini') ? { westonini: validateFile('westonini', last('westonini')!) } : {}),
    ...(flags.has('vt') ? { vt: validateVt(last('vt')) } : {}),
    ...(flags.has('xauth') ? { xauth: validateXauth(last('xauth')) } : {}),
    ...(flags.has('xhost') ? { xhost: validateXhost(last('xhost')) } : {}),
    cleanXhost: flags.has('clean-xhost'),
    ...(xoverip ? { xoverip } : {}),
  };
}

function validateScale(value: string): number {
  const n = /^\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0.25 && n <= 9)) throw new X11DockerError(`Option --scale needs a factor from 0.25 to 9 (got '${printable(value)}'), e.g. --scale=2 (weston: whole numbers 1 to 9; xpra: 0.25 to 8).`);
  return n;
}

function validateRotate(value: string): Rotation {
  if ((ROTATIONS as readonly string[]).includes(value)) return value as Rotation;
  throw new X11DockerError(`Option --rotate takes one of ${ROTATIONS.join(', ')} (got '${printable(value)}'), e.g. --rotate=90.`);
}

function validateOutputCount(value: string): number {
  if (/^[1-9]$/.test(value)) return Number(value);
  throw new X11DockerError(`Option --output-count needs a number of outputs from 1 to 9 (got '${printable(value)}'), e.g. --output-count=2.`);
}

/** xpra's `--border=COLOR[,SIZE]`: a colour name or #RGB/#RRGGBB, optionally a width. */
function validateBorder(value: string | undefined): string {
  if (value === undefined) return 'blue,1';
  if (/^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{1,30})(,\d{1,2})?$/i.test(value)) return value;
  throw new X11DockerError(`Option --border takes a colour name or #RGB, optionally with a width (got '${printable(value)}'), e.g. --border=red,3 or --border='#F00'.`);
}

function validateFile(option: string, value: string): string {
  if (value === '' || /[\x00-\x1f]/.test(value)) throw new X11DockerError(`Option --${option} needs a file name (got '${printable(value)}'), e.g. --${option}=$HOME/weston.ini.`);
  return value;
}

function validateVt(value: string | undefined): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (n >= 1 && n <= 63) return n;
  throw new X11DockerError(`Option --vt needs a virtual terminal number from 1 to 63 (got '${printable(value)}'), e.g. --vt=8, or --vt alone for a free one.`);
}

function validateXauth(value: string | undefined): XauthMode {
  if (value === undefined || value === 'yes' || value === 'trusted') return 'trusted';
  if (value === 'untrusted' || value === 'no') return value;
  throw new X11DockerError(`Option --xauth takes yes, trusted, untrusted or no (got '${printable(value)}'), e.g. --xauth=untrusted.`);
}

/** `--xhost=STR`: xhost's arguments, split at white space as upstream's unquoted `xhost $Xhost`. */
function validateXhost(value: string | undefined): readonly string[] | 'auto' {
  if (value === undefined) return 'auto';
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length === 0 || /[\x00-\x08\x0a-\x1f]/.test(value) || words.some((w) => !/^[-+]/.test(w) && !/^[a-z0-9]/i.test(w))) {
    throw new X11DockerError(`Option --xhost needs xhost arguments (got '${printable(value)}'), e.g. --xhost=+SI:localuser:$USER (see man xhost).`);
  }
  return words;
}

/** `--xoverip[=yes|no|listentcp|socat]`: yes and listentcp mean `-listen tcp` on the new X server; socat a relay. */
function validateXoverip(value: string | undefined): 'listentcp' | 'socat' | undefined {
  if (value === undefined || value === 'yes' || value === 'listentcp') return 'listentcp';
  if (value === 'no') return undefined;
  if (value === 'socat') return 'socat';
  throw new X11DockerError(`Option --xoverip takes yes, no, listentcp or socat (got '${printable(value)}'), e.g. --xoverip=yes.`);
}
