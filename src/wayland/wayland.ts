/**
 * Wayland compositors and the container's Wayland environment (pure: argv and env only).
 *
 * Upstream x11docker runs pure Wayland applications on a compositor (`--weston`, `--kwin`, or the
 * host's with `--hostwayland`), and X applications on Xwayland on such a compositor
 * (`--xwayland`, `--weston-xwayland`, `--kwin-xwayland`). The compositor gets a private runtime
 * folder (XDG_RUNTIME_DIR) of its own on the host; the container gets a private runtime folder of
 * its own too (a tmpfs), with only the compositor's socket mounted into it.
 */

/** Screen size in pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** What a compositor's command line needs. */
export interface CompositorContext {
  /** Socket name in the compositor's runtime folder, e.g. `wayland-x11docker-100`. */
  readonly socket: string;
  readonly size: Size;
  /** True: a window on the user's X display (DISPLAY set); false: headless, in memory. */
  readonly nested: boolean;
  /** `--output-count`: outputs (windows) of a nested weston, or kwin's outputs. */
  readonly outputCount?: number;
  /** weston: a weston.ini to read (`--config`) instead of none (`--no-config`). */
  readonly config?: string;
  /** weston's headless backend: the output's scale and transform (`--scale`, `--transform`). */
  readonly scale?: number;
  readonly transform?: string;
}

/**
 * weston(1) command line. Nested: the x11 backend opens one window of `size` on the user's
 * display; otherwise the headless backend renders into memory. The pixman (CPU) renderer is used
 * (no GPU is shared), the user's weston.ini is not read (`--no-config`, so the shell and its
 * panel are weston's defaults; `--config` names the session's weston.ini of `--westonini`,
 * `--scale`, `--rotate` instead), and the screen never blanks (`--idle-time=0`).
 */
export function westonArgs(ctx: CompositorContext): string[] {
  return [
    `--backend=${ctx.nested ? 'x11-backend.so' : 'headless-backend.so'}`,
    '--use-pixman',
    `--socket=${ctx.socket}`,
    `--width=${ctx.size.width}`,
    `--height=${ctx.size.height}`,
    '--idle-time=0',
    ...(ctx.outputCount !== undefined && ctx.outputCount > 1 ? [`--output-count=${ctx.outputCount}`] : []),
    ...(ctx.scale !== undefined ? [`--scale=${ctx.scale}`] : []),
    ...(ctx.transform !== undefined ? [`--transform=${ctx.transform}`] : []),
    ctx.config !== undefined ? `--config=${ctx.config}` : '--no-config',
  ];
}

/**
 * kwin_wayland(1) (KDE Plasma 5) command line: its X11 windowed backend is chosen by kwin itself
 * when DISPLAY is set, `--virtual` renders into memory otherwise. The lock screen and global
 * shortcuts are off (they belong to a real session, not a nested one).
 */
export function kwinArgs(ctx: CompositorContext): string[] {
  return [
    `--socket=${ctx.socket}`,
    `--width=${ctx.size.width}`,
    `--height=${ctx.size.height}`,
    ...(ctx.nested ? [] : ['--virtual']),
    ...(ctx.outputCount !== undefined && ctx.outputCount > 1 ? [`--output-count=${ctx.outputCount}`] : []),
    '--no-lockscreen',
    '--no-global-shortcuts',
  ];
}

/**
 * The toolkit variables of `--waylandenv` (upstream sets the same to make toolkits choose their
 * Wayland backend): GTK, Qt, Clutter, SDL, Enlightenment (Elementary/Ecore), and the session type.
 * @param gpu true with a shared GPU (EFL then renders with EGL instead of shared memory).
 * @returns NAME=VALUE strings.
 */
export function waylandToolkitEnv(gpu = false): string[] {
  return [
    'XDG_SESSION_TYPE=wayland',
    'GDK_BACKEND=wayland',
    'QT_QPA_PLATFORM=wayland',
    'CLUTTER_BACKEND=wayland',
    'SDL_VIDEODRIVER=wayland',
    'ELM_DISPLAY=wl',
    `ELM_ACCEL=${gpu ? 'opengl' : 'none'}`,
    `ECORE_EVAS_ENGINE=${gpu ? 'wayland_egl' : 'wayland_shm'}`,
  ];
}

/**
 * XDG_RUNTIME_DIR inside the container (as upstream x11docker): a private tmpfs of the container
 * user, mode 0700, with only the compositor's socket bind-mounted into it.
 */
export const CONTAINER_RUNTIME_DIR = '/tmp/XDG_RUNTIME_DIR';

/**
 * The host path of a Wayland socket from WAYLAND_DISPLAY and XDG_RUNTIME_DIR (wayland-client's
 * rule: an absolute WAYLAND_DISPLAY is the path itself, else it is relative to XDG_RUNTIME_DIR).
 * @returns undefined when it cannot be resolved (no WAYLAND_DISPLAY, or a relative one without XDG_RUNTIME_DIR).
 */
export function hostWaylandSocket(waylandDisplay?: string, xdgRuntimeDir?: string): string | undefined {
  if (!waylandDisplay) return undefined;
  if (waylandDisplay.startsWith('/')) return waylandDisplay;
  return xdgRuntimeDir ? `${xdgRuntimeDir.replace(/\/+$/, '')}/${waylandDisplay}` : undefined;
}

/**
 * Wayland socket name of a session, from its display number: unique per session, like the X
 * display it shares (`wayland-x11docker-100`).
 */
export function waylandSocketName(display: number): string {
  return `wayland-x11docker-${display}`;
}
