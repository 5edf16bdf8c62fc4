// Soak benchmark: many x11docker sessions in a row and at once, some killed with kill -9, then a
// count of what they left behind.
// Usage: node bench/soak.mjs [SESSIONS=1000] [PARALLEL=8] [KILL_EVERY=20]   (see bench/soak.sh)
// Half the sessions run one after another, the other half in rounds of PARALLEL started at once.
// Each session: `x11docker --xvfb x11docker-demo:latest sleep 1` under /usr/bin/time, which
// reports the x11docker process's peak RSS and the CPU time (user + system) of it and every
// process it waited for (its X server included). Every KILL_EVERY-th session gets kill -9 at a
// random moment in its first 2 s: not a failure, but its watcher must leave nothing behind.
// Leftovers are counted against a snapshot taken before the start, and only where the x11docker
// process that made them is gone, so other people's live sessions on the machine do not count.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/x11docker.js', import.meta.url));
const [TOTAL = 1000, PAR = 8, KILL_EVERY = 20] = process.argv.slice(2).map(Number);
const SEQ = Math.ceil(TOTAL / 2);
const ROUNDS = Math.ceil((TOTAL - SEQ) / PAR);
let counter = 0;
const CACHE = join(process.env.HOME ?? '/root', '.cache', 'x11docker');

function alive(pid) {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Everything x11docker-like on the machine now, with whether its owner is gone. */
async function snapshot() {
  const ps = await execa('docker', ['ps', '-a', '--filter', 'label=x11docker.session', '--format', '{{.ID}} {{.Label "x11docker.pid"}}'], { reject: false });
  const containers = ps.stdout.split('\n').filter(Boolean).filter((l) => !alive(Number(l.split(' ')[1]))).map((l) => l.split(' ')[0]);
  const procs = (await execa('ps', ['-eo', 'pid=,ppid=,args='])).stdout.split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter(Boolean);
  const argsOf = new Map(procs.map((m) => [m[1], m[3]]));
  const xservers = procs
    .filter((m) => /^\S*(Xvfb|Xephyr)\s/.test(m[3]) && /\.cache\/x11docker\//.test(m[3]) && !/x11docker\.js/.test(argsOf.get(m[2]) ?? ''))
    .map((m) => m[1]);
  const lockPid = (n) => {
    try {
      return Number(readFileSync(`/tmp/.X${n}-lock`, 'utf8').trim());
    } catch {
      return 0;
    }
  };
  const sockets = readdirSync('/tmp/.X11-unix').filter((f) => /^X\d+$/.test(f)).filter((f) => !alive(lockPid(f.slice(1)))).map((f) => `/tmp/.X11-unix/${f}`);
  const locks = readdirSync('/tmp').filter((f) => /^\.X\d+-lock$/.test(f)).filter((f) => !alive(lockPid(f.slice(2, -5)))).map((f) => `/tmp/${f}`);
  const claims = readdirSync('/tmp').filter((f) => f.startsWith('.x11docker-display-')).filter((f) => {
    try {
      return !alive(Number(readFileSync(`/tmp/${f}`, 'utf8').trim()));
    } catch {
      return false;
    }
  }).map((f) => `/tmp/${f}`);
  const folders = existsSync(CACHE)
    ? readdirSync(CACHE, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'images').map((d) => join(CACHE, d.name)).filter((d) => {
        try {
          const r = JSON.parse(readFileSync(join(d, 'session.json'), 'utf8'));
          return !alive(r.x11docker.pid);
        } catch {
          return true;
        }
      })
    : [];
  // the sessions' X socket folders (/tmp/.x11docker-socket-*): counted when new and still there later
  const socketFolders = readdirSync('/tmp').filter((f) => f.startsWith('.x11docker-socket-')).map((f) => `/tmp/${f}`);
  return { containers, xservers, sockets: [...sockets, ...locks, ...socketFolders], claims, folders };
}

/**
 * Runs one session under /usr/bin/time; every KILL_EVERY-th gets kill -9 at a random moment of
 * its first 2 s. Returns its exit code, whether it was killed, peak RSS (KiB), CPU (s), wall (s).
 */
async function session() {
  const kill = ++counter % KILL_EVERY === 0;
  const child = execa('/usr/bin/time', ['-f', 'SOAK %M %U %S %e', 'node', CLI, '--xvfb', '--quiet', 'x11docker-demo:latest', 'sleep', '1'], {
    reject: false,
    stdin: 'ignore',
    timeout: 120000,
  });
  if (kill) {
    setTimeout(() => {
      try {
        const node = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]);
        if (node) process.kill(node, 'SIGKILL');
      } catch {
        // ended already
      }
    }, Math.random() * 2000);
  }
  const r = await child;
  const m = /SOAK (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
  const killed = kill && /signal 9|Command terminated by signal 9/.test(String(r.stderr));
  return { code: r.exitCode, killed, rssKiB: Number(m?.[1]), cpu: Number(m?.[2]) + Number(m?.[3]), wall: Number(m?.[4]), err: r.exitCode === 0 || killed ? '' : String(r.stderr).trim().split('\n').slice(-2).join(' | ') };
}

function summary(name, all, seconds) {
  let runs = all;
  const failed = runs.filter((r) => r.code !== 0 && !r.killed);
  const killed = runs.filter((r) => r.killed).length;
  runs = runs.filter((r) => !r.killed && Number.isFinite(r.rssKiB));
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rss = runs.map((r) => r.rssKiB / 1024);
  const cpu = runs.map((r) => r.cpu * 1000);
  console.log(
    `${name.padEnd(22)} sessions ${String(all.length).padStart(4)}  killed ${killed}  failed ${failed.length}  ` +
      `peak RSS MiB median ${med(rss).toFixed(1)} max ${Math.max(...rss).toFixed(1)}  ` +
      `CPU ms/session median ${med(cpu).toFixed(0)} max ${Math.max(...cpu).toFixed(0)}  ` +
      `wall ${seconds.toFixed(1)} s (${((seconds * 1000) / all.length).toFixed(0)} ms/session)`,
  );
  for (const f of failed.slice(0, 5)) console.log(`  failed (exit ${f.code}): ${f.err}`);
}

function newSince(before, after) {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.filter((x) => !before[k].includes(x))]));
}

