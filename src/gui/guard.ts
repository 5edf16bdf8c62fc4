/**
 * Who may talk to x11docker-gui, and how: the checks every request passes before a handler runs.
 * Pure functions over request headers (unit-tested), used by src/gui/server.ts.
 *
 * The threats (issue "Close the holes ..."): a hostile website in the user's browser (CSRF, DNS
 * rebinding, framing), another page on 127.0.0.1 (cookies ignore ports), another local user.
 * - Host: only `127.0.0.1`, `[::1]` or the address the GUI was told to listen on,
 *   each with the GUI's port (DNS rebinding: a foreign name that resolves to 127.0.0.1 is refused).
 * - The access token is single-use: the first `/?token=` is exchanged for a cookie holding a
 *   different random secret; afterwards only the cookie counts.
 * - The cookie's name includes the port, so two GUIs (or any other loopback page, which can set
 *   cookies for 127.0.0.1 on every port) cannot overwrite or shadow it; a request passes if ANY
 *   cookie of that name holds the secret.
 * - State-changing requests (POST) need `Origin` equal to the GUI's own origin, a `Sec-Fetch-Site`
 *   (where the browser sends one) of `same-origin`, and exactly `application/json` as content type.
 * - Every response forbids framing (`frame-ancestors 'none'`, `X-Frame-Options: DENY`).
 */
import { timingSafeEqual } from 'node:crypto';
import { reachableAs } from '../host/addresses.js';

/**
 * Largest request head (request line and headers) the GUI reads, in bytes: 1 MiB. Any page on
 * 127.0.0.1 can set cookies for the GUI's host (cookies ignore ports); Chromium keeps 180 cookies
 * of up to 4096 bytes per host, about 720 KiB in one `Cookie` header. Node's default of 16 KiB
 * would then answer the GUI's own requests with 431 and lock the user out.
 */
export const MAX_HEADER_BYTES = 1_048_576;

/** Largest request body the GUI reads, in bytes (the form's JSON is a few KiB). */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * The name of the GUI's access cookie on `port`: `x11docker_gui_PORT`. Browsers keep cookies per
 * host, not per port, so a fixed name would let two GUIs, or any page on another loopback port,
 * overwrite it.
 */
export function cookieName(port: number): string {
  return `x11docker_gui_${port}`;
}

/**
 * Every value of the cookie `name` in a `Cookie` header (RFC 6265 section 5.4: a browser may send
 * several cookies of one name, e.g. one set by another page for a wider path; common parsers keep
 * only the first, which another page could then choose).
 * @param header the request's `Cookie` header, if any.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

/** Whether two secrets are equal, in time independent of where they differ. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Host header values the GUI answers ({@link reachableAs}): `127.0.0.1` and `[::1]` with its
 * port (not `localhost`: see there), the address it listens on, and for a wildcard address (`0.0.0.0`, `::`)
 * every address of this machine and its host name.
 * @param bindHost the listening address as given.
 * @param port the listening TCP port.
 */
export function allowedHosts(bindHost: string, port: number): ReadonlySet<string> {
  return reachableAs(bindHost, port);
}

/** What {@link checkRequest} needs of a request. */
export interface RequestHeaders {
  readonly method: string;
  readonly host?: string;
  readonly origin?: string;
  readonly secFetchSite?: string;
}

/**
 * The one-line reason to refuse a request (403), or undefined when its Host, and for any other
 * method than GET/HEAD its Origin and Sec-Fetch-Site, are the GUI's own. The token or cookie and
 * the content type ({@link isJson}) are checked separately.
 * @param h the request's method and headers.
 * @param allowed from {@link allowedHosts}.
 */
export function checkRequest(h: RequestHeaders, allowed: ReadonlySet<string>): string | undefined {
  const host = (h.host ?? '').toLowerCase();
  if (!allowed.has(host)) return `the Host '${host.slice(0, 80)}' is not this x11docker-gui's address: open the URL that x11docker-gui printed`;
  if (h.method === 'GET' || h.method === 'HEAD') return undefined;
  if (h.origin === undefined || h.origin.toLowerCase() !== `http://${host}`) return `a ${h.method} from another origin (${(h.origin ?? 'none').slice(0, 80)}) is refused`;
  if (h.secFetchSite !== undefined && h.secFetchSite !== 'same-origin') return `a ${h.method} from another site (Sec-Fetch-Site: ${h.secFetchSite.slice(0, 40)}) is refused`;
  return undefined;
}

/**
 * Whether a content type is exactly JSON: `application/json`, optionally with `charset=utf-8`
 * (RFC 8259 section 11 defines no other parameter), compared without case.
 */
export function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  return type === 'application/json' && params.every((p) => p === 'charset=utf-8' || p === 'charset="utf-8"');
}

/**
 * The headers that forbid framing, on every response: CSP `frame-ancestors 'none'` (CSP level 2)
 * and `X-Frame-Options: DENY` (RFC 7034, for browsers without CSP 2).
 */
export const NO_FRAMING: Readonly<Record<string, string>> = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/**
 * The page's Content Security Policy: its own scripts only, and frames only of `--html` views on
 * loopback (the sessions' websockify ports), never framed itself.
 */
export const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src http://127.0.0.1:* http://[::1]:*; frame-ancestors 'none'";

/**
 * Whether `url` is an `--html` view that the GUI may show in its frame:
 * `http://127.0.0.1:PORT/view.html#...` or `http://[::1]:PORT/view.html#...`, nothing else.
 */
export function isLoopbackViewUrl(url: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}\/view\.html#[\w=&-]*$/.test(url);
}
