// One interleaved run: x11docker against the hand-made floor (bench/floor-session.sh), and against
// upstream's script when UPSTREAM=path/to/x11docker is set, for --xephyr, --xvfb and the
// automatic choice. Prints min / median / max per row:
//   start -> window   from spawning the session until the xeyes window is mapped
//   end -> all gone   from SIGINT (floor: docker kill + kill of its X server) until the session
//                     process, its container, its X server and socket are gone
//   CPU s/session     user+system CPU of the session's process tree as /usr/bin/time counts it
//                     (every process the session started and waited for: node, the X server,
//                     docker CLIs, xauth...; not dockerd/containerd or the container's processes)
//   peak RSS MiB      the largest sum, sampled every 10 ms, of the resident memory of the
//                     session's own processes: the whole process tree without the X server
//                     (x11docker: node, its watcher sh, helpers; floor and upstream: their shells,
//                     xauth, the docker CLI)
// Usage (after `npm run build`; see bench/README.md):
//   node bench/compare.mjs            BENCH_RUNS=7 BENCH_MODES="xephyr xvfb auto" UPSTREAM=...
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { XConnection, readCookie } from './x11.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env.BENCH_CLI || join(repo, 'dist/x11docker.js');
const RUNS = Number(process.env.BENCH_RUNS || 5);
const MODES = (process.env.BENCH_MODES || 'xephyr xvfb auto').split(/\s+/).filter(Boolean);
const IMAGE = process.env.BENCH_IMAGE || 'x11docker-demo';
const UPSTREAM = process.env.UPSTREAM;
const TIMEOUT_MS = 60000;
const X_SERVERS = /^(Xephyr|Xvfb|Xorg|Xwayland|nxagent|weston|xpra|python3?)$/; // python3: xpra
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (m) => process.stderr.write(`bench: ${m}\n`);
const started = new Set();

/** /proc facts of one process: parent, command name, resident set in KiB. */
function procInfo(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { pid, ppid, comm, rss };
  } catch {
    return undefined;
  }
}

/** Sum of the RSS (KiB) of `root`'s process tree without X servers. */
function treeRss(root) {
  const all = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).map(procInfo).filter(Boolean);
  const children = new Map();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let sum = 0;
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (!X_SERVERS.test(c.comm)) sum += c.rss;
      walk(c.pid);
    }
  };
  walk(root);
  return sum;
}

function startProcess(file, args, env) {
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderrText = '';
  child.stderr.on('data', (d) => (child.stderrText = (child.stderrText + d).slice(-4000)));
  started.add(child);
  void child.exited.then(() => started.delete(child));
  return child;
}

function firstLine(stream, child, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    stream.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => /^DISPLAY=/.test(l));
      if (line) resolve(line);
    });
    void child.exited.then(() => reject(new Error(`${what} ended before its environment line: ${child.stderrText}`)));
    setTimeout(() => reject(new Error(`${what}: no environment line in time`)), TIMEOUT_MS);
  });
}

const alive = (pid) => existsSync(`/proc/${pid}`);
const containers = (label) => execFileSync('docker', ['ps', '-aq', '--filter', `label=${label}`], { encoding: 'utf8' }).trim();

/** The one child of /usr/bin/time (the session's own first process). */
function childOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One session of `setup` in `mode`: returns ms to window, ms to all gone, CPU s, peak RSS MiB.
 */
async function measure(setup, mode, hostDisplay, n) {
  const work = mkdtempSync(join(tmpdir(), 'x11docker-compare-'));
  const timeFile = join(work, 'time');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: hostDisplay };
  const option = mode === 'auto' ? [] : [`--${mode}`];
  const label = `x11docker-bench.compare=${process.pid}-${n}`;
  let argv;
  if (setup === 'x11docker') argv = ['node', cli, '--showenv', ...option, IMAGE, 'xeyes'];
  else if (setup === 'upstream') argv = ['bash', UPSTREAM, '--showenv', ...option, IMAGE, 'xeyes'];
  else argv = ['bash', join(repo, 'bench/floor-session.sh'), work, `x11docker-bench-${process.pid}-${n}`, label, IMAGE, 'xeyes'];
  const floorEnv = setup === 'floor' ? { FLOOR_SERVER: mode === 'xvfb' ? 'Xvfb' : 'Xephyr' } : {};
  const t0 = performance.now();
  const child = startProcess('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...argv], { ...env, ...floorEnv });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 10);
  try {
    const line = await firstLine(child.stdout, child, setup);
    const xenv = Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const display = Number(xenv.DISPLAY.slice(1));
    // the automatic choice is seamless here (nxagent): the window the user sees is on the user's
    // display (the floor's Xephyr shows it on its own display)
    const onHost = mode === 'auto' && setup !== 'floor';
    const socket = onHost ? `/tmp/.X11-unix/X${hostDisplay.slice(1)}` : xenv.XSOCKET || `/tmp/.X11-unix/X${display}`;
    const conn = await XConnection.open(socket, onHost ? undefined : readCookie(xenv.XAUTHORITY, display), TIMEOUT_MS);
    const mapped = await Promise.race([conn.waitForMappedWindow('xeyes'), sleep(TIMEOUT_MS).then(() => undefined)]);
    conn.close?.();
    if (mapped === undefined) throw new Error(`${setup} ${mode}: no xeyes window`);
    const toWindow = mapped - t0;
    const session = childOf(child.pid);
    const xpids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).map(procInfo).filter((p) => p && X_SERVERS.test(p.comm) && readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(`:${display}`)).map((p) => p.pid);
    const t2 = performance.now();
    if (setup === 'floor') {
      execFileSync('docker', ['kill', `x11docker-bench-${process.pid}-${n}`], { stdio: 'ignore' });
      for (const p of xpids) process.kill(p, 'SIGTERM');
    } else if (session) process.kill(session, 'SIGINT');
    const ownLabel = setup === 'x11docker' ? `x11docker.pid=${session}` : setup === 'floor' ? label : undefined;
    for (;;) {
      const gone = child.exitCode !== null || child.signalCode !== null;
      if (gone && !xpids.some(alive) && !existsSync(`/tmp/.X11-unix/X${display}`) && (!ownLabel || !containers(ownLabel))) break;
      if (performance.now() - t2 > TIMEOUT_MS) throw new Error(`${setup} ${mode}: not cleaned up in time`);
      await sleep(gone ? 2 : 1);
    }
    const toGone = performance.now() - t2;
    await child.exited;
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    return { toWindow, toGone, cpu: user + sys, rss: peak / 1024 };
  } finally {
    clearInterval(sampler);
    rmSync(work, { recursive: true, force: true });
  }
}

