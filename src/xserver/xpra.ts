import { join } from 'node:path';
import { describeXServer, type DisplayDriver, type DisplayContext, type ProcessSpec } from './driver.js';
import { hardeningArgs } from './hardening.js';

/**
 * Features of xpra 3.x that a session does not need, turned off on server and client: each is
 * a way for the container to reach the host (sound, printing, files, notifications, webcam, mDNS
 * announcements) or a slow start-up step. `no` (not `off`) for speaker and microphone: `off` only
 * leaves them unstarted, and the client still runs a Python subprocess to query the sound
 * system, plus `pactl` (about 0.6 s of CPU before the client connects).
 */
export const XPRA_OFF = ['--mdns=no', '--notifications=no', '--webcam=no', '--printing=no', '--file-transfer=no', '--open-files=no', '--speaker=no', '--microphone=no'];

/**
 * Environment of the xpra server and client besides HOME (see {@link xpraEnv}):
 * - `XPRA_SYSTEM_CONF_DIRS` empty: no system configuration (`/etc/xpra`) is read; everything is
 *   on the command line. Debian's `/etc/xpra/conf.d/60_server.conf` has every server run
 *   `/etc/X11/Xsession true`, which a command-line `--start=` cannot remove: that session script
 *   runs `xhost +si:localuser:USER` on the new display (every process of the user could connect
 *   without the cookie) and costs about 1 s of CPU (cpp, gpg-agent, dbus-update-activation-environment)
 *   while the client starts. An administrator's `bind-tcp` there cannot open a TCP listener either.
 *   Apart from that `start` line, Debian's files equal xpra's built-in defaults (`xpra showconfig`).
 * - `XPRA_UINPUT=0`: the server does not run `xprop` to look for a uinput device id (none is used).
 * - `NO_AT_BRIDGE=1`: GTK in server and client does not look for the accessibility bus.
 * The last two as upstream x11docker. (Also the environment of the xpra server and client of
 * `--xpra` on a remote engine, src/plan/remote.ts.)
 */
export const XPRA_ENV = { XPRA_SYSTEM_CONF_DIRS: '', XPRA_UINPUT: '0', NO_AT_BRIDGE: '1' };

/**
 * Server options that every x11docker xpra server gets (local `--xpra`, `--xpra2` and the pod's
 * xpra server of `--backend=kubernetes --xpra`): no start commands or menu of them, no systemd,
 * dbus or pulseaudio helpers, no HTML5 client, no xsettings, the server outlives its client, and
 * no second client takes over (`--sharing=no`).
 */
export const XPRA_SERVER_ARGS = [
  '--start=', '--start-child=', '--start-new-commands=no', '--start-via-proxy=no', '--systemd-run=no', '--dbus-launch=', '--dbus-proxy=no', '--dbus-control=no',
  '--pulseaudio=no', '--html=off', '--xsettings=no', '--exit-with-client=no', '--sharing=no',
];

/**
 * Client options of every x11docker xpra client (local `--xpra` and `--backend=kubernetes
 * --xpra`): no tray icon, the application's own window title (`@title@`, as upstream), no OpenGL.
 */
export const XPRA_CLIENT_ARGS = ['--tray=no', '--title=@title@', '--opengl=no'];

/**
 * HOME and working directory of the xpra server and client: the session folder. xpra 3.1 writes
 * its fake-Xinerama file (`~/.:N-fakexinerama`) and the client its per-user files under `~/.xpra`
 * and `~/.config/xpra` into HOME; in the session folder they are private (mode 0700) and go away
 * with the session instead of piling up in the host user's HOME. (They run with x11docker's small
 * base environment, without XDG_* variables.)
 */
function xpraEnv(ctx: Pick<DisplayContext, 'sessionDir'>): Record<string, string> {
  return { HOME: ctx.sessionDir, ...XPRA_ENV };
}

/**
 * The xpra server's socket folder inside the session folder (mode 0700, so only the host user
 * can attach: xpra's unix-socket access control is the file system's).
 */
