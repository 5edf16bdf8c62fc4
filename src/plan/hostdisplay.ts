/**
 * `--hostdisplay`: what the container gets of the user's own X display, as upstream x11docker
 * decides it (reference README, "Options degrading container isolation"): an untrusted cookie
 * (X SECURITY extension) by default; "If additionally using --gpu or --clipboard, option --hostipc
 * and trusted cookies are enabled and no protection against X security leaks is left." An
 * untrusted client sees neither GLX nor MIT-SHM (nor the selections of trusted clients), so
 * OpenGL and the clipboard need the trusted cookie, and MIT-SHM needs the host IPC namespace.
 * Pure: options in, a decision and its warning out. The run layer hands out the cookie.
 */
import type { Options } from '../options/parse.js';

/** What `--hostdisplay` gives the container besides the display's socket. */
export interface HostDisplayAccess {
  /**
   * The container gets a trusted cookie for the user's display (`--gpu` or `--clipboard`):
   * every X extension, every other client's windows, input and selections.
   */
  readonly trustedCookie: boolean;
  /** The container shares the host IPC namespace (`--ipc=host`, as `--hostipc`) for MIT-SHM. */
  readonly hostIpc: boolean;
  /** Upstream's isolation warning for this case, printed before anything starts. */
  readonly warning: string;
}

/**
 * Decides the cookie and IPC namespace of a `--hostdisplay` session and words its warning.
 * @param options `services.gpu`, `clipboard` and `--xauth=trusted` (upstream's `--xauth[=yes|trusted]`) ask for the trusted cookie; `xonly` and `exe`
 *   mean there is no container (no IPC namespace to share).
 * @param display the user's DISPLAY, named in the warning.
 */
export function planHostDisplayAccess(options: Pick<Options, 'clipboard' | 'clipboardMode' | 'services' | 'xonly' | 'exe'> & { readonly screen?: Pick<Options['screen'], 'xauth'> }, display: string): HostDisplayAccess {
  const shared = `Option --hostdisplay shares your display ${display} with the container instead of running a second X server.`;
  const reasons = [...(options.services.gpu ? ['--gpu'] : []), ...(options.clipboard && options.clipboardMode === 'yes' ? ['--clipboard'] : []), ...(options.screen?.xauth === 'trusted' ? ['--xauth=trusted'] : [])];
  if (reasons.length === 0) {
    return {
      trustedCookie: false,
      hostIpc: false,
      warning:
        `${shared} Bad container isolation: X security leaks like keylogging and remote host control are possible. ` +
        'Danger of abuse is reduced with an untrusted cookie, but do not rely on this. Use --xephyr for isolation.',
    };
  }
  const container = !options.xonly && !options.exe;
  const ipc = container ? ' and shares the host IPC namespace (--hostipc, docker run --ipc=host) for the MIT-SHM extension' : '';
  return {
    trustedCookie: true,
    hostIpc: container,
    warning:
      `${shared} With ${reasons.join(' and ')} the container gets a trusted cookie${ipc}, as upstream x11docker does: ` +
      'QUITE BAD CONTAINER ISOLATION, no protection against X security leaks is left. Keylogging and remote control of your ' +
      `host applications are possible. Use a new X server instead (e.g. --xephyr ${reasons.join(' ')}).`,
  };
}
