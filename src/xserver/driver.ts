import type { XServerName } from '../options/table.js';
import { xephyr } from './xephyr.js';
import { xvfb } from './xvfb.js';
import { hostdisplay } from './hostdisplay.js';

/** What a driver needs to build an X server's command line. */
export interface XServerContext {
  /** Display number of the new server (`:N`). */
  readonly display: number;
  /** Server-side authority file with the session's cookie (`-auth`). */
  readonly authFile: string;
  /** Screen size in pixels. */
  readonly size: { readonly width: number; readonly height: number };
  /** Window title for nested servers. */
  readonly title: string;
  /** Keep the XTEST extension (`--html`: x11vnc injects the browser's input with it). */
  readonly xtest?: boolean;
}

/**
 * One X server x11docker can start, or share. Adding a server is one file with one of these
 * and one row in {@link xserverDrivers}.
 */
export interface XServerDriver {
  /** Option name that selects it (`--xephyr`). */
  readonly name: XServerName;
  /** Executable to start; undefined when no server is started (`--hostdisplay`). */
  readonly binary?: string;
  /** Debian package that provides `binary`. */
  readonly debianPackage?: string;
  /** Needs the user's display (a nested server, or sharing it). */
  readonly needsHostDisplay: boolean;
  /** Shares the user's display instead of starting a new server. */
  readonly sharesHostDisplay: boolean;
  /** Visible on the user's desktop (a screenshot of the user's display shows it). */
  readonly visible: boolean;
  /**
   * Command line of the server, without the executable and without `-displayfd` (added by the
   * starter). Every new server gets cookie authentication, no TCP, no abstract socket, and
   * neither MIT-SHM nor XTEST (see {@link hardeningArgs}).
   */
  serverArgs(ctx: XServerContext): string[];
}

/**
 * Options every new X server gets, from Xserver(1): cookie authentication from `authFile`,
 * no TCP listener, no abstract-namespace socket (only the file socket that x11docker shares),
 * and the MIT-SHM and XTEST extensions disabled (as upstream x11docker does).
 */
export function hardeningArgs(ctx: XServerContext): string[] {
  return [
    `:${ctx.display}`,
    '-auth', ctx.authFile,
    '-nolisten', 'tcp',
    '-nolisten', 'local',
    '-extension', 'MIT-SHM',
    ...(ctx.xtest ? [] : ['-extension', 'XTEST']),
  ];
}

/** Every X server driver, by option name. */
export const xserverDrivers: Readonly<Record<XServerName, XServerDriver>> = { xephyr, xvfb, hostdisplay };
