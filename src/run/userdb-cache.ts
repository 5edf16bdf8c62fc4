import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.js';
import type { UserDatabase } from '../plan/userdb.js';
import type { Engine } from './engine.js';

/** Files of an image's user database that x11docker reads (all under /etc). */
const FILES = ['passwd', 'group', 'shadow', 'sudoers'] as const;

/** The cache file of an image's user database, or undefined for an id that is not a content hash. */
function cacheFile(imageId: string, cacheDir: string): string | undefined {
  const key = /^sha256:([a-f0-9]{64})$/.exec(imageId)?.[1];
  return key ? join(cacheDir, 'images', `${key}.userdb.json`) : undefined;
}

/**
 * The image's user database from the per-image cache (see {@link readUserDatabase}).
 * @param imageId the image id (`sha256:...`).
 * @param cacheDir `~/.cache/x11docker` of the host user.
 * @returns undefined when it is not cached (or the id is not a content hash).
 */
export function cachedUserDatabase(imageId: string, cacheDir: string): UserDatabase | undefined {
  const file = cacheFile(imageId, cacheDir);
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as UserDatabase;
  } catch {
    return undefined; // not cached yet
  }
}

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
  const cached = cachedUserDatabase(imageId, cacheDir);
  if (cached) return cached;
  const dir = join(cacheDir, 'images');
  const file = cacheFile(imageId, cacheDir);
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
