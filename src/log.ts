import { appendFileSync } from 'node:fs';
import pc from 'picocolors';

/** How much x11docker prints on stderr. The log file always gets everything up to `debug`. */
export type Verbosity = 'quiet' | 'normal' | 'verbose' | 'debug';

const rank: Record<Verbosity, number> = { quiet: 0, normal: 1, verbose: 2, debug: 3 };

/**
 * Session logger. Messages go to stderr (never stdout, which is kept for machine-readable
 * output such as `--showenv`) and to the session's log file once one is attached.
 *
 * Levels follow upstream x11docker: errors and warnings always show unless `--quiet`
 * (errors show even then); notes show by default; `--verbose` adds the log lines and every
 * command with its duration; `--debug` adds more detail.
 */
export class Logger {
  private logFile: string | undefined;
  private readonly buffered: string[] = [];

  /** @param verbosity what to show on stderr. */
  constructor(private verbosity: Verbosity = 'normal') {}

  /** Whether the log is shown live on stderr (`--verbose`, `--debug`): errors need not point to it then. */
  get showsLog(): boolean {
    return this.verbosity === 'verbose' || this.verbosity === 'debug';
  }

  /** Whether `--debug` was given: errors then show their causes and stack (errors.ts formatError). */
  get debugging(): boolean {
    return this.verbosity === 'debug';
  }

  /** Changes what is shown on stderr (the log file keeps everything). */
  setVerbosity(verbosity: Verbosity): void {
    this.verbosity = verbosity;
  }

  /**
   * Starts writing to `path`; lines logged before are written first.
   * @param path absolute path of the session log file (created if missing).
   */
  attachFile(path: string): void {
    this.logFile = path;
    for (const line of this.buffered.splice(0)) appendFileSync(path, line, { mode: 0o600 });
  }

  /** Stops writing to the log file (before the session folder is removed). */
  detachFile(): void {
    this.logFile = undefined;
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
    const prefix = kind ? `x11docker ${kind}: ` : 'x11docker: ';
    const line = `${new Date().toISOString()} ${prefix}${message}\n`;
    if (this.logFile) {
      try {
        appendFileSync(this.logFile, line);
      } catch {
        // the session folder may be gone during cleanup; stderr still gets the message
      }
    } else {
      this.buffered.push(line);
    }
    if (rank[this.verbosity] >= level) process.stderr.write(color(prefix) + message + '\n');
  }
}

/** The process-wide logger; cli.ts sets its verbosity from the options. */
export const log = new Logger();