export function xpraSocketDir(ctx: Pick<DisplayContext, 'sessionDir'>): string {
  return join(ctx.sessionDir, 'xpra');
}

/** What {@link xpraServerArgs} needs. */
export interface XpraServerSpec {
  /** The display the server attaches to (`--use-display`: an Xvfb holds it). */
  readonly display: number;
  /** The server's socket folder (mode 0700); its socket is `socket` in it. */
  readonly socketDir: string;
  /** `start-desktop` (the whole screen in one window) instead of seamless `start`. */
  readonly desktop: boolean;
  readonly clipboard: boolean;
}

/**
 * The xpra server's arguments (see {@link xpra}): attached to an existing display, in the
 * foreground, on one UNIX socket only (`SOCKETDIR/socket`), without any start command, dbus,
 * sound, HTML5 client or sharing. Also the server of `--xpra` on a remote engine.
 */
export function xpraServerArgs(s: XpraServerSpec): string[] {
  return [
    s.desktop ? 'start-desktop' : 'start', `:${s.display}`,
    '--use-display=yes', '--daemon=no', `--socket-dirs=${s.socketDir}`, `--socket-dir=${s.socketDir}`, `--bind=${join(s.socketDir, 'socket')}`,
    ...XPRA_SERVER_ARGS, `--clipboard=${s.clipboard ? 'yes' : 'no'}`, '--opengl=noprobe',
    ...(s.desktop ? [] : ['--resize-display=no']),
    ...XPRA_OFF,
  ];
}

/** What {@link xpraClientArgs} needs. */
export interface XpraClientSpec {
  /** The server's (or a relay's) UNIX socket. */
  readonly socket: string;
  /** The client's socket folder (it looks there, never in the user's). */
  readonly socketDir: string;
  readonly desktop: boolean;
  readonly fullscreen: boolean;
  readonly clipboard: boolean;
  /** `--scale` (`--desktop-scaling`). */
  readonly scale?: number;
  /** `--border` (`--border=`). */
  readonly border?: string;
}

/**
 * The xpra client's arguments (see {@link xpra}): `attach socket:PATH` without tray, OpenGL or
 * the features that reach the host; window titles as the app's. Also the client of `--xpra` on
 * a remote engine, where the socket is x11docker's relay.
 */
export function xpraClientArgs(c: XpraClientSpec): string[] {
  return [
    'attach', `socket:${c.socket}`, `--socket-dirs=${c.socketDir}`,
    ...XPRA_CLIENT_ARGS, `--clipboard=${c.clipboard ? 'yes' : 'no'}`,
    ...(c.desktop && c.fullscreen ? ['--desktop-fullscreen=yes'] : []),
    ...(c.scale !== undefined ? [`--desktop-scaling=${c.scale}`] : []),
    ...(c.border !== undefined ? [`--border=${c.border}`] : []),
    ...XPRA_OFF,
  ];
}

/**
 * `--xpra`: as upstream x11docker, an Xvfb holds the new display; an xpra server attaches to it
 * (`--use-display`), and an xpra client on the user's display shows each application window as
 * a window of its own (seamless), or the whole screen in one window with `--desktop`
 * (`start-desktop`). Closing the client window of a desktop, or the client itself, ends the
 * session. XTEST stays enabled on this Xvfb: the xpra server injects keyboard and mouse input
 * with it (the container can use it too; upstream has the same trade-off). MIT-SHM stays off.
 *
 * Start-up time (README, "X servers and display options"): the server skips its OpenGL probe
 * (`--opengl=noprobe`; `no` still probes, in a second Python process), the application menu scan
 * of `--start-new-commands` (which would also let the client start host commands through the
 * server), and in seamless mode the attempt to resize the screen to the size of the user's screen
 * (`--resize-display=no`): xpra 3.1 adds a RandR mode, sleeps 0.5 s, and on Xvfb, which cannot
 * add modes, ends with BadMatch and the old size anyway, so the screen keeps `--size` as before.
 * The client is started only once the server printed `xpra is ready`: the server binds its socket
 * early but calls listen() only then, so an earlier client could be refused.
 */
