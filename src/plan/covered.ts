/**
 * Guard for what x11docker writes into a created container (`docker cp` of the user database,
 * HOME, the init system's launchers): `docker cp` writes THROUGH bind mounts and volumes, so a
 * raw `-v /etc:/etc` after `--` would make x11docker overwrite the host's /etc/passwd. Upstream
 * x11docker never writes through a mount it did not make for that purpose; this module finds the
 * mounts (from `docker inspect` .Mounts of the created container) that cover a written path.
 * Pure: unit-tested without an engine.
 */
import { parseRawOptions } from '../options/raw-options.js';
import { posix } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import type { RawOptions } from '../options/raw-options.js';
import { SHARE_SUB_FOLDER, sharePolicy } from './sensitive.js';

/** One entry of `docker|podman container inspect` .Mounts (only the fields used here). */
export interface InspectedMount {
  /** `bind`, `volume`, `tmpfs`, ... */
  readonly Type?: string;
  /** Host path (bind) or volume data path. */
  readonly Source?: string;
  /** Absolute path in the container. */
  readonly Destination: string;
  /** Writable in the container (false for `:ro`, `readonly`). */
  readonly RW?: boolean;
}

/** True when `path` is `dir` itself or lies below it (both absolute, POSIX). */
export function atOrBelow(path: string, dir: string): boolean {
  const p = posix.normalize(path);
  const d = posix.normalize(dir).replace(/\/+$/, '') || '/';
  return d === '/' || p === d || p.startsWith(`${d}/`);
}

/**
 * Refuses when a path x11docker is about to write lies at or below a mount of the container.
 * @param written absolute container paths that x11docker writes (files and folders).
 * @param mounts the created container's mounts (`docker inspect` .Mounts).
 * @param ownTargets mount targets that x11docker made itself to write their mount point (the
 *   private tmpfs folders whose owner and mode are set through the mount point); a write exactly
 *   at one of them is expected, not a conflict. Volumes that no raw option made (the image's
 *   VOLUME folders: anonymous copies of the image's own files) are no conflict either.
 * @param raw the raw engine options after `--`, to name the one that made the mount.
 * @throws X11DockerError (exit 64) naming the written path, the mount and the raw option.
 */
export function checkWritesNotMounted(
  written: readonly string[],
  mounts: readonly InspectedMount[],
  ownTargets: readonly string[],
  raw: RawOptions,
): void {
  for (const path of written) {
    for (const m of mounts) {
      if (!atOrBelow(path, m.Destination)) continue;
      if (ownTargets.includes(posix.normalize(path)) && posix.normalize(path) === posix.normalize(m.Destination)) continue;
      const option = rawOptionFor(m.Destination, raw);
      // an anonymous volume of the image's VOLUME: a fresh copy of the image's folder, removed with the container
      if (m.Type === 'volume' && option === undefined) continue;
      throw new X11DockerError(
        `${option ? `Raw option '${printable(option)}'` : `A mount at ${printable(m.Destination)}`} covers ${printable(path)}, which x11docker writes into the container ` +
          `(${m.Type === 'bind' && m.Source ? `it would change ${printable(posix.join(m.Source, posix.relative(m.Destination, path)))} on the host` : 'it would write into the mounted volume'}). ` +
          'Drop or narrow that mount, or use --user=RETAIN to keep the image\'s own user set-up.',
      );
    }
  }
}

/**
 * The raw engine option that mounts at `destination` (`-v`/`--volume`, `--mount`, `--tmpfs`, as
 * the user wrote it), from the parsed raw options' mounts. Undefined when none matches (e.g. a
 * VOLUME of the image).
 */
export function rawOptionFor(destination: string, raw: RawOptions): string | undefined {
  const norm = (p: string) => posix.normalize(p).replace(/\/+$/, '') || '/';
  return raw.mounts.find((m) => m.target !== '' && norm(m.target) === norm(destination))?.text;
}

/**
 * Applies the sensitive-path policy of `--sharedir` (sensitive.ts) to the host folders that raw
 * options after `--` bind-mount (`-v /tmp/.X11-unix:/x`, `--mount type=bind,src=...`): a raw
 * option must not hand the container what x11docker refuses to share (the X sockets of all
 * displays, the engine socket, x11docker's cache); what it warns about is warned about.
 * Which mounts are x11docker's own is told by `own` (their targets, from its own create
 * arguments, {@link ownMountTargets}); every other bind mount is judged, whether or not a parsed
 * raw option claims it (a value that the engine reads otherwise than x11docker must not slip
 * through). Without `own`, mounts that no raw option names are skipped.
 * @param mounts the created container's mounts (`docker inspect` .Mounts).
 * @param raw the raw options after `--`.
 * @param realOf resolves a host path (symbolic links followed).
 * @param hostHome the host user's HOME.
 * @param warnings receives the warnings.
 * @param rootInside root processes run in the container: a writable mount of a system folder is
 *   refused, as for `--sharedir` (sensitive.ts).
 * @throws X11DockerError (exit 64) naming the raw option, for a refused folder.
 * @param cacheDir `--cachebasedir`: that cache folder is refused too (see sensitive.ts ShareUse).
 * @param own the targets of x11docker's own mounts (see above).
 * @param engineSockets engine sockets listening on the host (see sensitive.ts ShareUse).
 */