const before = await snapshot();
console.log(`soak: ${SEQ} sequential sessions, then ${ROUNDS} rounds of ${PAR} concurrent sessions (--xvfb, sleep 1 in x11docker-demo), every ${KILL_EVERY}th killed with kill -9 in its first 2 s`);

let t = performance.now();
const seq = [];
for (let i = 0; i < SEQ; i++) seq.push(await session());
summary('sequential', seq, (performance.now() - t) / 1000);

t = performance.now();
const conc = [];
for (let round = 0; round < ROUNDS; round++) conc.push(...(await Promise.all(Array.from({ length: Math.min(PAR, TOTAL - SEQ - round * PAR) }, () => session()))));
summary(`concurrent ${PAR}x${ROUNDS}`, conc, (performance.now() - t) / 1000);

// the sessions are over; give the killed sessions' watchers a moment, then count
await new Promise((r) => setTimeout(r, 5000));
// counted only when still there 3 s later: other people's sessions (e.g. older builds without a
// session record) may be starting or ending at this moment
const first = newSince(before, await snapshot());
await new Promise((r) => setTimeout(r, 3000));
const second = await snapshot();
const left = Object.fromEntries(Object.entries(first).map(([k, v]) => [k, v.filter((x) => second[k].includes(x))]));
console.log(
  `left afterwards: containers ${left.containers.length}, X servers ${left.xservers.length}, sockets/lock files ${left.sockets.length}, ` +
    `claims ${left.claims.length}, cache folders ${left.folders.length}`,
);
for (const [k, v] of Object.entries(left)) for (const x of v) console.log(`  ${k}: ${x}`);
const bad = seq.concat(conc).filter((r) => r.code !== 0 && !r.killed).length + Object.values(left).reduce((n, v) => n + v.length, 0);
process.exitCode = bad === 0 ? 0 : 1;
