/**
 * Reading a file that a container could have written: the file may be a symlink, a FIFO, a
 * device or huge, and none of these may hang or mislead the session that reads it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The first `maxBytes` bytes of `path` as UTF-8 text, or `undefined` when `path` is missing, a
 * symlink (opened with `O_NOFOLLOW`), anything other than a regular file (a FIFO is opened with
 * `O_NONBLOCK` so that opening it cannot block), or unreadable. Never throws.
 *
 * @param path absolute path of a file in a folder that a container can write to
 * @param maxBytes upper bound of bytes read (default 64 bytes: an exit code)
 */
export function readContainerWrittenFile(path: string, maxBytes = 64): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