export function checkRawBindSources(
  mounts: readonly InspectedMount[],
  raw: RawOptions,
  realOf: (path: string) => string,
  hostHome: string,
  warnings: string[],
  rootInside = false,
  cacheDir?: string,
  own?: readonly string[],
  engineSockets?: readonly string[],
): void {
  const norm = (p: string) => posix.normalize(p).replace(/\/+$/, '') || '/';
  const ownSet = own ? new Set(own.map(norm)) : undefined;
  for (const m of mounts) {
    if (m.Type !== 'bind' || !m.Source) continue;
    let option = rawOptionFor(m.Destination, raw);
    if (option === undefined) {
      if (!ownSet || ownSet.has(norm(m.Destination))) continue;
      option = `a mount at ${m.Destination} that the options after '--' make`;
    }
    const real = realOf(m.Source);
    const v = sharePolicy(real, hostHome, { writableByRoot: rootInside && m.RW !== false, cacheDir, engineSockets });
    if (v.level === 'refuse') {
      throw new X11DockerError(`Raw option '${printable(option)}' is refused: it shares ${printable(real)} and ${v.why}. ${v.fix ?? SHARE_SUB_FOLDER}`);
    }
    if (v.level === 'mask') {
      // --sharedir hides x11docker's cache in such a folder with an empty tmpfs; a raw mount cannot
      throw new X11DockerError(
        `Raw option '${printable(option)}' is refused: it shares ${printable(real)}, which contains x11docker's cache ${v.cache} with the cookies of all your sessions. ` +
          `Use --sharedir ${printable(m.Source)} (x11docker hides its cache there), or share a sub folder.`,
      );
    }
    if (v.level !== 'ok') warnings.push(`Raw option '${printable(option)}': ${v.why}.`);
  }
}

/**
 * Refuses raw mounts (options after `--`) at or above one of x11docker's own mount targets (the
 * X socket under /tmp/.X11-unix, the cookie, the locale, HOME, shared folders): the engine would
 * create x11docker's mount point inside the raw mount's source (a write onto the host), and the
 * container would see the raw folder around x11docker's files. x11docker's own mounts are those
 * that no raw option names, or with `own` (their targets, {@link ownMountTargets}) those listed there.
 * @throws X11DockerError (exit 64) naming the raw option and the covered target.
 */
export function checkRawOverOwn(mounts: readonly InspectedMount[], raw: RawOptions, own?: readonly string[]): void {
  const norm = (p: string) => posix.normalize(p).replace(/\/+$/, '') || '/';
  const ownSet = own ? new Set(own.map(norm)) : undefined;
  // with `own`: a mount that is not x11docker's own is raw, whether or not a parsed raw option claims it
  // (not an anonymous volume of the image's VOLUME)
  const rawOf = (m: InspectedMount) => rawOptionFor(m.Destination, raw) ?? (ownSet && m.Type !== 'volume' && !ownSet.has(norm(m.Destination)) ? `a mount at ${m.Destination} that the options after '--' make` : undefined);
  // in path order, so the error names the same covered path every time (the engine lists mounts in no fixed order)
  const named = [...mounts].sort((a, b) => (a.Destination < b.Destination ? -1 : a.Destination > b.Destination ? 1 : 0)).map((m) => ({ m, raw: rawOf(m) }));
  for (const r of named) {
    if (r.raw === undefined) continue;
    for (const own of named) {
      if (own.raw !== undefined || own.m.Type === 'volume') continue;
      if (atOrBelow(own.m.Destination, r.m.Destination)) {
        throw new X11DockerError(`Raw option '${printable(r.raw)}' covers ${printable(own.m.Destination)}, where x11docker mounts its own files. Mount it elsewhere, e.g. below /mnt.`);
      }
    }
  }
}

/**
 * The mounts that docker lists in `.Mounts` for a container made with `createArgs`, read from
 * the arguments themselves instead of asking the engine: `-v` and `--mount` (x11docker's and the
 * raw ones) as {@link InspectedMount}s; `--tmpfs` ones are not listed by docker, so not here
 * either; nor are the image's VOLUME folders, which the checks here never count against a write
 * (anonymous copies). With `--volumes-from` the mounts come from another container: undefined
 * then (ask the engine).
 * @param createArgs `['create', ...flags, '--', IMAGE, ...]` (plan.ts containerCreateArgs).
 */
export function declaredMounts(createArgs: readonly string[]): InspectedMount[] | undefined {
  const end = createArgs.indexOf('--');
  const flags = parseRawOptions(createArgs.slice(createArgs[0] === 'create' ? 1 : 0, end < 0 ? undefined : end), true);
  if (flags.has('--volumes-from')) return undefined;
  return flags.options
    .filter((o) => o.flag === '--volume' || o.flag === '--mount')
    .flatMap((o) => flags.mounts.filter((m) => m.text === o.text))
    .filter((m, i, all) => all.indexOf(m) === i)
    .map((m) => ({ Type: m.type, ...(m.source !== undefined ? { Source: m.source } : {}), Destination: m.target, RW: !m.readonly }));
}

/**
 * The mount targets that x11docker's own create arguments make: `createArgs` without the raw
 * options after `--` (`engineArgs`, one block just before the image's `--`, plan.ts
 * containerCreateArgs).
 * @param createArgs `['create', ...flags, '--', IMAGE, ...]`.
 * @param engineArgs the raw options as they were put into `createArgs`.
 */
export function ownMountTargets(createArgs: readonly string[], engineArgs: readonly string[]): string[] {
  const end = createArgs.indexOf('--');
  const flags = createArgs.slice(createArgs[0] === 'create' ? 1 : 0, end < 0 ? undefined : end);
  let at = -1;
  for (let i = flags.length - engineArgs.length; i >= 0 && engineArgs.length > 0; i--) {
    if (engineArgs.every((w, j) => flags[i + j] === w)) {
      at = i;
      break;
    }
  }
  const own = at < 0 ? flags : [...flags.slice(0, at), ...flags.slice(at + engineArgs.length)];
  return parseRawOptions(own, true).mounts.map((m) => m.target).filter((t) => t !== '');
}
