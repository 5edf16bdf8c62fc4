/**
 * Remote engines: a docker daemon reached over `tcp://` or `ssh://` (`DOCKER_HOST`, or a docker
 * context with such an endpoint). x11docker's usual session shares host paths with its
 * containers (the X socket, the cookie, the session folder), which an engine on another machine
 * cannot see. Such an engine is **remote** when its endpoint is not a UNIX socket: also
 * `tcp://127.0.0.1:PORT`, since a daemon there may well be another one (with its own files, in a
 * VM, or forwarded from elsewhere) and nothing over TCP proves that it sees this machine's folders.
 *
 * A remote engine runs a session only with `--html` or `--xpra`: everything of the display runs
 * on that engine ({@link remoteCommands}), in containers from the `--xc` image that share two
 * volumes with the app's container, and only the display's stream crosses the engine's own
 * connection: `docker exec -i` of a relay to a UNIX socket in the display container (x11vnc's for
 * `--html`, into websockify and the viewer here; the xpra server's for `--xpra`, into
 * `xpra attach` on the user's display here), one per connection. No port is published on the
 * engine's machine and no ssh tunnel is made: the stream travels wherever the engine's API does
 * (tcp, TLS, ssh, a context). Without either it is refused before anything starts
 * ({@link checkRemoteOptions}). Pure; unit-tested in test/unit/remote.test.ts.
 */
import { X11DockerError } from '../errors.js';
import type { Options } from '../options/parse.js';
import { givenOptions, unsupportedInPod } from './kube.js';
import { sessionLabels } from './argv.js';
import { XPRA_ENV, xpraServerArgs } from '../xserver/xpra.js';
import { envArgs } from './own-env.js';
import { privateTmpfs } from './argv.js';
import { runtimeDirExtras, type SessionPlan } from './plan.js';

/** Display number on the remote engine (its containers have their own network namespace and socket volume: no display can collide; 100 as upstream's first new display). */
export const REMOTE_DISPLAY = 100;
/** Where the display's and the app's containers find the cookie (the volume of x11docker's files, read-only for the app). */
export const REMOTE_XAUTHORITY = '/x11docker/Xauthority';
/** The VNC password file in the display container's private `/tmp` (a tmpfs; the app's container never sees it). */
export const REMOTE_VNC_PASSWD = '/tmp/vncpasswd';
/** x11vnc's UNIX socket in the display container's private `/tmp` (it has no TCP port, and the container no network). */
export const REMOTE_VNC_SOCKET = '/tmp/vnc.sock';
/** The xpra server's socket folder in the display container's private `/tmp` (mode 0700); its socket is `socket` in it. */
export const REMOTE_XPRA_DIR = '/tmp/xpra';
/** The xpra server's output in the display container's private `/tmp` (its readiness line, and its last line when it fails). */
export const REMOTE_XPRA_LOG = '/tmp/xpra.log';

/**
 * A stdio <-> UNIX socket relay in Python 3 (in the X server image as xpra's dependency):
 * `docker exec -i` gives a pipe, and x11vnc and the xpra server listen on UNIX sockets. Arguments:
 * the socket path.
 */
export const STDIO_RELAY = [
  'import os, socket, sys, threading',
  's = socket.socket(socket.AF_UNIX)',
  's.connect(sys.argv[1])',
  'def up():',
  '    while True:',
  '        d = os.read(0, 65536)',
  '        if not d: break',
  '        s.sendall(d)',
  '    s.shutdown(socket.SHUT_WR)',
  'threading.Thread(target=up, daemon=True).start()',
  'out = sys.stdout.buffer',
  'while True:',
  '    d = s.recv(65536)',
  '    if not d: break',
  '    out.write(d)',
  '    out.flush()',
].join('\n');

/**
 * Whether an engine address (a `DOCKER_HOST` value or a context's endpoint) is remote in the
 * sense above: anything but a UNIX socket (`unix://PATH`). Unknown schemes (`npipe://`, `fd://`)
 * are left to the engine's CLI and counted as local.
 * @param host the address, e.g. `tcp://127.0.0.1:2375`, `ssh://me@box`, `unix:///var/run/docker.sock`.
 */
