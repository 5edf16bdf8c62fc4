/**
 * A `--html` session on a remote docker engine (src/plan/remote.ts): everything of the display
 * runs there, through the docker CLI in the user's environment (so `DOCKER_HOST=tcp://`,
 * `ssh://` with the user's ssh keys and config, and docker contexts all work as with `docker`):
 * 1. two volumes (the X socket; the cookie), filled by a short-lived container that reads the
 *    cookie on stdin;
 * 2. Xvfb in a hardened container, awaited with `xset q` and the session cookie;
 * 3. on this machine: websockify and the viewer as for a local `--html` (src/run/html.ts), its
 *    VNC target a UNIX socket in a private folder whose every connection is relayed to a fresh
 *    `docker exec -i` of a small stdio relay to x11vnc's UNIX socket in the display container's
 *    private /tmp (x11vnc itself started there with `docker exec -d`; the VNC stream travels inside the
 *    engine's own connection: no port is published on the engine's machine, no ssh tunnel);
 * 4. the app's container, created before the URL is printed and then started attached; its exit
 *    code is the session's.
 * Ctrl-C, SIGTERM, the app's end and any failure remove both containers, both volumes, the
 * helpers and the private folder.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import type { Options } from '../options/parse.js';
import { REMOTE_DISPLAY, remoteCommands, type RemoteCommands } from '../plan/remote.js';
import { encodeXauth, FamilyWild, MIT_MAGIC_COOKIE, newCookie } from '../xserver/xauth.js';
import { orphanSafe, startHtmlView } from './html.js';
import { REMOTE_FOLDER_PREFIX } from './remote-cleanup.js';
import { run, start } from './spawn.js';
import { STOP_EXIT, type StopReason } from './session.js';
import { waitUntil } from './wait.js';

/** A running remote session. */
export interface RemoteSession {
  /** The browser view's URL (password and token in the fragment). */
  readonly url: string;
  /** The engine's address, for messages. */
  readonly host: string;
  /** Resolves with the session's exit code once everything is removed: the app's, or 128 + signal. */
  readonly exited: Promise<number>;
}

/** How long Xvfb on the engine may take to accept the cookie, in ms (an engine over ssh is slow). */
const READY_TIMEOUT_MS = 30000;

/**
 * Starts a remote `--html` session (options checked by checkRemoteOptions before).
 * @param options the parsed options.
 * @param host the engine's address, for messages.
 * @param signal ends the session (Ctrl-C, SIGTERM, SIGHUP); the exit code is then 128 + signal.
 * The containers run as x11docker's uid:gid (as root: 1000:1000, never root there); the app has
 * `HOME=/tmp` and no passwd entry (x11docker's user set-up is not done on a remote engine yet).
 * @returns once the app's container runs and the view listens.
 * @throws X11DockerError (exit 64) with the engine's reason when an image is missing there or a
 *   step fails; nothing of the session is left then.
 */
