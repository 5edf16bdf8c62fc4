/**
 * A `--html` or `--xpra` session on a remote docker engine (src/plan/remote.ts): everything of
 * the display runs there, through the docker CLI in the user's environment (so
 * `DOCKER_HOST=tcp://`, `ssh://` with the user's ssh keys and config, and docker contexts all
 * work as with `docker`, src/run/remote-docker.ts):
 * 1. two volumes (the X socket; the cookie), filled by a short-lived container that reads the
 *    cookie on stdin;
 * 2. Xvfb in a hardened container, awaited with `xset q` and the session cookie;
 * 3. the view, on a server in that container reached through a relay here: a UNIX socket in a
 *    private folder whose every connection becomes a fresh `docker exec -i` of a small stdio
 *    relay to the server's UNIX socket in the display container's private /tmp (the stream
 *    travels inside the engine's own connection: no port is published on the engine's machine,
 *    no ssh tunnel):
 *    - `--html`: x11vnc there (`docker exec -d`); websockify and the viewer here as for a local
 *      `--html` (src/run/html.ts), their VNC target the relay;
 *    - `--xpra`: an xpra server there; `xpra attach` of the relay on the user's display here, as
 *      the host user (src/run/remote-xpra.ts);
 * 4. the app's container, created once the view runs and then started attached; its exit code is
 *    the session's.
 * Ctrl-C, SIGTERM, the app's end, the view's end and any failure remove both containers, both
 * volumes, the helpers and the private folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X11DockerError } from '../errors.js';
import { findBinaries } from '../host/facts.js';
import { resolveHostUser } from '../host/user.js';
import { log } from '../log.js';
import type { Options } from '../options/parse.js';
import { REMOTE_DISPLAY, remoteApp, remoteCommands, remoteView, type RemoteHtmlCommands, type RemoteView } from '../plan/remote.js';
import { planSession, type SessionPlan } from '../plan/plan.js';
import { clipboardWarning } from '../plan/display.js';
import { hostProbe } from '../plan/probe.js';
import { gatherHostFacts } from '../host/facts.js';
import { hostIdentity } from '../host/identity.js';
import { encodeXauth, FamilyWild, MIT_MAGIC_COOKIE, newCookie } from '../xserver/xauth.js';
import { orphanSafe, startHtmlView } from './html.js';
import { REMOTE_FOLDER_PREFIX } from './remote-cleanup.js';
import { docker, execRelay, lastLine, step } from './remote-docker.js';
import { startXpraView } from './remote-xpra.js';
import { start } from './spawn.js';
import { STOP_EXIT, type StopReason } from './session.js';
import { waitUntil } from './wait.js';

/** A running remote session. */
export interface RemoteSession {
  /** How it is seen here. */
  readonly view: RemoteView;
  /** `--html`: the browser view's URL (password and token in the fragment). */
  readonly url?: string;
  /** The engine's address, for messages. */
  readonly host: string;
  /** Resolves with the session's exit code once everything is removed: the app's, or 128 + signal. */
  readonly exited: Promise<number>;
}

/** How long Xvfb, x11vnc or the xpra server on the engine may take to be ready, and the xpra client to attach, in ms (an engine over ssh is slow). */
const READY_TIMEOUT_MS = 30000;

/** The view of a running session here: how to end it, and its own end. */
interface ViewHandle {
  readonly url?: string;
  /** Resolves when the view ends by itself: its message, and whether that is a failure (exit 64; else exit 0). */
  readonly died: Promise<{ readonly message: string; readonly failed: boolean }>;
  stop(): Promise<void>;
}

/**
 * Starts a remote `--html` or `--xpra` session (options checked by checkRemoteOptions before).
 * @param options the parsed options.
 * @param host the engine's address, for messages.
 * @param signal ends the session (Ctrl-C, SIGTERM, SIGHUP); the exit code is then 128 + signal.
 * The containers run as the plan's container user (`--user`, `--hostuser`, else the host user, as
 * a local session); the app gets the plan's environment (`--env`, `--lang`, USER, HOME, ...),
 * `--workdir` and a private tmpfs HOME, but no passwd entry (x11docker writes nothing into the
 * container on a remote engine).
 * @param plan the session's plan ({@link planRemote}), its warnings and notes already printed.
 * @returns once the app's container runs and the view listens (`--html`) or is attached (`--xpra`).
 * @throws X11DockerError (exit 64) with the engine's reason when an image is missing there or a
 *   step fails, and for `--xpra` without DISPLAY or xpra here; nothing of the session is left then.
 */
