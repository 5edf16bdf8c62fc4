import { X11DockerError } from '../errors.js';
import { isLoopback } from '../options/html.js';
import type { Options } from '../options/parse.js';
import type { HostFacts } from '../host/facts.js';

/**
 * The plan's part of `--html`: the app runs on a new invisible Xvfb (chosen here when no X server
 * option is given; any other server is refused), and the view's listening address is checked.
 * Like upstream's HTML5 recipe, input reaches the display through XTEST (x11vnc needs it), so
 * XTEST stays enabled on that display only; a note says so.
 * @param options parsed options with `html` set.
 * @param host host facts (x11vnc and websockify must be installed).
 * @param warnings receives the warning for a non-loopback address.
 * @param notes receives the XTEST note.
 * @returns the options with `xserver` set to `xvfb`.
 * @throws X11DockerError when another X server was chosen or a helper is missing.
 */
export function planHtml(options: Options, host: HostFacts, warnings: string[], notes: string[]): Options {
  const bind = options.html!;
  const missing = (['x11vnc', 'websockify'] as const).filter((b) => !host.binaries.has(b));
  if (missing.length > 0) {
    throw new X11DockerError(`Option --html needs ${missing.join(' and ')}, not installed. Install: apt-get install ${missing.join(' ')}.`);
  }
  if (options.xserver && options.xserver !== 'xvfb') {
    throw new X11DockerError(`Option --html shows the app in a browser from an invisible Xvfb; it cannot be used with --${options.xserver}. Remove one of them.`);
  }
  if (!isLoopback(bind.host)) {
    warnings.push(
      `Option --html=${bind.host}:${bind.port}: the browser view listens on ${bind.host}, not only on this machine. ` +
        'Anyone on the network who gets the URL (its password) sees and controls the app; the connection is not encrypted.',
    );
  }
  notes.push('Option --html: the XTEST extension stays enabled on the new Xvfb so that keyboard and mouse from the browser reach the app.');
  return { ...options, xserver: 'xvfb' };
}
