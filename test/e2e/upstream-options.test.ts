/**
 * End to end: upstream options of 7.8.1 added later: `--printpid1` and `--printinfofile`. The PID printed is the container's
 * init on the host (another PID namespace than ours, a cgroup that names the container's ID),
 * the info file is the running session's record (it names that container); `--printcheck` shows
 * the dependency check as notes. `--cachebasedir DIR` puts the session folder (the info file's)
 * into DIR, and it goes away there as from ~/.cache/x11docker, also after kill -9.
 * `--fallback=no` refuses what would otherwise be a note.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { CLI, DEMO_IMAGE, TEST_USER, assertNothingNew, ensureEnded, leftovers, waitFor, x11docker } from './helpers.js';

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

describe('--cachebasedir', () => {
  it("the session folder is made in DIR (mode 0700) and goes away with the session, also after kill -9 (the watcher's clean-up)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-cachebase-'));
    const cache = join(dir, 'cache');
    try {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const base = await leftovers();
        const child = execa('node', [CLI, '--xvfb', `--cachebasedir=${cache}`, '--printinfofile', DEMO_IMAGE, 'sleep', '60'], { reject: false, stdin: 'ignore', timeout: 120000 });
        try {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
          await waitFor('the info file on stdout', () => out.includes('\n'), 60000);
          const info = out.trim();
          assert.equal(dirname(dirname(info)), cache, `the record is in a session folder in DIR: ${info}`);
          assert.equal(statSync(dirname(info)).mode & 0o777, 0o700);
          assert.equal(statSync(cache).mode & 0o777, 0o700);
          child.kill(signal);
          await child;
          await waitFor('the session folder to go', () => !existsSync(dirname(info)), 15000);
          assert.deepEqual(readdirSync(cache).filter((n) => n !== 'images' && n !== 'x11docker.log'), []);
        } finally {
          await ensureEnded(child);
        }
        await assertNothingNew(base);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--fallback=no', () => {
  it('an option the X server ignores is one line naming it, exit 64, nothing started; --fallback (yes) runs with the note', async () => {
    const base = await leftovers();
    const no = await x11docker(['--fallback=no', '--xvfb', '--fullscreen', DEMO_IMAGE, 'true']);
    assert.equal(no.exitCode, 64);
    assert.match(String(no.stderr).trim().split('\n').at(-1)!, /^x11docker error: Option --fallback=no: x11docker would go on without what was asked for: Option --fullscreen has no effect with --xvfb\. /);
    await assertNothingNew(base);
    const yes = await x11docker(['--fallback', '--xvfb', '--fullscreen', DEMO_IMAGE, 'true']);
    assert.equal(yes.exitCode, 0, String(yes.stderr));
    assert.match(String(yes.stderr), /note: Option --fullscreen has no effect with --xvfb/);
  });
});

describe('--no-setup', () => {
  it("as the test user: the command runs as its uid:gid without a name; /etc/passwd and /etc/group are the image's", async () => {
    const base = await leftovers();
    const [, , tuid, tgid] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');
    const image = await execa('docker', ['run', '--rm', '--network=none', DEMO_IMAGE, 'sh', '-c', 'md5sum /etc/passwd /etc/group']);
    const r = await x11docker(['--xvfb', '--no-setup', DEMO_IMAGE, 'sh', '-c', 'echo "ids=$(id -u):$(id -g) entry=$(grep -c "^[^:]*:[^:]*:$(id -u):" /etc/passwd)"; md5sum /etc/passwd /etc/group'], { asUser: TEST_USER });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), new RegExp(`^ids=${tuid}:${tgid} entry=0$`, 'm'));
    assert.ok(String(r.stdout).includes(String(image.stdout)), `unchanged user database:\n${String(r.stdout)}\nimage:\n${String(image.stdout)}`);
    assert.match(String(r.stderr), /note: Option --no-setup: x11docker writes no user, HOME or passwd entry/);
    await assertNothingNew(base);
  });
});

describe('--checkwindow', () => {
  it("a command that forks its window and exits: the session lasts until the window closes, then ends with 0; without it, at once", async () => {
    const base = await leftovers();
    const forking = ['sh', '-c', 'xeyes & pid=$!; (sleep 4; kill $pid) & exit 0'];
    const started = Date.now();
    const r = await x11docker(['--xvfb', '--checkwindow', DEMO_IMAGE, ...forking]);
    const took = Date.now() - started;
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.ok(took >= 4000, `the session waited for the window (${took} ms)`);
    assert.match(String(r.stderr), /--checkwindow: the command ended with exit code 0; the container runs until its windows are closed/);
    assert.match(String(r.stderr), /note: Option --checkwindow: the windows on :\d+ are closed; ending the session\./);
    await assertNothingNew(base);
    const plain = Date.now();
    assert.equal((await x11docker(['--xvfb', DEMO_IMAGE, ...forking])).exitCode, 0);
    assert.ok(Date.now() - plain < took, 'without --checkwindow the session ends with the command');
    await assertNothingNew(base);
  });

  it('a command that never ends: the session ends when its window is gone; =ARG waits for that text in the window list', async () => {
    const base = await leftovers();
    const r = await x11docker(['--xvfb', '--checkwindow', DEMO_IMAGE, 'sh', '-c', 'xeyes & sleep 3; kill $!; sleep 600'], { timeoutMs: 60000 });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stderr), /the windows on :\d+ are closed; ending the session/);
    // xlogo stays, but the session watches for xeyes only
    const arg = await x11docker(['--xvfb', '--checkwindow=xeyes', DEMO_IMAGE, 'sh', '-c', 'xlogo & xeyes & sleep 3; kill $!; sleep 600'], { timeoutMs: 60000 });
    assert.equal(arg.exitCode, 0, String(arg.stderr));
    await assertNothingNew(base);
  });
});