export async function startRemoteSession(options: Options, plan: SessionPlan, host: string, signal: AbortSignal): Promise<RemoteSession> {
  const kind = remoteView(options) ?? 'html';
  const where = `--${kind} on the engine at ${host}`;
  // --xpra: the client runs here, on the user's display, as the host user (checked before anything starts)
  const here = kind === 'xpra' ? await xpraHere(options) : undefined;
  const sessionId = randomBytes(6).toString('hex');
  const { uid, gid, command, ...app } = remoteApp(plan);
  const c = remoteCommands({
    sessionId, pid: process.pid, hostId: hostIdentity(), xcImage: options.xc.image, image: options.image!, command,
    uid, gid, app, network: options.network, ...(options.size ? { size: options.size } : {}), clipboard: options.clipboard,
    view: kind, desktop: options.desktop, ...(options.integration.dpi !== undefined ? { dpi: options.integration.dpi } : {}),
  });
  // (x11docker's pid in the name: --cleanup removes the folder once that pid is gone)
  const folder = mkdtempSync(join(tmpdir(), `${REMOTE_FOLDER_PREFIX}${process.pid}-`));
  let view: ViewHandle | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    await view?.stop();
    await docker(c.removeContainers, { reject: false });
    await docker(c.removeVolumes, { reject: false });
    rmSync(folder, { recursive: true, force: true });
  })());
  try {
    await checkImages(options, host, where);
    for (const v of c.volumes) await step('create a volume', v, where);
    const cookie = newCookie();
    await step('write the cookie', c.prepare, where, encodeXauth([{ family: FamilyWild, address: Buffer.alloc(0), number: String(REMOTE_DISPLAY), name: MIT_MAGIC_COOKIE, data: cookie }]));
    await step('start Xvfb', c.display, where);
    await waitUntil(async () => (await docker(c.ready, { reject: false })).exitCode === 0 || undefined, { what: `Xvfb on ${host}`, timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal })
      .catch(async (error: unknown) => {
        const logs = await docker(['logs', '--tail=3', c.names.display], { reject: false });
        throw new X11DockerError(`${where}: Xvfb did not accept connections (${lastLine(String(logs.stderr) || String(logs.stdout)) || 'no message'}).`, { cause: error });
      });
    if (c.view.kind === 'html') {
      view = await htmlView(options, c.view, folder, where, signal);
    } else {
      const xpra = await startXpraView({
        commands: c.view, folder, where, signal, desktop: options.desktop, fullscreen: options.fullscreen, clipboard: options.clipboard,
        ...(options.screen.scale !== undefined ? { scale: options.screen.scale } : {}), ...(options.screen.border !== undefined ? { border: options.screen.border } : {}),
        ...here!, timeoutMs: READY_TIMEOUT_MS,
      });
      view = xpra;
    }
    if (signal.aborted) throw new X11DockerError('the session was ended before it started.');
    await step(`create the container of ${options.image!}`, c.app, where);
    // the app's output goes to stderr: stdout carries only x11docker's lines (HTML_URL=)
    // (setpriv --pdeathsig: after kill -9 of x11docker the CLI gets SIGTERM and passes it to the app)
    const app = start(...orphanSafe('docker', [...c.startApp]), { stdin: 'ignore', stdout: process.stderr, stderr: process.stderr });
    const onAbort = () => app.kill('SIGTERM');
    signal.addEventListener('abort', onAbort, { once: true });
    const viewDied = view.died;
    const exited = (async () => {
      const ended = await Promise.race([app.then((r) => ({ code: r.exitCode ?? 1 })), viewDied.then((why) => ({ why }))]);
      signal.removeEventListener('abort', onAbort);
      if ('why' in ended) {
        if (ended.why.failed) log.error(ended.why.message);
        else log.note(`${ended.why.message[0]!.toUpperCase()}${ended.why.message.slice(1)}`);
        app.kill('SIGTERM');
      }
      await cleanup();
      if (signal.aborted) return STOP_EXIT[(signal.reason as StopReason) in STOP_EXIT ? (signal.reason as StopReason) : 'stop'];
      // (a view closed by the user ends the session without error, as a local --xpra's client window)
      if ('why' in ended) return ended.why.failed ? 64 : 0;
      return ended.code;
    })();
    if (view.url !== undefined) log.note(`The app runs on the docker engine at ${host} and is shown in a browser at ${view.url}`);
    else log.note(`The app runs on the docker engine at ${host} and is shown with xpra on your display ${here!.display}. Press Ctrl-C (or send SIGTERM to ${process.pid}) to end it.`);
    return { view: kind, ...(view.url !== undefined ? { url: view.url } : {}), host, exited };
  } catch (error) {
    await cleanup();
    // a stop during the set-up is no failure of a step: its exit code is 128 + signal
    if (signal.aborted) throw new X11DockerError(`interrupted by ${String(signal.reason)}`, { exitCode: STOP_EXIT[signal.reason as StopReason] ?? STOP_EXIT.stop, cause: error });
    throw error;
  }
}

/**
 * Plans a remote session as a local one whose display is Xvfb in an `--xc` container (as
 * src/kube-manifest.ts plans a pod): the same checks, container user, environment, notes and
 * isolation warnings (`--network`, `--html=0.0.0.0:PORT`, `--clipboard`, `--user=root`, ...)
 * as a local session; the caller prints them (log.ts reportPlan) before anything starts. The
 * image is not inspected here (its USER, WORKDIR and ENV apply on the engine as usual).
 * @param options parsed options, checked by checkRemoteOptions.
 * @throws X11DockerError (exit 64) for every error of planning (as planSession).
 */
