import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.js';
import type { UserDatabase } from '../plan/userdb.js';
import type { Engine } from './engine.js';

/** Files of an image's user database that x11docker reads (all under /etc). */
const FILES = ['passwd', 'group', 'shadow', 'sudoers'] as const;

/**
 * Reads an image's user database from a created container, or from the per-image cache under
 * `~/.cache/x11docker/images/` on later runs. Image ids are content hashes, so an entry never goes
 * stale; a different image is a different id. Files are private to the host user (0600 in 0700).
 * @param engine the container engine.
 * @param containerId a created (not started) container of the image.
 * @param imageId the image id (`sha256:...`); without one nothing is cached.
 * @param cacheDir `~/.cache/x11docker` of the host user.
 * @param owner uid/gid to own new cache files (when x11docker runs as root for another user).
 */
export async function readUserDatabase(
  engine: Engine,
  containerId: string,
  imageId: string,
  cacheDir: string,
  owner?: { uid: number; gid: number },
): Promise<UserDatabase> {
  const key = /^sha256:([a-f0-9]{64})$/.exec(imageId)?.[1];
  const dir = join(cacheDir, 'images');
  const file = key ? join(dir, `${key}.userdb.json`) : undefined;
  if (file) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as UserDatabase;
    } catch {
      // not cached yet
    }
  }
  const found = await engine.readFiles(containerId, FILES.map((f) => `/etc/${f}`));
  const db: UserDatabase = Object.fromEntries(FILES.map((f) => [f, found.get(`/etc/${f}`)]).filter(([, v]) => v !== undefined));
  if (file) {
    try {
      mkdirSync(dir, { mode: 0o700, recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(db), { mode: 0o600 });
      if (owner) {
        chownSync(dir, owner.uid, owner.gid);
        chownSync(tmp, owner.uid, owner.gid);
      }
      renameSync(tmp, file);
    } catch (error) {
      log.info(`could not cache the user database of ${imageId}: ${(error as Error).message}`);
    }
  }
  return db;
}
