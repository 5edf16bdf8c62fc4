/**
 * Plans upstream's screen and access options of options/screen.ts for the chosen display option
 * (pure: options, host facts and the driver's declarations in, data, notes and warnings out):
 * `--scale`, `--rotate`, `--output-count`, `--border`, `--westonini`, `--vt` go to the driver
 * where it honours them (its `honours.screen`), else they are a note as upstream's dependency
 * check words it (a fallback note: `--fallback=no` makes it an error); `--xfishtank` is a host
 * client on the display; `--xauth`, `--xhost`, `--clean-xhost` and `--xoverip` change who may
 * connect, with upstream's warnings.
 */
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { XauthMode } from '../options/screen.js';
import type { DisplayDriver, ScreenContext } from '../xserver/driver.js';

/** Where a container reaches the host with `--xoverip`: docker's and nerdctl's name (with `--add-host`), podman's own. */
export const XOVERIP_HOST = { docker: 'host.docker.internal', nerdctl: 'host.docker.internal', podman: 'host.containers.internal' } as const;

/** The screen and access part of a session plan. */
export interface ScreenPlan {
  /** What the driver gets in its context (only the settings it honours). */
  readonly context: ScreenContext;
  /** The screen size: `--size`, else the default divided by `--scale` (upstream: the window keeps the default size). */
  readonly size: { readonly width: number; readonly height: number };
  /** `--vt=N` for `--xorg`. */
  readonly vt?: number;
  /** `--xauth` where it applies: `trusted` (`--hostdisplay`: a trusted cookie), `untrusted`, `no` (the container gets no cookie); undefined: the default. */
  readonly xauth?: XauthMode;
  /** `--xhost`: xhost's arguments, run on the new display once it is up. */
  readonly xhost?: readonly string[];
  /** `--clean-xhost`: remove the xhost permissions of the user's display. */
  readonly cleanXhost: boolean;
  /** `--xoverip`: the container's DISPLAY is `HOST:N` over TCP instead of the socket. */
  readonly tcpHost?: string;
  /** Arguments for `ENGINE create` (`--add-host` of `--xoverip`). */
  readonly containerArgs: readonly string[];
}

/**
 * @param options the parsed options (`screen`, `size`, `backend`, `network`).
 * @param host the host's binaries (xfishtank), DISPLAY and XAUTHORITY (`--clean-xhost`), the
 *   content of `--westonini`'s file.
 * @param driver the chosen display option.
 * @param defaultSize the screen size without `--size`.
 * @param container the container user's name (`--xhost`'s default) and network (`none` refuses
 *   `--xoverip`, undefined is the engine's default), if there is a container.
 * @returns the plan, and the argv of `--xfishtank` to start on the display (empty when none).
 * @throws X11DockerError for `--xfishtank` without xfishtank, `--westonini` without its file,
 *   `--xoverip` without network or with `--xc`.
 */
