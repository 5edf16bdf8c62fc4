// The run layer's supervisor (src/run/session.ts) with a fake engine and a display driver whose
// only process is a `sleep`: each step fails in turn (display start, container create, the copy
// into it, its start), and a stop request arrives at each step. Everything registered before
// that point must be undone, in stage order, and nothing after it may run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { planSession, type SessionPlan } from '../../src/plan/plan.js';
import type { HostFacts } from '../../src/host/facts.js';
import type { DisplayDriver } from '../../src/xserver/driver.js';
import { Session } from '../../src/run/session.js';
import type { Engine } from '../../src/run/engine.js';
import { X11DockerError } from '../../src/errors.js';
import { log } from '../../src/log.js';

/** The steps of a session that the fake engine sees, in order. */
type Step = 'create' | 'mounts' | 'readFiles' | 'writeFiles' | 'start';

/** An engine that records calls, fails or requests a stop at one step, and runs no container. */
class FakeEngine {
  /** docker: the mounts are read from the create arguments; podman: asked (the `mounts` step). */
  backend: 'docker' | 'podman' = 'docker';
  readonly calls: string[] = [];
  private endApp: (code: number) => void = () => undefined;

  constructor(
    private readonly failAt?: Step,
    private readonly stopAt?: { step: Step; controller: AbortController },
  ) {}

  private step(s: Step): void {
    this.calls.push(s);
    if (this.stopAt?.step === s) this.stopAt.controller.abort('SIGINT');
    if (this.failAt === s) throw new X11DockerError(`fake ${s} failed`);
  }
  async create(): Promise<string> {
    this.step('create');
    return 'c0ffee0000000000000000000000000000000000000000000000000000000000';
  }
  async mounts() {
    this.step('mounts');
    return [];
  }
  async readFiles(_id: string, paths: readonly string[]) {
    this.step('readFiles');
    const db: Record<string, string> = { '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n', '/etc/group': 'root:x:0:\n' };
    return new Map(paths.map((p) => [p, db[p]]));
  }
  async writeFiles() {
    this.step('writeFiles');
  }
  startAttached() {
    let running = true;
    let failed = false;
    const ended = new Promise<number>((resolve, reject) => {
      this.endApp = (code) => {
        running = false;
        if (failed) reject(new X11DockerError('docker could not start the container: fake start failed. Check the docker run options after -- and the command.'));
        else resolve(code);
      };
    });
    try {
      this.step('start');
    } catch {
      failed = true;
      this.endApp(125); // the engine could not start it
    }
    return { ended, running: () => running, heldStderr: () => '', flushStderr: () => undefined };
  }
  async neverStarted() {
    return this.failAt === 'start';
  }
  async startError() {
    return this.failAt === 'start' ? 'fake start failed' : '';
  }
  async hostPid() {
    return undefined;
  }
  async stop() {
    this.calls.push('stop');
    this.endApp(143);
  }
  async remove() {
    this.calls.push('remove');
  }
}

/** A unique argument, so that the test can find its display process among all processes. */
const MARK = String(31_000 + (process.pid % 1000));

/** A display whose one process is `sleep MARK` (or a binary that does not exist). */
function fakeDriver(fails: boolean): DisplayDriver {
  return {
    name: 'xvfb', requires: [], source: 'new', gives: 'x11', needs: {}, visible: false, seamless: false,
    honours: { size: true, fullscreen: false, keymap: false, clipboard: 'sync', xtest: 'optional' },
    describe: () => 'fake display',
    launch: () => ({
      files: [],
      processes: [{ role: 'X server', binary: fails ? '/nonexistent/fake-x' : 'sleep', args: [MARK], connectsTo: 'none', ready: { kind: 'none' }, essential: true }],
      containerEnv: {}, containerMounts: [],
      x11: false, // no X socket to wait for before the container is created
    }),
  };
}