export function isRemoteHost(address: string): boolean {
  // (the CLI trims the address: ' tcp://h:2375' is that engine)
  const host = address.trim();
  if (host.startsWith('unix://') || host.startsWith('npipe://') || host.startsWith('fd://')) return false;
  if (host.startsWith('tcp://') || host.startsWith('ssh://')) return true;
  // docker's short form HOST:PORT is tcp
  return /^[^/:]+:\d+$/.test(host) || /^\[[0-9a-fA-F:]+\]:\d+$/.test(host);
}

/** The session's containers and volumes on the remote engine, named after the session id. */
export interface RemoteNames {
  readonly display: string;
  readonly app: string;
  /** Volume mounted as `/tmp/.X11-unix` (the X socket). */
  readonly socketVolume: string;
  /** Volume mounted as `/x11docker` (the cookie file). */
  readonly filesVolume: string;
}

/** Names of a session's objects on the remote engine (upstream's `x11docker_X<N>_...` style). */
export function remoteNames(sessionId: string): RemoteNames {
  return {
    display: `x11docker_xc_X${REMOTE_DISPLAY}_0-Xvfb_${sessionId}`,
    app: `x11docker_X${REMOTE_DISPLAY}_${sessionId}`,
    socketVolume: `x11docker_X${REMOTE_DISPLAY}_socket_${sessionId}`,
    filesVolume: `x11docker_X${REMOTE_DISPLAY}_files_${sessionId}`,
  };
}

/** How a remote session is seen here: in a browser (`--html`) or with `xpra attach` on the user's display (`--xpra`). */
export type RemoteView = 'html' | 'xpra';

/**
 * The view of a remote session, from the options: `html` with `--html`, `xpra` with `--xpra`
 * (without `--html`), else none (the session is refused, {@link checkRemoteOptions}).
 */
export function remoteView(options: Pick<Options, 'html' | 'xserver'>): RemoteView | undefined {
  if (options.html !== undefined) return 'html';
  return options.xserver === 'xpra' ? 'xpra' : undefined;
}

/**
 * Refuses what a remote engine cannot do, before anything starts (exit 64, one line).
 * @param options the parsed options.
 * @param host the engine's address, for the message (e.g. `tcp://10.0.0.5:2375`).
 * @throws X11DockerError without `--html` or `--xpra` (the X server could not share a socket
 *   with the container), for `--xc=no`, another backend than docker, and every option the remote
 *   session does not do yet (host folders, a display option other than Xvfb for `--html` or with
 *   `--xpra`, `--hostnet`, options for `docker run` after `--`, container services and host
 *   integration).
 */
export function checkRemoteOptions(options: Options, host: string): void {
  const no = (what: string, fix: string) => new X11DockerError(`The ${options.backend} engine at ${host} is remote (${what}). ${fix}`);
  // (--tty is the X server option 'nothing' after parsing: the message names what the user typed)
  if (options.integration.tty) throw no('--tty is not available there: a remote session has no terminal here', `Remove --tty${options.html !== undefined ? ' (--html shows the display in your browser)' : ''}.`);
  if (options.backend !== 'docker') throw no('only docker is supported there yet', `Use --backend=docker (DOCKER_HOST or a docker context), or a local ${options.backend} (unset ${options.backend === 'podman' ? 'CONTAINER_HOST' : 'the variable that names the remote engine'}).`);
  const view = remoteView(options);
  if (view === undefined && options.xserver !== undefined && options.xserver !== 'xvfb') {
    throw no(`--${options.xserver} is not available there: only --html and --xpra show a display of that engine here`, 'Use --html (in your browser) or --xpra (windows on your display).');
  }
  if (view === undefined) {
    throw no('it does not share this machine\'s files and sockets, so its container cannot reach an X server here', 'Use --html to run the display in a container there and see it in your browser, or --xpra to see its windows here with xpra, or use a local engine (unset DOCKER_HOST, or docker context use default).');
  }
  if (options.xc.mode === 'no') throw no('--xc=no: the display runs in a container there', 'Remove --xc=no.');
  if (options.sharedirs.length > 0 || options.home !== undefined) throw no('--home and --sharedir are folders of this machine', 'Remove them.');
  if (view === 'html' && options.xserver !== undefined && options.xserver !== 'xvfb') throw no(`--${options.xserver} is not available there`, 'Use --html alone (Xvfb), or --xpra alone.');
  if (options.exe || options.xonly || options.image === undefined) throw no('a session there needs an image', 'Give IMAGE [COMMAND] (no --xonly or --exe).');
  if (options.network === 'host') throw no('--hostnet would be the network of that machine', 'Use --network.');
  if (options.showenv) throw no('--showenv: its display is on the engine, out of reach of programs here', view === 'html' ? 'Remove --showenv (the view\'s URL is printed as HTML_URL=).' : 'Remove --showenv.');
  if (options.engineArgs.length > 0) throw no(`options for docker run after '--' (${options.engineArgs[0]}) are not supported there yet`, 'Remove them.');
  const notYet = [...unsupportedInPod(options).filter((o) => o !== '--clipboard'), ...notAppliedRemotely(options)];
  if (notYet.length > 0) throw no(`${notYet.join(', ')} ${notYet.length > 1 ? 'are' : 'is'} not available there yet`, `Remove ${notYet.length > 1 ? 'them' : notYet[0]}.`);
}

