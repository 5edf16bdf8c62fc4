import { bundledScript } from './bundle.js';
import { X11DockerError } from '../errors.js';

/** File name of the clipboard synchroniser's bundle, next to dist/x11docker.js. */
export const CLIPBOARD_BUNDLE = 'x11docker-clipboard.js';

/**
 * The command that starts x11docker's clipboard synchroniser (src/clipboard/sync.ts): this Node
 * binary and the synchroniser's bundle, which the build puts next to x11docker's own bundle.
 * @throws X11DockerError when the bundle is missing (a broken installation).
 */
export function clipboardSyncCommand(): string[] {
  const script = bundledScript(CLIPBOARD_BUNDLE);
  if (!script) throw new X11DockerError(`Option --clipboard: ${CLIPBOARD_BUNDLE} is missing beside x11docker's bundle; reinstall x11docker (npm run build makes it).`);
  return [process.execPath, script];
}
