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
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync, chownSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ResultPromise } from 'execa';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { start } from './spawn.js';
import { findBinaries } from '../host/facts.js';
import type { HtmlBind } from '../options/html.js';
import type { SessionPlan } from '../plan/plan.js';

/** A running browser view of one display. */
export interface HtmlView {
  /** The URL to open; the password is in the fragment (`#password=`), which browsers never send. */
  readonly url: string;
  /** Stops websockify and x11vnc (SIGTERM, then SIGKILL) and waits until both are gone. */
  stop(): Promise<void>;
}

/** What {@link startHtmlView} needs. */
export interface HtmlViewOptions {
  readonly display: number;
  /** Cookie file for the display (x11vnc authenticates to the X server with it). */
  readonly authFile: string;
  /** Private session folder (mode 0700) for the VNC password file. */
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
}

/** Debian packages of the helpers, for error messages and the GUI's dependency check. */
export const htmlHelpers = { x11vnc: 'x11vnc', websockify: 'websockify' } as const;

/** Folder with the viewer page (`view.html`, `view.js`): `dist/web/` beside the bundle or the tsc output. */
export function webDir(): string {
  for (const rel of ['./web/', '../../web/', '../../../web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}view.html`)) return dir;
  }
  throw new X11DockerError('The --html viewer page (dist/web/view.html) is missing. Run npm run build.');
}

/**
 * Starts x11vnc on the display and websockify in front of it, and waits until both accept
 * connections. On any failure both are stopped before the error is thrown.
 *
 * x11vnc: `-localhost` (loopback only, no IPv6), `-passwdfile` with a fresh random password
 * (VNC authentication uses its first 8 characters), `-noremote -nocmds` (no remote control),
 * `-noshm` (the X server has no MIT-SHM), `-nosel -noprimary -nosetclipboard` unless the
 * clipboard is shared; it reports its port on stdout (`PORT=N`).
 * @throws X11DockerError when a helper is missing, fails or is not ready in time.
 */
export async function startHtmlView(o: HtmlViewOptions): Promise<HtmlView> {
  const web = webDir();
  const found = findBinaries(Object.keys(htmlHelpers), process.env.PATH ?? '');
  const missing = Object.entries(htmlHelpers).filter(([b]) => !found.has(b));
  if (missing.length > 0) {
    throw new X11DockerError(`--html needs ${missing.map(([b]) => b).join(' and ')}. Install: apt-get install ${missing.map(([, p]) => p).join(' ')}.`);
  }
  const password = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const passwdFile = `${o.sessionDir}/vncpasswd`;
  writeFileSync(passwdFile, `${password}\n`, { mode: 0o600 });
  if (o.uid !== undefined && o.gid !== undefined) chownSync(passwdFile, o.uid, o.gid);
  const as = o.uid !== undefined ? { uid: o.uid, gid: o.gid } : {};
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const children: ResultPromise[] = [];
  const stop = async () => {
    await Promise.all(children.map(async (c) => {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        const killer = setTimeout(() => c.kill('SIGKILL'), 2000);
        await c.catch(() => undefined);
        clearTimeout(killer);
      }
    }));
  };
  try {
    const clip = o.clipboard ? [] : ['-nosel', '-noprimary', '-nosetclipboard', '-noclipboard'];
    const vnc = start(...orphanSafe('x11vnc', [
      '-display', `:${o.display}`, '-auth', o.authFile,
      '-localhost', '-noipv6', '-autoport', '5900',
      '-passwdfile', passwdFile,
      '-forever', '-shared', '-noremote', '-nocmds', '-norc', '-noshm', '-nowf', '-xkb',
      '-desktop', `x11docker :${o.display}`,
      ...clip,
    ]), { ...as, env, extendEnv: false, stdio: ['ignore', 'pipe', 'pipe'], buffer: false } as Parameters<typeof start>[2]);
    children.push(vnc);
    o.onSpawn?.(vnc.pid);
    const vncPort = await waitForLine(vnc, /^PORT=(\d+)/m, o.timeoutMs, 'x11vnc');

    for (let attempt = 1; ; attempt++) {
      const port = o.bind.port ?? (await freePort(o.bind.host));
      const ws = start(...orphanSafe('websockify', ['--web', web, `${o.bind.host.includes(':') ? `[${o.bind.host}]` : o.bind.host}:${port}`, `127.0.0.1:${vncPort}`]), {
        ...as, env, extendEnv: false, stdio: ['ignore', 'pipe', 'pipe'], buffer: false,
      } as Parameters<typeof start>[2]);
      children.push(ws);
      o.onSpawn?.(ws.pid);
      const ok = await waitForPort(o.bind.host, port, ws, o.timeoutMs);
      if (ok) {
        const hostInUrl = o.bind.host.includes(':') ? `[${o.bind.host}]` : o.bind.host;
        return { url: `http://${hostInUrl}:${port}/view.html#password=${password}${o.clipboard ? '&clipboard=1' : ''}`, stop };
      }
      if (o.bind.port !== undefined || attempt >= 3) {
        throw new X11DockerError(`--html: websockify could not listen on ${o.bind.host}:${port} (port in use?). Choose another port with --html=PORT.`);
      }
      log.info(`websockify could not listen on port ${port}; trying another`);
    }
  } catch (error) {
    await stop();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new X11DockerError('--html needs x11vnc and websockify. Install them: apt-get install x11vnc websockify.');
    }
    throw error;
  }
}