/**
 * Options a remote session does not apply besides those a pod does not ({@link unsupportedInPod}):
 * each is refused by {@link checkRemoteOptions}, never dropped silently. What a remote session
 * applies: the image and command, `--env`, `--workdir`, `--lang` (LANG; the locale must be in
 * the image), `--user` and `--hostuser` (the container's uid:gid, HOME and USER), `--shell`
 * (SHELL), `--no-entrypoint` with a command, `--no-setup`, `--network`, `--size`, `--dpi`,
 * `--clipboard`, `--xc=IMAGE`, and with `--xpra` also `--desktop`, `--fullscreen`, `--scale`, `--border`.
 * @param o the parsed options.
 * @returns the option names, as the user types them.
 */
export function notAppliedRemotely(o: Options): string[] {
  const ig = o.integration;
  const sc = o.screen;
  const given: [boolean, string][] = [
    [o.user?.toUpperCase() === 'RETAIN', '--user=RETAIN'], [o.clipboard && o.clipboardMode !== 'yes', `--clipboard=${o.clipboardMode}`], [o.rootless !== undefined, '--rootless'], [o.xw === true, '--xw'],
    [(ig.xopt?.length ?? 0) > 0, '--xopt'], [ig.keymap !== undefined, '--keymap'], [ig.composite !== undefined, '--composite'], [ig.checkwindow !== undefined, '--checkwindow'],
    [sc.rotate !== undefined, '--rotate'], [sc.outputCount > 1, '--output-count'], [sc.vt !== undefined, '--vt'], [sc.westonini !== undefined, '--westonini'],
    [o.services.ipcMode !== undefined && !o.services.hostipc, '--ipc'], [o.services.shareCgroup === true, '--sharecgroup'],
  ];
  return givenOptions(given);
}

/** The app container's user, environment and folders on a remote engine, as the local session gives them ({@link remoteApp}). */
export interface RemoteApp {
  /** The container user (`--user`, `--hostuser`, else the host user), also of the display's container and the volumes. */
  readonly uid: number;
  readonly gid: number;
  /** The user's HOME: a private tmpfs of the user there (x11docker writes no passwd entry on a remote engine). */
  readonly home?: string;
  /** XDG_RUNTIME_DIR: a private tmpfs of the user there (as the local session's). */
  readonly runtimeDir?: string;
  /** `--env` values and x11docker's own variables (USER, HOME, LANG, TZ, SHELL, XDG_RUNTIME_DIR), as NAME=VALUE; x11docker's win. */
  readonly env: readonly string[];
  /** `--workdir`. */
  readonly workdir?: string;
  /** `--no-entrypoint` (with a command). */
  readonly noEntrypoint: boolean;
  /** docker's `--init` (tini) as the local container's: false with `--no-init`. */
  readonly init: boolean;
  readonly command: readonly string[];
}

