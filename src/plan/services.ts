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
import { quoteWord, quoteWords } from '../quote.js';

/** Folder in the container for x11docker's launcher scripts. */
export const LAUNCH_DIR = '/x11docker';
/** Root launcher: starts services, then the command as the container user. */
export const LAUNCH_ROOT = `${LAUNCH_DIR}/launch`;
/** User launcher: the dbus session around the command. */
export const LAUNCH_USER = `${LAUNCH_DIR}/cmd`;
/** Where the PulseAudio socket and cookie appear in the container. */
export const PULSE_SOCKET = '/x11docker/pulse/native';
export const PULSE_COOKIE = '/x11docker/pulse/cookie';
/** Where an init system's launcher writes the command's exit code (a shared session folder). */
export const EXIT_DIR = '/x11docker/exit';

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
};
/** `--dbus-system` alone (with tini): dbus-daemon switches to user messagebus; we switch to the container user. */
export const dbusSystemCapabilities: readonly string[] = ['CHOWN', 'SETGID', 'SETUID'];

/** PID 1 of each init system in a Debian-like image. */
const initBinary: Readonly<Record<'systemd' | 'runit' | 'openrc' | 'sysvinit', string>> = {
  systemd: '/lib/systemd/systemd',
  runit: '/sbin/runit',
  openrc: '/sbin/openrc-init',
  sysvinit: '/sbin/init',
};

/** With systemd or OpenRC: the command with its arguments, run by the starter. */
export const LAUNCH_RUN = `${LAUNCH_DIR}/run`;
/** With systemd: PID 1's entrypoint, which keeps the container's stdout and stderr, then becomes systemd. */
export const SYSTEMD_PID1 = `${LAUNCH_DIR}/systemd`;

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
 * @throws X11DockerError when `--pulseaudio` finds no PulseAudio socket on the host.
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
      `Option --${s.init}: the init system runs as root in the container (PID 1) and gets capabilities that x11docker drops otherwise ` +
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

  if (s.pulseaudio) {
    if (!res?.pulseSocket) {
      throw new X11DockerError(
        "Option --pulseaudio: no PulseAudio socket found on the host (PULSE_SERVER, $XDG_RUNTIME_DIR/pulse/native). Start pulseaudio (pulseaudio --start) or leave --pulseaudio out.",
      );
    }
    args.push(bindMount(res.pulseSocket, PULSE_SOCKET, false));
    env.push(`PULSE_SERVER=unix:${PULSE_SOCKET}`);
    if (res.pulseCookie) {
      args.push(bindMount(res.pulseCookie, PULSE_COOKIE));
      env.push(`PULSE_COOKIE=${PULSE_COOKIE}`);
    } else {
      notes.push('Option --pulseaudio: no PulseAudio cookie found (~/.config/pulse/cookie); the server may refuse the container.');
    }
    warnings.push('Option --pulseaudio allows catching audio output and microphone input from the host.');
  }
  if (s.alsa) {
    warnings.push('Option --alsa allows catching audio output and microphone input from the host.');
    if (res?.snd) args.push(`--device=${res.snd}`);
    else notes.push('Option --alsa: this host has no /dev/snd (no sound card), so no sound device is shared.');
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
    warnings.push('Option --hostipc sets --ipc=host: the container shares the host IPC namespace (shared memory, MIT-SHM). Severe reduction of container isolation.');
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
  const effective = [...image.entrypoint, ...(command.length > 0 ? command : image.cmd)];
  const files: ServiceFile[] = [];
  let entrypoint: string | undefined;
  let entrypointArgs: string[] = [];
  let exitCodeFile = false;

  if (s.dbus || rootLaunch) {
    if (effective.length === 0) throw new X11DockerError('The image has no ENTRYPOINT or CMD, and no command was given. Add a command after the image name.');
    files.push({ path: LAUNCH_USER, content: userLauncher(s.dbus), mode: 0o755 });
  }
  if (rootLaunch) {
    files.push({ path: LAUNCH_ROOT, content: rootLauncher(s, user, [...groups], realInit, workdir), mode: 0o755 });
  }
  if (!realInit && (s.dbus || rootLaunch)) {
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
  };
}

/**
 * The starter for systemd and OpenRC, which give their services a clean environment: it runs
 * {@link LAUNCH_RUN} with PID 1's environment (the container's: DISPLAY, XAUTHORITY, --env, the
 * image's ENV), read NUL-separated from /proc/1/environ with xargs -0 (findutils or busybox).
 * It runs once only (OpenRC may have both `local` and `rc.local`).
 */
function environmentStarter(init: 'systemd' | 'openrc'): string {
  return [
    '#!/bin/sh',
    `# x11docker: started by ${init}; the command gets the container's environment again`,
    'mkdir /run/x11docker-started 2>/dev/null || exit 0',
    "if command -v xargs >/dev/null 2>&1; then exec xargs -0 sh -c 'exec env -i \"$@\" " + LAUNCH_RUN + "' x11docker </proc/1/environ; fi",
    `echo "x11docker note: --${init}: the image has no xargs (findutils); the command runs without the container's environment." >&2`,
    `exec ${LAUNCH_RUN}`,
    '',
  ].join('\n');
}

