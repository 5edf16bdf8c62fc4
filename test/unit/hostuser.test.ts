/**
 * The host user without assumptions (src/host/user.ts): a uid without a passwd entry gets a name
 * made from the uid, HOME comes from $HOME, a missing or unusable HOME is one line naming it; and
 * the top level never prints a stack trace (src/fatal.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { hostHomeProblem, ownHome, resolveHostUser } from '../../src/host/user.js';
import { reportError } from '../../src/fatal.js';
import { X11DockerError } from '../../src/errors.js';
import { log } from '../../src/log.js';

/** A uid that has no passwd entry here. */
const NO_ENTRY_UID = 3_999_871;

describe('the invoking user without assumptions', () => {
  test('a uid without a passwd entry: name user<uid>, HOME from $HOME (made absolute and clean), a note', async () => {
    const r = await resolveHostUser({}, NO_ENTRY_UID, { HOME: '/tmp/h//' });
    assert.equal(r.user.name, `user${NO_ENTRY_UID}`);
    assert.equal(r.user.uid, NO_ENTRY_UID);
    assert.equal(r.user.home, '/tmp/h');
    assert.equal(r.source, 'invoking');
    assert.match(r.notes[0] ?? '', new RegExp(`uid ${NO_ENTRY_UID} has no passwd entry.*user${NO_ENTRY_UID}`));
  });

  test('no passwd entry and no usable HOME (unset, empty, relative): one line naming HOME and the fix', async () => {
    for (const env of [{}, { HOME: '' }, { HOME: 'rel/h' }]) {
      await assert.rejects(resolveHostUser({}, NO_ENTRY_UID, env), (e: unknown) => {
        assert.ok(e instanceof X11DockerError && e.exitCode === 64, String(e));
        assert.match(e.message, /^HOME is not set and uid \d+ has no passwd entry.*Set HOME to a writable folder/);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    }
  });

  test('a passwd entry: its name and group; $HOME wins over its home, as upstream', async () => {
    const withHome = await resolveHostUser({}, 0, { HOME: '/srv/roothome' });
    assert.equal(withHome.user.name, 'root');
    assert.equal(withHome.user.home, '/srv/roothome');
    assert.deepEqual(withHome.notes, []);
    assert.equal((await resolveHostUser({}, 0, {})).user.home, '/root');
  });

  test('--hostuser without root names the user x11docker made up', async () => {
    await assert.rejects(resolveHostUser({ hostuser: 'alice' }, NO_ENTRY_UID, { HOME: '/tmp' }), new RegExp(`--hostuser needs x11docker to run as root \\(you are user${NO_ENTRY_UID}\\)`));
  });

  test('ownHome: $HOME when absolute, else the passwd entry\'s', () => {
    assert.equal(ownHome({ HOME: '/x/y' }), '/x/y');
    assert.equal(ownHome({ HOME: 'rel' }), userInfo().homedir);
  });
});

describe('hostHomeProblem', () => {
  const user = (home: string) => ({ name: 'u', uid: 4242, gid: 4242, groupName: 'u', home });
  test('a missing HOME, a file as HOME: one line each; an existing folder is fine (as root only existence counts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-unit-home-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      assert.match(hostHomeProblem(user(join(dir, 'missing')), false) ?? '', /^HOME=\S+missing of u \(uid 4242\) does not exist: .*mkdir -m 700/);
      assert.match(hostHomeProblem(user(join(dir, 'file')), true) ?? '', /is not a folder/);
      assert.match(hostHomeProblem(user(join(dir, 'file', 'below')), false) ?? '', /cannot be reached \(ENOTDIR\)|does not exist/);
      assert.equal(hostHomeProblem(user(dir), false), undefined);
      assert.equal(hostHomeProblem(user(dir), true), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the top level never prints a stack trace', () => {
  /** Runs `fn` with stderr captured, without colour codes (picocolors colours under CI=true). */
  function stderrOf(fn: () => void): string {
    const write = process.stderr.write.bind(process.stderr);
    let out = '';
    process.stderr.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stderr.write;
    try {
      fn();
    } finally {
      process.stderr.write = write;
    }
    return out.replace(/\x1b\[[0-9;]*m/g, '');
  }

  test('an unexpected error is one line with exit 64; its stack only with --debug', () => {
    const error = new Error('uv_os_get_passwd returned ENOENT\nsecond line');
    let code = 0;
    const normal = stderrOf(() => (code = reportError(error)));
    assert.equal(code, 64);
    assert.equal(normal.trim().split('\n').length, 1, normal);
    assert.match(normal, /unexpected error: uv_os_get_passwd returned ENOENT\. This is a bug in x11docker; run it again with --debug/);
    assert.doesNotMatch(normal, /^ {4}at /m);
    log.setVerbosity('debug');
    try {
      assert.match(stderrOf(() => reportError(error)), /^ {4}at /m);
    } finally {
      log.setVerbosity('normal');
    }
  });

  test('an X11DockerError prints its message and keeps its exit code; a thrown non-Error is one line too', () => {
    let code = 0;
    assert.match(stderrOf(() => (code = reportError(new X11DockerError('Option --x: bad. Fix it.', 3)))), /error: Option --x: bad\. Fix it\.\n$/);
    assert.equal(code, 3);
    assert.equal(stderrOf(() => reportError('a string')).trim().split('\n').length, 1);
  });
});
