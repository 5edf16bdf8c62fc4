/**
 * End to end: upstream's `--printpid1` and `--printinfofile`. The PID printed is the container's
 * init on the host (another PID namespace than ours, a cgroup that names the container's ID),
 * the info file is the running session's record (it names that container); `--printcheck` shows
 * the dependency check as notes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { execa } from 'execa';
import { CLI, DEMO_IMAGE, assertNothingNew, ensureEnded, leftovers, waitFor, x11docker } from './helpers.js';

describe('--printpid1, --printinfofile, --printcheck', () => {
  it("--printpid1 prints the host PID of the container's PID 1; --printinfofile the session record's path", async () => {
    const base = await leftovers();
    const child = execa('node', [CLI, '--xvfb', '--printinfofile', '--printid', '--printpid1', DEMO_IMAGE, 'sleep', '60'], { reject: false, stdin: 'ignore', timeout: 120000 });
    try {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('three lines on stdout', () => out.split('\n').length > 3, 60000);
      const [infoFile, id, pid] = out.trim().split('\n');
      assert.match(id!, /^[0-9a-f]{64}$/);
      assert.match(pid!, /^\d+$/);
      assert.notEqual(readlinkSync(`/proc/${pid}/ns/pid`), readlinkSync('/proc/self/ns/pid'), "the PID is in the container's PID namespace");
      assert.ok(readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(id!), "its cgroup names the container's ID");
      assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /init/, 'PID 1 is the init (tini: docker-init)');
      assert.match(infoFile!, /\/\.cache\/x11docker\/[^/]+\/session\.json$/);
      assert.equal(JSON.parse(readFileSync(infoFile!, 'utf8')).containerId, id, 'the record is this session\'s');
      child.kill('SIGTERM');
      assert.equal((await child).exitCode, 143);
    } finally {
      await ensureEnded(child);
    }
    await assertNothingNew(base);
  });

  it('--printcheck: the dependency check of the X server options as notes; the session runs', async () => {
    const r = await x11docker(['--printcheck', DEMO_IMAGE, 'true'], { env: { DISPLAY: undefined } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stderr), /^x11docker note: --printcheck: --xvfb \(DISPLAY is not set\): possible$/m);
    assert.match(String(r.stderr), /^x11docker note: --printcheck: --xdummy \(DISPLAY is not set\): /m);
  });
});