export const xpra: DisplayDriver = {
  name: 'xpra',
  binary: 'xpra',
  debianPackage: 'xpra',
  requires: [{ binary: 'xpra', debianPackage: 'xpra' }, { binary: 'Xvfb', debianPackage: 'xvfb' }],
  fromImage: true,
  source: 'new',
  gives: 'x11',
  needs: { display: true },
  // the xpra server injects keyboard and mouse input with XTEST; the client sets the server's keymap
  // --scale: the client zooms the screen (--desktop-scaling), --border: the client draws it
  honours: { size: true, fullscreen: true, keymap: true, clipboard: 'own', xtest: 'always', screen: { scale: 'any', border: true } },
  visible: true,
  seamless: true,
  describe: describeXServer('xpra'),
  launch: (ctx) => {
    const sockets = xpraSocketDir(ctx);
    const xvfbArgs = hardeningArgs(ctx).filter((a, i, all) => !(a === 'XTEST' || (a === '-extension' && all[i + 1] === 'XTEST')));
    const processes: ProcessSpec[] = [
      {
        role: 'X server', binary: 'Xvfb', connectsTo: 'none', essential: true, ownsDisplay: true,
        args: [...xvfbArgs, '-screen', '0', `${ctx.size.width}x${ctx.size.height}x24`, '+extension', 'RANDR'],
        ready: { kind: 'displayfd' },
      },
      {
        role: 'xpra server', binary: 'xpra', connectsTo: 'new', essential: true, cwd: ctx.sessionDir, env: xpraEnv(ctx),
        args: xpraServerArgs({ display: ctx.display, socketDir: sockets, desktop: ctx.desktop, clipboard: ctx.clipboard }),
        ready: { kind: 'line', pattern: /xpra is ready/ },
      },
      {
        role: 'xpra client', binary: 'xpra', connectsTo: 'host', essential: true, cwd: ctx.sessionDir, env: xpraEnv(ctx),
        args: xpraClientArgs({
          socket: join(sockets, 'socket'), socketDir: sockets, desktop: ctx.desktop, fullscreen: ctx.fullscreen, clipboard: ctx.clipboard,
          ...(ctx.screen?.scale !== undefined ? { scale: ctx.screen.scale } : {}), ...(ctx.screen?.border !== undefined ? { border: ctx.screen.border } : {}),
        }),
        ready: { kind: 'line', pattern: /Attached to/ },
      },
    ];
    return { files: [], processes, containerEnv: {}, containerMounts: [], x11: true };
  },
};

/** The launch of `xpraLike` with its xpra client kept on the host (`onHost`), for `--xpra2*`. */
function clientOnHost(launch: DisplayDriver['launch']): DisplayDriver['launch'] {
  return (ctx) => {
    const l = launch(ctx);
    return { ...l, processes: l.processes.map((p) => (p.role === 'xpra client' ? { ...p, onHost: true } : p)) };
  };
}

/**
 * An `--xpra2*` driver from an xpra driver (upstream: "like --xpra --xc, but runs xpra client on
 * host"): the X server and the xpra server run from the X server image (`xcRequired`, so `--xc` is
 * implied), the xpra client runs on the host and attaches to the server's socket in the session
 * folder. The host needs xpra; Xvfb (or weston and Xwayland) come from the image.
 * @param base `--xpra` or `--xpra-xwayland`.
 * @param name `xpra2` or `xpra2-xwayland`.
 */
export function xpra2Of(base: DisplayDriver, name: 'xpra2' | 'xpra2-xwayland'): DisplayDriver {
  return {
    ...base,
    name,
    xcRequired: true,
    describe: describeXServer(name, `${name === 'xpra2' ? 'Xvfb' : 'Xwayland in weston'} and xpra server from the X server image, xpra client on the host`),
    launch: clientOnHost(base.launch),
  };
}

/** `--xpra2`: `--xpra` with Xvfb and the xpra server in containers of the X server image, the client on the host. */
export const xpra2 = xpra2Of(xpra, 'xpra2');
