import { join } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import type { HostFacts, HostUser } from '../host/facts.js';
import type { Backend, Options } from '../options/parse.js';
import type { RawOptions } from '../options/raw-options.js';
import type { XServerName } from '../options/table.js';
import type { XServerDriver } from '../xserver/driver.js';
import { planWayland } from './wayland.js';
import { planXw } from './xw.js';
import { planDisplayExtras } from './display.js';
import { containerXEnv, planScreen, type ScreenPlan } from './screen.js';
import { chooseXServer } from './choose-xserver.js';
import { checkFallback } from './fallback.js';
import { planCheckWindow, type CheckWindowPlan } from './checkwindow.js';
import { shellLineNote, type ImageConfig } from './image.js';
import { planHtml } from './html.js';
import type { HtmlBind } from '../options/html.js';
import type { ContainerUser } from './userdb.js';
import { checkRetainUser, planContainerExtras, containerExtraArgs, type ContainerExtras } from './container-extras.js';
import { planServices, type ServicePlan } from './services.js';
import { EXIT_DIR } from './launchers.js';
import { planDisplaySettings, planIntegration, withoutEntrypoint, type DisplaySettings, type IntegrationPlan } from './integration.js';
import { CONTAINER_RUNTIME_DIR, hostWaylandSocket } from '../wayland/wayland.js';
import { withRealSources } from './raw-sources.js';
import { publishNote, rawOptionNotes, rawOptionWarnings, refuseRawFiles, refuseRawOptions } from './raw-warnings.js';
import { chooseContainerUser } from './container-user.js';
import { sessionLabels, bindMount, privateTmpfs, xSocketMount } from './argv.js';
import { planHostDisplayAccess } from './hostdisplay.js';
import { planLimits } from './limits.js';
import { envArgs, ownEnvNames, ownEnvNotes, probeLaunch, readRawOptions } from './own-env.js';
import { planXContainer, type XContainerPlan } from './xcontainer.js';

/** Default screen size of a new X server, in pixels. */
export const DEFAULT_SIZE = { width: 1024, height: 768 } as const;

/** Where the client cookie is mounted inside the container. */
export const CONTAINER_XAUTHORITY = '/x11docker/Xauthority.client';


/** The container half of a session: what `docker create` gets, before the display is known. */
export interface ContainerPlan extends ContainerExtras {
  readonly backend: Backend;
  readonly image: string;
  readonly imageConfig: ImageConfig;
  /** `--name`, when the user chose one; else a name is made from the display and session id. */
  readonly name?: string;
  /** Working directory, or undefined to keep the image's WORKDIR. */
  readonly workdir?: string;
  /** Environment set by x11docker (USER, HOME, LANG, TZ, Wayland toolkits, integration sockets), as NAME=VALUE. */
  readonly env: readonly string[];
  /** `--env` values, in order (later ones win); x11docker's own variables win over them (own-env.ts). */
  readonly userEnv: readonly string[];
  /** `--network` value: `none` (default), a network name, or undefined for the engine default. */
  readonly network?: string;
  /** Raw `docker run` options from after `--`, appended last, unchanged. */
  readonly engineArgs: readonly string[];
  /** The same raw options, parsed (src/options/raw-options.ts): ask this, never scan `engineArgs`. */
  readonly raw: RawOptions;
  /** Attach stdin to the command: `-i`/`-t` of x11docker, or `-i`/`--interactive` among the raw options. */
  readonly interactive: boolean;
  /**
   * The raw options make the root filesystem read-only (`--read-only`): x11docker then writes
   * nothing into the container; its files are mounted read-only and HOME is a tmpfs
   * (see {@link readOnlyRootfsMounts}).
   */
  readonly readOnlyRootfs: boolean;
  /**
   * The client cookie file must be readable by other uids (mode 0644; the session folder, 0700,
   * still hides it on the host): the container user is not the host user (`--user`, RETAIN), or
   * the engine maps it to another host uid (docker `userns-remap`, rootless docker or nerdctl).
   */
  readonly sharedCookie: boolean;
  /** `--runtime`: the engine's container runtime. */
  readonly runtime?: string;
  /** `--limit`: CPUs (fraction) and memory (bytes) the container may use. */
  readonly limits?: { readonly cpus: number; readonly memoryBytes: number };
  /** Command after IMAGE, passed unchanged; empty keeps the image's CMD. */
  readonly command: readonly string[];
  /** Init system, dbus, devices and capabilities (plan/services.ts). */
  readonly services: ServicePlan;
  /** -i/-t, --no-entrypoint, --group-add, --webcam, --printer, --hostdbus (plan/integration.ts). */
  readonly integration: IntegrationPlan;
}

