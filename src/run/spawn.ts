import { execa, type Options as ExecaOptions, type Result, type ResultPromise } from 'execa';
import { log } from '../log.js';
import { quoteWords } from '../quote.js';

/**
 * Every process x11docker starts goes through this module, so `--verbose` shows each command
 * with its duration (in ms) and `--debug` its result.
 */

/** Renders a command line for the log, shell-quoted (never for execution: we pass argv arrays). */
export function formatCommand(file: string, args: readonly string[]): string {
  return quoteWords([file, ...args]);
}

/**
 * Runs a command to completion and returns its result (execa's result object).
 * @param file executable name or path.
 * @param args argument array (no shell is involved).
 * @param options execa options; `reject: false` to get non-zero exits as results.
 * @throws execa's error when the command fails and `reject` is not false.
 */
export async function run(file: string, args: readonly string[], options: ExecaOptions = {}): Promise<Result<ExecaOptions>> {
  const started = performance.now();
  try {
    const result = await execa(file, args, { ...(options.input === undefined ? { stdin: 'ignore' as const } : {}), ...options });
    log.info(`ran ${formatCommand(file, args)} (${Math.round(performance.now() - started)} ms, exit ${result.exitCode})`);
    return result;
  } catch (error) {
    log.info(`ran ${formatCommand(file, args)} (${Math.round(performance.now() - started)} ms, failed)`);
    throw error;
  }
}

/**
 * Starts a long-running process and returns it at once (execa's subprocess, a promise too).
 * The caller owns it: it must wait for it or kill it. execa kills it if x11docker exits.
 * @param file executable name or path.
 * @param args argument array.
 * @param options execa options.
 */
export function start(file: string, args: readonly string[], options: ExecaOptions = {}): ResultPromise {
  log.info(`starting ${formatCommand(file, args)}`);
  const child = execa(file, args, { reject: false, ...options });
  const started = performance.now();
  child.then(
    (r) => log.info(`${file} (pid ${child.pid}) ended after ${Math.round(performance.now() - started)} ms, ${r.signal ? `signal ${r.signal}` : `exit ${r.exitCode}`}`),
    () => undefined,
  );
  return child;
}
