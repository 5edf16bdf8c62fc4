/**
 * One way to wait for a condition: {@link waitUntil}. Readiness checks, sockets that must
 * appear, helpers that must listen all poll through it, in the manner of testcontainers' wait
 * strategies: an explicit timeout, an abort signal, and an error that names what did not happen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { X11DockerError } from '../errors.js';

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** What is awaited, for the error: `X server :5 to accept connections`. */
  readonly what: string;
  /** Give up after this many ms (default: never; then only `signal` ends the wait). */
  readonly timeoutMs?: number;
  /** Time between two checks, in ms (default 10). */
  readonly intervalMs?: number;
  /** Ends the wait early: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value other than `undefined` or `false`, and resolves with that
 * value. The first check runs at once, and once more after `signal` aborts.
 * @param check a synchronous or asynchronous test; an error it throws ends the wait with that error.
 * @param options what is awaited, timeout (ms), interval (ms), abort signal.
 * @throws X11DockerError `<what> did not happen within <timeoutMs> ms` on timeout; the signal's
 *   reason when aborted; whatever `check` throws.
 */
export async function waitUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const { what, timeoutMs, intervalMs = 10, signal } = options;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    // checked before the signal: a condition met when the wait is aborted still counts
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (signal?.aborted) throw signal.reason;
    if (Date.now() >= deadline) throw new X11DockerError(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
}

/**
 * An AbortSignal that aborts when `promise` settles (e.g. the process that should make a file
 * has ended), with `reason`.
 */
export function abortWhenSettled(promise: Promise<unknown>, reason: unknown): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort(reason);
  promise.then(abort, abort);
  return controller.signal;
}
