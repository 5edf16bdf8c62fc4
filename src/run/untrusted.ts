/**
 * `--xauth=untrusted` on a new X server (upstream's `xauth generate ... untrusted` in its
 * xinitrc): the container gets a cookie of its own, in `Xcontainercookie` of the session folder,
 * that the X SECURITY extension marks untrusted (no access to other clients' windows, input and
 * selections; only the extensions SECURITY allows). x11docker's own clients (readiness, xrdb,
 * setxkbmap, clipboard, ...) keep the session's trusted cookie.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X11DockerError, printable } from '../errors.js';
import type { SessionPlan } from '../plan/plan.js';
import { decodeXauth, encodeXauth, wildcardEntry } from '../xserver/xauth.js';
import { writePrivate } from './session-folder.js';
import { run } from './spawn.js';
import { probeDisplay } from './x11-client.js';

/** The container's cookie file with `--xauth=untrusted` (written empty first, filled once the server runs). */
export function containerCookieFile(plan: Pick<SessionPlan, 'sessionDir'>): string {
  return join(plan.sessionDir, 'Xcontainercookie');
}

/**
 * Asks the new X server for an untrusted cookie (`xauth generate :N . untrusted`, with the
 * session's trusted cookie), checks that a connection with it works, and writes it as a wildcard
 * entry into the container's cookie file, in place (the container's bind mount of the file sees it).
 * @param display the new display's number.
 * @param clientAuthFile the session's trusted client cookie file.
 * @throws X11DockerError as upstream: "Failed to create cookie for untrusted clients", e.g. without the SECURITY extension.
 */
export async function writeUntrustedCookie(plan: Pick<SessionPlan, 'sessionDir' | 'dropToHostUser' | 'hostUser'>, display: number, clientAuthFile: string): Promise<void> {
  const generated = join(plan.sessionDir, 'Xgenerated');
  writePrivate(plan, generated, Buffer.alloc(0));
  const r = await run('xauth', ['-f', generated, 'generate', `:${display}`, '.', 'untrusted', 'timeout', '0'], {
    reject: false,
    env: { PATH: process.env.PATH, DISPLAY: `:${display}`, XAUTHORITY: clientAuthFile },
    extendEnv: false,
    ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
  });
  const entry = r.exitCode === 0 ? decodeXauth(readFileSync(generated)).find((e) => e.number === String(display)) : undefined;
  rmSync(generated, { force: true });
  const refused = entry ? await probeDisplay(`:${display}`, { name: entry.name, data: entry.data }, 3000) : undefined;
  if (!entry || refused !== undefined) {
    const why = entry ? `the X server refuses it: ${refused}` : `xauth generate: ${printable(String(r.stderr).trim()) || `exit code ${r.exitCode}`}`;
    throw new X11DockerError(`Option --xauth=untrusted: failed to create a cookie for untrusted clients on :${display} (${why}); maybe the X server lacks the extension SECURITY. Use --xauth or leave it out.`);
  }
  writeFileSync(containerCookieFile(plan), encodeXauth([wildcardEntry(display, entry.data, entry.name)]));
}
