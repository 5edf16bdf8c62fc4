/**
 * The session's container steps: create it (with its user database, HOME and x11docker's files
 * in place, or mounted read-only under `--read-only`), and start it attached to our terminal.
 * Each step registers its own undo: removal when created, a gentle stop when started.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { containerCreateArgs, runtimeDirExtras, type SessionPlan } from '../plan/plan.js';
import { probeCreateArgs, readOnlyRootfsMounts } from '../plan/rootfs.js';
import { declaredMounts, ownMountTargets } from '../plan/covered.js';
import { xPaths } from '../xserver/display.js';
import { checkContainerMounts, createHomeFolder, prepareLocale, userFilePaths, userFiles } from './container-setup.js';
import type { DisplayForContainer } from './display-step.js';
import type { ContainerFile, Engine } from './engine.js';
import type { SessionRegistry } from './registry.js';
import type { UndoStack } from './undo.js';
import { readContainerWrittenFile } from './safe-read.js';
import { loadPulseTcp } from './pulse-tcp.js';
import { cachedUserDatabase, readUserDatabase } from './userdb-cache.js';

/**
 * How long a running container's command gets to end after SIGTERM when the session ends
 * (Ctrl-C, SIGTERM, the X server gone), in ms, before it is killed: like `docker stop`, shorter
 * than its 10 s default so that Ctrl-C stays quick.
 */
export const STOP_GRACE_MS = 3000;

/** A started container command, or `--exe`'s host command: the session's application. */
export interface RunningApp {
  /** For messages: `container 0123456789ab`, `xterm`. */
  readonly what: string;
  /**
   * Resolves with the command's exit code when it ends; rejects with an X11DockerError when the
   * engine could not start the container at all (never started: the engine's reason, one line).
   */
  readonly ended: Promise<number>;
}

/**
 * Creates the container for `d`'s display, sets up its user database and HOME, and registers
 * its removal (by the id that create returns, never by a name that another container may carry).
 * @returns the container id.
 * @throws X11DockerError from the engine, or when a raw mount covers a file x11docker writes.
 */
export async function createSessionContainer(plan: SessionPlan, engine: Engine, undo: UndoStack, registry: SessionRegistry, d: DisplayForContainer): Promise<string> {
  const c = plan.container!;
  if (c.sharedCookie && d.clientAuthFile) {
    // Another container user (--user), or a uid the engine maps elsewhere (userns-remap,
    // rootless docker), cannot read a 0600 file of the host user, and has no capability to
    // override that. The session folder (0700) still hides it on the host.
    chmodSync(d.clientAuthFile, 0o644);
  }
  createHomeFolder(plan);
  const localeDir = await prepareLocale(plan, engine, (what, fn) => undo.defer(what, fn));
  const serviceFiles: ContainerFile[] = c.services.files.map((f) => ({ ...f, uid: 0, gid: 0 }));
  // --read-only: nothing can be copied in; x11docker's files are mounted instead
  const readOnly = c.readOnlyRootfs ? await readOnlyFiles(plan, engine, serviceFiles) : undefined;
  const runtimeDir = runtimeDirExtras(plan, d.launch);
  // --pulseaudio=tcp: the module listens before the container exists, so the command never races it
  const pulse = c.services.pulseTcp ? await loadPulseTcp(plan, undo, registry) : undefined;
  const pulseEnv: Record<string, string> = pulse ? { PULSE_SERVER: `tcp:${c.services.pulseTcp!.host}:${pulse.port}` } : {};
  const args = containerCreateArgs(plan, {
    display: d.display,
    socketPath: xPaths(d.display).socket,
    socketDir: d.socketDir,
    clientAuthFile: d.clientAuthFile,
    localeDir,
    x11: d.display >= 0 && d.launch.x11,
    env: { ...d.launch.containerEnv, ...runtimeDir.env, ...pulseEnv },
    mounts: [...d.launch.containerMounts, ...runtimeDir.mounts, ...(readOnly ?? []), ...(pulse?.cookieMount ? [pulse.cookieMount] : [])],
  });
  const id = await engine.create(args);
  // docker: the mounts as the arguments declare them, no round trip before the files are written
  // (podman and nerdctl are asked: their listing may differ)
  const declared = engine.backend === 'docker' ? declaredMounts(args) : undefined;
  const own = ownMountTargets(args, c.engineArgs);
  registry.setContainer(id);
  undo.defer(`remove container ${id.slice(0, 12)}`, () => engine.remove(id), 'process');
  log.info(`container ${id.slice(0, 12)} created`);

  if (readOnly) {
    // nothing is copied in, but the engine creates missing mount points: a raw mount over
    // one of ours (e.g. -v DIR:/etc) would get empty files made in DIR on the host
    const targets = readOnly.map((m) => m.target);
    await checkContainerMounts(plan, engine, id, targets, targets, declared, own);
    return id;
  }
  if (c.retainUser) {
    // --user=RETAIN: the image's user, no set-up (only x11docker's launchers, if any)
    await checkContainerMounts(plan, engine, id, serviceFiles.map((f) => f.path), [], declared, own);
    if (serviceFiles.length > 0) await engine.writeFiles(id, serviceFiles);
    return id;
  }
  // docker cp reads and writes through bind mounts and volumes: never the host's files via a
  // raw -v/--mount (checked before the image's user database is read and cached)
  const tmpfsTargets = [...d.launch.containerMounts, ...runtimeDir.mounts].filter((m) => m.tmpfs).map((m) => m.target);
  await checkContainerMounts(plan, engine, id, [...userFilePaths(plan), ...tmpfsTargets, ...serviceFiles.map((f) => f.path)], tmpfsTargets, declared, own);
  const files = userFiles(plan, await readUserDatabase(engine, id, c.imageConfig.id, plan.cacheDir, plan.dropToHostUser ? plan.hostUser : undefined));
  // the engine copies a tmpfs mount point's mode and owner onto the tmpfs at start (tmpcopyup):
  // make the mount point of a private runtime folder the container user's, mode 0700
  for (const target of tmpfsTargets) files.push({ path: target, mode: 0o700, uid: c.user.uid, gid: c.user.gid });
  files.push(...serviceFiles);
  const t0 = performance.now();
  await engine.writeFiles(id, files);
  log.info(`${files.length} files of x11docker written into the container (${Math.round(performance.now() - t0)} ms)`);
  return id;
}

