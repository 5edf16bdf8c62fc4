/**
 * What a volume of docker's `local` driver mounts, judged from its driver options (`docker
 * volume create --opt KEY=VALUE`, `--mount ...,volume-opt=KEY=VALUE`; moby's volume/local reads
 * `type`, `o` and `device` and passes them to mount(2)). Pure.
 *
 * x11docker can judge two kinds: a bind mount of a host folder (`o` has `bind`, `device` an
 * absolute path, judged then as that folder) and a tmpfs. Everything else (a block device, an
 * overlay of host folders, NFS, a `device` relative to dockerd's working folder) could show the
 * container any host file and is refused by the callers.
 */

/** The verdict on one volume's driver options. */
export type VolumeKind =
  | { readonly kind: 'plain' }
  | { readonly kind: 'tmpfs' }
  | { readonly kind: 'bind'; readonly device: string }
  | { readonly kind: 'refused'; readonly why: string };

/** The fix named when a volume's driver options are refused. */
export const VOLUME_FIX = 'x11docker can judge only bind and tmpfs volumes; share a folder with --sharedir or -v DIR:PATH.';

/**
 * @param opts the local driver's options (keys lower case: `type`, `o`, `device`); empty for an ordinary volume.
 * @returns `plain` without options, `bind` with the absolute device for `o=bind`, `tmpfs` for
 *   `type=tmpfs`, else `refused` with the reason (relative device, other types).
 */
export function volumeKind(opts: Readonly<Record<string, string>>): VolumeKind {
  if (Object.keys(opts).length === 0) return { kind: 'plain' };
  const type = (opts.type ?? '').toLowerCase();
  const o = (opts.o ?? '').split(',').map((x) => x.trim().toLowerCase());
  const device = opts.device ?? '';
  if (o.includes('bind') || o.includes('rbind')) {
    if (device.startsWith('/')) return { kind: 'bind', device };
    return { kind: 'refused', why: `its volume binds device=${device}, a relative path (dockerd resolves it against its own working folder)` };
  }
  if (type === 'tmpfs') return { kind: 'tmpfs' };
  return { kind: 'refused', why: `its volume mounts ${type ? `type=${type}` : 'no type'}${device ? ` of device=${device}` : ''}${opts.o ? ` with o=${opts.o}` : ''}` };
}

/** The keys of a volume's driver options in lower case, as {@link volumeKind} reads them (from `volume inspect` .Options). */
export function lowerKeys(options: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
}
