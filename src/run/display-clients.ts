/**
 * Host programs on the session's display, as the host user with the display's host-side
 * environment (as `--exe`'s application): `--xeyes` and `--xlogo` (upstream's helpers, e.g. an X
 * window that takes keys; not essential, stopped with the session) and `--runfromhost`'s
 * commands (run one after another before the application starts, as upstream).
 */
import type { SessionPlan } from '../plan/plan.js';
import type { SessionDisplay } from './display-step.js';
import { deferStop, exeEnv } from './exe.js';
import { log } from '../log.js';
import { start } from './spawn.js';
import type { UndoStack } from './undo.js';

/**
 * Starts the plan's display clients and registers their stop (SIGTERM, execa's SIGKILL after 2 s).
 * @param plan the session plan (`displayClients`, the host user to drop to).
 * @param undo the session's undo stack.
 * @param display the session's display (its host-side environment).
 */
export function startDisplayClients(plan: SessionPlan, undo: UndoStack, display: SessionDisplay): void {
  for (const [file, ...args] of plan.displayClients) {
    const client = start(file!, args, {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
      env: exeEnv(process.env, display),
      extendEnv: false,
      reject: false,
      forceKillAfterDelay: 2000,
      ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
    } as Parameters<typeof start>[2]);
    client.catch(() => undefined); // not essential: its end is no session's end
    deferStop(undo, file!, client);
  }
}

/**
 * Runs `--runfromhost`'s commands one after another (`sh -c COMMAND`), each in a process group of
 * its own, and waits for each; what a command leaves running in its group (`COMMAND &`) gets
 * SIGTERM with the session's end. A command that fails is a note, as upstream goes on.
 * @param plan the session plan (`hostCommands`, the host user to drop to).
 * @param undo the session's undo stack.
 * @param display the session's display (its host-side environment).
 * @param stop the session's stop request: it ends the running command and skips the rest.
 */
export async function runHostCommands(plan: SessionPlan, undo: UndoStack, display: SessionDisplay, stop: AbortSignal): Promise<void> {
  for (const command of plan.hostCommands) {
    if (stop.aborted) return;
    const child = start('sh', ['-c', command], {
      stdin: 'ignore',
      stdout: 2,
      stderr: 'inherit',
      env: exeEnv(process.env, display),
      extendEnv: false,
      reject: false,
      detached: true,
      cancelSignal: stop, // a stop request while it runs: execa ends it, the undo its group
      ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
    } as Parameters<typeof start>[2]);
    const group = child.pid;
    if (group !== undefined) {
      undo.defer(`end what --runfromhost left running (process group ${group})`, () => {
        try {
          process.kill(-group, 'SIGTERM');
        } catch {
          // the group is empty: nothing was left running
        }
      }, 'process');
    }
    const r = await child;
    if (stop.aborted) return;
    if (r.exitCode !== 0) log.note(`Option --runfromhost: '${command}' ended with ${r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode ?? '?'}`}; the session goes on.`);
  }
}
