/**
 * `--install` and `--remove` for the current user (no root): the desktop entry of x11docker-gui,
 * the icon, the man page and the bash, zsh and fish completion scripts, in the XDG folders of
 * HOME. The program itself is npm's (`npm install -g`), which also links the man page for a
 * global installation.
 *
 * Upstream's `--install` copies its script to /usr/local/bin as root, with its icon
 * (xdg-icon-resource), man page and documents; its `--remove` deletes them (and runs --cleanup).
 * Here every file written carries a mark (a comment naming x11docker); `--remove` deletes exactly
 * the files of {@link userFiles} that carry it, and `--install` never overwrites a file without it.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import { renderCompletion } from '../options/completion.js';
import { renderManPage } from '../options/manpage.js';
import { desktopExec } from '../quote.js';
import { iconSvg } from './icon.js';

/** One file `--install` writes. */
export interface UserFile {
  /** Absolute path. */
  readonly path: string;
  /** Its content (UTF-8). */
  readonly text: string;
  /** What it is, for the messages. */
  readonly what: string;
}

/** The marks in x11docker's files: a file with none of them is the user's and is left alone. */
const OURS = /generated from its option table|Generated from src\/options\/table\.ts|# x11docker desktop file|<!-- x11docker icon -->/;

/**
 * The XDG data and config folders (XDG Base Directory spec: `$XDG_DATA_HOME`, else
 * ~/.local/share; `$XDG_CONFIG_HOME`, else ~/.config; relative values are ignored).
 * @param home the user's HOME (absolute).
 * @param env the environment (normally `process.env`).
 */
export function xdgFolders(home: string, env: NodeJS.ProcessEnv): { readonly data: string; readonly config: string } {
  const pick = (value: string | undefined, fallback: string) => (value && isAbsolute(value) ? value : join(home, fallback));
  return { data: pick(env.XDG_DATA_HOME, '.local/share'), config: pick(env.XDG_CONFIG_HOME, '.config') };
}

/** The icon's path (`--launcher` writes it too). */
export function iconPath(data: string): string {
  return join(data, 'icons/hicolor/scalable/apps/x11docker.svg');
}

/**
 * How a desktop entry runs this x11docker: `x11docker` when that name in PATH is this program
 * (an `npm install -g`), else node and the absolute path of this script (a checkout, npx).
 * @param env the environment, for PATH.
 * @returns argv words.
 */
export function selfCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const script = realpathSync(process.argv[1] ?? '');
  for (const folder of (env.PATH ?? '').split(delimiter).filter((f) => isAbsolute(f))) {
    try {
      if (realpathSync(join(folder, 'x11docker')) === script) return ['x11docker'];
    } catch {
      // not in this folder
    }
  }
  return [process.execPath, script];
}

/**
 * The files `--install` writes and `--remove` deletes.
 * @param folders from {@link xdgFolders}.
 * @param program argv that runs x11docker (see {@link selfCommand}).
 * @param version the package version, for the man page.
 * @param date `YYYY-MM-DD` for the man page.
 */
export function userFiles(folders: { readonly data: string; readonly config: string }, program: readonly string[], version: string, date: string): UserFile[] {
  const desktop = [
    '# x11docker desktop file, written by x11docker --install (x11docker --remove deletes it)',
    '[Desktop Entry]',
    'Type=Application',
    'Name=x11docker',
    'GenericName=GUI applications from container images',
    'Comment=Compose and run x11docker commands in your web browser (x11docker-gui)',
    `Exec=${desktopExec([...program, '--gui'])}`,
    'Icon=x11docker',
    // the GUI's server runs until Ctrl-C in its terminal, which also shows its URL
    'Terminal=true',
    'Categories=System;Utility;',
    'Keywords=docker;podman;container;X11;Xephyr;',
    '',
  ].join('\n');
  return [
    { path: join(folders.data, 'applications/x11docker.desktop'), text: desktop, what: 'menu entry for x11docker-gui' },
    { path: iconPath(folders.data), text: iconSvg, what: 'icon' },
    { path: join(folders.data, 'man/man1/x11docker.1'), text: renderManPage(version, date), what: 'man page' },
    { path: join(folders.data, 'bash-completion/completions/x11docker'), text: renderCompletion('bash'), what: 'bash completion' },
    { path: join(folders.data, 'zsh/site-functions/_x11docker'), text: renderCompletion('zsh'), what: 'zsh completion (add this folder to fpath before compinit)' },
    { path: join(folders.config, 'fish/completions/x11docker.fish'), text: renderCompletion('fish'), what: 'fish completion' },
  ];
}

/** Whether the file at `path` is missing or one of x11docker's (carries a mark). */
export function isOursOrMissing(path: string): boolean {
  try {
    return OURS.test(readFileSync(path, 'utf8'));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Writes one file of x11docker's (mode 0644, folders created), refusing to replace a file of the user's.
 * @throws X11DockerError naming `option` and the path when the file is the user's or cannot be written.
 */
export function writeOwnFile(option: string, file: UserFile): void {
  if (!isOursOrMissing(file.path)) throw new X11DockerError(`Option ${option}: ${printable(file.path)} exists and is not x11docker's. Move it away, or remove it, and run ${option} again.`);
  try {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text, { mode: 0o644 });
  } catch (error) {
    throw new X11DockerError(`Option ${option}: cannot write ${printable(file.path)} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check that the folder is yours.`, { cause: error });
  }
}

/**
 * `--install`: writes {@link userFiles}. Files of the user's at those paths are checked first,
 * so nothing is written when one is in the way.
 * @returns one line per file written, for stdout.
 * @throws X11DockerError (exit 64) naming the first file in the way or that cannot be written.
 */
export function installForUser(files: readonly UserFile[]): string[] {
  const inTheWay = files.find((f) => !isOursOrMissing(f.path));
  if (inTheWay) writeOwnFile('--install', inTheWay); // throws with the message
  return files.map((f) => {
    writeOwnFile('--install', f);
    return `installed ${f.what}: ${f.path}`;
  });
}

/**
 * `--remove`: deletes those of {@link userFiles} that exist and carry x11docker's mark; the
 * folders stay (they are the XDG standard ones, shared with other programs). Upstream's
 * `--remove` also runs `--cleanup`; here that is `x11docker --cleanup`, apart.
 * @returns one line per file removed or kept, for stdout.
 */
export function removeForUser(files: readonly UserFile[]): string[] {
  const lines: string[] = [];
  for (const f of files) {
    if (!existsSync(f.path)) continue;
    if (!isOursOrMissing(f.path)) {
      lines.push(`kept ${f.path}: not written by x11docker`);
      continue;
    }
    rmSync(f.path, { force: true });
    lines.push(`removed ${f.what}: ${f.path}`);
  }
  return lines;
}
