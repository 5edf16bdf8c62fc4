// Covers the session record (src/run/registry.ts): process identity by pid + start time (pid reuse
// guard), the record file (owner-only, atomic updates, read back) and the engine variables it keeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, processStartTime, readRecord, selfId, SessionRegistry } from '../../src/run/registry.js';
import { CliEngine } from '../../src/run/engine-cli.js';

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

  test('records the variables that chose the engine, and a clean-up engine made from them uses exactly those (e.g. a rootless daemon)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-registry-'));
    const saved = { host: process.env.DOCKER_HOST, context: process.env.DOCKER_CONTEXT, path: process.env.PATH };
    process.env.DOCKER_HOST = 'unix:///run/user/1001/docker.sock';
    delete process.env.DOCKER_CONTEXT;
    try {
      new SessionRegistry(dir, { sessionId: 'abc', backend: 'docker' });
      const recorded = readRecord(dir)!.engineEnv!;
      assert.equal(recorded.DOCKER_HOST, 'unix:///run/user/1001/docker.sock');
      assert.ok(!('DOCKER_CONTEXT' in recorded));
      assert.ok(!('PATH' in recorded), 'only engine variables');
      // cleaned up from a shell with another DOCKER_HOST and a context: the session's daemon, no context
      process.env.DOCKER_HOST = 'unix:///var/run/docker.sock';
      process.env.DOCKER_CONTEXT = 'other';
      // a stand-in docker CLI that prints what it was given
      writeFileSync(join(dir, 'docker'), '#!/bin/sh\necho "$DOCKER_HOST|${DOCKER_CONTEXT-unset}"\n', { mode: 0o755 });
      process.env.PATH = `${dir}:${saved.path}`;
      assert.equal((await new CliEngine('docker', recorded).exec(['info'])).stdout, 'unix:///run/user/1001/docker.sock|unset');
      assert.equal((await new CliEngine('docker').exec(['info'])).stdout, 'unix:///var/run/docker.sock|other', "a session's engine: x11docker's own environment");
    } finally {
      for (const [k, v] of [['DOCKER_HOST', saved.host], ['DOCKER_CONTEXT', saved.context], ['PATH', saved.path]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
