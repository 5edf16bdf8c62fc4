/**
 * `--xc` ("X server in container", upstream x11docker 7's option): the display's X server or
 * compositor and its helpers run from an image (`x11docker-xserver`, built by scripts/setup.sh
 * from Debian's packages, like upstream's x11docker/xserver), so the host needs no X packages.
 *
 * Where processes run is a strategy of the plan, not of the drivers: a driver declares its
 * processes as always ({@link DisplayLaunch}); when the plan has an {@link XContainerPlan}, the
 * processes whose binary is among the driver's `requires` are rewritten by {@link placeLaunch}
 * into `ENGINE run ... IMAGE ARGS` processes with the same argv, started, awaited and stopped by
 * the same starter (src/run/xserver.ts). Pure; unit-tested in test/unit/xcontainer.test.ts.
 *
 * Each such container is hardened as the application's container is: `--cap-drop=ALL`,
 * `--security-opt=no-new-privileges`, `--network=none`, the host user's uid:gid, a read-only
 * root file system (with a private tmpfs `/tmp`), `--init`, and the session's labels (so the
 * watcher and `--cleanup` remove it after `kill -9`, as they remove the application's
 * container). It gets only:
 * - as its `/tmp/.X11-unix`, a folder of the session's own in which the server makes its socket
 *   (x11docker hard-links the socket to the host's `/tmp/.X11-unix/XN` for host clients and into
 *   the application container's socket folder, src/run/display-step.ts);
 * - the session folder at its own path: read-only for X servers (their `-auth` cookie file),
 *   writable for processes whose HOME, XDG_RUNTIME_DIR or working directory is in it (xpra's
 *   socket and files, the compositor's Wayland socket);
 * - for a process on the user's display (Xephyr, nxagent, the xpra client, a nested weston):
 *   that display's socket, read-only, and a cookie file for it (wildcard entries, in the session
 *   folder), as DISPLAY and XAUTHORITY.
 * Readiness: `-displayfd` cannot pass through the engine, so such a server is awaited with a real
 * X11 connection set-up with the session cookie on the host side (`x11`), once its socket is
 * linked to the host.
 */
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Backend, Options } from '../options/parse.js';
import type { DisplayDriver, DisplayLaunch, ProcessSpec } from '../xserver/driver.js';
import { sessionLabels, bindMount } from './argv.js';
import { localDisplayNumber } from './choose.js';
import { probeLaunch } from './own-env.js';

/** Where the display's processes run when they run from the X server image (`--xc`). */
export interface XContainerPlan {
  /** The X server image. */
  readonly image: string;
  /** The engine whose CLI runs the containers (the session's `--backend`). */
  readonly engine: Backend;
  /**
   * uid and gid the processes run as inside: the host user's, as on the host; 0:0 on rootless
   * docker or nerdctl, whose container root is the host user outside (as upstream).
   */
  readonly user: { readonly uid: number; readonly gid: number };
  /**
   * `--userns` of the containers, so that their user is the host user outside: `host` on a
   * docker daemon with userns-remap, `keep-id` on rootless podman (as upstream); else none.
   */
  readonly userns?: 'host' | 'keep-id';
  /** The session's id and x11docker's pid, for the containers' labels. */
  readonly sessionId: string;
  readonly pid: number;
  readonly hostId?: string;
  /** The binaries that run from the image (the driver's `requires`); other processes (`--wm`, the clipboard synchroniser) stay on the host. */
  readonly binaries: readonly string[];
}

/** What the run layer knows once the display number is claimed: where the containers find their files. */
export interface XContainerPlace {
  /** The new display's number `:N`. */
  readonly display: number;
  /** Host folder the containers get as `/tmp/.X11-unix`, in which the server makes its socket `XN`. */
  readonly socketFolder: string;
  /** The session folder (mode 0700, the host user's), mounted at its own path. */
  readonly sessionDir: string;
  /** Client cookie file of the new display (in the session folder), for processes on it. */
  readonly clientAuthFile: string;
  /** The user's display, for processes on it: its number, and a cookie file for it in the session folder. */
  readonly hostDisplay?: { readonly number: number; readonly authFile: string };
}

/**
 * The binaries of every driver that can run from the X server image (`fromImage`), which the
 * automatic choice counts as installed when the image is there.
 * @param drivers every display driver (src/xserver/drivers.ts).
 */
export function imageBinaries(drivers: readonly DisplayDriver[]): string[] {
  return [...new Set(drivers.filter((d) => d.fromImage).flatMap((d) => d.requires.map((r) => r.binary)))];
}

