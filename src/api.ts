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
import { printable, X11DockerError } from './errors.js';
import { gatherHostFacts } from './host/facts.js';
import { applyRootlessEnv, checkRootlessEngine, rootlessEngineEnv, rootlessHost } from './run/rootless.js';
import { log, reportPlan } from './log.js';
import { parseCommandLine, type Options } from './options/parse.js';
import { imageNotFoundHint } from './options/persistence.js';
import { xserverOptionNames } from './options/table.js';
import { planSession, type SessionPlan } from './plan/plan.js';
import { hostProbe } from './plan/probe.js';
import { checkRemoteOptions, isRemoteHost } from './plan/remote.js';
import { engineAddress } from './run/engine-endpoint.js';
import { openEngine } from './run/open-engine.js';
import { Session, STOP_EXIT, type RunningSession, type StopReason } from './run/session.js';
import { abortWhenSettled, waitUntil } from './run/wait.js';

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
   * With `printpid1`: the host PID of the container's PID 1 (`.State.Pid`), read once the
   * container runs; undefined when it ended first (or without a container or that option).
   */
  readonly pid1?: number;
  /**
   * Ends the session (the container gets SIGTERM and a grace period, then the display stops) and
   * resolves with its exit code (143) once everything is undone.
   */
  stop(): Promise<number>;
}

/** Options of the option table that start no session: they belong to the CLI. */
const NOT_SESSION_OPTIONS = new Set(['help', 'version', 'gui', 'cleanup', 'completion', 'install', 'update', 'remove', 'launcher', 'password']);

/** A list of strings, or an X11DockerError naming the field. */
function stringList(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new X11DockerError(`${field}: give a list of strings (an argv array), e.g. ['sh', '-c', 'echo hi'].`);
  return value as string[];
}

/**
 * The command line for `options` (see {@link SessionOptions}): the options, then always the
 * `-- DOCKER_OPTIONS -- IMAGE COMMAND` form, so that no image name or command word is read as
 * an option.
 * @throws X11DockerError (exit code 64) for a value that is not an option value, a key that is no
 *   session option, an image name that is empty or starts with `-`, or a command or
 *   dockerOptions that are not lists of strings.
 */
export function toCommandLine(options: SessionOptions): string[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new X11DockerError('startSession: give an options object, e.g. { image: \'x11docker-demo\', command: [\'xeyes\'] }.');
  const argv: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === false || ['image', 'command', 'dockerOptions'].includes(key)) continue;
    if (!/^[a-z][a-zA-Z0-9-]*$/.test(key)) throw new X11DockerError(`Option ${printable(key)}: not an option name. See 'x11docker --help'.`);
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (NOT_SESSION_OPTIONS.has(name)) throw new X11DockerError(`Option ${key} starts no session; use the x11docker command for it.`);
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
  const command = stringList(options.command, 'command');
  const dockerOptions = stringList(options.dockerOptions, 'dockerOptions');
  if (options.image === undefined) {
    if (command.length > 0 || dockerOptions.length > 0) throw new X11DockerError('command and dockerOptions need an image; without one only a display starts (as --xonly).');
    return argv;
  }
  if (typeof options.image !== 'string' || options.image === '' || options.image.startsWith('-')) {
    throw new X11DockerError(`image: ${printable(String(options.image))} is not an image name.`);
  }
  return [...argv, '--', ...dockerOptions, '--', options.image, ...command];
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
  // a stop that came before the start: start nothing
  if (signal?.aborted) throw new X11DockerError(`interrupted by ${String(signal.reason)}`, { exitCode: STOP_EXIT[signal.reason as StopReason] ?? 143 });
  // a pod is run or printed by the CLI (--backend=kubernetes, --kube-manifest); the API starts no session in a cluster
  if (options.kube) throw new X11DockerError('Option --backend=kubernetes / --kube-manifest: startSession starts no pod; run it with the x11docker command (x11docker --backend=kubernetes IMAGE), or print the manifest with the x11docker command (x11docker --kube-manifest IMAGE) and apply it.');
  log.setVerbosity(options.verbosity);
  // a remote engine cannot share this machine's sockets: refused here (the CLI runs --html and --xpra there, src/run/remote.ts)
  const address = engineAddress(options.backend, process.env);
  if (address !== undefined && isRemoteHost(address)) {
    checkRemoteOptions(options, address);
    throw new X11DockerError(`The ${options.backend} engine at ${address} is remote: startSession does not run --html or --xpra there yet. Use the x11docker command.`);
  }
  const controller = new AbortController();
  const stop = (reason: StopReason) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  if (signal) {
    if (signal.aborted) stop(signal.reason as StopReason);
    else signal.addEventListener('abort', () => stop((signal.reason as StopReason) ?? 'stop'), { once: true });
  }
  // --rootless[=yes|no]: the engine's environment (DOCKER_HOST) before the engine is opened
  applyRootlessEnv(rootlessEngineEnv(options.rootless, options.backend, process.env, rootlessHost()));
  const engine = openEngine(options.backend);
  let plan: SessionPlan;
  let running: Awaited<ReturnType<Session['start']>>;
  try {
    // read-only look-ups, done concurrently
    const [facts, imageConfig, engineSecurity, xcImage] = await Promise.all([
      gatherHostFacts(options, hostProbe(options)),
      options.image ? engine.inspectImage(options.image).catch((e: unknown) => Promise.reject(imageNotFoundHint(e, options))) : undefined,
      options.image || options.xc.mode === 'yes' ? engine.security() : undefined,
      // --xc: whether the engine has the X server image (plan/xcontainer.ts)
      options.xc.mode === 'no' ? undefined : engine.inspectImage(options.xc.image).then(() => true, () => false),
    ]);
    checkRootlessEngine(options.rootless, options.backend, engineSecurity?.rootless);
    const host = { ...facts, engine: engineSecurity, xcImage };
    plan = planSession(options, host, imageConfig);
    reportPlan(plan);
    running = await new Session(plan, host, engine, control.output).start(controller.signal);
  } catch (error) {
    engine.close();
    throw error;
  }
  const exited = running.exited.finally(() => engine.close());
  // upstream's --printpid1: the PID once the engine reports one (it starts the container alongside)
  const ended = abortWhenSettled(running.exited, 'ended');
  const pid1 = options.printpid1 && running.containerId
    ? await waitUntil(() => engine.hostPid(running.containerId!), { what: "the container's PID 1", timeoutMs: 10000, intervalMs: 50, signal: ended }).catch(() => undefined)
    : undefined;
  return {
    ...running,
    pid1,
    exited,
    plan,
    stop: () => {
      stop('stop');
      return exited;
    },
  };
}
