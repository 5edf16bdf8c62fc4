/**
 * The init, service and device options of the container (issue 4, second half), read from the
 * parser's flags and values. Kept apart from parse.ts so that the central parser only calls
 * {@link parseServiceOptions}.
 *
 * Upstream x11docker: `--init[=tini|systemd|runit|openrc|sysvinit|s6-overlay|none]` with the short forms
 * `--no-init`, `--systemd`, `--runit`, `--openrc`, `--sysvinit`; `--dbus`, `--dbus-system`;
 * `--pulseaudio`, `--alsa[=ALSA_CARD]`, `--gpu`, `--hostipc`, `--cap-default`, `--sys-admin`,
 * `--runasroot CMD`, `--runasuser CMD`.
 */
import { printable, X11DockerError } from '../errors.js';

/** PID 1 of the container: the engine's tini (default), none, or a real init system. */
export type InitSystem = 'tini' | 'none' | 'systemd' | 'runit' | 'openrc' | 'sysvinit' | 's6-overlay';

/** Init systems x11docker can run as PID 1 (value of `--init=`). */
export const initSystems: readonly InitSystem[] = ['tini', 'none', 'systemd', 'runit', 'openrc', 'sysvinit', 's6-overlay'];

/** Upstream's other spellings of `--init=` values: `no` is `none`, `dockerinit` the engine's init (tini). */
const initAliases: Readonly<Record<string, InitSystem>> = { no: 'none', dockerinit: 'tini' };

/** What the user asked for about init, services, devices and privileges. */
export interface ServiceOptions {
  /** PID 1 (the last of `--init=`, `--no-init`, `--systemd`, ... wins). */
  readonly init: InitSystem;
  /** `--dbus`: run the command in a dbus user session (dbus-launch, else dbus-run-session). */
  readonly dbus: boolean;
  /** `--dbus-system`: start the dbus system daemon (implies `--dbus`). */
  readonly dbusSystem: boolean;
  /** `--pulseaudio`: share the host's PulseAudio socket and cookie. */
  readonly pulseaudio: boolean;
  /**
   * `--pulseaudio=MODE`: `socket` (default) or upstream's `host` (the same socket at upstream's
   * path `/tmp/pulseaudio.socket.host`, read-only bind mount) or upstream's `tcp` (a TCP module
   * loaded into the host's PulseAudio for the session; needs `--network`).
   */
  readonly pulseaudioMode?: 'socket' | 'host' | 'tcp';
  /** `--pipewire`: share the host user's PipeWire socket (and pipewire-pulse's socket, if any). */
  readonly pipewire?: boolean;
  /** `--alsa[=CARD]`: share /dev/snd; CARD becomes ALSA_CARD. */
  readonly alsa: boolean;
  readonly alsaCard?: string;
  /** `--gpu`: share /dev/dri (and NVIDIA devices) with the video and render groups. */
  readonly gpu: boolean;
  /** `--gpu=iglx`: also indirect GLX rendering (`+iglx`) on `--xorg`. */
  readonly gpuIglx?: boolean;
  /** `--hostipc`, or `--ipc` / `--ipc=host`: `--ipc=host`. */
  readonly hostipc: boolean;
  /** `--ipc[=MODE]`: `host` (with `hostipc`), or another of docker's IPC modes (`private`, `shareable`, `none`, `container:NAME`). */
  readonly ipcMode?: string;
  /** `--cap-default`: keep the engine's default capabilities (no `--cap-drop=ALL`). */
  readonly capDefault: boolean;
  /** `--sys-admin`: add capability SYS_ADMIN. */
  readonly sysAdmin: boolean;
  /** `--runasroot CMD` (repeatable, in order): shell commands run as root in the container before the command. */
  readonly runAsRoot: readonly string[];
  /** `--sharecgroup`: the host's /sys/fs/cgroup, read-only. */
  readonly shareCgroup?: boolean;
  /** `--runasuser CMD` (repeatable, in order): shell commands run as the container user before the command. */
  readonly runAsUser: readonly string[];
  /** Set by the plan for `--checkwindow`: the user launcher stays after the command (plan/launchers.ts userLauncher). */
  readonly keepAlive?: boolean;
}

/** Defaults: tini, nothing shared, all capabilities dropped. */
export function defaultServiceOptions(): ServiceOptions {
  return { init: 'tini', dbus: false, dbusSystem: false, pulseaudio: false, alsa: false, gpu: false, hostipc: false, capDefault: false, sysAdmin: false, runAsRoot: [], runAsUser: [] };
}

/** One parsed option in command-line order, as the parser saw it. */
export interface OrderedOption {
  readonly name: string;
  readonly value?: string;
}

