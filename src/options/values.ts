/**
 * Validation of single option values for parse.ts (`--display`, `--env`, `--runtime`,
 * `--limit`, `--name`, `--shell`, `--workdir`, `--user`, `--newprivileges`, the FILE of
 * `--printenv`/`--printid`, `--xeyes`'s options): each returns the value as the options carry it,
 * or throws one X11DockerError naming the option and an example. Pure.
 */
import { printable, X11DockerError } from '../errors.js';

/** `--display N` (or `:N`): a display number from 0 to 59535. @throws X11DockerError naming the option otherwise. */
export function validateDisplay(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^:?(\d{1,5})$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 59535)) {
    throw new X11DockerError(`Option --display needs a display number from 0 to 59535 (got '${printable(value)}'), e.g. --display=30.`);
  }
  return n;
}

/** `--newprivileges[=yes|no|auto]`: upstream's values; without one, yes. */
export function validateNewPrivileges(value: string | undefined): 'yes' | 'no' | 'auto' {
  if (value === undefined) return 'yes';
  if (value === 'yes' || value === 'no' || value === 'auto') return value;
  throw new X11DockerError(`Option --newprivileges takes yes, no or auto (got '${printable(value)}'), e.g. --newprivileges=no.`);
}

/**
 * The FILE of `--printenv=FILE` / `--printid=FILE` (upstream's optional FILE argument).
 * @throws X11DockerError for a name with control characters.
 */
export function printFile(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && /[\x00-\x1f]/.test(value)) throw new X11DockerError(`Option --${option}: control characters in '${printable(value)}'. Give a file name.`);
  return value;
}

/** `--env NAME=VALUE`: a valid variable name before the first `=`; the value is kept byte for byte. @throws X11DockerError otherwise. */
export function validateEnv(value: string): string {
  const eq = value.indexOf('=');
  if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value.slice(0, eq))) {
    throw new X11DockerError(`Option --env needs NAME=VALUE with a valid variable name (got '${printable(value)}'), e.g. --env LANG=C.UTF-8.`);
  }
  return value;
}

/** `--runtime RUNTIME`: an engine runtime name (letters, digits, `.`, `_`, `-`). @throws X11DockerError otherwise. */
export function validateRuntime(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value)) {
    throw new X11DockerError(`Option --runtime needs a runtime name such as runc, crun or nvidia (got '${printable(value)}').`);
  }
  return value;
}

/** `--limit[=FACTOR]`: upstream's default is 0.5; the factor must be in (0, 1]. */
export function validateLimit(value: string | undefined): number {
  if (value === undefined) return 0.5;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0 && n <= 1)) {
    throw new X11DockerError(`Option --limit needs a factor above 0 and at most 1, e.g. --limit=0.5 (got '${printable(value)}').`);
  }
  return n;
}

/** `--name NAME`: a container name as docker accepts it. @throws X11DockerError otherwise. */
export function validateName(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value)) {
    throw new X11DockerError(`Option --name needs a container name of letters, digits, '_', '.', '-' (got '${printable(value)}').`);
  }
  return value;
}

/** `--xeyes=ARGS`: options for xeyes, split at white space (upstream passes them unquoted). */
export function splitClientArgs(option: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  if (/[\x00-\x1f]/.test(value.replace(/[\t]/g, ' '))) throw new X11DockerError(`Option --${option}: control characters in '${printable(value)}'. Give ${option} options, e.g. --${option}=-shape.`);
  return value.split(/\s+/).filter(Boolean);
}

/** `--shell`: an absolute path that fits a passwd field (no ':', no control characters). */
export function validateShell(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\/[^:\x00-\x1f]*$/.test(value)) {
    throw new X11DockerError(`Option --shell needs the absolute path of a shell in the image, without ':' (got '${printable(value)}'), e.g. --shell=/bin/bash.`);
  }
  return value;
}

/** `--workdir DIR`: an absolute path without NUL or newline. @throws X11DockerError otherwise. */
export function validateWorkdir(value: string | undefined): string | undefined {
  if (value !== undefined && (!value.startsWith('/') || /[\0\n]/.test(value))) {
    throw new X11DockerError(`Option --workdir needs an absolute path in the container (got '${printable(value)}'), e.g. --workdir=/tmp.`);
  }
  return value;
}

/** The largest uid or gid Linux gives a process: uid_t is 32 bits, and (uid_t)-1 means "none". */
export const MAX_ID = 4294967294;

/**
 * `--user`: a user name, UID or UID:GID; `--hostuser` (a host user, as upstream's `--hostuser=USER`):
 * a user name or UID. A UID or GID above {@link MAX_ID} is no Linux id.
 * @param option the option, for the error.
 * @throws X11DockerError otherwise.
 */
