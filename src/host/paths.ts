import { statSync } from 'node:fs';
import type { PathKind } from '../plan/mounts.js';

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