const stats = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? [s[0], s[Math.floor((s.length - 1) / 2)], s.at(-1)] : [];
};

async function main() {
  const xvfb = startProcess('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x900x24', '-nolisten', 'tcp', '-noreset'], process.env);
  const hostDisplay = `:${(await new Promise((resolve) => xvfb.stdout.once('data', (d) => resolve(String(d).trim()))))}`;
  const setups = ['x11docker', 'floor', ...(UPSTREAM ? ['upstream'] : [])];
  const results = new Map();
  const failures = new Map();
  let n = 0;
  try {
    for (const mode of MODES) for (const setup of setups) await measure(setup, mode, hostDisplay, n++).catch((e) => say(`warm-up ${setup} ${mode}: ${e.message}`));
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of MODES) {
        for (const setup of setups) {
          const key = `${mode}\t${setup}`;
          try {
            const r = await measure(setup, mode, hostDisplay, n++);
            results.set(key, [...(results.get(key) ?? []), r]);
            say(`run ${run}/${RUNS} ${mode.padEnd(6)} ${setup.padEnd(9)} window ${r.toWindow.toFixed(0)} ms, gone ${r.toGone.toFixed(0)} ms, CPU ${r.cpu.toFixed(2)} s, RSS ${r.rss.toFixed(1)} MiB`);
          } catch (error) {
            failures.set(key, (failures.get(key) ?? 0) + 1);
            say(`run ${run}/${RUNS} ${mode} ${setup}: FAILED ${error.message.split('\n')[0]}`);
          }
        }
      }
    }
  } finally {
    for (const c of started) {
      try {
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
  }
  const cell = (mode, setup, f, digits) => {
    const rs = results.get(`${mode}\t${setup}`) ?? [];
    const [min, med, max] = stats(rs.map(f));
    const failed = failures.get(`${mode}\t${setup}`);
    return rs.length ? `${min.toFixed(digits)} / ${med.toFixed(digits)} / ${max.toFixed(digits)}${failed ? ` (${failed} failed)` : ''}` : `failed ${failed ?? 0}x`;
  };
  const median = (mode, setup, f) => stats((results.get(`${mode}\t${setup}`) ?? []).map(f))[1];
  console.log(`x11docker against the floor${UPSTREAM ? ' and upstream' : ''}: ${RUNS} interleaved runs, min / median / max; ${new Date().toISOString()}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const rows = [
    ['start -> window, ms', (r) => r.toWindow, 0],
    ['end -> all gone, ms', (r) => r.toGone, 0],
    ['CPU s/session', (r) => r.cpu, 2],
    ['peak RSS MiB', (r) => r.rss, 1],
  ];
  const head = ['mode', 'row', ...setups, 'ratio x11docker/floor (medians)'];
  const lines = [head];
  for (const mode of MODES) {
    for (const [name, f, d] of rows) {
      const ratio = median(mode, 'x11docker', f) / median(mode, 'floor', f);
      lines.push([mode === 'auto' ? 'auto (floor: Xephyr)' : `--${mode}`, name, ...setups.map((s) => cell(mode, s, f, d)), Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-']);
    }
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)) + 2);
  for (const l of lines) console.log(l.map((c, i) => String(c).padEnd(widths[i])).join('').trimEnd());
  if ([...failures.values()].some((v) => v > 0)) process.exitCode = 1;
}

main().catch((error) => {
  say(error.stack ?? String(error));
  for (const c of started) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  process.exit(1);
});
