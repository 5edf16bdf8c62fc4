/**
 * Display drivers: how each display option of x11docker turns into processes.
 *
 * Design (read this before adding a driver, e.g. a Wayland compositor):
 *
 * - A "display" is whatever the container's GUI talks to: one X server (`--xvfb`), an X server
 *   plus helpers (`--xpra`: Xvfb + xpra server + xpra client on the user's display), a Wayland
 *   compositor plus Xwayland (`--weston-xwayland`), the user's own display (`--hostdisplay`,
 *   `--hostwayland`), or nothing at all (`--nothing`). Every display option is a driver, those
 *   too: a driver DECLARES everything the rest of the code needs to know about it (where its
 *   display comes from, what the container gets, what it needs on the host, what it honours, how
 *   it describes itself); no other module tests a driver's name.
 * - A driver does not start anything: {@link DisplayDriver.launch} is a PURE function of a
 *   {@link DisplayContext} (display number, cookie file path, size, session folder, user's
 *   display, mode flags) that returns a {@link DisplayLaunch}: the processes with their full
 *   argv, the files to write first (e.g. a generated xorg.conf), and what the container gets in
 *   addition (environment such as WAYLAND_DISPLAY / XDG_RUNTIME_DIR, bind mounts). Unit tests
 *   call `launch()` directly.
 * - The starter (src/run/xserver.ts, `startDisplay`) writes the files into the session folder
 *   (mode 0600), then starts the processes IN ORDER, each one only after the previous one is
 *   ready. Readiness is never a fixed sleep: `displayfd` (the starter appends `-displayfd 3` and
 *   reads the display number the server writes when it accepts connections), `x11` (the starter
 *   completes a real X11 connection set-up with the session cookie, polling), `line` (a line on
 *   stdout/stderr matches), `path` (a file or socket exists), or `none` (a helper such as a
 *   window manager; started is enough).
 * - Each process gets DISPLAY/XAUTHORITY of the user's display (`connectsTo: 'host'`), of the
 *   new display (`'new'`, with the session's cookie file), or neither (`'none'`), plus its own
 *   `env`. `essential` processes end the session when they end (the X server, the xpra client);
 *   others may end quietly. At session end every started process is stopped in REVERSE order
 *   (clients before servers): SIGTERM, then SIGKILL after a grace period.
 * - `ownsDisplay` marks the process that serves `:N` (x11docker writes `/tmp/.XN-lock` for it
 *   when it uses `-displayfd`, and removes lock and socket if it dies without doing so).
 * - `requires` lists every executable a driver needs with its Debian package: the host probe
 *   looks for exactly these (src/plan/probe.ts), the automatic choice skips a driver with one
 *   missing, and the plan refuses an explicit one naming the package. A driver without an
 *   implementation yet sets `notImplemented` (the plan refuses it with that message).
 * - `fromImage` says that the `requires` binaries can run from the X server image (`--xc`): the
 *   plan then wraps those processes into `ENGINE run` of that image (src/plan/xcontainer.ts,
 *   pure); the driver itself never knows where its processes run.
 *
 * Checklist: adding a display option touches exactly
 *   1. one new file here exporting a {@link DisplayDriver} (all fields declared, `describe` too),
 *   2. one entry in {@link xserverDrivers} (src/xserver/drivers.ts),
 *   3. one row in src/options/table.ts (group 'X server'), and, only if the automatic choice
 *      should ever pick it, its name in a candidate list of src/plan/choose.ts.
 * Nothing else: the host probe, the choice, the plan's checks and notes, `--xonly`'s line and
 * the session read the declarations. Keep this list true.
 */
import type { XServerName } from '../options/table.js';

/** How the starter knows that a process is ready. See the design comment above. */
export type Readiness =
  | { readonly kind: 'displayfd' }
  | { readonly kind: 'x11' }
  | { readonly kind: 'line'; readonly pattern: RegExp }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'none' };

