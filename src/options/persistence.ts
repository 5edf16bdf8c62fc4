/**
 * Validation of the shared-folder, HOME, locale and sudo options (`--home`, `--homedir`,
 * `--sharedir`/`--share`, `--lang`). Kept apart from parse.ts so the rules for these options
 * live in one place. Pure: only `process.cwd()` is read, to make relative paths absolute.
 */
import { resolve } from 'node:path';
import { printable, X11DockerError } from '../errors.js';

/** One `--sharedir` value. */
export interface SharedDir {
  /** Absolute host path (also the path in the container). */
  readonly path: string;
  /** `:ro` was appended. */
  readonly readonly: boolean;
}

/** The options validated here, as they appear in {@link import('./parse.js').Options}. */
export interface PersistenceOptions {
  /**
   * Persistent HOME: `''` for `--home` (the folder `IMAGENAME` in `~/x11docker` or `--homebasedir`), an absolute
   * host path for `--home=DIR` / `--homedir DIR`, undefined without them.
   */
  readonly home?: string;
  /** `--homebasedir DIR` (absolute): where `--home` keeps its folders instead of `~/x11docker`. */
  readonly homebasedir?: string;
  /** `--cachebasedir DIR` (absolute): x11docker's cache (session folders) instead of `~/.cache/x11docker`. */
  readonly cachebasedir?: string;
  /** `--sharedir DIR[:ro]`, in order. */
  readonly sharedirs: readonly SharedDir[];
  /** `--lang[=LOCALE]`: `''` for the host's $LANG, else the value as given. */
  readonly lang?: string;
  /** `--sudouser`. */
  readonly sudouser: boolean;
  /** `--sudouser=nopasswd`: sudo without a password (upstream's). */
  readonly sudoNopasswd?: boolean;
}

/**
 * Reads the options of this group from the parser's values.
 * @param values every value given per long option name, in order.
 * @param flags the long names of all options given.
 * @throws X11DockerError (exit 64) for an empty or unusable path, naming the option.
 */
export function parsePersistence(values: ReadonlyMap<string, readonly string[]>, flags: ReadonlySet<string>): PersistenceOptions {
  let home: string | undefined;
  // --homedir DIR and --home=DIR are the same; the last one given wins (as upstream's variables)
  const homeValue = values.get('home')?.at(-1);
  if (flags.has('home')) home = homeValue === undefined ? '' : hostPath(homeValue, '--home');
  const homedir = values.get('homedir')?.at(-1);
  if (homedir !== undefined) home = hostPath(homedir, '--homedir');
  const sharedirs = (values.get('sharedir') ?? []).map((v) => {
    const ro = /:ro$/.exec(v) !== null;
    const path = v.replace(/:(ro|rw)$/, '');
    return { path: hostPath(path, '--sharedir'), readonly: ro };
  });
  const langValue = values.get('lang')?.at(-1);
  const lang = flags.has('lang') ? (langValue ?? '') : undefined;
  if (lang !== undefined && lang !== '') validateLocaleSpec(lang);
  const base = values.get('homebasedir')?.at(-1);
  const homebasedir = base === undefined ? undefined : hostPath(base, '--homebasedir');
  // upstream: yes, nopasswd or no, in any case (`${Sudouser,,}`); the last one given wins
  const sudoValue = values.get('sudouser')?.at(-1)?.toLowerCase();
  if (sudoValue !== undefined && !['yes', 'no', 'nopasswd'].includes(sudoValue)) throw new X11DockerError(`Option --sudouser takes no value, yes, nopasswd or no (got '${printable(sudoValue)}'): --sudouser or --sudouser=nopasswd.`);
  const cache = values.get('cachebasedir')?.at(-1);
  const cachebasedir = cache === undefined ? undefined : hostPath(cache, '--cachebasedir');
  return { home, homebasedir, ...(cachebasedir !== undefined ? { cachebasedir } : {}), sharedirs, lang, sudouser: flags.has('sudouser') && sudoValue !== 'no', ...(sudoValue === 'nopasswd' ? { sudoNopasswd: true } : {}) };
}

/** A host path from the command line: not empty, no NUL or newline; relative ones are made absolute. */
function hostPath(value: string, option: string): string {
  if (value.trim() === '') throw new X11DockerError(`Option ${option} needs a host folder, got an empty path. Give one, e.g. ${option}=$HOME/Documents.`);
  if (/[\0\n]/.test(value)) throw new X11DockerError(`Option ${option}: the path "${printable(value)}" contains a newline or NUL. Rename the folder.`);
  const path = resolve(value);
  if (path === '/') throw new X11DockerError(`Option ${option}: sharing the host's root folder / is refused. Share a sub folder.`);
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * Checks a `--lang` value: a locale name like `de`, `de_DE`, `zh_CN.UTF-8` or `en_US.utf8`.
 * @throws X11DockerError for anything else.
 */
export function validateLocaleSpec(spec: string): void {
  if (!/^[a-zA-Z]{2,3}(_[a-zA-Z]{2})?(\.[a-zA-Z0-9-]+)?(@[a-zA-Z0-9]+)?$/.test(spec)) {
    throw new X11DockerError(`Option --lang needs a locale like de, de_DE or zh_CN.UTF-8 (got "${printable(spec)}").`);
  }
}

/**
 * Explains an "image not found" error when the word taken as the image was meant as the value of
 * the option before it: optional values (`--lang`, `--home`, ...) are only taken with `=`, as
 * upstream's getopt parsing does, so `x11docker --lang de IMAGE` makes `de` the image.
 * @param error the error from the engine's image look-up.
 * @param options the parsed options (`optionalBeforeImage`, `image`).
 * @returns a clearer X11DockerError (exit 64) naming the option and the `=` form, else `error` unchanged.
 */
export function imageNotFoundHint(error: unknown, options: { readonly optionalBeforeImage?: string; readonly image?: string }): unknown {
  const name = options.optionalBeforeImage;
  if (!name || options.image === undefined || !(error instanceof X11DockerError) || !/not found/i.test(error.message)) return error;
  const v = printable(options.image);
  return new X11DockerError(`Image '${v}' not found locally. Option --${name} takes its value only as --${name}=${v} (optional values need '='); written apart, '${v}' is read as the image name.`, { cause: error });
}
