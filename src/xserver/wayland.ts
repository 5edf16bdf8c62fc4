/**
 * Wayland display drivers: `--weston`, `--kwin` (pure Wayland, no X), `--hostwayland` (the
 * user's own compositor), and X on Xwayland: `--xwayland` (Xwayland in the user's Wayland
 * session), `--weston-xwayland` and `--kwin-xwayland` (Xwayland on a compositor that x11docker
 * starts). See the design comment in driver.ts; the pure argv and environment helpers are in
 * src/wayland/wayland.ts.
 *
 * A compositor runs with XDG_RUNTIME_DIR set to the session folder (mode 0700, the host user's),
 * so its socket and lock file are private and go with the session folder; it is nested in a
 * window on the user's X display when there is one, else headless. Readiness: the compositor's
 * socket file appears (weston and kwin create it when they accept clients); Xwayland reports
 * through `-displayfd`. Stopping is the starter's: SIGTERM in reverse order, Xwayland before its
 * compositor; weston removes its socket and lock file itself. A pure Wayland container gets
 * WAYLAND_DISPLAY and a private runtime folder (tmpfs) with only the compositor's socket.
 */
import { join } from 'node:path';
import { describeXServer, X_SERVER_HONOURS, type DisplayContext, type DisplayDriver, type DisplayLaunch, type Honours, type LaunchFile, type ProcessSpec, type Requirement } from './driver.js';
import { hardeningArgs } from './hardening.js';
import { xpra, xpra2Of } from './xpra.js';
import { CONTAINER_RUNTIME_DIR, kwinArgs, waylandSocketName, westonArgs } from '../wayland/wayland.js';

const westonReq: Requirement = { binary: 'weston', debianPackage: 'weston' };
const kwinReq: Requirement = { binary: 'kwin_wayland', debianPackage: 'kwin-wayland' };
const xwaylandReq: Requirement = { binary: 'Xwayland', debianPackage: 'xwayland' };

/** Which compositor a driver starts. */
type Compositor = 'weston' | 'kwin';

/** The compositor process; ready when its socket exists in the session folder. */
function compositorProcess(which: Compositor, ctx: DisplayContext): ProcessSpec {
  const socket = waylandSocketName(ctx.display);
  const nested = !!ctx.hostDisplay;
  const screen = westonScreen(ctx, nested);
  // kwin: --output-count nested or virtual; weston: only its x11 backend has more than one output
  const cctx = which === 'weston' ? { socket, size: ctx.size, nested, ...screen, config: screen.config?.path } : { socket, size: ctx.size, nested, outputCount: ctx.screen?.outputCount };
  const args = which === 'weston' ? westonArgs(cctx) : kwinArgs(cctx);
  if (ctx.fullscreen && nested && which === 'weston') args.push('--fullscreen');
  return {
    role: 'Wayland compositor',
    binary: which === 'weston' ? 'weston' : 'kwin_wayland',
    args,
    connectsTo: nested ? 'host' : 'none',
    hostShm: nested,
    env: { XDG_RUNTIME_DIR: ctx.sessionDir },
    ready: { kind: 'path', path: join(ctx.sessionDir, socket) },
    essential: true,
  };
}

/**
 * `--scale`, `--rotate`, `--output-count` and `--westonini` for a compositor (upstream writes
 * them into its weston.ini): the outputs (`X1`..`Xn` of weston's x11 backend, `headless` of the
 * headless one) and their settings, after the user's weston.ini, in `weston.ini` of the session
 * folder.
 */
function westonScreen(ctx: DisplayContext, nested: boolean): { outputCount?: number; config?: { path: string; content: string }; scale?: number; transform?: string } {
  const s = ctx.screen;
  if (!s) return {};
  const count = nested ? s.outputCount ?? 1 : 1;
  // weston >= 5 names the transforms normal, rotate-90, flipped-rotate-90, ... (upstream's 90, flipped-90)
  const transform = s.rotate === undefined ? undefined : s.rotate === '0' ? 'normal' : s.rotate.replace(/^(flipped-)?(\d+)$/, '$1rotate-$2');
  const names = nested ? Array.from({ length: count }, (_, i) => `X${i + 1}`) : ['headless'];
  const outputs = s.scale !== undefined || transform !== undefined
    ? names.map((n) => `[output]\nname=${n}\n${s.scale !== undefined ? `scale=${s.scale}\n` : ''}${transform ? `transform=${transform}\n` : ''}`).join('')
    : '';
  const content = `${s.westonIni ? `${s.westonIni.replace(/\n?$/, '\n')}\n` : ''}${outputs}`;
  return {
    ...(count > 1 ? { outputCount: count } : {}),
    ...(content ? { config: { path: join(ctx.sessionDir, 'weston.ini'), content } } : {}),
    // the headless backend takes them on its command line (it has no --output-count)
    ...(!nested && s.scale !== undefined ? { scale: s.scale } : {}),
    ...(!nested && transform ? { transform } : {}),
  };
}

