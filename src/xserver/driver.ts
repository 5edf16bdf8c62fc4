/**
 * Display drivers: how each display option of x11docker turns into processes.
 *
 * Design (read this before adding a driver, e.g. a Wayland compositor):
 *
 * - A "display" is whatever the container's GUI talks to: one X server (`--xvfb`), an X server
 *   plus helpers (`--xpra`: Xvfb + xpra server + xpra client on the user's display), or a
 *   Wayland compositor plus Xwayland (`--weston-xwayland`). A driver does not start anything:
 *   {@link DisplayDriver.launch} is a PURE function of a {@link DisplayContext} (display number,
 *   cookie file path, size, session folder, user's display, mode flags) that returns a
 *   {@link DisplayLaunch}: the processes with their full argv, the files to write first
 *   (e.g. a generated xorg.conf), and what the container gets in addition (environment such as
 *   WAYLAND_DISPLAY / XDG_RUNTIME_DIR, bind mounts). Unit tests call `launch()` directly.
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
 * - `x11: false` in a launch means the container gets no X socket/cookie (pure Wayland,
 *   `--nothing`). `binaries` lists every executable a driver needs with its Debian package;
 *   the plan checks them and names the missing package. A driver without an implementation yet
 *   sets `notImplemented` (the plan refuses it with that message).
 *
 * Adding a display option: one file here exporting a {@link DisplayDriver}, one entry in
 * {@link xserverDrivers}, one row in src/options/table.ts (group 'X server'), and a rule in
 * src/plan/choose.ts if the automatic choice should consider it.
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
  /** Extra NAME=VALUE environment for the container (e.g. WAYLAND_DISPLAY). */
  readonly containerEnv: readonly string[];
  /** Extra bind mounts for the container (e.g. the Wayland socket). */
  readonly containerMounts: readonly LaunchMount[];
  /** The container gets the new X socket, the cookie and DISPLAY (false: pure Wayland, --nothing). */
  readonly x11: boolean;
  /** Extra NAME=VALUE for `--showenv` (e.g. WAYLAND_DISPLAY=... XDG_RUNTIME_DIR=...). */
  readonly showenv?: readonly string[];
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
  /**
   * Keep server state when the last client disconnects (`-noreset`): settings made by x11docker
   * before the container connects (`--dpi` resources, `--keymap`) would otherwise be reset.
   */
  readonly noreset?: boolean;
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
}

/** An executable a driver needs, with the Debian package that provides it. */
export interface Requirement {
  readonly binary: string;
  readonly debianPackage: string;
}

/**
 * One display option x11docker can start, or share. Adding one is one file with one of these
 * and one row in {@link xserverDrivers}.
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
  /** Needs the user's display (a nested server, a seamless client, or sharing it). */
  readonly needsHostDisplay: boolean;
  /** Shares the user's display instead of starting a new server. */
  readonly sharesHostDisplay: boolean;
  /**
   * The server reads the cookie for the user's display from its own `-auth` file, not from
   * XAUTHORITY (nxagent): the user's cookie for that display is added to the server's auth file
   * (private to the session folder; the container never sees it).
   */
  readonly hostCookieInServerAuth?: boolean;
  /** Visible on the user's desktop (a screenshot of the user's display shows it). */
  readonly visible: boolean;
  /** Can show single windows seamlessly on the user's desktop. */
  readonly seamless: boolean;
  /** Set when the option is known but not implemented yet: the reason shown to the user. */
  readonly notImplemented?: string;
  /** Extra fixed advice shown when it cannot run (e.g. `--xorg` set-up). */
  readonly advice?: string;
  /** The processes and container additions for one session (pure). */
  launch(ctx: DisplayContext): DisplayLaunch;
}

/** Back-compatible name of {@link DisplayDriver}. */
export type XServerDriver = DisplayDriver;

/**
 * Options every new X server gets, from Xserver(1): cookie authentication from `authFile`,
 * no TCP listener, no abstract-namespace socket (only the file socket that x11docker shares),
 * and the MIT-SHM and XTEST extensions disabled (as upstream x11docker does).
 */
export function hardeningArgs(ctx: Pick<DisplayContext, 'display' | 'authFile' | 'xtest' | 'dpi' | 'noreset'>): string[] {
  return [
    `:${ctx.display}`,
    '-auth', ctx.authFile,
    '-nolisten', 'tcp',
    '-nolisten', 'local',
    '-extension', 'MIT-SHM',
    ...(ctx.xtest ? [] : ['-extension', 'XTEST']),
    ...(ctx.dpi !== undefined ? ['-dpi', String(ctx.dpi)] : []),
    ...(ctx.noreset ? ['-noreset'] : []),
  ];
}

/** A launch with one X server process and nothing else (Xephyr, Xvfb, ...), plus `--wm` if asked. */
export function singleServer(server: Omit<ProcessSpec, 'connectsTo' | 'essential' | 'ownsDisplay' | 'role'> & { connectsTo?: ProcessSpec['connectsTo'] }, ctx: DisplayContext): DisplayLaunch {
  return {
    files: [],
    processes: [
      { role: 'X server', connectsTo: 'none', essential: true, ownsDisplay: true, ...server },
      ...windowManager(ctx),
    ],
    containerEnv: [],
    containerMounts: [],
    x11: true,
  };
}

/** The `--wm` process on the new display, if one was asked for (not essential). */
export function windowManager(ctx: DisplayContext): ProcessSpec[] {
  if (!ctx.wm || ctx.wm.length === 0) return [];
  return [{ role: 'window manager', binary: ctx.wm[0]!, args: ctx.wm.slice(1), connectsTo: 'new', ready: { kind: 'none' }, essential: false }];
}
