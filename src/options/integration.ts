/**
 * Upstream x11docker options for terminals, the image's ENTRYPOINT, extra groups, the new X
 * server's XTEST, DPI and keyboard layout, and host integration (host DBus session, webcam,
 * printer), read from the parser's flags and values. Kept apart from parse.ts so that the central
 * parser only calls {@link parseIntegrationOptions}.
 *
 * Upstream x11docker (`x11docker --help`): `-i, --interactive`, `-t, --tty` (terminal only: no X
 * or Wayland server), `--no-entrypoint`, `--group-add=GROUP`, `--xtest [=yes|no]`, `--dpi=N`,
 * `--keymap=LAYOUT`, `--hostdbus`, `--webcam`, `-P, --printer [=MODE]` (MODE socket, tcp or auto).
 */
import { printable, X11DockerError } from '../errors.js';

/** What the user asked for about terminals, ENTRYPOINT, groups, the X server and host integration. */
export interface IntegrationOptions {
  /** `-i` / `--interactive`: stdin goes to the container command; a pseudo-terminal when stdin is one. */
  readonly interactive: boolean;
  /** `--stdin`: stdin goes to the container command, never through a pseudo-terminal (upstream's `--stdin`). */
  readonly stdin?: boolean;
  /** `-t` / `--tty`: terminal only (no X or Wayland server), interactive as with `-i`. */
  readonly tty: boolean;
  /** `--no-entrypoint`: the image's ENTRYPOINT is left out; the command (or the image's CMD) runs alone. */
  readonly noEntrypoint: boolean;
  /** `--checkwindow[=ARG]`: end the session when the windows are gone (plan/checkwindow.ts); `match` is ARG. */
  readonly checkwindow?: { readonly match?: string };
  /** `--no-setup`: x11docker writes nothing into the container (plan/no-setup.ts). */
  readonly noSetup?: boolean;
  /** `--group-add=GROUP` (repeatable): supplementary groups of the container user, names or GIDs. */
  readonly groupAdd: readonly string[];
  /** `--xtest[=yes|no]`: undefined keeps each X server's default (see plan/integration.ts). */
  readonly xtest?: boolean;
  /** `--composite[=yes|no]` (no value: yes): the X extension Composite on or off; undefined: the server's default. */
  readonly composite?: boolean;
  /** `--xopt ARGS` (repeatable): arguments added to the new X server's command, split at white space. */
  readonly xopt?: readonly string[];
  /** `--dpi=N`: dots per inch for X clients (Xft.dpi), 1 to 10000. */
  readonly dpi?: number;
  /** `--keymap=LAYOUT`: keyboard layout of the new X server (setxkbmap), e.g. `de` or `us(intl)`. */
  readonly keymap?: string;
  /** `--hostdbus`: connect the container to the host user's DBus session. */
  readonly hostdbus: boolean;
  /** `--sharessh`: share the host user's SSH agent socket. */
  readonly sharessh: boolean;
  /** `--webcam`: share the host's /dev/video* devices. */
  readonly webcam: boolean;
  /**
   * `--printer[=socket|tcp|auto]` (upstream's MODE): `socket` shares the host's CUPS socket (default;
   * upstream's `auto`), `tcp` points CUPS_SERVER at the host's CUPS port 631 over the container's
   * network; false without the option.
   */
  readonly printer: false | 'socket' | 'tcp';
}

/** Defaults: nothing of this is on. */
export function defaultIntegrationOptions(): IntegrationOptions {
  return { interactive: false, tty: false, noEntrypoint: false, groupAdd: [], hostdbus: false, sharessh: false, webcam: false, printer: false };
}

/**
 * Reads these options from the parsed command line.
 * @param values the values given per long option name, in order.
 * @param flags the long names of all options given.
 * @throws X11DockerError (exit 64) for a bad `--xtest`, `--dpi`, `--keymap`, `--group-add` or `--printer` value.
 */
