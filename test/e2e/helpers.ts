/**
 * Helpers for end-to-end tests: a host Xvfb that plays the user's display, x11docker runs as a
 * child process, and checks for what a session may leave behind. Everything a helper starts is
 * registered with `after`/`finally` by the caller and removed even when a test fails.
 */
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, readRecord } from '../../src/run/registry.js';

/** Absolute path of the built CLI, as installed by package.json's bin (the bundle). */
export const CLI = fileURLToPath(new URL('../../x11docker.js', import.meta.url));
/** Local images built by scripts/setup.sh. */
export const DEMO_IMAGE = 'x11docker-demo:latest';
export const SHELLFORM_IMAGE = 'x11docker-test-shellform:latest';
/** Unprivileged user in the docker group, created by scripts/setup.sh. */
export const TEST_USER = 'x11tester';

/** A host X server that plays the user's desktop. */
export interface HostDisplay {
  readonly display: string;
  /** With {@link startHostDisplay}'s `cookieOwner`: the user's authority file for the display. */
  readonly xauthority?: string;
  stop(): Promise<void>;
}

/**
 * Resolves with the first line (without its newline) a child process writes to `stream`;
 * rejects when the child ends first.
 * @param stream the child's stdout or another of its pipes.
 * @param child the process; its end rejects with `what` and the child's stderr.
 * @param what says which process ended, e.g. `x11docker-gui`.
 */
export function firstLine(stream: NodeJS.ReadableStream, child: PromiseLike<{ stderr?: unknown }>, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    stream.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void child.then((r) => reject(new Error(`${what} ended before its first line: ${String(r.stderr ?? '')}`)));
  });
}

/**
 * Starts an Xvfb (white root window, so a nested window shows on a screenshot) and waits until it is ready.
 * It runs with `-noreset`, as a desktop's display never resets (its window manager stays
 * connected): a reset, when the last client leaves, drops a client that connects meanwhile (a
 * nested Xephyr then "cannot open host display"), forgets settings such as a keyboard layout and
 * revokes the cookies that `xauth generate` makes.
 * @param opts.cookieOwner make the display require a cookie, as a desktop's display does: a random
 *   one in an authority file (`xauthority`, mode 0600) owned by this host user.
 * @param opts.extraArgs more Xvfb arguments.
 */
