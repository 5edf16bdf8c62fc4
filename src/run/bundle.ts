import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of one of x11docker's bundles (`x11docker.js`, `x11docker-clipboard.js`), which the
 * build puts side by side in `dist/`: found from this module's own location, whether it runs
 * bundled (`dist/x11docker.js`, `dist/index.js`, a shared chunk in `dist/chunks/`) or as tsc
 * output (`dist/src/run/bundle.js`),
 * never from `process.argv` (an API caller's script is not x11docker).
 * @param name the bundle's file name.
 * @returns its absolute path, or undefined when it is missing (a broken installation).
 */
export function bundledScript(name: string): string | undefined {
  for (const rel of [`./${name}`, `../${name}`, `../../${name}`]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}