/** One process of a display, fully decided by the driver. */
export interface ProcessSpec {
  /** Short role for logs and errors: `X server`, `xpra server`, `xpra client`, `window manager`. */
  readonly role: string;
  /** Executable (looked up in PATH). */
  readonly binary: string;
  /** Arguments (without `-displayfd`, which the starter appends for `ready.kind === 'displayfd'`). */
  readonly args: readonly string[];
  /** Which display it talks to through DISPLAY/XAUTHORITY. */
  readonly connectsTo: 'host' | 'new' | 'none';
  /** Working directory (default: the session folder's parent is not assumed; x11docker's cwd). */
  readonly cwd?: string;
  /** Extra environment for this process. */
  readonly env?: Readonly<Record<string, string>>;
  readonly ready: Readiness;
  /** The session ends when this process ends. */
  readonly essential: boolean;
  /** This process serves the new display `:N`. */
  readonly ownsDisplay?: boolean;
  /**
   * Set by the plan, never by a driver: the process is the engine's CLI running the container
   * `name` of the X server image, which runs `binary` (`--xc`, src/plan/xcontainer.ts). The starter then runs it as
   * x11docker's own user (the container has the host user's uid), gives it the engine's
   * environment (DOCKER_HOST, ...) instead of DISPLAY/XAUTHORITY (`connectsTo` still says which
   * display the program talks to; the container gets them on its argv) and writes the display's
   * lock file for it.
   */
  readonly container?: { readonly name: string; readonly binary: string };
  /**
   * The process draws into the user's X display through MIT-SHM and cannot do without it
   * (weston's x11 backend fails to enable its output when the shared memory cannot be attached):
   * in an `--xc` container it shares the host's IPC namespace (`--ipc=host`, with a warning).
   */
  readonly hostShm?: boolean;
  /**
   * Stays on the host even when the plan runs the driver's binaries from the X server image
   * (`--xpra2`: the xpra client on your display, the server in a container); the host must have its binary.
   */
  readonly onHost?: boolean;
}

/** A file the starter writes into the session folder (mode 0600) before starting processes. */
export interface LaunchFile {
  /** Absolute path (inside the session folder). */
  readonly path: string;
  readonly content: string;
}

/** A bind mount for the container. */
export interface LaunchMount {
  readonly source: string;
  readonly target: string;
  readonly readonly: boolean;
  /** A private tmpfs at `target` (mode 0700, owned by the container user) instead of a bind mount; `source` is unused. */
  readonly tmpfs?: boolean;
}

/** Everything a driver wants started for one session. */
export interface DisplayLaunch {
  readonly files: readonly LaunchFile[];
  /** Started in order (each ready before the next), stopped in reverse order. */
  readonly processes: readonly ProcessSpec[];
  /** Extra environment for the container (e.g. WAYLAND_DISPLAY), by name. */
  readonly containerEnv: Readonly<Record<string, string>>;
  /** Extra bind mounts for the container (e.g. the Wayland socket). */
  readonly containerMounts: readonly LaunchMount[];
  /** The container gets the new X socket, the cookie and DISPLAY (false: pure Wayland, --nothing). */
  readonly x11: boolean;
  /**
   * What a client on the host uses besides DISPLAY/XAUTHORITY (printed by `--showenv`, given to
   * `--exe` and the API's `env`): host-side paths, e.g. WAYLAND_DISPLAY and the session's
   * XDG_RUNTIME_DIR for a compositor's socket.
   */
  readonly hostEnv?: Readonly<Record<string, string>>;
  /**
   * The server's window on the user's display must have this size (pixels): once every process is
   * ready, the starter finds the window titled `title` there and resizes it when its size differs,
   * then waits until the new screen has that size (src/run/host-window.ts; nxagent's desktop
   * without a window manager on the user's display).
   */
  readonly hostWindow?: { readonly title: string; readonly width: number; readonly height: number };
}

/** What a driver needs to build its processes. All paths absolute; no host access. */
export interface DisplayContext {
  /** Display number of the new server (`:N`). */
  readonly display: number;
  /** Server-side authority file with the session's cookie (`-auth`). */
  readonly authFile: string;
  /** Client-side authority file (wildcard entry) for processes on the new display. */
  readonly clientAuthFile: string;
  /** Screen size in pixels. */
  readonly size: { readonly width: number; readonly height: number };
  /** Window title for nested servers. */
  readonly title: string;
  /** Keep the XTEST extension (`--html`: x11vnc injects the browser's input with it; `--xtest`). */
  readonly xtest?: boolean;
  /** `--dpi`: the server's resolution in dots per inch (`-dpi`). */
  readonly dpi?: number;
  /** `--composite`: the Composite extension on or off; undefined: the server's default. */
  readonly composite?: boolean;
  /** `--xopt`: arguments added to the X server's command, after x11docker's own. */
  readonly xopt?: readonly string[];
  /** Per-session folder (mode 0700); drivers put generated files and sockets here. */
  readonly sessionDir: string;
  /** `--desktop`: the image runs a desktop (one window for the whole screen). */
  readonly desktop: boolean;
  /** `--fullscreen`. */
  readonly fullscreen: boolean;
  /** `--clipboard`. */
  readonly clipboard: boolean;
  /** Virtual terminal for `--xorg` (default 8). */
  readonly vt?: number;
  /** The user's X display (DISPLAY), if any: compositors nest in a window on it, else run headless. */
  readonly hostDisplay?: string;
  /** Host path of the user's Wayland socket (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR), if any. */
  readonly hostWaylandSocket?: string;
  /** `--wm` window manager command for a desktop-only server in seamless use, if any. */
  readonly wm?: readonly string[];
  /**
   * `--wayland` (also `--weston=x|X`, `--xw`) with a driver that can give both
   * ({@link DisplayDriver.waylandAlongside}): the container gets the compositor's Wayland socket
   * besides the X display.
   */
  readonly wayland?: boolean;
  /** `--scale`, `--rotate`, `--output-count`, `--border`, `--westonini`, `--xauth=no`, `--xoverip` (plan/screen.ts), those the driver honours. */
  readonly screen?: ScreenContext;
}

