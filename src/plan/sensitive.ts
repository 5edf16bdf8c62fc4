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
import { isRootUser } from './root-user.js';
import { ENGINE_SOCKET } from '../host/engine-sockets.js';

/** What the policy says about one host folder. */
export type ShareVerdict =
  | { readonly level: 'ok' }
  // `fix`: how to get on, when it is not upstream's "share a sub folder" (refused verdicts)
  | { readonly level: 'warn' | 'refuse'; readonly why: string; readonly fix?: string }
  // the folder contains x11docker's cache: allowed with a warning, the cache is hidden by an empty mount
  | { readonly level: 'mask'; readonly why: string; readonly cache: string };

/**
 * How the container gets the folder, for the rules that depend on it: `home` as its writable
 * HOME (`--homedir DIR`, `--home=DIR`); `writableByRoot` as a writable share in a container
 * where root processes run ({@link rootInContainer}).
 */
export interface ShareUse {
  readonly home?: boolean;
  readonly writableByRoot?: boolean;
  /** Shared read-only (`:ro`): the verdict never says the container can change files there. */
  readonly readonly?: boolean;
  /** `--cachebasedir`: x11docker's cache of this session, when not `~/.cache/x11docker` (refused, with what contains it). */
  readonly cacheDir?: string;
  /** Engine sockets listening on the host (host/engine-sockets.ts, resolved): a folder containing one is refused. */
  readonly engineSockets?: readonly string[];
}

/** Host folders besides the system folders ({@link isSystemFolder}) that hold others' secrets when shared (warned). */
const WARNED = ['/root', '/home', '/run', '/var/run'];

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
  ['/run/docker', 'it holds the sockets of dockerd\'s own containerd: whoever can use them is root on the host'],
  ['/var/run/docker', 'it holds the sockets of dockerd\'s own containerd: whoever can use them is root on the host'],
  ['/var/lib/docker', 'it holds all containers, images and volumes of the engine'],
  ['/proc', 'it shows every host process, and through /proc/PID/root their files: x11docker\'s cache with all session cookies and the X sockets of all displays'],
];


/** The fix for a refused folder, unless the verdict names another. */
export const SHARE_SUB_FOLDER = 'Share a sub folder that holds only what the container needs.';

const under = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

/**
 * The host's system folders: `/` itself and everything below `/etc`, `/usr`, `/bin`, `/sbin`,
 * `/lib*`, `/boot`, `/var`, `/proc`, `/sys`, `/dev`, except the data places the policy allows
 * there: the host user's HOME and what is below it when HOME is a data place (e.g.
 * `/var/lib/jenkins`; not `/`, `/usr` or `/usr/sbin`, which would make system folders HOME
 * folders), and folders below `/var/tmp` (like `/tmp/work`). A container that may write one could change the host's programs, libraries or
 * configuration (root's files: the container's root user can write them).
 * @param real the absolute, resolved host path.
 * @param hostHome the host user's HOME (absolute, resolved).
 */
export function isSystemFolder(real: string, hostHome: string): boolean {
  if (real === '/') return true;
  const top = real.split('/')[1]!;
  if (!SYSTEM_TOPS.includes(top) && !/^lib/.test(top)) return false;
  if (homeIsData(hostHome) && under(real, hostHome)) return false;
  return !real.startsWith('/var/tmp/');
}

/** HOME is a data place: not `/`, not a system folder's top, and not below one that holds no user data (only `/var` does: `/var/lib/jenkins`, `/var/www`). */
function homeIsData(hostHome: string): boolean {
  const parts = hostHome.split('/').filter(Boolean);
  if (parts.length === 0) return false;
  const top = parts[0]!;
  if (!SYSTEM_TOPS.includes(top) && !/^lib/.test(top)) return true;
  return top === 'var' && parts.length > 1 && hostHome !== '/var/tmp';
}

/** Top-level folders of {@link isSystemFolder} (and every `/lib*`). */
const SYSTEM_TOPS = ['etc', 'usr', 'bin', 'sbin', 'boot', 'var', 'proc', 'sys', 'dev'];

/**
 * Whether root processes run in the container, so a writable share of a system folder could
 * change the host's system files: the container user is root (`--user=root`, x11docker run by
 * root without another host user, `--user=RETAIN` of an image whose USER is root or unset, a raw
 * `--user`/`-u` 0 or root after `--`), or root runs beside the user (`--sudouser`, an init system,
 * `--dbus-system`, `--runasroot`).
 * @param c the container user's uid, `retainUser` with the image's USER, and the flags above.
 */
export function rootInContainer(c: { readonly uid: number; readonly retainUser: boolean; readonly imageUser: string; readonly rawRootUser: boolean; readonly rootHelpers: boolean }): boolean {
  if (c.retainUser) return isRootUser(c.imageUser, true) || c.rawRootUser;
  return c.uid === 0 || c.rawRootUser || c.rootHelpers;
}

/**
 * Judges a host folder to be shared with a container.
 * @param real the absolute, resolved host path (no symbolic links).
 * @param hostHome the host user's HOME (absolute, resolved).
 * @param use how the container gets it (see {@link ShareUse}); default: a share without root inside.
 * @returns `refuse` for x11docker's cache (`~/.cache/x11docker`, anything in it, and `~/.cache`),
 *   the host's X sockets, the engine sockets and anything containing them (`/tmp`, `/run`,
 *   `/var/run`), and a system folder ({@link isSystemFolder}) as HOME or as a writable share with
 *   root inside; `mask` for HOME and its ancestors (they contain the cache, which is then hidden
 *   in the container by an empty read-only tmpfs); `warn` for other system folders, `/root`,
 *   `/home`, hidden folders of HOME (`~/.ssh`, `~/.gnupg`, `~/.config`, ...) and `/run/user/UID`;
 *   else `ok`.
 */