/**
 * The app container's settings of a remote session from the session plan (planned as a local
 * session with Xvfb in an `--xc` container, src/run/remote.ts planRemote): the same user,
 * environment, working folder and entrypoint as the local container (src/plan/plan.ts
 * containerCreateArgs), without what names this machine's files (the session folder, DISPLAY
 * and XAUTHORITY, which the remote session sets itself).
 * @param plan the plan, with a container.
 * @throws Error when the plan has no container (checkRemoteOptions refuses a session without an image).
 */
export function remoteApp(plan: SessionPlan): RemoteApp {
  const c = plan.container;
  if (!c) throw new Error('remoteApp: the plan has no container');
  const rt = runtimeDirExtras(plan, undefined);
  const hasHome = c.env.some((e) => e.startsWith('HOME='));
  const runtimeDir = rt.env.XDG_RUNTIME_DIR;
  const own = [...c.env, ...Object.entries(rt.env).map(([k, v]) => `${k}=${v}`)];
  const flags = envArgs(own, c.userEnv);
  const env = [...flags.beforeRaw, ...flags.afterRaw].filter((a) => a !== '--env')
    .filter((e) => !e.includes(plan.sessionDir) && !/^(DISPLAY|XAUTHORITY)=/.test(e));
  return {
    uid: c.user.uid, gid: c.user.gid, ...(hasHome ? { home: c.user.home } : {}), ...(runtimeDir !== undefined ? { runtimeDir } : {}),
    env, ...(c.workdir !== undefined ? { workdir: c.workdir } : {}), noEntrypoint: c.integration.noEntrypoint, init: c.services.init === 'tini', command: c.command,
  };
}

/** What {@link remoteCommands} needs. */
export interface RemoteSessionSpec {
  readonly sessionId: string;
  /** x11docker's pid, for the containers' labels. */
  readonly pid: number;
  /** x11docker's machine, boot and PID namespace (src/host/identity.ts), for the labels: `--cleanup` elsewhere leaves the session alone. */
  readonly hostId?: string;
  /** The X server image (`--xc=IMAGE`, default x11docker-xserver). */
  readonly xcImage: string;
  readonly image: string;
  readonly command: readonly string[];
  /** uid:gid of the containers' processes (the app's container user, {@link RemoteApp}). */
  readonly uid: number;
  readonly gid: number;
  /** The app's HOME, environment, working folder and entrypoint ({@link remoteApp}); without it HOME is /tmp. */
  readonly app?: Omit<RemoteApp, 'uid' | 'gid' | 'command'>;
  /** `--dpi`, else 96. */
  readonly dpi?: number;
  /** `--network`: undefined = none, `''` = the engine's default, else the network. */
  readonly network?: string;
  /** `--size` in pixels, else 1280x800. */
  readonly size?: { readonly width: number; readonly height: number };
  /** Share the clipboard between the view and the display (`--clipboard`). */
  readonly clipboard: boolean;
  /** How the session is seen here (default `html`). */
  readonly view?: RemoteView;
  /** `--desktop` with `--xpra`: the whole screen in one window (`start-desktop`). */
  readonly desktop?: boolean;
}

/** The docker commands of the server on the display that a remote session's view connects to. */
interface RemoteViewCommandsBase {
  /** `exec -d`: the server, for as long as the display container runs. */
  readonly server: readonly string[];
  /** `exec`: succeeds once the server accepts connections. */
  readonly ready: readonly string[];
  /** `exec -i`: relays stdin and stdout to the server's socket ({@link STDIO_RELAY}), for one connection from here. */
  readonly relay: readonly string[];
}

/** `--html`: x11vnc on {@link REMOTE_VNC_SOCKET}, with the session's VNC password. */
export interface RemoteHtmlCommands extends RemoteViewCommandsBase {
  readonly kind: 'html';
  /** `exec -i`: writes stdin to the VNC password file in the display container's private /tmp. */
  readonly password: readonly string[];
}

/** `--xpra`: an xpra server on the display, its socket in {@link REMOTE_XPRA_DIR}. */
export interface RemoteXpraCommands extends RemoteViewCommandsBase {
  readonly kind: 'xpra';
  /** `exec`: the last lines of the server's output, for an error message. */
  readonly log: readonly string[];
}

