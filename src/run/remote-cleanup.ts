/**
 * `--cleanup` for remote `--html` sessions (src/run/remote.ts) whose x11docker was killed
 * (`kill -9`): their two volumes on the engine (labelled with the session and x11docker's pid)
 * and their private folders here (`/tmp/x11docker-remote-PID-*`). Their containers are removed
 * with the other labelled containers (src/run/cleanup.ts).
 */
import { X11DockerError } from '../errors.js';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidExists } from '../host/pid.js';
import { LABEL_HOST, LABEL_PID, LABEL_SESSION } from '../plan/argv.js';
import { hostIdentity, sessionLiveness } from '../host/identity.js';
import { run } from './spawn.js';

/** Prefix of a remote session's private folder in /tmp; x11docker's pid and a dash follow. */
export const REMOTE_FOLDER_PREFIX = 'x11docker-remote-';

/**
 * Removes the volumes of remote sessions whose x11docker pid is gone (through the docker CLI, in
 * x11docker's environment: the engine of DOCKER_HOST or the context). Volumes of sessions started
 * on another machine, boot or PID namespace (label x11docker.host, src/host/identity.ts) are left alone.
 * @returns the names of the removed volumes and of those left as another host's.
 * @throws X11DockerError when the engine does not answer (its volumes could not be checked).
 */
export async function removeOrphanVolumes(): Promise<{ removed: string[]; elsewhere: string[] }> {
  const r = await run('docker', ['volume', 'ls', '--filter', `label=${LABEL_SESSION}`, '--format', `{{.Name}} {{.Label "${LABEL_PID}"}} {{.Label "${LABEL_HOST}"}}`], { reject: false });
  if (r.exitCode !== 0) throw new X11DockerError(`--cleanup: docker could not list the volumes of the remote engine (${String(r.stderr).trim().split('\n').pop() ?? ''}). Check DOCKER_HOST (or the docker context) and run --cleanup again.`);
  const here = hostIdentity();
  const rows = String(r.stdout).split('\n').map((l) => l.trim().split(' ')).filter(([name]) => name);
  // (a volume without x11docker.host may be any machine's: left alone)
  const verdict = (pid?: string, identity?: string) => sessionLiveness({ ...(pid !== undefined ? { pid } : {}), ...(identity !== undefined ? { identity } : {}) }, here, pidExists, 'elsewhere');
  const dead = rows.filter(([, pid, identity]) => verdict(pid, identity) === 'gone').map(([name]) => name!);
  if (dead.length > 0) await run('docker', ['volume', 'rm', '--force', ...dead], { reject: false });
  return { removed: dead, elsewhere: rows.filter(([, pid, identity]) => verdict(pid, identity) === 'elsewhere').map(([name]) => name!) };
}

/**
 * Removes private folders of remote sessions whose x11docker pid is gone: the user's own, or
 * every one as root.
 * @param tmp the folder they are in (the temporary folder, as the sessions make them).
 * @returns the removed folders.
 */
export function removeOrphanFolders(asRoot: boolean, tmp = tmpdir()): string[] {
  const uid = process.getuid?.() ?? 0;
  const removed: string[] = [];
  for (const name of readdirSync(tmp).filter((n) => n.startsWith(REMOTE_FOLDER_PREFIX))) {
    const pid = Number(/^x11docker-remote-(\d+)-/.exec(name)?.[1]);
    const dir = join(tmp, name);
    try {
      if (!pid || pidExists(pid) || (!asRoot && lstatSync(dir).uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // removed meanwhile
    }
  }
  return removed;
}
