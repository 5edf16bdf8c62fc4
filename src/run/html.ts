/**
 * `--html`: shows a session's display in a web browser. x11vnc (Debian) reads the new X server
 * with the session's cookie and serves it as VNC on a loopback port with a per-session password;
 * websockify (Debian) bridges WebSocket to that port and serves the viewer page, a small bundle
 * around noVNC's RFB client (npm `@novnc/novnc`, built to `dist/web/`). No VNC or WebSocket
 * protocol code is written here.
 *
 * Upstream x11docker documents the same recipe by hand ("HTML5 web applications": xpra or
 * x11vnc plus websockify); here it is one option with loopback binding and a password by default.
 */
import { randomBytes, randomInt } from 'node:crypto';
import getPort from 'get-port';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultPromise } from 'execa';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { start } from './spawn.js';
import { abortWhenSettled, waitUntil } from './wait.js';
import { addressMatches, listenersOf, type TcpListener, type UnixListener } from './listening.js';
import { findBinaries } from '../host/facts.js';
import type { HtmlBind } from '../options/html.js';
import { hostPort, reachableAs } from '../host/addresses.js';
import type { SessionPlan } from '../plan/plan.js';
import type { SessionRegistry } from './registry.js';
import type { UndoStack } from './undo.js';

/** A running browser view of one display. */
export interface HtmlView {
  /** The URL to open; the password is in the fragment (`#password=`), which browsers never send. */
  readonly url: string;
  /**
   * Resolves with a one-line message when x11vnc or websockify ends on its own while the view
   * runs (never after {@link HtmlView.stop}); the session ends with that error.
   */
  readonly died: Promise<string>;
  /** Stops websockify and x11vnc (SIGTERM, then SIGKILL) and waits until both are gone. */
  stop(): Promise<void>;
}

/** What {@link startHtmlView} needs. */
export interface HtmlViewOptions {
  readonly display: number;
  /** Cookie file for the display (x11vnc authenticates to the X server with it). */
  readonly authFile: string;
  /** Private session folder (mode 0700) for the VNC password file and x11vnc's socket. */
  readonly sessionDir: string;
  readonly bind: HtmlBind;
  /** Share the clipboard between the browser and the display (`--clipboard`); off by default. */
  readonly clipboard: boolean;
  /** Run the helpers as this host user (x11docker as root for another host user). */
  readonly uid?: number;
  readonly gid?: number;
  /** How long each helper may take to become ready, in ms. */
  readonly timeoutMs: number;
  /** Called with each helper's pid right after it is started (the session record). */
  readonly onSpawn?: (pid: number | undefined) => void;
  /**
   * Instead of a local x11vnc: makes a listening UNIX socket at the given path whose every
   * connection speaks VNC (a remote engine's x11vnc through `docker exec`, src/run/remote.ts),
   * and resolves once it listens, with the function that closes it. It gets the session's VNC
   * password (the local password file is then unused).
   */
  readonly vncRelay?: (socketPath: string, password: string) => Promise<() => Promise<void>>;
  /**
   * A VNC server that runs elsewhere, reached on TCP (`--backend=kubernetes`: x11vnc in the pod,
   * forwarded to 127.0.0.1), with its password: no x11vnc is started here, websockify connects
   * to `host:port`. `authFile` and `display` are then unused. Not together with `vncRelay`.
   */
  readonly vnc?: { readonly host: string; readonly port: number; readonly password: string };
}

/** Debian packages of the helpers, for error messages and the GUI's dependency check. */
export const htmlHelpers = { x11vnc: 'x11vnc', websockify: 'websockify' } as const;

/**
 * Folder with the web pages: `dist/web/` beside the bundle (or above its chunk) or the tsc output. It holds the GUI
 * page (`gui.html`, `gui.js`) and, in `view/`, only the viewer (`index.html` = `view.html`,
 * `view.js`), which is all that websockify serves.
 */