/**
 * PID 1 for systemd: systemd replaces its own stdout and stderr with /dev/null when it is not on a
 * console, so the command's output goes through two FIFOs that `cat` (ignoring the stop signals
 * of the shutdown, it ends at end of file) copies to the container's stdout and stderr.
 */
function systemdPid1(): string {
  return [
    '#!/bin/sh',
    '# x11docker: keeps stdout and stderr for the command, then becomes systemd',
    `mkfifo -m 600 ${LAUNCH_DIR}/stdout ${LAUNCH_DIR}/stderr || exit 64`,
    "trap '' HUP INT TERM",
    `cat ${LAUNCH_DIR}/stdout &`,
    `cat ${LAUNCH_DIR}/stderr >&2 &`,
    'trap - HUP INT TERM',
    `for f in /lib/systemd/systemd /usr/lib/systemd/systemd; do [ -x "$f" ] && exec "$f" --unit=x11docker.service --show-status=false; done`,
    'echo "x11docker error: --systemd: the image has no systemd (/lib/systemd/systemd)." >&2',
    'exit 64',
    '',
  ].join('\n');
}

/** The user launcher: `"$@"` in a dbus session when asked (dbus-launch, else dbus-run-session). */
function userLauncher(dbus: boolean): string {
  const lines = ['#!/bin/sh', '# x11docker: runs the command as the container user'];
  if (dbus) {
    lines.push(
      'if command -v dbus-launch >/dev/null 2>&1; then exec dbus-launch --exit-with-session "$@"; fi',
      'if command -v dbus-run-session >/dev/null 2>&1; then exec dbus-run-session -- "$@"; fi',
      'echo "x11docker note: --dbus: the image has neither dbus-launch (package dbus-x11) nor dbus-run-session (package dbus); running without a dbus session." >&2',
    );
  }
  lines.push('exec "$@"', '');
  return lines.join('\n');
}

/**
 * The root launcher: starts the dbus system daemon when asked, then runs the user launcher as the
 * container user with setpriv (util-linux). Under an init system it records the exit code and
 * powers the container off.
 */
function rootLauncher(s: ServiceOptions, user: ContainerUser, groups: number[], realInit: boolean, workdir: string): string {
  const lines = ['#!/bin/sh', '# x11docker: root part of the launcher'];
  lines.push(
    // util-linux setpriv; busybox has a setpriv without --reuid/--regid
    'if ! setpriv --reuid=0 --regid=0 --clear-groups -- true >/dev/null 2>&1; then echo "x11docker error: the image has no setpriv of util-linux (a busybox setpriv lacks --reuid), needed to run the command as the container user. Install util-linux in the image, or leave out the options that start the container as root (--runasroot, --dbus-system, init systems)." >&2; exit 64; fi',
  );
  if (s.dbusSystem) {
    lines.push(
      'if command -v dbus-daemon >/dev/null 2>&1; then',
      '  mkdir -p /run/dbus && dbus-daemon --system --fork || echo "x11docker note: --dbus-system: dbus-daemon --system did not start." >&2',
      'else',
      '  echo "x11docker note: --dbus-system: the image has no dbus-daemon (package dbus)." >&2',
      'fi',
    );
  }
  for (const command of s.runAsRoot) {
    // --runasroot: each command in its own shell, as root; a failure is reported, not fatal (as upstream)
    lines.push(`sh -c ${quoteWord(command)} || echo "x11docker note: --runasroot command failed with exit code $?: "${quoteWord(command)} >&2`);
  }
  const groupOpt = groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups';
  const run = `setpriv --reuid=${user.uid} --regid=${user.gid} ${groupOpt} --inh-caps=-all -- ${LAUNCH_USER} "$@"`;
  if (!realInit) {
    lines.push(`exec ${run}`, '');
    return lines.join('\n');
  }
  lines.push(
    `cd ${quoteWord(workdir)} 2>/dev/null || cd ${quoteWord(user.home)} 2>/dev/null || cd /`,
    `${run} </dev/null`,
    'rc=$?',
    `echo "$rc" > ${EXIT_DIR}/code`,
    shutdownCommand(s.init),
    '',
  );
  return lines.join('\n');
}

/** How the launcher ends the container once the command has ended. */
function shutdownCommand(init: InitSystem): string {
  switch (init) {
    case 'systemd':
      return 'exit "$rc" # the unit\'s SuccessAction/FailureAction=exit ends systemd with this code';
    case 'runit':
      return 'true # stage 2 ends, runit runs stage 3 and halts';
    case 'openrc':
      return 'openrc-shutdown --poweroff now || kill -s USR2 1';
    default:
      return 'halt -f || kill -s INT 1';
  }
}