export async function startHostDisplay(opts: { cookieOwner?: string; extraArgs?: readonly string[] } = {}): Promise<HostDisplay> {
  const dir = opts.cookieOwner ? mkdtempSync(join(tmpdir(), 'x11docker-test-display-')) : undefined;
  const serverAuth = dir && join(dir, 'Xauthority.server');
  const cookie = randomBytes(16).toString('hex');
  // the server loads every cookie of its -auth file, whatever display number the entry names
  if (serverAuth) await execa('xauth', ['-f', serverAuth, 'add', ':0', '.', cookie]);
  const child = execa('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-wr', '-nolisten', 'tcp', '-noreset', ...(serverAuth ? ['-auth', serverAuth] : []), ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    reject: false,
  });
  const n = (await firstLine(child.stdio[3] as NodeJS.ReadableStream, child, 'host Xvfb')).trim();
  const xauthority = dir && join(dir, 'Xauthority');
  if (xauthority) {
    await execa('xauth', ['-f', xauthority, 'add', `:${n}`, '.', cookie]);
    await execa('chown', ['-R', `${opts.cookieOwner}:`, dir!]);
  }
  return {
    display: `:${n}`,
    xauthority,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Options for {@link x11docker}. */
export interface RunOptions {
  /** Environment (merged over a minimal one: PATH, HOME). */
  env?: Record<string, string | undefined>;
  /** Run as this host user via `su` (from root). */
  asUser?: string;
  timeoutMs?: number;
}

function command(args: readonly string[], opts: RunOptions): [string, string[], Record<string, string | undefined>] {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env };
  if (!opts.asUser) return ['node', [CLI, ...args], env];
  // su starts a login environment; pass DISPLAY explicitly through env(1).
  const envArgs = Object.entries(opts.env ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  return ['su', [opts.asUser, '-s', '/bin/sh', '-c', 'exec env "$@"', '--', 'sh', ...envArgs, process.execPath, CLI, ...args], { PATH: process.env.PATH }];
}

/** A line of a Node stack trace (`    at fn (file:line:col)`): x11docker must never print one without --debug. */
export const STACK_LINE = /^ {4}at /m;

/**
 * Runs x11docker to completion. Every run of the suite also checks that x11docker printed no
 * stack trace (issue 11: one line for any error, on every path).
 * @throws Error when stderr holds a stack trace line (unless `--debug` was given).
 */
export async function x11docker(args: readonly string[], opts: RunOptions = {}) {
  const [file, argv, env] = command(args, opts);
  const r = await execa(file, argv, { env, extendEnv: false, reject: false, timeout: opts.timeoutMs ?? 60000, stdin: 'ignore' });
  if (!args.includes('--debug') && STACK_LINE.test(String(r.stderr))) throw new Error(`x11docker ${args.join(' ')} printed a stack trace:\n${String(r.stderr)}`);
  return r;
}

/** A running x11docker session started with `--showenv`. */
export interface RunningSession {
  readonly child: ResultPromise;
  /** Variables from the --showenv line: DISPLAY, XAUTHORITY, XSOCKET. */
  readonly xenv: Record<string, string>;
  /** The new X display number; NaN for sessions without X (Wayland only, --nothing). */
  readonly display: number;
  /** What x11docker has written to stderr so far (for failure messages). */
  stderr(): string;
}

/** Starts x11docker with `--showenv` in the background and waits for its environment line. */
export async function startSession(args: readonly string[], opts: RunOptions = {}): Promise<RunningSession> {
  const [file, argv, env] = command(['--showenv', ...args], opts);
  const child = execa(file, argv, { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: opts.timeoutMs ?? 120000 });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await firstLine(child.stdout!, child, 'x11docker (waiting for its environment line)');
  const xenv = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return { child, xenv, display: Number(xenv.DISPLAY?.slice(1)), stderr: () => stderr };
}

/** Runs an X client on the host against a session's display. */
export async function xclient(file: string, args: readonly string[], xenv: Record<string, string>) {
  return execa(file, args, { env: { DISPLAY: xenv.DISPLAY, XAUTHORITY: xenv.XAUTHORITY }, reject: false });
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Waits until a screenshot of `display` is not blank: its grey-level standard deviation exceeds
 * `minStddev` (0..1). Polls for up to `timeoutMs`, since a server paints its window a moment after
 * the app's window is mapped on it.
 * @throws Error naming the last standard deviation seen, when the display stays blank.
 */
export async function waitForPaintedDisplay(display: string, minStddev: number, timeoutMs = 15000): Promise<void> {
  let stddev = '';
  const painted = async () => {
    stddev = (await execa('convert', ['x:root', '-format', '%[fx:standard_deviation]', 'info:'], { env: { DISPLAY: display } })).stdout;
    return Number(stddev) > minStddev;
  };
  await waitFor(`a non-blank screenshot of ${display}`, painted, timeoutMs).catch(() => {
    throw new Error(`screenshot of the user display is blank (stddev ${stddev})`);
  });
}

/**
 * Waits until a window whose name contains `name` is on the session's display.
 * @param session a session from {@link startSession} (then its end, exit code and stderr so far
 *   are reported at once instead of waiting out the timeout), or just its DISPLAY/XAUTHORITY.
 * @param timeoutMs how long to poll, in ms.
 * @throws Error when the window does not appear in time or the session ends first.
 */
export async function waitForWindow(session: RunningSession | Record<string, string>, name: string, timeoutMs = 20000): Promise<void> {
  const s = 'child' in session && 'xenv' in session ? (session as RunningSession) : undefined;
  const xenv = s ? s.xenv : (session as Record<string, string>);
  let ended: { exitCode?: number; signal?: string } | undefined;
  void s?.child.then((r) => (ended = { exitCode: r.exitCode, signal: r.signal }));
  const shown = async () => {
    if ((await xclient('xwininfo', ['-root', '-tree'], xenv)).stdout.includes(`"${name}"`)) return true;
    if (ended) throw new Error(`x11docker on ${xenv.DISPLAY} ended (exit ${ended.exitCode}, signal ${ended.signal}) before window "${name}" appeared; its stderr:\n${s!.stderr()}`);
    return false;
  };
  await waitFor(`window "${name}" on ${xenv.DISPLAY}`, shown, timeoutMs).catch(async (error: Error) => {
    if (!s || ended) throw error;
    const ps = await execa('docker', ['ps', '-a', '--filter', `label=x11docker.pid=${s.child.pid}`, '--format', '{{.ID}} {{.Status}}'], { reject: false });
    throw new Error(`${error.message}; x11docker (pid ${s.child.pid}) still runs, its containers: ${ps.stdout || 'none'}; its stderr so far:\n${s.stderr()}`);
  });
}

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a display claim file exists and the x11docker process that wrote it is alive. */
function claimOwnerAlive(file: string): boolean {
  try {
    return alive(Number(readFileSync(file, 'utf8').trim()));
  } catch {
    return false; // no claim file (or removed meanwhile)
  }
}

/**
 * What ended sessions left behind; every list must be empty after a session. Only things whose
 * x11docker process is gone count (the `x11docker.pid` label of a container, the pid in a claim
 * file, the parent of an X server), so sessions of other test runs on the same machine (other
 * worktrees, helpers) do not make a test fail.
 * @param display also check this display's socket and lock file.
 */
export async function leftovers(display?: number): Promise<{ containers: string[]; xservers: string[]; sockets: string[]; claims: string[] }> {
  const ps = await execa('docker', ['ps', '-a', '--filter', 'label=x11docker.session', '--format', '{{.Names}} {{.Label "x11docker.pid"}}'], { reject: false });
  const containers = ps.stdout.split('\n').filter(Boolean).filter((l) => !alive(Number(l.split(' ')[1])));
  const procs = await execa('ps', ['-eo', 'pid=,ppid=,args='], { reject: false });
  const table = procs.stdout.split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null);
  const args = new Map(table.map((m) => [Number(m[1]), m[3]!]));
  const xservers = table
    .filter((m) => /\.cache\/x11docker\//.test(m[3]!) && /^\S*(Xephyr|Xvfb|Xorg|Xwayland|nxagent|xpra|weston|kwin)\S*\s/.test(m[3]!))
    .filter((m) => !/x11docker\.js/.test(args.get(Number(m[2])) ?? ''))
    .map((m) => m[0].trim());
  // a display number that another live session has claimed since is that session's business
  const reclaimed = display !== undefined && claimOwnerAlive(`/tmp/.x11docker-display-${display}.claim`);
  const sockets = display === undefined || reclaimed ? [] : [`/tmp/.X11-unix/X${display}`, `/tmp/.X${display}-lock`].filter((p) => existsSync(p));
  const claims = readdirSync('/tmp')
    .filter((f) => f.startsWith('.x11docker-display-'))
    .filter((f) => existsSync(`/tmp/${f}`) && !claimOwnerAlive(`/tmp/${f}`));
  return { containers, xservers, sockets, claims };
}

/**
 * Nothing of THIS session's display is left (container, server processes, socket, lock, claim).
 * Scoped to the display: other engineers' sessions on this shared machine end on their own time.
 */
export async function assertNothingLeft(display: number, sessionDir?: string): Promise<void> {
  const left = await leftovers(display);
  assert.deepEqual(
    {
      containers: left.containers.filter((c) => c.includes(`_X${display}_`)),
      xservers: left.xservers.filter((x) => new RegExp(`\\s:${display}(\\s|$)`).test(x) || (sessionDir !== undefined && x.includes(sessionDir))),
      sockets: left.sockets,
      claims: left.claims.filter((c) => c === `.x11docker-display-${display}.claim`),
    },
    { containers: [], xservers: [], sockets: [], claims: [] },
  );
}

/**
 * Asserts that sessions since `baseline` (a {@link leftovers} result taken before them) left
 * nothing: no container, X server, socket or claim that `leftovers()` did not report then (other
 * test runs on this shared machine may hold their own). Waits up to `timeoutMs` for the clean-up.
 */
export async function assertNothingNew(baseline: Awaited<ReturnType<typeof leftovers>>, timeoutMs = 5000): Promise<void> {
  const fresh = async () => {
    const l = await leftovers();
    const old = new Set([...baseline.containers, ...baseline.xservers, ...baseline.sockets, ...baseline.claims]);
    return [...l.containers, ...l.xservers, ...l.sockets, ...l.claims].filter((x) => !old.has(x));
  };
  await waitFor('session leftovers to disappear', async () => (await fresh()).length === 0, timeoutMs).catch(async (e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(await fresh())}`);
  });
}

/**
 * Session folders under a cache dir (`~/.cache/x11docker/<id>`; `images/` is the per-image cache,
 * not a session) left by ended sessions: their recorded x11docker process (pid and start time)
 * is gone. Folders of live sessions (other test runs sharing the cache) do not count; a folder
 * without a record counts once it is older than 60 s (a live session writes its record at once).
 */
export function sessionDirs(cacheDir: string): string[] {
  try {
    return readdirSync(cacheDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'images')
      .map((d) => d.name)
      .filter((name) => {
        const dir = join(cacheDir, name);
        const record = readRecord(dir);
        if (record) return !isAlive(record.x11docker);
        const mtime = statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
        return mtime !== undefined && Date.now() - mtime > 60_000;
      });
  } catch {
    return [];
  }
}

/** Session folders (full paths) whose record names the x11docker process `pid`. */
export function sessionDirsOfPid(cacheDir: string, pid: number): string[] {
  try {
    return readdirSync(cacheDir)
      .map((n) => join(cacheDir, n))
      .filter((d) => readRecord(d)?.x11docker.pid === pid);
  } catch {
    return [];
  }
}

/** Ends a session child if a test failed before it did. */
export async function ensureEnded(child: ResultPromise | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await child;
  }
}
