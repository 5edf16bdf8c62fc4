/**
 * The names under which a browser reaches a local listener: what x11docker-gui accepts as Host
 * header and what an `--html` view's websockify accepts as Origin (both refuse any other, against
 * DNS rebinding and foreign web pages).
 */
import { hostname, networkInterfaces } from 'node:os';

/** `host:port` as a Host header or an origin writes it (`[::1]:8080`). */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A wildcard listening address (all interfaces): `0.0.0.0`, `::`. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * Every `host:port` (lower case) a browser may use for a listener: `127.0.0.1` and `[::1]`,
 * the listening address itself, and for a wildcard address every address of this
 * machine's interfaces (IPv6 zone ids dropped) and its host name.
 * @param bindHost the listening address as given (`127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`, ...).
 * @param port the listening TCP port.
 */
export function reachableAs(bindHost: string, port: number): ReadonlySet<string> {
  // Not `localhost`: x11docker prints literal addresses only. A browser resolving `localhost` may
  // reach `[::1]` first, where another local user could listen; a page that came that way is not ours.
  const names = ['127.0.0.1', '::1'];
  if (isWildcard(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.push(a.address.replace(/%.*$/, ''));
    names.push(hostname());
  } else names.push(bindHost.replace(/^\[|\]$/g, ''));
  return new Set(names.map((n) => hostPort(n, port).toLowerCase()));
}
