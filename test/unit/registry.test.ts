// Covers the session record (src/run/registry.ts): process identity by pid + start time (pid reuse
// guard), and the record file (owner-only, atomic updates, read back).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, processStartTime, readRecord, selfId, SessionRegistry } from '../../src/run/registry.js';

describe('process identity', () => {
  test('this process is alive; the same pid with another start time is not (a reused pid)', () => {
    const me = selfId();
    assert.ok(me.startTime > 0);
    assert.equal(isAlive(me), true);
    assert.equal(isAlive({ pid: me.pid, startTime: me.startTime + 1 }), false);
  });

  test('an ended process is not alive', () => {
    const r = spawnSync('sh', ['-c', 'echo $$']);
    const pid = Number(String(r.stdout).trim());
    assert.equal(processStartTime(pid), undefined);
    assert.equal(isAlive({ pid, startTime: 1 }), false);
  });
});

describe('session record', () => {
  test('is written owner-only even under umask 000, updated atomically and read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-registry-'));
    const old = process.umask(0);
    try {
      const reg = new SessionRegistry(dir, { sessionId: 'abc', backend: 'docker' });
      reg.setDisplay(123, ['/tmp/.x11docker-display-123.claim', '/tmp/.X123-lock']);
      reg.addProcess(process.pid);
      reg.addProcess(2 ** 22 + 7); // no such process: not recorded
      reg.setContainer('f00d');
      assert.equal(statSync(join(dir, 'session.json')).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['session.json'], 'no temporary file left');
      const r = readRecord(dir)!;
      assert.equal(r.sessionId, 'abc');
      assert.equal(r.x11docker.pid, process.pid);
      assert.equal(r.display, 123);
      assert.equal(r.containerId, 'f00d');
      assert.deepEqual(r.processes.map((p) => p.pid), [process.pid]);
      assert.equal(readRecord(join(dir, 'missing')), undefined);
    } finally {
      process.umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
