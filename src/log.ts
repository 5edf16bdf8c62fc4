import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import pc from 'picocolors';

/** How much x11docker prints on stderr. The log file always gets everything up to `debug`. */
export type Verbosity = 'quiet' | 'normal' | 'verbose' | 'debug';

const rank: Record<Verbosity, number> = { quiet: 0, normal: 1, verbose: 2, debug: 3 };

/** One log's state: the process's own, or a session's inside {@link Logger.scoped}. */
interface LogState {
  verbosity: Verbosity;
  logFile: string | undefined;
  readonly buffered: string[];
  /** Where shown lines go instead of stderr (a front end that shows each session's output). */
  readonly sink?: (text: string) => void;
}

/**
 * Session logger. Messages go to stderr (never stdout, which is kept for machine-readable
 * output such as `--showenv`) and to the session's log file once one is attached.
 *
 * Levels follow upstream x11docker: errors and warnings always show unless `--quiet`
 * (errors show even then); notes show by default; `--verbose` adds the log lines and every
 * command with its duration; `--debug` adds more detail.
 *
 * Several sessions in one process (x11docker-gui, an API user) each get a log of their own with
 * {@link Logger.scoped}: the state follows the session's asynchronous work (AsyncLocalStorage),
 * so every module keeps calling the one `log`.
 */
export class Logger {
  private readonly root: LogState;
  private readonly scopes = new AsyncLocalStorage<LogState>();

  /** @param verbosity what to show on stderr. */
  constructor(verbosity: Verbosity = 'normal') {
    this.root = { verbosity, logFile: undefined, buffered: [] };
  }

  /** The state of the current scope, or the process's own. */
  private get state(): LogState {
    return this.scopes.getStore() ?? this.root;
  }

  /**
   * Runs `fn` with a log of its own: its verbosity, its log file, and its shown lines handed to
   * `sink` instead of stderr; everything `fn` starts (timers, promises, callbacks) keeps it.
   * @param sink receives each shown line, with its newline.
   * @param fn the work, e.g. one session from start to end.
   */
  scoped<T>(sink: (text: string) => void, fn: () => T): T {
    return this.scopes.run({ verbosity: this.state.verbosity, logFile: undefined, buffered: [], sink }, fn);
  }

  /** Whether the log is shown live on stderr (`--verbose`, `--debug`): errors need not point to it then. */
  get showsLog(): boolean {
    return this.state.verbosity === 'verbose' || this.state.verbosity === 'debug';
  }

  /** Whether `--debug` was given (in this scope): errors then show their causes and stack (errors.ts formatError). */
  get debugging(): boolean {
    return this.state.verbosity === 'debug';
  }

  /** Changes what is shown on stderr (the log file keeps everything). */
  setVerbosity(verbosity: Verbosity): void {
    this.state.verbosity = verbosity;
  }

  /**
   * Starts writing to `path`; lines logged before are written first.
   * @param path absolute path of the session log file (created if missing).
   */
  attachFile(path: string): void {
    const st = this.state;
    st.logFile = path;
    for (const line of st.buffered.splice(0)) appendFileSync(path, line, { mode: 0o600 });
  }

  /** Stops writing to the log file (before the session folder is removed). */
  detachFile(): void {
    this.state.logFile = undefined;
  }

  /** A fatal problem; shown even with `--quiet`. */
  error(message: string): void {
    this.emit('error', message, 0, (s) => pc.red(s));
  }

  /** Something insecure, missing or going wrong (as upstream's "x11docker WARNING"). */
  warning(message: string): void {
    this.emit('WARNING', message, 1, (s) => pc.yellow(s));
  }

  /** Information the user should read (upstream's "x11docker note"). */
  note(message: string): void {
    this.emit('note', message, 1, (s) => pc.cyan(s));
  }

  /** Log line, shown on stderr with `--verbose`. */
  info(message: string): void {
    this.emit('', message, 2, (s) => s);
  }

  /** Detail, shown on stderr with `--debug`. */
  debug(message: string): void {
    this.emit('debug', message, 3, (s) => pc.dim(s));
  }

  private emit(kind: string, message: string, level: number, color: (s: string) => string): void {
    const st = this.state;
    const prefix = kind ? `x11docker ${kind}: ` : 'x11docker: ';
    const line = `${new Date().toISOString()} ${prefix}${message}\n`;
    if (st.logFile) {
      try {
        appendFileSync(st.logFile, line);
      } catch {
        // the session folder may be gone during cleanup; stderr still gets the message
      }
    } else {
      st.buffered.push(line);
    }
    if (rank[st.verbosity] >= level) {
      if (st.sink) st.sink(`${prefix}${message}\n`);
      else process.stderr.write(color(prefix) + message + '\n');
    }
  }
}

/** The process-wide logger; cli.ts sets its verbosity from the options. */
export const log = new Logger();

/**
 * Prints a session plan's notes, then its warnings (the isolation WARNINGs), on stderr: the one
 * place every kind of session (local, remote engine, Kubernetes, `--kube-manifest`) reports its plan.
 * @param plan the plan's notes and warnings, in order.
 */
export function reportPlan(plan: { readonly notes: readonly string[]; readonly warnings: readonly string[] }): void {
  for (const n of plan.notes) log.note(n);
  for (const w of plan.warnings) log.warning(w);
}