export async function startRemoteSession(options: Options, host: string, signal: AbortSignal): Promise<RemoteSession> {
  const sessionId = randomBytes(6).toString('hex');
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  const c = remoteCommands({
    sessionId, pid: process.pid, xcImage: options.xc.image, image: options.image!, command: options.command,
    uid: uid === 0 ? 1000 : uid, gid: uid === 0 ? 1000 : gid, network: options.network, ...(options.size ? { size: options.size } : {}), clipboard: options.clipboard,
  });
  // (x11docker's pid in the name: --cleanup removes the folder once that pid is gone)
  const folder = mkdtempSync(join(tmpdir(), `${REMOTE_FOLDER_PREFIX}${process.pid}-`));
  let stopView: (() => Promise<void>) | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    await stopView?.();
    await docker(c.removeContainers, { reject: false });
    await docker(c.removeVolumes, { reject: false });
    rmSync(folder, { recursive: true, force: true });
  })());
  try {
    await checkImages(options, host);
    for (const v of c.volumes) await step('create a volume', v, host);
    const cookie = newCookie();
    await step('write the cookie', c.prepare, host, encodeXauth([{ family: FamilyWild, address: Buffer.alloc(0), number: String(REMOTE_DISPLAY), name: MIT_MAGIC_COOKIE, data: cookie }]));
    await step('start Xvfb', c.display, host);
    await waitUntil(async () => (await docker(c.ready, { reject: false })).exitCode === 0 || undefined, { what: `Xvfb on ${host}`, timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal })
      .catch(async (error: unknown) => {
        const logs = await docker(['logs', '--tail=3', c.names.display], { reject: false });
        throw new X11DockerError(`--html on the engine at ${host}: Xvfb did not accept connections (${lastLine(String(logs.stderr) || String(logs.stdout)) || 'no message'}).`, { cause: error });
      });
    const view = await startHtmlView({
      display: REMOTE_DISPLAY, authFile: '', sessionDir: folder, bind: options.html!, clipboard: options.clipboard, timeoutMs: 15000,
      vncRelay: async (socketPath, password) => {
        await step('write the VNC password', c.password, host, `${password}\n`);
        await step('start x11vnc', c.vncServer, host);
        await waitUntil(async () => (await docker(c.vncReady, { reject: false })).exitCode === 0 || undefined, { what: `x11vnc on ${host}`, timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal })
          .catch((error: unknown) => Promise.reject(new X11DockerError(`--html on the engine at ${host}: x11vnc did not make its socket.`, { cause: error })));
        return relay(socketPath, c);
      },
    });
    stopView = () => view.stop();
    if (signal.aborted) throw new X11DockerError('the session was ended before it started.');
    await step(`create the container of ${options.image!}`, c.app, host);
    // the app's output goes to stderr: stdout carries only x11docker's lines (HTML_URL=)
    // (setpriv --pdeathsig: after kill -9 of x11docker the CLI gets SIGTERM and passes it to the app)
    const app = start(...orphanSafe('docker', [...c.startApp]), { stdin: 'ignore', stdout: process.stderr, stderr: process.stderr });
    const onAbort = () => app.kill('SIGTERM');
    signal.addEventListener('abort', onAbort, { once: true });
    const exited = (async () => {
      const ended = await Promise.race([app.then((r) => ({ code: r.exitCode ?? 1 })), view.died.then((why) => ({ why }))]);
      signal.removeEventListener('abort', onAbort);
      if ('why' in ended) {
        log.error(ended.why);
        app.kill('SIGTERM');
      }
      await cleanup();
      if (signal.aborted) return STOP_EXIT[(signal.reason as StopReason) in STOP_EXIT ? (signal.reason as StopReason) : 'stop'];
      return 'why' in ended ? 64 : ended.code;
    })();
    log.note(`The app runs on the docker engine at ${host} and is shown in a browser at ${view.url}`);
    return { url: view.url, host, exited };
  } catch (error) {
    await cleanup();
    // a stop during the set-up is no failure of a step: its exit code is 128 + signal
    if (signal.aborted) throw new X11DockerError(`interrupted by ${String(signal.reason)}`, { exitCode: STOP_EXIT[signal.reason as StopReason] ?? STOP_EXIT.stop, cause: error });
    throw error;
  }
}

/** Runs `docker ARGS` in x11docker's environment (DOCKER_HOST, DOCKER_CONTEXT, ssh agent). */
function docker(args: readonly string[], options: { reject?: boolean; input?: Buffer | string } = {}) {
  return run('docker', args, { reject: options.reject ?? true, ...(options.input !== undefined ? { input: options.input } : {}) });
}

/**
 * One docker command of the session's set-up.
 * @throws X11DockerError with the engine's last line of stderr.
 */
async function step(what: string, args: readonly string[], host: string, input?: Buffer | string): Promise<void> {
  const r = await docker(args, { reject: false, ...(input !== undefined ? { input } : {}) });
  if (r.exitCode !== 0) throw new X11DockerError(`--html on the engine at ${host}: could not ${what} (${lastLine(String(r.stderr)) || `exit ${r.exitCode}`}).`);
}

/**
 * Both images must be on the engine already (a pull from a registry is the user's decision there).
 * @throws X11DockerError naming the missing image and how to load it.
 */
async function checkImages(options: Options, host: string): Promise<void> {
  for (const image of [options.xc.image, options.image!]) {
    const r = await docker(['image', 'inspect', '--format={{.Id}}', image], { reject: false });
    if (r.exitCode === 0) continue;
    if (/no such image/i.test(String(r.stderr))) throw new X11DockerError(`--html on the engine at ${host}: image ${image} is not there. Load it: docker save ${image} | DOCKER_HOST=${host} docker load${image === options.xc.image ? ' (x11docker-xserver is built by scripts/setup.sh)' : ''}.`);
    throw new X11DockerError(`The docker engine at ${host} does not answer (${lastLine(String(r.stderr)) || `exit ${r.exitCode}`}).`);
  }
}

/** The last non-empty line of a command's output. */
function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}

/**
 * The VNC relay: a UNIX socket (mode 0600, in the private folder) at `socketPath`; each
 * connection gets its own `docker exec -i DISPLAY python3 RELAY` to x11vnc's socket there,
 * ended when either side closes.
 * @returns once it listens, the function that closes it and ends every relayed x11vnc.
 */
async function relay(socketPath: string, c: RemoteCommands): Promise<() => Promise<void>> {
  const open = new Set<{ conn: Socket; child: ReturnType<typeof start> }>();
  const server: Server = createServer((conn) => {
    const child = start(...orphanSafe('docker', [...c.vnc]), { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, forceKillAfterDelay: 2000 });
    const entry = { conn, child };
    open.add(entry);
    conn.pipe(child.stdin!);
    child.stdout!.pipe(conn);
    child.stderr!.on('data', (d: Buffer) => log.debug(`x11vnc (remote): ${d.toString().trim()}`));
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
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...open].map(async ({ conn, child }) => {
      conn.destroy();
      child.kill('SIGTERM');
      await child.catch(() => undefined);
    }));
  };
}
