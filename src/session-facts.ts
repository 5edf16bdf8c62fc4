/**
 * What `--printenv`, `--printid`, `--printpid1` and `--printinfofile` print about a running
 * session, and where (upstream's
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

/** The options that print facts about a session, each on stdout or into its FILE. */
type FactOptions = Pick<Options, 'showenv' | 'printenvFile' | 'printid' | 'printpid1' | 'printinfofile'>;

/**
 * The facts a session's options ask for. On stdout the environment line comes first (scripts read
 * the first line), then upstream's order: the info file, the container ID, the PID.
 * @param options `showenv` (environment line on stdout), `printenvFile`, `printid`, `printpid1`,
 *   `printinfofile` (each `{ file }`: stdout when `file` is undefined).
 * @param session the running session: `env` (DISPLAY/XAUTHORITY/XSOCKET, or the Wayland
 *   variables), `containerId` and `pid1` (absent without a container, `pid1` also when it ended
 *   before its PID was read), `infoFile` (the session record's path).
 */
export function sessionFacts(
  options: FactOptions,
  session: { readonly env: Readonly<Record<string, string>>; readonly containerId?: string; readonly pid1?: number; readonly infoFile?: string },
): SessionFactOutput {
  const envLine = Object.entries(session.env).map(([k, v]) => `${k}=${v}`).join(' ');
  const stdout: string[] = [];
  const files: { option: string; file: string; text: string }[] = [];
  const notes: string[] = [];
  if (options.showenv) stdout.push(envLine);
  if (options.printenvFile !== undefined) files.push({ option: '--printenv', file: options.printenvFile, text: `${envLine}\n` });
  const facts = [
    { option: '--printinfofile', asked: options.printinfofile, value: session.infoFile, missing: 'this session keeps no record' },
    { option: '--printid', asked: options.printid, value: session.containerId, missing: 'this session runs no container, so there is no ID to print' },
    {
      option: '--printpid1', asked: options.printpid1, value: session.pid1?.toString(),
      missing: session.containerId === undefined ? 'this session runs no container, so there is no PID to print' : 'the container ended before its PID could be read',
    },
  ];
  for (const { option, asked, value, missing } of facts) {
    if (!asked) continue;
    if (value === undefined) notes.push(`Option ${option}: ${missing}.`);
    else if (asked.file !== undefined) files.push({ option, file: asked.file, text: `${value}\n` });
    else stdout.push(value);
  }
  return { stdout, files, notes };
}

/**
 * Checks the files of `--printenv=FILE`, `--printid=FILE`, `--printpid1=FILE` and
 * `--printinfofile=FILE` before anything starts: each must be a file (or a new name) in an
 * existing folder that x11docker may write, and no two the same.
 * @throws X11DockerError naming the option and the file.
 */
export function checkFactFiles(options: Pick<Options, 'printenvFile' | 'printid' | 'printpid1' | 'printinfofile'>): void {
  const files = [
    { option: '--printenv=FILE', file: options.printenvFile },
    { option: '--printid=FILE', file: options.printid?.file },
    { option: '--printpid1=FILE', file: options.printpid1?.file },
    { option: '--printinfofile=FILE', file: options.printinfofile?.file },
  ].filter((f): f is { option: string; file: string } => f.file !== undefined);
  for (const [i, a] of files.entries()) {
    const b = files.slice(i + 1).find((f) => resolve(f.file) === resolve(a.file));
    if (b) throw new X11DockerError(`Options ${a.option} and ${b.option} name the same file ${printable(a.file)}; give two files, or leave one out (it then prints on stdout).`);
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
