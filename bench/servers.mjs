// Startup and cleanup of x11docker on every display option that runs here, side by side, in
// one run: `x11docker --showenv --OPTION x11docker-demo xeyes`, ms until the xeyes window is
// mapped (on the new display; for the seamless xpra and nxagent on the user's display, where the
// user sees it), then SIGINT and ms until everything of the session is gone (the
// x11docker process, every process that names the session folder, the X socket, the container).
// Plain Node ESM, no build step; uses bench/x11.mjs (the `x11` devDependency) for the window.
//
//   node bench/servers.mjs                    # every server, one run each
//   BENCH_SERVERS="xpra nxagent" node bench/servers.mjs
//
// Starts its own Xvfb as the user's display; removes everything it started at the end.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { XConnection, readCookie } from './x11.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist/x11docker.js');
const IMAGE = process.env.BENCH_IMAGE || 'x11docker-demo';
const TIMEOUT_MS = 60000;
/** Display options with the extra options they are measured with. */
const ALL = {
  xephyr: ['--xephyr'],
  xvfb: ['--xvfb'],
  xdummy: ['--xdummy'],
  nxagent: ['--nxagent'],
  'nxagent --desktop': ['--nxagent', '--desktop'],
  xpra: ['--xpra'],
  'xpra --desktop': ['--xpra', '--desktop'],
  hostdisplay: ['--hostdisplay'],
  'weston-xwayland': ['--weston-xwayland'],
  'xpra-xwayland': ['--xpra-xwayland'],
};
/** Measured on the user's display (the host Xvfb of this benchmark has no access control). */
const SEAMLESS = new Set(['xpra', 'nxagent', 'xpra-xwayland']);
const chosen = (process.env.BENCH_SERVERS || Object.keys(ALL).join('\n')).split('\n').flatMap((l) => (l.includes('--') ? [l] : l.split(/\s+/))).filter(Boolean);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (m) => process.stderr.write(`bench: ${m}\n`);
const started = new Set();

/** Spawns a process in its own process group and tracks it for the final cleanup. */
function startProcess(file, args, env) {
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderrText = '';
  child.stderr.on('data', (d) => (child.stderrText = (child.stderrText + d).slice(-4000)));
  started.add(child);
  void child.exited.then(() => started.delete(child));
  return child;
}

function firstLine(stream, child) {
  return new Promise((resolve, reject) => {
    let out = '';
    stream.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void child.exited.then(() => reject(new Error(`ended before its first line: ${child.stderrText}`)));
    setTimeout(() => reject(new Error('no first line in time')), TIMEOUT_MS);
  });
}

/** Processes whose command line contains `text` (from /proc). */
function processesNaming(text) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function containersOf(pid) {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=x11docker.pid=${pid}`], { encoding: 'utf8' }).trim();
}

async function measure(name, args, hostDisplay) {
  const t0 = performance.now();
  const child = startProcess('node', [cli, '--showenv', ...args, IMAGE, 'xeyes'], { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: hostDisplay });
  const line = await firstLine(child.stdout, child);
  const env = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const display = Number(env.DISPLAY.slice(1));
  // seamless modes: the window the user sees is the one on the user's display (xpra also
  // reparents the app's window on its own X server, so it is no top-level window there)
  const onHost = SEAMLESS.has(name);
  const socket = onHost ? `/tmp/.X11-unix/X${hostDisplay.slice(1)}` : env.XSOCKET;
  const cookie = onHost ? undefined : readCookie(env.XAUTHORITY, display);
  const conn = await XConnection.open(socket, cookie, TIMEOUT_MS);
  const mapped = await Promise.race([conn.waitForMappedWindow('xeyes'), sleep(TIMEOUT_MS).then(() => undefined)]);
  conn.close?.();
  if (mapped === undefined) throw new Error(`${name}: no xeyes window in ${TIMEOUT_MS} ms`);
  const t1 = mapped;
  const sessionDir = dirname(env.XAUTHORITY);
  const t2 = performance.now();
  child.kill('SIGINT');
  for (;;) {
    const gone = child.exitCode !== null || child.signalCode !== null;
    const ownSocket = env.XSOCKET !== `/tmp/.X11-unix/X${hostDisplay.slice(1)}`; // --hostdisplay: the user's socket stays
    if (gone && !(ownSocket && existsSync(env.XSOCKET)) && processesNaming(sessionDir).length === 0 && !containersOf(child.pid)) break;
    if (performance.now() - t2 > TIMEOUT_MS) throw new Error(`${name}: not cleaned up after ${TIMEOUT_MS} ms`);
    await sleep(gone ? 2 : 1);
  }
  const t3 = performance.now();
  return { startup: t1 - t0, cleanup: t3 - t2 };
}

async function main() {
  const xvfb = startProcess('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp']);
  const hostDisplay = `:${(await firstLine(xvfb.stdio[3], xvfb)).trim()}`;
  const rows = [];
  try {
    // one unmeasured warm-up (page cache, docker image layers)
    await measure('warm-up', ['--xvfb'], hostDisplay);
    for (const name of chosen) {
      const args = ALL[name];
      if (!args) throw new Error(`unknown server '${name}'; known: ${Object.keys(ALL).join(', ')}`);
      try {
        const r = await measure(name, args, hostDisplay);
        rows.push([name, r.startup.toFixed(0), r.cleanup.toFixed(0)]);
        say(`${name}: startup ${r.startup.toFixed(0)} ms, cleanup ${r.cleanup.toFixed(0)} ms`);
      } catch (error) {
        rows.push([name, 'failed', '-']);
        say(`${name}: ${error.message}`);
      }
    }
  } finally {
    for (const c of started) {
      try {
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  const w = [20, 26, 24];
  const row = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join('').trimEnd();
  console.log(row(['display option', 'ms to first window', 'ms to full cleanup']));
  for (const r of rows) console.log(row(r));
}

main().catch((error) => {
  say(error.stack ?? String(error));
  for (const c of started) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(1);
});
