/**
 * The user's own X display, as the session needs it: whether it answers (before `--hostdisplay`,
 * and when a nested server or seamless client fails or loses its window), and the cookie that
 * `--hostdisplay` gives the container. Probes use the `x11` package in this process
 * (src/xserver/probe.ts), no `xdpyinfo` child.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import { localDisplayNumber } from '../plan/choose.js';
import type { SessionPlan } from '../plan/plan.js';
import { authFromFile, probeDisplay } from './x11-client.js';
import { cookieFor, decodeXauth, encodeXauth, wildcardEntry } from '../xserver/xauth.js';
import { writePrivate } from './session-folder.js';
import { firstLine } from './engine.js';
import { run } from './spawn.js';

/**
 * Why the user's display does not accept a connection with the user's XAUTHORITY, or undefined
 * when it does (or when there is no user display to ask).
 * @param host the user's DISPLAY and XAUTHORITY.
 * @param timeoutMs how long to wait for an answer, in ms.
 */
export function hostDisplayProblem(host: Pick<HostFacts, 'display' | 'xauthority'>, timeoutMs: number): Promise<string | undefined> {
  if (!host.display) return Promise.resolve(undefined);
  return probeDisplay(host.display, authFromFile(host.display, host.xauthority), timeoutMs);
}

/**
 * A display option that uses the user's display needs it to accept us: one line naming DISPLAY
 * and XAUTHORITY instead of a server's raw output. `--hostdisplay` is checked before anything
 * starts; a nested server or seamless client only after it failed to start (no cost when all is well).
 * @throws X11DockerError when the display does not answer within 5 s.
 */
export async function checkHostDisplay(plan: Pick<SessionPlan, 'driver'>, host: Pick<HostFacts, 'display' | 'xauthority'>): Promise<void> {
  if (!plan.driver.needs.display || !host.display) return;
  const why = await hostDisplayProblem(host, 5000);
  if (why === undefined) return;
  throw new X11DockerError(
    `--${plan.driver.name} needs your display, but DISPLAY=${printable(host.display)} does not accept a connection (${printable(why.replaceAll('"', "'"))}). ` +
      `Check DISPLAY and XAUTHORITY (${host.xauthority ? printable(host.xauthority) : 'unset'}), or use --xvfb for an invisible X server.`,
  );
}

/** The user's cookie entries for the user's display (for nxagent's own `-auth` file); empty when there are none. */
export function hostDisplayCookies(host: Pick<HostFacts, 'display' | 'xauthority'>): Buffer {
  const display = localDisplayNumber(host.display);
  if (display === undefined || !host.xauthority) return Buffer.alloc(0);
  try {
    return encodeXauth(decodeXauth(readFileSync(host.xauthority)).filter((e) => e.number === String(display)));
  } catch {
    return Buffer.alloc(0); // no authority file: a display without access control
  }
}

/**
 * `--hostdisplay`: the cookie file the container gets for the user's display, always a single
 * wildcard entry in a file of the session's own (`Xclientcookie`):
 * - by default an untrusted cookie made with `xauth generate ... untrusted` (X SECURITY
 *   extension), used only when a real connection with it works (some servers refuse the cookies
 *   they generate);
 * - the user's own (trusted) cookie when the plan asks for it (`--gpu` or `--clipboard`, as
 *   upstream: GLX and MIT-SHM need a trusted client) or when no untrusted one can be had (with
 *   a warning naming the reason);
 * - an empty file when the display has no cookie (a server without access control).
 * @returns the display number and the client cookie file.
 */
export async function shareHostDisplay(plan: SessionPlan, host: HostFacts): Promise<{ display: number; clientAuthFile: string }> {
  const display = localDisplayNumber(host.display)!;
  const clientAuthFile = join(plan.sessionDir, 'Xclientcookie');
  let cookie: { name: string; data: Buffer } | undefined;
  let untrustedFailure = 'no xauth on the host';
  if (plan.trustedHostCookie) untrustedFailure = '';
  else if (host.binaries.has('xauth')) {
    const generated = join(plan.sessionDir, 'Xgenerated');
    writePrivate(plan, generated, Buffer.alloc(0));
    const r = await run('xauth', ['-f', generated, 'generate', `:${display}`, '.', 'untrusted', 'timeout', '0'], {
      reject: false,
      env: { DISPLAY: `:${display}`, XAUTHORITY: host.xauthority },
      ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
    });
    const entry = r.exitCode === 0 ? decodeXauth(readFileSync(generated)).find((e) => e.number === String(display)) : undefined;
    const works = entry && (await probeDisplay(`:${display}`, { name: entry.name, data: entry.data }, 3000)) === undefined;
    if (entry && works) cookie = { name: entry.name, data: entry.data };
    else {
      untrustedFailure = entry ? 'the X server refuses the untrusted cookie it generated' : `xauth generate failed: ${firstLine(String(r.stderr)) || 'no X SECURITY extension?'}`;
      log.info(`no usable untrusted cookie from xauth generate: ${untrustedFailure}`);
    }
  }
  if (!cookie) {
    let own;
    try {
      own = host.xauthority ? cookieFor(decodeXauth(readFileSync(host.xauthority)), `:${display}`, hostname()) : undefined;
    } catch {
      // no authority file: a server without access control
    }
    if (own) {
      cookie = { name: own.name, data: own.data };
      if (untrustedFailure) log.warning(`--hostdisplay: could not use an untrusted cookie (${untrustedFailure}); the container gets your trusted cookie.`);
    }
  }
  writePrivate(plan, clientAuthFile, cookie ? encodeXauth([wildcardEntry(display, cookie.data, cookie.name)]) : Buffer.alloc(0));
  return { display, clientAuthFile };
}
