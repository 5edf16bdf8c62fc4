/**
 * Persistent HOME and shared folders (`--home`, `--home=DIR`, `--homedir DIR`, `--sharedir DIR[:ro]`),
 * planned from options and host facts alone.
 *
 * Upstream x11docker: `--home` shares the host folder `~/x11docker/IMAGENAME` as the container
 * user's HOME, `--homedir DIR` (newer: `--home=DIR`) another host folder; `--sharedir DIR` mounts
 * DIR at the same path without setting HOME; `--homedir $HOME` is discouraged, and sharing the
 * host's HOME with `--sharedir` puts it below the container's HOME.
 */
import { join, posix } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import type { HostUser } from '../host/facts.js';
import type { PathKind } from '../host/paths.js';
import type { Options } from '../options/parse.js';
import { applySharePolicy, isSystemFolder } from './sensitive.js';
import type { ContainerUser } from './userdb.js';

/** A bind mount from the host into the container, or a named volume of the engine. */
export interface BindMount {
  /** Absolute host path, or the volume's name when `volume` is set. */
  readonly source: string;
  /** `source` is a named volume (`--home=VOLUME`, `--share=VOLUME`), not a host path. */
  readonly volume?: boolean;
  /** Absolute path in the container. */
  readonly target: string;
  readonly readonly: boolean;
}

/** What a session shares with its container. */
export interface MountPlan {
  /** Bind mounts in the order given (HOME first). */
  readonly mounts: readonly BindMount[];
  /** Host folder to create (mode 0700, owned by the host user) before the container starts. */
  readonly createHostDir?: string;
  /** True when HOME is a mounted host folder (x11docker then does not create HOME inside the container). */
  readonly homeMounted: boolean;
  /**
   * Container paths covered by an empty read-only tmpfs: x11docker's cache inside a shared host
   * HOME (or a folder containing it), so other sessions' cookies stay hidden.
   */
  readonly masks: readonly string[];
}


/**
 * The folder name for `--home` without a value: the image name with `/` replaced by `-` and
 * `:` / `@` (tag, digest, registry port) by `_`, so it is one safe folder name. The tag
 * `:latest` is left out: `app` and `app:latest` are the same image for the engine, so they share
 * one HOME (the GUI lists images with their tag).
 * @example homeFolderName('registry:5000/team/app:1.2') === 'registry_5000-team-app_1.2'
 * @example homeFolderName('app:latest') === 'app'
 */
