// Reading files a container can write (src/run/safe-read.ts): issue 12, a hostile image that
// turns /x11docker/exit/code into a symlink to /dev/zero crashed x11docker (out of memory).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { readContainerWrittenFile } from '../../src/run/safe-read.js';

describe('readContainerWrittenFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safe-read-'));
  test('a regular file is read, up to the limit in bytes', () => {
    writeFileSync(join(dir, 'code'), '5\n');
    assert.equal(readContainerWrittenFile(join(dir, 'code')), '5\n');
    writeFileSync(join(dir, 'big'), 'y'.repeat(1_000_000));
    assert.equal(readContainerWrittenFile(join(dir, 'big'), 10), 'yyyyyyyyyy');
  });
  test('a symlink (to /dev/zero, to a host file) is not followed', () => {
    symlinkSync('/dev/zero', join(dir, 'zero'));
    symlinkSync('/etc/hostname', join(dir, 'host'));
    assert.equal(readContainerWrittenFile(join(dir, 'zero')), undefined);
    assert.equal(readContainerWrittenFile(join(dir, 'host')), undefined);
  });
  test('a FIFO without a writer, a folder and a missing file return at once', async () => {
    await execa('mkfifo', [join(dir, 'fifo')]);
    mkdirSync(join(dir, 'folder'));
    const t0 = Date.now();
    assert.equal(readContainerWrittenFile(join(dir, 'fifo')), undefined);
    assert.equal(readContainerWrittenFile(join(dir, 'folder')), undefined);
    assert.equal(readContainerWrittenFile(join(dir, 'missing')), undefined);
    assert.ok(Date.now() - t0 < 1000);
    rmSync(dir, { recursive: true, force: true });
  });
});
