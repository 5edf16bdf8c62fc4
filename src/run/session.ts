/**
 * The supervisor: owns one session from its first file to its last undo. {@link Session.start}
 * is the session's table of contents; each step is a module of src/run/ that gets what it needs
 * as arguments, returns what it made, and registers how to undo it on one {@link UndoStack}:
 *
 *   1. prepare       session-folder.ts   private folder, record, watcher, log
 *   2. display       display-step.ts     X server / compositor / shared display / none
 *   3. create        container-step.ts   the container, created while the display starts
 *   4. start         container-step.ts   the container attached (or exe.ts: `--exe`), and the
 *                    html.ts             helpers (`--html`'s browser view) alongside, and the
 *                    display-clients.ts  host clients of `--xeyes`/`--xlogo` and `--runfromhost` on the display
 *   5. first end     this file           a stop request, the display's end, the app's end, a helper's death
 *   6. undo          undo.ts             everything registered, in stage order
 *
 * An error or a stop request at any point undoes exactly what was made before it.
 */
import { EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM, X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import type { SessionPlan } from '../plan/plan.js';
import { createSessionContainer, startSessionContainer, type RunningApp } from './container-step.js';
import { startSessionDisplay, type SessionDisplay } from './display-step.js';
import { programOf } from '../xserver/driver.js';
import { runHostCommands, startDisplayClients } from './display-clients.js';
import type { Engine } from './engine.js';
import { startExe } from './exe.js';
import { hostDisplayProblem } from './host-display.js';
import { startHtml } from './html.js';
import { openSessionFolder } from './session-folder.js';
import { UndoStack } from './undo.js';
import { windowsGone } from './checkwindow.js';
import type { CheckWindowPlan } from '../plan/checkwindow.js';

/** Why a session is asked to end from outside: a signal to the CLI, or the API's `stop()`. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'stop';

/** Exit codes of upstream x11docker for each way of being stopped (128 + the signal's number; `stop()` as SIGTERM). */
export const STOP_EXIT: Readonly<Record<StopReason, number>> = { SIGINT: EXIT_SIGINT, SIGTERM: EXIT_SIGTERM, SIGHUP: EXIT_SIGHUP, stop: EXIT_SIGTERM };

/** A session whose display (and application, if any) runs. */
export interface RunningSession {
  readonly id: string;
  /** The display number `:N` (-1 when the container gets no X display). */
  readonly display: number;
  /** What a host client of the display needs: DISPLAY/XAUTHORITY/XSOCKET, or WAYLAND_DISPLAY/XDG_RUNTIME_DIR. */
  readonly env: Readonly<Record<string, string>>;
  /** The container's full ID, when the session has a container. */
  readonly containerId?: string;
  /** `--html`: the browser view's URL (password in the fragment). */
  readonly htmlUrl?: string;
  /** What runs, in one line: `X server :5 (--xephyr) is running.` (the driver's own words). */
  readonly description: string;
  /**
   * Resolves with the exit code once everything is undone: the command's, 0 when the user
   * closed the display's window, 130/143/129 when stopped by SIGINT/SIGTERM (or `stop()`)/SIGHUP.
   * Rejects with an X11DockerError (exit code 64) when the display or a helper died, or the
   * engine could not start the container.
   */
  readonly exited: Promise<number>;
}

/** How the session ended first. */
type End = { readonly kind: 'stopped'; readonly reason: StopReason } | { readonly kind: 'display' } | { readonly kind: 'app'; readonly code: number } | { readonly kind: 'windows' };

/** Runs one planned session; see the module comment. */
export class Session {
  /**
   * @param plan the session plan.
   * @param host host facts (the user's display, for `--hostdisplay` and nested servers).
   * @param engine the container engine.
   * @param output where the application's output goes instead of our stdout and stderr.
   */
  constructor(
    private readonly plan: SessionPlan,
    private readonly host: HostFacts,
    private readonly engine: Engine,
    private readonly output?: (chunk: Buffer) => void,
  ) {}

  /**
   * Starts the session and resolves once its display and application run.
   * @param stop aborting it (with a {@link StopReason}) ends the session at any point: during the
   *   start, the start undoes what it made and rejects; afterwards, `exited` resolves with the
   *   reason's exit code.
   * @throws X11DockerError from any step; everything made before it is undone first.
   */
  async start(stop: AbortSignal): Promise<RunningSession> {
    const { plan, host, engine } = this;
    const undo = new UndoStack();
    try {
      const registry = openSessionFolder(plan, host, engine.backend, undo);
      const { display, prepared: containerId } = await startSessionDisplay({
        plan, host, undo, registry,
        alongside: async (d) => (plan.container ? createSessionContainer(plan, engine, undo, registry, d) : undefined),
      });
      throwIfStopped(stop);
      startDisplayClients(plan, undo, display);
      await runHostCommands(plan, undo, display, stop);
      throwIfStopped(stop);
      const html = plan.html ? startHtml(plan, display.display, display.clientAuthFile, undo, registry) : undefined;
      html?.catch(() => undefined); // awaited below, after the application started alongside
      const app = containerId ? startSessionContainer(plan, engine, undo, containerId, this.output) : plan.exe ? startExe(plan, undo, display, this.output) : undefined;
      app?.ended.catch(() => undefined); // awaited in the end race
      const helpers = html ? [await html] : [];
      throwIfStopped(stop);
      const windows = plan.checkWindow ? watchWindows(plan.checkWindow, display.env, undo) : undefined;
      const exited = firstEnd(stop, display, app, helpers.map((h) => h.died), windows)
        .then((end) => this.exitCode(end, display, app))
        .finally(() => undo.disposeAsync());
      return { id: plan.sessionId, display: display.display, env: display.env, containerId, htmlUrl: helpers[0]?.url, description: `${plan.driver.describe(display)}${plan.xc ? ` It runs in containers of image ${plan.xc.image} (--xc).` : ''}`, exited };
    } catch (error) {
      await undo.disposeAsync();
      throw stop.aborted ? stoppedError(stop.reason as StopReason, error) : error;
    }
  }

  /**
   * The exit code for the way the session ended. An application that failed while its display
   * went away (within 250 ms) ended because of the display: that is what the user must hear.
   */
  private async exitCode(end: End, d: SessionDisplay, app: RunningApp | undefined): Promise<number> {
    if (end.kind === 'stopped') return STOP_EXIT[end.reason];
    if (end.kind === 'windows') {
      log.note(`Option --checkwindow: the windows on :${d.display} are closed; ending the session.`);
      return 0;
    }
    if (end.kind === 'display' || (end.code !== 0 && d.server && (await settlesWithin(d.server.ended, 250)))) return this.displayEnded(d);
    log.info(`${app?.what ?? 'the application'} ended with exit code ${end.code}`);
    return end.code;
  }

  /**
   * The display ended on its own: says why, returns the exit code or throws. A server that exits
   * 0 was closed. A nested server or client of the user's display (Xephyr, nxagent, the xpra
   * client, a nested weston) that exits with an error while the user's display still answers
   * lost its window: Debian's Xephyr sets no WM_DELETE_WINDOW, so a window manager closes it with
   * XKillClient, and the server exits 1 without a word. That is the user closing the window: 0.
   * @throws X11DockerError when the display crashed or was killed.
   */
  private async displayEnded(d: SessionDisplay): Promise<number> {
    const ended = d.server?.endedProcess;
    const r = ended?.process;
    if (r && r.exitCode === 0) {
      log.note(`X server :${d.display} was closed; ending the session.`);
      return 0;
    }
    if (r && !r.signalCode && ended.spec.connectsTo === 'host' && this.host.display && (await hostDisplayProblem(this.host, 3000)) === undefined) {
      log.note(`The ${programOf(ended.spec)} window on your display ${this.host.display} was closed; ending the session.`);
      return 0;
    }
    const what = ended && ended.spec.role !== 'X server' ? `${ended.spec.role} ${programOf(ended.spec)} of :${d.display}` : `X server :${d.display}`;
    throw new X11DockerError(`${what} ended unexpectedly (${r?.signalCode ? `signal ${r.signalCode}` : `exit ${r?.exitCode}`}); the container was stopped.`);
  }
}

/**
 * The first of: a stop request, the display's end, the application's end, a helper's death (which
 * rejects with its one-line reason). While nothing else holds the event loop (no process of
 * ours runs: `--hostdisplay --xonly`), a timer keeps the session alive until a stop request.
 */
async function firstEnd(stop: AbortSignal, d: SessionDisplay, app: RunningApp | undefined, died: readonly Promise<string>[], windows?: Promise<void>): Promise<End> {
  const keepAlive = d.server || app ? undefined : setInterval(() => undefined, 1 << 30);
  try {
    return await Promise.race<End>([
      new Promise((resolve) => {
        const onStop = () => resolve({ kind: 'stopped', reason: stop.reason as StopReason });
        if (stop.aborted) onStop();
        else stop.addEventListener('abort', onStop, { once: true });
      }),
      ...(d.server ? [d.server.ended.then((): End => ({ kind: 'display' }))] : []),
      ...(app ? [app.ended.then((code): End => ({ kind: 'app', code }))] : []),
      ...(windows ? [windows.then((): End => ({ kind: 'windows' }))] : []),
      ...died.map((p) => p.then((why): never => {
        throw new X11DockerError(why);
      })),
    ]);
  } finally {
    clearInterval(keepAlive);
  }
}

/** Throws the error of a stop request, if one came. */
function throwIfStopped(stop: AbortSignal): void {
  if (stop.aborted) throw stoppedError(stop.reason as StopReason);
}

/** The error a start ends with when it was stopped: the stop's exit code, the step's error as cause. */
function stoppedError(reason: StopReason, cause?: unknown): X11DockerError {
  return new X11DockerError(`interrupted by ${reason}`, { exitCode: STOP_EXIT[reason] ?? EXIT_SIGTERM, cause });
}

/** Whether `promise` settles within `ms` milliseconds. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([promise.then(() => true, () => true), late]);
  clearTimeout(timer);
  return result;
}

/** `--checkwindow`: resolves when the display's windows are gone; the watch ends with the session (undo). */
function watchWindows(check: CheckWindowPlan, env: Readonly<Record<string, string>>, undo: UndoStack): Promise<void> {
  const controller = new AbortController();
  undo.defer('stop watching the windows (--checkwindow)', () => controller.abort());
  return windowsGone(check, env, controller.signal);
}
