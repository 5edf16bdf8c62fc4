/**
 * The session's undo stack, in the spirit of `AsyncDisposableStack` (TC39 explicit resource
 * management): every step that creates something registers how to undo it right after it made
 * it, and one call undoes everything that was made, whatever happened in between (an error, a
 * signal, the normal end). Steps are never lost: a failing undo step is logged and the rest run.
 *
 * Order, as a session needs it:
 * 1. `container` steps first, concurrently (a running container is stopped gently while its X
 *    server still runs, so the command can save its data);
 * 2. then `process` steps, concurrently (X servers, helpers, the container's removal);
 * 3. then `file` steps one by one in reverse order of registration (claims, cookies, the session
 *    folder last, since it was made first).
 */
import { log } from '../log.js';

/** When an undo step runs; see the module comment. */
export type UndoStage = 'container' | 'process' | 'file';

/** One registered undo step. */
export interface UndoStep {
  /** For the log: `stop X server :5`. */
  readonly what: string;
  readonly stage: UndoStage;
  readonly fn: () => Promise<void> | void;
}

/** An ordered list of undo steps; see the module comment. */
export class UndoStack {
  private readonly steps: UndoStep[] = [];

  /**
   * Registers an undo step.
   * @param what a few words for the log.
   * @param fn the undo; may be async; its errors are logged as warnings, never thrown.
   * @param stage when it runs (default `file`: sequential, reverse order).
   */
  defer(what: string, fn: () => Promise<void> | void, stage: UndoStage = 'file'): void {
    this.steps.push({ what, fn, stage });
  }

  /** A position to undo back to with {@link UndoStack.unwindTo} (e.g. before one attempt). */
  mark(): number {
    return this.steps.length;
  }

  /** How many steps are registered. */
  get size(): number {
    return this.steps.length;
  }

  /** The registered steps' descriptions, in registration order (for tests and `--debug`). */
  list(): string[] {
    return this.steps.map((s) => s.what);
  }

  /**
   * Runs and forgets the steps registered after `mark`, in the stage order of the module comment.
   * Resolves when all of them have ended; never rejects.
   */
  async unwindTo(mark: number): Promise<void> {
    const steps = this.steps.splice(mark).reverse();
    const attempt = async (s: UndoStep) => {
      try {
        log.debug(`undo: ${s.what}`);
        await s.fn();
      } catch (error) {
        log.warning(`undo step '${s.what}' failed: ${(error as Error).message}`);
      }
    };
    await Promise.all(steps.filter((s) => s.stage === 'container').map(attempt));
    await Promise.all(steps.filter((s) => s.stage === 'process').map(attempt));
    for (const s of steps.filter((s) => s.stage === 'file')) await attempt(s);
  }

  /** Runs every registered step (see {@link UndoStack.unwindTo}); the stack is empty afterwards. */
  disposeAsync(): Promise<void> {
    return this.unwindTo(0);
  }
}
