/**
 * Warnings for raw `docker run` options (after `--`) that weaken the container's isolation, in
 * the same words as x11docker's own options that do the same (upstream warns for every option
 * that degrades isolation; a raw option must not be a quiet way around that). Pure.
 */
import { printable, X11DockerError } from '../errors.js';
import { parseBool, type RawOptions } from '../options/raw-options.js';
import { isRootUser } from './root-user.js';
import { VOLUME_FIX, volumeKind } from '../options/volume-opts.js';
import { sharePolicy, type ShareUse } from './sensitive.js';

/**
 * Refuses raw `docker run` options (after `--`) that hand the container what x11docker refuses to
 * share, in a way its mount checks cannot judge:
 * - `--use-api-socket` (docker 28) mounts the engine's socket: whoever can use it is root on the host;
 * - `--volumes-from` copies another container's mounts, which no option of this command line names
 *   (a container made with `-v /:/host` would hand over the host's root);
 * - `--mount type=volume,...,volume-opt=...` of the local driver other than a bind of an absolute
 *   folder or a tmpfs (src/options/volume-opts.ts): a block device, an overlay of host folders, or a
 *   `device=` relative to dockerd's working folder (`../../..` is the host's /).
 * @param raw the options after `--`, parsed.
 * @throws X11DockerError (exit 64) naming the option and the way to get on.
 */
export function refuseRawOptions(raw: RawOptions): void {
  for (const { flag, text } of raw.options) {
    if (flag === '--use-api-socket') {
      throw new X11DockerError(`Raw option '${printable(text)}' is refused: it mounts the container engine's socket, and whoever can use it is root on the host.`);
    }
    if (flag === '--volumes-from') {
      throw new X11DockerError(`Raw option '${printable(text)}' is refused: x11docker cannot judge the mounts of another container (it could hand over the host's root, X sockets or x11docker's cache). Name the folders instead: --sharedir DIR or -v DIR:PATH.`);
    }
  }
  for (const m of raw.mounts) {
    if (!m.volumeOptions || (m.volumeDriver ?? 'local') !== 'local') continue;
    const kind = volumeKind(m.volumeOptions);
    if (kind.kind === 'refused') throw new X11DockerError(`Raw option '${printable(m.text)}' is refused: ${printable(kind.why, 300)}. ${VOLUME_FIX}`);
  }
}

/**
 * Refuses raw `--env-file FILE` and `--label-file FILE` whose file lies where x11docker refuses
 * to share (sensitive.ts sharePolicy): x11docker's cache (another session's `html.url` with its
 * VNC password and token would end up in the container's environment), the X sockets, the
 * engine's folders. The engine reads these files on the host and hands their lines to the container.
 * @param raw the options after `--`, parsed.
 * @param realOf the resolved host path of a given file (symbolic links followed); unknown: as given.
 * @param hostHome the host user's HOME.
 * @param use `cacheDir` (--cachebasedir) and `engineSockets`, as for shares.
 * @throws X11DockerError (exit 64) naming the option and the fix.
 */
export function refuseRawFiles(raw: RawOptions, realOf: (path: string) => string, hostHome: string, use: Pick<ShareUse, 'cacheDir' | 'engineSockets'> = {}): void {
  for (const { flag, value, text } of raw.options) {
    if ((flag !== '--env-file' && flag !== '--label-file') || value === undefined) continue;
    const real = realOf(value);
    const v = sharePolicy(real, hostHome, { ...use, readonly: true });
    if (v.level === 'refuse') {
      throw new X11DockerError(`Raw option '${printable(text)}' is refused: it reads ${printable(real)} and ${v.why}. Give a file of your own.`);
    }
  }
}

/**
 * @param raw the options after `--`, parsed.
 * @returns one warning per isolation-weakening raw option: `--privileged` (unless its last
 *   occurrence says false), `--cap-add`,
 *   `--pid=host`, `--ipc=host`, `--network=host`, `--uts=host`, `--userns=host` (turns a
 *   daemon's remapping off), `--user`/`-u` root, `--device`, `--device-cgroup-rule`, and `--security-opt` values
 *   that turn off no-new-privileges, seccomp, AppArmor or SELinux labels.
 */
