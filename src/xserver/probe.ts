/**
 * Whether an X display accepts a connection: one X11 connection set-up with the `x11` package
 * (node-x11), in this process, instead of an `xdpyinfo` child process. Used where a probe is all
 * that is needed: a new server's readiness (nxagent has no `-displayfd`), the user's display
 * before `--hostdisplay` or after a nested server failed, and whether a generated cookie works.
 *
 * The cookie is always handed to node-x11 explicitly (`auth`): its own Xauthority reader only
 * reads `process.env.XAUTHORITY`, one global file for the whole process, while a session probes
 * with several files (the session's cookie, the user's XAUTHORITY, a generated one).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createClient } from 'x11';
import { cookieFor, decodeXauth, MIT_MAGIC_COOKIE } from './xauth.js';

/** How to authenticate a probe. */
export type ProbeAuth =
  | { readonly cookie: Buffer; readonly name?: string }
  | { readonly xauthority: string | undefined }
  | undefined;

/**
 * Connects to `display` once and disconnects.
 * @param display an X display name (`:5`, `unix:5`, `:5.0`).
 * @param auth the cookie (16 bytes, MIT-MAGIC-COOKIE-1 unless `name`), or an authority file to
 *   take it from as libXau would ({@link cookieFor}); no cookie when the file has none for the display.
 * @param timeoutMs give up after this many ms.
 * @returns undefined when the server accepted the connection, else why not in a few words
 *   (`Authorization required, but no authorization protocol specified`, `connect ENOENT ...`,
 *   `no answer within 2000 ms`). Never throws.
 */
export function probeDisplay(display: string, auth: ProbeAuth, timeoutMs: number): Promise<string | undefined> {
  const cookie = authFor(display, auth);
  return new Promise((resolve) => {
    let done = false;
    let client: ReturnType<typeof createClient> | undefined;
    const finish = (why: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        client?.terminate();
      } catch {
        // not connected: nothing to close
      }
      resolve(why);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    try {
      client = createClient({ display, ...(cookie ? { auth: cookie } : {}) }, (error) => finish(error ? oneLine(error) : undefined));
      client.on('error', (error) => finish(oneLine(error)));
    } catch (error) {
      finish(oneLine(error));
    }
  });
}

/** The cookie for node-x11 (`data` as latin1 text, as its own reader hands it over). */
function authFor(display: string, auth: ProbeAuth): { name: string; data: string } | undefined {
  if (!auth) return undefined;
  if ('cookie' in auth) return { name: auth.name ?? MIT_MAGIC_COOKIE, data: auth.cookie.toString('latin1') };
  const n = /:(\d+)(?:\.\d+)?$/.exec(display)?.[1];
  if (!auth.xauthority || n === undefined) return undefined;
  try {
    const entry = cookieFor(decodeXauth(readFileSync(auth.xauthority)), Number(n), hostname());
    return entry ? { name: entry.name, data: entry.data.toString('latin1') } : undefined;
  } catch {
    return undefined; // no authority file: a server without access control may still accept us
  }
}

/** An error as one short line. */
function oneLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.trim() || 'refused';
}
