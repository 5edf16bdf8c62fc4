// Startup and cleanup benchmark of x11docker against a hand-made "floor". Run it through
// bench/startup.sh (see bench/README.md). Plain Node ESM, no build step; the X11 client
// (bench/x11.mjs) uses the `x11` devDependency.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { XConnection, readCookie } from './x11.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
// the installed bin (bundle); BENCH_CLI names another build's bundle (e.g. an older commit's, for a before/after pair of runs)
const cli = process.env.BENCH_CLI || join(repo, 'dist/x11docker.js');
const floorScript = join(repo, 'bench/floor-session.sh');

const RUNS = positiveInt('BENCH_RUNS', 7);
const IMAGE = process.env.BENCH_IMAGE || 'x11docker-demo';
const WINDOW = 'xeyes';
const TIMEOUT_MS = positiveInt('BENCH_TIMEOUT_MS', 60000);
const X11DOCKER_OPTS = (process.env.BENCH_X11DOCKER_OPTS || '').split(/\s+/).filter(Boolean);
const LOGDIR = process.env.BENCH_LOGDIR || '';
const BENCH_ID = `${process.pid}`;
const FLOOR_LABEL = 'x11docker-bench.floor';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (msg) => process.stderr.write(`bench: ${msg}\n`);
const fmt = (ms) => (ms === undefined ? '-' : ms.toFixed(1));

function positiveInt(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^[1-9]\d*$/.test(v)) {
    process.stderr.write(`bench: ${name} must be a positive integer, got '${v}'\n`);
    process.exit(64);
  }
  return Number(v);
}

// ---------------------------------------------------------------------------------------------
// Everything this benchmark starts is tracked here, so cleanup() can undo it on any exit path.

let tmp; // private temp folder, removed at the end
let xvfb; // { child, display } when we started the user's display ourselves
const sessions = new Set(); // running A/B sessions, each with an abort() method
let aborting = false;

/** Spawns a long-running process in its own session (a terminal Ctrl-C reaches only us). */
function startProcess(file, args, options = {}) {
  if (aborting) throw new Error('aborting');
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.done = false;
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      child.done = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      if (child.pid !== undefined) return; // a running child's stdio error; 'exit' follows
      child.done = true;
      child.stderrText += `could not start ${file}: ${error.message}`;
      resolve({ code: null, signal: null });
    });
  });
  child.stderrText = '';
  child.stderr?.on('data', (d) => {
    child.stderrText = (child.stderrText + d).slice(-20000);
  });
  return child;
}

const alive = (child) => !child.done;