/** The docker CLI argument arrays of a remote session, in the order they run. */
export interface RemoteCommands {
  readonly names: RemoteNames;
  /** Two `volume create`. */
  readonly volumes: readonly (readonly string[])[];
  /**
   * `run --rm -i` as root with only CAP_CHOWN: reads the cookie file on stdin into the files
   * volume and gives both volumes to the session's user (mode 0700).
   */
  readonly prepare: readonly string[];
  /** `run -d`: Xvfb, hardened as `--xc` containers are. */
  readonly display: readonly string[];
  /** `exec`: succeeds once the X server accepts the cookie (`xset q`). */
  readonly ready: readonly string[];
  /** The server that the view here connects to, in the display container. */
  readonly view: RemoteHtmlCommands | RemoteXpraCommands;
  /** `create --rm`: the app's container (it exists before the URL is printed). */
  readonly app: readonly string[];
  /** `start -a`: the app, attached (its exit code is the session's; SIGTERM reaches it through the CLI). */
  readonly startApp: readonly string[];
  /** `rm --force` of both containers, then `volume rm --force` of both volumes. */
  readonly removeContainers: readonly string[];
  readonly removeVolumes: readonly string[];
}

/**
 * The docker commands of a remote `--html` or `--xpra` session (see the file comment). Every container has
 * the session's labels (`--cleanup` finds them), `--cap-drop=ALL` (the prepare step keeps
 * CAP_CHOWN only), `--security-opt=no-new-privileges`, `--init`; the display container and the
 * app run as `uid:gid` with `--network=none` (the app: `--network` as given), the display with a
 * read-only root file system and a private tmpfs `/tmp`. The app gets the socket volume read-only
 * as `/tmp/.X11-unix` and the files volume read-only as `/x11docker` (only the cookie is in it),
 * with DISPLAY and XAUTHORITY; the VNC password and the xpra server's socket stay in the display
 * container's tmpfs. The xpra server runs with upstream's options of a local `--xpra`
 * (src/xserver/xpra.ts: no start commands, dbus, sound, HTML5 client or sharing; no system
 * configuration) on the display's Xvfb.
 * @param s the session's facts.
 * @returns the argument arrays (without the `docker` binary).
 */
