/**
 * End to end: host users that real setups have and the main tests do not (issue 11, item 1): a uid
 * without a passwd entry (CI runners, OpenShift-style arbitrary uids, `docker run -u 1234`), no
 * USER or LOGNAME, HOME unset, missing or not writable. x11docker runs through `setpriv` with a
 * clean environment (`env -i`), in the docker group. It either works, or says in one line what is
 * missing and how to fix it (exit 64), never with a stack trace, and leaves nothing behind.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chownSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, DEMO_IMAGE, STACK_LINE, TEST_USER, assertNothingNew, leftovers, sessionDirs } from './helpers.js';

const dockerGid = (await execa('getent', ['group', 'docker'])).stdout.split(':')[2]!;
const [, , testerUid, testerGid, , testerHome] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');

/** The first uid from 1600 on without a passwd entry (and its expected group name). */
async function uidWithoutEntry(): Promise<{ uid: number; group: string }> {
  for (let uid = 1600; ; uid++) {
    if ((await execa('getent', ['passwd', String(uid)], { reject: false })).exitCode === 0) continue;
    const g = await execa('getent', ['group', String(uid)], { reject: false });
    return { uid, group: g.exitCode === 0 ? g.stdout.split(':')[0]! : `group${uid}` };
  }
}
const nobody = await uidWithoutEntry();

/**
 * Runs x11docker as `uid`:`gid` in the docker group with only PATH and `env` set (no USER,
 * LOGNAME, and HOME only when given).
 */
async function runAs(uid: number | string, gid: number | string, env: Record<string, string>, args: readonly string[]) {
  const vars = Object.entries({ PATH: process.env.PATH!, ...env }).map(([k, v]) => `${k}=${v}`);
  return execa('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, `--groups=${dockerGid}`, 'env', '-i', ...vars, process.execPath, CLI, ...args], { reject: false, stdin: 'ignore', timeout: 60000 });
}

/** A folder owned by `uid` (mode 0700) to serve as HOME; removed by the caller. */
function homeOf(uid: number): string {
  const dir = mkdtempSync('/tmp/x11docker-e2e-home-');
  chownSync(dir, uid, uid);
  return dir;
}

/** Asserts exit 64 with exactly one line on stderr that matches `line`, and no stack trace. */
function assertOneLine(r: { exitCode?: number; stderr: unknown }, line: RegExp): void {
  const stderr = String(r.stderr);
  assert.equal(r.exitCode, 64, stderr);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(stderr, line);
  assert.doesNotMatch(stderr, STACK_LINE);
}

const PROBE = ['sh', '-c', 'echo "who=$(id -un) uid=$(id -u) home=$HOME"; xdpyinfo >/dev/null && echo x=ok'];

describe('a host user without a passwd entry, USER, LOGNAME or a usable HOME', () => {
  it('a uid without a passwd entry runs: the name is made from the uid, HOME is $HOME, a note says so, nothing is left', async () => {
    const home = homeOf(nobody.uid);
    try {
      const base = await leftovers();
      const r = await runAs(nobody.uid, nobody.uid, { HOME: home }, ['--xvfb', DEMO_IMAGE, ...PROBE]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^who=user${nobody.uid} uid=${nobody.uid} home=/home/user${nobody.uid}$`, 'm'));
      assert.match(r.stdout, /^x=ok$/m);
      assert.match(r.stderr, new RegExp(`note: Your uid ${nobody.uid} has no passwd entry on the host .*x11docker calls you user${nobody.uid} \\(group ${nobody.group}\\), with HOME=${home}\\.`));
      assert.doesNotMatch(r.stderr, STACK_LINE);
      assert.ok(existsSync(join(home, '.cache', 'x11docker', 'x11docker.log')), 'the session log is kept in $HOME');
      assert.deepEqual(sessionDirs(join(home, '.cache', 'x11docker')), []);
      await assertNothingNew(base);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('HOME unset: a user with a passwd entry gets that entry\'s HOME; without an entry it is one line naming HOME', async () => {
    const base = await leftovers();
    const started = Date.now() - 1000;
    const r = await runAs(testerUid!, testerGid!, {}, ['--xvfb', DEMO_IMAGE, ...PROBE]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^who=${TEST_USER} uid=${testerUid} `, 'm'));
    assert.ok(statSync(join(testerHome!, '.cache', 'x11docker', 'x11docker.log')).mtimeMs >= started, 'the session ran in the passwd entry\'s HOME');
    const none = await runAs(nobody.uid, nobody.uid, {}, ['--xvfb', DEMO_IMAGE, 'true']);
    assertOneLine(none, new RegExp(`^x11docker error: HOME is not set and uid ${nobody.uid} has no passwd entry .*Set HOME to a writable folder of yours`));
    await assertNothingNew(base);
  });

  it('a HOME that does not exist is one line naming it and the fix; x11docker creates nothing', async () => {
    const missing = `/tmp/x11docker-e2e-nohome-${process.pid}`;
    const base = await leftovers();
    for (const [uid, gid] of [[nobody.uid, nobody.uid], [testerUid!, testerGid!]] as const) {
      const r = await runAs(uid, gid, { HOME: missing }, ['--xvfb', DEMO_IMAGE, 'true']);
      assertOneLine(r, new RegExp(`^x11docker error: HOME=${missing} of \\S+ \\(uid ${uid}\\) does not exist: .*Create it \\(mkdir -m 700 ${missing}\\)`));
      assert.equal(existsSync(missing), false);
    }
    await assertNothingNew(base);
  });

  it('a HOME that is not writable (a folder of root, /) is one line naming it and the fix', async () => {
    const rootOwned = mkdtempSync('/tmp/x11docker-e2e-rohome-');
    try {
      const base = await leftovers();
      for (const home of [rootOwned, '/']) {
        const r = await runAs(nobody.uid, nobody.uid, { HOME: home }, ['--xvfb', DEMO_IMAGE, 'true']);
        assertOneLine(r, new RegExp(`^x11docker error: ${home} is not a writable folder for user${nobody.uid} \\(uid ${nobody.uid}\\): .*Set HOME to a writable folder of yours`));
      }
      await assertNothingNew(base);
    } finally {
      rmSync(rootOwned, { recursive: true, force: true });
    }
  });

  it('--cleanup, --help and --version work without a passwd entry or HOME', async () => {
    for (const args of [['--cleanup'], ['--help'], ['--version']]) {
      const r = await runAs(nobody.uid, nobody.uid, {}, args);
      assert.equal(r.exitCode, 0, `${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
  });
});
