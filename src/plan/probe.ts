/**
 * What the host probe (src/host/facts.ts `gatherHostFacts`) must look at for a plan: the
 * executables the display drivers and the other steps may start, and the host paths of shared
 * folders. The plan decides this and the CLI passes it in, so host/ never imports plan/.
 */
import type { HostProbe } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import { xserverDrivers } from '../xserver/drivers.js';
import { HOST_WINDOW_MANAGERS } from './display.js';
import { pathsToCheck } from './mounts.js';

/** A host tool that x11docker starts besides the display drivers' own binaries. */
export interface HostTool {
  /** Executable name (searched in PATH). */
  readonly binary: string;
  /** Debian package that provides it. */
  readonly debianPackage: string;
  /** What x11docker uses it for (shown by x11docker-gui's dependency check). */
  readonly what: string;
}

/** Host tools besides the display drivers' `requires` (those come from src/xserver/drivers.ts). */
export const HOST_TOOLS: readonly HostTool[] = [
  { binary: 'docker', debianPackage: 'docker.io', what: 'container engine (default backend)' },
  { binary: 'podman', debianPackage: 'podman', what: 'container engine (--backend=podman)' },
  { binary: 'nerdctl', debianPackage: '(not in Debian)', what: 'container engine (--backend=nerdctl)' },
  { binary: 'xauth', debianPackage: 'xauth', what: 'untrusted cookies for --hostdisplay' },
  { binary: 'x11vnc', debianPackage: 'x11vnc', what: '--html: VNC server on the new display' },
  { binary: 'websockify', debianPackage: 'websockify', what: '--html: WebSocket bridge for the browser' },
  { binary: 'xclip', debianPackage: 'xclip', what: '--clipboard on X servers without clipboard sharing of their own' },
  { binary: 'xrdb', debianPackage: 'x11-xserver-utils', what: '--dpi' },
  { binary: 'setxkbmap', debianPackage: 'x11-xkb-utils', what: '--keymap' },
  { binary: 'xwininfo', debianPackage: 'x11-utils', what: '--checkwindow' },
  { binary: 'xhost', debianPackage: 'x11-xserver-utils', what: '--xhost, --clean-xhost' },
  { binary: 'pactl', debianPackage: 'pulseaudio-utils', what: '--pulseaudio=tcp: loads and unloads the TCP module' },
  { binary: 'socat', debianPackage: 'socat', what: '--xoverip=socat: TCP relay to the new X socket' },
  { binary: 'xfishtank', debianPackage: 'xfishtank', what: '--xfishtank' },
];

/**
 * Host paths of raw options after `--` whose resolved form the plan needs: the files of
 * `--env-file` and `--label-file` (judged by plan/raw-warnings.ts refuseRawFiles) and the
 * sources of bind mounts (passed to the engine resolved, plan/raw-sources.ts).
 */
function rawHostPaths(options: Options): string[] {
  const raw = options.raw;
  return [...raw.values('--env-file'), ...raw.values('--label-file'), ...raw.mounts.flatMap((m) => (m.type === 'bind' && m.source ? [m.source] : []))];
}

/**
 * The probe for these options: every display driver's required binaries, {@link HOST_TOOLS},
 * the host window managers x11docker may start on Xephyr, `--wm`'s command, `--exe`'s
 * command and the clients of `--xeyes`/`--xlogo`; the paths of `--home`, `--homedir` and `--sharedir` (src/plan/mounts.ts
 * `pathsToCheck`); and the files of raw `--env-file` options (for plan/own-env.ts's notes).
 * @param options parsed options.
 * @returns the probe to pass to `gatherHostFacts`; binaries without duplicates.
 */
export function hostProbe(options: Options): HostProbe {
  const binaries = [
    ...Object.values(xserverDrivers).flatMap((d) => d.requires.map((r) => r.binary)),
    ...HOST_TOOLS.map((t) => t.binary),
    ...HOST_WINDOW_MANAGERS,
    ...(options.wm && options.wm !== 'none' ? [options.wm[0]!] : []),
    ...(options.exe && options.command[0] ? [options.command[0]] : []),
    ...options.displayClients.map((c) => c[0]!),
    // Debian's xfishtank is in /usr/games, which root's PATH lacks
    ...(options.screen.xfishtank ? ['/usr/games/xfishtank'] : []),
  ];
  return { binaries: [...new Set(binaries)], paths: (hostHome) => [...pathsToCheck(options, hostHome, options.image), ...rawHostPaths(options)], envFiles: options.raw.envFiles, shares: options.sharedirs.length > 0 || options.home !== undefined || options.raw.mounts.length > 0 };
}
