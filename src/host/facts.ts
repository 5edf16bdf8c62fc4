import { accessSync, constants, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { availableParallelism, freemem, userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { printable, X11DockerError } from '../errors.js';
import type { Options } from '../options/parse.js';
import { run } from '../run/spawn.js';
import { pathsToCheck, type PathKind } from '../plan/mounts.js';
import { hostPathKinds, hostRealPaths } from './paths.js';
import { gatherIntegrationResources, type IntegrationResources } from './integration.js';
import { HOST_WINDOW_MANAGERS } from '../plan/display.js';

/** Whether stdin is a Linux virtual console (/dev/ttyN). */
function onConsole(): boolean {
  try {
    return /^\/dev\/tty\d+$/.test(readlinkSync('/proc/self/fd/0'));
  } catch {
    return false;
  }
}
import { gatherHostResources, type HostResources } from './resources.js';
import { hostTimezone, type HostTimezone } from './timezone.js';
import { readXkbNames, type XkbNames } from './keyboard.js';

/** A user account on the host, from the passwd database. */
export interface HostUser {
  /** Login name. */
  readonly name: string;
  readonly uid: number;
  /** Primary group id. */
  readonly gid: number;
  /** Name of the primary group (falls back to the user name when unknown). */
  readonly groupName: string;
  /** Home directory on the host (absolute). */
  readonly home: string;
}

/**
 * How the container engine isolates containers, where x11docker's set-up depends on it
 * (gathered by `Engine.security()`).
 */
export interface EngineSecurity {
  /** The docker daemon remaps user namespaces (`userns-remap`): container uids are other host uids. */
  readonly usernsRemap: boolean;
  /** The engine runs as an unprivileged user (rootless docker or podman): container root is that user. */
  readonly rootless: boolean;
  /** The engine labels containers with SELinux, which keeps them from the X socket by default. */
  readonly selinux: boolean;
}

/** Everything about the host that the plan needs; gathered once, then treated as data. */
export interface HostFacts {
  /** uid of the x11docker process (0 when run as root). */
  readonly processUid: number;
  /** The host user: X servers and session files run as / belong to this user. */
  readonly hostUser: HostUser;
  /** How the host user was found (for the log): `invoking`, `--hostuser`, `SUDO_USER`, `logname` or `root`. */
  readonly hostUserSource: string;
  /** Another host account named by `--user=NAME`, when it exists on the host. */
  readonly namedUser?: HostUser;
  /** `DISPLAY` of the user's desktop, if any. */
  readonly display?: string;
  /** `XAUTHORITY` of the user's desktop (default `~/.Xauthority` of the host user). */
  readonly xauthority?: string;
  /** `WAYLAND_DISPLAY` of the user's desktop, if any. */
  readonly waylandDisplay?: string;
  /** `XDG_RUNTIME_DIR` of the user's session, if any (where a relative WAYLAND_DISPLAY lives). */
  readonly xdgRuntimeDir?: string;
  /** x11docker runs on a Linux console (a /dev/ttyN terminal), where `--xorg` can start. */
  readonly onConsole?: boolean;
  /** Executables found in PATH (or absolute paths that exist), among those x11docker may start. */
  readonly binaries: ReadonlySet<string>;
  /** Random id of this session: names the cache folder and labels the container. */
  readonly sessionId: string;
  /** Process id of x11docker (recorded on the container's labels). */
  readonly pid: number;
  /** What the host has at the paths of `--home`, `--homedir` and `--sharedir` (see src/plan/mounts.ts). */
  readonly pathKinds?: ReadonlyMap<string, PathKind>;
  /** Resolved form (symbolic links followed) of the same paths; see hostRealPaths. */
  readonly realPaths?: ReadonlyMap<string, string>;
  /** The host's `$LANG` (for `--lang` without a value). */
  readonly lang?: string;
  /** How the container engine isolates containers; undefined when not asked (no image) or unknown. */
  readonly engine?: EngineSecurity;
  /** The host's time zone (host/timezone.ts), undefined when unknown. */
  readonly timezone?: HostTimezone;
  /** RAM free at start, in bytes (for `--limit`). */
  readonly freeMemory?: number;
  /** CPUs this process may use (for `--limit`). */
  readonly cpus?: number;
  /** Sound/GPU devices and PulseAudio files (host/resources.ts); undefined means none. */
  readonly resources?: HostResources;
  /** Webcams, CUPS and DBus sockets, stdin terminal (host/integration.ts); undefined means none. */
  readonly integration?: IntegrationResources;
  /** Keyboard layout of the user's display (`_XKB_RULES_NAMES`, host/keyboard.ts); undefined without DISPLAY or when unreadable. */
  readonly keyboard?: XkbNames;
}

/** Executables that x11docker looks for in PATH. */
export const knownBinaries = [
  'Xephyr', 'Xvfb', 'xauth', 'xdpyinfo', 'docker', 'podman', 'nerdctl', 'x11vnc', 'websockify',
  'xpra', 'nxagent', 'Xorg', '/usr/lib/xorg/Xorg', '/usr/lib/xorg/modules/drivers/dummy_drv.so', 'xclip',
  'weston', 'Xwayland', 'kwin_wayland', 'xrdb', 'setxkbmap', ...HOST_WINDOW_MANAGERS,
] as const;

/**
 * Gathers host facts for a session.
 * @param options parsed options (`--hostuser`, `--user`).
 * @param env the environment to read (normally `process.env`).
 * @throws X11DockerError when the host user cannot be found or `--hostuser` is used without root.
 */
export async function gatherHostFacts(options: Options, env: NodeJS.ProcessEnv = process.env): Promise<HostFacts> {
  const processUid = process.getuid?.() ?? 0;
  const { user, source } = await resolveHostUser(options, processUid, env);
  const xauthority = env.XAUTHORITY || (env.DISPLAY ? join(user.home, '.Xauthority') : undefined);
  // read over the X protocol while the rest is gathered (a few ms; at most READ_TIMEOUT_MS)
  const keyboard = env.DISPLAY ? readXkbNames(env.DISPLAY, xauthority) : undefined;
  let namedUser: HostUser | undefined;
  if (options.user && !/^\d/.test(options.user) && options.user !== 'root' && options.user.toUpperCase() !== 'RETAIN' && options.user !== user.name) {
    namedUser = await lookupUser(options.user, 'Option --user');
  }
  return {
    processUid,
    hostUser: user,
    hostUserSource: source,
    namedUser,
    display: env.DISPLAY || undefined,
    xauthority,
    waylandDisplay: env.WAYLAND_DISPLAY || undefined,
    xdgRuntimeDir: env.XDG_RUNTIME_DIR || undefined,
    onConsole: onConsole(),
    binaries: findBinaries(
      [...knownBinaries, ...(options.wm && options.wm !== 'none' ? [options.wm[0]!] : []), ...(options.exe && options.command[0] ? [options.command[0]] : [])],
      env.PATH ?? '',
    ),
    sessionId: randomBytes(6).toString('hex'),
    pid: process.pid,
    pathKinds: hostPathKinds(pathsToCheck(options, user.home, options.image)),
    realPaths: hostRealPaths(pathsToCheck(options, user.home, options.image)),
    lang: env.LANG,
    timezone: hostTimezone(env),
    freeMemory: freemem(),
    cpus: availableParallelism(),
    resources: gatherHostResources(user, env),
    integration: gatherIntegrationResources(user, env),
    keyboard: await keyboard,
  };
}

/** One way to find the host user; returns undefined when it does not apply. */
interface HostUserStrategy {
  readonly name: string;
  find(): Promise<HostUser | undefined>;
}

/**
 * Finds the host user as upstream x11docker does: without root, the invoking user; as root,
 * `--hostuser`, then `SUDO_USER`, then `PKEXEC_UID`, then `logname`, else root itself.
 */
async function resolveHostUser(options: Options, processUid: number, env: NodeJS.ProcessEnv): Promise<{ user: HostUser; source: string }> {
  if (processUid !== 0) {
    const me = await lookupUser(String(processUid)).catch(() => fromUserInfo());
    if (options.hostuser && options.hostuser !== me.name && options.hostuser !== String(me.uid)) {
      throw new X11DockerError(`Option --hostuser needs x11docker to run as root (you are ${me.name}). Run it with sudo, or leave --hostuser out.`);
    }
    return { user: me, source: 'invoking' };
  }
  const strategies: HostUserStrategy[] = [
    { name: '--hostuser', find: async () => (options.hostuser ? lookupUser(options.hostuser, 'Option --hostuser') : undefined) },
    { name: 'SUDO_USER', find: async () => (env.SUDO_USER && env.SUDO_USER !== 'root' ? lookupUser(env.SUDO_USER, 'SUDO_USER') : undefined) },
    { name: 'PKEXEC_UID', find: async () => (env.PKEXEC_UID && env.PKEXEC_UID !== '0' ? lookupUser(env.PKEXEC_UID, 'PKEXEC_UID') : undefined) },
    {
      name: 'logname',
      find: async () => {
        const r = await run('logname', [], { reject: false });
        const name = r.exitCode === 0 ? String(r.stdout).trim() : '';
        return name && name !== 'root' ? lookupUser(name).catch(() => undefined) : undefined;
      },
    },
  ];
  for (const s of strategies) {
    const user = await s.find();
    if (user) return { user, source: s.name };
  }
  return { user: await lookupUser('0').catch(() => fromUserInfo()), source: 'root' };
}

/**
 * Looks a user up in the host's passwd database (`getent`, so NSS users work too).
 * @param nameOrUid login name or numeric uid.
 * @param from where the name came from, for the error (e.g. `Option --user`, `SUDO_USER`).
 * @throws X11DockerError when there is no such user.
 */
export async function lookupUser(nameOrUid: string, from?: string): Promise<HostUser> {
  const r = await run('getent', ['passwd', nameOrUid], { reject: false });
  const fields = String(r.stdout).trim().split('\n')[0]?.split(':') ?? [];
  if (r.exitCode !== 0 || fields.length < 7) {
    const advice = from === 'Option --user' ? ' Users that are not host users can only be given by number: --user=UID or --user=UID:GID.' : '';
    throw new X11DockerError(`${from ? `${from}: h` : 'H'}ost user '${printable(nameOrUid)}' not found in the passwd database. Check the name (getent passwd ${printable(nameOrUid)}).${advice}`);
  }
  const gid = Number(fields[3]);
  const g = await run('getent', ['group', String(gid)], { reject: false });
  const groupName = g.exitCode === 0 ? String(g.stdout).split(':')[0]! : fields[0]!;
  return { name: fields[0]!, uid: Number(fields[2]), gid, groupName, home: fields[5]!, };
}

function fromUserInfo(): HostUser {
  const u = userInfo();
  return { name: u.username, uid: u.uid, gid: u.gid, groupName: u.username, home: u.homedir };
}

/**
 * Which of `names` are executable files in `path`.
 * @param names executable names.
 * @param path a PATH value (directories separated by ':').
 */
export function findBinaries(names: readonly string[], path: string): Set<string> {
  const found = new Set<string>();
  const dirs = path.split(delimiter).filter(Boolean);
  for (const name of names) {
    if (name.includes('/')) {
      // an absolute (or relative) path: it must exist; modules like dummy_drv.so are not executable
      try {
        accessSync(name, name.endsWith('.so') ? constants.R_OK : constants.X_OK);
        found.add(name);
      } catch {
        // missing
      }
      continue;
    }
    for (const dir of dirs) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        found.add(name);
        break;
      } catch {
        // not in this directory
      }
    }
  }
  return found;
}