/**
 * Reads the service options from the parsed command line.
 * @param given the options in command-line order (long names, values where given).
 * @throws X11DockerError for an unknown `--init=` value or a bad `--alsa=` card name.
 */
export function parseServiceOptions(given: readonly OrderedOption[]): ServiceOptions {
  const o = { ...defaultServiceOptions() } as { -readonly [K in keyof ServiceOptions]: ServiceOptions[K] };
  for (const { name, value } of given) {
    switch (name) {
      case 'init':
        if (value === undefined) o.init = 'tini';
        else if ((initSystems as readonly string[]).includes(value)) o.init = value as InitSystem;
        else if (Object.hasOwn(initAliases, value)) o.init = initAliases[value]!;
        else throw new X11DockerError(`Option --init=${printable(value)} is not supported. Use one of: ${initSystems.join(', ')}.`);
        break;
      case 'no-init': o.init = 'none'; break;
      case 'systemd': case 'runit': case 'openrc': case 'sysvinit': o.init = name; break;
      case 'dbus':
        // upstream: yes|user|session (the user session), system (also the system daemon), no
        if (value === 'system') {
          o.dbusSystem = true;
        } else if (value === 'no') {
          o.dbus = false;
          o.dbusSystem = false;
          break;
        } else if (value !== undefined && !['yes', 'user', 'session'].includes(value)) {
          throw new X11DockerError(`Option --dbus takes no value, yes, user, session, system or no (got '${printable(value)}'): --dbus or --dbus=system.`);
        }
        o.dbus = true;
        break;
      case 'dbus-system': o.dbusSystem = true; o.dbus = true; break;
      case 'pulseaudio':
        if (value !== undefined && value !== 'socket' && value !== 'host' && value !== 'tcp' && value !== 'auto') {
          throw new X11DockerError(`Option --pulseaudio=${printable(value)}: unknown mode. Use --pulseaudio, --pulseaudio=socket, --pulseaudio=host or --pulseaudio=tcp.`);
        }
        o.pulseaudio = true;
        o.pulseaudioMode = value === 'host' || value === 'tcp' ? value : 'socket';
        break;
      case 'pipewire': o.pipewire = true; break;
      case 'alsa':
        if (value !== undefined && !/^[A-Za-z0-9_.,-]{1,64}$/.test(value)) {
          throw new X11DockerError(`Option --alsa=CARD needs a sound card name like Generic (see aplay -l), got '${printable(value)}'.`);
        }
        o.alsa = true;
        if (value !== undefined) o.alsaCard = value;
        break;
      case 'gpu':
        // upstream also accepts `direct` (direct rendering, what --gpu does anyway)
        if (value === undefined || value === 'yes' || value === 'direct' || value === 'iglx') {
          o.gpu = true;
          o.gpuIglx = value === 'iglx';
        } else if (value === 'no') {
          o.gpu = false;
          o.gpuIglx = false;
        } else {
          throw new X11DockerError(`Option --gpu takes yes, no, direct or iglx (got '${printable(value)}'): --gpu, --gpu=no or --gpu=iglx.`);
        }
        break;
      case 'hostipc': o.hostipc = true; o.ipcMode = undefined; break;
      case 'sharecgroup': o.shareCgroup = true; break;
      case 'ipc':
        // upstream: --ipc without a value is --ipc=host; other values are docker's IPC modes
        if (value === undefined || value === 'host') {
          o.hostipc = true;
          o.ipcMode = 'host';
        } else if (value === 'no') {
          // upstream's default value: no --ipc option at all (the engine's private namespace)
          o.ipcMode = undefined;
          o.hostipc = false;
        } else if (/^(private|shareable|none|container:[A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/.test(value)) {
          o.ipcMode = value;
          o.hostipc = false;
        } else {
          throw new X11DockerError(`Option --ipc=${printable(value)} is no IPC mode of docker run. Use --ipc (the host's, as --hostipc), --ipc=no, --ipc=private, --ipc=shareable, --ipc=none or --ipc=container:NAME.`);
        }
        break;
      case 'cap-default': o.capDefault = true; break;
      case 'sys-admin': o.sysAdmin = true; break;
      case 'runasuser':
        if (!value || value.trim() === '' || value.includes('\0')) throw new X11DockerError('Option --runasuser needs a shell command, e.g. --runasuser "xrdb -merge ~/.Xresources".');
        o.runAsUser = [...o.runAsUser, value];
        break;
      case 'runasroot':
        if (!value || value.trim() === '' || value.includes('\0')) throw new X11DockerError('Option --runasroot needs a shell command, e.g. --runasroot "service cups start".');
        o.runAsRoot = [...o.runAsRoot, value];
        break;
      default: break;
    }
  }
  return o;
}
