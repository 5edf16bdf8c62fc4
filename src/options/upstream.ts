/**
 * Upstream x11docker 7.8.1's options that this version does not offer, each with the reason a
 * user gets when typing it: one line, exit code 64, nothing started. The README's "Differences
 * from upstream" lists the same names (a unit test compares both with the list of upstream's
 * options kept in test/fixtures/upstream-7.8.1-options.txt, taken from upstream's `--help`).
 *
 * Options that work are rows of the option table (table.ts); upstream's retired and installer
 * options are in `retiredOptions` there. This table only shrinks: an option that is implemented
 * gets its row and leaves this list.
 */

/** The upstream version whose options this version follows (`--help` of mviereck/x11docker). */
export const UPSTREAM_VERSION = '7.8.1';

const windowsOnly = 'is for MS Windows (Cygwin/X, WSL2, VcXsrv); x11docker for TypeScript runs on Linux only.';
const notYet = 'is not available in x11docker for TypeScript yet (see "Differences from upstream" in the README).';

/**
 * Upstream options refused here, keyed by long name, with the rest of the error line after
 * `Option --NAME `. Grouped: left out on purpose (MS Windows, snap), then not implemented yet.
 */
export const unavailableOptions: Readonly<Record<string, string>> = {
  // left out on purpose
  xwin: windowsOnly,
  runx: windowsOnly,
  mobyvm: windowsOnly,
  snap: 'is for docker installed as a snap package, which x11docker for TypeScript does not support: install docker from Debian or docker.com.',
  'remove-oldprefix': 'removes installations of upstream\'s bash script from /usr/bin; x11docker for TypeScript is installed and removed by npm.',
  // needs a program that Debian 12 does not package
  satellite:
    'runs xwayland-satellite (rootless Xwayland on your Wayland compositor), which Debian 12 does not package (no apt-get install xwayland-satellite); ' +
    'x11docker for TypeScript starts only programs from Debian. Use --xwayland (rootful Xwayland on your compositor) or --xpra.',
};

/** Upstream's short letters of those options (none at present; `-F` is `--xfishtank`, a row of the table). */
const unavailableShort: Readonly<Record<string, string>> = {};

/**
 * The one-line error for an upstream option this version does not offer.
 * @param name the long name without dashes (`xc`), or upstream's short letter (`F`).
 * @returns the message, or undefined when `name` is not such an option.
 */
export function unavailableOptionMessage(name: string): string | undefined {
  if (Object.hasOwn(unavailableShort, name)) name = unavailableShort[name]!;
  return Object.hasOwn(unavailableOptions, name) ? `Option --${name} of upstream x11docker ${UPSTREAM_VERSION} ${unavailableOptions[name]}` : undefined;
}
