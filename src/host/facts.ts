import { accessSync, constants, readFileSync, readlinkSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { availableParallelism, freemem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { X11DockerError } from '../errors.js';
import type { Options } from '../options/parse.js';
import { cacheBaseProblem, hostHomeProblem, lookupUser, ownHome, resolveHostUser, type HostUser } from './user.js';
import { readStoredPassword } from './password.js';
import { hostPathKinds, hostRealPaths, type PathKind } from './paths.js';
import { gatherIntegrationResources, type IntegrationResources } from './integration.js';
import { readEnvFiles } from './env-files.js';
import { listeningEngineSockets } from './engine-sockets.js';

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
import { hostIdentity } from './identity.js';

export type { HostUser } from './user.js';

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
  /**
   * The daemon manages no cgroups (`docker info` CgroupDriver `none`: rootless docker on cgroup
   * v1), so it silently drops CPU and memory limits.
   */
  readonly noCgroups?: boolean;
}

/** Everything about the host that the plan needs; gathered once, then treated as data. */
export interface HostFacts {
  /** uid of the x11docker process (0 when run as root). */
  readonly processUid: number;
  /** The host user: X servers and session files run as / belong to this user. */
  readonly hostUser: HostUser;
  /** How the host user was found (for the log): `invoking`, `--hostuser`, `SUDO_USER`, `logname` or `root`. */
  readonly hostUserSource: string;
  /** Notes about the host (e.g. a uid without a passwd entry), printed with the plan's notes. */
  readonly notes?: readonly string[];
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
  /** This x11docker's machine, boot and PID namespace (src/host/identity.ts), recorded beside the pid: `--cleanup` elsewhere leaves the session alone. */
  readonly hostId?: string;
  /** What the host has at the paths of `--home`, `--homedir` and `--sharedir` (see src/plan/mounts.ts). */
  readonly pathKinds?: ReadonlyMap<string, PathKind>;
  /** Resolved form (symbolic links followed) of the same paths; see hostRealPaths. */
  readonly realPaths?: ReadonlyMap<string, string>;
  /** The host's `$LANG` (for `--lang` without a value). */
  readonly lang?: string;
  /** The engine has the X server image of `--xc` (`Options.xc.image`); undefined when not asked (`--xc=no`). */
  readonly xcImage?: boolean;
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
  /** Variable names per raw `--env-file` after `--` (host/env-files.ts, used by plan/own-env.ts); undefined for an unreadable file. */
  readonly envFiles?: ReadonlyMap<string, readonly string[] | undefined>;
  /** Keyboard layout of the user's display (`_XKB_RULES_NAMES`, host/keyboard.ts); undefined without DISPLAY or when unreadable. */
  readonly keyboard?: XkbNames;
  /** Container engine sockets listening on the host, as bound and resolved (host/engine-sockets.ts): shares containing one are refused. */
  readonly engineSockets?: readonly string[];
  /** `--westonini`: the file's path and content (undefined when it cannot be read). */
  readonly westonIni?: { readonly path: string; readonly content?: string };
  /** With `--sudouser`: the password `--password` stored (host/password.ts), if any. */
  readonly storedPassword?: ReturnType<typeof readStoredPassword>;
}

/**
 * What the host probe looks at, decided by the plan (src/plan/probe.ts `hostProbe`) and passed in
 * by the caller, so that host/ does not import plan/.
 */
export interface HostProbe {
  /** Executables to look for: names (searched in PATH) or absolute paths (must exist). */
  readonly binaries: readonly string[];
  /** Host paths whose kind and resolved form the plan needs, given the host user's HOME. */
  paths(hostHome: string): string[];
  /** Host files of raw `--env-file` options, whose variable names the plan needs. */
  readonly envFiles: readonly string[];
  /** Whether host folders are shared (then the listening engine sockets are gathered, ~15 ms); default true. */
  readonly shares?: boolean;
}

/**
 * Gathers host facts for a session.
 * @param options parsed options (`--hostuser`, `--user`).
 * @param probe the binaries, paths and env files to look at (src/plan/probe.ts `hostProbe(options)`).
 * @param env the environment to read (normally `process.env`).
 * @throws X11DockerError when the host user cannot be found, `--hostuser` is used without root, or
 *   the host user's HOME cannot hold x11docker's session files (missing, not writable; see
 *   src/host/user.ts, which assumes no passwd entry, USER or LOGNAME).
 */
export async function gatherHostFacts(options: Options, probe: HostProbe, env: NodeJS.ProcessEnv = process.env): Promise<HostFacts> {
  const processUid = process.getuid?.() ?? 0;
  const { user, source, notes } = await resolveHostUser(options, processUid, env);
  const homeProblem = options.cachebasedir ? cacheBaseProblem(options.cachebasedir, user, processUid === 0) : hostHomeProblem(user, processUid === 0);
  if (homeProblem) throw new X11DockerError(homeProblem);
  const xauthority = env.XAUTHORITY || (env.DISPLAY ? join(user.home, '.Xauthority') : undefined);
  // read over the X protocol while the rest is gathered (a few ms; at most READ_TIMEOUT_MS)
  const keyboard = env.DISPLAY ? readXkbNames(env.DISPLAY, xauthority) : undefined;
  let namedUser: HostUser | undefined;
  if (options.user && !/^\d/.test(options.user) && options.user !== 'root' && options.user.toUpperCase() !== 'RETAIN' && options.user !== user.name) {
    namedUser = await lookupUser(options.user, 'Option --user');
  }
  const paths = probe.paths(user.home);
  return {
    processUid,
    hostUser: user,
    hostUserSource: source,
    notes,
    namedUser,
    display: env.DISPLAY || undefined,
    xauthority,
    waylandDisplay: env.WAYLAND_DISPLAY || undefined,
    xdgRuntimeDir: env.XDG_RUNTIME_DIR || undefined,
    onConsole: onConsole(),
    binaries: findBinaries(probe.binaries, env.PATH ?? ''),
    sessionId: randomBytes(6).toString('hex'),
    pid: process.pid,
    hostId: hostIdentity(),
    pathKinds: hostPathKinds(paths),
    realPaths: hostRealPaths(paths),
    lang: env.LANG,
    timezone: hostTimezone(env),
    freeMemory: freemem(),
    cpus: availableParallelism(),
    resources: gatherHostResources(user, env),
    integration: gatherIntegrationResources(user, env),
    envFiles: readEnvFiles(probe.envFiles),
    engineSockets: probe.shares === false ? [] : listeningEngineSockets(),
    keyboard: await keyboard,
    ...(options.screen?.westonini !== undefined ? { westonIni: readWestonIni(options.screen.westonini) } : {}),
    // upstream's --password: the hash in the HOME of the user running x11docker
    storedPassword: options.sudouser ? readStoredPassword(ownHome(env) ?? user.home) : undefined,
  };
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
      const file = join(dir, name);
      try {
        // a missing file costs no exception (a throw per PATH folder and name took ~25 ms in all);
        // a folder we may not enter (EACCES) throws
        if (!statSync(file, { throwIfNoEntry: false })) continue;
        accessSync(file, constants.X_OK);
        found.add(name);
        break;
      } catch {
        // not executable for us, or not reachable
      }
    }
  }
  return found;
}

/** `--westonini`'s file: its content, or none when it is no readable file (at most 1 MiB). */
function readWestonIni(path: string): { path: string; content?: string } {
  try {
    if (!statSync(path).isFile() || statSync(path).size > 1 << 20) return { path };
    return { path, content: readFileSync(path, 'utf8') };
  } catch {
    return { path };
  }
}
