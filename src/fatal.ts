/**
 * The last line of defence of x11docker's commands (`x11docker`, `x11docker-gui`): whatever goes
 * wrong, the user gets one line on stderr and exit code 64, never a Node stack trace. The stack
 * of an unexpected error (a bug, or a system error nobody foresaw) goes to the log at debug
 * level: shown with `--debug`, kept in the session log. Upstream x11docker likewise ends every
 * error with one message and exit code 64.
 */
import { EXIT_X11DOCKER_ERROR, formatError, X11DockerError } from './errors.js';
import { log } from './log.js';

/**
 * Reports an error that ended a command: one line at error level ({@link formatError} without
 * debug), and the rest of what `--debug` shows (context, cause chain, innermost stack) at debug
 * level, so it is on stderr with `--debug` and always in the session log.
 * @param error anything thrown.
 * @returns the exit code: the X11DockerError's, else 64.
 */
export function reportError(error: unknown): number {
  log.error(formatError(error, { debug: false }));
  const detail = formatError(error, { debug: true }).split('\n').slice(1).join('\n');
  if (detail) log.debug(detail);
  return error instanceof X11DockerError ? error.exitCode : EXIT_X11DOCKER_ERROR;
}

/**
 * Makes an error that escapes every `try` (an exception in an event handler, a rejected promise
 * nobody awaits) end the process the same way: one line, exit code 64, instead of Node's stack
 * trace and exit code 1. A session's watcher then removes what the session had started, as it
 * does after SIGKILL.
 */
export function guardProcess(): void {
  process.on('uncaughtException', (error) => {
    // a reader that closed the pipe early (x11docker --help | head -1): quiet, as a shell command ended by SIGPIPE (128 + 13)
    if ((error as NodeJS.ErrnoException).code === 'EPIPE' && (error as NodeJS.ErrnoException).syscall === 'write') process.exit(141);
    process.exit(reportError(outputError(error) ?? error));
  });
}

/**
 * A failed write to standard output (`x11docker --kube-manifest IMAGE > /dev/full`: ENOSPC, EIO,
 * EFBIG, EDQUOT) is an error of where the output goes, not a bug: the user gets one line that
 * says so. (EPIPE, a reader that closed the pipe, ends x11docker quietly: {@link guardProcess}.)
 * @param error the escaped error.
 * @returns the X11DockerError to report, or undefined for any other error.
 */
export function outputError(error: unknown): X11DockerError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (e?.syscall !== 'write' || typeof e.code !== 'string') return undefined;
  return new X11DockerError(`cannot write the output (${e.code}: ${e.message.replace(/^\w+: /, '').replace(/, write$/, '')}). Check where standard output goes (a full disk, a closed pipe).`, { cause: error });
}
