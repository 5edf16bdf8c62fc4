/**
 * The raw `docker run` options a user gives after `--`, parsed ONCE into a {@link RawOptions}
 * (made by the command line parser and carried on `Options.raw` and the container plan). Every
 * place that needs to know what the raw options do asks this object; nothing scans the words.
 *
 * Reading follows docker's CLI (spf13/pflag, as podman and nerdctl): `--flag=V`, `--flag V`,
 * `-fV`, `-f=V`, `-f V`; one-letter yes/no flags group (`-it`); a yes/no flag takes a value only
 * with `=` (`--read-only=false`), read as Go's strconv.ParseBool; the last of a single-valued
 * flag wins; `--` ends the options. Which flags take a value comes from the one table in
 * src/options/run-flags.ts. `--mount` values are CSV records, as docker/cli's opts/mount.go
 * reads them with Go's encoding/csv (here csv-parse, which quotes the same way).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { printable, X11DockerError } from '../errors.js';
import { canonicalFlag, runFlag } from './run-flags.js';
import { volumeKind } from './volume-opts.js';

/** Control characters (below 0x20, and 0x7f): docker's Go CSV reader and csv-parse read them differently. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** One raw option and its value. */
export interface RawOption {
  /** Long name (`--volume` for `-v`, `--network` for `--net`); an unknown flag as written. */
  readonly flag: string;
  /** The flag as the user wrote it: `-v`, `--net`, `-i` (also when it came from `-it`). */
  readonly written: string;
  /** The value; undefined for a yes/no flag given without one. */
  readonly value?: string;
  /** The option's words as the user wrote them, for messages: `-v /a:/b`, `--mount=...`, `-it`. */
  readonly text: string;
  /** Index in the words of the first word of this option (options grouped as `-it` share it). */
  readonly at?: number;
  /** Index after its last word. */
  readonly end?: number;
}

/** A mount made by a raw `-v`/`--volume`, `--mount` or `--tmpfs`. */
export interface RawMount {
  /** `bind`, `volume`, `tmpfs` (or what `--mount type=` names, lower case). */
  readonly type: string;
  /** Host path (bind) or volume name; undefined for an anonymous volume or a tmpfs. */
  readonly source?: string;
  /** Path in the container ('' when a `--mount` names none: docker refuses that). */
  readonly target: string;
  readonly readonly: boolean;
  /** The option as written, as {@link RawOption.text}. */
  readonly text: string;
  /**
   * `--mount ...,volume-opt=KEY=VALUE`: the volume driver's options (keys lower case), when any.
   * A local-driver bind in disguise (`o=bind`, absolute `device=`) is `type: 'bind'` with
   * `source` the device; see src/options/volume-opts.ts.
   */
  readonly volumeOptions?: Readonly<Record<string, string>>;
  /** `--mount ...,volume-driver=NAME` (undefined: the engine's default, `local`). */
  readonly volumeDriver?: string;
  /** The volume's name when `type` is `bind` only because of its driver options (the engine may already have that volume, with other options). */
  readonly volumeName?: string;
}

/**
 * Go's strconv.ParseBool: the only spellings docker accepts for a yes/no value (of a flag, or of
 * `--security-opt no-new-privileges=VALUE`).
 * @returns true, false, or undefined for any other text.
 */
export function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** The raw options after `--`, parsed; see the module comment. Made by {@link parseRawOptions}. */
export class RawOptions {
  /** Every option in order (positional words left out). */
  readonly options: readonly RawOption[];
  /** Words that are no option or option value (docker would take the first one as IMAGE). */
  readonly positionals: readonly string[];
  /** Mounts of `-v`/`--volume`, `--mount` and `--tmpfs`, in order. */
  readonly mounts: readonly RawMount[];

  /**
   * @param args the words after `--` (the docker run options), e.g. `['-it', '-v', '/a:/b']`.
   * @param own the words are x11docker's own create arguments (its `--mount` values are CSV-quoted
   *   by plan/argv.ts bindMount, also around line breaks): control characters are allowed.
   * @throws X11DockerError (exit 64) for an option that lacks its value, a yes/no flag with a
   *   value that is not true or false, a `--mount` value that is no valid CSV record, or (unless
   *   `own`) a control character in an option.
   */
  constructor(readonly args: readonly string[], own = false) {
    const { options, positionals } = tokenize(args, own);
    this.options = options;
    this.positionals = positionals;
    this.mounts = options.flatMap((o) => (o.value === undefined ? [] : mountOf(o.flag, o.value, o.text)));
  }

