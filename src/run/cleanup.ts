import { existsSync, lstatSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { log } from '../log.js';
import { X11DockerError } from '../errors.js';
import type { Backend } from '../options/parse.js';
import { LABEL_HOST, LABEL_PID, LABEL_SESSION } from '../plan/argv.js';
import { hostIdentity, sessionLiveness } from '../host/identity.js';
import { openEngine } from './open-engine.js';
import type { Engine } from './engine.js';
import { SOCKET_FOLDER_PREFIX } from '../xserver/display.js';
import { isAlive, readRecord, type ProcessId, type SessionRecord } from './registry.js';
import { unloadPulseTcp } from './pulse-tcp.js';
import { run } from './spawn.js';
import { CLEANUP_ONLY_ENV } from './watcher.js';
import { waitUntil } from './wait.js';
import { ownHome } from '../host/user.js';
import { isRemoteHost } from '../plan/remote.js';
import { engineAddress } from './engine-endpoint.js';
import { removeOrphanFolders, removeOrphanVolumes } from './remote-cleanup.js';
import { pidExists, pidInFile } from '../host/pid.js';

/** A session folder without a record younger than this (ms) may be a session being set up. */
const YOUNG_FOLDER_MS = 60_000;

/** What {@link cleanupOrphans} removed. */
export interface CleanupReport {
  /** Session folders removed (their sessions' x11docker processes were gone). */
  readonly sessions: string[];
  /** Container ids removed. */
  readonly containers: string[];
  /** X server / helper pids ended. */
  readonly processes: number[];
  /** Files removed (claims, X lock files, sockets). */
  readonly files: string[];
  /** Session folders left alone because their x11docker process is alive. */
  readonly alive: string[];
  /** Containers and volumes left alone because another machine, boot or PID namespace started them (label x11docker.host, src/host/identity.ts). */
  readonly elsewhere: string[];
}

function emptyReport(): CleanupReport {
  return { sessions: [], containers: [], processes: [], files: [], alive: [], elsewhere: [] };
}

/**
 * Undoes one session whose x11docker process is gone: ends its recorded processes (SIGTERM, then
 * SIGKILL after 2 s; each checked by start time, so a reused pid is never hit), removes its
 * container (by recorded id and by the session label), the display's lock file and socket
 * (only when the lock names one of the session's processes), its claim file (only when it names
 * the session's x11docker pid), and the session folder.
 * Does nothing when the session's x11docker process is alive.
 * @param sessionDir `<cache>/x11docker/<session id>`.
 * @returns false when the session is alive (nothing done), true otherwise.
 */
export async function cleanupSession(sessionDir: string, report: CleanupReport = emptyReport()): Promise<boolean> {
  const record = readRecord(sessionDir);
  if (!record) {
    // no record: an old-format folder, or one being set up this very moment
    const age = Date.now() - (statSync(sessionDir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age < YOUNG_FOLDER_MS) return false;
    rmSync(sessionDir, { recursive: true, force: true });
    report.sessions.push(sessionDir);
    return true;
  }
  if (isAlive(record.x11docker)) {
    report.alive.push(sessionDir);
    return false;
  }
  log.info(`session ${record.sessionId}: x11docker (pid ${record.x11docker.pid}) is gone; cleaning up`);
  let engine: Engine | undefined;
  try {
    engine = openEngine(record.backend, record.engineEnv);
  } catch (error) {
    // e.g. the session's docker context was removed since: its processes and files still go
    log.warning(`session ${record.sessionId}: its engine cannot be reached (${(error as Error).message}); its container, if any, is left.`);
  }
  await Promise.all([endProcesses(record.processes, report), engine ? removeContainers(engine, record, report) : undefined]);
  // --pulseaudio=tcp: the module in the user's PulseAudio (as that user when run as root)
  if (record.pulseModule) await unloadPulseTcp(record.pulseModule, process.getuid?.() === 0 && record.uid !== 0 ? { uid: record.uid } : {});
  engine?.close();
  removeFiles(record, report);
  rmSync(sessionDir, { recursive: true, force: true });
  report.sessions.push(sessionDir);
  return true;
}

/** Ends processes (verified by start time): SIGTERM, SIGKILL after `graceMs`. */
async function endProcesses(processes: readonly ProcessId[], report: CleanupReport, graceMs = 2000): Promise<void> {
  const living = processes.filter(isAlive);
  for (const p of living) signal(p.pid, 'SIGTERM');
  const allGone = () => !living.some(isAlive);
  await waitUntil(allGone, { what: 'the session processes to end after SIGTERM', timeoutMs: graceMs, intervalMs: 20 }).catch(() => undefined);
  for (const p of living.filter(isAlive)) signal(p.pid, 'SIGKILL');
  await waitUntil(allGone, { what: 'the session processes to end after SIGKILL', timeoutMs: 1000, intervalMs: 20 }).catch(() => undefined);
  report.processes.push(...living.map((p) => p.pid));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}

/** Removes the session's container: the recorded id and any container with the session's label. */
async function removeContainers(engine: Engine, record: SessionRecord, report: CleanupReport): Promise<void> {
  const ids = new Set<string>();
  if (record.containerId) ids.add(record.containerId);
  for (const c of await engine.containers(`${LABEL_SESSION}=${record.sessionId}`).catch(() => [])) ids.add(c.id);
  await Promise.all(
    [...ids].map(async (id) => {
      if (!(await engine.exists(id))) return;
      await engine.remove(id);
      report.containers.push(id);
    }),
  );
}

/**
 * Removes the session's files: a claim file only while it names the session's x11docker pid, an
 * X lock file and socket only while the lock names one of the session's processes (or no lock is
 * left) and no other live session has claimed the display since (never another server's display:
 * a new session's server creates its socket before its lock may be read).
 */
function removeFiles(record: SessionRecord, report: CleanupReport): void {
  const ours = new Set(record.processes.map((p) => p.pid));
  const locks = record.files.filter((f) => /\/\.X\d+-lock$/.test(f));
  const ownLock = locks.some((l) => ours.has(pidInFile(l) ?? -1));
  // a display that another live session has claimed since (its claim file names another pid) is
  // that session's: its new lock and socket must stay, even while its server is still starting
  const claimedByOther = (display: string, tmp: string) => {
    const pid = pidInFile(join(tmp, `.x11docker-display-${display}.claim`));
    return pid !== undefined && pid !== record.x11docker.pid && pidExists(pid);
  };
  for (const f of record.files) {
    if (!existsSync(f)) continue;
    let mine = false;
    const lock = /^(.*)\/\.X(\d+)-lock$/.exec(f);
    const socket = /^(.*)\/\.X11-unix\/X(\d+)$/.exec(f);
    const socketFolder = f.includes(`/${SOCKET_FOLDER_PREFIX}`);
    if (socketFolder) mine = ownSocketFolder(f, record.uid); // the session's own: its socket link and the folder
    else if (/\.claim$/.test(f)) mine = pidInFile(f) === record.x11docker.pid;
    else if (lock) mine = ours.has(pidInFile(f) ?? -1) && !claimedByOther(lock[2]!, lock[1]!);
    else if (socket) mine = (ownLock || !locks.some((l) => existsSync(l))) && !claimedByOther(socket[2]!, socket[1]!);
    if (!mine) continue;
    if (socketFolder && statSync(f).isDirectory()) rmdirQuietly(f);
    else rmSync(f, { force: true });
    report.files.push(f);
  }
}

/**
 * Whether a recorded socket-folder entry (the folder, or the socket link in it) is in a real
 * folder of the session's user: the name is recorded before the folder is made, so a folder that
 * someone else made under that name (or a symbolic link there) is never touched.
 */
function ownSocketFolder(entry: string, uid: number): boolean {
  const folder = /\/\.x11docker-socket-[^/]+$/.test(entry) ? entry : dirname(entry);
  const st = lstatSync(folder, { throwIfNoEntry: false });
  return st !== undefined && st.isDirectory() && st.uid === uid;
}

/**
 * The cache folders `--cleanup` looks at: the user's own; as root, every host user's.
 * @param asRoot whether x11docker runs as root.
 */
export async function cacheFolders(asRoot: boolean): Promise<string[]> {
  const homes = new Set<string>([ownHome()].filter((h) => h !== undefined));
  if (asRoot) {
    const r = await run('getent', ['passwd'], { reject: false });
    for (const line of String(r.stdout).split('\n')) {
      const home = line.split(':')[5];
      if (home && home !== '/' && home !== '/nonexistent') homes.add(home);
    }
  }
  return [...homes].map((h) => join(h, '.cache', 'x11docker')).filter((d) => existsSync(d));
}

/**
 * `x11docker --cleanup`: removes what sessions left behind whose x11docker process is gone,
 * and nothing of live sessions. Unlike upstream's `--cleanup` (which ends every x11docker
 * container and session, running or not, and empties the whole cache folder), this one is safe
 * while other sessions run: a session counts as gone only when its recorded x11docker pid has
 * ended (checked with its start time, so a reused pid keeps the session).
 * Without root it cleans the user's own sessions; as root, every host user's, and also
 * containers labelled by x11docker whose x11docker pid is gone but whose folder is missing. On a
 * remote engine (src/plan/remote.ts) also for any user, and the volumes and private folders of
 * remote sessions (src/run/remote-cleanup.ts). The per-image cache (`images/`) and the latest log are kept.
 * @param backend the engine for label-only containers (root).
 * @param only clean just this session folder (the session's watcher uses it).
 * @param cacheBase `--cachebasedir`: also look at that cache folder.
 */
export async function cleanupOrphans(backend: Backend, only?: string, cacheBase?: string): Promise<CleanupReport> {
  const report = emptyReport();
  const asRoot = (process.getuid?.() ?? 0) === 0;
  const dirs = only
    ? [only]
    : [...new Set([...(await cacheFolders(asRoot)), ...(cacheBase && existsSync(cacheBase) ? [cacheBase] : [])])].flatMap((c) =>
        readdirSync(c, { withFileTypes: true })
          .filter((d) => d.isDirectory() && d.name !== 'images')
          .map((d) => join(c, d.name)),
      );
  await Promise.all(dirs.map((d) => cleanupSession(d, report)));
  if (!only) {
    // a remote engine's labelled containers and volumes (src/run/remote.ts) are x11docker's whoever runs it
    const address = engineAddress(backend, process.env);
    const remote = address !== undefined && isRemoteHost(address);
    if (asRoot || remote) await removeUnrecordedContainers(backend, report, remote ? address : undefined);
    if (remote) {
      const volumes = await removeOrphanVolumes();
      report.files.push(...volumes.removed.map((v) => `volume ${v}`));
      report.elsewhere.push(...volumes.elsewhere.map((v) => `volume ${v}`));
    }
    report.files.push(...removeOrphanFolders(asRoot));
    removeStaleClaims(asRoot, report);
    removeEmptySocketFolders(asRoot, report);
  }
  return report;
}

/**
 * Root (or a remote engine): containers with x11docker's labels whose x11docker pid is gone and
 * that no folder accounted for. On a remote engine a container without the host identity label
 * may be any machine's session: left alone.
 * @param remote the remote engine's address, undefined for this machine's engine.
 * @throws X11DockerError when the engine does not answer (the containers could not be checked).
 */
async function removeUnrecordedContainers(backend: Backend, report: CleanupReport, remote?: string): Promise<void> {
  const engine = openEngine(backend);
  const here = hostIdentity();
  const labelled = (
    await engine.containers(LABEL_SESSION).catch((error: unknown) => {
      const why = `${backend} does not answer${remote !== undefined ? ` at ${remote}` : ''} (${String((error as Error).message ?? error).split('\n')[0]}), so its containers were not checked`;
      // a remote engine named by the user: an error; this machine's engine may simply not be running (nothing of it to clean)
      if (remote === undefined) {
        log.note(`--cleanup: ${why}.`);
        return [];
      }
      engine.close();
      return Promise.reject(new X11DockerError(`--cleanup: ${why}. Check DOCKER_HOST (or the docker context) and run --cleanup again.`));
    })
  ).filter((c) => !report.containers.includes(c.id));
  const verdict = (labels: Readonly<Record<string, string>>) =>
    sessionLiveness({ ...(labels[LABEL_PID] !== undefined ? { pid: labels[LABEL_PID] } : {}), ...(labels[LABEL_HOST] !== undefined ? { identity: labels[LABEL_HOST] } : {}) }, here, pidExists, remote !== undefined ? 'elsewhere' : 'pid');
  // (a pid of another machine, boot or PID namespace says nothing here: such a session is left alone)
  report.elsewhere.push(...labelled.filter((c) => verdict(c.labels) === 'elsewhere').map((c) => `container ${c.id.slice(0, 12)}`));
  const dead = labelled.filter((c) => verdict(c.labels) === 'gone');
  await Promise.all(
    dead.map(async ({ id }) => {
      await engine.remove(id);
      report.containers.push(id);
    }),
  );
  engine.close();
}

/**
 * Empty session socket folders (`/tmp/.x11docker-socket-*`) older than a minute that no record
 * names (own ones; as root, all): left by versions that created the folder before recording it.
 * A live session's folder holds its X socket link within about a second of being made.
 */
function removeEmptySocketFolders(asRoot: boolean, report: CleanupReport, tmp = '/tmp'): void {
  const uid = process.getuid?.() ?? 0;
  for (const name of readdirSync(tmp).filter((n) => n.startsWith(SOCKET_FOLDER_PREFIX))) {
    const dir = join(tmp, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (!asRoot && st.uid !== uid) || Date.now() - st.mtimeMs < YOUNG_FOLDER_MS || readdirSync(dir).length > 0) continue;
      rmdirSync(dir);
      report.files.push(dir);
    } catch {
      // removed meanwhile, or not empty
    }
  }
}

/** Display claim files (and their temporary and set-aside files, see claimDisplay) whose x11docker pid is gone (own ones; as root, all). */
function removeStaleClaims(asRoot: boolean, report: CleanupReport, tmp = '/tmp'): void {
  const uid = process.getuid?.() ?? 0;
  for (const f of readdirSync(tmp).filter((n) => /^\.x11docker-display-\d+\.claim(\.\d+\.(tmp|stale))?$/.test(n))) {
    const file = join(tmp, f);
    try {
      if (!asRoot && statSync(file).uid !== uid) continue;
      if (pidExists(pidInFile(file) ?? 0)) continue;
      rmSync(file, { force: true });
      report.files.push(file);
    } catch {
      // removed meanwhile
    }
  }
}

/**
 * The `--cleanup` command: cleans up (see {@link cleanupOrphans}) and says what it removed.
 * With `X11DOCKER_CLEANUP_SESSION` set (by a session's watcher), only that session folder.
 * @param cacheBase `--cachebasedir DIR`: DIR is looked at too (upstream's `--cleanup` regards it).
 * @returns exit code 0.
 */
export async function runCleanup(backend: Backend, cacheBase?: string): Promise<number> {
  const only = process.env[CLEANUP_ONLY_ENV] || undefined;
  const r = await cleanupOrphans(backend, only, cacheBase);
  const removed = r.sessions.length + r.containers.length + r.processes.length + r.files.length;
  if (r.elsewhere.length > 0) log.note(`--cleanup: ${r.elsewhere.length} container(s) or volume(s) of sessions started on another machine, boot or PID namespace left alone (run x11docker --cleanup there): ${r.elsewhere.join(', ')}.`);
  if (removed === 0) log.note(`--cleanup: nothing to remove${r.alive.length ? ` (${r.alive.length} running session(s) left alone)` : ''}.`);
  else {
    log.note(
      `--cleanup removed ${r.sessions.length} session folder(s), ${r.containers.length} container(s), ended ${r.processes.length} process(es), removed ${r.files.length} file(s)` +
        `${r.alive.length ? `; ${r.alive.length} running session(s) left alone` : ''}.`,
    );
    for (const x of [...r.sessions, ...r.containers.map((c) => `container ${c.slice(0, 12)}`), ...r.processes.map((p) => `pid ${p}`), ...r.files]) log.info(`removed ${x}`);
  }
  return 0;
}

/** Removes an empty folder; one that is not empty (not x11docker's alone) stays. */
function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or gone
  }
}
