import { readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The host's time zone, as the container should get it.
 * Upstream x11docker (issue #50) always sets `TZ` in the container and provides the host's zone
 * file; this follows that.
 */
export interface HostTimezone {
  /** A tz database name (`Europe/Berlin`, `Etc/UTC`) or a POSIX TZ string (`UTC+05`, `EST5EDT`). */
  readonly name: string;
  /** The host's compiled zone file (TZif) for `name`, when there is one. */
  readonly file?: string;
}

/** A tz database name: path segments of letters, digits, `_`, `+`, `-`; no `.` or `..`. */
export const ZONE_NAME = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

/** The zone name in a path like `/usr/share/zoneinfo/Europe/Berlin` (also below `posix/`). */
function zoneOfPath(path: string): string | undefined {
  const name = /\/zoneinfo\/(?:posix\/)?(.+)$/.exec(path)?.[1];
  return name && ZONE_NAME.test(name) ? name : undefined;
}

function regularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The zone of a zone file path: its own path, or the symbolic link it is (the name from the link
 * itself: zone files may be links to other names, e.g. Etc/UTC -> ../UCT), else its target.
 */
function zoneOfFile(path: string): HostTimezone | undefined {
  try {
    const target = realpathSync(path);
    if (!regularFile(target)) return undefined;
    let linked: string | undefined;
    try {
      linked = resolve(dirname(path), readlinkSync(path));
    } catch {
      // not a link
    }
    const name = zoneOfPath(path) ?? (linked ? zoneOfPath(linked) : undefined) ?? zoneOfPath(target);
    return name ? { name, file: target } : undefined;
  } catch {
    return undefined; // no such file
  }
}

/**
 * Finds the host's time zone the way glibc does: `TZ` first (a zone name, `:NAME`, or a path to
 * a zone file; else a POSIX string passed on as it is), then `/etc/localtime` (a symbolic link
 * into the zone database names the zone), then `/etc/timezone` (Debian).
 * @param env the environment to read (normally `process.env`).
 * @param root prefix for the host paths (tests use a temporary folder).
 * @returns undefined when nothing says which zone the host uses.
 */
export function hostTimezone(env: NodeJS.ProcessEnv = process.env, root = ''): HostTimezone | undefined {
  const zoneinfo = `${root}/usr/share/zoneinfo`;
  const tz = env.TZ?.replace(/^:/, '');
  if (tz && !/[\s\0]/.test(tz)) {
    if (tz.startsWith('/')) return zoneOfFile(root ? `${root}${tz}` : tz);
    if (ZONE_NAME.test(tz) && regularFile(`${zoneinfo}/${tz}`)) return { name: tz, file: `${zoneinfo}/${tz}` };
    return /^[\x21-\x7e]{1,64}$/.test(tz) ? { name: tz } : undefined;
  }
  const local = zoneOfFile(`${root}/etc/localtime`);
  if (local) return local;
  try {
    const name = readFileSync(`${root}/etc/timezone`, 'utf8').split('\n')[0]!.trim();
    if (ZONE_NAME.test(name) && regularFile(`${zoneinfo}/${name}`)) return { name, file: `${zoneinfo}/${name}` };
  } catch {
    // no /etc/timezone
  }
  return undefined;
}
