import { randomBytes } from 'node:crypto';
import type { ResultPromise } from 'execa';
import { run, start } from '../run/spawn.js';
import { LABEL_PID, LABEL_SESSION } from '../plan/plan.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownHome } from '../host/user.js';

/** How many output lines of a session the page can show. */
const LOG_LINES = 200;

/** One session as the page shows it. */
export interface SessionInfo {
  /** The GUI's id for it (not x11docker's session id). */
  readonly id: string;
  readonly argv: readonly string[];
  readonly image?: string;
  /** x11docker's session id and display, from the container's labels and name, once it runs. */
  readonly sessionId?: string;
  readonly display?: number;
  /** Start time, ms since the epoch, and seconds running. */
  readonly started: number;
  readonly uptime: number;
  readonly running: boolean;
  readonly exitCode?: number | null;
  /** `--html` view URL, from the session's `HTML_URL=` line. */
  readonly htmlUrl?: string;
  /** Last lines of the session's stdout and stderr. */
  readonly log: string;
}

interface Tracked {
  readonly id: string;
  readonly argv: readonly string[];
  readonly image?: string;
  readonly started: number;
  readonly child: ResultPromise;
  readonly lines: string[];
  htmlUrl?: string;
  display?: number;
  ended?: number;
  exitCode?: number | null;
}

/**
 * The sessions started from the page: each is the real CLI (`node dist/x11docker.js ARGV`) as a
 * child process with an argv array (no shell). Stop sends SIGTERM; x11docker then cleans up
 * itself (container, X server, helpers, files) and exits 143.
 */
export class SessionList {
  private readonly sessions = new Map<string, Tracked>();

  /** @param cli path of the x11docker CLI bundle. */
  constructor(private readonly cli: string) {}

  /**
   * Starts `x11docker ARGV`.
   * @param argv validated x11docker arguments.
   * @returns the new session's id.
   */
  start(argv: readonly string[]): { id: string } {
    const id = randomBytes(6).toString('hex');
    const child = start(process.execPath, [this.cli, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], buffer: false, env: process.env, extendEnv: false });
    const image = imageOf(argv);
    const t: Tracked = { id, argv, image, started: Date.now(), child, lines: [] };
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        t.lines.push(line.replace(/\x1b\[[0-9;]*m/g, ''));
        const url = /^HTML_URL=(\S+)/.exec(line)?.[1];
        if (url) t.htmlUrl = url;
        const display = /^DISPLAY=:(\d+)/.exec(line)?.[1];
        if (display) t.display = Number(display);
      }
      if (t.lines.length > LOG_LINES) t.lines.splice(0, t.lines.length - LOG_LINES);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void child.then((r) => {
      t.ended = Date.now();
      t.exitCode = r.exitCode ?? null;
      t.lines.push(`[x11docker ended: ${r.signal ? `signal ${r.signal}` : `exit ${r.exitCode}`}]`);
    });
    this.sessions.set(id, t);
    return { id };
  }

  /**
   * Sends SIGTERM to a running session.
   * @returns false when there is no running session with this id.
   */
  stop(id: string): boolean {
    const t = this.sessions.get(id);
    if (!t || t.ended !== undefined) return false;
    t.child.kill('SIGTERM');
    return true;
  }

  /** Stops every running session and waits until each x11docker process has exited. */
  async stopAll(): Promise<void> {
    const running = [...this.sessions.values()].filter((t) => t.ended === undefined);
    for (const t of running) t.child.kill('SIGTERM');
    await Promise.all(running.map((t) => t.child.catch(() => undefined)));
  }

  /** The sessions, newest first, with display and session id from the engine's container labels. */
  async list(): Promise<{ sessions: SessionInfo[]; external: Array<{ sessionId: string; url: string }> }> {
    const labels = await containerLabels();
    const now = Date.now();
    const sessions = [...this.sessions.values()].reverse().map((t): SessionInfo => {
      const c = t.child.pid !== undefined ? labels.get(t.child.pid) : undefined;
      return {
        id: t.id,
        argv: t.argv,
        image: t.image,
        sessionId: c?.session,
        display: c?.display ?? t.display,
        started: t.started,
        uptime: Math.round(((t.ended ?? now) - t.started) / 1000),
        running: t.ended === undefined,
        exitCode: t.exitCode,
        htmlUrl: t.ended === undefined ? t.htmlUrl : undefined,
        log: t.lines.slice(-40).join('\n'),
      };
    });
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

/** x11docker pid -> session id and display, from running containers' labels and names. */
async function containerLabels(): Promise<Map<number, { session: string; display?: number }>> {
  const r = await run('docker', ['ps', '--filter', `label=${LABEL_PID}`, '--format', `{{.Label "${LABEL_PID}"}} {{.Label "${LABEL_SESSION}"}} {{.Names}}`], { reject: false });
  const map = new Map<number, { session: string; display?: number }>();
  if (r.exitCode !== 0) return map;
  for (const line of String(r.stdout).split('\n')) {
    const [pid, session, name] = line.trim().split(' ');
    if (!pid || !session) continue;
    const display = /^x11docker_X(\d+)_/.exec(name ?? '')?.[1];
    map.set(Number(pid), { session, display: display ? Number(display) : undefined });
  }
  return map;
}

/**
 * `--html` sessions of this user that the page did not start (another terminal): their session
 * folders hold `html.url` while they run.
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
      if (url.startsWith('http')) found.push({ sessionId: d, url });
    } catch {
      // not an --html session
    }
  }
  return found;
}
