/**
 * Which listening sockets a process owns, read from procfs (Linux): the socket inodes among
 * `/proc/PID/fd/*` (links `socket:[INODE]`, see proc(5)) matched with the listening entries of
 * `/proc/PID/net/tcp`, `tcp6` and `unix` (the process's own network namespace). Used by `--html`
 * to prove that a port or socket path belongs to the helper it started, not to another program.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A listening TCP socket: address as printed by the kernel's table, normalised; port number. */
export interface TcpListener {
  /** IPv4 dotted quad, or IPv6 in URL-normal compressed form without brackets (e.g. `::1`). */
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

/** A listening AF_UNIX stream socket with a path (abstract sockets start with `@`). */
export interface UnixListener {
  readonly path: string;
  readonly inode: string;
}

/** IPv6 text in compressed form (`0:0:0:0:0:0:0:1` -> `::1`), using WHATWG URL host parsing. */
function normaliseV6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

/**
 * Parses `/proc/net/tcp` or `/proc/net/tcp6` text and returns the sockets in state LISTEN (`0A`).
 * Addresses there are hex in host byte order per 32-bit word (little-endian on x86 and arm).
 * @param text the file's content (header line included).
 */
export function parseProcNetTcp(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const [hexAddr, hexPort] = f[1]!.split(':') as [string, string];
    const bytes: number[] = [];
    for (let w = 0; w < hexAddr.length; w += 8) {
      const word = hexAddr.slice(w, w + 8);
      for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
    }
    const address = bytes.length === 4
      ? bytes.join('.')
      : normaliseV6(Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16)).join(':'));
    out.push({ address, port: parseInt(hexPort, 16), inode: f[9]! });
  }
  return out;
}

/**
 * Parses `/proc/net/unix` text and returns listening stream sockets that have a path
 * (flags with `__SO_ACCEPTCON` 0x10000, type 1 = SOCK_STREAM, state 01).
 * @param text the file's content (header line included).
 */
export function parseProcNetUnix(text: string): UnixListener[] {
  const out: UnixListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    if ((parseInt(f[3]!, 16) & 0x10000) === 0 || f[4] !== '0001' || f[5] !== '01') continue;
    out.push({ inode: f[6]!, path: f.slice(7).join(' ') });
  }
  return out;
}

/**
 * The socket inodes a process has open (`/proc/PID/fd/*` -> `socket:[N]`); empty when the
 * process is gone or its fds cannot be read (another user's process without privileges).
 */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The TCP and UNIX sockets that process `pid` itself listens on (not merely any socket on the
 * machine with that port or path).
 * @param pid a process id; a gone process yields empty lists.
 */
export function listenersOf(pid: number): { tcp: TcpListener[]; unix: UnixListener[] } {
  const inodes = socketInodes(pid);
  if (inodes.size === 0) return { tcp: [], unix: [] };
  const tcp = [...parseProcNetTcp(readOr(`/proc/${pid}/net/tcp`)), ...parseProcNetTcp(readOr(`/proc/${pid}/net/tcp6`))];
  return {
    tcp: tcp.filter((s) => inodes.has(s.inode)),
    unix: parseProcNetUnix(readOr(`/proc/${pid}/net/unix`)).filter((s) => inodes.has(s.inode)),
  };
}

/**
 * Whether a listening address serves the requested bind host: the same address (IPv6 compared
 * in normal form), or any loopback address for `localhost`.
 * @param listening address from {@link parseProcNetTcp}.
 * @param host the host asked for (`127.0.0.1`, `::1`, `0.0.0.0`, `localhost`, ...).
 */
export function addressMatches(listening: string, host: string): boolean {
  if (host === 'localhost') return /^127\./.test(listening) || listening === '::1';
  if (host.includes(':')) return normaliseV6(host) === listening;
  return host === listening;
}
