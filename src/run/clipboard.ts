import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { X11DockerError } from '../errors.js';

/** File name of the clipboard synchroniser's bundle, next to dist/x11docker.js. */
export const CLIPBOARD_BUNDLE = 'x11docker-clipboard.js';

/**
 * The command that starts x11docker's clipboard synchroniser (src/clipboard/sync.ts): this Node
 * binary and the synchroniser's bundle, which the build puts next to x11docker's own bundle.
 * @throws X11DockerError when the bundle is missing (a broken installation).
 */
export function clipboardSyncCommand(): string[] {
  const script = fileURLToPath(new URL(`./${CLIPBOARD_BUNDLE}`, import.meta.url));
  if (!existsSync(script)) throw new X11DockerError(`Option --clipboard: ${script} is missing; reinstall x11docker (npm run build makes it).`);
  return [process.execPath, script];
}
