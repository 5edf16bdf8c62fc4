/**
 * x11docker's programmatic API: the seam between the front ends (the CLI, scripts, other tools)
 * and the session. The package exports it (`import { startSession } from 'x11docker'`).
 *
 * ```ts
 * const s = await startSession({ image: 'x11docker-demo', command: ['xeyes'], display: 'xvfb' });
 * s.env;                 // DISPLAY/XAUTHORITY (or WAYLAND_DISPLAY) for host clients
 * await s.stop();        // or: const code = await s.exited
 * ```
 *
 * Options have the names of the option table (`x11docker --help`), in camelCase or as written
 * (`sharedir`, `'no-entrypoint'`); they are turned into a command line and validated by the same
 * parser as the CLI's, so every rule and message is the same. Signals belong to the caller: the
 * API installs no signal handlers; call `stop()` (or abort `signal`). Nothing is left behind
 * when the caller's process ends without stopping: child processes end with it (execa), and the
 * session's watcher removes the container, X server and files.
 */
import { X11DockerError } from './errors.js';
import { gatherHostFacts } from './host/facts.js';
import { log } from './log.js';
import { parseCommandLine, type Options } from './options/parse.js';
import { imageNotFoundHint } from './options/persistence.js';
import { xserverOptionNames } from './options/table.js';
import { planSession, type SessionPlan } from './plan/plan.js';
import { hostProbe } from './plan/probe.js';
import { Engine } from './run/engine.js';
import { Session, type RunningSession, type StopReason } from './run/session.js';

export { X11DockerError } from './errors.js';
export type { RunningSession, StopReason } from './run/session.js';

/** A value of one option: a flag (`true`; `false` leaves it out), a value, or repeated values. */
export type OptionValue = boolean | string | number | readonly (string | number)[];

/**
 * What to run. `image` and `command` as on the command line (no image: only a display, as
 * `--xonly`); `display` is a display option's name (`'xvfb'`, `'xephyr'`; as `--xvfb`) or a
 * display number (as `--display=N`); `dockerOptions` go after `--` unchanged; every other key
 * is an option of the option table with its value.
 */
export interface SessionOptions {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly display?: string | number;
  readonly dockerOptions?: readonly string[];
  readonly [option: string]: OptionValue | undefined;
}

/** A started session (see {@link RunningSession}), with a way to end it. */
export interface StartedSession extends RunningSession {
  /** The plan the session runs (display option, container arguments, warnings, notes). */
  readonly plan: SessionPlan;
  /**
   * Ends the session (the container gets SIGTERM and a grace period, then the display stops) and
   * resolves with its exit code (143) once everything is undone.
   */
  stop(): Promise<number>;
}

/**
 * The command line for `options` (see {@link SessionOptions}).
 * @throws X11DockerError (exit code 64) for a value that is not an option value.
 */
export function toCommandLine(options: SessionOptions): string[] {
  const argv: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === false || ['image', 'command', 'dockerOptions'].includes(key)) continue;
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (key === 'display' && typeof value === 'string' && (xserverOptionNames as readonly string[]).includes(value)) {
      argv.push(`--${value}`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) throw new X11DockerError(`Option ${key}: give true, a string, a number or a list of them.`);
      argv.push(v === true ? `--${name}` : `--${name}=${String(v)}`);
    }
  }
  if (options.image === undefined) return argv;
  return [...argv, '--', ...(options.dockerOptions?.length ? [...options.dockerOptions, '--'] : []), options.image, ...(options.command ?? [])];
}

/**
 * Starts a session: looks up the host and the image, plans, and starts the display and the
 * application. Notes and warnings go to stderr, as with the CLI (`quiet: true` keeps only errors).
 * @param options what to run, see {@link SessionOptions}.
 * @param control `signal`: aborting it ends the session like `stop()` (during the start, the
 *   start is undone and rejects); `output`: where the application's output goes.
 * @returns the running session.
 * @throws X11DockerError (exit code 64) for bad options, a missing image or server, or a failed
 *   start; nothing is left behind then.
 */
export async function startSession(options: SessionOptions, control: SessionControl = {}): Promise<StartedSession> {
  return startParsed(parseCommandLine(toCommandLine(options)), control);
}

/** How a caller controls a session besides its options. */
export interface SessionControl {
  /** Aborting it (with a StopReason, e.g. `'SIGINT'`) ends the session like `stop()`. */
  readonly signal?: AbortSignal;
  /** Where the application's stdout and stderr go instead of the process's own. */
  readonly output?: (chunk: Buffer) => void;
}

/**
 * Starts a session from parsed options (the CLI's path after its own checks of `--help`,
 * `--cleanup`, `--gui`).
 * @param options parsed options.
 * @param control the stop signal and the application's output, see {@link SessionControl}.
 * @throws X11DockerError as {@link startSession}.
 */
export async function startParsed(options: Options, control: SessionControl = {}): Promise<StartedSession> {
  const { signal } = control;
  log.setVerbosity(options.verbosity);
  const controller = new AbortController();
  const stop = (reason: StopReason) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  if (signal) {
    if (signal.aborted) stop(signal.reason as StopReason);
    else signal.addEventListener('abort', () => stop((signal.reason as StopReason) ?? 'stop'), { once: true });
  }
  const engine = new Engine(options.backend);
  // read-only look-ups, done concurrently
  const [facts, imageConfig, engineSecurity] = await Promise.all([
    gatherHostFacts(options, hostProbe(options)),
    options.image ? engine.inspectImage(options.image).catch((e: unknown) => Promise.reject(imageNotFoundHint(e, options))) : undefined,
    options.image ? engine.security() : undefined,
  ]);
  const host = { ...facts, engine: engineSecurity };
  const plan = planSession(options, host, imageConfig);
  for (const n of plan.notes) log.note(n);
  for (const w of plan.warnings) log.warning(w);
  const running = await new Session(plan, host, engine, control.output).start(controller.signal);
  return {
    ...running,
    plan,
    stop: () => {
      stop('stop');
      return running.exited;
    },
  };
}