export async function planRemote(options: Options): Promise<SessionPlan> {
  // --xpra's client runs here: its DISPLAY and xpra are checked before any warning is printed
  if (remoteView(options) === 'xpra') xpraClientCheck();
  // the display is Xvfb from the X server image, on the engine: its binaries count as present
  const remoteOptions: Options = { ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } };
  const hostFacts = await gatherHostFacts(remoteOptions, hostProbe(remoteOptions));
  // --html: x11vnc runs there (the --xc image), websockify here
  const facts = options.html ? { ...hostFacts, binaries: new Set([...hostFacts.binaries, 'x11vnc']) } : hostFacts;
  const noImageConfig = { id: '', user: '', workingDir: '', entrypoint: [], cmd: [], env: [] };
  // --clipboard: shared by the view there (x11vnc, the xpra server), not by a synchroniser here: planned
  // without it, with the local session's warning
  const planned0 = planSession({ ...remoteOptions, clipboard: false }, { ...facts, xcImage: true, engine: undefined }, noImageConfig);
  const planned = options.clipboard ? { ...planned0, clipboard: true, warnings: [...planned0.warnings, clipboardWarning(options.clipboardMode)] } : planned0;
  // --xpra: the xpra server there injects the client's input with XTEST, which stays on (as with a local --xpra): no note that it is off
  return options.xserver === 'xpra' ? { ...planned, notes: planned.notes.filter((n) => !/^Option --xvfb: the X extension XTEST is off/.test(n)) } : planned;
}

/**
 * `--html`: websockify and the viewer here (src/run/html.ts), their VNC target the relay to
 * x11vnc there, started with the view's password once the view asks for its target.
 */
async function htmlView(options: Options, v: RemoteHtmlCommands, folder: string, where: string, signal: AbortSignal): Promise<ViewHandle> {
  const view = await startHtmlView({
    display: REMOTE_DISPLAY, authFile: '', sessionDir: folder, bind: options.html!, clipboard: options.clipboard, timeoutMs: 15000,
    vncRelay: async (socketPath, password) => {
      await step('write the VNC password', v.password, where, `${password}\n`);
      await step('start x11vnc', v.server, where);
      await waitUntil(async () => (await docker(v.ready, { reject: false })).exitCode === 0 || undefined, { what: 'x11vnc', timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal })
        .catch((error: unknown) => Promise.reject(new X11DockerError(`${where}: x11vnc did not make its socket.`, { cause: error })));
      return execRelay(socketPath, v.relay, 'x11vnc');
    },
  });
  return { url: view.url, died: view.died.then((message) => ({ message, failed: true })), stop: () => view.stop() };
}

/**
 * The xpra client of `--xpra` runs here: it needs the user's display and xpra.
 * @returns DISPLAY.
 * @throws X11DockerError (exit 64) without DISPLAY or without xpra, naming `--xpra`.
 */
function xpraClientCheck(): string {
  const display = process.env.DISPLAY;
  if (!display) throw new X11DockerError('Option --xpra on a remote engine shows its windows on your display, and DISPLAY is not set. Run it in your X session, or use --html.');
  if (!findBinaries(['xpra'], process.env.PATH ?? '').has('xpra')) throw new X11DockerError('Option --xpra on a remote engine runs the xpra client here. Install: apt-get install xpra.');
  return display;
}

/**
 * What the xpra client of `--xpra` needs here: the user's display, xpra, and the host user (as
 * a local session finds them: src/host/user.ts, facts.ts).
 * @throws X11DockerError (exit 64) without DISPLAY or without xpra, naming `--xpra`.
 */
async function xpraHere(options: Options): Promise<{ display: string; xauthority?: string; user: { name: string; uid: number; gid: number }; drop: boolean }> {
  const display = xpraClientCheck();
  const processUid = process.getuid?.() ?? 0;
  const { user } = await resolveHostUser(options, processUid, process.env);
  const xauthority = process.env.XAUTHORITY || join(user.home, '.Xauthority');
  return { display, xauthority, user: { name: user.name, uid: user.uid, gid: user.gid }, drop: processUid === 0 && user.uid !== 0 };
}

/**
 * Both images must be on the engine already (a pull from a registry is the user's decision there).
 * @throws X11DockerError naming the missing image and how to load it.
 */
async function checkImages(options: Options, host: string, where: string): Promise<void> {
  for (const image of [options.xc.image, options.image!]) {
    const r = await docker(['image', 'inspect', '--format={{.Id}}', image], { reject: false });
    if (r.exitCode === 0) continue;
    if (/no such image/i.test(String(r.stderr))) throw new X11DockerError(`${where}: image ${image} is not there. Load it: docker save ${image} | DOCKER_HOST=${host} docker load${image === options.xc.image ? ' (x11docker-xserver is built by scripts/setup.sh)' : ''}.`);
    throw new X11DockerError(`The docker engine at ${host} does not answer (${lastLine(String(r.stderr)) || `exit ${r.exitCode}`}).`);
  }
}