/** The files a compositor needs: weston's weston.ini when `westonScreen` makes one. */
function compositorFiles(which: Compositor, ctx: DisplayContext): LaunchFile[] {
  const config = which === 'weston' ? westonScreen(ctx, !!ctx.hostDisplay).config : undefined;
  return config ? [config] : [];
}

/** Xwayland serving `:N` (rootful: one screen) on the Wayland socket `socketPath`. */
function xwaylandProcess(ctx: DisplayContext, socketPath: string): ProcessSpec {
  return {
    role: 'X server',
    binary: 'Xwayland',
    args: hardeningArgs(ctx),
    connectsTo: 'none',
    // an absolute WAYLAND_DISPLAY is used as the socket path by libwayland-client (>= 1.15)
    env: { WAYLAND_DISPLAY: socketPath, XDG_RUNTIME_DIR: join(socketPath, '..') },
    ready: { kind: 'displayfd' },
    essential: true,
    ownsDisplay: true,
  };
}

/**
 * What a pure Wayland container gets: WAYLAND_DISPLAY and XDG_RUNTIME_DIR pointing to a private
 * tmpfs runtime folder with only the compositor's socket bind-mounted into it; `--showenv` prints
 * the host side of the same.
 */
function waylandContainer(hostSocket: string): Pick<DisplayLaunch, 'containerEnv' | 'containerMounts' | 'hostEnv'> {
  const name = hostSocket.slice(hostSocket.lastIndexOf('/') + 1);
  return {
    containerEnv: { WAYLAND_DISPLAY: name, XDG_RUNTIME_DIR: CONTAINER_RUNTIME_DIR },
    containerMounts: [
      { source: '', target: CONTAINER_RUNTIME_DIR, readonly: false, tmpfs: true },
      { source: hostSocket, target: `${CONTAINER_RUNTIME_DIR}/${name}`, readonly: true },
    ],
    hostEnv: { WAYLAND_DISPLAY: name, XDG_RUNTIME_DIR: hostSocket.slice(0, hostSocket.lastIndexOf('/')) },
  };
}

/** What a compositor that x11docker starts brings to a driver: its binary, package and start-up facts. */
function compositorBase(which: Compositor) {
  const weston = which === 'weston';
  return {
    binary: weston ? 'weston' : 'kwin_wayland',
    debianPackage: weston ? 'weston' : 'kwin-wayland',
    source: 'new',
    needs: {},
    visible: true,
    seamless: false,
  } as const;
}

/** What a compositor honours: size and fullscreen of its window; no keymap or clipboard of x11docker's for pure Wayland. */
const COMPOSITOR_HONOURS: Honours = { size: true, fullscreen: true, keymap: false, clipboard: 'none', xtest: 'optional' };

/** Upstream's screen options of each compositor: weston takes whole-number scales, rotation, outputs and a weston.ini; kwin outputs. */
function compositorScreen(which: Compositor): Honours['screen'] {
  return which === 'weston' ? { scale: 'integer', rotate: true, outputCount: true, westonIni: true } : { outputCount: true };
}

/** The host path of the Wayland socket a launch gives the container (from its host-side environment), if any. */
function waylandSocketOf(launch: DisplayLaunch | undefined): string | undefined {
  const name = launch?.hostEnv?.WAYLAND_DISPLAY;
  const dir = launch?.hostEnv?.XDG_RUNTIME_DIR;
  return name ? (name.startsWith('/') || !dir ? name : `${dir}/${name}`) : undefined;
}

/** The compositor's socket in the session folder (its XDG_RUNTIME_DIR). */
function compositorSocket(ctx: DisplayContext): string {
  return join(ctx.sessionDir, waylandSocketName(ctx.display));
}

/** A compositor that x11docker starts, for Wayland applications only (no X). */
function pureCompositor(which: Compositor): DisplayDriver {
  return {
    ...compositorBase(which),
    name: which,
    requires: [which === 'weston' ? westonReq : kwinReq],
    fromImage: which === 'weston', // (the X server image has no kwin)
    gives: 'wayland',
    honours: { ...COMPOSITOR_HONOURS, screen: compositorScreen(which) },
    describe: ({ launch }) => `Wayland compositor ${which === 'weston' ? 'weston' : 'kwin_wayland'} (--${which}) is running, socket ${waylandSocketOf(launch) ?? '?'}.`,
    launch: (ctx) => ({
      files: compositorFiles(which, ctx),
      processes: [compositorProcess(which, ctx)],
      x11: false,
      ...waylandContainer(compositorSocket(ctx)),
    }),
  };
}