  /**
   * Whether the options set `flag`: a yes/no flag by its last occurrence (`--read-only
   * --read-only=false` is false), any other flag when it occurs at all.
   * @param flag any spelling: `--user`, `-u`, `--net`.
   */
  has(flag: string): boolean {
    const found = this.find(flag);
    if (found.length === 0) return false;
    if (runFlag(flag)?.takesValue === false) return parseBool(found.at(-1)!.value ?? 'true') ?? true;
    return true;
  }

  /** The last value of `flag` (any spelling), as docker keeps for a single-valued flag; undefined when not given. */
  value(flag: string): string | undefined {
    return this.values(flag).at(-1);
  }

  /** Every value of a repeatable `flag` (any spelling), in order: `values('-e')` gives the `--env` values. */
  values(flag: string): string[] {
    return this.find(flag).flatMap((o) => (o.value === undefined ? [] : [o.value]));
  }

  /** `-e`/`--env` values (`NAME=VALUE`, or `NAME` to take the host's value). */
  get env(): string[] {
    return this.values('--env');
  }

  /** `--env-file` files (their variables are not read here). */
  get envFiles(): string[] {
    return this.values('--env-file');
  }

  private find(flag: string): RawOption[] {
    const name = canonicalFlag(flag);
    return this.options.filter((o) => o.flag === name);
  }
}

/**
 * Parses raw docker run options once.
 * @param args the words after `--`.
 * @param own x11docker's own create arguments, see the {@link RawOptions} constructor.
 * @throws X11DockerError (exit 64) as the {@link RawOptions} constructor.
 */
export function parseRawOptions(args: readonly string[], own = false): RawOptions {
  return new RawOptions(args, own);
}

/**
 * Whether one word is a whole option by itself, needing no next word: `--flag=value`, a known
 * yes/no `--flag`, or one-letter flags that need nothing more (`-it`, `-e=A=1`, `-v/a:/b`).
 * Used to tell where IMAGE starts when options come one per argument without a second `--`.
 */
export function standsAlone(word: string): boolean {
  if (/^--[a-z][a-z0-9-]*=/.test(word)) return true;
  if (word.startsWith('--')) return runFlag(word)?.takesValue === false;
  if (!/^-[a-zA-Z]/.test(word)) return false;
  for (let j = 1; j < word.length; j++) {
    const spec = runFlag(`-${word[j]}`);
    if (!spec) return false;
    if (spec.takesValue || word[j + 1] === '=') return j + 1 < word.length;
  }
  return true;
}

/** Splits the words into options and positional words (pflag's reading; see the module comment). */
function tokenize(args: readonly string[], own: boolean): { options: RawOption[]; positionals: string[] } {
  const options: RawOption[] = [];
  const positionals: string[] = [];
  let at = 0;
  const push = (written: string, value: string | undefined, text: string, end: number) => {
    const spec = runFlag(written);
    if (spec && !spec.takesValue && value !== undefined && parseBool(value) === undefined) {
      throw new X11DockerError(`docker run option '${printable(text)}' after '--' takes true or false (or 1, t, 0, f). Write ${written} or ${written}=false.`);
    }
    if (!own && CONTROL.test(text)) {
      throw new X11DockerError(`docker run option '${printable(text)}' after '--' contains a control character (newline, carriage return, tab, ...), which the engine may read otherwise than x11docker. Remove it.`);
    }
    options.push({ flag: canonicalFlag(written), written, ...(value !== undefined ? { value } : {}), text, at, end });
  };
  const next = (i: number, written: string): string => {
    if (i >= args.length) throw new X11DockerError(`docker run option ${printable(written)} after '--' needs a value: ${printable(written)} VALUE.`);
    return args[i]!;
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    at = i;
    if (word === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
    } else if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const written = eq > 0 ? word.slice(0, eq) : word;
      if (eq > 0) push(written, word.slice(eq + 1), word, i + 1);
      else if (runFlag(written)?.takesValue) {
        const value = next(++i, written);
        push(written, value, `${word} ${value}`, i + 1);
      } else push(written, undefined, word, i + 1);
    } else {
      // one-letter flags: -it, -v/a:/b, -e=A=1, -u 0
      for (let j = 1; j < word.length; j++) {
        const written = `-${word[j]}`;
        if (word[j + 1] === '=' && word.length - j > 2) {
          push(written, word.slice(j + 2), word, i + 1);
          break;
        }
        if (!runFlag(written)?.takesValue) {
          push(written, undefined, word, i + 1);
        } else if (j + 1 < word.length) {
          push(written, word.slice(j + 1), word, i + 1);
          break;
        } else {
          const value = next(++i, written);
          push(written, value, `${word} ${value}`, i + 1);
        }
      }
    }
  }
  return { options, positionals };
}