/** The screen settings a driver gets, each only where its {@link Honours.screen} says it honours it. */
export interface ScreenContext {
  /** Zoom factor (weston: whole numbers). */
  readonly scale?: number;
  /** Output transform: `90`, `flipped-270`, ... (weston's names; `0` is `normal`). */
  readonly rotate?: string;
  /** Number of virtual outputs (> 1). */
  readonly outputCount?: number;
  /** xpra client's `--border` value. */
  readonly border?: string;
  /** Content of the user's weston.ini (`--westonini`). */
  readonly westonIni?: string;
  /** `--xauth=no`: the X server runs without `-auth` and with `-ac` (access control off: no cookie needed). */
  readonly noAuth?: boolean;
  /** `--xoverip`: the X server listens on TCP (`-listen tcp`). */
  readonly listenTcp?: boolean;
}

/** Which of {@link ScreenContext}'s settings a driver honours (upstream's dependency check). */
export interface ScreenHonours {
  /** `--scale`: any factor, or whole numbers only (weston). */
  readonly scale?: 'any' | 'integer';
  readonly rotate?: boolean;
  readonly outputCount?: boolean;
  readonly border?: boolean;
  readonly westonIni?: boolean;
  /** `--vt` (a virtual terminal of its own). */
  readonly vt?: boolean;
}

/** An executable a driver needs, with the Debian package that provides it. */
export interface Requirement {
  readonly binary: string;
  readonly debianPackage: string;
}

/**
 * Where a driver's display comes from: a display x11docker starts (`new`), the user's own X
 * display or Wayland compositor shared with the container (`shared`), or no display (`none`).
 */
export type DisplaySource = 'new' | 'shared' | 'none';

/** What the container gets: an X display (socket, cookie, DISPLAY), only a Wayland socket, or nothing. */
export type ContainerDisplay = 'x11' | 'wayland' | 'none';

/** What a driver needs of the user's session on the host, checked before anything starts. */
export interface HostNeeds {
  /** The user's X display (DISPLAY): a nested server, a seamless client, or sharing it. */
  readonly display?: boolean;
  /**
   * With `display`: it must be a local one (`:N`, a unix socket). nxagent cannot open a TCP
   * display such as the `localhost:10.0` of `ssh -X` (it fails with "client uses different
   * protocol version"), so the automatic choice passes it over there.
   */
  readonly localDisplay?: boolean;
  /** The user's Wayland compositor (WAYLAND_DISPLAY, with XDG_RUNTIME_DIR when relative). */
  readonly waylandDisplay?: boolean;
  /** A console (no DISPLAY) and root, to open a virtual terminal (`--xorg`). */
  readonly consoleRoot?: boolean;
}

/** Which display options a driver honours; the plan notes the ones it ignores. */
export interface Honours {
  /** `--size` (the screen or window size). */
  readonly size: boolean;
  /** `--fullscreen`. */
  readonly fullscreen: boolean;
  /** `--keymap` and the user's keyboard layout, set with setxkbmap on the new display. */
  readonly keymap: boolean;
  /**
   * `--clipboard`: shared by the display itself (`own`: xpra, nxagent, or the user's own display),
   * by x11docker's synchroniser with host xclip (`sync`), or not at all (`none`: pure Wayland,
   * no display).
   */
  readonly clipboard: 'own' | 'sync' | 'none';
  /** XTEST: off unless `--xtest` (`optional`), or always on because the display injects input with it (`always`: xpra). */
  readonly xtest: 'optional' | 'always';
  /** `--scale`, `--rotate`, `--output-count`, `--border`, `--westonini`, `--vt`; none when absent. */
  readonly screen?: ScreenHonours;
}

/** What {@link DisplayDriver.describe} gets: the display number (-1 when none) and what was started. */
export interface DescribeInput {
  readonly display: number;
  /** The launch that was started; undefined when nothing was started. */
  readonly launch: DisplayLaunch | undefined;
}

/**
 * One display option x11docker can start, or share. Adding one: see the checklist at the top of
 * this file.
 */
