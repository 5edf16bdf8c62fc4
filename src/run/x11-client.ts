/**
 * Short X11 exchanges from the x11docker process itself over the X protocol (node-x11, pure
 * JavaScript, loaded on first use): one connection, a few requests, closed again. Used for host facts of the user's
 * display (its keyboard layout, src/host/keyboard.ts) and for sizing a server's window on it after
 * start (src/run/host-window.ts), without starting xprop, setxkbmap or xdotool processes.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type x11 from 'x11';
import { waitUntil } from './wait.js';
import { cookieFor, decodeXauth, MIT_MAGIC_COOKIE } from '../xserver/xauth.js';

/** What a client sends to be let in: a cookie, or nothing (a server without access control). */
export interface X11Auth {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * The cookie for `display` from the authority file `xauthority` (libXau's choice, see cookieFor).
 * @returns undefined when there is no file, it cannot be read, or it has no cookie for the display.
 */
export function authFromFile(display: string, xauthority: string | undefined): X11Auth | undefined {
  try {
    const entry = xauthority ? cookieFor(decodeXauth(readFileSync(xauthority)), display, hostname()) : undefined;
    return entry && { name: entry.name, data: entry.data };
  } catch {
    return undefined;
  }
}

/** A session's MIT-MAGIC-COOKIE-1 (16 bytes) as {@link X11Auth}. */
export function cookieAuth(cookie: Buffer): X11Auth {
  return { name: MIT_MAGIC_COOKIE, data: cookie };
}

/** Turns one node-x11 request with a callback into a promise. */
export function request<T>(send: (cb: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => send((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * Connects to `display`, runs `work` with the connection and the first screen's root window, and
 * closes the connection whatever happens. node-x11 is given the cookie (or an empty one), so it
 * reads no authority file and prints nothing of its own.
 * @param display a DISPLAY value (`:0`, `:101`).
 * @param timeoutMs how long connecting and `work` together may take.
 * @throws Error when the display refuses the connection, an X error arrives, `work` fails, or time runs out.
 */
export async function withX11<T>(display: string, auth: X11Auth | undefined, timeoutMs: number, work: (X: x11.XClient, root: number) => Promise<T>): Promise<T> {
  // node-x11 is about half of x11docker's code: loaded on first use (a user display, a probe)
  const { default: x11 } = await import('x11');
  return new Promise<T>((resolve, reject) => {
    let client: x11.XClient | undefined;
    let done = false;
    const finish = (err: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        client?.terminate();
      } catch {
        // already closed
      }
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => finish(new Error(`${display} did not answer within ${timeoutMs} ms`)), timeoutMs);
    const cookie = { name: auth?.name ?? '', data: auth?.data.toString('latin1') ?? '' };
    try {
      client = x11.createClient({ display, auth: cookie }, (err, d) => {
        if (err) return finish(err);
        work(d.client, d.screen[0]!.root).then((v) => finish(undefined, v), (e: Error) => finish(e));
      });
      client.on('error', (e) => finish(e ?? new Error(`X error on ${display}`)));
    } catch (e) {
      finish(e as Error); // a DISPLAY node-x11 cannot parse
    }
  });
}

/**
 * Whether `display` accepts a connection: one X11 connection set-up, then closed. Used where a
 * probe is all that is needed (a new server's readiness without `-displayfd`, the user's display
 * before `--hostdisplay` or after a nested server failed, whether a generated cookie works),
 * in place of an `xdpyinfo` child process. A server that resets (its last client just left, and
 * it runs without `-noreset`, e.g. the user's) drops connections for a moment (ECONNRESET, EPIPE): the probe tries
 * again within `timeoutMs` then.
 * @param display a DISPLAY value.
 * @param auth the cookie to present; undefined presents none.
 * @param timeoutMs how long to wait, in ms.
 * @returns undefined when it accepted, else why not in one short line. Never throws.
 */
export async function probeDisplay(display: string, auth: X11Auth | undefined, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let why: string | undefined;
  await waitUntil(
    async () => {
      why = await withX11(display, auth, Math.max(1, deadline - Date.now()), async () => undefined).then(
        () => undefined,
        (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0]!.trim() || 'refused',
      );
      return why === undefined || !/ECONNRESET|EPIPE/.test(why);
    },
    { what: `${display} to accept a connection`, timeoutMs, intervalMs: 50 },
  ).catch(() => undefined);
  return why;
}
