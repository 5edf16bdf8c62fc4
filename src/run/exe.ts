/**
 * `--exe`: a host application on the new display instead of a container, as the host user. It
 * gets the display's host-side environment (DISPLAY/XAUTHORITY of an X display; WAYLAND_DISPLAY
 * and the session's XDG_RUNTIME_DIR of a compositor), never the container's paths; the user's
 * own display variables are removed so that a toolkit cannot fall back to the user's desktop.
 */
import type { SessionPlan } from '../plan/plan.js';
import type { RunningApp } from './container-step.js';
import type { SessionDisplay } from './display-step.js';
import type { ResultPromise } from 'execa';
import { start } from './spawn.js';
import type { UndoStack } from './undo.js';

/** Variables of the user's session that would point a host application at the user's desktop. */
const USER_DISPLAY_VARS = ['DISPLAY', 'XAUTHORITY', 'WAYLAND_DISPLAY'] as const;

/**
 * The environment of `--exe`'s application: ours, less the user's display variables, plus the
 * session display's host-side environment.
 * @param base the environment to start from (process.env).
 * @param display the session's display.
 */
export function exeEnv(base: NodeJS.ProcessEnv, display: Pick<SessionDisplay, 'env'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of USER_DISPLAY_VARS) delete env[k];
  return { ...env, ...display.env };
}

/**
 * Starts `--exe`'s command and registers its stop (SIGTERM, execa's SIGKILL after 2 s).
 * @param output where its output goes instead of our stdout and stderr.
 * @returns the running application; its exit code is 127 when the command could not be started.
 */
export function startExe(plan: SessionPlan, undo: UndoStack, display: SessionDisplay, output?: (chunk: Buffer) => void): RunningApp {
  const [file, ...args] = plan.exe!;
  const app = start(file!, args, {
    stdin: output ? 'ignore' : 'inherit',
    stdout: output ? 'pipe' : plan.showenv || plan.html !== undefined ? 2 : 'inherit',
    stderr: output ? 'pipe' : 'inherit',
    buffer: false,
    env: exeEnv(process.env, display),
    extendEnv: false,
    forceKillAfterDelay: 2000,
    ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
  } as Parameters<typeof start>[2]);
  if (output) {
    app.stdout?.on('data', output);
    app.stderr?.on('data', output);
  }
  deferStop(undo, file!, app);
  return { what: file!, ended: app.then((r) => r.exitCode ?? (r.failed && !r.signal ? 127 : 1)) };
}

/**
 * Registers the stop of a host process that x11docker started (`--exe`'s application, the
 * clients of `--xeyes`/`--xlogo`): SIGTERM while it runs (execa's forceKillAfterDelay sends
 * SIGKILL later), then wait for its end.
 * @param what its name in the undo log.
 */
export function deferStop(undo: UndoStack, what: string, child: ResultPromise): void {
  undo.defer(
    `stop ${what}`,
    async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await child.then(() => undefined, () => undefined);
    },
    'process',
  );
}