/**
 * Whether the display's processes run from the X server image, as `--xc` asks (see
 * {@link XcOption} in src/options/values.ts): `yes` always (an error where the driver cannot),
 * `auto` only when a binary of the driver is missing on the host and the engine has the image,
 * `no` never; a driver with `xcRequired` (`--xpra2*`) always (`--xc=no` is an error), its
 * `onHost` processes (the xpra client) on the host, which must have their binary. A display option that starts nothing (`--hostdisplay`, `--nothing`,
 * `--hostwayland`) ignores `--xc=yes` with a note, as upstream disables `--xc` there.
 * @param host needs `binaries`, `display` (a nested server's user display must be a local socket),
 *   `hostUser`, `sessionId`, `pid`, `xcImage` (whether the engine has the image) and `engine`
 *   (userns-remap or rootless: how the containers' user becomes the host user outside).
 * @param notes, warnings collected for printing before anything starts (a compositor nested on the
 *   user's display needs `--ipc=host` in its container: a warning).
 * @returns the plan, or undefined when the processes run on the host.
 * @throws X11DockerError naming `--xc` and the fix, for `--xc=yes` with a driver that cannot run
 *   from the image, a missing image, or a user display without a local socket.
 */
export function planXContainer(options: Pick<Options, 'xc' | 'backend'>, host: Pick<HostFacts, 'binaries' | 'display' | 'hostUser' | 'sessionId' | 'pid' | 'hostId' | 'xcImage' | 'engine'>, driver: DisplayDriver, notes: string[], warnings: string[]): XContainerPlan | undefined {
  const { image } = options.xc;
  // --xpra2*: the image is the point of the option (upstream: "needs image x11docker/xserver")
  if (driver.xcRequired && options.xc.mode === 'no') throw new X11DockerError(`Option --${driver.name} runs its X server and xpra server from the X server image: it cannot go with --xc=no. Use --xpra for all on the host.`);
  const mode = driver.xcRequired ? 'yes' : options.xc.mode;
  if (mode === 'no') return undefined;
  const missingOnHost = driver.requires.some((r) => !host.binaries.has(r.binary));
  if (mode === 'auto' && !(driver.fromImage && missingOnHost && host.xcImage)) return undefined;
  if (driver.source !== 'new') {
    notes.push(`Option --xc has no effect with --${driver.name}: it starts no X server.`);
    return undefined;
  }
  if (!driver.fromImage) {
    throw new X11DockerError(`Option --xc: --${driver.name} cannot run from the X server image. Use --xvfb, --xephyr, --nxagent, --xpra, --xpra-xwayland, --weston-xwayland or --weston with --xc, or --xc=no.`);
  }
  if (!host.xcImage) {
    throw new X11DockerError(`Option --xc: image ${image} not found at ${options.backend}. Build it with: bash scripts/setup.sh (makes x11docker-xserver), or give one with --xc=IMAGE, or use --xc=no.`);
  }
  if (driver.needs.display && host.display && localDisplayNumber(host.display) === undefined) {
    throw new X11DockerError(`Option --xc: --${driver.name} in a container reaches your display only through its local socket, and DISPLAY=${host.display} has none. Use --xc=no.`);
  }
  // (the launch is pure: a probe context tells whether a process needs MIT-SHM with the user's display)
  const probe = probeLaunch(driver, host.display);
  const hostOnly = probe.processes.find((q) => q.onHost && !host.binaries.has(q.binary));
  if (hostOnly) {
    const pkg = driver.requires.find((r) => r.binary === hostOnly.binary)?.debianPackage ?? hostOnly.binary;
    throw new X11DockerError(`Option --${driver.name} runs the ${hostOnly.role} on the host: ${hostOnly.binary} is not installed. Install it: apt-get install ${pkg}.`);
  }
  for (const p of probe.processes.filter((q) => q.hostShm)) {
    warnings.push(`Option --xc: the ${p.role} ${p.binary} of --${driver.name} draws into your display with MIT-SHM, so its container shares the host's IPC namespace (--ipc=host): it can reach shared memory of your host processes. Use --xc=no to run it on the host, or --xephyr.`);
  }
  // the containers' user must be the host user outside, as on the host: it makes the socket and reads the session's cookies
  const rootless = !!host.engine?.rootless;
  const asRoot = rootless && options.backend !== 'podman';
  const userns = rootless ? (options.backend === 'podman' ? 'keep-id' : undefined) : host.engine?.usernsRemap ? 'host' : undefined;
  if (mode === 'auto') notes.push(`Option --xc: --${driver.name} runs from image ${image} (${driver.requires.filter((r) => !host.binaries.has(r.binary)).map((r) => r.binary).join(', ')} not installed on the host).`);
  return {
    image,
    engine: options.backend,
    user: asRoot ? { uid: 0, gid: 0 } : { uid: host.hostUser.uid, gid: host.hostUser.gid },
    ...(userns ? { userns } : {}),
    sessionId: host.sessionId,
    pid: host.pid,
    ...(host.hostId !== undefined ? { hostId: host.hostId } : {}),
    binaries: driver.requires.map((r) => r.binary),
  };
}