/** Everything a session will do, decided from options and host facts alone (no side effects). */
export interface SessionPlan {
  readonly sessionId: string;
  /** Process id of x11docker, recorded on the container's label. */
  readonly pid: number;
  /** x11docker's host identity (HostFacts.hostId), recorded on the container's label. */
  readonly hostId?: string;
  /** The X server driver chosen, and why (one line for the log). */
  readonly driver: XServerDriver;
  readonly driverReason: string;
  /**
   * `--hostdisplay` with `--gpu` or `--clipboard`: the container gets a trusted cookie for the
   * user's display (not an untrusted one) and the host IPC namespace, as upstream
   * (plan/hostdisplay.ts). False for every other display option.
   */
  readonly trustedHostCookie: boolean;
  /** `--desktop`, `--fullscreen`, `--clipboard` as the display driver sees them. */
  readonly desktop: boolean;
  /** `--wayland` with a driver that gives its compositor's Wayland socket besides X (`--weston=x`, `--xw`). */
  readonly wayland?: boolean;
  readonly fullscreen: boolean;
  readonly clipboard: boolean;
  /** `--clipboard` through x11docker's synchroniser (host xclip), for servers without their own sharing. */
  readonly clipboardSync: boolean;
  /** The synchroniser's direction (`--clipboard=c2h|h2c|cmv`; `yes`: both ways). */
  readonly clipboardMode: Options['clipboardMode'];
  /** Host window manager command to run on the new display, if any (`--wm`, or found for Xephyr). */
  readonly wm?: readonly string[];
  /** `--exe`: a host command to run on the new display instead of a container. */
  readonly exe?: readonly string[];
  /** `--xeyes`/`--xlogo`: host X clients (argv) to start on the display once it is up. */
  readonly displayClients: readonly (readonly string[])[];
  /** `--runfromhost`: host shell commands run (and waited for) on the display before the application starts. */
  readonly hostCommands: readonly string[];
  /** `--display`, when fixed. */
  readonly fixedDisplay?: number;
  readonly size: { readonly width: number; readonly height: number };
  /**
   * stdout carries x11docker's lines only (`--printenv`, `--printid`, `--printpid1`, `--printinfofile` without FILE): the command's
   * stdout goes to stderr, so that a reader of the first line gets x11docker's.
   */
  readonly showenv: boolean;
  /** The host user: X server and session files belong to this user. */
  readonly hostUser: HostUser;
  /** True when x11docker runs as root and must start the X server as the host user. */
  readonly dropToHostUser: boolean;
  /** `~/.cache/x11docker` of the host user, or `--cachebasedir`. */
  readonly cacheDir: string;
  /** Container engine sockets listening on the host (HostFacts.engineSockets): raw mounts of folders containing one are refused. */
  readonly engineSockets?: readonly string[];
  /** Per-session folder (mode 0700) for cookies and the log; removed at the end. */
  readonly sessionDir: string;
  /** Undefined with `--xonly`. */
  readonly container?: ContainerPlan;
  /** `--xc`: the display's processes run from the X server image (src/plan/xcontainer.ts); undefined: on the host. */
  readonly xc?: XContainerPlan;
  /** `--xtest`, `--dpi`, `--keymap` for the new X server (plan/integration.ts). */
  readonly displaySettings: DisplaySettings;
  /** `--checkwindow`: end the session when the windows are gone (plan/checkwindow.ts). */
  readonly checkWindow?: CheckWindowPlan;
  /** `--scale`, `--rotate`, `--output-count`, `--border`, `--westonini`, `--vt`, `--xauth`, `--xhost`, `--clean-xhost`, `--xoverip` (plan/screen.ts). */
  readonly screen?: ScreenPlan;
  /** `--html`: serve the display to a browser (src/run/html.ts). */
  readonly html?: HtmlBind;
  /** Isolation warnings, printed before anything starts. */
  readonly warnings: readonly string[];
  /** Notes, printed before anything starts. */
  readonly notes: readonly string[];
}

