/**
 * `--preset NAME`: options kept in a file, as upstream x11docker's `parse_preset()`. A preset is
 * read from `~/.config/x11docker/preset/NAME`, else from `/etc/x11docker/preset/NAME` (the user's
 * supersedes the system's); its lines are options (one or more per line, `#` starts a comment
 * line), split like a shell line with `$VARIABLES` expanded from the environment (upstream
 * evaluates them in bash; nothing is run here: command substitution and operators are refused).
 * A preset may name other presets; each is read once (upstream's loop guard). A preset named
 * `default` is applied to every run, before the command line's options.
 *
 * Expansion happens on the argument list before the options are parsed, so a preset's options
 * behave exactly as if typed in its place.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as shellParse } from 'shell-quote';
import { printable, X11DockerError } from '../errors.js';
import { findOption, retiredOptions } from './table.js';
import { unavailableOptionMessage } from './upstream.js';

/** A preset file found for a name: its path and text. */
export interface PresetSource {
  readonly file: string;
  readonly text: string;
}

/** Looks a preset up by name; undefined when no file has that name. */
export type PresetReader = (name: string) => PresetSource | undefined;

/**
 * The preset folders, in the order they are searched (upstream: local supersedes global).
 * @param home the host user's HOME; undefined when there is none (then only the system folder).
 */
export function presetFolders(home: string | undefined): string[] {
  return [...(home ? [join(home, '.config', 'x11docker', 'preset')] : []), '/etc/x11docker/preset'];
}

/**
 * A reader of preset files from {@link presetFolders}.
 * @param home the host user's HOME.
 */
export function presetFileReader(home: string | undefined): PresetReader {
  return (name) => {
    for (const folder of presetFolders(home)) {
      const file = join(folder, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(file, { throwIfNoEntry: false });
      } catch {
        st = undefined; // a folder on the way that x11docker may not enter (e.g. a HOME of root's): no preset there
      }
      if (!st) continue; // not in this folder: the next one (the user's supersedes the system's)
      if (!st.isFile()) throw new X11DockerError(`Option --preset: ${file} is not a file. Presets are files with options.`);
      if (st.size > MAX_PRESET_BYTES) throw new X11DockerError(`Option --preset: ${file} has ${st.size} bytes; a preset holds at most ${MAX_PRESET_BYTES} bytes of options.`);
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch (error) {
        throw new X11DockerError(`Option --preset: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Make it readable for you.`, { cause: error });
      }
    }
    return undefined;
  };
}

/** The largest preset file read (bytes): options, not data. */
export const MAX_PRESET_BYTES = 65536;

/**
 * Replaces every `--preset NAME` / `--preset=NAME` among x11docker's options (before IMAGE or
 * `--`) with the preset's options, and puts the `default` preset's options first when there is one.
 * @param argv the command line's arguments.
 * @param home the host user's HOME (for the user's preset folder and the error line).
 * @param read finds a preset by name (default: {@link presetFileReader} of `home`).
 * @param env the environment for `$VARIABLES` in preset lines.
 * @param applyDefault put the `default` preset first (not for `--cleanup`, `--help`, `--version`
 *   and `--license`, which must work whatever a preset holds: the session watcher runs `--cleanup`).
 * @returns the arguments to parse, and the preset files that were applied (in order).
 * @throws X11DockerError naming the option for a missing preset or a bad name, and naming the file
 *   and line for a line that is not options (shell syntax, an unknown option, a word that is no
 *   option, a value missing at the end of the line).
 */
export function expandPresets(
  argv: readonly string[], home: string | undefined, read: PresetReader = presetFileReader(home), env: NodeJS.ProcessEnv = process.env, applyDefault = true,
): { args: string[]; applied: string[] } {
  const seen = new Set<string>();
  const applied: string[] = [];

  const expand = (name: string, required = true): string[] => {
    if (seen.has(name)) return []; // read once, as upstream
    seen.add(name);
    const source = read(name);
    if (!source && required) {
      throw new X11DockerError(`Option --preset: no preset '${printable(name)}' in ${presetFolders(home).join(' or ')}. Create the file, one or more options per line.`);
    }
    if (!source) return [];
    applied.push(source.file);
    const words: string[] = [];
    source.text.split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      for (const w of presetLine(line, `${source.file} line ${i + 1}`, env)) words.push(w);
    });
    return expandOptions(words, expand, false);
  };

  const fromDefault = applyDefault ? expand('default', false) : [];
  return { args: fromDefault.concat(expandOptions(argv, expand, true)), applied };
}

