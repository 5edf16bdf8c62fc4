/**
 * End to end: sessions that never leak and never collide (kill -9, --cleanup, engine failures,
 * concurrency, busy displays, hostile input, file modes). Everything runs through the built CLI.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, watch as fsWatch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLI, DEMO_IMAGE, TEST_USER, ensureEnded, sessionDirs, sessionDirsOfPid, startHostDisplay, startSession,
  waitFor, waitForWindow, x11docker, xclient, type HostDisplay, type RunningSession,
} from './helpers.js';
import { displayBusyReason, listeningAbstractSockets } from '../../src/xserver/display.js';
import { readRecord, SessionRegistry } from '../../src/run/registry.js';

const ROOT_CACHE = `${process.env.HOME}/.cache/x11docker`;

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** Containers labelled with the x11docker pid `pid` (any state). */
async function containersOf(pid: number): Promise<string[]> {
  const r = await execa('docker', ['ps', '-aq', '--filter', `label=x11docker.pid=${pid}`]);
  return r.stdout.split('\n').filter(Boolean);
}

/** Pids of the X server processes of display `n` (by their command line). */
async function xserverPids(n: number): Promise<number[]> {
  const r = await execa('pgrep', ['-f', `^(Xvfb|Xephyr) :${n} `], { reject: false });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** X server (and helper) pids of live sessions, by x11docker pid, read from their session records. */
const knownPids = new Map<number, number[]>();

/** Reads a live session's recorded processes (call while it runs), for {@link sessionLeft}. */
async function remember(s: RunningSession): Promise<void> {
  await waitFor(`session record of ${s.child.pid}`, () => sessionDirsOfPid(ROOT_CACHE, s.child.pid!).some((d) => (readRecord(d)?.processes.length ?? 0) > 0), 5000).catch(() => undefined);
  const dirs = sessionDirsOfPid(ROOT_CACHE, s.child.pid!);
  const record = dirs[0] ? readRecord(dirs[0]) : undefined;
  assert.ok(record && record.processes.length > 0, `session ${s.child.pid} (display :${s.display}) has a record with its X server: ${JSON.stringify({ dirs, record, all: readdirSync(ROOT_CACHE) })}`);
  knownPids.set(s.child.pid!, record.processes.map((p) => p.pid));
  knownFolders.set(s.child.pid!, record.files.filter((f) => f.includes('/.x11docker-socket-')));
}

/** The session socket folders (and their socket links) of live sessions, from their records. */
const knownFolders = new Map<number, string[]>();

function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}

/**
 * What one session left: its containers, X server, claim, lock and socket, session folder. Only
 * things that are provably this session's count (a display number released by it may be claimed
 * by another session at once, e.g. another test run on the machine).
 */
async function sessionLeft(pid: number, display: number): Promise<string[]> {
  const left: string[] = [];
  const xpids = knownPids.get(pid) ?? [];
  left.push(...(await containersOf(pid)).map((c) => `container ${c}`));
  left.push(...xpids.filter((p) => existsSync(`/proc/${p}`)).map((p) => `X server pid ${p}`));
  const claim = `/tmp/.x11docker-display-${display}.claim`;
  const lock = `/tmp/.X${display}-lock`;
  const socket = `/tmp/.X11-unix/X${display}`;
  if (pidIn(claim) === pid) left.push(claim);
  const ownLock = xpids.includes(pidIn(lock) ?? -1);
  if (ownLock) left.push(lock);
  if (existsSync(socket) && (ownLock || (!existsSync(lock) && !existsSync(claim)))) left.push(socket);
  left.push(...sessionDirsOfPid(ROOT_CACHE, pid));
  left.push(...(knownFolders.get(pid) ?? []).filter((f) => existsSync(f)));
  return left;
}