export function sharePolicy(real: string, hostHome: string, use: ShareUse = {}): ShareVerdict {
  const cache = posix.join(hostHome, '.cache', 'x11docker');
  if (under(real, cache)) return { level: 'refuse', why: 'it is x11docker\'s cache with the cookies and sockets of all x11docker sessions' };
  if (under(cache, real) && !under(hostHome, real)) return { level: 'refuse', why: `it contains ${cache}, x11docker's cache with the cookies and sockets of all x11docker sessions` };
  // --cachebasedir: that folder, and any folder containing it (HOME too: only ~/.cache/x11docker is hidden there)
  if (use.cacheDir && use.cacheDir !== cache && (under(real, use.cacheDir) || under(use.cacheDir, real))) {
    return { level: 'refuse', why: `${real === use.cacheDir ? 'it is' : under(real, use.cacheDir) ? 'it is in' : 'it contains'} ${use.cacheDir}, x11docker's cache (--cachebasedir) with the cookies and sockets of its sessions`, fix: 'Share another folder, or give another --cachebasedir.' };
  }
  for (const [dir, why] of REFUSED) {
    if (under(real, dir)) return { level: 'refuse', why };
    // also for a folder containing HOME (e.g. /): only x11docker's cache can be hidden in a share, not these
    if (under(dir, real)) return { level: 'refuse', why: `it contains ${dir}: ${why}` };
  }
  const socket = use.engineSockets?.find((s) => under(s, real));
  if (socket) {
    return { level: 'refuse', why: `${socket === real ? 'it is' : 'it contains'} ${socket}, a listening container engine socket: whoever can use it controls the engine's containers (root on the host for a rootful engine)` };
  }
  if (ENGINE_SOCKET.test(posix.basename(real))) return { level: 'refuse', why: 'it is a container engine\'s socket: whoever can use it controls the engine\'s containers (root on the host for a rootful engine)' };
  if (/^\/run\/user(\/\d+)?$/.test(real)) return { level: 'refuse', why: 'it holds the sockets of your desktop session and of a rootless container engine (control over your containers)' };
  if (real === '/run' || real === '/var/run') return { level: 'refuse', why: 'it holds the sockets of the host\'s services, e.g. the docker socket (root on the host)' };
  const system = isSystemFolder(real, hostHome);
  if (system && use.home) {
    return { level: 'refuse', why: 'it is a system folder of the host, and the container could change the host\'s system files in its writable HOME', fix: 'Give a folder of your own as HOME, e.g. --home (the folder ~/x11docker/IMAGE) or --home=$HOME/NAME.' };
  }
  if (system && use.writableByRoot) {
    return { level: 'refuse', why: 'it is a system folder of the host, and root in the container could change the host\'s system files in it', fix: 'Share it read-only (add :ro), or share a folder of your own.' };
  }
  if (under(hostHome, real)) {
    const what = real === hostHome ? 'your host HOME' : `a folder containing your host HOME ${hostHome}`;
    return { level: 'mask', why: `${what} is shared: the container can ${use.readonly ? 'read' : 'read and change'} all your files, including shell start-up files and keys`, cache };
  }
  if (under(real, hostHome) && !system) {
    const first = posix.relative(hostHome, real).split('/')[0]!;
    if (first.startsWith('.')) return { level: 'warn', why: `~/${first} is a hidden folder of your HOME (settings, keys, browser profiles): the container can read its secrets` };
    return { level: 'ok' };
  }
  if (under(real, '/run/user')) return { level: 'warn', why: 'it holds the sockets of your desktop session (D-Bus, PulseAudio, Wayland)' };
  if (system || WARNED.some((d) => under(real, d))) return { level: 'warn', why: 'a sensitive host path is shared with the container' };
  return { level: 'ok' };
}

/**
 * Applies {@link sharePolicy} to one option's folder: pushes the warning, or throws.
 * @param option the option as the user wrote it, e.g. `--sharedir` or `--homedir`.
 * @param given the path as given (absolute); `real` its resolved form.
 * @param use how the container gets it ({@link ShareUse}).
 * @returns the x11docker cache folder to hide in the container (for `mask`), else undefined.
 * @throws X11DockerError (exit 64) for a refused folder, naming the option and the fix.
 */
export function applySharePolicy(option: string, given: string, real: string, readonly: boolean, hostHome: string, warnings: string[], use: ShareUse = {}): string | undefined {
  const v = sharePolicy(real, hostHome, { ...use, readonly });
  if (v.level === 'ok') return undefined;
  const shown = `${printable(given)}${readonly ? ':ro' : ''}${real !== given ? ` (a symbolic link to ${printable(real)})` : ''}`;
  if (v.level === 'refuse') {
    throw new X11DockerError(`Option ${option} ${shown} is refused: ${v.why}. ${v.fix ?? SHARE_SUB_FOLDER}`);
  }
  const tail = v.level === 'warn' && v.why.startsWith('a sensitive') ? ` It may read secrets${readonly ? '' : ' or change the host'} from there.` : '';
  warnings.push(`Option ${option} ${shown}: ${v.why}.${tail}`);
  return v.level === 'mask' ? v.cache : undefined;
}
