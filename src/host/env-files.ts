/**
 * The variable names of the env files that raw `--env-file` options after `--` name (host files,
 * read as docker reads them), for plan/own-env.ts's notes.
 */
import { readFileSync } from 'node:fs';

/**
 * The variable names an env file sets, as docker reads it: one `NAME=VALUE` or `NAME` per line,
 * leading blanks ignored, empty lines and `#` comments skipped.
 * @param content the file's text.
 */
export function envFileNames(content: string): string[] {
  return content.split('\n').map((l) => l.trimStart()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => (l.includes('=') ? l.slice(0, l.indexOf('=')) : l).trim());
}

/**
 * Reads each env file's variable names.
 * @param paths host paths (relative to x11docker's working folder, as docker reads them).
 * @returns names per path; undefined for a file that cannot be read (the engine then says why).
 */
export function readEnvFiles(paths: readonly string[]): Map<string, string[] | undefined> {
  return new Map(
    paths.map((path) => {
      try {
        return [path, envFileNames(readFileSync(path, 'utf8'))] as const;
      } catch {
        return [path, undefined] as const;
      }
    }),
  );
}
