import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists on this host (in x11docker's pid namespace), by
 * kill(2) with signal 0: ESRCH means gone; EPERM means it exists but belongs to another user, so
 * it counts as alive. A reused pid counts as alive too: callers that remove things for a dead
 * process therefore only ever keep too much, never remove a live one's.
 * @param pid a process id; 0, negative and non-numbers are never alive (kill(0, 0) would test
 *   x11docker's own process group).
 */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid a pid file names (a display claim, an X lock file: the first word of its text, as
 * Xserver writes `/tmp/.XN-lock`).
 * @param file the file's path.
 * @returns the number (NaN for text that is none), or undefined when the file is missing or unreadable.
 */
export function pidInFile(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}