/**
 * Wraps a helper in `setpriv --pdeathsig SIGTERM` (util-linux) when available, so the kernel ends
 * it if x11docker itself dies without cleaning up (e.g. SIGKILL); otherwise runs it directly.
 */
function orphanSafe(file: string, args: string[]): [string, string[]] {
  return findBinaries(['setpriv'], process.env.PATH ?? '').has('setpriv') ? ['setpriv', ['--pdeathsig', 'SIGTERM', '--', file, ...args]] : [file, args];
}

/** Resolves with the first capture of `pattern` in the child's stdout or stderr. */
function waitForLine(child: ResultPromise, pattern: RegExp, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new X11DockerError(`--html: ${what} was not ready after ${timeoutMs} ms. Run with --verbose.`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen = (seen + d.toString()).slice(-8000);
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.then(
      (r) => {
        clearTimeout(timer);
        const spawnError = (r as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String((r as { message?: string }).message ?? ''));
        if (spawnError) reject(Object.assign(new Error(`${what} not found`), { code: 'ENOENT' }));
        else reject(new X11DockerError(`--html: ${what} ended at start (${seen.trim().split('\n').slice(-2).join(' / ') || 'no message'}).`));
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Polls until `host:port` accepts a TCP connection; false when `child` ends first or on timeout. */
async function waitForPort(host: string, port: number, child: ResultPromise, timeoutMs: number): Promise<boolean> {
  let ended = false;
  child.then(() => (ended = true), () => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (!ended && Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (open) return !ended;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!ended) throw new X11DockerError(`--html: websockify did not listen on ${host}:${port} after ${timeoutMs} ms. Run with --verbose.`);
  return false;
}

/** A TCP port that is free on `host` right now (the kernel picks it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The session's step for `--html`: starts the view for `display`, registers its stop with the
 * session's cleanups (stage `process`, so it ends together with the container and X server), and
 * prints `HTML_URL=<url>` on stdout (as `--showenv` prints the environment) and a note on stderr.
 * @param plan the session plan (with `html` set).
 * @param display the new display.
 * @param authFile the display's client cookie file.
 * @param cleanups the session's undo list.
 * @param onSpawn called with each helper's pid (recorded for the watcher and --cleanup).
 */
export async function startHtml(
  plan: SessionPlan,
  display: number,
  authFile: string,
  cleanups: Array<{ readonly what: string; readonly fn: () => Promise<void> | void; readonly stage?: 'process' | 'file' }>,
  onSpawn?: (pid: number | undefined) => void,
): Promise<void> {
  const view = await startHtmlView({
    display,
    authFile,
    sessionDir: plan.sessionDir,
    bind: plan.html!,
    clipboard: plan.clipboard,
    ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
    timeoutMs: 15000,
    onSpawn,
  });
  cleanups.push({ what: `stop the browser view of :${display}`, fn: () => view.stop(), stage: 'process' });
  writeFileSync(`${plan.sessionDir}/html.url`, `${view.url}\n`, { mode: 0o600 });
  process.stdout.on('error', () => undefined);
  process.stdout.write(`HTML_URL=${view.url}\n`);
  log.note(`The app is shown in a browser at ${view.url}`);
}
