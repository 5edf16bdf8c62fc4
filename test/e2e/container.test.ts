/**
 * End to end: the container options of issue 4 (first half) with real images on a real Xvfb:
 * persistent HOME and shared folders (owner and mode on the host), container users (`id` inside),
 * sudo, workdir, environment bytes, locales, and images without bash/useradd/shell. Each test
 * checks that nothing is left behind; host folders it made are removed in `finally`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_IMAGE, TEST_USER, ensureEnded, leftovers, startSession, waitFor, waitForWindow, x11docker, type RunningSession } from './helpers.js';

const BUSYBOX = 'x11docker-test-busybox-x11:latest';
const ENTRYPOINT = 'x11docker-test-entrypoint:latest';
const LOCALES = 'x11docker-test-locales:latest';
const NOSHELL = 'x11docker-test-noshell:latest';

const [, , tuid, tgid, , thome] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');
const uid = Number(tuid);
const gid = Number(tgid);
/** Runs x11docker as the unprivileged test user on a new Xvfb. */
const asTester = (args: string[]) => x11docker(['--xvfb', ...args], { asUser: TEST_USER });

/**
 * Asserts that the sessions of this test left nothing: containers, X servers, sockets and claims
 * that `leftovers()` reports now but did not report at `baseline` (other engineers' test runs on
 * this shared machine may leave their own while they run, e.g. after a deliberate SIGKILL).
 */
async function assertNothingLeft(baseline: Leftovers, display?: number): Promise<void> {
  const fresh = async () => {
    const l = await leftovers(display);
    const old = new Set([...baseline.containers, ...baseline.xservers, ...baseline.sockets, ...baseline.claims]);
    return [...l.containers, ...l.xservers, ...l.sockets, ...l.claims].filter((x) => !old.has(x));
  };
  await waitFor('session leftovers to disappear', async () => (await fresh()).length === 0, 5000).catch(async (e: Error) =>
    assert.fail(`${e.message}: ${JSON.stringify(await fresh())}`),
  );
}
type Leftovers = Awaited<ReturnType<typeof leftovers>>;

/** A host folder owned by the test user; removed by the caller. */
/** Starts a session as the test user, waits for its xeyes window, ends it with SIGINT and checks nothing is left. */
async function showsXeyesAndEnds(args: readonly string[], baseline: Leftovers): Promise<void> {
  let s: RunningSession | undefined;
  try {
    s = await startSession(args, { asUser: TEST_USER });
    await waitForWindow(s, 'xeyes');
    s.child.kill('SIGINT');
    await s.child;
    await assertNothingLeft(baseline, s.display);
  } finally {
    await ensureEnded(s?.child);
  }
}

function testerDir(name: string): string {
  const base = mkdtempSync('/tmp/x11docker-e2e-');
  chmodSync(base, 0o755);
  const dir = join(base, name);
  mkdirSync(dir);
  chownSync(dir, uid, gid);
  return dir;
}

function line(stdout: string, name: string): string {
  const m = new RegExp(`^${name}=(.*)$`, 'm').exec(stdout);
  assert.ok(m, `no ${name}= line in:\n${stdout}`);
  return m[1]!;
}

