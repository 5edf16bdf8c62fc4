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
 * Parses the value of `--html`: none, `PORT`, or `ADDR:PORT` (IPv4 or `[IPv6]`).
 * @param value the text after `--html=`, or undefined for `--html` alone.
 * @throws X11DockerError naming `--html` and the expected form.
 */
export function parseHtmlValue(value: string | undefined): HtmlBind {
  if (value === undefined) return { host: '127.0.0.1' };
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost):)?(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) {
    throw new X11DockerError(`Option --html needs a port or ADDRESS:PORT (got '${JSON.stringify(value).slice(1, -1).slice(0, 80)}'), e.g. --html=6080 or --html=127.0.0.1:6080.`);
  }
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1', port };
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