/**
 * Walks x11docker's options in `args` and expands `--preset`. `commandLine`: the walk stops at
 * IMAGE or `--` (what follows is not x11docker's); in a preset such a word is an error (checked
 * per line before).
 */
function expandOptions(args: readonly string[], expand: (name: string) => string[], commandLine: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (commandLine && (arg === '--' || !arg.startsWith('-') || arg === '-')) return out.concat(args.slice(i));
    if (arg === '--preset' || arg.startsWith('--preset=')) {
      const name = arg === '--preset' ? args[++i] : arg.slice('--preset='.length);
      for (const w of expand(presetName(name))) out.push(w);
      continue;
    }
    out.push(arg);
    if (takesNextWord(arg) && i + 1 < args.length) out.push(args[++i]!);
  }
  return out;
}

/** Checks a preset name: a plain file name (no `/`, `.` or `..`), looked up in the preset folders. @throws X11DockerError naming --preset otherwise. */
function presetName(name: string | undefined): string {
  if (name === undefined || name === '') throw new X11DockerError('Option --preset needs the name of a preset file: --preset NAME (a file in ~/.config/x11docker/preset or /etc/x11docker/preset).');
  if (name.includes('/') || name === '.' || name === '..' || /[\x00-\x1f]/.test(name)) {
    throw new X11DockerError(`Option --preset takes a file name without '/' (got '${printable(name)}'); presets are files in ~/.config/x11docker/preset or /etc/x11docker/preset.`);
  }
  return name;
}

/** Whether an option word takes the next word as its value (`--user NAME`; not `--user=NAME`). */
function takesNextWord(arg: string): boolean {
  if (!arg.startsWith('--') || arg.includes('=')) return false;
  return findOption(arg.slice(2))?.arg === 'required';
}

/**
 * One preset line as words: split like a shell line, `$VARIABLES` from `env`.
 * @throws X11DockerError naming `where` for shell syntax, a word that is no x11docker option, an
 *   unknown option, or a value missing at the end of the line.
 */
function presetLine(line: string, where: string, env: NodeJS.ProcessEnv): string[] {
  const words = shellParse(line, (name) => env[name] ?? '').map((w) => {
    if (typeof w === 'string') return w;
    const shown = 'pattern' in w ? w.pattern : 'op' in w ? w.op : 'comment' in w ? `#${w.comment}` : JSON.stringify(w);
    throw new X11DockerError(`Option --preset: ${where}: shell syntax (${printable(String(shown))}) is not run in a preset. Put it in quotes, or write the value itself.`);
  });
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '--' || w === '-') {
      throw new X11DockerError(`Option --preset: ${where}: '${printable(w)}' is not an x11docker option. A preset holds options only (no IMAGE, COMMAND or '--').`);
    }
    const name = w.startsWith('--') ? w.slice(2).split('=')[0]! : undefined;
    const known =
      name === undefined
        ? [...w.slice(1)].every((c) => findOption(c) !== undefined || Object.hasOwn(retiredOptions, `-${c}`))
        : findOption(name) !== undefined || name === 'preset' || Object.hasOwn(retiredOptions, name) || unavailableOptionMessage(name) !== undefined;
    if (!known) {
      throw new X11DockerError(`Option --preset: ${where}: unknown option ${printable(w)}. See 'x11docker --help'.`);
    }
    if (takesNextWord(w) || w === '--preset') {
      if (i + 1 >= words.length) throw new X11DockerError(`Option --preset: ${where}: ${printable(w)} needs its value on the same line.`);
      i++;
    }
  }
  return words;
}