export function planScreen(
  options: Options, host: HostFacts, driver: DisplayDriver, defaultSize: { width: number; height: number },
  container: { readonly user: string; readonly network: string | undefined } | undefined, notes: string[], warnings: string[],
): { screen: ScreenPlan; clients: (readonly string[])[] } {
  const o = options.screen;
  const name = `--${driver.name}`;
  const h = driver.honours.screen ?? {};
  const newX = driver.source === 'new' && driver.gives === 'x11';
  const context: { -readonly [K in keyof ScreenContext]: ScreenContext[K] } = {};
  if (o.scale !== undefined) {
    if (h.scale === 'any' || (h.scale === 'integer' && Number.isInteger(o.scale))) context.scale = o.scale;
    else if (h.scale === 'integer') notes.push(`Option --scale has no effect with ${name}: it takes whole numbers only (e.g. --scale=2); --xpra takes ${o.scale}.`);
    else notes.push(`Option --scale has no effect with ${name}: use --xpra, --xpra-xwayland, --weston or --weston-xwayland.`);
  }
  if (o.rotate !== undefined) {
    if (h.rotate) context.rotate = o.rotate;
    else notes.push(`Option --rotate has no effect with ${name}: use --weston-xwayland or --weston.`);
  }
  if (o.outputCount > 1) {
    if (!h.outputCount) notes.push(`Option --output-count has no effect with ${name}: use --weston-xwayland, --weston, --kwin-xwayland or --kwin.`);
    else if (driver.requires.some((r) => r.binary === 'weston') && !host.display) notes.push(`Option --output-count has no effect with ${name} without your display (DISPLAY): headless weston has one output.`);
    else context.outputCount = o.outputCount;
  }
  if (o.border !== undefined) {
    if (h.border) context.border = o.border;
    else notes.push(`Option --border has no effect with ${name}: use --xpra or --xpra-xwayland.`);
  }
  if (o.westonini !== undefined) {
    if (!h.westonIni) notes.push(`Option --westonini has no effect with ${name}: use --weston, --weston-xwayland or --xpra-xwayland.`);
    else if (host.westonIni?.content === undefined) throw new X11DockerError(`Option --westonini: cannot read the file '${o.westonini}'. Give an existing weston.ini.`);
    else context.westonIni = host.westonIni.content;
  }
  let vt: number | undefined;
  if (o.vt !== undefined) {
    if (!h.vt) notes.push(`Option --vt has no effect with ${name}: it claims no virtual terminal (use --xorg).`);
    else if (o.vt !== 'auto') vt = o.vt;
  }
  const clients: (readonly string[])[] = [];
  if (o.xfishtank) {
    if (driver.gives !== 'x11') notes.push(`Option --xfishtank has no effect with ${name}: there is no X display to show it on.`);
    else {
      // Debian installs it in /usr/games, which root's PATH lacks
      const binary = host.binaries.has('xfishtank') ? 'xfishtank' : host.binaries.has('/usr/games/xfishtank') ? '/usr/games/xfishtank' : undefined;
      if (!binary) throw new X11DockerError('Option --xfishtank needs xfishtank on the host: apt-get install xfishtank.');
      clients.push([binary]);
    }
  }
  const xauth = planXauth(o.xauth, driver, newX, o.xoverip !== undefined, notes, warnings);
  if (xauth === 'no' && newX) context.noAuth = true;
  if (xauth === 'untrusted' && newX && !host.binaries.has('xauth')) throw new X11DockerError('Option --xauth=untrusted needs xauth on the host: apt-get install xauth.');
  let xhost: readonly string[] | undefined;
  if (o.xhost !== undefined) {
    if (!newX) notes.push(`Option --xhost has no effect with ${name}: it starts no X server of its own (x11docker does not change your display's permissions).`);
    else if (!host.binaries.has('xhost')) throw new X11DockerError('Option --xhost needs xhost on the host: apt-get install x11-xserver-utils.');
    else {
      xhost = o.xhost === 'auto' ? [`+SI:localuser:${container?.user ?? host.hostUser.name}`] : o.xhost;
      warnings.push(`Option --xhost: running 'xhost ${xhost.join(' ')}' on the new X server: whoever it names may use the display without the cookie${xhost.includes('+') ? '; xhost + allows everyone' : ''}.`);
    }
  }
  if (o.cleanXhost) {
    if (!host.display) notes.push('Option --clean-xhost: no display of yours (DISPLAY) found; nothing to clean.');
    else if (!host.binaries.has('xhost')) throw new X11DockerError('Option --clean-xhost needs xhost on the host: apt-get install x11-xserver-utils.');
    else {
      warnings.push(`Option --clean-xhost: removing every xhost permission of your display ${host.display} and turning its access control on: only clients with its cookie may connect afterwards.`);
      if (!host.xauthority) warnings.push('Option --clean-xhost: your X server does not provide an authentication cookie in $XAUTHORITY. Host applications started after xhost cleanup might fail to start.');
    }
  }
  let tcpHost: string | undefined;
  const containerArgs: string[] = [];
  if (o.xoverip !== undefined) {
    if (!newX) notes.push(`Option --xoverip has no effect with ${name}: it starts no X server of its own.`);
    else if (options.xc.mode === 'yes') throw new X11DockerError('Option --xoverip with --xc is not available: the X server container has no network. Leave one of them out.');
    else {
      const socat = o.xoverip === 'socat';
      if (socat && !host.binaries.has('socat')) throw new X11DockerError('Option --xoverip=socat needs socat on the host (Debian package socat). Install it, or use --xoverip (the X server listens on TCP itself).');
      if (container?.network === 'none') throw new X11DockerError(`Option --xoverip${socat ? '=socat' : ''} needs network access for the container: add --network (-I).`);
      const bind = container?.network === 'host' ? '127.0.0.1' : '0.0.0.0';
      if (socat) {
        // upstream: the X server keeps -nolisten tcp; socat relays TCP port 6000+N to its socket
        // (DISPLAY is :N for a client on the display, so the shell computes the port)
        clients.push(['sh', '-c', `exec socat -d TCP-LISTEN:$((6000+\${DISPLAY#:})),fork,reuseaddr,bind=${bind} UNIX-CONNECT:/tmp/.X11-unix/X\${DISPLAY#:}`]);
        containerArgs.push('--env=LIBGL_ALWAYS_SOFTWARE=1');
        if (options.services.gpu) notes.push('Option --gpu with --xoverip=socat: the container renders OpenGL in software (LIBGL_ALWAYS_SOFTWARE=1), as upstream.');
        warnings.push(`Option --xoverip=socat: a socat relay listens on TCP (port 6000 + display number) ${bind === '0.0.0.0' ? 'on every network interface of this host' : 'on 127.0.0.1'} and forwards to the new X server's socket: whoever reaches it there and has the cookie can use it.`);
      } else {
        context.listenTcp = true;
        warnings.push('Option --xoverip: the new X server listens on TCP (port 6000 + display number) on every network interface of this host: whoever reaches it there and has the cookie can use it.');
      }
      if (container?.network === 'host') tcpHost = '127.0.0.1';
      else if (container) {
        tcpHost = XOVERIP_HOST[options.backend];
        if (options.backend !== 'podman') containerArgs.push(`--add-host=${tcpHost}:host-gateway`);
      }
    }
  }
  const size = options.size ?? (context.scale !== undefined ? { width: Math.floor(defaultSize.width / context.scale), height: Math.floor(defaultSize.height / context.scale) } : defaultSize);
  return { screen: { context, size, ...(vt !== undefined ? { vt } : {}), ...(xauth ? { xauth } : {}), ...(xhost ? { xhost } : {}), cleanXhost: o.cleanXhost && !!host.display, ...(tcpHost ? { tcpHost } : {}), containerArgs }, clients };
}