export function parseIntegrationOptions(values: ReadonlyMap<string, readonly string[]>, flags: ReadonlySet<string>): IntegrationOptions {
  const last = (name: string) => values.get(name)?.at(-1);
  return {
    interactive: flags.has('interactive'),
    stdin: flags.has('stdin'),
    tty: flags.has('tty'),
    noEntrypoint: flags.has('no-entrypoint'),
    ...(flags.has('no-setup') ? { noSetup: true } : {}),
    ...(flags.has('checkwindow') ? { checkwindow: validateCheckwindow(last('checkwindow')) } : {}),
    groupAdd: (values.get('group-add') ?? []).map(validateGroup),
    xtest: flags.has('xtest') ? validateXtest(last('xtest')) : undefined,
    composite: flags.has('composite') ? validateYesNo('--composite', last('composite')) : undefined,
    xopt: (values.get('xopt') ?? []).flatMap(validateXopt),
    dpi: validateDpi(last('dpi')),
    keymap: validateKeymap(last('keymap')),
    hostdbus: flags.has('hostdbus'),
    sharessh: flags.has('sharessh'),
    webcam: flags.has('webcam'),
    printer: flags.has('printer') ? validatePrinter(last('printer')) : false,
  };
}

/** An upstream yes/no value; no value means yes. */
function validateYesNo(option: string, value: string | undefined): boolean {
  if (value === undefined || value === 'yes') return true;
  if (value === 'no') return false;
  throw new X11DockerError(`Option ${option} takes yes or no (got '${printable(value)}'): ${option}, ${option}=yes or ${option}=no.`);
}

/**
 * `--xopt ARGS`: X server arguments, split at white space as upstream adds them to the command.
 * Those that would take the display from x11docker (its number, cookie file, readiness pipe) are refused.
 */
function validateXopt(value: string): string[] {
  if (/[\x00-\x08\x0a-\x1f]/.test(value)) throw new X11DockerError(`Option --xopt: control characters in '${printable(value)}'. Give X server options, e.g. --xopt="-dpms".`);
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new X11DockerError('Option --xopt needs X server options, e.g. --xopt="-dpms".');
  const taken = words.find((w) => /^(-auth|-displayfd|:\d+)$/.test(w));
  if (taken) throw new X11DockerError(`Option --xopt: ${printable(taken)} is set by x11docker (the display, its cookie and readiness); leave it out.`);
  return words;
}

function validateXtest(value: string | undefined): boolean {
  if (value === undefined || value === 'yes') return true;
  if (value === 'no') return false;
  throw new X11DockerError(`Option --xtest takes yes or no (got '${printable(value)}'): --xtest, --xtest=yes or --xtest=no.`);
}

function validateDpi(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 10000)) throw new X11DockerError(`Option --dpi needs a number of dots per inch from 1 to 10000 (got '${printable(value)}'), e.g. --dpi=144.`);
  return n;
}

function validateKeymap(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // setxkbmap layout names: letters, digits, _ and -, optionally a variant in parentheses
  if (!/^[a-z0-9_-]{1,40}(\([a-z0-9_-]{1,40}\))?$/i.test(value)) {
    throw new X11DockerError(`Option --keymap needs a keyboard layout like de, us or us(intl) (got '${printable(value)}'); see /usr/share/X11/xkb/symbols.`);
  }
  return value;
}

function validateGroup(value: string): string {
  if (!/^([a-z_][a-z0-9_.-]{0,31}|\d{1,10})$/i.test(value)) {
    throw new X11DockerError(`Option --group-add needs a group name or GID (got '${printable(value)}'), e.g. --group-add=video.`);
  }
  return value;
}

/** `--printer` MODE as upstream: socket (also `auto`, upstream's default, and no value) or tcp. */
function validatePrinter(value: string | undefined): 'socket' | 'tcp' {
  if (value === undefined || value === 'socket' || value === 'auto') return 'socket';
  if (value === 'tcp') return 'tcp';
  throw new X11DockerError(`Option --printer takes socket, tcp or auto (got '${printable(value)}'): --printer (the CUPS socket) or --printer=tcp (CUPS port 631 over the network, with --network).`);
}

/** `--checkwindow[=ARG]`: ARG is a text to look for in the window list (one line, no control characters). */
function validateCheckwindow(value: string | undefined): { readonly match?: string } {
  if (value === undefined) return {};
  if (/[\x00-\x1f]/.test(value)) throw new X11DockerError(`Option --checkwindow: control characters in '${printable(value)}'. Give a window name, e.g. --checkwindow=Firefox.`);
  return { match: value };
}