async function assertSessionGone(pid: number, display: number, timeoutMs = 8000): Promise<number> {
  const started = Date.now();
  await waitFor(`session of pid ${pid} to be gone`, async () => (await sessionLeft(pid, display)).length === 0, timeoutMs).catch(async (e: Error) => {
    assert.fail(`${e.message}: ${JSON.stringify(await sessionLeft(pid, display))}`);
  });
  return Date.now() - started;
}

/** The watcher process (`sh -c ... x11docker-watcher`) started by x11docker `pid`. */
async function watcherOf(pid: number): Promise<number | undefined> {
  const r = await execa('pgrep', ['-P', String(pid), '-f', 'x11docker-watcher'], { reject: false });
  return r.stdout ? Number(r.stdout.split('\n')[0]) : undefined;
}

describe('x11docker killed with SIGKILL', () => {
  it('its watcher ends the container and the X server within a few seconds', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', DEMO_IMAGE, 'xeyes']);
      await waitForWindow(s, 'xeyes');
      await remember(s);
      const pid = s.child.pid!;
      assert.equal((await containersOf(pid)).length, 1);
      assert.ok(await watcherOf(pid), 'a watcher runs for the session');
      assert.equal(knownFolders.get(pid)?.length, 2, 'the session has a socket folder with a link to its X socket');
      s.child.kill('SIGKILL');
      await s.child;
      const ms = await assertSessionGone(pid, s.display, 5000);
      process.stderr.write(`# SIGKILL -> container, X server and files gone after ${ms} ms\n`);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('killed at any moment of its start (every 40 ms from 0 to 600 ms, the moment its session folder appears, the moment its socket folder appears): its watcher leaves no session folder, container, claim, socket folder or X server', async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-killed-home-'));
    const cache = join(home, '.cache', 'x11docker');
    try {
      const socketFolders = () => readdirSync('/tmp').filter((f) => f.startsWith('.x11docker-socket-'));
      const foldersBefore = new Set(socketFolders());
      const pids: number[] = [];
      for (let ms = 0; ms <= 600; ms += 40) {
        const child = execa('node', [CLI, '--xvfb', DEMO_IMAGE, 'sleep', '30'], { env: { PATH: process.env.PATH, HOME: home }, extendEnv: false, reject: false, stdin: 'ignore' });
        await new Promise((r) => setTimeout(r, ms));
        child.kill('SIGKILL');
        await child;
        pids.push(child.pid!);
      }
      // and killed the moment its session folder appears (the narrowest window: before its record)
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      for (let i = 0; i < 5; i++) {
        const child = execa('node', [CLI, '--xvfb', DEMO_IMAGE, 'sleep', '30'], { env: { PATH: process.env.PATH, HOME: home }, extendEnv: false, reject: false, stdin: 'ignore' });
        const watch = fsWatch(cache, (_event, name) => {
          if (name && /^[0-9a-f]{12}$/.test(String(name))) child.kill('SIGKILL');
        });
        await child;
        watch.close();
        pids.push(child.pid!);
      }
      // and killed the moment its socket folder appears in /tmp (before or after it is recorded)
      for (let i = 0; i < 5; i++) {
        const child = execa('node', [CLI, '--xvfb', DEMO_IMAGE, 'sleep', '30'], { env: { PATH: process.env.PATH, HOME: home }, extendEnv: false, reject: false, stdin: 'ignore' });
        const watch = fsWatch('/tmp', (_event, name) => {
          if (name && String(name).startsWith('.x11docker-socket-') && !foldersBefore.has(String(name))) child.kill('SIGKILL');
        });
        await child;
        watch.close();
        pids.push(child.pid!);
      }
      const sessionFolders = () => (existsSync(cache) ? readdirSync(cache, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'images').map((d) => d.name) : []);
      const left = async () => ({
        sessionFolders: sessionFolders(),
        containers: (await Promise.all(pids.map(containersOf))).flat(),
        claims: readdirSync('/tmp').filter((f) => /^\.x11docker-display-\d+\.claim/.test(f) && pids.includes(pidIn(join('/tmp', f)) ?? -1)),
        socketFolders: socketFolders().filter((f) => !foldersBefore.has(f)),
        xservers: (await execa('pgrep', ['-f', `Xvfb .*${cache}`], { reject: false })).stdout.split('\n').filter(Boolean),
      });
      const none = { sessionFolders: [], containers: [], claims: [], socketFolders: [], xservers: [] };
      await waitFor('the killed sessions to be cleaned up', async () => JSON.stringify(await left()) === JSON.stringify(none), 20000).catch(() => undefined);
      assert.deepEqual(await left(), none);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('--cleanup removes empty socket folders older than a minute that no record names, and keeps a young one', async () => {
    const old = join('/tmp', `.x11docker-socket-test${process.pid}old`);
    const young = join('/tmp', `.x11docker-socket-test${process.pid}new`);
    try {
      mkdirSync(old, { mode: 0o755 });
      mkdirSync(young, { mode: 0o755 });
      const past = new Date(Date.now() - 120_000);
      utimesSync(old, past, past);
      const r = await x11docker(['--cleanup']);
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.equal(existsSync(old), false, 'the old empty folder is removed');
      assert.equal(existsSync(young), true, 'a folder a session may be setting up right now stays');
    } finally {
      rmSync(old, { recursive: true, force: true });
      rmSync(young, { recursive: true, force: true });
    }
  });

  it('--cleanup removes a dead session without its watcher, and leaves a live session alone', async () => {
    let live: RunningSession | undefined;
    let dead: RunningSession | undefined;
    try {
      [live, dead] = await Promise.all([startSession(['--xvfb', DEMO_IMAGE, 'xeyes']), startSession(['--xvfb', DEMO_IMAGE, 'xeyes'])]);
      await Promise.all([waitForWindow(live, 'xeyes'), waitForWindow(dead, 'xeyes')]);
      await remember(live);
      await remember(dead);
      const pid = dead.child.pid!;
      const watcher = await watcherOf(pid);
      assert.ok(watcher);
      process.kill(watcher, 'SIGKILL'); // as if the watcher had been killed too
      dead.child.kill('SIGKILL');
      // (not awaited: its `docker start --attach` client holds our stdout pipe until the container ends)
      await waitFor('x11docker to die', () => dead!.child.signalCode !== null);
      await new Promise((r) => setTimeout(r, 300));
      assert.notDeepEqual(await sessionLeft(pid, dead.display), [], 'without a watcher, the dead session is still there');

      const r = await x11docker(['--cleanup']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stderr, /--cleanup removed/);
      await assertSessionGone(pid, dead.display, 3000);

      // the live session is untouched
      assert.equal((await containersOf(live.child.pid!)).length, 1);
      assert.equal((await xclient('xwininfo', ['-root', '-tree'], live.xenv)).stdout.includes('"xeyes"'), true);
      assert.equal(sessionDirsOfPid(ROOT_CACHE, live.child.pid!).length, 1);
      live.child.kill('SIGINT');
      assert.equal((await live.child).exitCode, 130);
      await assertSessionGone(live.child.pid!, live.display, 5000);
    } finally {
      await ensureEnded(live?.child);
      await ensureEnded(dead?.child);
    }
  });
});

describe("a dead session's clean-up and a new session on the same display", () => {
  it('--cleanup of a dead session leaves the socket of a display that another live session has claimed since (its server may still be starting)', async () => {
    const listening = listeningAbstractSockets();
    let n = 600;
    while (displayBusyReason(n, listening) || existsSync(`/tmp/.x11docker-display-${n}.claim`)) n++;
    const socket = `/tmp/.X11-unix/X${n}`;
    const claim = `/tmp/.x11docker-display-${n}.claim`;
    const dir = mkdtempSync(join(ROOT_CACHE, 'e2e-dead-'));
    let other: ReturnType<typeof execa> | undefined;
    let again: string | undefined;
    try {
      // a record of a session whose x11docker is gone (this process with another start time)
      const reg = new SessionRegistry(dir, { sessionId: 'e2edead', backend: 'docker' });
      reg.setDisplay(n, [claim, `/tmp/.X${n}-lock`, socket]);
      const record = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as { x11docker: { startTime: number } };
      record.x11docker.startTime += 1;
      writeFileSync(join(dir, 'session.json'), JSON.stringify(record));
      // meanwhile another live session (a sleeping child stands in for its x11docker) claimed the
      // display; its server made the socket, no lock yet
      other = execa('sleep', ['60'], { reject: false });
      writeFileSync(claim, `${other.pid}\n`);
      writeFileSync(socket, '');
      const r = await execa('node', [CLI, '--cleanup'], { env: { X11DOCKER_CLEANUP_SESSION: dir }, reject: false });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.ok(!existsSync(dir), 'the dead session folder is removed');
      assert.ok(existsSync(socket), "the other session's socket stays");
      assert.ok(existsSync(claim), "the other session's claim stays");
      // without the other session's claim, the dead session's socket goes
      rmSync(claim);
      again = mkdtempSync(join(ROOT_CACHE, 'e2e-dead-'));
      const reg2 = new SessionRegistry(again, { sessionId: 'e2edead2', backend: 'docker' });
      reg2.setDisplay(n, [claim, `/tmp/.X${n}-lock`, socket]);
      const record2 = JSON.parse(readFileSync(join(again, 'session.json'), 'utf8')) as { x11docker: { startTime: number } };
      record2.x11docker.startTime += 1;
      writeFileSync(join(again, 'session.json'), JSON.stringify(record2));
      await execa('node', [CLI, '--cleanup'], { env: { X11DOCKER_CLEANUP_SESSION: again }, reject: false });
      assert.ok(!existsSync(socket), 'a stale socket of the dead session is removed');
    } finally {
      other?.kill();
      await other;
      rmSync(dir, { recursive: true, force: true });
      if (again) rmSync(again, { recursive: true, force: true });
      rmSync(claim, { force: true });
      rmSync(socket, { force: true });
    }
  });
});

describe('one side dies, the other is stopped', () => {
  it('the container dying ends the X server and the session', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', DEMO_IMAGE, 'xeyes']);
      await waitForWindow(s, 'xeyes');
      await remember(s);
      const [id] = await containersOf(s.child.pid!);
      await execa('docker', ['kill', id!]);
      const r = await s.child;
      assert.notEqual(r.exitCode, 0, 'xeyes was killed');
      await assertSessionGone(s.child.pid!, s.display, 5000);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('a missing engine binary is a clear error naming it, and nothing is started', async () => {
    // a PATH with the tools x11docker uses, but no podman
    const bin = mkdtempSync(join(tmpdir(), 'x11docker-path-'));
    try {
      for (const b of ['Xvfb', 'xauth', 'xdpyinfo', 'getent', 'logname', 'sh', 'docker', 'node']) {
        const found = (await execa('sh', ['-c', `command -v ${b}`], { reject: false })).stdout.trim();
        if (found) symlinkSync(found, join(bin, b));
      }
      const child = execa('node', [CLI, '--xvfb', '--backend=podman', DEMO_IMAGE, 'true'], { env: { PATH: bin, HOME: process.env.HOME }, extendEnv: false, reject: false });
      const r = await child;
      assert.equal(r.exitCode, 64, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /'podman' could not be run.*apt-get install podman/);
      assert.deepEqual(sessionDirsOfPid(ROOT_CACHE, child.pid!), []);
      assert.deepEqual(await containersOf(child.pid!), []);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('an engine that does not answer is a clear error, and nothing is started', async () => {
    const child = execa('node', [CLI, '--xvfb', DEMO_IMAGE, 'true'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: `unix:///tmp/x11docker-no-engine-${process.pid}.sock` },
      extendEnv: false,
      reject: false,
    });
    const r = await child;
    assert.equal(r.exitCode, 64, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /docker does not answer/);
    assert.deepEqual(sessionDirsOfPid(ROOT_CACHE, child.pid!), []);
  });
});

describe('concurrent sessions and busy displays', () => {
  it('8 sessions started at once get 8 displays and cookies, each app only on its own display, all end cleanly', async () => {
    const sessions: RunningSession[] = [];
    try {
      const started = await Promise.allSettled(Array.from({ length: 8 }, () => startSession(['--xvfb', DEMO_IMAGE, 'xeyes'], { timeoutMs: 180000 })));
      for (const s of started) if (s.status === 'fulfilled') sessions.push(s.value);
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      assert.equal(new Set(sessions.map((s) => s.display)).size, 8, sessions.map((s) => s.display).join(','));
      const cookies = sessions.map((s) => readFileSync(s.xenv.XAUTHORITY!).toString('hex'));
      assert.equal(new Set(cookies).size, 8, 'distinct cookies');
      await Promise.all(sessions.map((s) => waitForWindow(s, 'xeyes', 60000)));
      await Promise.all(sessions.map(remember));
      for (const s of sessions) {
        const tree = (await xclient('xwininfo', ['-root', '-tree'], s.xenv)).stdout;
        assert.equal(tree.split('\n').filter((l) => l.includes('"xeyes"')).length, 1, `exactly one xeyes window on :${s.display}`);
        // another session's cookie is refused on this display
        const other = sessions.find((o) => o !== s)!;
        assert.notEqual((await xclient('xdpyinfo', [], { ...s.xenv, XAUTHORITY: other.xenv.XAUTHORITY! })).exitCode, 0);
      }
      for (const s of sessions) s.child.kill('SIGTERM');
      const results = await Promise.all(sessions.map((s) => s.child));
      for (const r of results) assert.equal(r.exitCode, 143, String(r.stderr));
      for (const s of sessions) await assertSessionGone(s.child.pid!, s.display, 5000);
    } finally {
      for (const s of sessions) await ensureEnded(s.child);
    }
  });

  it('a stale lock file or socket is never reused, and --display=N on a busy N is a clear error', async () => {
    const listening = listeningAbstractSockets();
    const free: number[] = [];
    for (let n = 100; free.length < 2 && n < 999; n++) if (!displayBusyReason(n, listening)) free.push(n);
    const [lockN, sockN] = free as [number, number];
    const made = [`/tmp/.X${lockN}-lock`, `/tmp/.X11-unix/X${sockN}`];
    try {
      writeFileSync(made[0]!, '    999999\n', { flag: 'wx' });
      writeFileSync(made[1]!, '', { flag: 'wx' });
      for (const n of [lockN, sockN]) {
        const r = await x11docker(['--xvfb', `--display=${n}`, DEMO_IMAGE, 'true']);
        assert.equal(r.exitCode, 64, r.stderr);
        assert.match(r.stderr, new RegExp(`^x11docker error: Option --display=${n}: display :${n} is in use \\((lock file|socket) [^)]+\\)`, 'm'));
      }
      const s = await startSession(['--xvfb', '--xonly']);
      try {
        assert.ok(!made.some((_, i) => s.display === free[i]), `stale display reused: :${s.display}`);
      } finally {
        s.child.kill('SIGINT');
        await s.child;
      }
      assert.ok(existsSync(made[0]!) && existsSync(made[1]!), 'stale files of others are not removed');
    } finally {
      for (const f of made) rmSync(f, { force: true });
    }
  });

  it("a display held by another user's X server is a clear error for --display and skipped otherwise", async () => {
    const other = execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'exec Xvfb -displayfd 3 -nolisten tcp 3>&1'], { reject: false, stdin: 'ignore' });
    try {
      const n = await new Promise<number>((resolve, reject) => {
        other.stdout!.on('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        void other.then(() => reject(new Error('Xvfb of the other user ended')));
      });
      const r = await x11docker(['--xvfb', `--display=${n}`, DEMO_IMAGE, 'true']);
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, new RegExp(`--display=${n}: display :${n} is in use`));
      assert.ok(existsSync(`/tmp/.X11-unix/X${n}`), "the other user's socket is untouched");
    } finally {
      other.kill('SIGTERM');
      await other;
    }
  });
});

describe('bad input and file modes', () => {
  it('bad invocations exit 64 with one line before anything is started', async () => {
    const cases: string[][] = [
      ['--display=', DEMO_IMAGE],
      ['--size=10x', '--xvfb', DEMO_IMAGE],
      ['--env', 'A B=1', DEMO_IMAGE],
      ['--workdir=rel\npath', DEMO_IMAGE],
      ['--user=a:b:c', DEMO_IMAGE],
      ['--backend=', DEMO_IMAGE],
      ['--cleanup', DEMO_IMAGE],
      ['--xvfb', `--name=${'x'.repeat(5000)}`, DEMO_IMAGE],
      ['--no-such-option', DEMO_IMAGE],
      ['--xvfb', '--', '--rm', 'NotAnImage:'],
    ];
    for (const argv of cases) {
      const child = execa('node', [CLI, ...argv], { reject: false, stdin: 'ignore' });
      const r = await child;
      assert.equal(r.exitCode, 64, `${JSON.stringify(argv)}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.length < 400, r.stderr);
      assert.deepEqual(sessionDirsOfPid(ROOT_CACHE, child.pid!), []);
      assert.deepEqual(await containersOf(child.pid!), []);
    }
  });

  it('under umask 000 the session folder, cookies and record are owner-only', async () => {
    const child = execa('sh', ['-c', 'umask 000; exec node "$0" --showenv --xvfb --xonly', CLI], { reject: false, stdin: 'ignore' });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => resolve(d.toString()));
        void child.then((r) => reject(new Error(String(r.stderr))));
      });
      const auth = /XAUTHORITY=(\S+)/.exec(line)![1]!;
      const dir = join(auth, '..');
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o077, 0, `${f} is owner-only`);
    } finally {
      child.kill('SIGINT');
      await child;
    }
  });

  it('a host user with umask 077 and a mode-700 ~/.cache works', async () => {
    const home = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':')[5]!;
    await execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'mkdir -p "$HOME/.cache" && chmod 700 "$HOME/.cache"']);
    const r = await execa(
      'su',
      [TEST_USER, '-s', '/bin/sh', '-c', 'umask 077; exec env "$@"', '--', 'sh', `PATH=${process.env.PATH}`, process.execPath, CLI, '--xvfb', DEMO_IMAGE, 'sh', '-c', 'xdpyinfo >/dev/null && echo ok=$(id -un)'],
      { reject: false, stdin: 'ignore', timeout: 60000 },
    );
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`ok=${TEST_USER}`));
    assert.deepEqual(sessionDirs(`${home}/.cache/x11docker`), []);
    // this user's X servers and claims only (other sessions on the machine end on their own time)
    const uid = Number((await execa('id', ['-u', TEST_USER])).stdout);
    // an X server whose session folder is gone has leaked (a live session keeps its folder)
    const xservers = (await execa('ps', ['-eo', 'args='])).stdout.split('\n').filter((a) => {
      const folder = new RegExp(`${home}/\\.cache/x11docker/[0-9a-f]+`).exec(a)?.[0];
      return /^\S*X\S*\s/.test(a) && folder !== undefined && !existsSync(folder);
    });
    const claims = readdirSync('/tmp').filter((f) => {
      const file = join('/tmp', f);
      return f.startsWith('.x11docker-display-') && statSync(file, { throwIfNoEntry: false })?.uid === uid && !existsSync(`/proc/${pidIn(file)}`);
    });
    assert.deepEqual([...xservers, ...claims], []);
  });
});
