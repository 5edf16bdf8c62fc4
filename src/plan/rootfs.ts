/**
 * What x11docker puts into the container's file system, as plan data: the entries it writes
 * (user database, HOME, launchers), how they get in when the root file system is read-only, and
 * the never-started probe container that gives an image's user database. Pure.
 */
import { join } from 'node:path';
import { sessionLabels } from './argv.js';
import type { SessionPlan } from './plan.js';

/** A file or folder x11docker puts into the container (as `docker cp` would write it). */
export interface RootfsEntry {
  /** Absolute path in the container. */
  readonly path: string;
  /** File content; undefined for a folder. */
  readonly content?: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * For a read-only root filesystem, which can take no `docker cp`: how each entry x11docker
 * would write gets into the container instead. Files become read-only bind mounts of copies in
 * the session folder (`SESSION/rootfs/PATH`); the container user's HOME becomes a tmpfs owned by
 * the user, mode 0700; other folders (HOME's parent, tmpfs mount points) are left to the engine,
 * which creates mount points itself.
 * @param plan the session plan (with a container).
 * @param entries what x11docker would write (user database, HOME, launchers).
 * @returns `files`: host copies to write (path = host path), `mounts`: for {@link containerCreateArgs}.
 */
export function readOnlyRootfsMounts(plan: SessionPlan, entries: readonly RootfsEntry[]): { files: RootfsEntry[]; mounts: { source: string; target: string; readonly: boolean; tmpfs?: boolean }[] } {
  const c = plan.container!;
  const files: RootfsEntry[] = [];
  const mounts: { source: string; target: string; readonly: boolean; tmpfs?: boolean }[] = [];
  for (const e of entries) {
    if (e.content !== undefined) {
      const source = join(plan.sessionDir, 'rootfs', e.path);
      files.push({ ...e, path: source });
      mounts.push({ source, target: e.path, readonly: true });
    }
  }
  // HOME is a tmpfs of the user, also root's /root (which x11docker does not write otherwise)
  // (not with --home=VOLUME: HOME is then a folder in the volume)
  const inVolume = c.mounts.mounts.some((m) => m.volume && c.user.home.startsWith(`${m.target}/`));
  if (!c.retainUser && !c.mounts.homeMounted && !inVolume) mounts.push({ source: '', target: c.user.home, readonly: false, tmpfs: true });
  return { files, mounts };
}

/**
 * The argument array for a probe: a created, never started container of the plan's image, only
 * to read its user database (`cp` out) before the real container is created with
 * `--read-only`. It carries the session's labels, so the watcher and `--cleanup` find it.
 */
export function probeCreateArgs(plan: SessionPlan): string[] {
  const c = plan.container!;
  return ['create', '--network=none', ...sessionLabels(plan), '--entrypoint=/x11docker-probe', '--', c.image];
}
