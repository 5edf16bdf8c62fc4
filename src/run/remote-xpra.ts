/**
 * `--xpra` on a remote engine, the part on this machine and the server it reaches
 * (src/plan/remote.ts has the commands): the xpra server starts on the display in the display
 * container there (`docker exec -d`); here a UNIX socket in the session's private folder relays
 * each connection through `docker exec -i` to the server's socket (src/run/remote-docker.ts), and
 * `xpra attach` runs on the user's display as the host user with the options of a local
 * `--xpra`'s client (src/xserver/xpra.ts), its HOME the private folder. No port is published
 * there and no ssh tunnel is made.
 */
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import type { RemoteXpraCommands } from '../plan/remote.js';
import { XPRA_ENV, xpraClientArgs } from '../xserver/xpra.js';
import { orphanSafe } from './html.js';
import { docker, execRelay, lastLine, step } from './remote-docker.js';
import { start } from './spawn.js';
import { abortWhenSettled, waitUntil } from './wait.js';

/** What {@link startXpraView} needs. */
export interface XpraViewOptions {
  readonly commands: RemoteXpraCommands;
  /** The session's private folder here (mode 0700): the relay's socket, the client's HOME. */
  readonly folder: string;
  /** The start of error messages, e.g. `--xpra on the engine at tcp://box:2375`. */
  readonly where: string;
  /** Ends the waits (Ctrl-C, SIGTERM). */
  readonly signal: AbortSignal;
  readonly desktop: boolean;
  readonly fullscreen: boolean;
  readonly clipboard: boolean;
  /** `--scale` and `--border`, for the client (as a local `--xpra`'s). */
  readonly scale?: number;
  readonly border?: string;
  /** The user's display (`DISPLAY`) and its cookie file. */
  readonly display: string;
  readonly xauthority?: string;
  /** The host user: the client's USER and LOGNAME; `drop` when x11docker runs as root for another user. */
  readonly user: { readonly name: string; readonly uid: number; readonly gid: number };
  readonly drop: boolean;
  /** How long the server may take to be ready, and the client to attach, in ms each. */
  readonly timeoutMs: number;
}

/** A running remote xpra view. */
export interface XpraView {
  /** Resolves when the client ends by itself: with its message, and whether that is a failure (killed by a signal). */
  readonly died: Promise<{ readonly message: string; readonly failed: boolean }>;
  /** Ends the client, then the relay with its connections. */
  stop(): Promise<void>;
}

/**
 * Starts the xpra server there, the relay here and the client on the user's display; resolves
 * once the client printed `Attached to`.
 * @throws X11DockerError when the server is not ready or the client does not attach in time
 *   (with their last line); what it started here is ended then (the server ends with its
 *   container, which the caller removes).
 */
export async function startXpraView(o: XpraViewOptions): Promise<XpraView> {
  const c = o.commands;
  await step('start the xpra server', c.server, o.where);
  await waitUntil(async () => (await docker(c.ready, { reject: false })).exitCode === 0 || undefined, { what: 'the xpra server', timeoutMs: o.timeoutMs, intervalMs: 250, signal: o.signal })
    .catch(async (error: unknown) => {
      if (o.signal.aborted) throw error;
      const out = await docker(c.log, { reject: false });
      throw new X11DockerError(`${o.where}: the xpra server did not start (${lastLine(String(out.stdout)) || lastLine(String(out.stderr)) || 'no message'}).`, { cause: error });
    });
  const owner = o.drop ? { uid: o.user.uid, gid: o.user.gid } : undefined;
  if (owner) chownSync(o.folder, owner.uid, owner.gid);
  const socket = join(o.folder, 'xpra.sock');
  const closeRelay = await execRelay(socket, c.relay, 'xpra', owner);
  const args = xpraClientArgs({
    socket, socketDir: o.folder, desktop: o.desktop, fullscreen: o.fullscreen, clipboard: o.clipboard,
    ...(o.scale !== undefined ? { scale: o.scale } : {}), ...(o.border !== undefined ? { border: o.border } : {}),
  });
  // (setpriv --pdeathsig: the client ends with x11docker, also after kill -9)
  const client = start(...orphanSafe('xpra', args), {
    stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, cwd: o.folder, forceKillAfterDelay: 3000,
    env: {
      PATH: process.env.PATH, HOME: o.folder, USER: o.user.name, LOGNAME: o.user.name, DISPLAY: o.display,
      ...(o.xauthority ? { XAUTHORITY: o.xauthority } : {}), ...XPRA_ENV,
    },
    extendEnv: false,
    ...(owner ?? {}),
  });
  let stopping = false;
  let attached = false;
  let tail = '';
  const read = (d: Buffer) => {
    const text = d.toString();
    tail = (tail + text).slice(-2000);
    if (/Attached to/.test(text)) attached = true;
    for (const line of text.split('\n').filter((l) => l.trim())) log.debug(`xpra client: ${line.trim()}`);
  };
  client.stdout!.on('data', read);
  client.stderr!.on('data', read);
  const stop = async () => {
    stopping = true;
    client.kill('SIGTERM');
    await client.catch(() => undefined);
    await closeRelay();
  };
  try {
    const ended = abortWhenSettled(client, new X11DockerError('the xpra client ended'));
    await waitUntil(() => attached, { what: 'the xpra client to attach', timeoutMs: o.timeoutMs, intervalMs: 50, signal: AbortSignal.any([o.signal, ended]) });
  } catch (error) {
    await stop();
    if (o.signal.aborted) throw error;
    throw new X11DockerError(`${o.where}: the xpra client here did not attach to the server there (${lastLine(tail) || 'no message'}).`, { cause: error });
  }
  // as a local --xpra's client (src/run/session.ts): an exit is its window closed (xpra 3.1
  // exits with 128 + signal when it is ended: also a close); killed by a signal, it crashed
  const died = new Promise<{ message: string; failed: boolean }>((resolve) => {
    void client.then((r) => {
      if (stopping) return;
      if (r.signal) resolve({ message: `the xpra client on your display ${o.display} ended unexpectedly (signal ${r.signal}${lastLine(tail) ? `: ${lastLine(tail)}` : ''}); the container was stopped.`, failed: true });
      else resolve({ message: `the xpra client on your display ${o.display} was closed (exit ${r.exitCode}); ending the session.`, failed: false });
    });
  });
  return { died, stop };
}
