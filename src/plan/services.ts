/**
 * The container side of the init, service, device and privilege options (pure: options and host
 * facts in, `docker create` additions and files out). Upstream x11docker's behaviour, from its
 * README (see /work/shared/reference): tini as PID 1 by default (`docker run --init`);
 * `--no-init`; init systems as PID 1 (systemd, runit, OpenRC, SysVinit) that start the command
 * as the container user and get only the few capabilities they need; `--dbus` runs the command
 * with dbus-launch (fallback dbus-run-session); `--dbus-system` starts the dbus system daemon;
 * `--pulseaudio`, `--alsa`, `--gpu`, `--hostipc`, `--cap-default`, `--sys-admin` share host
 * resources or privileges, each with the reference's warning.
 */
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Backend } from '../options/parse.js';
import type { InitSystem, ServiceOptions } from '../options/services.js';
import type { ImageConfig } from './image.js';
import type { ContainerUser } from './userdb.js';
import { bindMount } from './argv.js';
import { quoteWords } from '../quote.js';
import { environmentStarter, EXIT_DIR, LAUNCH_DIR, LAUNCH_ROOT, LAUNCH_RUN, LAUNCH_USER, rootLauncher, SYSTEMD_PID1, systemdPid1, userLauncher } from './launchers.js';

/** Where the PulseAudio socket and cookie appear in the container. */
export const PULSE_SOCKET = '/x11docker/pulse/native';
export const PULSE_COOKIE = '/x11docker/pulse/cookie';
/** Where `--pulseaudio=host` puts the host's PulseAudio socket (upstream's path). */
export const PULSE_HOST_SOCKET = '/tmp/pulseaudio.socket.host';
/** Where `--pipewire` puts the host user's PipeWire socket (PIPEWIRE_REMOTE points to it). */
export const PIPEWIRE_SOCKET = '/x11docker/pipewire/pipewire-0';
/** Where `--pipewire` puts pipewire-pulse's PulseAudio socket (upstream's path). */
export const PIPEWIRE_PULSE_SOCKET = '/tmp/pipewirepulseaudio.socket.host';

/**
 * Capabilities each init system gets in addition to none (x11docker drops all by default):
 * switching to the container user (SETUID, SETGID, and SETPCAP to drop the bounding set of
 * services), ending processes at shutdown (KILL), powering the container off (SYS_BOOT) and
 * preparing its runtime folders (CHOWN, FOWNER, DAC_OVERRIDE). The reference: "--systemd,
 * --openrc and --runit allow some container capabilities that x11docker would drop otherwise".
 */
export const initCapabilities: Readonly<Record<InitSystem, readonly string[]>> = {
  tini: [],
  none: [],
  systemd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_BOOT'],
  runit: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_BOOT'],
  openrc: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_BOOT'],
  sysvinit: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_BOOT'],
  // upstream: "user switching capabilities ... still within default docker capabilities" (no SYS_BOOT)
  's6-overlay': ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID'],
};
/** `--dbus-system` alone (with tini): dbus-daemon switches to user messagebus; we switch to the container user. */
export const dbusSystemCapabilities: readonly string[] = ['CHOWN', 'SETGID', 'SETUID'];

/** PID 1 of each init system in a Debian-like image. */
const initBinary: Readonly<Record<Exclude<InitSystem, 'tini' | 'none'>, string>> = {
  systemd: '/lib/systemd/systemd',
  // s6-overlay v3 (just-containers): /init runs its services, then its arguments as the main program, and
  // stops the container when that ends (with its exit code)
  's6-overlay': '/init',
  runit: '/sbin/runit',
  openrc: '/sbin/openrc-init',
  sysvinit: '/sbin/init',
};