export function webDir(): string {
  for (const rel of ['./web/', '../web/', '../../web/', '../../../web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}view/view.html`) && existsSync(`${dir}view/index.html`)) return dir;
  }
  throw new X11DockerError('The --html viewer page (dist/web/view/view.html) is missing. Run npm run build.');
}

/** Characters of the VNC password: letters and digits, each equally likely. */
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh VNC password: 8 characters (VNC authentication uses only the first 8, RFC 6143
 * section 7.2.2), each drawn uniformly from letters and digits with `crypto.randomInt`, which
 * rejects biased draws (rejection sampling).
 */
export function vncPassword(): string {
  let p = '';
  for (let i = 0; i < 8; i++) p += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return p;
}

/**
 * The origins websockify accepts a WebSocket from (its `ExpectOrigin` plugin): the view's own,
 * under every name the browser may use for it ({@link reachableAs}). A page of any other origin
 * (any website the user visits) gets 403, even with the right token and password.
 * @param bindHost the view's listening address; `port` its port.
 * @returns the origins, space-separated as websockify's `--auth-source` wants them.
 */
export function viewOrigins(bindHost: string, port: number): string {
  return [...reachableAs(bindHost, port)].map((h) => `http://${h}`).join(' ');
}

/** Longest AF_UNIX socket path (sun_path is 108 bytes including the final NUL). */
const UNIX_PATH_MAX = 107;

/**
 * Starts x11vnc on the display and websockify in front of it, and waits until each one is
 * proven to listen on its own socket: x11vnc on a UNIX socket in the private session folder
 * (no TCP port at all, so nothing else on the machine can reach it), websockify on the browser
 * port, checked in procfs to be a socket of the websockify process itself (another program on that
 * port makes websockify fail, which is an error, never a URL to someone else's page).
 * Without a port in `--html`, websockify binds port 0 and the kernel's choice is read back.
 * On any failure both are stopped before the error is thrown.
 *
 * x11vnc: `-unixsock` with `-rfbport 0 -rfbportv6 0 -no6` (no TCP listening), `-passwdfile` with a
 * fresh random password (VNC authentication uses its first 8 characters), `-noremote -nocmds`
 * (no remote control), `-noshm` (the X server has no MIT-SHM), `-nosel -noprimary
 * -nosetclipboard -noclipboard` unless the clipboard is shared. websockify: `--unix-target`, and
 * two checks of every WebSocket before it reaches x11vnc: its `ExpectOrigin` plugin (only the
 * view's own origin, {@link viewOrigins}: a website in the user's browser cannot connect) and its
 * `TokenFile` plugin (the path must carry a random token from the URL's fragment, besides the VNC
 * password, whose 8 characters alone could be guessed by a page scanning ports).
 * @throws X11DockerError when a helper is missing, fails or is not ready in time.
 */
export async function startHtmlView(o: HtmlViewOptions): Promise<HtmlView> {
  const web = `${webDir()}view/`;
  const helpers = o.vnc ? { websockify: htmlHelpers.websockify } : htmlHelpers;
  const found = findBinaries(Object.keys(helpers), process.env.PATH ?? '');
  const missing = Object.entries(helpers).filter(([b]) => !found.has(b) && !(b === 'x11vnc' && o.vncRelay));
  if (missing.length > 0) {
    throw new X11DockerError(`--html needs ${missing.map(([b]) => b).join(' and ')}. Install: apt-get install ${missing.map(([, p]) => p).join(' ')}.`);
  }
  const password = o.vnc?.password ?? vncPassword();
  const passwdFile = `${o.sessionDir}/vncpasswd`;
  if (!o.vnc) {
    writeFileSync(passwdFile, `${password}\n`, { mode: 0o600 });
    if (o.uid !== undefined && o.gid !== undefined) chownSync(passwdFile, o.uid, o.gid);
  }
  // the second secret: the WebSocket path's token (websockify's TokenFile), 192 random bits
  const wsToken = randomBytes(24).toString('base64url');
  const tokenFile = `${o.sessionDir}/websockify.tokens`;
  // x11vnc's socket lives in a folder only the host user can enter: the session folder, or a
  // private temporary folder when that path is too long for a UNIX socket.
  let socketDir = o.sessionDir;
  let ownDir: string | undefined;
  if (`${o.sessionDir}/vnc.sock`.length > UNIX_PATH_MAX) {
    ownDir = socketDir = mkdtempSync(join(tmpdir(), 'x11docker-vnc-'));
    if (o.uid !== undefined && o.gid !== undefined) chownSync(ownDir, o.uid, o.gid);
  }
  const vncSocket = `${socketDir}/vnc.sock`;
  writeFileSync(tokenFile, `${wsToken}: ${o.vnc ? hostPort(o.vnc.host, o.vnc.port) : `unix_socket:${vncSocket}`}\n`, { mode: 0o600 });
  if (o.uid !== undefined && o.gid !== undefined) chownSync(tokenFile, o.uid, o.gid);
  const as = o.uid !== undefined ? { uid: o.uid, gid: o.gid } : {};
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const children: Array<{ what: string; child: ResultPromise; tail: () => string }> = [];
  let stopping = false;
  let closeRelay: (() => Promise<void>) | undefined;
  const stop = async () => {
    stopping = true;
    await closeRelay?.();
    // SIGTERM; execa sends SIGKILL after forceKillAfterDelay
    await Promise.all(children.map(async ({ child: c }) => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await c.catch(() => undefined);
    }));
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  const spawnHelper = (what: string, args: string[]): ResultPromise => {
    const child = start(...orphanSafe(what, args), { ...as, env, extendEnv: false, stdio: ['ignore', 'pipe', 'pipe'], buffer: false, forceKillAfterDelay: 2000 } as Parameters<typeof start>[2]);
    // keep reading both pipes (a full pipe would block the helper) and keep the last lines
    let seen = '';
    const onData = (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    children.push({ what, child, tail: () => seen });
    o.onSpawn?.(child.pid);
    return child;
  };
  const startVnc = async () => {
    const clip = o.clipboard ? [] : ['-nosel', '-noprimary', '-nosetclipboard', '-noclipboard'];
    const vnc = spawnHelper('x11vnc', [
      '-display', `:${o.display}`, '-auth', o.authFile,
      '-unixsock', vncSocket, '-rfbport', '0', '-rfbportv6', '0', '-no6', '-noipv6',
      '-passwdfile', passwdFile,
      '-forever', '-shared', '-noremote', '-nocmds', '-norc', '-noshm', '-nowf', '-xkb',
      '-desktop', `x11docker :${o.display}`,
      ...clip,
    ]);
    await waitUntilListening(children[0]!, o.timeoutMs, (l) => (l.unix.some((u) => u.path === vncSocket) ? true : undefined));
    if (tcpListenersOf(vnc.pid).length > 0) throw new X11DockerError('--html: x11vnc listens on a TCP port although it was told not to; stopped. Run with --verbose.');
  };
  try {
    if (o.vncRelay) closeRelay = await o.vncRelay(vncSocket, password);
    else if (!o.vnc) await startVnc();

    // The port is chosen before websockify starts: its Origin check needs the view's origin.
    // Another program may take a free port in between: then a next one is tried (a port given
    // with --html is the user's: that is an error at once).
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      const chosen = o.bind.port ?? (await getPort({ host: o.bind.host }));
      const helper = spawnHelper('websockify', [
        '--web', web,
        '--token-plugin', 'TokenFile', '--token-source', tokenFile,
        '--auth-plugin', 'ExpectOrigin', '--auth-source', viewOrigins(o.bind.host, chosen),
        ...(o.vnc ? [] : [`--unix-target=${vncSocket}`]), hostPort(o.bind.host, chosen),
      ]);
      try {
        port = await waitUntilListening(children.at(-1)!, o.timeoutMs, (l) => l.tcp.find((t) => addressMatches(t.address, o.bind.host) && t.port === chosen)?.port);
        break;
      } catch (error) {
        if (error instanceof HelperEnded && o.bind.port !== undefined) {
          throw new X11DockerError(`Option --html=${o.bind.host}:${o.bind.port}: websockify could not listen there (${error.tail || 'address in use?'}). Choose a free port, or give none (--html) for a free one.`, { cause: error });
        }
        if (!(error instanceof HelperEnded) || attempt === 3) throw error;
        children.splice(children.findIndex((c) => c.child === helper), 1);
        log.debug(`--html: websockify could not listen on port ${chosen} (${error.tail}); trying another one`);
      }
    }

    const died = new Promise<string>((resolve) => {
      for (const { what, child, tail } of children) {
        void child.then((r) => {
          if (stopping) return;
          const how = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}${lastLines(tail()) ? `: ${lastLines(tail())}` : ''}`;
          resolve(`--html: ${what} ended unexpectedly (${how}); the session was ended.`);
        }, () => undefined);
      }
    });
    return { url: `http://${hostPort(o.bind.host, port)}/view.html#password=${password}&token=${wsToken}${o.clipboard ? '&clipboard=1' : ''}`, died, stop };
  } catch (error) {
    await stop();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new X11DockerError('--html needs x11vnc and websockify. Install them: apt-get install x11vnc websockify.', { cause: error });
    }
    if (error instanceof HelperEnded) throw new X11DockerError(`--html: ${error.what} ended at start (${error.tail || 'no message'}). Run with --verbose.`, { cause: error });
    throw error;
  }
}

/** TCP sockets a process listens on. */
function tcpListenersOf(pid: number | undefined): TcpListener[] {
  return pid === undefined ? [] : listenersOf(pid).tcp;
}

/** The last non-empty line of a helper's output (without x11vnc's time stamp). */
function lastLines(text: string): string {
  return text.split('\n').map((l) => l.replace(/^\d\d\/\d\d\/\d{4} [\d:]+ /, '').trim()).filter(Boolean).slice(-1).join('');
}

/** A helper ended before it was ready. */
class HelperEnded extends Error {
  constructor(readonly what: string, readonly tail: string) {
    super(`${what} ended`);
  }
}

/**
 * Polls procfs (every 25 ms, {@link waitUntil}) until `ready` returns a value for the listening sockets of the
 * helper's own pid. With setpriv the pid is the helper's, as setpriv execs it.
 * @throws HelperEnded when the helper ends first; X11DockerError on timeout; the spawn error (ENOENT).
 */
async function waitUntilListening<T>(
  h: { what: string; child: ResultPromise; tail: () => string },
  timeoutMs: number,
  ready: (l: { tcp: TcpListener[]; unix: UnixListener[] }) => T | undefined,
): Promise<T> {
  let ended = false;
  let spawnError: unknown;
  void h.child.then(
    (r) => {
      ended = true;
      if ((r as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String((r as { message?: string }).message ?? ''))) spawnError = Object.assign(new Error(`${h.what} not found`), { code: 'ENOENT' });
    },
    (e: unknown) => {
      ended = true;
      spawnError = e;
    },
  );
  const value = await waitUntil(() => (h.child.pid !== undefined && !ended ? ready(listenersOf(h.child.pid)) : undefined), {
    what: `--html: ${h.what} listening`,
    timeoutMs,
    intervalMs: 25,
    signal: abortWhenSettled(h.child, 'ended'),
  }).catch((error: unknown) => {
    if (!ended) throw new X11DockerError(`--html: ${h.what} was not ready after ${timeoutMs} ms. Run with --verbose.`, { cause: error });
    return undefined;
  });
  if (value !== undefined) return value;
  if (spawnError) throw spawnError;
  // let the last output arrive
  await new Promise((r) => setTimeout(r, 50));
  throw new HelperEnded(h.what, lastLines(h.tail()));
}

/**
 * Wraps a helper in `setpriv --pdeathsig SIGTERM` (util-linux) when available, so the kernel ends
 * it if x11docker itself dies without cleaning up (e.g. SIGKILL); otherwise runs it directly.
 */
export function orphanSafe(file: string, args: string[]): [string, string[]] {
  return findBinaries(['setpriv'], process.env.PATH ?? '').has('setpriv') ? ['setpriv', ['--pdeathsig', 'SIGTERM', '--', file, ...args]] : [file, args];
}

/**
 * The session's helper for `--html`: starts the view for `display`, registers its stop on the
 * session's undo stack (stage `process`, so it ends together with the container and X server),
 * records the helpers' pids, and keeps the URL in the private session folder (`html.url`, 0600)
 * for front ends. Resolves only after both helpers are proven to listen on their own sockets.
 * @param plan the session plan (with `html` set).
 * @param display the new display.
 * @param authFile the display's client cookie file.
 * @param undo the session's undo stack.
 * @param registry the session record (helpers' pids, for the watcher and --cleanup).
 * @returns the URL (password in the fragment) and `died`: resolves with a one-line message if a
 *   helper ends on its own later; the session then ends with that error (exit 64).
 * @throws X11DockerError when a helper cannot start (nothing of the view is left running).
 */
export async function startHtml(plan: SessionPlan, display: number, authFile: string, undo: UndoStack, registry: SessionRegistry): Promise<{ readonly url: string; readonly died: Promise<string> }> {
  const view = await startHtmlView({
    display,
    authFile,
    sessionDir: plan.sessionDir,
    bind: plan.html!,
    clipboard: plan.clipboard,
    ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
    timeoutMs: 15000,
    onSpawn: (pid) => registry.addProcess(pid),
  });
  undo.defer(`stop the browser view of :${display}`, () => view.stop(), 'process');
  writeFileSync(`${plan.sessionDir}/html.url`, `${view.url}\n`, { mode: 0o600 });
  log.note(`The app is shown in a browser at ${view.url}`);
  return { url: view.url, died: view.died };
}