/**
 * Plans a session.
 * @param options parsed command line.
 * @param host facts about the host (user, DISPLAY, installed binaries).
 * @param imageConfig the image's configuration; required unless `--xonly`.
 * @throws X11DockerError for impossible combinations (e.g. `--xephyr` without DISPLAY, missing binary).
 */
export function planSession(options: Options, host: HostFacts, imageConfig?: ImageConfig): SessionPlan {
  const warnings: string[] = [];
  const notes = [...options.notes, ...(host.notes ?? [])];
  if (options.html) options = planHtml(options, host, warnings, notes);
  options = planXw(options, !!hostWaylandSocket(host.waylandDisplay, host.xdgRuntimeDir), notes);
  const { driver, reason } = chooseXServer(options, host, notes, warnings);
  const xc = planXContainer(options, host, driver, notes, warnings);
  const hostAccess = driver.source === 'shared' && driver.gives === 'x11' ? planHostDisplayAccess(options, host.display!) : undefined;
  if (hostAccess) warnings.push(hostAccess.warning);
  if (options.services.gpu && driver.glxUnusable) notes.push(`Option --gpu with --${driver.name}: ${driver.glxUnusable}. Use --xpra, --xephyr or --weston-xwayland for OpenGL.`);
  const cacheDir = options.cachebasedir ?? join(host.hostUser.home, '.cache', 'x11docker');

  const waylandEnv = planWayland(options, host, driver, notes, warnings);
  // --wayland with a driver that gives its compositor's socket besides X (--weston=x, --xw)
  const waylandAlongside = options.wayland && !!driver.waylandAlongside;
  const checkWindow = planCheckWindow(options, driver, host.binaries, notes);
  let container: ContainerPlan | undefined;
  if (!options.xonly && !options.exe) {
    if (!options.image || !imageConfig) throw new X11DockerError('No image given. Usage: x11docker [OPTIONS] IMAGE [COMMAND].');
    const image = withoutEntrypoint(options, imageConfig);
    const extras = planContainerExtras(options, host, chooseContainerUser(options, host, warnings), warnings, notes, imageConfig.user, driver.gives === 'wayland' || waylandAlongside ? `--${driver.name}${waylandAlongside ? ' --wayland' : ''}` : undefined);
    const user = extras.user;
    const network = options.network === undefined ? 'none' : options.network === '' ? undefined : options.network;
    if (network === 'host' || options.raw.values('--network').includes('host')) {
      warnings.push(
        'Option --hostnet / --network=host: the container shares the host network stack. Severe reduction of container isolation: ' +
          'it reaches host services on localhost, the host dbus and the abstract X sockets of your displays.',
      );
    } else if (network !== 'none' && !options.raw.has('--network')) {
      warnings.push(`Option --network${options.network ? `=${printable(options.network)}` : ''}: the container has network access.`);
    }
    const entrypoint = options.raw.has('--entrypoint') ? ['(raw --entrypoint)'] : image.imageConfig.entrypoint;
    for (const note of [publishNote(options.raw, network), shellLineNote(image.command, entrypoint)]) if (note) notes.push(note);
    const integration = planIntegration(options, host, network, warnings, notes);
    container = {
      backend: options.backend,
      image: options.image,
      imageConfig: image.imageConfig,
      name: options.name,
      workdir: options.workdir ?? (imageConfig.workingDir || extras.retainUser ? undefined : user.home),
      ...extras,
      env: [...(extras.retainUser ? [] : [`USER=${user.name}`, `HOME=${user.home}`]), ...extras.env, ...waylandEnv, ...integration.env],
      userEnv: options.env,
      network,
      // raw bind mounts go to the engine resolved, as --sharedir (plan/raw-sources.ts)
      engineArgs: withRealSources(options.raw, (p) => host.realPaths?.get(p)),
      raw: options.raw,
      interactive: integration.interactive || options.raw.has('--interactive'),
      readOnlyRootfs: options.raw.has('--read-only'),
      runtime: options.runtime,
      limits: options.limit !== undefined ? planLimits(options.limit, host, notes, options.raw, warnings) : undefined,
      sharedCookie: user.uid !== host.hostUser.uid || extras.retainUser || options.raw.has('--user') || !!host.engine?.usernsRemap || extras.rootlessEngine,
      command: image.command,
      // --hostdisplay's trusted cookie brings --hostipc along, as upstream
      services: planServices({ ...options.services, ...(hostAccess?.hostIpc ? { hostipc: true } : {}), ...(checkWindow && !options.integration.noSetup ? { keepAlive: true } : {}) }, host, user, image.imageConfig, image.command, warnings, notes, options.backend, options.workdir ?? (imageConfig.workingDir || user.home), options.raw.values('--network').at(-1) ?? network),
      integration,
    };
    checkRetainUser(extras.retainUser && !extras.noSetupUser, imageConfig.user, container.services, warnings);
    notes.push(...rawOptionNotes(options.raw));
    refuseRawOptions(options.raw);
    refuseRawFiles(options.raw, (p) => host.realPaths?.get(p) ?? p, host.hostUser.home, { cacheDir: options.cachebasedir, engineSockets: host.engineSockets });
    warnings.push(...rawOptionWarnings(options.raw));
    // x11docker's own variables (DISPLAY, ...) win over the user's: say where the user set one
    const launch = probeLaunch(driver, undefined, waylandAlongside);
    const own = [...(launch.x11 ? ['DISPLAY', 'XAUTHORITY'] : []), ...Object.keys(launch.containerEnv), ...Object.keys(runtimeDirExtras({ container }, launch).env), ...container.services.env, ...(container.services.pulseTcp ? ['PULSE_SERVER'] : []), ...container.env];
    notes.push(...ownEnvNotes(ownEnvNames(own), { env: options.env, raw: readRawOptions(options.raw), envFiles: host.envFiles, imageEnv: imageConfig.env }));
  }

  const extras = planDisplayExtras(options, host, driver, notes, warnings);
  const displaySettings = planDisplaySettings(options, host, driver, warnings, notes);
  const { screen, clients } = planScreen(options, host, driver, DEFAULT_SIZE, container ? { user: container.user.name, network: container.network } : undefined, notes, warnings);
  checkFallback(options.fallback ?? 'yes', notes);

  return {
    sessionId: host.sessionId,
    pid: host.pid,
    ...(host.hostId !== undefined ? { hostId: host.hostId } : {}),
    driver,
    driverReason: reason,
    trustedHostCookie: hostAccess?.trustedCookie ?? false,
    desktop: options.desktop,
    wayland: waylandAlongside,
    fullscreen: options.fullscreen,
    // one direction only: xpra's and nxagent's own sharing stays off, the synchroniser does it
    clipboard: options.clipboard && options.clipboardMode === 'yes',
    clipboardSync: extras.clipboardSync,
    clipboardMode: options.clipboardMode,
    wm: extras.wm,
    exe: options.exe ? options.command : undefined,
    displayClients: [...extras.displayClients, ...clients],
    hostCommands: options.runFromHost,
    fixedDisplay: options.display,
    size: screen.size,
    showenv: options.showenv || [options.printid, options.printpid1, options.printinfofile].some((p) => p !== undefined && p.file === undefined),
    hostUser: host.hostUser,
    dropToHostUser: host.processUid === 0 && host.hostUser.uid !== 0,
    cacheDir,
    engineSockets: host.engineSockets,
    sessionDir: join(cacheDir, host.sessionId),
    container,
    xc,
    html: options.html,
    displaySettings,
    screen,
    ...(checkWindow ? { checkWindow } : {}),
    warnings,
    notes,
  };
}

