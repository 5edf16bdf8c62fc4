/**
 * Host facts for the options of options/integration.ts: webcams, the CUPS socket, the host
 * user's DBus session socket, and whether stdin is a terminal. Read once, before the plan.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostUser } from './user.js';
import type { HostDevice } from './resources.js';

/** What the host offers for `-i`, `--webcam`, `--printer`, `--hostdbus` and `--sharessh`. */
export interface IntegrationResources {
  /** Character devices /dev/video* with their groups. */
  readonly video: readonly HostDevice[];
  /** The CUPS socket: `CUPS_SERVER` when it is a socket path, else /run/cups/cups.sock, if it is a socket. */
  readonly cupsSocket?: string;
  /**
   * The host user's DBus session: a socket path (`unix:path=` of DBUS_SESSION_BUS_ADDRESS, else
   * `$XDG_RUNTIME_DIR/bus`, else /run/user/UID/bus), or `abstract` when the address is an abstract
   * socket (which only the host's network namespace reaches).
   */
  readonly dbus?: { readonly socket: string } | { readonly abstract: string };
  /** The SSH agent socket of `SSH_AUTH_SOCK`, when it is a socket (for `--sharessh`). */
  readonly sshAgent?: string;
  /** Whether x11docker's stdin is a terminal (for a pseudo-terminal in the container). */
  readonly stdinIsTty: boolean;
}

/**
 * Looks at the host for these options.
 * @param user the host user (its uid for /run/user/UID).
 * @param env x11docker's environment (DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, CUPS_SERVER, SSH_AUTH_SOCK).
 * @param root prefix for all paths (tests); '' on a real host.
 * @param stdinIsTty whether stdin is a terminal (default: process.stdin.isTTY).
 */
export function gatherIntegrationResources(user: HostUser, env: NodeJS.ProcessEnv, root = '', stdinIsTty = process.stdin.isTTY === true): IntegrationResources {
  const isSocket = (p: string | undefined): p is string => {
    try {
      return !!p && statSync(root + p).isSocket();
    } catch {
      return false;
    }
  };
  let video: HostDevice[] = [];
  try {
    video = readdirSync(`${root}/dev`)
      .filter((n) => /^video\d+$/.test(n))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .flatMap((n) => {
        try {
          const st = statSync(`${root}/dev/${n}`);
          return st.isCharacterDevice() ? [{ path: `/dev/${n}`, gid: st.gid }] : [];
        } catch {
          return [];
        }
      });
  } catch {
    // no /dev to read
  }
  const cups = [env.CUPS_SERVER?.startsWith('/') ? env.CUPS_SERVER : undefined, '/run/cups/cups.sock'].find(isSocket);
  const sshAgent = env.SSH_AUTH_SOCK?.startsWith('/') && isSocket(env.SSH_AUTH_SOCK) ? env.SSH_AUTH_SOCK : undefined;
  return { video, cupsSocket: cups, dbus: dbusSession(env, user, isSocket), sshAgent, stdinIsTty };
}

/** The DBus session from DBUS_SESSION_BUS_ADDRESS (`unix:path=P` or `unix:abstract=A`), else the usual socket paths. */
function dbusSession(env: NodeJS.ProcessEnv, user: HostUser, isSocket: (p: string | undefined) => p is string): IntegrationResources['dbus'] {
  for (const address of (env.DBUS_SESSION_BUS_ADDRESS ?? '').split(';')) {
    const fields = new Map(address.replace(/^unix:/, '').split(',').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as const));
    if (!address.startsWith('unix:')) continue;
    const path = fields.get('path');
    if (isSocket(path)) return { socket: path };
    const abstract = fields.get('abstract');
    if (abstract) return { abstract };
  }
  const path = [env.XDG_RUNTIME_DIR && join(env.XDG_RUNTIME_DIR, 'bus'), `/run/user/${user.uid}/bus`].find(isSocket);
  return path ? { socket: path } : undefined;
}