/** A file x11docker writes into the container (as root) before it starts. */
export interface ServiceFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** What the service options add to the container. */
export interface ServicePlan {
  readonly init: InitSystem;
  /** `--cap-drop=ALL` (false with `--cap-default`). */
  readonly capDrop: boolean;
  /** Capabilities added (sorted, no duplicates). */
  readonly capAdd: readonly string[];
  /** More `docker create` options: devices, mounts, groups, ipc, tmpfs. */
  readonly args: readonly string[];
  /** Environment variables (NAME=VALUE) for the container. */
  readonly env: readonly string[];
  /** The container starts as root (an init system or the dbus system daemon) and our launcher switches to the container user. */
  readonly rootLaunch: boolean;
  /** Replaces the image's ENTRYPOINT when set. */
  readonly entrypoint?: string;
  /** With `entrypoint`: its arguments (the command is then inside the launcher's argv or files). */
  readonly entrypointArgs: readonly string[];
  /** Files written into the container before start. */
  readonly files: readonly ServiceFile[];
  /** True when the command's exit code comes back through a file in {@link EXIT_DIR}. */
  readonly exitCodeFile: boolean;
  /**
   * `--pulseaudio=tcp`: the name or address under which the container reaches the host. The
   * session loads `module-native-protocol-tcp` on a free port into the host's PulseAudio before
   * the container is created (run/pulse-tcp.ts) and sets `PULSE_SERVER=tcp:HOST:PORT`.
   */
  readonly pulseTcp?: {
    readonly host: string;
    /**
     * The host's cookie file: libpulse opens a cookie read-write and gives up on a read-only
     * mount (EROFS), so the session mounts a copy (run/pulse-tcp.ts) writable at {@link PULSE_COOKIE}.
     */
    readonly cookie?: string;
    /** The host's PulseAudio socket the plan found: pactl talks to that daemon (`PULSE_SERVER=unix:...`). */
    readonly socket: string;
  };
}

/**
 * `--pulseaudio=tcp`: how the container reaches the host's PulseAudio TCP port. Upstream writes
 * the host's IP; here, as `--printer=tcp`, the engine's name for the host.
 * @param backend the engine: docker and nerdctl get `--add-host=host.docker.internal:host-gateway`,
 *   podman names the host `host.containers.internal` itself.
 * @param network the container's network (`none`: no way to the host; `host`: the host's loopback).
 * @returns the host name and the `docker create` options, or undefined without network.
 */
export function pulseTcpHost(backend: string, network: string | undefined): { readonly host: string; readonly args: readonly string[] } | undefined {
  if (network === 'none') return undefined;
  if (network === 'host') return { host: '127.0.0.1', args: [] };
  if (backend === 'podman') return { host: 'host.containers.internal', args: [] };
  return { host: 'host.docker.internal', args: ['--add-host=host.docker.internal:host-gateway'] };
}

/**
 * Plans the service options for one container.
 * @param s the service options.
 * @param host host facts (devices and PulseAudio files in `resources`).
 * @param user the container user.
 * @param image the image's configuration (its ENTRYPOINT and CMD make the command when none is given).
 * @param command the command after IMAGE (may be empty).
 * @param warnings receives the reference's isolation warnings.
 * @param notes receives notes (missing devices, ...).
 * @param backend the container engine; rootless podman (x11docker not run as root) gets
 *   `--userns=keep-id`, as upstream: the host user's uid and gid are the same inside, so the
 *   container user can use the X socket, the cookie and shared folders.
 * @param workdir the folder the command starts in under an init system (`--workdir`, else the
 *   image's WORKDIR, else HOME), as without one; default HOME.
 * @param network the container's network (`none`, a name, or undefined for the engine's default): `--pulseaudio=tcp` needs one other than `none`.
 * @throws X11DockerError when `--pulseaudio` finds no PulseAudio socket (or `--pulseaudio=tcp`
 *   no pactl), or `--pipewire` no PipeWire socket, on the host.
 */
