/**
 * `--xeyes` and `--xlogo`: host X clients on the session's display (upstream's helpers, e.g. an X
 * window that takes keys). They run as the host user with the display's host-side environment,
 * as `--exe`'s application does; none of them is essential (closing one ends nothing), and each
 * is stopped with the session.
 */
import type { SessionPlan } from '../plan/plan.js';
import type { SessionDisplay } from './display-step.js';
import { exeEnv } from './exe.js';
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
    undo.defer(
      `stop ${file}`,
      async () => {
        if (client.exitCode === null && client.signalCode === null) client.kill('SIGTERM');
        await client.then(() => undefined, () => undefined);
      },
      'process',
    );
  }
}