export function remoteCommands(s: RemoteSessionSpec): RemoteCommands {
  const names = remoteNames(s.sessionId);
  const app = s.app;
  const labels = sessionLabels(s);
  const hardened = ['--init', '--cap-drop=ALL', '--security-opt=no-new-privileges', ...labels];
  const user = `--user=${s.uid}:${s.gid}`;
  const size = s.size ?? { width: 1280, height: 800 };
  const display = `:${REMOTE_DISPLAY}`;
  const clip = s.clipboard ? [] : ['-nosel', '-noprimary', '-nosetclipboard', '-noclipboard'];
  const network = s.network === undefined ? ['--network=none'] : s.network === '' ? [] : [`--network=${s.network}`];
  return {
    names,
    volumes: [names.socketVolume, names.filesVolume].map((v) => ['volume', 'create', ...labels, v]),
    prepare: [
      'run', '--rm', '-i', '--network=none', '--cap-drop=ALL', '--cap-add=CHOWN', '--security-opt=no-new-privileges', ...labels, '--user=0:0',
      `--volume=${names.socketVolume}:/tmp/.X11-unix`, `--volume=${names.filesVolume}:/x11docker`, '--entrypoint=/bin/sh', s.xcImage,
      '-c', `umask 077 && cat > ${REMOTE_XAUTHORITY} && chmod 700 /tmp/.X11-unix /x11docker && chown ${s.uid}:${s.gid} ${REMOTE_XAUTHORITY} /tmp/.X11-unix /x11docker`,
    ],
    display: [
      'run', '-d', `--name=${names.display}`, ...hardened, '--network=none', user, '--read-only', '--tmpfs=/tmp',
      `--volume=${names.socketVolume}:/tmp/.X11-unix`, `--volume=${names.filesVolume}:/x11docker:ro`, '--env=HOME=/tmp',
      '--entrypoint=Xvfb', s.xcImage,
      display, '-auth', REMOTE_XAUTHORITY, '-nolisten', 'tcp', '-screen', '0', `${size.width}x${size.height}x24`, '-dpi', String(s.dpi ?? 96), '-br', '+extension', 'RANDR',
    ],
    ready: ['exec', `--env=DISPLAY=${display}`, `--env=XAUTHORITY=${REMOTE_XAUTHORITY}`, names.display, 'xset', 'q'],
    view: s.view === 'xpra' ? xpraCommands(names.display, s) : {
      kind: 'html',
      password: ['exec', '-i', names.display, 'sh', '-c', `umask 077 && cat > ${REMOTE_VNC_PASSWD}`],
      server: [
        'exec', '-d', names.display, 'x11vnc', '-display', display, '-auth', REMOTE_XAUTHORITY,
        '-unixsock', REMOTE_VNC_SOCKET, '-rfbport', '0', '-rfbportv6', '0', '-no6', '-noipv6', '-passwdfile', REMOTE_VNC_PASSWD,
        '-forever', '-shared', '-noremote', '-nocmds', '-norc', '-noshm', '-nowf', '-xkb', '-desktop', `x11docker ${display}`, ...clip,
      ],
      ready: ['exec', names.display, 'test', '-S', REMOTE_VNC_SOCKET],
      relay: ['exec', '-i', names.display, 'python3', '-c', STDIO_RELAY, REMOTE_VNC_SOCKET],
    },
    app: [
      'create', '--rm', `--name=${names.app}`, ...(app?.init === false ? hardened.filter((a) => a !== '--init') : hardened), ...network, user, '--tmpfs=/tmp',
      ...(app ? [
        ...(app.home !== undefined && app.home !== '/tmp' ? [privateTmpfs('docker', app.home, s)] : []),
        ...(app.runtimeDir !== undefined ? [privateTmpfs('docker', app.runtimeDir, s)] : []),
        ...app.env.map((e) => `--env=${e}`),
        ...(app.home === undefined ? ['--env=HOME=/tmp'] : []),
        ...(app.workdir !== undefined ? [`--workdir=${app.workdir}`] : []),
        ...(app.noEntrypoint ? ['--entrypoint='] : []),
      ] : ['--env=HOME=/tmp']),
      `--volume=${names.socketVolume}:/tmp/.X11-unix:ro`, `--volume=${names.filesVolume}:/x11docker:ro`,
      `--env=DISPLAY=${display}`, `--env=XAUTHORITY=${REMOTE_XAUTHORITY}`, '--', s.image, ...s.command,
    ],
    startApp: ['start', '-a', names.app],
    removeContainers: ['rm', '--force', names.app, names.display],
    removeVolumes: ['volume', 'rm', '--force', names.socketVolume, names.filesVolume],
  };
}

/**
 * The xpra server of a remote `--xpra` session: `sh -c` makes its socket folder (0700) and sends
 * its output to {@link REMOTE_XPRA_LOG}, then execs xpra; ready once it printed `xpra is ready`
 * (it binds its socket early but listens only then).
 */
function xpraCommands(container: string, s: RemoteSessionSpec): RemoteXpraCommands {
  const server = xpraServerArgs({ display: REMOTE_DISPLAY, socketDir: REMOTE_XPRA_DIR, desktop: s.desktop ?? false, clipboard: s.clipboard });
  const env = Object.entries({ ...XPRA_ENV, XDG_RUNTIME_DIR: REMOTE_XPRA_DIR, DISPLAY: `:${REMOTE_DISPLAY}`, XAUTHORITY: REMOTE_XAUTHORITY }).map(([k, v]) => `--env=${k}=${v}`);
  return {
    kind: 'xpra',
    // (the arguments are x11docker's own, none from the user: "$@" keeps them words)
    server: ['exec', '-d', ...env, container, 'sh', '-c', `umask 077 && mkdir -p ${REMOTE_XPRA_DIR} && exec xpra "$@" >${REMOTE_XPRA_LOG} 2>&1`, 'sh', ...server],
    ready: ['exec', container, 'grep', '-q', 'xpra is ready', REMOTE_XPRA_LOG],
    log: ['exec', container, 'tail', '-n', '5', REMOTE_XPRA_LOG],
    relay: ['exec', '-i', container, 'python3', '-c', STDIO_RELAY, `${REMOTE_XPRA_DIR}/socket`],
  };
}
