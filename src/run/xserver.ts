import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ResultPromise } from 'execa';
import { X11DockerError } from '../errors.js';
import { formatCommand, start } from './spawn.js';
import { xPaths } from '../xserver/display.js';
import { programOf, type DisplayLaunch, type ProcessSpec } from '../xserver/driver.js';
import { log } from '../log.js';
import { abortWhenSettled, waitUntil } from './wait.js';
import { sizeHostWindow } from './host-window.js';
import { authFromFile, cookieAuth, probeDisplay } from './x11-client.js';
import { engineEnvironment } from './engine.js';

/** One started process of a display. */
export interface RunningProcess {
  readonly spec: ProcessSpec;
  readonly process: ResultPromise;
  /** Resolves when the process has ended, for whatever reason. */
  readonly ended: Promise<void>;
}

/** A running display (X server and helpers) started by x11docker. */
export interface RunningXServer {
  readonly display: number;
  /** The essential process whose end ended the display (after `ended`), else the first one. */
  readonly process: ResultPromise;
  /** The same process with its spec (its role and binary, whether it is a client of the user's display). */
  readonly endedProcess: RunningProcess | undefined;
  /** Every started process, in start order. */
  readonly processes: readonly RunningProcess[];
  /** Resolves when an essential process has ended. */
  readonly ended: Promise<void>;
  /**
   * Stops every process in reverse start order (SIGTERM, then SIGKILL after {@link STOP_GRACE_MS})
   * and removes the display's lock file and socket if its server left them.
   */
  stop(): Promise<void>;
}

/** How long a display process gets after SIGTERM before execa sends SIGKILL, in ms. */
export const STOP_GRACE_MS = 2000;

/** Thrown when the display was taken by someone else between our check and the server's start. */
export class DisplayInUseError extends X11DockerError {}

/** How to run the display's processes. */
export interface XServerLaunch {
  /** Run as this uid/gid (when x11docker runs as root for another host user). */
  readonly uid?: number;
  readonly gid?: number;
  /** Base environment (PATH, HOME, USER); DISPLAY/XAUTHORITY are added per process. */
  readonly env: NodeJS.ProcessEnv;
  /** The user's display and its authority file, for processes with `connectsTo: 'host'`. */
  readonly hostDisplay?: string;
  readonly hostXauthority?: string;
  /** Client authority file of the new display, for processes with `connectsTo: 'new'`. */
  readonly clientAuthFile: string;
  /** The session cookie (16 bytes), for `x11` readiness. */
  readonly cookie: Buffer;
  /** How long each process may take to become ready, in ms. */
  readonly timeoutMs: number;
  /** Called with the server's pid as soon as it is spawned (to record it for `--cleanup`). */
  readonly onSpawn?: (pid: number | undefined) => void;
}

/**
 * Starts a display: writes the launch's files (mode 0600), then starts its processes in order,
 * each after the previous one is ready (see the design comment in src/xserver/driver.ts). If a
 * process fails or times out, everything started so far is stopped before the error is thrown.
 * @param display the display number `:N` the launch was planned for.
 * @throws DisplayInUseError when the server finds its display taken; X11DockerError otherwise.
 */
export async function startDisplay(display: number, launch: DisplayLaunch, how: XServerLaunch): Promise<RunningXServer> {
  for (const f of launch.files) {
    mkdirSync(dirname(f.path), { recursive: true, mode: 0o700 });
    writeFileSync(f.path, f.content, { mode: 0o600 });
    if (how.uid !== undefined && how.gid !== undefined) chownSync(f.path, how.uid, how.gid);
  }
  const started: RunningProcess[] = [];
  let endedBy: RunningProcess | undefined;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  let stopping = false;
  const server: RunningXServer = {
    display,
    get process() {
      return (endedBy ?? started.find((p) => p.spec.essential) ?? started[0])!.process;
    },
    get endedProcess() {
      return endedBy ?? started.find((p) => p.spec.essential) ?? started[0];
    },
    processes: started,
    ended,
    stop: async () => {
      stopping = true;
      for (const p of [...started].reverse()) await stopProcess(p);
      const owner = started.find((p) => p.spec.ownsDisplay);
      if (owner) removeLeftovers(display, owner.process.pid);
    },
  };
  for (const spec of launch.processes) {
    let proc: RunningProcess;
    try {
      proc = await startOne(display, spec, how);
    } catch (error) {
      await server.stop();
      throw error;
    }
    started.push(proc);
    if (spec.essential) {
      void proc.ended.then(() => {
        if (stopping) return;
        endedBy ??= proc;
        log.info(`${spec.role} ${programOf(spec)} of :${display} ended`);
        markEnded();
      });
    }
  }
  if (launch.hostWindow && how.hostDisplay) await sizeWindow(display, launch.hostWindow, how);
  return server;
}

