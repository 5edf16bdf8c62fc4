/**
 * ONE policy for every host folder that x11docker mounts on the user's request: `--sharedir`
 * (`--share`), `--homedir DIR` and `--home=DIR`. It judges the RESOLVED path (symbolic links
 * followed, see src/host/paths.ts hostRealPaths), so a link to /etc is treated as /etc.
 *
 * Upstream x11docker warns that sharing system folders or the host HOME weakens isolation and
 * discourages `--homedir $HOME`. This policy follows it and is stricter where a shared folder
 * would hand the container other sessions' or the host's access: x11docker's own cache (the
 * cookies and sockets of all sessions), the X sockets of all displays and the container
 * engine's socket are refused.
 * Pure: unit-tested without a host.
 */
import { posix } from 'node:path';
import { printable, X11DockerError } from '../errors.js';

/** What the policy says about one host folder. */
export type ShareVerdict =
  | { readonly level: 'ok' }
  | { readonly level: 'warn' | 'refuse'; readonly why: string }
  // the folder contains x11docker's cache: allowed with a warning, the cache is hidden by an empty mount
  | { readonly level: 'mask'; readonly why: string; readonly cache: string };

/** Host folders that give a container power over the host or its secrets when shared (warned). */
const SYSTEM = ['/etc', '/root', '/boot', '/dev', '/proc', '/sys', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/var', '/home', '/run', '/var/run'];

/**
 * Folders refused outright, with the reason: sharing them (or a folder containing them) gives the
 * container the X server sockets of all displays, or the container engine (root on the host).
 */
const REFUSED: readonly (readonly [string, string])[] = [
  ['/tmp/.X11-unix', 'it holds the sockets of all X servers of the host, including your own display'],
  ['/run/docker.sock', 'it is the docker socket: whoever can use it is root on the host'],
  ['/var/run/docker.sock', 'it is the docker socket: whoever can use it is root on the host'],
  ['/run/podman', 'it holds the podman socket: whoever can use it controls the host\'s containers'],
  ['/run/containerd', 'it holds the containerd socket: whoever can use it is root on the host'],
  ['/var/lib/docker', 'it holds all containers, images and volumes of the engine'],
  ['/proc', 'it shows every host process, and through /proc/PID/root their files: x11docker\'s cache with all session cookies and the X sockets of all displays'],
];

const under = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

/**
 * Judges a host folder to be shared with a container.
 * @param real the absolute, resolved host path (no symbolic links).
 * @param hostHome the host user's HOME (absolute, resolved).
 * @returns `refuse` for x11docker's cache (`~/.cache/x11docker`, anything in it, and `~/.cache`),
 *   the host's X sockets, the engine sockets and anything containing them (`/tmp`, `/run`,
 *   `/var/run`); `mask` for HOME and its ancestors (they contain the cache, which is then hidden
 *   in the container by an empty read-only tmpfs); `warn` for system folders, hidden folders of
 *   HOME (`~/.ssh`, `~/.gnupg`, `~/.config`, ...) and `/run/user/UID`; else `ok`.
 */
export function sharePolicy(real: string, hostHome: string): ShareVerdict {
  const cache = posix.join(hostHome, '.cache', 'x11docker');
  if (under(real, cache)) return { level: 'refuse', why: 'it is x11docker\'s cache with the cookies and sockets of all x11docker sessions' };
  if (under(cache, real) && !under(hostHome, real)) return { level: 'refuse', why: `it contains ${cache}, x11docker's cache with the cookies and sockets of all x11docker sessions` };
  for (const [dir, why] of REFUSED) {
    if (under(real, dir)) return { level: 'refuse', why };
    if (under(dir, real) && !under(hostHome, real)) return { level: 'refuse', why: `it contains ${dir}: ${why}` };
  }
  if (real === '/run' || real === '/var/run') return { level: 'refuse', why: 'it holds the sockets of the host\'s services, e.g. the docker socket (root on the host)' };
  if (under(hostHome, real)) {
    const what = real === hostHome ? 'your host HOME' : `a folder containing your host HOME ${hostHome}`;
    return { level: 'mask', why: `${what} is shared: the container can read and change all your files, including shell start-up files and keys`, cache };
  }
  if (under(real, hostHome)) {
    const first = posix.relative(hostHome, real).split('/')[0]!;
    if (first.startsWith('.')) return { level: 'warn', why: `~/${first} is a hidden folder of your HOME (settings, keys, browser profiles): the container can read its secrets` };
    return { level: 'ok' };
  }
  if (under(real, '/run/user')) return { level: 'warn', why: 'it holds the sockets of your desktop session (D-Bus, PulseAudio, Wayland)' };
  if (SYSTEM.some((d) => under(real, d))) return { level: 'warn', why: 'a sensitive host path is shared with the container' };
  return { level: 'ok' };
}

/**
 * Applies {@link sharePolicy} to one option's folder: pushes the warning, or throws.
 * @param option the option as the user wrote it, e.g. `--sharedir` or `--homedir`.
 * @param given the path as given (absolute); `real` its resolved form.
 * @returns the x11docker cache folder to hide in the container (for `mask`), else undefined.
 * @throws X11DockerError (exit 64) for a refused folder, naming the option and the fix.
 */
export function applySharePolicy(option: string, given: string, real: string, readonly: boolean, hostHome: string, warnings: string[]): string | undefined {
  const v = sharePolicy(real, hostHome);
  if (v.level === 'ok') return undefined;
  const shown = `${printable(given)}${readonly ? ':ro' : ''}${real !== given ? ` (a symbolic link to ${printable(real)})` : ''}`;
  if (v.level === 'refuse') {
    throw new X11DockerError(`Option ${option} ${shown} is refused: ${v.why}. Share a sub folder that holds only what the container needs.`);
  }
  const tail = v.level === 'warn' && v.why.startsWith('a sensitive') ? ` It may read secrets${readonly ? '' : ' or change the host'} from there.` : '';
  warnings.push(`Option ${option} ${shown}: ${v.why}${readonly ? ' (read-only)' : ''}.${tail}`);
  return v.level === 'mask' ? v.cache : undefined;
}
