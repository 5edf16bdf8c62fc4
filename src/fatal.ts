/**
 * The last line of defence of x11docker's commands (`x11docker`, `x11docker-gui`): whatever goes
 * wrong, the user gets one line on stderr and exit code 64, never a Node stack trace. The stack
 * of an unexpected error (a bug, or a system error nobody foresaw) goes to the log at debug
 * level: shown with `--debug`, kept in the session log. Upstream x11docker likewise ends every
 * error with one message and exit code 64.
 */
import { EXIT_X11DOCKER_ERROR, printable, X11DockerError } from './errors.js';
import { log } from './log.js';

/**
 * Reports an error that ended a command.
 * @param error anything thrown: an {@link X11DockerError} prints its message (already one line
 *   naming the option and the fix); anything else prints `unexpected error:` and the first line
 *   of its message (at most 300 characters, control characters escaped), and its stack at debug level.
 * @returns the exit code: the X11DockerError's, else 64.
 */
export function reportError(error: unknown): number {
  if (error instanceof X11DockerError) {
    log.error(error.message.split('\n')[0]!);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error(`unexpected error: ${printable(message.split('\n')[0] ?? '', 300)}. This is a bug in x11docker; run it again with --debug to see where it happened.`);
  if (error instanceof Error && error.stack) log.debug(error.stack);
  return EXIT_X11DOCKER_ERROR;
}

/**
 * Makes an error that escapes every `try` (an exception in an event handler, a rejected promise
 * nobody awaits) end the process the same way: one line, exit code 64, instead of Node's stack
 * trace and exit code 1. A session's watcher then removes what the session had started, as it
 * does after SIGKILL.
 */
export function guardProcess(): void {
  process.on('uncaughtException', (error) => {
    process.exit(reportError(error));
  });
}
