/**
 * Error type for everything x11docker reports to the user.
 *
 * The message is one line that names the option or resource at fault and the fix.
 * The top level (cli.ts) prints it to stderr and exits with `exitCode`.
 * Upstream x11docker documents exit code 64 for its own errors, so that is the default.
 */
export class X11DockerError extends Error {
  /** Process exit code to use; 64 unless a caller has a better one. */
  readonly exitCode: number;

  /**
   * @param message one line for the user: what is wrong and how to fix it.
   * @param options process exit code (default 64, upstream's code for x11docker errors), or
   *   `{ exitCode, cause }` with the error that led to this one.
   */
  constructor(message: string, options: number | { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    const o = typeof options === 'number' ? { exitCode: options } : options;
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'X11DockerError';
    this.exitCode = o.exitCode ?? EXIT_X11DOCKER_ERROR;
  }
}

/** Exit code for x11docker's own errors (upstream convention). */
export const EXIT_X11DOCKER_ERROR = 64;
/** Exit code after SIGINT / Ctrl-C (128 + 2, upstream convention). */
export const EXIT_SIGINT = 130;
/** Exit code after SIGTERM (128 + 15). */
export const EXIT_SIGTERM = 143;
/** Exit code after SIGHUP (128 + 1), e.g. when the terminal closes. */
export const EXIT_SIGHUP = 129;

/**
 * Shows a user value inside a one-line message: control characters escaped (JSON style), values
 * longer than `max` (default 80) characters cut with `...`, so a hostile value cannot break or
 * flood the line.
 */
export function printable(value: string, max = 80): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max - 3)}...` : escaped;
}
