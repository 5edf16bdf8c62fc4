import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What the host has at a path: a folder, another kind of file, or nothing. */
export type PathKind = 'dir' | 'file' | 'missing';

/**
 * What the host has at each path (following symbolic links), for the plan of shared folders.
 * @param paths absolute host paths.
 * @returns `dir`, `file` (any other kind of file) or `missing` per path; unreadable paths count as missing.
 */
export function hostPathKinds(paths: readonly string[]): Map<string, PathKind> {
  return new Map(
    paths.map((p) => {
      try {
        return [p, statSync(p).isDirectory() ? 'dir' : 'file'] as const;
      } catch {
        return [p, 'missing'] as const;
      }
    }),
  );
}

/**
 * The resolved form of each path (symbolic links followed, `realpath`). For a path that does not
 * exist yet, its nearest existing ancestor is resolved and the rest appended, so a folder that
 * x11docker will create is judged where it will really be.
 * @param paths absolute host paths.
 */
export function hostRealPaths(paths: readonly string[]): Map<string, string> {
  const resolveOne = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      const parent = dirname(p);
      return parent === p ? p : join(resolveOne(parent), basename(p));
    }
  };
  return new Map(paths.map((p) => [p, resolveOne(p)] as const));
}
