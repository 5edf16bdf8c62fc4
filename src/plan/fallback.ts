/**
 * `--fallback[=yes|no]` (upstream's): whether x11docker may go on when an option given cannot
 * be fulfilled here. Upstream calls `check_fallback` wherever it notes such a case (a missing
 * device, an option the chosen X server ignores, a worse X server chosen because the better one is
 * missing); with `--fallback=no` each of those is an error. Here the plan's notes are checked
 * against the forms of those notes, in one place, before anything starts.
 *
 * Never a fallback here, whatever `--fallback` says: an X server option given whose server is
 * missing is an error anyway (upstream falls back to another server).
 */
import { X11DockerError } from '../errors.js';

/** The forms of the plan's notes that say an option given is not fulfilled and the session goes on without it. */
export const FALLBACK_NOTES: readonly RegExp[] = [
  /^Option --\S+ has no effect/, // display.ts, integration.ts: an option the display does not honour
  /^Option --(alsa|gpu|webcam): this host has no /, // services.ts, integration.ts: no device to share
  /^Option --gpu with --\S+: /, // plan.ts: a server whose GLX the container's libGL cannot use
  /^Option --(interactive|tty): stdin is not a terminal/, // integration.ts: no pseudo-terminal
  /^Option --waylandenv: --\S+ gives the container no Wayland socket/, // wayland.ts
  /^Your keyboard layout .* is not set on the new X server/, // keyboard.ts: setxkbmap missing
  // plan.ts: the automatic choice passed over a missing server (not one that cannot open this
  // display, as nxagent on ssh -X's TCP display: nothing better could run)
  /^Using X server option .*; better: (?!--\S+ needs a local DISPLAY)/,
  /^Option --clipboard=(superv|altv) is deprecated/, // values.ts: upstream's check_fallback
];

/**
 * `--fallback=no`: refuses the session when one of the plan's notes is a fallback.
 * @param fallback the option's value (`yes` unless `--fallback=no` was given).
 * @param notes the plan's notes so far.
 * @throws X11DockerError (exit 64) quoting the first fallback note.
 */
export function checkFallback(fallback: 'yes' | 'no', notes: readonly string[]): void {
  if (fallback === 'yes') return;
  const note = notes.find((n) => FALLBACK_NOTES.some((f) => f.test(n)));
  if (note) throw new X11DockerError(`Option --fallback=no: x11docker would go on without what was asked for: ${note.replace(/\.$/, '')}. Change the options, or allow it with --fallback.`);
}
