/**
 * Host resources that the device options share with the container: sound and GPU device files,
 * and the user's PulseAudio socket and cookie and PipeWire socket. Read once, then treated as data by the plan.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostUser } from './user.js';

/** A device file on the host and the group that owns it. */
export interface HostDevice {
  /** Absolute path, e.g. `/dev/dri/renderD128`. */
  readonly path: string;
  /** Owning group id (video, render ...); the container user gets it as a supplementary group. */
  readonly gid: number;
}

/** What the device options can share. Absent parts are undefined or empty. */
export interface HostResources {
  /** `/dev/snd` when it exists (ALSA). */
  readonly snd?: string;
  /** Files under `/dev/dri` (open source GPU drivers: DRM card and render nodes). */
  readonly dri: readonly HostDevice[];
  /** NVIDIA device files (`/dev/nvidia*`), for the reference's closed-source driver notes. */
  readonly nvidia: readonly HostDevice[];
  /** The host user's PulseAudio server socket, when it exists. */
  readonly pulseSocket?: string;
  /** The host user's PulseAudio cookie file, when it exists. */
  readonly pulseCookie?: string;
  /** The host user's PipeWire socket (`--pipewire`), when it exists. */
  readonly pipewireSocket?: string;
  /**
   * The host's cgroup layout for systemd in a container: `v1` when the named systemd hierarchy
   * `/sys/fs/cgroup/systemd` exists (cgroup v1 or hybrid), `v2` when `/sys/fs/cgroup` is the cgroup v2
   * root (`cgroup.controllers`), undefined otherwise.
   */
  readonly cgroup?: 'v1' | 'v2';
}

function devices(dir: string, filter: (name: string) => boolean): HostDevice[] {
  try {
    return readdirSync(dir)
      .filter(filter)
      .map((name) => join(dir, name))
      .flatMap((path) => {
        try {
          const st = statSync(path);
          return st.isCharacterDevice() ? [{ path, gid: st.gid }] : [];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

/**
 * Looks at the host's sound and GPU devices and the user's PulseAudio files, as upstream
 * x11docker does: the socket from `PULSE_SERVER` (`unix:PATH`), else
 * `$XDG_RUNTIME_DIR/pulse/native`, else `/run/user/UID/pulse/native`; the cookie from
 * `PULSE_COOKIE`, else `~/.config/pulse/cookie`, else `~/.pulse-cookie`. The PipeWire socket as
 * libpipewire looks for it: `PIPEWIRE_REMOTE` (an absolute path, else a name), in
 * `PIPEWIRE_RUNTIME_DIR`, else `XDG_RUNTIME_DIR`, else `/run/user/UID`; the name defaults to `pipewire-0`.
 * @param user the host user (its uid and home).
 * @param env the environment of x11docker.
 * @param root prefix for all paths (tests); '' on a real host.
 */
export function gatherHostResources(user: HostUser, env: NodeJS.ProcessEnv, root = ''): HostResources {
  // PULSE_SERVER: `unix:PATH` or a plain absolute PATH (pulse-client.conf(5)); TCP servers are not shared
  const fromEnv = env.PULSE_SERVER?.startsWith('unix:') ? env.PULSE_SERVER.slice(5) : env.PULSE_SERVER?.startsWith('/') ? env.PULSE_SERVER : undefined;
  const sockets = [fromEnv, env.XDG_RUNTIME_DIR && join(env.XDG_RUNTIME_DIR, 'pulse/native'), `/run/user/${user.uid}/pulse/native`];
  const cookies = [env.PULSE_COOKIE, join(user.home, '.config/pulse/cookie'), join(user.home, '.pulse-cookie')];
  const pwName = env.PIPEWIRE_REMOTE && !env.PIPEWIRE_REMOTE.includes('/') ? env.PIPEWIRE_REMOTE : 'pipewire-0';
  const pipewire = [
    env.PIPEWIRE_REMOTE?.startsWith('/') ? env.PIPEWIRE_REMOTE : undefined,
    env.PIPEWIRE_RUNTIME_DIR && join(env.PIPEWIRE_RUNTIME_DIR, pwName),
    env.XDG_RUNTIME_DIR && join(env.XDG_RUNTIME_DIR, pwName),
    `/run/user/${user.uid}/${pwName}`,
  ];
  const isSocket = (p: string) => {
    try {
      return statSync(root + p).isSocket();
    } catch {
      return false;
    }
  };
  const isFile = (p: string) => {
    try {
      return statSync(root + p).isFile();
    } catch {
      return false;
    }
  };
  return {
    snd: existsSync(`${root}/dev/snd`) ? '/dev/snd' : undefined,
    dri: devices(`${root}/dev/dri`, () => true).map((d) => ({ ...d, path: d.path.slice(root.length) })),
    nvidia: devices(`${root}/dev`, (n) => n.startsWith('nvidia')).map((d) => ({ ...d, path: d.path.slice(root.length) })),
    pulseSocket: sockets.find((p): p is string => !!p && isSocket(p)),
    pulseCookie: cookies.find((p): p is string => !!p && isFile(p)),
    pipewireSocket: pipewire.find((p): p is string => !!p && isSocket(p)),
    cgroup: existsSync(`${root}/sys/fs/cgroup/systemd/cgroup.procs`) ? 'v1' : existsSync(`${root}/sys/fs/cgroup/cgroup.controllers`) ? 'v2' : undefined,
  };
}