/**
 * The fields of a `--mount` value, read as a CSV record (docker/cli opts/mount.go with Go's encoding/csv).
 * @param value the option's value, e.g. `type=bind,"source=/a,b",target=/c`.
 * @param text the option as written, for the error message.
 * @throws X11DockerError (exit 64) for a value that is no valid CSV record.
 */
export function mountFields(value: string, text: string): string[] {
  let record: string[] | undefined;
  try {
    record = (parseCsv(value, { to: 1, relax_column_count: true }) as string[][])[0];
  } catch (error) {
    throw new X11DockerError(
      `docker run option '${printable(text)}' after '--': its value is no valid CSV record (${printable((error as Error).message, 120)}). Quote a field with a comma or quote as a whole, with inner quotes doubled: "source=/a,b".`,
      { cause: error },
    );
  }
  return record ?? [];
}

/** The mount that one option makes, if it is `--volume`, `--mount` or `--tmpfs`. */
function mountOf(flag: string, value: string, text: string): RawMount[] {
  if (flag === '--tmpfs') {
    const [target, opts] = value.split(/:(.*)/s) as [string, string | undefined];
    return [{ type: 'tmpfs', target, readonly: (opts ?? '').split(',').includes('ro'), text }];
  }
  if (flag === '--volume') {
    // [SOURCE:]TARGET[:MODE] (Linux); a SOURCE that is a path makes a bind mount, a name a volume
    const parts = value.split(':');
    const [source, target, mode] = parts.length === 1 ? [undefined, parts[0]!, ''] : [parts[0]!, parts[1]!, parts.slice(2).join(':')];
    const type = source !== undefined && /^[./~]/.test(source) ? 'bind' : 'volume';
    return [{ type, ...(source !== undefined ? { source } : {}), target, readonly: mode.split(',').includes('ro'), text }];
  }
  if (flag !== '--mount') return [];
  const record = mountFields(value, text);
  let mount: { -readonly [K in keyof RawMount]: RawMount[K] } = { type: 'volume', target: '', readonly: false, text };
  const volumeOpts: Record<string, string> = {};
  for (const field of record) {
    const eq = field.indexOf('=');
    // docker's CLI reads the keys without case (opts/mount.go: strings.ToLower)
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const v = eq < 0 ? undefined : field.slice(eq + 1);
    if (key === 'readonly' || key === 'ro') {
      const ro = v === undefined ? true : parseBool(v);
      if (ro === undefined) throw new X11DockerError(`docker run option '${printable(text)}' after '--': ${key}=${printable(v!)} must be true or false.`);
      mount = { ...mount, readonly: ro };
    } else if (v === undefined) continue;
    else if (key === 'type') mount = { ...mount, type: v.toLowerCase() };
    else if (key === 'source' || key === 'src') mount = { ...mount, source: v };
    else if (key === 'target' || key === 'dst' || key === 'destination') mount = { ...mount, target: v };
    else if (key === 'volume-driver') mount = { ...mount, volumeDriver: v };
    else if (key === 'volume-opt') {
      const [k, ...rest] = v.split('=');
      volumeOpts[k!.toLowerCase()] = rest.join('=');
    }
  }
  if (Object.keys(volumeOpts).length > 0) mount = { ...mount, volumeOptions: volumeOpts };
  // the local volume driver's `o=bind,device=PATH` mounts a host folder: judged as the bind mount it is
  const kind = volumeKind(volumeOpts);
  if (mount.type === 'volume' && kind.kind === 'bind' && (mount.volumeDriver ?? 'local') === 'local') {
    mount = { ...mount, type: 'bind', source: kind.device, ...(mount.source !== undefined ? { volumeName: mount.source } : {}) };
  }
  return [mount];
}