/** Xwayland on a compositor that x11docker starts (a desktop-like X screen in one window). */
function compositorXwayland(which: Compositor): DisplayDriver {
  return {
    ...compositorBase(which),
    name: which === 'weston' ? 'weston-xwayland' : 'kwin-xwayland',
    requires: [which === 'weston' ? westonReq : kwinReq, xwaylandReq],
    fromImage: which === 'weston',
    gives: 'x11',
    waylandAlongside: true,
    honours: { ...X_SERVER_HONOURS, fullscreen: true, screen: compositorScreen(which) },
    describe: describeXServer(which === 'weston' ? 'weston-xwayland' : 'kwin-xwayland', `Xwayland in ${which === 'weston' ? 'weston' : 'kwin_wayland'}`),
    launch: (ctx) => ({
      files: compositorFiles(which, ctx),
      processes: [compositorProcess(which, ctx), xwaylandProcess(ctx, compositorSocket(ctx))],
      containerEnv: {},
      containerMounts: [],
      // --wayland: X and Wayland side by side, the compositor's socket as for --weston
      ...(ctx.wayland ? waylandContainer(compositorSocket(ctx)) : {}),
      x11: true,
    }),
  };
}

/** `--weston`: Weston for Wayland applications, nested in a window on your display or headless. */
export const weston = pureCompositor('weston');
/** `--kwin`: kwin_wayland (KDE) for Wayland applications. */
export const kwin = pureCompositor('kwin');
/** `--weston-xwayland`: Xwayland on a Weston that x11docker starts. */
export const westonXwayland = compositorXwayland('weston');
/** `--kwin-xwayland`: Xwayland on a kwin_wayland that x11docker starts. */
export const kwinXwayland = compositorXwayland('kwin');

/** `--xwayland`: Xwayland in the user's running Wayland session (needs WAYLAND_DISPLAY). */
export const xwayland: DisplayDriver = {
  name: 'xwayland',
  binary: 'Xwayland',
  debianPackage: 'xwayland',
  requires: [xwaylandReq],
  source: 'new',
  gives: 'x11',
  needs: { waylandDisplay: true },
  honours: X_SERVER_HONOURS,
  visible: true,
  seamless: false,
  describe: describeXServer('xwayland'),
  launch: (ctx) => ({
    files: [],
    processes: [xwaylandProcess(ctx, ctx.hostWaylandSocket ?? '')],
    containerEnv: {},
    containerMounts: [],
    x11: true,
  }),
};

/**
 * `--hostwayland`: no new display; the container gets the user's Wayland socket (the plan warns:
 * the application is a client of your real compositor).
 */
export const hostwayland: DisplayDriver = {
  name: 'hostwayland',
  requires: [],
  source: 'shared',
  gives: 'wayland',
  needs: { waylandDisplay: true },
  // the container is a client of your own compositor: it shares your clipboard and keyboard
  honours: { size: false, fullscreen: false, keymap: false, clipboard: 'own', xtest: 'optional' },
  visible: true,
  seamless: true,
  describe: ({ launch }) => `Sharing your Wayland compositor, socket ${waylandSocketOf(launch) ?? '?'} (--hostwayland).`,
  launch: (ctx) => ({ files: [], processes: [], x11: false, ...waylandContainer(ctx.hostWaylandSocket ?? '') }),
};

/**
 * `--xpra-xwayland`: as `--xpra`, with Xwayland in a headless Weston in place of Xvfb (upstream's
 * choice for `--gpu` with single applications). XTEST stays enabled on this Xwayland, as on
 * `--xpra`'s Xvfb: the xpra server injects keyboard and mouse input with it.
 */
export const xpraXwayland: DisplayDriver = {
  ...xpra,
  name: 'xpra-xwayland',
  requires: [...xpra.requires.filter((r) => r.binary !== 'Xvfb'), westonReq, xwaylandReq],
  honours: { ...xpra.honours, screen: { ...xpra.honours.screen, westonIni: true } },
  describe: describeXServer('xpra-xwayland', 'Xwayland in weston, shown by xpra'),
  launch: (ctx) => {
    const base = xpra.launch(ctx);
    const socket = compositorSocket(ctx);
    // the headless weston gets only --westonini; xpra's client scales
    const wctx = { ...ctx, hostDisplay: undefined, screen: ctx.screen?.westonIni !== undefined ? { westonIni: ctx.screen.westonIni } : undefined };
    const compositor = compositorProcess('weston', wctx);
    const x = xwaylandProcess(ctx, socket);
    const server: ProcessSpec = { ...x, args: x.args.filter((a, i, all) => !(a === 'XTEST' || (a === '-extension' && all[i + 1] === 'XTEST'))) };
    return { ...base, files: compositorFiles('weston', wctx), processes: [compositor, server, ...base.processes.slice(1)] };
  },
};

/** `--xpra2-xwayland`: `--xpra-xwayland` with weston, Xwayland and the xpra server from the X server image, the client on the host. */
export const xpra2Xwayland = xpra2Of(xpraXwayland, 'xpra2-xwayland');

/** Every Wayland-based driver, by option name. */
export const waylandDrivers = {
  xwayland,
  'weston-xwayland': westonXwayland,
  'kwin-xwayland': kwinXwayland,
  weston,
  kwin,
  hostwayland,
  'xpra-xwayland': xpraXwayland,
  'xpra2-xwayland': xpra2Xwayland,
} satisfies Partial<Record<string, DisplayDriver>>;
