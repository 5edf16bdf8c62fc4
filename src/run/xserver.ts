import { chownSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ResultPromise } from 'execa';
import { X11DockerError } from '../errors.js';
import { formatCommand, start } from './spawn.js';
import { xPaths } from '../xserver/display.js';
import type { XServerContext, XServerDriver } from '../xserver/driver.js';
import { log } from '../log.js';

/** A running X server started by x11docker. */
export interface RunningXServer {
  readonly display: number;
  readonly process: ResultPromise;
  /** Resolves when the server process has ended, for whatever reason. */
  readonly ended: Promise<void>;
  /** Ends the server (SIGTERM, then SIGKILL after `graceMs`) and removes its lock and socket if it left them. */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown when the display was taken by someone else between our check and the server's start. */
export class DisplayInUseError extends X11DockerError {}

/** How to run the server process. */
export interface XServerLaunch {
  /** Run as this uid/gid (when x11docker runs as root for another host user). */
  readonly uid?: number;
  readonly gid?: number;
  /** Environment for the server (DISPLAY/XAUTHORITY of the user's display for nested servers). */
  readonly env: NodeJS.ProcessEnv;
  /** How long to wait for readiness, in ms. */
  readonly timeoutMs: number;
  /** Called with the server's pid as soon as it is spawned (to record it for `--cleanup`). */
  readonly onSpawn?: (pid: number | undefined) => void;
}

/**
 * Starts an X server and waits until it accepts connections. Readiness is reported by the server
 * itself through `-displayfd 3` (Xserver(1): it writes the display number once it is ready), so
 * nothing is slept for. If the server fails or times out, it is killed before the error is thrown.
 * @throws DisplayInUseError when the server finds its display taken; X11DockerError otherwise.
 */
export async function startXServer(driver: XServerDriver, ctx: XServerContext, launch: XServerLaunch): Promise<RunningXServer> {
  const binary = driver.binary!;
  const args = [...driver.serverArgs(ctx), '-displayfd', '3'];
  const child = start(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: launch.env,
    extendEnv: false,
    uid: launch.uid,
    gid: launch.gid,
    buffer: { stdout: false, stderr: true, fd3: false },
  } as Parameters<typeof start>[2]);
  launch.onSpawn?.(child.pid);
  const ended = child.then(() => undefined, () => undefined);
  // With -displayfd the server writes no lock file of its own; x11docker writes it for the server
  // (format of Xserver's LockServer(): the pid as "%10d\n"), with O_EXCL, so that other programs
  // see the display as taken and a concurrent start fails here instead of sharing the display.
  const lockTaken = writeLockFile(ctx.display, child.pid, launch);
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString()).slice(-4000);
  });

  const displayfd = child.stdio[3] as NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<'ready' | 'exited' | 'timeout' | 'locked'>((resolve) => {
    let out = '';
    displayfd?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve('ready');
    });
    void ended.then(() => resolve('exited'));
    timer = setTimeout(() => resolve('timeout'), launch.timeoutMs);
  });
  const outcome = lockTaken ? await ready : 'locked';
  clearTimeout(timer);

  const server: RunningXServer = {
    display: ctx.display,
    process: child,
    ended,
    stop: async (graceMs = 2000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await ended;
        clearTimeout(killer);
      }
      removeLeftovers(ctx.display, child.pid);
    },
  };
  if (outcome === 'ready') {
    log.info(`${binary} :${ctx.display} is ready (pid ${child.pid})`);
    return server;
  }
  await server.stop(500);
  const why = stderrTail
    .trim()
    .split('\n')
    .map((l) => l.replace(/^\((EE|WW|II)\)\s*|\s*\((EE|WW|II)\)$/g, '').trim())
    .filter((l) => l && !/^(_XSERVTransmkdir|Please consult|at http|for help|Fatal server error:?$)/i.test(l))
    .slice(-2)
    .join(' / ');
  if (outcome === 'locked' || /already active|Cannot establish any listening sockets|server already running/i.test(stderrTail)) {
    throw new DisplayInUseError(`${binary} :${ctx.display}: display is in use (${why})`);
  }
  if (outcome === 'timeout') {
    throw new X11DockerError(`X server ${binary} :${ctx.display} did not accept connections after ${launch.timeoutMs} ms. Run with --verbose; command: ${formatCommand(binary, args)}`);
  }
  throw new X11DockerError(`X server ${binary} :${ctx.display} failed to start (${why || 'no message'}). Run with --verbose for details.`);
}

/** Creates `/tmp/.X<n>-lock` for the server `pid`; false when the file exists already. */
function writeLockFile(n: number, pid: number | undefined, launch: XServerLaunch): boolean {
  const { lock } = xPaths(n);
  try {
    writeFileSync(lock, `${String(pid ?? 0).padStart(10)}\n`, { flag: 'wx', mode: 0o444 });
    if (launch.uid !== undefined && launch.gid !== undefined) chownSync(lock, launch.uid, launch.gid);
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
