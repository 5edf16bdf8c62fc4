/**
 * Which machine, boot and PID namespace an x11docker process runs in: a PID recorded on a remote
 * engine's objects (or a cluster's) means something only there. `--cleanup` judges a session by
 * its PID only when its identity is this one ({@link sessionLiveness}).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** Reads a small file's trimmed text, '' when it is missing. */
function read(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * This process's identity: 32 hex digits of SHA-256 over the machine id (`/etc/machine-id`, else
 * `/var/lib/dbus/machine-id`, else the host name), the boot id (`/proc/sys/kernel/random/boot_id`:
 * PIDs of an earlier boot are gone) and the PID namespace (`/proc/self/ns/pid`, e.g.
 * `pid:[4026531836]`: the same PID in another namespace is another process).
 * @param files where to read them (for tests).
 */
export function hostIdentity(files: { readonly machineId?: readonly string[]; readonly bootId?: string; readonly pidNs?: string } = {}): string {
  const machine = (files.machineId ?? ['/etc/machine-id', '/var/lib/dbus/machine-id']).map(read).find(Boolean) || `host:${hostname()}`;
  const boot = read(files.bootId ?? '/proc/sys/kernel/random/boot_id');
  let ns = '';
  try {
    ns = readlinkSync(files.pidNs ?? '/proc/self/ns/pid');
  } catch {
    // no /proc: the machine and boot alone
  }
  return createHash('sha256').update(`${machine}\0${boot}\0${ns}`).digest('hex').slice(0, 32);
}

/** What `--cleanup` may do with a session's objects, from their labels ({@link sessionLiveness}). */
export type SessionLiveness = 'gone' | 'live' | 'elsewhere';

/**
 * Whether a session whose objects carry `pid` and `identity` has ended: `elsewhere` when its
 * identity is not this one (its PID says nothing here: left alone), else `gone` when the PID has
 * ended, else `live`. Objects without an identity (sessions of older versions) are judged by the
 * PID alone on this machine's own engine (`unlabelled: 'pid'`), and left alone on a remote engine
 * or a cluster (`unlabelled: 'elsewhere'`), where any machine may have started them.
 * @param labels the recorded pid and identity (undefined or '' when missing).
 * @param here this process's identity ({@link hostIdentity}).
 * @param alive whether a PID runs here.
 * @param unlabelled what an object without an identity counts as: judged by its PID, or another machine's.
 */
export function sessionLiveness(labels: { readonly pid?: string; readonly identity?: string }, here: string, alive: (pid: number) => boolean, unlabelled: 'pid' | 'elsewhere' = 'pid'): SessionLiveness {
  const identity = labels.identity ?? '';
  if (identity === '' ? unlabelled === 'elsewhere' : identity !== here) return 'elsewhere';
  return alive(Number(labels.pid)) ? 'live' : 'gone';
}
