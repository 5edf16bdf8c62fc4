/**
 * What `--completion`, `--install`, `--update`, `--remove`, `--password` and `--launcher` do (options/tools.ts reads them):
 * each writes its result on stdout and returns the exit code; nothing of a session is started.
 */
import { X11DockerError } from './errors.js';
import { renderCompletion } from './options/completion.js';
import type { ToolRequest } from './options/tools.js';
import { installForUser, removeForUser, selfCommand, userFiles, xdgFolders } from './host/install.js';
import { ownHome } from './host/user.js';
import { hashPassword, readPasswordFromTerminal, storePasswordHash } from './host/password.js';
import { launcherFiles, writeLauncher, type LauncherRequest } from './host/launcher.js';

/** How x11docker for TypeScript is updated: npm's job (upstream's `--update` downloads its script). */
export const updateAdvice = [
  'x11docker for TypeScript is installed and updated by npm, not by itself:',
  '  npm install -g PACKAGE   (the package name or .tgz file you installed it from), or',
  '  git pull && npm ci && npm run build && npm install -g .   (in a checkout)',
  'then x11docker --install refreshes the menu entry, man page and completions.',
];

/**
 * Runs one of these options.
 * @param tool the request from the command line.
 * @param version the package version (for the man page).
 * @param env the environment: HOME, XDG_DATA_HOME, XDG_CONFIG_HOME, PATH.
 * @param write where results go (stdout).
 * @returns the exit code (0).
 * @throws X11DockerError (exit 64) when HOME is unknown, or a file is in the way or cannot be
 *   written; for `--password`: no terminal and no WORD, an empty password, no openssl.
 */
export async function runTool(tool: ToolRequest, version: string, env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  if (tool.kind === 'completion') {
    write(renderCompletion(tool.shell));
    return 0;
  }
  if (tool.kind === 'update') {
    const lines = [...updateAdvice];
    if (tool.diff) lines.push('To compare versions: npm outdated -g (installed and latest), or git log HEAD..@{u} in a checkout after git fetch.');
    write(lines.join('\n') + '\n');
    return 0;
  }
  const home = ownHome(env);
  if (!home) throw new X11DockerError(`Option --${tool.kind}: HOME is not set and your user has no passwd entry. Set HOME to your home folder.`);
  if (tool.kind === 'password') {
    // upstream: "Change container user password and exit"
    const password = tool.password ?? (await readPasswordFromTerminal("New password of the container user for --sudouser (nothing is shown as you type): "));
    if (password === '') throw new X11DockerError('Option --password: the password is empty; it was not changed.');
    const file = storePasswordHash(home, await hashPassword(password));
    write(`Option --password: the container user's password for --sudouser is set (stored encrypted in ${file}).\n`);
    return 0;
  }
  const files = userFiles(xdgFolders(home, env), selfCommand(env), version, new Date().toISOString().slice(0, 10));
  const lines = tool.kind === 'install' ? installForUser(files) : removeForUser(files);
  if (tool.kind === 'remove' && lines.length === 0) lines.push('nothing to remove: x11docker --install wrote no files here');
  write(lines.join('\n') + '\n');
  return 0;
}

/**
 * `--launcher`: writes the desktop launcher for this command line (host/launcher.ts).
 * @param request the command line without `--launcher` and what names the launcher.
 * @param env the environment: HOME, XDG_DATA_HOME, PATH.
 * @param write where the launcher's path goes (stdout).
 * @returns the exit code (0).
 * @throws X11DockerError (exit 64) when HOME is unknown, the command line holds control
 *   characters, or a file is in the way or cannot be written.
 */
export function runLauncher(request: LauncherRequest, env: NodeJS.ProcessEnv, write: (text: string) => void): number {
  const home = ownHome(env);
  if (!home) throw new X11DockerError('Option --launcher: HOME is not set and your user has no passwd entry. Set HOME to your home folder.');
  write(writeLauncher(launcherFiles(xdgFolders(home, env).data, selfCommand(env), request)).join('\n') + '\n');
  return 0;
}