/**
 * The container's XDG_RUNTIME_DIR for every session, as upstream x11docker gives one (toolkits
 * such as Qt warn without it, and programs put sockets there): a private tmpfs of the container
 * user, mode 0700, at {@link CONTAINER_RUNTIME_DIR}. Nothing when the display already brings one
 * (Wayland: the compositor socket is in it) or with `--user=RETAIN` (the user is not known).
 * @param plan the session plan (with a container).
 * @param launch what the display driver gives the container (its env and mounts).
 * @returns the mounts and env to add.
 */
export function runtimeDirExtras(
  plan: Pick<SessionPlan, 'container'>,
  launch: { readonly containerEnv: Readonly<Record<string, string>>; readonly containerMounts: readonly { readonly target: string }[] } | undefined,
): { mounts: { source: string; target: string; readonly: boolean; tmpfs: true }[]; env: Record<string, string> } {
  const c = plan.container;
  const given = launch?.containerEnv.XDG_RUNTIME_DIR !== undefined || launch?.containerMounts.some((m) => m.target === CONTAINER_RUNTIME_DIR);
  // (podman chowns a tmpfs to the container's --user, which is root when an init system starts as root)
  if (!c || c.retainUser || given || (c.backend === 'podman' && c.services.rootLaunch)) return { mounts: [], env: {} };
  return { mounts: [{ source: '', target: CONTAINER_RUNTIME_DIR, readonly: false, tmpfs: true }], env: { XDG_RUNTIME_DIR: CONTAINER_RUNTIME_DIR } };
}

