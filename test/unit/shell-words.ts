// Test helper: how a real POSIX shell reads a line of quoted words.
import { execFileSync } from 'node:child_process';

/**
 * The words of `line` as a shell reads them (`set -- LINE`, printed NUL-separated).
 * @param shell e.g. `sh` (dash on Debian), `bash`, `busybox sh`.
 */
export function wordsIn(shell: string, line: string): string[] {
  const [file, ...args] = shell.split(' ') as [string, ...string[]];
  return execFileSync(file, [...args, '-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}