/** Whether a `sleep MARK` process of this test still runs. */
function displayProcessRuns(): boolean {
  return readdirSync('/proc').some((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${MARK}\0`;
    } catch {
      return false;
    }
  });
}

/** A plan for `x11docker --xvfb img true` with the fake display, in a private HOME. */
function fakePlan(home: string, displayFails = false): SessionPlan {
  const host: HostFacts = {
    processUid: process.getuid!(), hostUser: { name: 'tester', uid: process.getuid!(), gid: process.getgid!(), groupName: 'tester', home },
    hostUserSource: 'invoking', binaries: new Set(['Xvfb', 'docker']), sessionId: `t${process.pid}${Date.now() % 100000}`, pid: process.pid,
  };
  const plan = planSession(parseCommandLine(['--xvfb', 'img', 'true']), host, { id: 'sha256:fake', user: '', workingDir: '', entrypoint: [], cmd: ['true'], env: [] });
  return { ...plan, driver: fakeDriver(displayFails) };
}

/** Captures the undo steps in the order they run (the log's debug lines). */
async function withUndoLog<T>(fn: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; undone: string[] }> {
  const undone: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  log.setVerbosity('debug');
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const m = /undo: (.*)/.exec(String(chunk));
    if (m) undone.push(m[1]!.replace(/[0-9a-f]{12}\b/, 'ID').replace(/:\d+/, ':N').replace(/\/\S+$/, 'FOLDER'));
    return true;
  }) as typeof process.stderr.write;
  try {
    const [result] = await Promise.allSettled([fn()]);
    return { result: result!, undone };
  } finally {
    process.stderr.write = write;
    log.setVerbosity('normal');
  }
}

describe('Session: a failure or a stop at each step undoes exactly what came before, in order', () => {
  const cases: Array<{ name: string; failAt?: Step | 'display'; stopAt?: Step; backend?: 'podman'; calls: string[]; undone: string[] }> = [
    { name: 'podman: reading the mounts fails', backend: 'podman', failAt: 'mounts', calls: ['create', 'mounts', 'remove'], undone: ['remove container ID', 'stop X server :N', 'release display claim :N', 'remove FOLDER'] },
    // the container is created while the display starts (by design): it goes when the display fails
    { name: 'display start fails', failAt: 'display', calls: ['create', 'readFiles', 'writeFiles', 'remove'], undone: ['remove container ID', 'release display claim :N', 'remove FOLDER'] },
    { name: 'container create fails', failAt: 'create', calls: ['create'], undone: ['stop X server :N', 'release display claim :N', 'remove FOLDER'] },
    { name: 'the copy into the container fails', failAt: 'writeFiles', calls: ['create', 'readFiles', 'writeFiles', 'remove'], undone: ['remove container ID', 'stop X server :N', 'release display claim :N', 'remove FOLDER'] },
    { name: 'a stop request during create', stopAt: 'create', calls: ['create', 'readFiles', 'writeFiles', 'remove'], undone: ['remove container ID', 'stop X server :N', 'release display claim :N', 'remove FOLDER'] },
    { name: 'a stop request during the copy', stopAt: 'writeFiles', calls: ['create', 'readFiles', 'writeFiles', 'remove'], undone: ['remove container ID', 'stop X server :N', 'release display claim :N', 'remove FOLDER'] },
    { name: 'a stop request during the start', stopAt: 'start', calls: ['create', 'readFiles', 'writeFiles', 'start', 'stop', 'remove'], undone: ['stop container ID', 'remove container ID', 'stop X server :N', 'release display claim :N', 'remove FOLDER'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const home = mkdtempSync(join(tmpdir(), 'x11docker-session-test-'));
      try {
        const controller = new AbortController();
        const engine = new FakeEngine(c.failAt === 'display' ? undefined : c.failAt, c.stopAt ? { step: c.stopAt, controller } : undefined);
        if (c.backend) engine.backend = c.backend;
        const plan = fakePlan(home, c.failAt === 'display');
        const { result, undone } = await withUndoLog(async () => {
          const s = await new Session(plan, { ...({} as HostFacts), binaries: new Set() }, engine as unknown as Engine).start(controller.signal);
          return s.exited;
        });
        if (c.stopAt) {
          // a stop during the start rejects the start with the signal's exit code; one at the start's last step ends the session with it
          const code = result.status === 'fulfilled' ? result.value : (result.reason as X11DockerError).exitCode;
          assert.equal(code, 130, String(result.status === 'rejected' ? result.reason : ''));
        } else {
          assert.equal(result.status, 'rejected');
          assert.ok((result as PromiseRejectedResult).reason instanceof X11DockerError, String((result as PromiseRejectedResult).reason));
        }
        assert.deepEqual(engine.calls, c.calls, 'engine steps: nothing after the failing one');
        // the process stage runs concurrently: compare it as a set, the stages in order
        const stage = (s: string) => (s.startsWith('stop container') ? 0 : s.startsWith('remove container') || s.startsWith('stop X') ? 1 : 2);
        assert.deepEqual(undone.map(stage), [...undone.map(stage)].sort(), `stage order: ${undone.join(', ')}`);
        assert.deepEqual([...undone].sort(), [...c.undone].sort(), 'exactly what was made is undone');
        assert.deepEqual(undone.filter((s) => stage(s) === 2), c.undone.filter((s) => stage(s) === 2), 'files in reverse order');
        assert.equal(displayProcessRuns(), false, 'the display process is gone');
        assert.equal(existsSync(plan.sessionDir), false, 'the session folder is gone');
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }

  test('the application\'s end ends the session with its exit code, and everything is undone', async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-session-test-'));
    try {
      const engine = new FakeEngine();
      const plan = fakePlan(home);
      const controller = new AbortController();
      const s = await new Session(plan, { ...({} as HostFacts), binaries: new Set() }, engine as unknown as Engine).start(controller.signal);
      assert.equal(displayProcessRuns(), true, 'the display runs while the session runs');
      controller.abort('SIGTERM');
      assert.equal(await s.exited, 143);
      assert.deepEqual(engine.calls, ['create', 'readFiles', 'writeFiles', 'start', 'stop', 'remove']);
      assert.equal(displayProcessRuns(), false);
      assert.equal(existsSync(plan.sessionDir), false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