/** Runs a short command, resolves with { code, stdout, stderr } (never rejects). */
function runCommand(file, args) {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

/** Resolves with the first stdout line of `child`; rejects if it exits first or after `ms`. */
function firstLine(child, ms) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no output after ${ms} ms`)), ms);
    child.stdout.on('data', (d) => {
      if (out === undefined) return; // keep draining
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, i));
        out = undefined;
      }
    });
    void child.exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`exited (code ${r.code}, signal ${r.signal}) before printing its environment`));
    });
  });
}

/** Parses "DISPLAY=:N XAUTHORITY=... XSOCKET=..." lines. */
function parseEnvLine(line) {
  const env = Object.fromEntries(line.trim().split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const display = Number(/^:(\d+)$/.exec(env.DISPLAY ?? '')?.[1]);
  if (!Number.isInteger(display) || !env.XAUTHORITY) throw new Error(`unexpected environment line: ${line}`);
  return { ...env, display, socket: env.XSOCKET || `/tmp/.X11-unix/X${display}` };
}

/** argv and parent pid of a running process; undefined when it is gone or a zombie. */
function processInfo(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined;
    return { argv: readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0'), ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** pids of running processes named `name` (argv[0]) that match `test(argv, ppid)`. */
function findProcesses(name, test) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processInfo(entry);
    if (p && basename(p.argv[0]) === name && test(p.argv, p.ppid)) found.push(Number(entry));
  }
  return found;
}

/** Whether process `pid` still runs as `name` (a reused pid counts as gone). */
const stillRuns = (pid, name) => basename(processInfo(pid)?.argv[0] ?? '') === name;

/** Container ids matching docker ps filters (e.g. ['label=a=b']). */
async function containers(filters) {
  const r = await runCommand('docker', ['ps', '-aq', ...filters.flatMap((f) => ['--filter', f])]);
  if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter(Boolean);
}

/**
 * Waits until a session has left nothing behind: its processes exited, its Xephyr exited,
 * its socket gone, no container matching `filters`. Cheap checks first, `docker ps` last.
 * @returns performance.now() when everything was gone.
 */
async function waitAllGone({ children, xephyrPids, socket, filters }, ms = TIMEOUT_MS) {
  const deadline = performance.now() + ms;
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(ms)]);
  for (;;) {
    const leftovers = [];
    if (children.some(alive)) leftovers.push('session process');
    const xephyrs = xephyrPids.filter((pid) => stillRuns(pid, 'Xephyr'));
    if (xephyrs.length) leftovers.push(`Xephyr (pid ${xephyrs.join(' ')})`);
    if (existsSync(socket)) leftovers.push(socket);
    if (!leftovers.length) {
      const ids = await containers(filters);
      if (!ids.length) return performance.now();
      leftovers.push(`container ${ids.join(' ')}`);
    }
    if (performance.now() > deadline) throw new Error(`still there after ${ms} ms: ${leftovers.join(', ')}`);
    await sleep(2);
  }
}

/** Waits for the session's window, failing early if the session process ends first. */
async function waitForWindow(child, env) {
  const cookie = readCookie(env.XAUTHORITY, env.display);
  if (!cookie) throw new Error(`no cookie for :${env.display} in ${env.XAUTHORITY}`);
  const ended = child.exited.then((r) => {
    throw new Error(`session ended (code ${r.code}, signal ${r.signal}) before the ${WINDOW} window was mapped`);
  });
  const timeout = sleep(TIMEOUT_MS).then(() => {
    throw new Error(`no ${WINDOW} window after ${TIMEOUT_MS} ms`);
  });
  const conn = await Promise.race([XConnection.open(env.socket, cookie, TIMEOUT_MS), ended, timeout]);
  try {
    return await Promise.race([conn.waitForMappedWindow(WINDOW), ended, timeout]);
  } finally {
    conn.close(); // before the stop is timed: our connection must not hold anything up
  }
}

function keepLog(name, child) {
  if (!LOGDIR) return;
  mkdirSync(LOGDIR, { recursive: true });
  writeFileSync(join(LOGDIR, `${name}.log`), child.stderrText);
}

function describeFailure(what, child, error) {
  const tail = child.stderrText.trim().split('\n').slice(-15).join('\n    ');
  return new Error(`${what}: ${error.message}${tail ? `\n  its stderr (last lines):\n    ${tail}` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Setup A: x11docker.

async function runX11docker(tag) {
  const args = [cli, '--xephyr', '--showenv', ...X11DOCKER_OPTS, IMAGE, WINDOW];
  const t0 = performance.now();
  const child = startProcess(process.execPath, args, { cwd: repo });
  const filters = ['label=x11docker.session', `label=x11docker.pid=${child.pid}`];
  let env;
  const session = {
    // Emergency stop (Ctrl-C or an error): x11docker's own SIGINT cleanup first, then by force.
    abort: async () => {
      if (alive(child)) {
        child.kill('SIGINT');
        if (!(await within(child.exited, 20000))) child.kill('SIGKILL');
        await child.exited;
      }
      for (const id of await containers(filters).catch(() => [])) await runCommand('docker', ['rm', '--force', id]);
      if (env) {
        const sessionDir = dirname(env.XAUTHORITY);
        // Xephyr of this session, orphaned if x11docker had to be killed
        for (const pid of findProcesses('Xephyr', (argv) => argv.includes(join(sessionDir, 'Xservercookie')))) {
          killQuietly(pid, 'SIGKILL');
          await sleep(50);
          removeXLeftovers(pid);
        }
        if (dirname(sessionDir) === join(homedir(), '.cache', 'x11docker') && existsSync(sessionDir)) rmSync(sessionDir, { recursive: true, force: true });
        const claim = `/tmp/.x11docker-display-${env.display}.claim`;
        if (readQuietly(claim) === `${child.pid}`) rmSync(claim, { force: true });
      }
    },
  };
  sessions.add(session);
  try {
    env = parseEnvLine(await firstLine(child, TIMEOUT_MS));
    const tx = performance.now();
    const t1 = await waitForWindow(child, env);
    // x11docker's Xephyr: its child with our display (looked up outside the timed spans)
    let xephyrPids = findProcesses('Xephyr', (argv, ppid) => ppid === child.pid && argv.includes(`:${env.display}`));
    if (!xephyrPids.length) {
      xephyrPids = findProcesses('Xephyr', (argv) => argv.includes(`:${env.display}`));
      say(`${tag}: Xephyr :${env.display} is not a child of x11docker; watching pid ${xephyrPids.join(' ') || '(none found)'}`);
    }
    const t2 = performance.now();
    child.kill('SIGINT');
    const t3 = await waitAllGone({ children: [child], xephyrPids, socket: env.socket, filters });
    const { code } = await child.exited;
    if (code !== 130) say(`${tag}: x11docker exited with code ${code} after SIGINT (expected 130)`);
    keepLog(`${tag}-x11docker`, child);
    sessions.delete(session);
    return { startup: t1 - t0, xready: tx - t0, cleanup: t3 - t2, display: env.display };
  } catch (error) {
    keepLog(`${tag}-x11docker`, child);
    throw describeFailure(`${tag}: x11docker`, child, error);
  }
}

// ---------------------------------------------------------------------------------------------
// Setup B: the floor, bench/floor-session.sh (by-hand commands).

async function runFloor(tag) {
  const dir = mkdtempSync(join(tmp, 'floor-'));
  const name = `x11docker-bench-${BENCH_ID}-${tag}`;
  const filters = [`label=${FLOOR_LABEL}=${BENCH_ID}`, `name=^${name}$`];
  const t0 = performance.now();
  const child = startProcess('bash', [floorScript, dir, name, `${FLOOR_LABEL}=${BENCH_ID}`, IMAGE, WINDOW], { cwd: repo });
  let env;
  const session = {
    // Emergency stop (Ctrl-C or an error): SIGTERM to the script, which stops and waits for its
    // Xephyr and docker client; then remove whatever is still left (by force if need be).
    abort: async () => {
      const ours = () => findProcesses('Xephyr', (argv) => argv.includes(join(dir, 'server')));
      const leftovers = ours();
      if (alive(child)) {
        child.kill('SIGTERM');
        if (!(await within(child.exited, 10000))) killQuietly(-child.pid, 'SIGKILL'); // its process group
        await child.exited;
      }
      for (let i = 0; i < 300 && ours().length; i++) await sleep(10);
      for (const pid of ours()) {
        killQuietly(pid, 'SIGKILL');
        leftovers.push(pid);
      }
      for (const pid of leftovers) removeXLeftovers(pid);
      for (let i = 0; i < 10; i++) {
        const ids = await containers([`label=${FLOOR_LABEL}=${BENCH_ID}`]).catch(() => []);
        if (!ids.length) break;
        for (const id of ids) await runCommand('docker', ['rm', '--force', id]);
        await sleep(100);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  sessions.add(session);
  try {
    env = parseEnvLine(await firstLine(child, TIMEOUT_MS));
    const tx = performance.now();
    const t1 = await waitForWindow(child, env);
    const t2 = performance.now();
    // By hand: kill the container and the X server, both at once.
    const kill = runCommand('docker', ['kill', name]);
    killQuietly(Number(env.XEPHYR_PID), 'SIGTERM');
    const t3 = await waitAllGone({ children: [child], xephyrPids: [Number(env.XEPHYR_PID)], socket: env.socket, filters });
    await kill;
    keepLog(`${tag}-floor`, child);
    sessions.delete(session);
    rmSync(dir, { recursive: true, force: true });
    return { startup: t1 - t0, xready: tx - t0, cleanup: t3 - t2, display: env.display };
  } catch (error) {
    keepLog(`${tag}-floor`, child);
    throw describeFailure(`${tag}: floor`, child, error);
  }
}

/** Resolves true if `promise` settles within `ms`, else false. */
const within = (promise, ms) => Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);

/** Removes the lock file and socket of an X server that was killed (only if the lock names `pid`). */
function removeXLeftovers(pid) {
  for (const entry of readdirSync('/tmp')) {
    const m = /^\.X(\d+)-lock$/.exec(entry);
    if (m && readQuietly(`/tmp/${entry}`) === String(pid) && !processInfo(pid)) {
      rmSync(`/tmp/.X11-unix/X${m[1]}`, { force: true });
      rmSync(`/tmp/${entry}`, { force: true });
    }
  }
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function readQuietly(file) {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Host display, checks, cleanup.

async function startXvfb() {
  const child = startProcess('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x900x24', '-nolisten', 'tcp']);
  xvfb = { child };
  const line = await firstLine(child, 15000).catch((error) => {
    throw describeFailure('Xvfb (the host display)', child, error);
  });
  xvfb.display = `:${line.trim()}`;
  return xvfb.display;
}

async function cleanup() {
  aborting = true;
  for (const s of [...sessions]) {
    try {
      await s.abort();
    } catch (error) {
      say(`cleanup: ${error.message}`);
    }
    sessions.delete(s);
  }
  if (xvfb && alive(xvfb.child)) {
    xvfb.child.kill('SIGTERM');
    if (!(await within(xvfb.child.exited, 3000))) xvfb.child.kill('SIGKILL');
    await xvfb.child.exited;
    removeXLeftovers(xvfb.child.pid);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

async function preflight() {
  if (!existsSync(cli)) throw new Error(`${relative(process.cwd(), cli)} is missing: build first (npm run build)`);
  const stale = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const js = join(repo, 'dist', relative(repo, p)).replace(/\.ts$/, '.js');
        if (!existsSync(js) || statSync(js).mtimeMs < statSync(p).mtimeMs) stale.push(relative(repo, p));
      }
    }
  };
  walk(join(repo, 'src'));
  if (stale.length) say(`WARNING: dist/ is older than ${stale.join(', ')}; run 'npx tsc -p .' to benchmark the current source`);
  const need = ['docker', 'Xephyr', 'xauth', 'mcookie', 'bash', 'sed', ...(process.env.DISPLAY ? [] : ['Xvfb'])];
  const path = (process.env.PATH || '').split(':');
  const missing = need.filter((b) => !path.some((d) => d && existsSync(join(d, b))));
  if (missing.length) throw new Error(`missing: ${missing.join(', ')} (run: sudo bash scripts/setup.sh)`);
  const img = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE]);
  if (img.code !== 0) throw new Error(`image ${IMAGE} not found (${img.stderr.trim()}); run: sudo bash scripts/setup.sh`);
}

// ---------------------------------------------------------------------------------------------
// Statistics and report.

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s.at(-1) };
}