/**
 * The launch with its image binaries run in containers (see the file comment); files, the
 * container's additions and the host-side processes stay as they are. Pure.
 * @param launch what the driver declared.
 * @param xc the plan's X container part.
 * @param place the session's folders and cookie files.
 */
export function placeLaunch(launch: DisplayLaunch, xc: XContainerPlan, place: XContainerPlace): DisplayLaunch {
  return { ...launch, processes: launch.processes.map((p, i) => (xc.binaries.includes(p.binary) && !p.onHost ? inContainer(p, i, xc, place) : p)) };
}

/**
 * Name of the container of a display's process: `x11docker_xc_X<N>_<index>-<binary>_<session id>`
 * (upstream's containers are named `x11docker_X<N>_...`; the `xc` part tells them apart).
 * @param display the display number `:N`; @param index the process's place in the launch.
 */
export function xcContainerName(xc: Pick<XContainerPlan, 'sessionId'>, display: number, index: number, binary: string): string {
  return `x11docker_xc_X${display}_${index}-${binary.replace(/[^a-zA-Z0-9_.-]+/g, '-')}_${xc.sessionId}`;
}

/**
 * One process as `ENGINE run --rm ... IMAGE ARGS` (the engine's CLI in the foreground: its output
 * is the process's, SIGTERM reaches the process through the CLI's signal proxy and `--init`, and
 * `--rm` removes the container when it ends).
 */
function inContainer(spec: ProcessSpec, index: number, xc: XContainerPlan, place: XContainerPlace): ProcessSpec {
  const name = xcContainerName(xc, place.display, index, spec.binary);
  const env: Record<string, string> = { HOME: '/tmp' };
  const mounts = [bindMount(place.socketFolder, '/tmp/.X11-unix', false)];
  if (spec.connectsTo === 'new') Object.assign(env, { DISPLAY: `:${place.display}`, XAUTHORITY: place.clientAuthFile });
  if (spec.connectsTo === 'host') {
    if (!place.hostDisplay) throw new X11DockerError(`Option --xc: the ${spec.role} ${spec.binary} needs your display's local socket, and there is none. Use --xc=no.`);
    const socket = `/tmp/.X11-unix/X${place.hostDisplay.number}`;
    mounts.push(bindMount(socket, socket, true));
    Object.assign(env, { DISPLAY: `:${place.hostDisplay.number}`, XAUTHORITY: place.hostDisplay.authFile });
  }
  Object.assign(env, spec.env);
  // the session folder is writable only for a process that keeps files or sockets there
  const inSession = (p: string | undefined) => p !== undefined && (p === place.sessionDir || p.startsWith(`${place.sessionDir}/`));
  const writes = inSession(spec.cwd) || Object.values(spec.env ?? {}).some(inSession);
  mounts.push(bindMount(place.sessionDir, place.sessionDir, !writes));
  const args = [
    'run', '--rm', '--init', `--name=${name}`,
    ...sessionLabels(xc),
    '--cap-drop=ALL', '--security-opt=no-new-privileges', '--network=none',
    ...(spec.hostShm ? ['--ipc=host'] : []),
    `--user=${xc.user.uid}:${xc.user.gid}`, ...(xc.userns ? [`--userns=${xc.userns}`] : []), '--read-only', '--tmpfs=/tmp',
    ...mounts,
    ...Object.entries(env).map(([k, v]) => `--env=${k}=${v}`),
    ...(spec.cwd ? [`--workdir=${spec.cwd}`] : []),
    `--entrypoint=${spec.binary}`, '--', xc.image, ...spec.args,
  ];
  return {
    role: spec.role,
    binary: xc.engine,
    args,
    // (the display the program talks to, for the session's end: DISPLAY and XAUTHORITY are in the argv)
    connectsTo: spec.connectsTo,
    // -displayfd cannot pass through the engine: a real X11 set-up from the host instead
    ready: spec.ready.kind === 'displayfd' ? { kind: 'x11' } : spec.ready,
    essential: spec.essential,
    ownsDisplay: spec.ownsDisplay,
    container: { name, binary: spec.binary },
  };
}