export function homeFolderName(image: string): string {
  const name = image.replace(/:latest$/, '').replace(/\//g, '-').replace(/[:@]/g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
  return name.startsWith('.') ? `_${name}` : name;
}

/**
 * Where `--home=VOLUME` mounts the volume in the container, as upstream: `/home.volume/VOLUME`;
 * the container user's HOME is `/home.volume/VOLUME/USERNAME`.
 */
export function homeVolumeBase(volume: string): string {
  return `/home.volume/${volume}`;
}

/**
 * The folder `--home` (without DIR) uses: `IMAGENAME` in `--homebasedir DIR`, else in
 * `~/x11docker` (upstream 7.x: `~/.local/share/x11docker`, which it links as `~/x11docker`).
 * @param options `image` and `homebasedir`.
 * @param hostHome the host user's HOME.
 */
export function defaultHomeFolder(options: Pick<Options, 'homebasedir'> & { readonly image?: string }, hostHome: string): string {
  return join(options.homebasedir ?? join(hostHome, 'x11docker'), homeFolderName(options.image ?? 'xonly'));
}

/**
 * Plans the persistent HOME and the shared folders, with upstream's warnings.
 * @param options parsed options (`home`, `sharedirs`, `image`).
 * @param hostUser the host user (owner of `~/x11docker`).
 * @param user the container user; its HOME is the mount target.
 * @param paths what the host has at each `--sharedir` path and at the `--home=DIR` path.
 * @param warnings receives isolation warnings.
 * @param notes receives notes.
 * @param realPaths the resolved form (symbolic links followed) of those paths; a missing entry
 *   means the path is its own resolved form. The resolved path is judged by the one
 *   sensitive-path policy (sensitive.ts) and is what gets mounted; the target in the container
 *   stays the path as given.
 * @param rootInside root processes run in the container (sensitive.ts rootInContainer): a
 *   writable `--sharedir` of a system folder is refused then.
 * @throws X11DockerError when a `--sharedir` path does not exist, `--home=DIR` is not a folder,
 *   or either is a folder the policy refuses (a system folder is never HOME).
 */
export function planMounts(
  options: Pick<Options, 'home' | 'sharedirs' | 'image' | 'user' | 'cachebasedir'> & Partial<Pick<Options, 'homeVolume' | 'shareVolumes'>>,
  hostUser: HostUser,
  user: ContainerUser | undefined,
  paths: ReadonlyMap<string, PathKind>,
  warnings: string[],
  notes: string[],
  realPaths: ReadonlyMap<string, string> = new Map(),
  rootInside = false,
  engineSockets: readonly string[] = [],
): MountPlan {
  const mounts: BindMount[] = [];
  const masks: string[] = [];
  const hide = (cache: string | undefined, source: string, target: string) => {
    if (cache) masks.push(posix.join(target, posix.relative(source, cache)));
  };
  let createHostDir: string | undefined;
  let homeMounted = false;
  if (options.home !== undefined) {
    if (!user) {
      throw new X11DockerError('Options --home/--homedir need x11docker\'s container user; --user=RETAIN keeps the image\'s user, whose HOME is unknown. Use --sharedir instead.');
    }
    let source = expandHome(options.home, hostUser.home);
    if (source === '') {
      source = defaultHomeFolder(options, hostUser.home);
      if (paths.get(source) !== 'dir') createHostDir = source;
      applySharePolicy('--home', source, realPaths.get(source) ?? source, false, hostUser.home, warnings, { home: true, cacheDir: options.cachebasedir, engineSockets });
    } else {
      const kind = paths.get(source) ?? 'missing';
      if (kind === 'file') throw new X11DockerError(`Option --homedir/--home=${printable(source)}: this is a file, not a folder. Give a folder.`);
      if (kind === 'missing') createHostDir = source;
      const real = realPaths.get(source) ?? source;
      if (real === hostUser.home && !isSystemFolder(real, hostUser.home)) {
        warnings.push(`Option --homedir ${printable(source)}: your host HOME is the container's HOME. Discouraged: the container can read and change all your files, including shell start-up files and keys.`);
        hide(posix.join(hostUser.home, '.cache', 'x11docker'), real, user.home);
      } else {
        hide(applySharePolicy('--homedir', source, real, false, hostUser.home, warnings, { home: true, cacheDir: options.cachebasedir, engineSockets }), real, user.home);
      }
      if (kind !== 'missing') source = real;
    }
    mounts.push({ source, target: user.home, readonly: false });
    homeMounted = true;
    if (user.uid !== hostUser.uid) {
      notes.push(`Option --home: ${source} belongs to your host user ${hostUser.name}; the container user (uid ${user.uid}) may not be able to write it, and what it writes belongs to uid ${user.uid} on the host.`);
    }
  }
  if (options.homeVolume !== undefined) {
    if (!user) throw new X11DockerError("Option --home=VOLUME needs x11docker's container user; --user=RETAIN keeps the image's user, whose HOME is unknown. Use --share=VOLUME instead.");
    // upstream: the volume at /home.volume/VOLUME, HOME the user's folder in it (made by x11docker)
    mounts.push({ source: options.homeVolume, volume: true, target: homeVolumeBase(options.homeVolume), readonly: false });
  }
  for (const v of options.shareVolumes ?? []) {
    const target = `/${v.name}`;
    checkShareTarget(target, `--share=${v.name}`, user);
    if (['/tmp', '/proc', '/sys', '/dev', '/run'].includes(target)) {
      throw new X11DockerError(`Option --share=${v.name}: a volume at ${target} would cover what the engine and x11docker put there (X socket, devices, /proc). Give the volume another name.`);
    }
    mounts.push({ source: v.name, volume: true, target, readonly: v.readonly });
  }
  for (const s of options.sharedirs) {
    const kind = paths.get(s.path) ?? 'missing';
    if (kind === 'missing') throw new X11DockerError(`Option --sharedir ${printable(s.path)}: no such file or folder on the host. Create it first, or fix the path.`);
    let target = s.path;
    if ((realPaths.get(s.path) ?? s.path) === hostUser.home && user) {
      // upstream: the host HOME goes below the container's HOME, not over it
      target = posix.join(user.home, 'hosthome');
      notes.push(`Option --sharedir ${printable(s.path)}: your host HOME is shared as ${target} in the container.`);
    }
    const real = realPaths.get(s.path) ?? s.path;
    const cache = applySharePolicy('--sharedir', s.path, real, s.readonly, hostUser.home, warnings, { writableByRoot: rootInside && !s.readonly, cacheDir: options.cachebasedir, engineSockets });
    checkShareTarget(target, `--sharedir ${printable(s.path)}`, user);
    mounts.push({ source: real, target, readonly: s.readonly });
    hide(cache, real, target);
  }
  return { mounts, createHostDir, homeMounted, masks };
}

/**
 * `--home=~/PATH` as upstream: `~` stands for the host user's HOME (x11docker may run as root
 * for another host user); any other value is returned unchanged.
 * @param home the option's value as parsed.
 * @param hostHome the host user's HOME.
 */
export function expandHome(home: string, hostHome: string): string {
  if (home === '~') return hostHome;
  return home.startsWith('~/') ? posix.join(hostHome, home.slice(2)).replace(/\/+$/, '') || '/' : home;
}

/**
 * Refuses a share whose mount point would cover the container's HOME or root folder, the user
 * files x11docker writes (/etc/passwd, ...) or /x11docker (cookie and launchers).
 * @param target the mount point in the container.
 * @param what the option as the error names it, e.g. `--sharedir /srv` or `--share=data`.
 * @param user the container user (undefined with `--user=RETAIN`).
 */
function checkShareTarget(target: string, what: string, user: ContainerUser | undefined): void {
  if (target === '/' || target === user?.home || (user && user.home.startsWith(`${target}/`))) {
    throw new X11DockerError(`Option ${what}: it would cover the container's HOME or root folder. Use --homedir for a persistent HOME.`);
  }
  const written = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/sudoers'];
  if (user && written.some((f) => f === target || f.startsWith(`${target}/`))) {
    throw new X11DockerError(`Option ${what}: it would cover /etc/passwd and the other user files that x11docker writes into the container. Share single files or a sub folder, or use --user=RETAIN.`);
  }
  // x11docker's own folder in the container (cookie, launchers): a share there or above it would
  // hide them, or make the engine create their mount points in the host folder
  if (target === '/x11docker' || target.startsWith('/x11docker/') || '/x11docker'.startsWith(`${target}/`)) {
    throw new X11DockerError(`Option ${what}: it would cover /x11docker, where x11docker puts the cookie and its launchers in the container. Share another folder.`);
  }
}

/** The host paths whose kind {@link planMounts} needs (for the host facts). */
export function pathsToCheck(options: Pick<Options, 'home' | 'homebasedir' | 'sharedirs'>, hostHome: string, image?: string): string[] {
  const out = options.sharedirs.map((s) => s.path);
  if (options.home === '') out.push(defaultHomeFolder({ ...options, image }, hostHome));
  else if (options.home !== undefined) out.push(expandHome(options.home, hostHome));
  return out;
}