/** Sizes the server's window on the user's display (DisplayLaunch.hostWindow); a note when that fails. */
async function sizeWindow(display: number, want: NonNullable<DisplayLaunch['hostWindow']>, how: XServerLaunch): Promise<void> {
  const host = { display: how.hostDisplay!, auth: authFromFile(how.hostDisplay!, how.hostXauthority) };
  const t0 = Date.now();
  try {
    const resized = await sizeHostWindow(host, { display: `:${display}`, auth: cookieAuth(how.cookie) }, want, Math.min(how.timeoutMs, 5000));
    log.info(`window of :${display} on ${host.display}: ${resized ? `resized to ${want.width}x${want.height}` : 'has its size'} (${Date.now() - t0} ms)`);
  } catch (e) {
    log.note(`The window of :${display} could not be sized to ${want.width}x${want.height} on your display (${(e as Error).message}).`);
  }
}

/**
 * SIGTERM; execa sends SIGKILL after the process's `forceKillAfterDelay` ({@link STOP_GRACE_MS});
 * resolves when the process is gone.
 */
async function stopProcess(p: RunningProcess): Promise<void> {
  const child = p.process;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await p.ended;
}

/** Environment of one process: the base plus DISPLAY/XAUTHORITY of the display it talks to. */
function processEnv(display: number, spec: ProcessSpec, how: XServerLaunch): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...how.env };
  // (an --xc container gets its DISPLAY and XAUTHORITY on its argv, src/plan/xcontainer.ts)
  if (spec.container) return { ...env, ...engineEnvironment() };
  if (spec.connectsTo === 'host') Object.assign(env, { DISPLAY: how.hostDisplay, XAUTHORITY: how.hostXauthority });
  if (spec.connectsTo === 'new') Object.assign(env, { DISPLAY: `:${display}`, XAUTHORITY: how.clientAuthFile });
  return { ...env, ...spec.env };
}

