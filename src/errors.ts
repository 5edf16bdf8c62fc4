/** Details of an {@link X11DockerError} besides its message. */
export interface X11DockerErrorOptions {
  /** The error that led to this one (a failed system call, the engine's error, ...); shown with `--debug`. */
  readonly cause?: unknown;
  /** Process exit code (default 64, upstream's code for x11docker errors). */
  readonly exitCode?: number;
  /** What x11docker was working on (e.g. `{ option: '--home', path: '/x' }`); shown with `--debug`. */
  readonly context?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/**
 * Error type for everything x11docker reports to the user.
 *
 * The message is one line that names the option or resource at fault and the fix.
 * The top level (cli.ts) prints it to stderr and exits with `exitCode`.
 * Upstream x11docker documents exit code 64 for its own errors, so that is the default.
 * A caught error that led to it goes along as `cause` (shown with `--debug`, see {@link formatError}).
 */
export class X11DockerError extends Error {
  /** Process exit code to use; 64 unless a caller has a better one. */
  readonly exitCode: number;
  /** What x11docker was working on; shown with `--debug` (see {@link formatError}). */
  readonly context?: X11DockerErrorOptions['context'];

  /**
   * @param message one line for the user: what is wrong and how to fix it.
   * @param options the cause, exit code and context; a number is the exit code alone (the
   *   older form, still accepted).
   */
  constructor(message: string, options: number | X11DockerErrorOptions = {}) {
    const o = typeof options === 'number' ? { exitCode: options } : options;
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'X11DockerError';
    this.exitCode = o.exitCode ?? EXIT_X11DOCKER_ERROR;
    if (o.context) this.context = o.context;
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

/** Causes followed at most by {@link formatError} (a cause chain may loop). */
const MAX_CAUSES = 10;

/**
 * How an error is shown on stderr and in the GUI.
 * - Without `debug`: the first line of an X11DockerError's message (one line by design); any
 *   other error is a bug and is shown on one line as `unexpected error: FIRST LINE OF ITS
 *   MESSAGE (at most 300 characters, control characters escaped). This is a bug ...`. Never a
 *   stack trace.
 * - With `debug` (`--debug`): the message, the context (`  context: key=value ...`), each cause
 *   of the chain (`  caused by: NAME: MESSAGE`), and the stack trace of the innermost error.
 * @param error anything thrown.
 * @param options.debug whether `--debug` was given.
 */
export function formatError(error: unknown, options: { readonly debug: boolean }): string {
  const known = error instanceof X11DockerError;
  const message = error instanceof Error ? error.message : String(error);
  const head = known ? message : `unexpected error: ${message}`;
  if (!options.debug) {
    if (known) return message.split('\n')[0]!;
    return `unexpected error: ${printable(message.split('\n')[0] ?? '', 300)}. This is a bug in x11docker; run it again with --debug to see where it happened.`;
  }
  const lines = [head];
  if (known && error.context) {
    lines.push(`  context: ${Object.entries(error.context).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  }
  let innermost: unknown = error;
  const seen = new Set<unknown>([error]);
  for (let c = causeOf(error); c !== undefined && !seen.has(c) && seen.size <= MAX_CAUSES; c = causeOf(c)) {
    seen.add(c);
    lines.push(`  caused by: ${c instanceof Error ? `${c.name}: ${c.message}` : String(c)}`);
    innermost = c;
  }
  if (innermost instanceof Error && innermost.stack) lines.push(innermost.stack);
  return lines.join('\n');
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}