export function planServices(
  s: ServiceOptions,
  host: HostFacts,
  user: ContainerUser,
  image: ImageConfig,
  command: readonly string[],
  warnings: string[],
  notes: string[],
  backend: Backend = 'docker',
  workdir: string = user.home,
  network?: string,
): ServicePlan {
  const caps = new Set<string>(initCapabilities[s.init]);
  const args: string[] = [];
  const env: string[] = [];
  const groups = new Set<number>();
  const res = host.resources;
  const realInit = s.init !== 'tini' && s.init !== 'none';

  if (s.init === 'systemd' && res?.cgroup === undefined) {
    throw new X11DockerError(
      'Option --systemd needs a cgroup file system on the host: neither the named systemd hierarchy /sys/fs/cgroup/systemd (cgroup v1) nor cgroup v2 at /sys/fs/cgroup was found. Mount one, or use --openrc, --runit or --sysvinit.',
    );
  }
  if (s.init === 'sysvinit') notes.push("Option --sysvinit: SysVinit sends the command's output to /dev/console, which the container does not have; it is not shown.");
  if (realInit) {
    warnings.push(
      `Option --${s.init === 's6-overlay' ? 'init=s6-overlay' : s.init}: the init system runs as root in the container (PID 1) and gets capabilities that x11docker drops otherwise ` +
        `(${initCapabilities[s.init].join(', ')}). The command still runs as the container user.`,
    );
    if (s.init === 'systemd') {
      warnings.push(
        res?.cgroup === 'v2'
          ? 'Option --systemd shares the host cgroup file system /sys/fs/cgroup (writable, host cgroup namespace): root in the container can change cgroups of the host.'
          : 'Option --systemd shares the host cgroup hierarchy /sys/fs/cgroup/systemd (writable, host cgroup namespace; no resource controllers): root in the container can create cgroups there.',
      );
    }
  }
  if (s.init === 'none') notes.push('Option --no-init: no init in the container; zombie processes are not reaped.');
  if (s.dbusSystem) {
    for (const c of dbusSystemCapabilities) caps.add(c);
    warnings.push(`Option --dbus-system: the dbus system daemon runs as root in the container, with capabilities ${dbusSystemCapabilities.join(', ')}.`);
  }

  if (s.runAsRoot.length > 0) {
    for (const c of dbusSystemCapabilities) caps.add(c);
    warnings.push(`Option --runasroot: ${s.runAsRoot.length === 1 ? 'the command runs' : 'the commands run'} as root in the container, with capabilities ${dbusSystemCapabilities.join(', ')}; the image command still runs as the container user.`);
  }

  let pulseTcp: ServicePlan['pulseTcp'];
  if (s.pulseaudio) {
    const mode = s.pulseaudioMode ?? 'socket';
    const option = `--pulseaudio${mode === 'socket' ? '' : `=${mode}`}`;
    if (!res?.pulseSocket) {
      throw new X11DockerError(
        `Option ${option}: no PulseAudio socket found on the host (PULSE_SERVER, $XDG_RUNTIME_DIR/pulse/native). Start pulseaudio (pulseaudio --start) or leave --pulseaudio out.`,
      );
    }
    // tcp: upstream's TCP mode, a module-native-protocol-tcp on a free port; the container needs a network
    const tcp = mode === 'tcp' ? pulseTcpHost(backend, network) : undefined;
    if (mode === 'tcp' && !host.binaries.has('pactl')) {
      throw new X11DockerError('Option --pulseaudio=tcp needs pactl on the host to load the TCP module into your PulseAudio (Debian package pulseaudio-utils). Install it, or use --pulseaudio.');
    }
    if (mode === 'tcp' && !tcp) {
      // upstream: a note, and --pulseaudio off (check_fallback)
      notes.push('Option --pulseaudio=tcp has no effect without network access: the container gets no sound. Add --network (-I), or use --pulseaudio (the socket).');
    } else {
      if (tcp) {
        args.push(...tcp.args);
        pulseTcp = { host: tcp.host, socket: res.pulseSocket, ...(res.pulseCookie ? { cookie: res.pulseCookie } : {}) };
        notes.push(`Option --pulseaudio=tcp: the container reaches your PulseAudio at ${tcp.host} on a port chosen at start; it authenticates with your cookie (upstream also admits the container's IP without it, after the container started).`);
      } else {
        // host: upstream's --pulseaudio=host, the server's own socket at upstream's path, read-only
        const target = mode === 'host' ? PULSE_HOST_SOCKET : PULSE_SOCKET;
        args.push(bindMount(res.pulseSocket, target, mode === 'host'));
        env.push(`PULSE_SERVER=unix:${target}`);
      }
      if (res.pulseCookie) {
        // over TCP the cookie authenticates (over the socket, the uid does): a copy, mounted by the session
        if (!tcp) args.push(bindMount(res.pulseCookie, PULSE_COOKIE));
        env.push(`PULSE_COOKIE=${PULSE_COOKIE}`);
      } else {
        notes.push(`Option ${option}: no PulseAudio cookie found (~/.config/pulse/cookie); the server may refuse the container.`);
      }
      warnings.push('Option --pulseaudio allows catching audio output and microphone input from the host.');
    }
  }
  if (s.pipewire) {
    if (!res?.pipewireSocket) {
      throw new X11DockerError(
        'Option --pipewire: no PipeWire socket found on the host (PIPEWIRE_REMOTE, $PIPEWIRE_RUNTIME_DIR or $XDG_RUNTIME_DIR/pipewire-0). Start pipewire (systemctl --user start pipewire) or use --pulseaudio or --alsa.',
      );
    }
    // upstream restricts the socket with pw-container (PipeWire >= 0.3.77); Debian 12 has 0.3.65, so the user's socket itself is shared
    warnings.push('Option --pipewire allows container applications to catch your audio output and microphone input.');
    args.push(bindMount(res.pipewireSocket, PIPEWIRE_SOCKET, true));
    env.push(`PIPEWIRE_REMOTE=${PIPEWIRE_SOCKET}`);
    // and pipewire-pulse's PulseAudio socket, as upstream (unless --pulseaudio shares one already)
    if (res.pulseSocket && !s.pulseaudio) {
      args.push(bindMount(res.pulseSocket, PIPEWIRE_PULSE_SOCKET, true));
      env.push(`PULSE_SERVER=unix:${PIPEWIRE_PULSE_SOCKET}`);
    } else if (!s.pulseaudio) {
      notes.push('Option --pipewire: no PulseAudio socket of pipewire-pulse found ($XDG_RUNTIME_DIR/pulse/native); only PipeWire clients have sound (install pipewire-pulse for PulseAudio clients).');
    }
  }
  if (s.alsa) {
    // one outcome: the warning when the sound devices are shared, else only the note
    if (res?.snd) {
      warnings.push('Option --alsa allows catching audio output and microphone input from the host.');
      args.push(`--device=${res.snd}`);
    } else notes.push('Option --alsa: this host has no /dev/snd (no sound card), so no sound device is shared.');
    if (s.alsaCard) env.push(`ALSA_CARD=${s.alsaCard}`);
  }
  if (s.gpu) {
    warnings.push(
      'Option --gpu allows access to GPU hardware. This can be abused to get window content from the host (palinopsia bug) and makes GPU rootkits possible.',
    );
    const devs = [...(res?.dri ?? []), ...(res?.nvidia ?? [])];
    for (const d of devs) {
      args.push(`--device=${d.path}`);
      if (d.gid !== 0) groups.add(d.gid);
    }
    if (devs.length === 0) notes.push('Option --gpu: this host has no /dev/dri or /dev/nvidia* devices; the container gets software rendering only.');
    if (res?.nvidia.length) {
      notes.push(
        'Option --gpu with the closed-source NVIDIA driver: the image needs the very same driver version as the host; open source drivers (nouveau) work without that.',
      );
    }
  }
  if (s.hostipc) {
    args.push('--ipc=host');
    warnings.push(
      s.ipcMode === 'host'
        ? 'Option --ipc=host severely degrades container isolation. IPC namespace remapping is disabled.'
        : 'Option --hostipc sets --ipc=host: the container shares the host IPC namespace (shared memory, MIT-SHM). Severe reduction of container isolation.',
    );
  } else if (s.ipcMode) {
    args.push(`--ipc=${s.ipcMode}`);
    if (s.ipcMode.startsWith('container:')) notes.push(`Option --ipc=${s.ipcMode}: the container shares the IPC namespace (shared memory) of container ${s.ipcMode.slice('container:'.length)}.`);
  }
  if (s.shareCgroup) {
    if (s.init === 'systemd') {
      notes.push('Option --sharecgroup: --systemd already shares the cgroup hierarchy it needs; nothing more is shared.');
    } else {
      args.push(bindMount('/sys/fs/cgroup', '/sys/fs/cgroup', true));
      warnings.push("Option --sharecgroup: sharing /sys/fs/cgroup from the host (read-only): the container sees the host's cgroup tree, with the names of host services and containers.");
    }
  }
  if (s.sysAdmin) {
    caps.add('SYS_ADMIN');
    warnings.push('Option --sys-admin adds capability SYS_ADMIN. This is VERY insecure: it allows escaping from the container. Use it only for trusted images.');
  }
  if (s.capDefault) {
    warnings.push("Option --cap-default disables x11docker's container hardening and falls back to the engine's default capabilities. Reduced container isolation.");
  }
  for (const g of [...groups].sort((a, b) => a - b)) args.push(`--group-add=${g}`);
  if (backend === 'podman' && host.processUid !== 0) args.push('--userns=keep-id');

  const rootLaunch = realInit || s.dbusSystem || s.runAsRoot.length > 0;
  // upstream: an image made for s6-overlay has ENTRYPOINT /init, which x11docker then runs itself
  const imageEntrypoint = s.init === 's6-overlay' && image.entrypoint.length === 1 && image.entrypoint[0] === '/init' ? [] : image.entrypoint;
  const effective = [...imageEntrypoint, ...(command.length > 0 ? command : image.cmd)];
  const files: ServiceFile[] = [];
  let entrypoint: string | undefined;
  let entrypointArgs: string[] = [];
  let exitCodeFile = false;

  const userLaunch = s.dbus || s.runAsUser.length > 0 || s.keepAlive === true;
  if (userLaunch || rootLaunch) {
    if (effective.length === 0) throw new X11DockerError('The image has no ENTRYPOINT or CMD, and no command was given. Add a command after the image name.');
    files.push({ path: LAUNCH_USER, content: userLauncher(s.dbus, s.runAsUser, s.keepAlive), mode: 0o755 });
  }
  if (rootLaunch) {
    files.push({ path: LAUNCH_ROOT, content: rootLauncher(s, user, [...groups], realInit, workdir), mode: 0o755 });
  }
  if (!realInit && (userLaunch || rootLaunch)) {
    entrypoint = rootLaunch ? LAUNCH_ROOT : LAUNCH_USER;
    entrypointArgs = effective;
  } else if (realInit) {
    exitCodeFile = true;
    const init = s.init as keyof typeof initBinary;
    entrypoint = initBinary[init];
    const start = `${LAUNCH_DIR}/start`;
    if (init === 'systemd' || init === 'openrc') {
      // systemd and OpenRC give services a clean environment: the command gets PID 1's (the container's) again
      files.push({ path: `${LAUNCH_DIR}/start`, content: environmentStarter(init), mode: 0o755 }, { path: LAUNCH_RUN, content: `#!/bin/sh\nexec ${LAUNCH_ROOT} ${quoteWords(effective)}\n`, mode: 0o755 });
    } else {
      // (SysVinit gives its children /dev/console, which a container without a tty lacks: their output is lost)
      const content = `#!/bin/sh\n# x11docker: the command, started by ${s.init}\nexec ${LAUNCH_ROOT} ${quoteWords(effective)}\n`;
      files.push({ path: start, content, mode: 0o755 });
    }
    args.push('--tmpfs=/run:exec,mode=755', '--tmpfs=/run/lock', `--stop-signal=${init === 'systemd' ? 'SIGRTMIN+3' : 'SIGTERM'}`);
    if (init === 'systemd') {
      // the host cgroup namespace, so that /proc/self/cgroup matches the shared hierarchy; on cgroup v1
      // only the named systemd hierarchy (no controllers) is shared writable, docker's own read-only mounts stay
      args.push('--cgroupns=host');
      const cgroup = res?.cgroup === 'v2' ? '/sys/fs/cgroup' : '/sys/fs/cgroup/systemd';
      args.push(bindMount(cgroup, cgroup, false));
      env.push('container=docker');
      files.push(
        { path: SYSTEMD_PID1, content: systemdPid1(), mode: 0o755 },
        {
          path: '/etc/systemd/system/x11docker.service',
          content: [
            '[Unit]',
            'Description=x11docker: the container command',
            '# its end ends the container, with its exit code',
            'SuccessAction=exit',
            'FailureAction=exit',
            '[Service]',
            'Type=simple',
            `ExecStart=${start}`,
            'StandardInput=null',
            `StandardOutput=file:${LAUNCH_DIR}/stdout`,
            `StandardError=file:${LAUNCH_DIR}/stderr`,
            '',
          ].join('\n'),
          mode: 0o644,
        },
      );
      entrypoint = SYSTEMD_PID1;
      entrypointArgs = [];
    } else if (init === 'sysvinit') {
      files.push({ path: '/etc/inittab', content: ['id:2:initdefault:', `x1:2:once:${start}`, ''].join('\n'), mode: 0o644 });
    } else if (init === 'runit') {
      files.push(
        { path: '/etc/runit/1', content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
        { path: '/etc/runit/2', content: `#!/bin/sh\n${start}\n`, mode: 0o755 },
        { path: '/etc/runit/3', content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
      );
    } else if (init === 's6-overlay') {
      // /init START: START is the main program; S6_KEEP_ENV=1 keeps the container's environment for it
      entrypointArgs = [start];
      env.push('S6_KEEP_ENV=1');
    } else if (init === 'openrc') {
      // local.d: the `local` service (Alpine, Gentoo); /etc/rc.local: Debian's rc.local service. The starter runs once.
      const hook = `#!/bin/sh\n${start} &\n`;
      files.push({ path: '/etc/local.d/x11docker.start', content: hook, mode: 0o755 }, { path: '/etc/rc.local', content: hook, mode: 0o755 });
    }
  }

  return {
    init: s.init,
    capDrop: !s.capDefault,
    capAdd: [...caps].sort(),
    args,
    env,
    rootLaunch,
    entrypoint,
    entrypointArgs,
    files,
    exitCodeFile,
    ...(pulseTcp ? { pulseTcp } : {}),
  };
}