/** The rows of the report: metric key, label, and how to compute it from one run. */
const METRICS = [
  ['startup', 'startup', (r) => r.startup],
  ['xready', '  X ready', (r) => r.xready],
  ['container', '  rest', (r) => r.startup - r.xready],
  ['cleanup', 'cleanup', (r) => r.cleanup],
  ['total', 'total', (r) => r.startup + r.cleanup],
];

function report(results, hostDisplay) {
  const pad = (v, w) => String(v).padStart(w);
  const signed = (v) => `${v >= 0 ? '+' : ''}${fmt(v)}`;
  const lines = [];
  lines.push(`x11docker startup/cleanup benchmark: ${RUNS} runs per setup after 1 warm-up each, alternating A,B`);
  lines.push(`${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), host display ${hostDisplay}`);
  lines.push(`A = node ${relative(repo, cli)} --xephyr --showenv ${[...X11DOCKER_OPTS, IMAGE, WINDOW].join(' ')}`);
  lines.push(`B = floor: bash bench/floor-session.sh (xauth, Xephyr, docker run by hand; same hardening)`);
  lines.push('');
  lines.push(`${''.padEnd(11)}${'A: x11docker'.padStart(24)}${'B: floor'.padStart(26)}${'A over B (medians)'.padStart(23)}`);
  lines.push(`${'ms'.padEnd(11)}${['min', 'median', 'max'].map((h) => pad(h, 8)).join('')}  ${['min', 'median', 'max'].map((h) => pad(h, 8)).join('')}  ${pad('diff', 10)}${pad('ratio', 9)}`);
  for (const [, label, f] of METRICS) {
    const a = stats(results.A.map(f));
    const b = stats(results.B.map(f));
    lines.push(
      `${label.padEnd(11)}${[a.min, a.median, a.max].map((v) => pad(fmt(v), 8)).join('')}  ${[b.min, b.median, b.max].map((v) => pad(fmt(v), 8)).join('')}  ` +
        `${pad(signed(a.median - b.median), 10)}${pad(`${(a.median / b.median).toFixed(2)}x`, 9)}`,
    );
  }
  lines.push('');
  lines.push('startup: invocation until the xeyes window is mapped on the new X server');
  lines.push('  X ready: until the session printed DISPLAY/XAUTHORITY (X server up, cookie written); rest: from there to the window');
  lines.push('cleanup: stop request (A: SIGINT to x11docker; B: docker kill + kill Xephyr) until process, container, Xephyr and socket are gone');
  process.stdout.write(`${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  await preflight();
  tmp = mkdtempSync(join(tmpdir(), 'x11docker-bench-'));
  let hostDisplay = process.env.DISPLAY;
  if (!hostDisplay) {
    hostDisplay = await startXvfb();
    process.env.DISPLAY = hostDisplay;
    say(`no DISPLAY: started Xvfb ${hostDisplay} (pid ${xvfb.child.pid}) as the user's display`);
  }
  const load = readQuietly('/proc/loadavg')?.split(' ').slice(0, 3).join(' ');
  say(`${RUNS} runs of A (x11docker) and B (floor) on DISPLAY=${hostDisplay}, ${cpus().length} CPUs, load average ${load}`);
  const results = { A: [], B: [] };
  const setups = [
    ['A', 'x11docker', runX11docker],
    ['B', 'floor    ', runFloor],
  ];
  for (let i = 0; i <= RUNS; i++) {
    for (const [key, label, fn] of setups) {
      const tag = i === 0 ? 'warmup' : `run${i}`;
      const r = await fn(tag);
      const where = i === 0 ? 'warm-up' : `run ${i}/${RUNS}`;
      say(`${where.padEnd(9)} ${key} ${label} startup ${fmt(r.startup).padStart(7)} ms (X ready ${fmt(r.xready).padStart(6)})  cleanup ${fmt(r.cleanup).padStart(7)} ms  (display :${r.display})`);
      if (i > 0) results[key].push(r);
    }
  }
  for (const [key, label] of setups) {
    for (const metric of ['startup', 'xready', 'cleanup']) {
      say(`raw ${key} ${label} ${metric.padEnd(7)} ms: ${results[key].map((r) => fmt(r[metric])).join(' ')}`);
    }
  }
  report(results, xvfb ? `${hostDisplay} (Xvfb started by the benchmark)` : hostDisplay);
}

let exiting = false;
async function finish(code, message) {
  if (exiting) return;
  exiting = true;
  if (message) say(message);
  await cleanup();
  process.exit(code);
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => void finish(code, `${signal}: stopping, cleaning up`));
}
main().then(
  () => finish(0),
  (error) => finish(1, `ERROR: ${error.message}`),
);
