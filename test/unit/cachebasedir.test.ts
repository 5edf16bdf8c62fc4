// --cachebasedir DIR (options/persistence.ts, plan.ts, plan/sensitive.ts, host/user.ts
// cacheBaseProblem): the session folders go into DIR; DIR and folders containing it are never
// shared; a DIR someone else owns or may write is refused before anything starts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { sharePolicy } from '../../src/plan/sensitive.js';
import { cacheBaseProblem } from '../../src/host/user.js';

const me = { name: 'me', uid: process.getuid!(), gid: process.getgid!(), groupName: 'me', home: '/home/me' };

describe('--cachebasedir', () => {
  test('the value is an absolute folder (a relative one is made absolute); an empty one is refused', () => {
    assert.equal(parseCommandLine(['--cachebasedir', '/var/tmp/x11c/', 'img']).cachebasedir, '/var/tmp/x11c');
    assert.equal(parseCommandLine(['--cachebasedir=rel', 'img']).cachebasedir, join(process.cwd(), 'rel'));
    assert.throws(() => parseCommandLine(['--cachebasedir', '', 'img']), /^X11DockerError: Option --cachebasedir needs a host folder, got an empty path/);
    assert.equal(parseCommandLine(['img']).cachebasedir, undefined);
  });

  test('DIR, a folder in it and a folder containing it are refused as shares; ~/.cache/x11docker stays refused', () => {
    const use = { cacheDir: '/data/x11c' };
    assert.equal(sharePolicy('/data/x11c', '/home/me', use).level, 'refuse');
    assert.match(JSON.stringify(sharePolicy('/data/x11c/abc', '/home/me', use)), /it is in \/data\/x11c, x11docker's cache \(--cachebasedir\)/);
    assert.match(JSON.stringify(sharePolicy('/data', '/home/me', use)), /it contains \/data\/x11c/);
    assert.equal(sharePolicy('/data/other', '/home/me', use).level, 'ok');
    assert.equal(sharePolicy('/home/me/.cache/x11docker/s', '/home/me', use).level, 'refuse');
    assert.equal(sharePolicy('/home/me', '/home/me', { cacheDir: '/home/me/c' }).level, 'refuse', 'HOME holding DIR: DIR cannot be hidden there');
  });

  test('DIR: missing in an existing folder is fine; others may write it, another owns it, or its parent is missing: one line', () => {
    const base = mkdtempSync(join(tmpdir(), 'x11docker-cachebase-'));
    try {
      assert.equal(cacheBaseProblem(join(base, 'new'), me, false), undefined);
      assert.match(cacheBaseProblem(join(base, 'a/b'), me, false) ?? '', /^Option --cachebasedir: the folder \S+\/a does not exist\./);
      mkdirSync(join(base, 'open'));
      chmodSync(join(base, 'open'), 0o777);
      assert.match(cacheBaseProblem(join(base, 'open'), me, false) ?? '', /is writable by others \(mode 777\)\. Restrict it \(chmod 700 /);
      mkdirSync(join(base, 'mine'), { mode: 0o700 });
      assert.equal(cacheBaseProblem(join(base, 'mine'), me, false), undefined);
      assert.match(cacheBaseProblem(join(base, 'mine'), { ...me, uid: me.uid + 1, name: 'other' }, false) ?? '', /belongs to uid \d+, not to other: its owner could read the session cookies/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