/**
 * `--xauth`, with upstream's warnings. New X servers: `trusted` is the default, `untrusted` gives
 * the container a cookie of its own that X SECURITY marks untrusted (run/untrusted.ts);
 * `--hostdisplay`: `trusted` gives the trusted cookie (plan/hostdisplay.ts), `untrusted` is its default.
 * @returns the mode where it applies, else undefined.
 */
function planXauth(mode: XauthMode | undefined, driver: DisplayDriver, newX: boolean, tcp: boolean, notes: string[], warnings: string[]): XauthMode | undefined {
  if (mode === undefined) return undefined;
  const shared = driver.source === 'shared' && driver.gives === 'x11';
  if (!newX && !shared) {
    notes.push(`Option --xauth has no effect with --${driver.name}: the container gets no X display.`);
    return undefined;
  }

  if (mode === 'no') {
    warnings.push(
      tcp
        ? 'Option --xauth=no --xoverip: SECURITY RISK! Allowing access to the new X server for everyone. It is accessible over the TCP network without any restriction; that can be abused to take control of your system.'
        : shared
          ? `Option --xauth=no: the container gets no cookie for your display; it can connect only where your X server lets it in without one (xhost).`
          : 'Option --xauth=no: SECURITY RISK! Allowing access to the new X server for everyone: every local process (and container with the socket) can use it without a cookie.',
    );
  }
  return mode;
}

/**
 * The container's DISPLAY and XAUTHORITY: the socket's `:N`, or `HOST:N` over TCP with
 * `--xoverip`; no XAUTHORITY with `--xauth=no`.
 * @param screen the plan's screen part (undefined: defaults).
 * @param display the display number.
 * @param cookiePath the cookie's path in the container.
 */
export function containerXEnv(screen: ScreenPlan | undefined, display: number, cookiePath: string): string[] {
  return [`DISPLAY=${screen?.tcpHost ?? ''}:${display}`, ...(screen?.xauth === 'no' ? [] : [`XAUTHORITY=${cookiePath}`])];
}