export interface DisplayDriver {
  /** Option name that selects it (`--xephyr`). */
  readonly name: XServerName;
  /** Main executable; undefined when no server is started (`--hostdisplay`, `--nothing`). */
  readonly binary?: string;
  /** Debian package that provides `binary`. */
  readonly debianPackage?: string;
  /** Every executable needed, main one first. */
  readonly requires: readonly Requirement[];
  /** Where the display comes from. */
  readonly source: DisplaySource;
  /** What the container gets. */
  readonly gives: ContainerDisplay;
  /** What it needs of the user's session. */
  readonly needs: HostNeeds;
  /** Which display options it honours. */
  readonly honours: Honours;
  /**
   * The server reads the cookie for the user's display from its own `-auth` file, not from
   * XAUTHORITY (nxagent): the user's cookie for that display is added to the server's auth file
   * (private to the session folder; the container never sees it).
   */
  readonly hostCookieInServerAuth?: boolean;
  /**
   * Why OpenGL (GLX) clients fail on this display, if they do whatever the container has
   * (nxagent); the plan notes it with `--gpu`.
   */
  readonly glxUnusable?: string;
  /** Visible on the user's desktop (a screenshot of the user's display shows it). */
  readonly visible: boolean;
  /** Can show single windows seamlessly on the user's desktop. */
  readonly seamless: boolean;
  /** Set when the option is known but not implemented yet: the reason shown to the user. */
  readonly notImplemented?: string;
  /**
   * Its `requires` binaries can run from the X server image instead of the host (`--xc`, as
   * upstream's x11docker/xserver): the run layer then starts each of those processes in a
   * container of that image (src/plan/xcontainer.ts), with the same argv.
   */
  readonly fromImage?: boolean;
  /**
   * With `--wayland` the container also gets the Wayland socket of the compositor the driver
   * starts, besides the X display (upstream's `--weston-xwayland --wayland`, `--weston=x`, `--xw`:
   * X and Wayland applications side by side).
   */
  readonly waylandAlongside?: boolean;
  /**
   * Runs only from the X server image (upstream's `--xpra2*`: "needs image x11docker/xserver"):
   * `--xc` is implied, `--xc=no` is an error; its `onHost` processes stay on the host.
   */
  readonly xcRequired?: boolean;
  /** Extra fixed advice shown when it cannot run (e.g. `--xorg` set-up). */
  readonly advice?: string;
  /** The processes and container additions for one session (pure). */
  launch(ctx: DisplayContext): DisplayLaunch;
  /**
   * The one line `--xonly` prints once the display runs: what runs and where a client connects,
   * e.g. `X server :5 (--xephyr) is running.` (pure).
   */
  describe(running: DescribeInput): string;
}

/** The program a process runs, for messages: its binary, or the one its `--xc` container runs (`Xvfb`, not `docker`). */
export function programOf(spec: Pick<ProcessSpec, 'binary' | 'container'>): string {
  return spec.container?.binary ?? spec.binary;
}

/** Back-compatible name of {@link DisplayDriver}. */
export type XServerDriver = DisplayDriver;

/** `describe` of a driver that starts one X server: `X server :N (--NAME) is running.` */
export function describeXServer(name: XServerName, what?: string): DisplayDriver['describe'] {
  return ({ display }) => `X server :${display} (${what ? `${what}, ` : ''}--${name}) is running.`;
}

/** What most X servers honour: size, fullscreen where they have a window, keymap, clipboard by x11docker's synchroniser. */
export const X_SERVER_HONOURS: Honours = { size: true, fullscreen: false, keymap: true, clipboard: 'sync', xtest: 'optional' };

/** A launch with one X server process and nothing else (Xephyr, Xvfb, ...), plus `--wm` if asked. */
export function singleServer(server: Omit<ProcessSpec, 'connectsTo' | 'essential' | 'ownsDisplay' | 'role'> & { connectsTo?: ProcessSpec['connectsTo'] }, ctx: DisplayContext): DisplayLaunch {
  return {
    files: [],
    processes: [
      { role: 'X server', connectsTo: 'none', essential: true, ownsDisplay: true, ...server },
      ...windowManager(ctx),
    ],
    containerEnv: {},
    containerMounts: [],
    x11: true,
  };
}

/** The `--wm` process on the new display, if one was asked for (not essential). */
export function windowManager(ctx: DisplayContext): ProcessSpec[] {
  if (!ctx.wm || ctx.wm.length === 0) return [];
  return [{ role: 'window manager', binary: ctx.wm[0]!, args: ctx.wm.slice(1), connectsTo: 'new', ready: { kind: 'none' }, essential: false }];
}
