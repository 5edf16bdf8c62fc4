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

/** `--user` / `--hostuser`: a user name, UID or UID:GID. @param option the option, for the error. @throws X11DockerError otherwise. */
export function validateUser(value: string | undefined, option: string): string | undefined {
  if (value !== undefined && !/^([a-z_][a-z0-9_.-]{0,31}\$?|\d{1,10}(:\d{1,10})?)$/i.test(value)) {
    throw new X11DockerError(`Option ${option} needs a user name, UID or UID:GID (got '${printable(value)}').`);
  }
  return value;
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
