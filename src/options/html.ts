/** The value of `--html[=[ADDR:]PORT]` (the option's runtime is src/run/html.ts). */
import { X11DockerError } from '../errors.js';

/** Where and how the browser view listens (from `--html[=[ADDR:]PORT]`). */
export interface HtmlBind {
  /** Listening address of the web socket bridge; `127.0.0.1` by default. */
  readonly host: string;
  /** TCP port, or undefined for a free one. */
  readonly port?: number;
}

/**
 * Parses the value of `--html`: none, `PORT`, or `ADDR:PORT` (IPv4 or `[IPv6]`). `localhost` is
 * taken as `127.0.0.1`: the view listens on that literal address and its URL names it, since a
 * browser may resolve `localhost` to `::1` first, where another local user could listen and
 * catch the URL's secrets.
 * @param value the text after `--html=`, or undefined for `--html` alone.
 * @throws X11DockerError naming `--html` and the expected form.
 */
export function parseHtmlValue(value: string | undefined): HtmlBind {
  if (value === undefined) return { host: '127.0.0.1' };
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost):)?(\d{1,5})$/i.exec(value);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) {
    throw new X11DockerError(`Option --html needs a port or ADDRESS:PORT (got '${JSON.stringify(value).slice(1, -1).slice(0, 80)}'), e.g. --html=6080 or --html=127.0.0.1:6080.`);
  }
  return { host: literalHost(m[1]), port };
}

/**
 * The literal listening address for an address as a user wrote it: brackets of `[IPv6]` dropped,
 * `localhost` and none as `127.0.0.1` (a name in a printed URL would be resolved by the browser,
 * possibly to another address than the one listening).
 * @param written `127.0.0.1`, `[::1]`, `localhost`, `0.0.0.0`, ... or undefined.
 */
export function literalHost(written: string | undefined): string {
  if (written === undefined || written.toLowerCase() === 'localhost') return '127.0.0.1';
  return written.replace(/^\[|\]$/g, '');
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