export function validateUser(value: string | undefined, option: '--user' | '--hostuser'): string | undefined {
  if (value === undefined) return value;
  const form = option === '--hostuser' ? /^([a-z_][a-z0-9_.-]{0,31}\$?|\d{1,10})$/i : /^([a-z_][a-z0-9_.-]{0,31}\$?|\d{1,10}(:\d{1,10})?)$/i;
  const what = option === '--hostuser' ? 'a host user name or UID' : 'a user name, UID or UID:GID';
  if (!form.test(value)) throw new X11DockerError(`Option ${option} needs ${what} (got '${printable(value)}').`);
  if (/^\d/.test(value) && value.split(':').some((id) => Number(id) > MAX_ID)) {
    throw new X11DockerError(`Option ${option}=${value}: a UID or GID is at most ${MAX_ID} on Linux. Give a smaller one.`);
  }
  return value;
}

/** The image `--xc` uses without IMAGE: built by scripts/setup.sh (upstream's is x11docker/xserver). */
export const DEFAULT_XC_IMAGE = 'x11docker-xserver';

/**
 * Where the display's processes run (`--xc`): `yes` in a container of `image`, `no` on the host,
 * `auto` on the host when the display option's binaries are installed there, else in a container
 * of `image` when the engine has it.
 */
export interface XcOption {
  readonly mode: 'yes' | 'no' | 'auto';
  readonly image: string;
}

/**
 * `--xc[=yes|no|auto|IMAGE]`, after upstream's `--xc [=yes|no|BACKEND]`: without a value yes;
 * upstream's `force` means yes; upstream's BACKEND (docker, podman, nerdctl) means yes when it
 * is the session's `--backend` (the X container runs on the session's engine); any other value is
 * an image name (yes, with that image). Not given: auto (upstream: enabled when its image exists;
 * here only where the host lacks the binaries).
 * @param given whether `--xc` was on the command line.
 * @param value its value, if any.
 * @param backend the session's `--backend`.
 * @throws X11DockerError naming the option for another engine than `--backend`, or a value that
 *   is no image name.
 */
export function validateXc(given: boolean, value: string | undefined, backend: string): XcOption {
  const image = DEFAULT_XC_IMAGE;
  if (!given) return { mode: 'auto', image };
  if (value === undefined || value === 'yes' || value === 'force') return { mode: 'yes', image };
  if (value === 'no' || value === 'auto') return { mode: value, image };
  if (value === 'docker' || value === 'podman' || value === 'nerdctl') {
    if (value !== backend) throw new X11DockerError(`Option --xc=${value}: the X container runs on the session's engine (--backend=${backend}). Use --backend=${value} --xc, or --xc alone.`);
    return { mode: 'yes', image };
  }
  // an image reference's characters ([registry[:port]/]name[:tag][@digest]); the engine judges the rest
  if (!/^[a-z0-9][a-z0-9._/:@-]*$/i.test(value) || value.includes('//')) {
    throw new X11DockerError(`Option --xc takes yes, no, auto or an image name (got '${printable(value)}'), e.g. --xc=${DEFAULT_XC_IMAGE}.`);
  }
  return { mode: 'yes', image: value };
}

/**
 * An option's `[=yes|no]` value (upstream's form, e.g. `--fallback=no`); without a value, yes.
 * @param option the long name, for the error.
 * @throws X11DockerError naming the option for any other value.
 */
export function validateYesNo(option: string, value: string | undefined): 'yes' | 'no' {
  if (value === undefined || value === 'yes') return 'yes';
  if (value === 'no') return 'no';
  throw new X11DockerError(`Option --${option} takes yes or no (got '${printable(value)}'), e.g. --${option}=no.`);
}

/** Upstream's `--clipboard` directions: both (`yes`), container to host, host to container, container to host plus Ctrl+Super+V. */
export type ClipboardMode = 'yes' | 'c2h' | 'h2c' | 'cmv';

/**
 * `--clipboard[=yes|no|c2h|h2c|cmv]`, as upstream 7.8.1 reads it: no value is `yes`; upstream's
 * deprecated `superv` and `altv` become `cmv` with upstream's note (a fallback: an error with
 * `--fallback=no`), `oneway` becomes `c2h` with a note.
 * @param given whether the option was given; `value` its last value.
 * @param notes receives the deprecation notes.
 * @returns whether the clipboard is shared and in which direction.
 * @throws X11DockerError (exit 64) for another value.
 */
export function validateClipboard(given: boolean, value: string | undefined, notes: string[]): { readonly clipboard: boolean; readonly clipboardMode: ClipboardMode } {
  if (!given || value === undefined || value === 'yes') return { clipboard: given, clipboardMode: 'yes' };
  if (value === 'no') return { clipboard: false, clipboardMode: 'yes' };
  if (value === 'c2h' || value === 'h2c' || value === 'cmv') return { clipboard: true, clipboardMode: value };
  if (value === 'superv' || value === 'altv') {
    notes.push(`Option --clipboard=${value} is deprecated (upstream x11docker): the key combination is Ctrl+Super+V now. Using --clipboard=cmv.`);
    return { clipboard: true, clipboardMode: 'cmv' };
  }
  if (value === 'oneway') {
    notes.push('Option --clipboard=oneway is deprecated (upstream x11docker): it is --clipboard=c2h now.');
    return { clipboard: true, clipboardMode: 'c2h' };
  }
  throw new X11DockerError(`Option --clipboard takes yes, no, c2h, h2c or cmv (got '${printable(value)}'): c2h copies from the container to your display only, h2c the other way.`);
}
