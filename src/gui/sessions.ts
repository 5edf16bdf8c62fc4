import { randomBytes } from 'node:crypto';
import { startParsed } from '../api.js';
import { EXIT_X11DOCKER_ERROR, formatError, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { parseCommandLine } from '../options/parse.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownHome } from '../host/user.js';
import { isLoopbackViewUrl } from './guard.js';

/** How many output lines of a session the page can show. */
const LOG_LINES = 200;

/** One session as the page shows it. */
export interface SessionInfo {
  /** The GUI's id for it (not x11docker's session id). */
  readonly id: string;
  readonly argv: readonly string[];
  readonly image?: string;
  /** x11docker's session id and display, once it runs. */
  readonly sessionId?: string;
  readonly display?: number;
  /** Start time, ms since the epoch, and seconds running. */
  readonly started: number;
  readonly uptime: number;
  readonly running: boolean;
  readonly exitCode?: number | null;
  /**
   * `--html` view URL, from the API's result (never from the session's output), and only a view
   * on loopback ({@link isLoopbackViewUrl}): the page frames it.
   */
  readonly htmlUrl?: string;
  /** Last lines of the session's stdout and stderr. */
  readonly log: string;
}

interface Tracked {
  readonly id: string;
  readonly argv: readonly string[];
  readonly image?: string;
  readonly started: number;
  /** Aborting it stops the session (as SIGTERM does the CLI's). */
  readonly stop: AbortController;
  /** Resolves when the session has ended and everything is undone. */
  done: Promise<void>;
  readonly lines: string[];
  sessionId?: string;
  htmlUrl?: string;
  display?: number;
  ended?: number;
  exitCode?: number | null;
}

/**
 * The sessions started from the page: each runs in this process through x11docker's API
 * (src/api.ts, the same path as the CLI's), with a log of its own (log.scoped): its notes,
 * warnings and the application's output are collected for the page. What the page shows of a
 * session (display, `--html` URL) comes from the API's result, never from the session's output,
 * which the container writes to. Stop aborts the session: the container gets SIGTERM and a grace
 * period, then everything is undone.
 */
export class SessionList {
  private readonly sessions = new Map<string, Tracked>();

  /**
   * Starts `x11docker ARGV`.
   * @param argv validated x11docker arguments.
   * @returns the new session's id.
   */
  start(argv: readonly string[]): { id: string } {
    const id = randomBytes(6).toString('hex');
    const t: Tracked = { id, argv, image: imageOf(argv), started: Date.now(), stop: new AbortController(), done: Promise.resolve(), lines: [] };
    const collect = (chunk: Buffer | string) => {
      for (const line of chunk.toString().split('\n')) if (line) t.lines.push(line.replace(/\x1b\[[0-9;]*m/g, ''));
      if (t.lines.length > LOG_LINES) t.lines.splice(0, t.lines.length - LOG_LINES);
    };
    t.done = log.scoped(collect, async () => {
      try {
        const s = await startParsed(parseCommandLine(argv), { signal: t.stop.signal, output: collect });
        Object.assign(t, { sessionId: s.id, display: s.display >= 0 ? s.display : undefined });
        if (s.htmlUrl !== undefined) {
          if (isLoopbackViewUrl(s.htmlUrl)) t.htmlUrl = s.htmlUrl;
          else collect(`[x11docker-gui: the view ${s.htmlUrl.replace(/#.*/, '')} is not on 127.0.0.1 or [::1]; open it in a browser tab yourself]`);
        }
        t.exitCode = await s.exited;
      } catch (error) {
        t.exitCode = error instanceof X11DockerError ? error.exitCode : EXIT_X11DOCKER_ERROR;
        if (!t.stop.signal.aborted) log.error(formatError(error, { debug: log.debugging }));
      } finally {
        t.ended = Date.now();
        t.lines.push(`[x11docker ended: exit ${t.exitCode}]`);
      }
    });
    this.sessions.set(id, t);
    return { id };
  }

  /**
   * Stops a running session.
   * @returns false when there is no running session with this id.
   */
  stop(id: string): boolean {
    const t = this.sessions.get(id);
    if (!t || t.ended !== undefined) return false;
    t.stop.abort('SIGTERM');
    return true;
  }

  /** Stops every running session and waits until each one is undone. */
  async stopAll(): Promise<void> {
    const running = [...this.sessions.values()].filter((t) => t.ended === undefined);
    for (const t of running) t.stop.abort('SIGTERM');
    await Promise.all(running.map((t) => t.done));
  }

  /** The sessions, newest first. */
  async list(): Promise<{ sessions: SessionInfo[]; external: Array<{ sessionId: string; url: string }> }> {
    const now = Date.now();
    const sessions = [...this.sessions.values()].reverse().map((t): SessionInfo => ({
      id: t.id,
      argv: t.argv,
      image: t.image,
      sessionId: t.sessionId,
      display: t.display,
      started: t.started,
      uptime: Math.round(((t.ended ?? now) - t.started) / 1000),
      running: t.ended === undefined,
      exitCode: t.exitCode,
      htmlUrl: t.ended === undefined ? t.htmlUrl : undefined,
      log: t.lines.slice(-40).join('\n'),
    }));
    const ours = new Set(sessions.map((s) => s.sessionId).filter((s): s is string => !!s));
    return { sessions, external: externalHtmlSessions(ours) };
  }
}

/** The IMAGE in an x11docker argv (the first argument after the options, or after `-- ... --`). */
function imageOf(argv: readonly string[]): string | undefined {
  const second = argv.indexOf('--', argv.indexOf('--') + 1);
  if (argv.includes('--') && second > 0) return argv[second + 1];
  return argv.find((a) => !a.startsWith('-'));
}

/**
 * `--html` sessions of this user that the page did not start (another terminal): their session
 * folders (mode 0700, written only by x11docker) hold `html.url` while they run. Only views on
 * loopback are listed ({@link isLoopbackViewUrl}).
 * @param skip x11docker session ids to leave out (the page's own sessions).
 */
export function externalHtmlSessions(skip: ReadonlySet<string>): Array<{ sessionId: string; url: string }> {
  const home = ownHome();
  if (!home) return [];
  const cache = join(home, '.cache', 'x11docker');
  const found: Array<{ sessionId: string; url: string }> = [];
  let dirs: string[] = [];
  try {
    dirs = readdirSync(cache);
  } catch {
    return found;
  }
  for (const d of dirs) {
    if (skip.has(d)) continue;
    try {
      const url = readFileSync(join(cache, d, 'html.url'), 'utf8').trim();
      if (isLoopbackViewUrl(url)) found.push({ sessionId: d, url });
    } catch {
      // not an --html session
    }
  }
  return found;
}