describe('persistent HOME and shared folders', () => {
  it('--home: ~/x11docker/IMAGENAME is HOME, writable, owned by the host user, and survives the next run', async () => {
    const base = await leftovers();
    const folder = join(thome!, 'x11docker', 'x11docker-test-busybox-x11'); // (':latest' is left out)
    rmSync(folder, { recursive: true, force: true });
    try {
      const first = await asTester(['--home', BUSYBOX, 'sh', '-c', 'echo "home=$HOME pwd=$(pwd)"; echo kept > "$HOME/note"']);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.equal(line(first.stdout, 'home'), `/home/${TEST_USER} pwd=/home/${TEST_USER}`);
      const dir = statSync(folder);
      assert.equal(dir.uid, uid);
      assert.equal(dir.mode & 0o777, 0o700);
      const note = statSync(join(folder, 'note'));
      assert.equal(note.uid, uid, 'written in the container, owned by the host user on the host');
      assert.equal(note.gid, gid);
      const second = await asTester(['--home', BUSYBOX, 'sh', '-c', 'echo "note=$(cat "$HOME/note")"']);
      assert.equal(line(second.stdout, 'note'), 'kept', second.stderr);
      await assertNothingLeft(base);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("--home=VOLUME and --share=VOLUME (upstream 7.x): a file written in HOME stays in the named volume for the next session, owned by the container user; a shared volume at /VOLUME, read-only with :ro", async () => {
    const base = await leftovers();
    const vol = `x11d-e2e-home-${process.pid}`;
    const shared = `x11d-e2e-share-${process.pid}`;
    await execa('docker', ['volume', 'rm', '-f', vol, shared], { reject: false });
    try {
      const home = `/home.volume/${vol}/${TEST_USER}`;
      const first = await asTester([`--home=${vol}`, BUSYBOX, 'sh', '-c', 'echo "home=$HOME pwd=$(pwd)"; echo kept > "$HOME/note"']);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.equal(line(first.stdout, 'home'), `${home} pwd=${home}`);
      const second = await asTester([`--homedir=${vol}`, BUSYBOX, 'sh', '-c', 'echo "note=$(cat "$HOME/note") owner=$(stat -c %u:%g "$HOME/note") dir=$(stat -c %u:%a "$HOME")"']);
      assert.equal(second.exitCode, 0, second.stderr);
      assert.equal(line(second.stdout, 'note'), `kept owner=${uid}:${gid} dir=${uid}:700`);
      // in the volume itself, as the engine keeps it
      const mountpoint = (await execa('docker', ['volume', 'inspect', vol, '-f', '{{.Mountpoint}}'])).stdout.trim();
      const note = statSync(join(mountpoint, TEST_USER, 'note'));
      assert.deepEqual([note.uid, note.gid, readFileSync(join(mountpoint, TEST_USER, 'note'), 'utf8')], [uid, gid, 'kept\n']);

      await execa('docker', ['run', '--rm', '-v', `${shared}:/d`, DEMO_IMAGE, 'sh', '-c', 'echo from-volume > /d/f']);
      const ro = await asTester([`--share=${shared}:ro`, BUSYBOX, 'sh', '-c', `echo "f=$(cat /${shared}/f)"; touch /${shared}/g 2>/dev/null && echo wrote || echo read-only`]);
      assert.equal(ro.exitCode, 0, ro.stderr);
      assert.equal(line(ro.stdout, 'f'), 'from-volume');
      assert.match(ro.stdout, /^read-only$/m);
      const bad = await asTester(['--home=./rel/dir', BUSYBOX, 'true']);
      assert.equal(bad.exitCode, 64);
      assert.match(bad.stderr, /^x11docker error: Option --home needs an absolute path beginning with \/ or a volume name without any \//m);
      await assertNothingLeft(base);
    } finally {
      await execa('docker', ['volume', 'rm', '-f', vol, shared], { reject: false });
    }
  });

  it('--home as root with --hostuser: the folder is made in the host user\'s HOME and owned by that user', async () => {
    const base = await leftovers();
    const folder = join(thome!, 'x11docker', 'x11docker-test-busybox-x11');
    rmSync(folder, { recursive: true, force: true });
    try {
      const r = await x11docker(['--xvfb', '--hostuser', TEST_USER, '--home', 'x11docker-test-busybox-x11', 'sh', '-c', 'touch "$HOME/r" && echo "id=$(id -u)"']);
      assert.equal(line(r.stdout, 'id'), String(uid), r.stderr);
      for (const p of [join(thome!, 'x11docker'), folder, join(folder, 'r')]) assert.equal(statSync(p).uid, uid, p);
      await assertNothingLeft(base);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('--homedir DIR and --home=DIR: the folder (with a space) is HOME; a missing one is created for the host user', async () => {
    const base = await leftovers();
    const dir = testerDir('my home');
    const created = join(dir, 'new,sub');
    try {
      const a = await asTester(['--homedir', dir, BUSYBOX, 'sh', '-c', 'touch "$HOME/a" && echo ok=$HOME']);
      assert.equal(line(a.stdout, 'ok'), `/home/${TEST_USER}`, a.stderr);
      assert.equal(statSync(join(dir, 'a')).uid, uid);
      const b = await asTester([`--home=${created}`, BUSYBOX, 'sh', '-c', 'touch "$HOME/b" && echo ok']);
      assert.equal(b.exitCode, 0, b.stderr);
      assert.equal(statSync(created).uid, uid);
      assert.equal(statSync(created).mode & 0o777, 0o700);
      assert.equal(statSync(join(created, 'b')).uid, uid);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
    await assertNothingLeft(base);
  });

  it('--sharedir DIR and --share DIR:ro: same path, writable or read-only; spaces and commas work', async () => {
    const base = await leftovers();
    const rw = testerDir('shared, with space');
    const ro = testerDir('readonly');
    writeFileSync(join(ro, 'in'), 'from host');
    try {
      const r = await asTester([
        '--sharedir', rw, '--share', `${ro}:ro`, BUSYBOX, 'sh', '-c',
        `echo x > "${rw}/out" && echo rw=ok; echo y > "${ro}/out" 2>/dev/null && echo ro=writable || echo ro=refused; echo read=$(cat "${ro}/in")`,
      ]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(line(r.stdout, 'rw'), 'ok');
      assert.equal(line(r.stdout, 'ro'), 'refused');
      assert.equal(line(r.stdout, 'read'), 'from host');
      assert.equal(statSync(join(rw, 'out')).uid, uid);
      assert.ok(!existsSync(join(ro, 'out')));
      await assertNothingLeft(base);
    } finally {
      rmSync(join(rw, '..'), { recursive: true, force: true });
      rmSync(join(ro, '..'), { recursive: true, force: true });
    }
  });

  it('an empty or missing --sharedir path is refused before anything starts', async () => {
    const base = await leftovers();
    for (const path of ['', '/nonexistent/x11docker-e2e']) {
      const r = await asTester(['--sharedir', path, BUSYBOX, 'true']);
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, /--sharedir/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    await assertNothingLeft(base);
  });

  it('--sharedir of a sensitive host folder prints a warning', async () => {
    const base = await leftovers();
    const r = await asTester(['--sharedir', '/usr/share/doc:ro', BUSYBOX, 'true']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Option --sharedir \/usr\/share\/doc:ro: a sensitive host path/);
    // /etc would cover the user database that x11docker writes: refused before anything starts
    const etc = await asTester(['--sharedir', '/etc:ro', BUSYBOX, 'true']);
    assert.equal(etc.exitCode, 64, etc.stderr);
    assert.match(etc.stderr, /--sharedir \/etc.*\/etc\/passwd/);
    await assertNothingLeft(base);
  });
});

describe('raw mounts after -- never let x11docker write onto the host', () => {
  it('-- -v DIR:/etc --: refused before docker cp, the host folder unchanged, nothing left', async () => {
    // a throw-away folder stands in for the host's /etc (never the real one)
    const fake = mkdtempSync('/tmp/x11docker-e2e-fakeetc-');
    try {
      writeFileSync(join(fake, 'passwd'), 'sentinel\n');
      const base = await leftovers();
      const r = await asTester(['--', '-v', `${fake}:/etc`, '--', BUSYBOX, 'true']);
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, new RegExp(`error: Raw option '-v ${fake}:/etc' covers /etc/passwd.*--user=RETAIN`));
      assert.equal(r.stderr.trim().split('\n').filter((l) => /error/.test(l)).length, 1, r.stderr);
      assert.equal(readFileSync(join(fake, 'passwd'), 'utf8'), 'sentinel\n');
      assert.deepEqual((await execa('ls', ['-A', fake])).stdout.split('\n'), ['passwd']);
      // the same for a mount over the container user's HOME folder
      const home = await asTester(['--', `--mount=type=bind,src=${fake},dst=${thome}`, '--', BUSYBOX, 'true']);
      assert.equal(home.exitCode, 64, home.stderr);
      assert.match(home.stderr, new RegExp(`covers ${thome}`));
      assert.deepEqual((await execa('ls', ['-A', fake])).stdout.split('\n'), ['passwd']);
      await assertNothingLeft(base);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('-- --read-only --: nothing is copied in; the user database is mounted read-only, HOME is a writable tmpfs, the app reaches X; a raw mount over /etc is refused', async () => {
    const base = await leftovers();
    // no cached user database for the image: it is read from a probe container, which goes away
    const imageId = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', DEMO_IMAGE])).stdout.trim();
    const cached = join(thome!, '.cache/x11docker/images', `${imageId.slice('sha256:'.length)}.userdb.json`);
    rmSync(cached, { force: true });
    const script = 'id -un; touch "$HOME/f" && echo home-writable; touch /etc/f 2>/dev/null || echo rootfs-read-only; xdpyinfo >/dev/null && echo x-ok';
    const r = await asTester(['--', '--read-only', '--', DEMO_IMAGE, 'sh', '-c', script]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [TEST_USER, 'home-writable', 'rootfs-read-only', 'x-ok']);
    assert.ok(existsSync(cached), 'the user database was cached from the probe container');
    // cached now: the same again without a probe
    const again = await asTester(['--', '--read-only=true', '--', DEMO_IMAGE, 'sh', '-c', script]);
    assert.deepEqual(again.stdout.split('\n'), [TEST_USER, 'home-writable', 'rootfs-read-only', 'x-ok'], again.stderr);
    const fake = mkdtempSync('/tmp/x11docker-e2e-fakeetc-');
    try {
      const over = await asTester(['--', '--read-only', '-v', `${fake}:/etc`, '--', DEMO_IMAGE, 'true']);
      assert.equal(over.exitCode, 64, over.stderr);
      assert.match(over.stderr, /covers \/etc\/(passwd|group), where x11docker mounts its own files/);
      assert.deepEqual(readdirSync(fake), [], 'no mount point was made in the host folder');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
    await assertNothingLeft(base);
  });

  it('-- -v /tmp/.X11-unix:... --: the host X sockets are refused like --sharedir; /etc read-only warns', async () => {
    const base = await leftovers();
    const r = await asTester(['--', '-v', '/tmp/.X11-unix:/hostx', '--', BUSYBOX, 'true']);
    assert.equal(r.exitCode, 64, r.stderr);
    assert.match(r.stderr, /error: Raw option '-v \/tmp\/.X11-unix:\/hostx' is refused: .*X servers/);
    // HOME or / by a raw mount: x11docker's cache (other sessions' cookies) cannot be hidden there, / holds the X sockets
    for (const [source, why] of [[`/home/${TEST_USER}`, /it shares \S+, which contains x11docker's cache .*Use --sharedir/], ['/', /it shares \/ and it contains \/tmp\/\.X11-unix/]] as const) {
      const h = await asTester(['--', '-v', `${source}:/hx:ro`, '--', BUSYBOX, 'true']);
      assert.equal(h.exitCode, 64, h.stderr);
      assert.match(h.stderr.trim(), new RegExp(`^x11docker error: Raw option '-v ${source.replace(/\//g, '\\/')}:/hx:ro' is refused: ${why.source}`));
    }
    const etc = await asTester(['--', '--volume=/etc:/hostetc:ro', '--', BUSYBOX, 'sh', '-c', 'test -f /hostetc/passwd && echo shared=yes']);
    assert.equal(etc.exitCode, 0, etc.stderr);
    assert.equal(line(etc.stdout, 'shared'), 'yes');
    assert.match(etc.stderr, /WARNING: Raw option '--volume=\/etc:\/hostetc:ro': a sensitive host path/);
    // a folder of ours over the new display's socket: the container would see it around the socket
    const fake = mkdtempSync('/tmp/x11docker-e2e-fakex-');
    try {
      const over = await asTester(['--', '-v', `${fake}:/tmp/.X11-unix`, '--', BUSYBOX, 'true']);
      assert.equal(over.exitCode, 64, over.stderr);
      assert.match(over.stderr, new RegExp(`error: Raw option '-v ${fake}:/tmp/.X11-unix' covers /tmp/.X11-unix/X\\d+, where x11docker mounts its own files`));
      assert.deepEqual((await execa('ls', ['-A', fake])).stdout, '');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
    await assertNothingLeft(base);
  });
});

describe('one sensitive-path policy for --sharedir, --homedir and --home=DIR', () => {
  it('a symbolic link is judged as its target: a link to /etc warns, a link to /tmp/.X11-unix is refused', async () => {
    const base = mkdtempSync('/tmp/x11docker-e2e-link-');
    try {
      chmodSync(base, 0o755);
      symlinkSync('/etc', join(base, 'etc'));
      symlinkSync('/tmp/.X11-unix', join(base, 'x11'));
      const before = await leftovers();
      const r = await asTester(['--sharedir', `${join(base, 'etc')}:ro`, BUSYBOX, 'sh', '-c', `test -f ${join(base, 'etc')}/passwd && echo shared=yes`]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(line(r.stdout, 'shared'), 'yes');
      assert.match(r.stderr, new RegExp(`WARNING: Option --sharedir ${join(base, 'etc')}:ro \\(a symbolic link to /etc\\): a sensitive host path`));
      for (const args of [['--sharedir', join(base, 'x11')], ['--homedir', join(base, 'x11')], [`--home=${join(base, 'x11')}`], ['--homedir', '/tmp/.X11-unix']]) {
        const x = await asTester([...args, BUSYBOX, 'true']);
        assert.equal(x.exitCode, 64, `${args.join(' ')}: ${x.stderr}`);
        assert.match(x.stderr, /error: Option --(sharedir|homedir) \S+( \(a symbolic link to \/tmp\/.X11-unix\))? is refused: it holds the sockets of all X servers/);
        assert.equal(x.stderr.trim().split('\n').length, 1, x.stderr);
      }
      await assertNothingLeft(before);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('x11docker\'s cache is refused; sharing HOME hides it (other sessions\' cookies) behind an empty mount', async () => {
    const before = await leftovers();
    for (const dir of [join(thome!, '.cache', 'x11docker'), join(thome!, '.cache')]) {
      const r = await asTester(['--sharedir', dir, BUSYBOX, 'true']);
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, /is refused: it (is|contains) .*x11docker's cache/);
    }
    // during the session its own folder (with the cookie) is in the tester's cache on the host
    const r = await asTester(['--sharedir', `${thome}:ro`, BUSYBOX, 'sh', '-c', 'echo "cache=$(ls -A $HOME/hosthome/.cache/x11docker | wc -l) home=$(test -d $HOME/hosthome/.cache && echo yes)"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'cache'), '0 home=yes');
    assert.match(r.stderr, /WARNING: Option --sharedir \S+:ro: your host HOME is shared/);
    await assertNothingLeft(before);
  });
});

describe('container users', () => {
  it('--user=root runs as root with no capabilities, and warns', async () => {
    const base = await leftovers();
    const r = await asTester(['--user=root', BUSYBOX, 'sh', '-c', 'echo "id=$(id -u):$(id -g) home=$HOME cap=$(grep CapEff /proc/self/status | cut -f2)"']);
    assert.equal(line(r.stdout, 'id'), '0:0 home=/root cap=0000000000000000', r.stderr);
    assert.match(r.stderr, /WARNING: Option --user=root/);
    await assertNothingLeft(base);
  });

  it('--user=UID:GID and --user=NAME', async () => {
    const base = await leftovers();
    const a = await asTester(['--user=2345:3456', BUSYBOX, 'sh', '-c', 'echo "id=$(id -u):$(id -g) home=$HOME"; touch "$HOME/w" && echo w=ok']);
    assert.equal(line(a.stdout, 'id'), '2345:3456 home=/home/user2345', a.stderr);
    assert.equal(line(a.stdout, 'w'), 'ok');
    assert.match(a.stderr, /WARNING: Option --user=2345:3456/);
    const b = await asTester(['--user=nobody', BUSYBOX, 'sh', '-c', 'echo "id=$(id -un):$(id -u)"']);
    assert.equal(line(b.stdout, 'id'), 'nobody:65534', b.stderr);
    await assertNothingLeft(base);
  });

  it('--user=RETAIN keeps the image USER; ENTRYPOINT and WORKDIR are kept, the command appended', async () => {
    const base = await leftovers();
    const r = await asTester(['--user=RETAIN', ENTRYPOINT, 'sh', '-c', 'echo "id=$(id -un):$(id -u) pwd=$(pwd)"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^entrypoint: user=appuser pwd=\/srv\/app args=sh -c /m);
    assert.equal(line(r.stdout, 'id'), 'appuser:4321 pwd=/srv/app');
    assert.doesNotMatch(r.stderr, /runs as root/);
    await assertNothingLeft(base);
  });

  it('--user=RETAIN on an image without USER runs as root with the root warning; with --init=runit it is refused', async () => {
    const base = await leftovers();
    const r = await asTester(['--user=RETAIN', BUSYBOX, 'sh', '-c', 'echo "id=$(id -u)"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'id'), '0');
    assert.match(r.stderr, /WARNING: Option --user=RETAIN: the image's USER is not set, so the container command runs as root/);
    const runit = await asTester(['--user=RETAIN', '--init=runit', ENTRYPOINT, 'true']);
    assert.equal(runit.exitCode, 64, runit.stderr);
    assert.match(runit.stderr, /error: Option --user=RETAIN cannot be combined with --init=runit/);
    assert.equal(runit.stderr.trim().split('\n').length, 1, runit.stderr);
    await assertNothingLeft(base);
  });

  it('an image with USER, ENTRYPOINT and WORKDIR: ENTRYPOINT + CMD show the window; the host user replaces USER', async () => {
    const base = await leftovers();
    const r = await asTester([ENTRYPOINT, 'sh', '-c', 'echo "id=$(id -un) pwd=$(pwd) home=$HOME"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^entrypoint: user=${TEST_USER} pwd=/srv/app args=sh -c`, 'm'));
    assert.equal(line(r.stdout, 'id'), `${TEST_USER} pwd=/srv/app home=/home/${TEST_USER}`);
    await showsXeyesAndEnds(['--xvfb', ENTRYPOINT], base);
  });

  it('--workdir DIR; default is the image WORKDIR, else HOME', async () => {
    const base = await leftovers();
    const a = await asTester(['--workdir', '/tmp', ENTRYPOINT, 'pwd']);
    assert.match(a.stdout, /^\/tmp$/m, a.stderr);
    const b = await asTester([BUSYBOX, 'pwd']);
    assert.equal(b.stdout.trim(), `/home/${TEST_USER}`, b.stderr);
    await assertNothingLeft(base);
  });

  it('--sudouser: sudo with password x11docker works, with the warning; without it sudo is refused', async () => {
    const base = await leftovers();
    const probe = ['sh', '-c', 'echo "sudo=$(echo x11docker | sudo -S -p "" id -u 2>/dev/null || echo refused)"; echo "bnd=$(grep CapBnd /proc/self/status | cut -f2) nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)"'];
    const r = await asTester(['--sudouser', LOCALES, ...probe]);
    assert.equal(line(r.stdout, 'sudo'), '0', r.stderr);
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP (bits 0,1,3-8) + AUDIT_WRITE (29), new privileges allowed
    assert.equal(line(r.stdout, 'bnd'), '00000000200001fb nnp=0');
    assert.match(r.stderr, /WARNING: Option --sudouser: .*password 'x11docker'/);
    const n = await asTester([LOCALES, ...probe]);
    assert.equal(line(n.stdout, 'sudo'), 'refused', n.stderr);
    await assertNothingLeft(base);
  });

  it('--sudouser=nopasswd (upstream): sudo -n works without a password, with the warning', async () => {
    const base = await leftovers();
    const r = await asTester(['--sudouser=nopasswd', LOCALES, 'sh', '-c', 'echo "sudo=$(sudo -n id -u 2>/dev/null || echo refused)"']);
    assert.equal(line(r.stdout, 'sudo'), '0', r.stderr);
    assert.match(r.stderr, /Option --sudouser=nopasswd: sudo asks for no password/);
    const withPassword = await asTester(['--sudouser', LOCALES, 'sh', '-c', 'echo "sudo=$(sudo -n id -u 2>/dev/null || echo refused)"']);
    assert.equal(line(withPassword.stdout, 'sudo'), 'refused', 'plain --sudouser still asks for the password');
    await assertNothingLeft(base);
  });
});

describe('environment and locale', () => {
  it('--env values arrive byte for byte (spaces, quotes, =, $, *, UTF-8), repeatable', async () => {
    const base = await leftovers();
    const value = ` two  spaces "dq" 'sq' a=b $HOME * \\ ü€ `;
    const r = await asTester(['--env', `ODD=${value}`, '--env', 'SECOND=2', DEMO_IMAGE, 'sh', '-c', 'printf "%s|%s" "$ODD" "$SECOND"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${value}|2`);
    await assertNothingLeft(base);
  });

  it('--lang=de, --lang=zh_CN and --lang=zh_CN.UTF-8 are created with localedef and active', async () => {
    const base = await leftovers();
    // de_DE starts without a cached copy, so localedef really runs each time; zh_CN (slow to
    // compile) is compiled on a fresh machine and then cached; zh_CN.UTF-8 reuses it
    const id = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', LOCALES])).stdout.replace(/^sha256:/, '');
    rmSync(join(thome!, '.cache', 'x11docker', 'images', `${id}.locales`, 'de_DE.UTF-8'), { recursive: true, force: true });
    for (const [spec, name, month] of [['de', 'de_DE.UTF-8', 'Januar'], ['zh_CN', 'zh_CN.UTF-8', '一月'], ['zh_CN.UTF-8', 'zh_CN.UTF-8', '一月']] as const) {
      const r = await asTester([`--lang=${spec}`, LOCALES, 'sh', '-c', 'echo "lang=$LANG charmap=$(locale charmap) month=$(date -u -d @0 +%B)"; locale >/dev/null']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(line(r.stdout, 'lang'), `${name} charmap=UTF-8 month=${month}`, r.stderr);
      assert.doesNotMatch(r.stderr, /Cannot set LC_/);
    }
    await assertNothingLeft(base);
  });

  it("--lang=C.UTF-8 (glibc's built-in, was refused): LANG=C.UTF-8, UTF-8 charmap, no localedef run, no locale cached", async () => {
    const base = await leftovers();
    const id = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', LOCALES])).stdout.replace(/^sha256:/, '');
    const cache = join(thome!, '.cache', 'x11docker', 'images', `${id}.locales`, 'C.UTF-8');
    const r = await asTester(['--lang=C.UTF-8', LOCALES, 'sh', '-c', 'echo "lang=$LANG charmap=$(locale charmap)"; locale >/dev/null']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'lang'), 'C.UTF-8 charmap=UTF-8', r.stderr);
    assert.doesNotMatch(r.stderr, /Cannot set LC_|localedef/);
    assert.ok(!existsSync(cache), 'nothing compiled');
    await assertNothingLeft(base);
  });

  it('--lang=de is found under every name glibc accepts: locale -a lists de_DE.utf8 (as locale-gen makes it), LANG=de_DE.UTF-8 and LANG=de_DE.utf8 both work', async () => {
    const base = await leftovers();
    // each spelling: `locale` (its errors go to stderr, which the script moves to stdout) and a German month
    const script = 'echo "all=$(locale -a | grep -i "^de_DE" | tr "\\n" " ")"; for l in de_DE.UTF-8 de_DE.utf8; do echo "$l=$(LANG=$l locale 2>&1 >/dev/null | tr "\\n" " ")|$(LANG=$l date -u -d @0 +%B)|$(LANG=$l locale charmap)"; done';
    const r = await asTester(['--lang=de', LOCALES, 'sh', '-c', script]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'all').trim(), 'de_DE.utf8', r.stdout);
    assert.equal(line(r.stdout, 'de_DE.UTF-8'), '|Januar|UTF-8', r.stdout);
    assert.equal(line(r.stdout, 'de_DE.utf8'), '|Januar|UTF-8', r.stdout);
    await assertNothingLeft(base);
  });

  it('--lang removes work folders that a killed session left in the locale cache', async () => {
    const imageId = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', LOCALES])).stdout.trim().slice('sha256:'.length);
    const base = join(thome!, '.cache/x11docker/images', `${imageId}.locales`);
    const stale = join(base, '.it_IT.UTF-8.999999999.tmp');
    // made by the test user itself, so that every folder on the way is the user's
    await execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'mkdir -p "$0"', stale]);
    const r = await asTester(['--lang=de', LOCALES, 'true']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(!existsSync(stale), 'the stale work folder (its pid is gone) was removed');
  });

  it('--lang on an image without locale sources: a clear note, LANG set, the command still runs', async () => {
    const base = await leftovers();
    const r = await asTester(['--lang=de', BUSYBOX, 'sh', '-c', 'echo lang=$LANG']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'lang'), 'de_DE.UTF-8');
    assert.match(r.stderr, /--lang: cannot create locale de_DE.UTF-8 .*apt-get install locales/);
    await assertNothingLeft(base);
  });

  it('--lang with another charmap is honoured; an unknown locale names the missing source, not localedef', async () => {
    const base = await leftovers();
    const iso = await asTester(['--lang=en_US.ISO-8859-1', LOCALES, 'sh', '-c', 'echo "lang=$LANG charmap=$(locale charmap)"']);
    assert.equal(iso.exitCode, 0, iso.stderr);
    assert.equal(line(iso.stdout, 'lang'), 'en_US.ISO-8859-1 charmap=ISO-8859-1', iso.stderr);
    const xx = await asTester(['--lang=xx_YY', LOCALES, 'sh', '-c', 'echo lang=$LANG']);
    assert.equal(xx.exitCode, 0, xx.stderr);
    assert.match(xx.stderr, /cannot create locale xx_YY.UTF-8 .*\(the image has no locale source xx_YY/);
    assert.doesNotMatch(xx.stderr, /has no localedef/);
    await assertNothingLeft(base);
  });

  it('--lang de IMAGE (value written apart): the error says the value needs --lang=de', async () => {
    const base = await leftovers();
    const r = await asTester(['--lang', 'de', BUSYBOX, 'true']);
    assert.equal(r.exitCode, 64, r.stderr);
    assert.match(r.stderr, /error: Image 'de' not found locally\. Option --lang takes its value only as --lang=de/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    await assertNothingLeft(base);
  });
});

describe('XDG_RUNTIME_DIR', () => {
  it('an X session gets a private runtime folder (tmpfs of the container user, 0700), also with a read-only root filesystem', async () => {
    const base = await leftovers();
    const script = 'echo "$XDG_RUNTIME_DIR $(stat -c "%a %u" "$XDG_RUNTIME_DIR")"; touch "$XDG_RUNTIME_DIR/s" && echo writable';
    for (const extra of [[], ['--', '--read-only', '--']]) {
      const r = await asTester([...extra, DEMO_IMAGE, 'sh', '-c', script]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n'), [`/tmp/XDG_RUNTIME_DIR 700 ${uid}`, 'writable'], extra.join(' '));
    }
    await assertNothingLeft(base);
  });
});

describe('time zone', () => {
  it("the container has the host's time zone, also in an image without tzdata; --env TZ wins", async () => {
    const base = await leftovers();
    const run = async (image: string, hostTz: string, extra: string[] = []) => {
      const r = await x11docker(['--xvfb', ...extra, image, 'sh', '-c', 'echo "$TZ $(date +%Z)"'], { asUser: TEST_USER, env: { TZ: hostTz } });
      assert.equal(r.exitCode, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(await run(DEMO_IMAGE, 'Asia/Kolkata'), 'Asia/Kolkata IST');
    // busybox-x11 has no /usr/share/zoneinfo: the host's zone file is mounted
    assert.match(await run(BUSYBOX, 'America/New_York'), /^America\/New_York E[SD]T$/);
    assert.equal(await run(DEMO_IMAGE, 'Asia/Kolkata', ['--env', 'TZ=Asia/Tokyo']), 'Asia/Tokyo JST');
    await assertNothingLeft(base);
  });
});

describe('images without bash, useradd or a shell', () => {
  it('busybox image (no bash, no useradd, no passwd): the host user exists with a writable HOME', async () => {
    const base = await leftovers();
    const r = await asTester([BUSYBOX, 'sh', '-c', 'echo "id=$(id -un):$(id -u):$(id -g) home=$HOME"; touch "$HOME/x" && echo w=ok; ls /bin/bash /usr/sbin/useradd 2>/dev/null || echo nobash=yes']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(line(r.stdout, 'id'), `${TEST_USER}:${uid}:${gid} home=/home/${TEST_USER}`);
    assert.equal(line(r.stdout, 'w'), 'ok');
    assert.equal(line(r.stdout, 'nobash'), 'yes');
    await assertNothingLeft(base);
  });

  it('an image whose /home is a symbolic link (ostree-style): HOME is made through the link and is writable', async () => {
    const base = await leftovers();
    const r = await asTester(['x11docker-test-homelink:latest', 'sh', '-c', 'touch "$HOME/f" && readlink -f "$HOME" && stat -c "%U %a" "$HOME"']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [`/var/home/${TEST_USER}`, `${TEST_USER} 700`]);
    await assertNothingLeft(base);
  });

  it('busybox image: an X client (xeyes) shows its window on the new display', async () => {
    const base = await leftovers();
    await showsXeyesAndEnds(['--xvfb', BUSYBOX, 'xeyes'], base);
  });

  it('an image with one static binary and no shell runs directly; a missing command is named and nothing is left', async () => {
    const base = await leftovers();
    const r = await asTester([NOSHELL]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'static binary ran');
    const m = await x11docker(['--xvfb', '--', '--entrypoint=', '--', NOSHELL, 'sh', '-c', 'true'], { asUser: TEST_USER });
    assert.notEqual(m.exitCode, 0);
    assert.match(m.stderr, /sh/);
    await assertNothingLeft(base);
  });
});
