/**
 * The docker CLI of a remote session (src/run/remote.ts), in x11docker's environment (so
 * `DOCKER_HOST`, `DOCKER_CONTEXT`, TLS variables and the user's ssh keys and config work as with
 * `docker`), and the relay that carries a display's stream through the engine's own connection:
 * a UNIX socket here whose every connection becomes one `docker exec -i` of a stdio relay to a
 * UNIX socket in the display container there (x11vnc's for `--html`, the xpra server's for
 * `--xpra`).
 */
import { chmodSync, chownSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { orphanSafe } from './html.js';
import { run, start } from './spawn.js';

/** Runs `docker ARGS` in x11docker's environment (DOCKER_HOST, DOCKER_CONTEXT, ssh agent). */
export function docker(args: readonly string[], options: { reject?: boolean; input?: Buffer | string } = {}) {
  return run('docker', args, { reject: options.reject ?? true, ...(options.input !== undefined ? { input: options.input } : {}) });
}

/**
 * One docker command of a remote session's set-up.
 * @param what what it does, for the message (`start Xvfb`).
 * @param args the docker CLI's arguments.
 * @param where the start of the message, e.g. `--xpra on the engine at tcp://box:2375`.
 * @param input written to the command's stdin.
 * @throws X11DockerError with the engine's last line of stderr.
 */
export async function step(what: string, args: readonly string[], where: string, input?: Buffer | string): Promise<void> {
  const r = await docker(args, { reject: false, ...(input !== undefined ? { input } : {}) });
  if (r.exitCode !== 0) throw new X11DockerError(`${where}: could not ${what} (${lastLine(String(r.stderr)) || `exit ${r.exitCode}`}).`);
}

/** The last non-empty line of a command's output. */
export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}

/**
 * The relay: a UNIX socket at `socketPath` (mode 0600; its folder must be private); each
 * connection gets its own `docker exec -i CONTAINER python3 RELAY SOCKET` (`execArgs`), ended
 * when either side closes. x11docker's death ends those CLIs too (`setpriv --pdeathsig`).
 * @param socketPath where to listen.
 * @param execArgs the docker CLI's arguments of one relayed connection.
 * @param what the server there, for `--debug` lines (`x11vnc`, `xpra`).
 * @param owner uid and gid to give the socket (the host user's, when x11docker runs as root and
 *   the client here runs as that user).
 * @returns once it listens, the function that closes it and ends every relayed connection.
 */
export async function execRelay(socketPath: string, execArgs: readonly string[], what: string, owner?: { readonly uid: number; readonly gid: number }): Promise<() => Promise<void>> {
  const open = new Set<{ conn: Socket; child: ReturnType<typeof start> }>();
  const server: Server = createServer((conn) => {
    const child = start(...orphanSafe('docker', [...execArgs]), { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, forceKillAfterDelay: 2000 });
    const entry = { conn, child };
    open.add(entry);
    conn.pipe(child.stdin!);
    child.stdout!.pipe(conn);
    child.stderr!.on('data', (d: Buffer) => log.debug(`${what} (remote): ${d.toString().trim()}`));
    child.stdin!.on('error', () => undefined);
    conn.on('error', () => undefined);
    conn.on('close', () => child.kill('SIGTERM'));
    void child.then(() => {
      open.delete(entry);
      conn.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  if (owner) chownSync(socketPath, owner.uid, owner.gid);
  return async () => {
    // (close waits for open connections: they are ended at once)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...open].map(async ({ conn, child }) => {
      conn.destroy();
      child.kill('SIGTERM');
      await child.catch(() => undefined);
    }));
    await closed;
  };
}
