/**
 * `--launcher`: a desktop launcher (a menu entry: a .desktop file in
 * ~/.local/share/applications, and x11docker's icon) that runs x11docker with the options it was
 * given, minus `--launcher`.
 *
 * Upstream (`create_launcher()`): asks for a name (default: the image), writes
 * `Exec=x11docker OPTIONS` and puts the file on the desktop with xdg-desktop-icon, saying that
 * moving it to ~/.local/share/applications makes it a menu entry. Here the file goes there at
 * once, named after the image without asking (x11docker may run without a terminal), and the
 * command line is quoted by the Desktop Entry rules (quote.ts desktopExec), so every word
 * arrives as typed.
 */
import { join } from 'node:path';
import { X11DockerError } from '../errors.js';
import { desktopExec } from '../quote.js';
import { iconSvg } from './icon.js';
import { iconPath, writeOwnFile, type UserFile } from './install.js';

/** What the launcher is for. */
export interface LauncherRequest {
  /** The command line to store: x11docker's arguments without `--launcher`, as typed. */
  readonly argv: readonly string[];
  /** The image, if any (names the launcher); without one, the X server option or `xonly`. */
  readonly image?: string;
  /** The container command, for the launcher's name. */
  readonly command: readonly string[];
  /** The X server option given, for the name of a launcher without an image. */
  readonly xserver?: string;
  /** `-i`/`-t`: the launcher opens a terminal. */
  readonly terminal: boolean;
}

/** A desktop entry string value: the spec's escapes for `\`, newline, tab, CR; other control characters dropped. */
function desktopString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/[\x00-\x1f\x7f]/g, '');
}

/**
 * The launcher's file and the icon it names.
 * @param data the XDG data folder (host/install.ts xdgFolders).
 * @param program argv that runs x11docker (host/install.ts selfCommand).
 * @param request the command line and what names it.
 * @returns the .desktop file first, then the icon.
 * @throws X11DockerError (exit 64) for a command line a desktop entry cannot hold (control characters).
 */
export function launcherFiles(data: string, program: readonly string[], request: LauncherRequest): UserFile[] {
  const title = request.image ?? request.xserver ?? 'xonly';
  const slug = title.replace(/:latest$/, '').replace(/\//g, '-').replace(/[:@]/g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
  let exec: string;
  try {
    exec = desktopExec([...program, ...request.argv]);
  } catch (error) {
    throw new X11DockerError(`Option --launcher: ${(error as Error).message}; remove them from the command line.`, { cause: error });
  }
  const name = [title, ...request.command].join(' ');
  const text = [
    '# x11docker desktop file, written by x11docker --launcher',
    '[Desktop Entry]',
    'Type=Application',
    `Name=${desktopString(name.length > 60 ? `${name.slice(0, 59)}…` : name)}`,
    `Comment=${desktopString(`x11docker ${request.argv.join(' ')}`)}`,
    `Exec=${exec}`,
    'Icon=x11docker',
    `Terminal=${request.terminal}`,
    'Categories=System;',
    `Keywords=docker;x11docker;${desktopString(title.replace(/;/g, ' '))};`,
    '',
  ].join('\n');
  return [
    { path: join(data, 'applications', `x11docker-${slug}.desktop`), text, what: 'launcher' },
    { path: iconPath(data), text: iconSvg, what: 'icon' },
  ];
}

/**
 * Writes the launcher and the icon (replacing an earlier launcher of x11docker's of the same
 * name, never a file of the user's).
 * @returns the lines for stdout: the launcher's path first.
 * @throws X11DockerError (exit 64) naming the file in the way or that cannot be written.
 */
export function writeLauncher(files: readonly UserFile[]): string[] {
  for (const f of files) writeOwnFile('--launcher', f);
  return [files[0]!.path];
}
