/**
 * What `--printenv` and `--printid` print about a running session, and where (upstream's
 * "output of parseable information on stdout": each on stdout, or into the FILE given with `=`).
 * Pure: the command line writes what this returns.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { printable, X11DockerError } from './errors.js';
import type { Options } from './options/parse.js';

/** One fact and its destination. */
export interface SessionFactOutput {
  /** Lines for stdout, in order: the environment line first (scripts read the first line). */
  readonly stdout: readonly string[];
  /** Files to write: each holds its fact and a newline. `option` names the option for errors. */
  readonly files: readonly { readonly option: string; readonly file: string; readonly text: string }[];
  /** Notes for stderr (e.g. `--printid` for a session without a container). */
  readonly notes: readonly string[];
}

/**
 * The facts a session's options ask for.
 * @param options `showenv` (environment line on stdout), `printenvFile`, `printid`.
 * @param session the running session: `env` (DISPLAY/XAUTHORITY/XSOCKET, or the Wayland
 *   variables) and `containerId` (absent without a container).
 */
export function sessionFacts(
  options: Pick<Options, 'showenv' | 'printenvFile' | 'printid'>,
  session: { readonly env: Readonly<Record<string, string>>; readonly containerId?: string },
): SessionFactOutput {
  const envLine = Object.entries(session.env).map(([k, v]) => `${k}=${v}`).join(' ');
  const stdout: string[] = [];
  const files: { option: string; file: string; text: string }[] = [];
  const notes: string[] = [];
  if (options.showenv) stdout.push(envLine);
  if (options.printenvFile !== undefined) files.push({ option: '--printenv', file: options.printenvFile, text: `${envLine}\n` });
  if (options.printid) {
    if (session.containerId === undefined) notes.push('Option --printid: this session runs no container, so there is no ID to print.');
    else if (options.printid.file !== undefined) files.push({ option: '--printid', file: options.printid.file, text: `${session.containerId}\n` });
    else stdout.push(session.containerId);
  }
  return { stdout, files, notes };
}

/**
 * Checks the files of `--printenv=FILE` and `--printid=FILE` before anything starts: each must be
 * a file (or a new name) in an existing folder that x11docker may write, and not both the same.
 * @throws X11DockerError naming the option and the file.
 */
export function checkFactFiles(options: Pick<Options, 'printenvFile' | 'printid'>): void {
  const files = [
    ...(options.printenvFile !== undefined ? [{ option: '--printenv=FILE', file: options.printenvFile }] : []),
    ...(options.printid?.file !== undefined ? [{ option: '--printid=FILE', file: options.printid.file }] : []),
  ];
  if (files.length === 2 && resolve(files[0]!.file) === resolve(files[1]!.file)) {
    throw new X11DockerError(`Options --printenv=FILE and --printid=FILE name the same file ${printable(files[0]!.file)}; give two files, or leave one out (it then prints on stdout).`);
  }
  for (const { option, file } of files) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      throw new X11DockerError(`Option ${option}: cannot reach ${printable(file)} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Give a file in a folder of yours.`, { cause: error });
    }
    if (st?.isDirectory()) throw new X11DockerError(`Option ${option}: ${printable(file)} is a folder. Give the name of a file.`);
    const folder = dirname(resolve(file));
    let folderIsDir = false;
    try {
      folderIsDir = statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      // not reachable: as missing
    }
    if (!folderIsDir) throw new X11DockerError(`Option ${option}: the folder ${printable(folder)} does not exist. Create it, or give another file.`);
    try {
      accessSync(st ? file : folder, constants.W_OK);
    } catch {
      throw new X11DockerError(`Option ${option}: ${printable(st ? file : folder)} is not writable for you. Give another file.`);
    }
  }
}