export function rawOptionWarnings(raw: RawOptions): string[] {
  const warnings: string[] = [];
  if (raw.has('--privileged')) {
    warnings.push('docker run option --privileged gives the container all capabilities and all host devices, without seccomp or AppArmor: it is as good as root on the host. VERY insecure.');
  }
  for (const { flag, written, value } of raw.options) {
    const v = value ?? '';
    if (flag === '--cap-add') {
      warnings.push(`docker run option --cap-add=${v} gives the container back a capability that x11docker drops. If an application breaks out of the container, it can use it on the host.`);
    } else if (flag === '--pid' && v === 'host') {
      warnings.push('docker run option --pid=host shares the host process namespace: the container sees all host processes and, through /proc/PID/root, their files (x11docker\'s cache with all session cookies, the X sockets of all displays). Severe reduction of container isolation.');
    } else if (flag === '--ipc' && v === 'host') {
      warnings.push('docker run option --ipc=host shares the host IPC namespace (shared memory, MIT-SHM), as --hostipc does. Severe reduction of container isolation.');
    } else if (flag === '--network' && v === 'host') {
      warnings.push('docker run option --network=host shares the host network stack, as --hostnet does: the container can reach services on the host\'s localhost, and abstract unix sockets such as X displays listening there.');
    } else if ((flag === '--pid' || flag === '--ipc' || flag === '--network') && v.startsWith('container:')) {
      const other = v.slice('container:'.length);
      const what = flag === '--pid'
        ? `the process namespace of container ${other}: the container sees its processes and, through /proc/PID/root, its files (for an x11docker session: its X socket and cookie, so its display)`
        : flag === '--ipc'
          ? `the IPC namespace of container ${other} (shared memory, MIT-SHM of its X clients)`
          : `the network stack of container ${other}: its services on localhost and abstract unix sockets such as X displays listening there`;
      warnings.push(`docker run option ${flag}=${v} shares ${what}. Reduction of container isolation.`);
    } else if (flag === '--uts' && v === 'host') {
      warnings.push('docker run option --uts=host shares the host\'s hostname namespace.');
    } else if (flag === '--user' && isRootUser(v)) {
      warnings.push(`docker run option ${written}=${v} runs the container command as root, as --user=root does. Its capabilities are dropped and no-new-privileges is set, but root in a container is still more dangerous if it breaks out.`);
    } else if (flag === '--userns' && v === 'host') {
      warnings.push('docker run option --userns=host turns off the user namespace remapping of a docker daemon that uses it (userns-remap): root in the container is then root on the host.');
    } else if (flag === '--device-cgroup-rule') {
      warnings.push(`docker run option --device-cgroup-rule=${v} allows the container to use host devices.`);
    } else if (flag === '--device') {
      warnings.push(`docker run option --device=${v} gives the container access to a host device.`);
    } else if (flag === '--security-opt' && (/^(seccomp[:=]unconfined|apparmor[:=]unconfined|label[:=]disable|systempaths[:=]unconfined)$/.test(v) || noNewPrivilegesOff(v))) {
      warnings.push(`docker run option --security-opt=${v} turns off a protection that x11docker sets or relies on. Reduction of container isolation.`);
    }
  }
  return warnings;
}

/**
 * Whether a `--security-opt` value turns no-new-privileges off: `no-new-privileges=VALUE` (or
 * `:VALUE`) with any false spelling of Go's strconv.ParseBool (`false`, `0`, `f`, `F`, `False`,
 * `FALSE`), as docker reads it.
 */
function noNewPrivilegesOff(value: string): boolean {
  const m = /^no-new-privileges[:=](.*)$/.exec(value);
  return !!m && parseBool(m[1]!) === false;
}

/** Our `docker run` defaults that a raw option after `--` replaces: [its flag (any spelling counts), what we drop]. */
const overridable: ReadonlyArray<readonly [string, string]> = [
  ['--network', '--network=none'],
  ['--name', '--name'],
  ['--workdir', '--workdir'],
  ['--user', "container user (its passwd entry and HOME are set up for x11docker's user, not this one)"],
];

/**
 * @param raw the options after `--`, parsed.
 * @returns one note per x11docker default that a raw option replaces (`--network`, `--name`,
 *   `--workdir`, `--user`), in any of the option's spellings.
 */
export function rawOptionNotes(raw: RawOptions): string[] {
  return overridable.filter(([flag]) => raw.has(flag)).map(([flag, ours]) => `docker run option ${flag} after '--' replaces x11docker's ${ours}.`);
}

/**
 * A raw `--publish`/`-p` or `--publish-all`/`-P` (after `--`) maps a container port to the host,
 * but under x11docker's default `--network=none` the container has no network interface to map:
 * docker accepts the option and nothing answers on the port (upstream says nothing about it).
 * @param raw the options after `--`, parsed.
 * @param network the container's network as planned (`none` is x11docker's default); a raw
 *   `--network` after `--` wins over it.
 * @returns a note naming `--network`, or undefined when no port is published or there is a network.
 */
export function publishNote(raw: RawOptions, network: string | undefined): string | undefined {
  const flag = ['--publish', '--publish-all'].find((f) => raw.has(f));
  if (flag === undefined || (raw.value('--network') ?? network) !== 'none') return undefined;
  return `docker run option ${flag} has no effect with x11docker's default --network=none: the container has no network for the port. Add --network (the engine's default network, bridge) to reach it.`;
}
