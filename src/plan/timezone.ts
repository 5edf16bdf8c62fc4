/**
 * The container's time zone: the host's, as upstream x11docker does (its issue #50): `TZ` is set
 * to the host zone's name, and the host's zone file is mounted read-only at
 * `/usr/share/zoneinfo/NAME`, where glibc, musl, Python and ICU look for a zone name, so that
 * images without tzdata (minimal, busybox) show local time too. Pure.
 */
import { ZONE_NAME, type HostTimezone } from '../host/timezone.js';
import type { RawOptions } from '../options/raw-options.js';
import { atOrBelow } from './covered.js';

/** What the container gets for its time zone. */
export interface TimezonePlan {
  /** `TZ=NAME`, before the user's `--env` values (a `--env TZ=...` wins). */
  readonly env: string;
  /** The host's zone file and where it is mounted, read-only. */
  readonly mount?: { readonly source: string; readonly target: string };
}

/**
 * @param tz the host's time zone (host/timezone.ts), undefined when unknown: then the image's own
 *   setting stays.
 * @param raw raw `docker run` options: the user's own time zone leaves the zone file out and keeps
 *   only `TZ`: a raw mount of the zone database or of /etc/localtime, a raw mount at or above the
 *   zone file's place (it would cover it), or a raw `--env TZ=...`.
 * @param userEnv `--env` values: a `TZ` there leaves the zone file out too.
 */
export function planTimezone(tz: HostTimezone | undefined, raw: RawOptions, userEnv: readonly string[]): TimezonePlan | undefined {
  if (!tz) return undefined;
  const env = `TZ=${tz.name}`;
  const target = `/usr/share/zoneinfo/${tz.name}`;
  const ownZone =
    [...userEnv, ...raw.env].some((e) => e.startsWith('TZ=')) ||
    raw.mounts.some((m) => /zoneinfo|localtime/.test(m.target) || (m.target !== '' && atOrBelow(target, m.target)));
  // (also with --read-only: the engine makes the mount point before the root filesystem becomes read-only)
  if (!tz.file || !ZONE_NAME.test(tz.name) || ownZone) return { env };
  return { env, mount: { source: tz.file, target } };
}
