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
   * host path for `--home=DIR` / `--homedir DIR` (or `~` / `~/PATH`, the host user's HOME, as upstream:
   * plan/mounts.ts expandHome), undefined without them.
   */
  readonly home?: string;
  /** `--homebasedir DIR` (absolute): where `--home` keeps its folders instead of `~/x11docker`. */
  readonly homebasedir?: string;
  /** `--cachebasedir DIR` (absolute): x11docker's cache (session folders) instead of `~/.cache/x11docker`. */
  readonly cachebasedir?: string;
  /**
   * `--home=VOLUME` / `--homedir VOLUME` (upstream 7.x): a named volume of the engine instead of a
   * host folder, mounted at `/home.volume/VOLUME`; HOME is the user's folder in it. `home` is then unset.
   */
  readonly homeVolume?: string;
  /** `--sharedir DIR[:ro]`, in order. */
  readonly sharedirs: readonly SharedDir[];
  /** `--share=VOLUME[:ro]` (upstream 7.x): named volumes, mounted at `/VOLUME`, in order. */
  readonly shareVolumes: readonly { readonly name: string; readonly readonly: boolean }[];
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
  let homeVolume: string | undefined;
  // --homedir DIR and --home=DIR are the same; the last one given wins (as upstream's variables)
  const homeValue = values.get('home')?.at(-1);
  if (flags.has('home')) home = homeValue === undefined ? '' : homeValue === '' ? hostPath('', '--home') : homeValue;
  const homedir = values.get('homedir')?.at(-1);
  if (homedir !== undefined) home = homedir === '' ? hostPath('', '--homedir') : homedir;
  if (home !== undefined && home !== '') {
    const option = homedir !== undefined ? '--homedir' : '--home';
    // upstream replaces ~ with the host user's HOME (known only to the plan: plan/mounts.ts expandHome)
    if (home === '~' || home.startsWith('~/')) {
      if (/[\0\n]/.test(home)) throw new X11DockerError(`Option ${option}: the path "${printable(home)}" contains a newline or NUL. Rename the folder.`);
    } else if (isVolumeArg(home, option)) {
      homeVolume = home;
      home = undefined;
    } else home = hostPath(home, option);
  }
  const sharedirs: SharedDir[] = [];
  const shareVolumes: { name: string; readonly: boolean }[] = [];
  for (const v of values.get('sharedir') ?? []) {
    const ro = /:ro$/.exec(v) !== null;
    const path = v.replace(/:(ro|rw)$/, '');
    if (path.trim() !== '' && isVolumeArg(path, '--sharedir')) shareVolumes.push({ name: path, readonly: ro });
    else sharedirs.push({ path: hostPath(path, '--sharedir'), readonly: ro });
  }
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
  return { home, ...(homeVolume !== undefined ? { homeVolume } : {}), shareVolumes, homebasedir, ...(cachebasedir !== undefined ? { cachebasedir } : {}), sharedirs, lang, sudouser: flags.has('sudouser') && sudoValue !== 'no', ...(sudoValue === 'nopasswd' ? { sudoNopasswd: true } : {}) };
}

/**
 * Upstream 7.x's rule for `--home=ARG` and `--share=ARG`: an ARG that begins with `/` is a host
 * path, one without any `/` the name of an engine volume; anything else (`./docs`, `a/b`) is refused.
 * @returns true for a volume name.
 * @throws X11DockerError for a relative path or a name the engine would refuse.
 */
function isVolumeArg(value: string, option: string): boolean {
  if (value.startsWith('/')) return false;
  if (value.includes('/')) {
    throw new X11DockerError(`Option ${option} needs an absolute path beginning with / or a volume name without any / (got '${printable(value)}'), e.g. ${option}="$PWD/${printable(value.replace(/^\.\//, ''))}".`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) {
    throw new X11DockerError(`Option ${option}=${printable(value)}: not a volume name (letters, digits, _ . -, not starting with _ . -) and not an absolute path. Give a path beginning with / or a volume name.`);
  }
  return true;
}

/** A host path from the command line: not empty, no NUL or newline; relative ones are made absolute. */
function hostPath(value: string, option: string): string {
  if (value.trim() === '') throw new X11DockerError(`Option ${option} needs a host folder, got an empty path. Give one, e.g. ${option}=$HOME/Documents.`);
  if (/[\0\n]/.test(value)) throw new X11DockerError(`Option ${option}: the path "${printable(value)}" contains a newline or NUL. Rename the folder.`);
  const path = resolve(value);
  if (path === '/') throw new X11DockerError(`Option ${option}: sharing the host's root folder / is refused. Share a sub folder.`);
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** glibc's built-in locales, which need no compiled locale in the image: `C`, `POSIX`, `C.UTF-8` (any spelling of UTF-8; glibc 2.35 and Debian). */
export const BUILTIN_LOCALE = /^(C|POSIX|C\.utf-?8)$/i;

/**
 * Checks a `--lang` value: a locale name like `de`, `de_DE`, `zh_CN.UTF-8` or `en_US.utf8`, or
 * glibc's built-in `C`, `POSIX` and `C.UTF-8` (`C.utf8`).
 * @throws X11DockerError for anything else.
 */
export function validateLocaleSpec(spec: string): void {
  if (!/^[a-zA-Z]{2,3}(_[a-zA-Z]{2})?(\.[a-zA-Z0-9-]+)?(@[a-zA-Z0-9]+)?$/.test(spec) && !BUILTIN_LOCALE.test(spec)) {
    throw new X11DockerError(`Option --lang needs a locale like de, de_DE, zh_CN.UTF-8 or C.UTF-8 (got "${printable(spec)}").`);
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