/** Starts one process and waits until it is ready. */
async function startOne(display: number, spec: ProcessSpec, how: XServerLaunch): Promise<RunningProcess> {
  const displayfd = spec.ready.kind === 'displayfd';
  const args = displayfd ? [...spec.args, '-displayfd', '3'] : [...spec.args];
  const child = start(spec.binary, args, {
    stdio: ['ignore', 'pipe', 'pipe', ...(displayfd ? (['pipe'] as const) : [])],
    env: processEnv(display, spec, how),
    extendEnv: false,
    cwd: spec.cwd,
    // an --xc container's CLI runs as x11docker (the container has the host user's uid:gid)
    uid: spec.container ? undefined : how.uid,
    gid: spec.container ? undefined : how.gid,
    buffer: { stdout: false, stderr: false, ...(displayfd ? { fd3: false } : {}) },
    forceKillAfterDelay: STOP_GRACE_MS,
  } as Parameters<typeof start>[2]);
  how.onSpawn?.(child.pid);
  const ended = child.then(() => undefined, () => undefined);
  const proc: RunningProcess = { spec, process: child, ended };
  // With -displayfd the server writes no lock file of its own; x11docker writes it for the server
  // (format of Xserver's LockServer(): the pid as "%10d\n"), with O_EXCL, so that other programs
  // see the display as taken and a concurrent start fails here instead of sharing the display.
  // (an --xc server writes its lock file inside its container: x11docker writes the host's for its CLI)
  const lockTaken = spec.ownsDisplay && (displayfd || spec.container) ? writeLockFile(display, child.pid, how) : true;
  let output = '';
  const onData = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
    void ended.then(() => resolve('exited'));
    timer = setTimeout(() => resolve('timeout'), how.timeoutMs);
    const r = spec.ready;
    if (r.kind === 'displayfd') {
      let out = '';
      (child.stdio[3] as NodeJS.ReadableStream | undefined)?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve('ready');
      });
    } else if (r.kind === 'line') {
      const check = () => {
        if (r.pattern.test(output)) resolve('ready');
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
    } else if (r.kind === 'path' || r.kind === 'x11') {
      const check = r.kind === 'path' ? () => existsSync(r.path) : async () => (await probeDisplay(`:${display}`, cookieAuth(how.cookie), 2000)) === undefined;
      waitUntil(check, { what: `${programOf(spec)} to accept connections`, signal: abortWhenSettled(ended, 'ended') }).then(() => resolve('ready'), () => undefined);
    } else if (child.pid !== undefined) {
      resolve('ready'); // started is enough; a binary that could not be spawned has no pid and ends at once
    }
  });
  const outcome: 'ready' | 'exited' | 'timeout' | 'locked' = lockTaken ? await ready : 'locked';
  clearTimeout(timer);
  // keep draining the pipes so that a chatty helper never blocks on a full pipe
  child.stdout?.resume();
  child.stderr?.resume();
  if (outcome === 'ready') {
    log.info(`${spec.role} ${programOf(spec)} for :${display} is ready (pid ${child.pid}${spec.container ? `, container ${spec.container.name}` : ''})`);
    return proc;
  }
  await stopProcess(proc);
  if (spec.ownsDisplay) removeLeftovers(display, child.pid);
  const why = output
    .trim()
    .split('\n')
    .map((l) => l.replace(/^\((EE|WW|II)\)\s*|\s*\((EE|WW|II)\)$/g, '').replace(/^\d{4}-\d\d-\d\d [\d:,]+ /, '').trim())
    // (nxagent ends with two 'Session: ... at DATE' lines after the reason)
    .filter((l) => l && !/^(_XSERVTransmkdir|Please consult|at http|for help|Fatal server error:?$|Warning: running as root|Session: )/i.test(l))
    .slice(-2)
    .join(' / ');
  if (spec.ownsDisplay && (outcome === 'locked' || /already active|Cannot establish any listening sockets|server already running|is already in use/i.test(output))) {
    throw new DisplayInUseError(`${programOf(spec)} :${display}: display is in use (${why || (outcome === 'locked' ? `its lock file ${xPaths(display).lock} could not be created: something is already there` : 'no message')})`);
  }
  if (outcome === 'timeout') {
    throw new X11DockerError(`${spec.role} ${programOf(spec)} for :${display} was not ready after ${how.timeoutMs} ms${log.showsLog ? '' : '. Run with --verbose for its output'}; command: ${formatCommand(spec.binary, args)}`);
  }
  throw new X11DockerError(`${spec.role} ${programOf(spec)}${spec.container ? ` (container of --xc)` : ''} for :${display} failed to start (${why || 'no message'})${log.showsLog ? '' : '. Run with --verbose for details'}.`);
}

/** Creates `/tmp/.X<n>-lock` for the server `pid`; false when the file exists already. */
function writeLockFile(n: number, pid: number | undefined, how: XServerLaunch): boolean {
  const { lock } = xPaths(n);
  try {
    writeFileSync(lock, `${String(pid ?? 0).padStart(10)}\n`, { flag: 'wx', mode: 0o444 });
    if (how.uid !== undefined && how.gid !== undefined) chownSync(lock, how.uid, how.gid);
    return true;
  } catch {
    return false;
  }
}

/** Removes the lock file and socket of display `n` if the lock names our server's pid (never another's). */
function removeLeftovers(n: number, pid: number | undefined): void {
  const p = xPaths(n);
  try {
    const owner = Number(readFileSync(p.lock, 'utf8').trim());
    if (pid !== undefined && owner === pid) {
      rmSync(p.lock, { force: true });
      rmSync(p.socket, { force: true });
    }
  } catch {
    // no lock file: the server cleaned up itself
  }
}