/**
 * `--read-only` among the raw options: the user database (read from the per-image cache, else
 * from a probe container that is never started and removed at once), HOME and launchers as
 * mounts: copies of the files in the session folder, mounted read-only; HOME a tmpfs.
 * @returns the mounts for the container.
 */
async function readOnlyFiles(plan: SessionPlan, engine: Engine, serviceFiles: readonly ContainerFile[]) {
  const c = plan.container!;
  let entries: ContainerFile[] = [...serviceFiles];
  if (!c.retainUser) {
    const owner = plan.dropToHostUser ? plan.hostUser : undefined;
    let db = cachedUserDatabase(c.imageConfig.id, plan.cacheDir);
    if (!db) {
      const probe = await engine.create(probeCreateArgs(plan));
      try {
        db = await readUserDatabase(engine, probe, c.imageConfig.id, plan.cacheDir, owner);
      } finally {
        await engine.remove(probe);
      }
    }
    entries = [...userFiles(plan, db), ...entries];
    if (process.getuid?.() !== 0) {
      // mounted copies keep their host owner: without root they would be the container user's,
      // and a shadow file readable by the user (sudo refuses a sudoers file not owned by root)
      entries = entries.filter((e) => e.path !== '/etc/shadow' && e.path !== '/etc/sudoers');
      if (c.sudo) log.warning('--sudouser with docker run option --read-only needs x11docker run as root: sudo and su need /etc/shadow and /etc/sudoers owned by root.');
    }
  }
  const { files, mounts } = readOnlyRootfsMounts(plan, entries);
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true, mode: 0o700 });
    writeFileSync(f.path, f.content!, { mode: f.mode });
    chmodSync(f.path, f.mode);
    if (process.getuid?.() === 0) chownSync(f.path, f.uid, f.gid);
  }
  log.info(`--read-only: ${files.length} file(s) mounted read-only${mounts.some((m) => m.tmpfs) ? ', HOME is a tmpfs' : ''}`);
  return mounts;
}

/**
 * Starts the created container attached to our terminal (stdout to stderr with `--showenv`, so
 * that stdout carries only the environment line) and registers its gentle stop (SIGTERM, then
 * SIGKILL after {@link STOP_GRACE_MS}) while the X server still runs; a command that already
 * ended needs no stop.
 * @param output where the command's output goes instead of our stdout and stderr.
 * @returns the running application: its exit code (the init system's launcher's record when an
 *   init system runs it), or the engine's one-line reason when it never started.
 */
export function startSessionContainer(plan: SessionPlan, engine: Engine, undo: UndoStack, id: string, output?: (chunk: Buffer) => void): RunningApp {
  const c = plan.container!;
  // with --showenv or --html, stdout carries only x11docker's lines: the command's stdout goes to stderr
  const attached = engine.startAttached(id, c.interactive, plan.showenv || plan.html !== undefined, output);
  undo.defer(`stop container ${id.slice(0, 12)}`, () => (attached.running() ? engine.stop(id, STOP_GRACE_MS) : undefined), 'container');
  const ended = attached.ended.then((code) => (c.services.exitCodeFile ? exitCodeFromFile(join(plan.sessionDir, 'exit', 'code'), code) : code));
  return { what: `container ${id.slice(0, 12)}`, ended };
}

/**
 * The command's exit code as an init system's launcher recorded it (the container's own exit
 * status is the init system's); `fallback` when the file is missing, not a regular file (the
 * container can write it: a FIFO or a symlink must not hang or redirect the read) or not a number.
 */
function exitCodeFromFile(path: string, fallback: number): number {
  const text = readContainerWrittenFile(path);
  if (text === undefined || !/^\s*\d{1,3}\s*$/.test(text)) return fallback;
  const n = Number(text.trim());
  return n <= 255 ? n : fallback;
}
