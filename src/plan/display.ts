import { printable, X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { DisplayContext, DisplayDriver, ScreenContext } from '../xserver/driver.js';
import { hostWaylandSocket } from '../wayland/wayland.js';
import type { DisplaySettings } from './integration.js';

/**
 * Host window managers x11docker looks for when a single application runs on a desktop-only X
 * server (Xephyr) because no seamless one is installed, best first (upstream's list, trimmed to
 * what Debian packages). twm is not among them: it waits for a click to place each new window.
 */
export const HOST_WINDOW_MANAGERS = ['openbox', 'fluxbox', 'xfwm4', 'icewm', 'jwm', 'marco', 'metacity'] as const;

/**
 * Decides the display extras of a session: the window manager (`--wm`, or one found on the host
 * for Xephyr in seamless use, as upstream), `--clipboard` (upstream's warning; x11docker's
 * clipboard synchroniser with host xclip where the server has no clipboard sharing of its own),
 * `--fullscreen`, the clients of `--xeyes`/`--xlogo`, and checks `--exe`.
 * @param notes, warnings collected for printing before anything starts.
 * @returns the window manager command, whether the clipboard synchroniser runs, and the host
 *   clients to start on the display.
 * @throws X11DockerError when `--exe`'s command or `--wm`'s window manager is missing, or when
 *   `--clipboard` cannot work: no user display (DISPLAY), xclip missing, or a pure Wayland
 *   compositor of its own (no X display to share with).
 */
export function planDisplayExtras(
  options: Options, host: HostFacts, driver: DisplayDriver, notes: string[], warnings: string[],
): { wm?: readonly string[]; clipboardSync: boolean; displayClients: readonly (readonly string[])[] } {
  const hasOwnX = driver.source === 'new' && driver.gives === 'x11';
  if (options.exe) {
    const cmd = options.command[0]!;
    if (!host.binaries.has(cmd)) throw new X11DockerError(`Option --exe: command '${printable(cmd)}' not found in PATH. Give an installed host command, e.g. --exe xterm.`);
  }
  let clipboardSync = false;
  const mode = options.clipboardMode;
  if (options.clipboard && mode !== 'yes' && driver.source === 'shared') {
    // upstream: "Option --hostdisplay only supports arguments yes|no. Fallback: Disabling option --clipboard"
    notes.push(`Option --clipboard=${mode} has no effect with --${driver.name}: the container uses your own display's clipboard, which cannot be shared in one direction only (upstream: only yes|no). The clipboard is not shared.`);
  } else if (options.clipboard && driver.gives === 'none') {
    notes.push('Option --clipboard has no effect with --nothing: there is no display, so no clipboard is shared.');
  } else if (options.clipboard) {
    warnings.push(clipboardWarning(mode));
    // (xpra's X server always has XTEST: it injects your input with it)
    if (mode === 'cmv' && (options.integration.xtest === true || driver.honours.xtest === 'always')) {
      warnings.push(`Options --${options.integration.xtest === true ? 'xtest' : driver.name} --clipboard=cmv: the X extension XTEST is enabled, which allows container applications to fake key presses like Ctrl+Super+V, so they could fool x11docker into giving them your clipboard without you.`);
    }
    if (mode === 'cmv') notes.push('Option --clipboard=cmv: press Ctrl+Super+V on the new display to give it your clipboard; what the container copies reaches your clipboard by itself.');
    // one direction or the key: x11docker's synchroniser also for xpra and nxagent (their own sharing off), as upstream
    if (driver.honours.clipboard !== 'own' || mode !== 'yes') {
      if (driver.honours.clipboard === 'none') {
        throw new X11DockerError(`Option --clipboard: --${driver.name} gives the container Wayland only, whose clipboard x11docker cannot share. Use --weston-xwayland, or leave --clipboard out.`);
      }
      if (!host.display) {
        throw new X11DockerError(`Option --clipboard needs your display (DISPLAY is not set): there is no clipboard to share with --${driver.name}. Leave --clipboard out, or run from a desktop.`);
      }
      if (!host.binaries.has('xclip')) {
        throw new X11DockerError(`Option --clipboard${mode === 'yes' ? '' : `=${mode}`} with --${driver.name} needs xclip on the host: apt-get install xclip${mode === 'yes' ? ' (or use --xpra or --nxagent, which share the clipboard themselves)' : ''}.`);
      }
      clipboardSync = true;
    }
  }
  if (options.fullscreen && !driver.honours.fullscreen) notes.push(`Option --fullscreen has no effect with --${driver.name}.`);
  if (options.size && !driver.honours.size) notes.push(`Option --size has no effect with --${driver.name}.`);
  let wm: readonly string[] | undefined;
  const seamlessUse = driver.seamless && !options.desktop;
  if (options.wm && options.wm !== 'none') {
    if (!hasOwnX || seamlessUse) notes.push(`Option --wm: --${driver.name}${seamlessUse ? ' shows windows seamlessly on your desktop' : ' starts no X server'}; no window manager is started.`);
    else if (!host.binaries.has(options.wm[0]!)) throw new X11DockerError(`Option --wm: window manager '${printable(options.wm[0]!)}' not found on the host. Install it (e.g. apt-get install openbox) or use --wm none.`);
    else wm = options.wm;
  } else if (options.wm === undefined && hasOwnX && !driver.seamless && !options.desktop && driver.visible && !options.xonly) {
    const found = HOST_WINDOW_MANAGERS.find((w) => host.binaries.has(w));
    if (found) {
      wm = [found];
      notes.push(`Running a single application on --${driver.name} with host window manager ${found} (seamless xpra or nxagent is not used).`);
    } else {
      notes.push(`No host window manager found for --${driver.name}: the window cannot be moved or resized. Install one (e.g. apt-get install openbox) or use --xpra or --nxagent.`);
    }
  }
  return { wm, clipboardSync, displayClients: planDisplayClients(options, host, driver, notes) };
}

/**
 * `--xeyes` and `--xlogo` (upstream's helpers, e.g. an X window that takes keys): host X clients
 * on the session's X display, started once it is up and stopped with the session.
 * @returns their argv lists; none (with a note) when the session has no X display.
 * @throws X11DockerError naming the option and Debian package when the client is not installed.
 */
function planDisplayClients(options: Options, host: HostFacts, driver: DisplayDriver, notes: string[]): readonly (readonly string[])[] {
  if (options.displayClients.length === 0) return [];
  if (driver.gives === 'none' || driver.gives === 'wayland') {
    for (const [c] of options.displayClients) notes.push(`Option --${c} has no effect with --${driver.name}: there is no X display to show it on.`);
    return [];
  }
  for (const [c] of options.displayClients) {
    if (!host.binaries.has(c!)) throw new X11DockerError(`Option --${c} needs ${c} on the host: apt-get install x11-apps.`);
  }
  return options.displayClients;
}

/** The parts of a session plan that a display driver's context is made of (see plan/plan.ts SessionPlan). */
/**
 * Upstream's `--clipboard` warning for one direction: what the container can read from your
 * clipboard and what it can put into it.
 * @param mode `yes` (both ways), `c2h`, `h2c` or `cmv`.
 */
export function clipboardWarning(mode: Options['clipboardMode']): string {
  const reads = 'applications in the container can read everything you copy on your desktop (passwords included)';
  const writes = 'put content into your clipboard';
  switch (mode) {
    case 'c2h': return `Option --clipboard=c2h copies the container's clipboard to your display: applications in the container can ${writes}; they cannot read yours.`;
    case 'h2c': return `Option --clipboard=h2c copies your clipboard to the container: ${reads}; they cannot put content into yours.`;
    case 'cmv': return `Option --clipboard=cmv copies the container's clipboard to your display, and yours to the container when you press Ctrl+Super+V there: applications in the container can ${writes} and read what you copied when you press the keys.`;
    default: return `Option --clipboard shares the clipboard between your display and the container: ${reads} and ${writes}.`;
  }
}

export interface DisplayChoices {
  readonly size: { readonly width: number; readonly height: number };
  readonly sessionDir: string;
  readonly desktop: boolean;
  readonly fullscreen: boolean;
  readonly clipboard: boolean;
  /** `--html` (any value: XTEST stays on for x11vnc). */
  readonly html?: unknown;
  readonly displaySettings: DisplaySettings;
  readonly wm?: readonly string[];
  /** `--wayland` (with a driver that gives Wayland alongside X). */
  readonly wayland?: boolean;
  readonly container?: { readonly image: string };
  readonly exe?: readonly string[];
  /** `--scale`, `--vt`, ... (plan/screen.ts). */
  readonly screen?: { readonly context: ScreenContext; readonly vt?: number };
}

/**
 * The context a display driver's `launch` gets for one session: the plan's display choices plus
 * what the run layer knows once a display number is claimed. Pure.
 * @param plan the session plan.
 * @param host the user's DISPLAY and Wayland socket (nested servers and compositors use them).
 * @param display the display number (`:N`), -1 when the driver starts no server.
 * @param files the server's and clients' cookie files ('' when there are none).
 */
export function displayContext(
  plan: DisplayChoices,
  host: Pick<HostFacts, 'display' | 'waylandDisplay' | 'xdgRuntimeDir'>,
  display: number,
  files: { readonly authFile: string; readonly clientAuthFile: string },
): DisplayContext {
  const s = plan.displaySettings;
  return {
    display,
    ...files,
    size: plan.size,
    title: `x11docker :${display} ${plan.container?.image ?? plan.exe?.[0] ?? ''}`.trim(),
    sessionDir: plan.sessionDir,
    desktop: plan.desktop,
    fullscreen: plan.fullscreen,
    clipboard: plan.clipboard,
    xtest: plan.html !== undefined || s.xtest,
    dpi: s.dpi,
    composite: s.composite,
    xopt: s.xopt,
    wm: plan.wm,
    ...(plan.screen ? { screen: plan.screen.context } : {}),
    ...(plan.screen?.vt !== undefined ? { vt: plan.screen.vt } : {}),
    wayland: plan.wayland,
    hostDisplay: host.display,
    hostWaylandSocket: hostWaylandSocket(host.waylandDisplay, host.xdgRuntimeDir),
  };
}