/** SELinux type for x11docker's containers on an SELinux engine (upstream's choice: may use the X socket). */
export const SELINUX_CONTAINER_TYPE = 'container_runtime_t';

/** Paths and names known once the display is up. */
export interface SessionRuntime {
  /** Display number the container connects to. */
  readonly display: number;
  /** The X socket on the host (`/tmp/.X11-unix/XN`). */
  readonly socketPath: string;
  /** The session's socket folder that holds a hard link to the X socket (plan/argv.ts xSocketMount), if there is one. */
  readonly socketDir?: string;
  /** Host path of the client cookie file (wildcard entry). */
  readonly clientAuthFile: string;
  /** Host folder with the compiled `--lang` locale, when it could be made (src/run/locale.ts). */
  readonly localeDir?: string;
  /** The container gets the X socket, cookie and DISPLAY (default true; false for --nothing and pure Wayland). */
  readonly x11?: boolean;
  /** Extra environment from the display driver (e.g. WAYLAND_DISPLAY), by name. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra bind mounts from the display driver (e.g. the Wayland socket). */
  readonly mounts?: readonly { readonly source: string; readonly target: string; readonly readonly: boolean; readonly tmpfs?: boolean }[];
}

/**
 * The argument array for `ENGINE create` (docker/podman/nerdctl take the same flags).
 * The container is hardened as upstream x11docker does: `--init --cap-drop=ALL
 * --security-opt=no-new-privileges`, no network, only the new display's socket and a
 * read-only client cookie mounted, and numeric `--user UID:GID`. No `--rm`: x11docker removes the
 * container itself, so that a container whose start failed can still be inspected.
 * @param plan the session plan (must have a container part).
 * @param rt the display and files of the running X server.
 */
export function containerCreateArgs(plan: SessionPlan, rt: SessionRuntime): string[] {
  const c = plan.container;
  if (!c) throw new Error('containerCreateArgs: the plan has no container (--xonly)');
  const raw = c.raw;
  const sv = c.services;
  const caps = [...new Set([...c.capAdd, ...sv.capAdd])].sort();
  // no --rm: x11docker removes the container itself (session.ts; the watcher and --cleanup after SIGKILL). With
  // --rm, docker and podman delete a container whose start failed at once, and x11docker could not tell that
  // failure (exit 125-127) from the command's own exit status
  const args = ['create', ...(sv.init === 'tini' ? ['--init'] : []), ...(sv.capDrop ? ['--cap-drop=ALL'] : []), ...caps.map((cap) => `--cap-add=${cap}`)];
  if (!c.newPrivileges) args.push('--security-opt=no-new-privileges');
  // upstream: an SELinux-labelled container may not use the X socket; this label allows it
  if (c.engineSelinux && !raw.values('--security-opt').some((v) => /^label[:=]/.test(v))) args.push(`--security-opt=label=type:${SELINUX_CONTAINER_TYPE}`);
  if (!raw.has('--name')) args.push(`--name=${c.name ?? containerName(plan, rt.display)}`);
  args.push(...sessionLabels(plan));
  if (c.network !== undefined && !raw.has('--network')) args.push(`--network=${c.network}`);
  if (c.runtime !== undefined && !raw.has('--runtime')) args.push(`--runtime=${c.runtime}`);
  if (c.limits) {
    if (!raw.has('--cpus')) args.push(`--cpus=${c.limits.cpus}`);
    if (!raw.has('--memory')) args.push(`--memory=${c.limits.memoryBytes}b`);
  }
  if (sv.rootLaunch) args.push('--user=0:0');
  else if (!c.retainUser || c.noSetupUser) args.push(`--user=${c.user.uid}:${c.user.gid}`);
  if (c.workdir !== undefined && !raw.has('--workdir')) args.push(`--workdir=${c.workdir}`);
  const x11 = rt.x11 ?? true;
  // (--xoverip: the container reaches the X server over TCP, not through its socket)
  if (x11) args.push(...(plan.screen?.tcpHost ? plan.screen.containerArgs : [xSocketMount(rt.socketPath, rt.socketDir)]), bindMount(rt.clientAuthFile, CONTAINER_XAUTHORITY));
  for (const m of rt.mounts ?? []) {
    args.push(m.tmpfs ? privateTmpfs(c.backend, m.target, c.user) : bindMount(m.source, m.target, m.readonly));
  }
  args.push(...containerExtraArgs(c, rt));
  args.push(...c.integration.args);
  args.push(...sv.args);
  if (sv.exitCodeFile) args.push(`--mount=type=bind,source=${join(plan.sessionDir, 'exit')},target=${EXIT_DIR}`);
  const xenv = x11 ? containerXEnv(plan.screen, rt.display, CONTAINER_XAUTHORITY) : [];
  // x11docker's own variables (DISPLAY, XAUTHORITY, ...) after the raw options: they win over raw -e/--env-file and the image's ENV
  const env = envArgs([...xenv, ...Object.entries(rt.env ?? {}).map(([k, v]) => `${k}=${v}`), ...sv.env, ...c.env], c.userEnv);
  args.push(...env.beforeRaw);
  if (sv.entrypoint !== undefined) args.push(`--entrypoint=${sv.entrypoint}`);
  else if (c.integration.noEntrypoint) args.push('--entrypoint=');
  args.push(...c.engineArgs, ...env.afterRaw, '--', c.image, ...(sv.entrypoint !== undefined ? sv.entrypointArgs : c.command));
  return args;
}

/** Default container name: `x11docker_X<display>_<image>_<session id>` (as upstream). */
export function containerName(plan: SessionPlan, display: number): string {
  const image = (plan.container?.image ?? 'xonly').replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(0, 40);
  return `x11docker_X${display}_${image}_${plan.sessionId}`;
}
