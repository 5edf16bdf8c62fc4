/**
 * End to end: x11docker on rootless docker, the main jobs as the unprivileged test user with
 * DOCKER_HOST pointing to its own rootless daemon (started by scripts/setup-rootless.sh at
 * /run/user/UID/docker.sock): a window on Xvfb and on Xephyr, hardening seen from inside, --home
 * and --sharedir (what the container writes belongs to the host user outside), --lang, --weston, and clean-up after
 * SIGINT, after `kill -9` of x11docker (its watcher) and by `--cleanup` from a shell without
 * DOCKER_HOST. Skipped only when the set-up recorded that this machine cannot run the daemon.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_IMAGE, TEST_USER, ensureEnded, leftovers, sessionDirs, startHostDisplay, startSession, waitFor, waitForWindow, x11docker,
  type HostDisplay, type RunningSession,
} from './helpers.js';

const [, , tuid, tgid, , thome] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');
const uid = Number(tuid);
const gid = Number(tgid);
const home = thome!;
const LOCALES = 'x11docker-test-locales:latest';
const WAYLAND = 'x11docker-test-wayland:latest';
const SOCKET = `/run/user/${uid}/docker.sock`;
const env = { DOCKER_HOST: `unix://${SOCKET}` };
const STATUS = `/var/lib/x11docker-test-rootless/${TEST_USER}.status`;
const status = existsSync(STATUS) ? readFileSync(STATUS, 'utf8').trim() : `missing: ${STATUS} (run scripts/setup.sh)`;
/** Skip reason: only a machine where the set-up found that the daemon cannot run. */
const skip = status.startsWith('unavailable: ') ? `rootless docker cannot run on this machine: ${status.slice('unavailable: '.length)}` : false;

/** The docker CLI (as root) against the test user's rootless daemon. */
const rootless = (args: string[]) => execa('docker', args, { env, reject: false });
/** Containers of x11docker in the rootless daemon (any state). */
const rootlessContainers = async () => (await rootless(['ps', '-aq', '--filter', 'label=x11docker.session'])).stdout.split('\n').filter(Boolean);

/** The host uid that the rootless daemon's user namespace gives container uid `inside` (/etc/subuid; 0 is the user itself). */
function outsideUid(inside: number): number {
  if (inside === 0) return uid;
  const [, start] = readFileSync('/etc/subuid', 'utf8').split('\n').find((l) => l.startsWith(`${TEST_USER}:`))!.split(':');
  return Number(start) + inside - 1;
}

/** The x11docker process of a session started as the test user (the child of `su`). */
async function x11dockerPid(s: RunningSession): Promise<number> {
  const r = await execa('pgrep', ['-P', String(s.child.pid), '-f', 'x11docker.js']);
  return Number(r.stdout.split('\n')[0]);
}

/** Waits until the rootless daemon has no x11docker container and the host nothing of the session. */
async function assertNothingLeft(display: number): Promise<void> {
  await waitFor('no x11docker container in the rootless daemon', async () => (await rootlessContainers()).length === 0, 10000).catch(async (e: Error) =>
    assert.fail(`${e.message}: ${(await rootless(['ps', '-a'])).stdout}`),
  );
  await waitFor('the session to leave nothing on the host', async () => {
    const l = await leftovers(display);
    return l.xservers.length + l.sockets.length + l.claims.length === 0 && sessionDirs(`${home}/.cache/x11docker`).length === 0;
  }, 8000).catch(async (e: Error) => assert.fail(`${e.message}: ${JSON.stringify(await leftovers(display))}`));
}

/** A folder in /tmp owned by the test user; the caller removes `dirname` of it. */
function testerDir(): string {
  const base = mkdtempSync('/tmp/x11docker-e2e-rootless-');
  chmodSync(base, 0o755);
  const dir = join(base, 'shared');
  mkdirSync(dir);
  chownSync(dir, uid, gid);
  return dir;
}

describe('rootless docker (the test user\'s own daemon, scripts/setup-rootless.sh)', { skip }, () => {
  let host: HostDisplay;
  before(async () => {
    assert.equal(status, 'ok', `set-up status of the rootless daemon: ${status}`);
    const info = await execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'exec env DOCKER_HOST="$0" docker info --format "{{json .SecurityOptions}}"', env.DOCKER_HOST], { reject: false });
    assert.match(info.stdout, /name=rootless/, `the test user's daemon at ${SOCKET} answers and runs rootless: ${info.stderr}`);
    host = await startHostDisplay();
  });
  after(async () => {
    await host?.stop();
  });

  for (const server of ['--xvfb', '--xephyr']) {
    it(`${server}: the window appears; inside: the host user's name and uid, no capabilities, no-new-privileges; outside: a subordinate uid; SIGINT leaves nothing in that daemon`, async () => {
      let s: RunningSession | undefined;
      const title = `rootless${process.pid}${server}`;
      try {
        s = await startSession([server, DEMO_IMAGE, 'sh', '-c', `exec xeyes -title "${title} $(id -un):$(id -u):$(id -g) cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status) nnp=$(sed -n "s/^NoNewPrivs:\\t*//p" /proc/self/status)"`], {
          asUser: TEST_USER,
          env: { ...env, DISPLAY: server === '--xephyr' ? host.display : undefined },
        });
        await waitForWindow(s, `${title} ${TEST_USER}:${uid}:${gid} cap=0000000000000000 nnp=1`, 40000);
        const pid = await x11dockerPid(s);
        // the container is the rootless daemon's (and not the main daemon's)
        assert.equal((await rootless(['ps', '-q', '--filter', `label=x11docker.pid=${pid}`])).stdout.split('\n').filter(Boolean).length, 1);
        assert.equal((await execa('docker', ['ps', '-aq', '--filter', `label=x11docker.pid=${pid}`])).stdout, '');
        // on the host the app runs as a subordinate uid of the test user, not as the user itself
        const ps = (await execa('ps', ['-eo', 'uid=,args='])).stdout.split('\n').filter((l) => l.includes(`xeyes -title ${title}`));
        assert.deepEqual(ps.map((l) => Number(l.trim().split(/\s+/)[0])), [outsideUid(uid)], ps.join('\n'));
        process.kill(pid, 'SIGINT');
        assert.equal((await s.child).exitCode, 130, s.stderr());
        await assertNothingLeft(s.display);
      } finally {
        await ensureEnded(s?.child);
      }
    });
  }

  it("--rootless (upstream's): without DOCKER_HOST the session runs in the user's rootless daemon at /run/user/UID/docker.sock; --rootless=no in the rootful one; a missing socket is one error line", async () => {
    const map = 'head -n1 /proc/self/uid_map | tr -s " " | sed "s/^ //"';
    const inRootless = await x11docker(['--xvfb', '--rootless', DEMO_IMAGE, 'sh', '-c', map], { asUser: TEST_USER });
    assert.equal(inRootless.exitCode, 0, inRootless.stderr);
    // container root is the test user outside: the rootless daemon's user namespace
    assert.equal(inRootless.stdout.trim(), `0 ${uid} 1`);
    const inRootful = await x11docker(['--xvfb', '--rootless=no', DEMO_IMAGE, 'sh', '-c', map], { asUser: TEST_USER, env });
    assert.equal(inRootful.exitCode, 0, inRootful.stderr);
    assert.equal(inRootful.stdout.trim(), '0 0 4294967295', 'the rootful daemon: no user namespace');
    // root has no rootless daemon here
    const missing = await x11docker(['--xvfb', '--rootless', DEMO_IMAGE, 'true'], { env: { XDG_RUNTIME_DIR: undefined } });
    assert.equal(missing.exitCode, 64);
    assert.match(missing.stderr, /^x11docker error: Option --rootless: no rootless docker daemon's socket at \/run\/user\/0\/docker\.sock\./m);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.deepEqual(await rootlessContainers(), []);
  });

  it('--home and --sharedir: root in the container, which is the host user outside; what it writes belongs to the host user; a :ro share stays read-only', async () => {
    const dir = testerDir();
    const ro = testerDir();
    const persistent = join(home, 'x11docker', 'x11docker-demo');
    rmSync(persistent, { recursive: true, force: true });
    try {
      const script = `echo "who=$(id -un):$(id -u):$(id -g) home=$HOME cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status) nnp=$(sed -n "s/^NoNewPrivs:\\t*//p" /proc/self/status)"; echo persisted=$(cat "$HOME/h" 2>/dev/null); echo run > "$HOME/h" && mkdir -p "$HOME/.config/app" && touch "${dir}/s" && mkdir "${dir}/sub" && echo written=yes; touch "${ro}/x" 2>/dev/null || echo ro=refused`;
      const r = await x11docker(['--xvfb', '--home', '--sharedir', dir, '--sharedir', `${ro}:ro`, DEMO_IMAGE, 'sh', '-c', script], { asUser: TEST_USER, env });
      assert.equal(r.exitCode, 0, r.stderr);
      // name and HOME stay the user's; uid 0 is the user outside (rootless docker has no --userns=keep-id)
      assert.match(r.stdout, new RegExp(`^who=root:0:0 home=/home/${TEST_USER} cap=0000000000000000 nnp=1$`, 'm'), r.stdout);
      assert.match(r.stdout, /^written=yes$/m, r.stderr);
      assert.match(r.stdout, /^ro=refused$/m);
      assert.match(r.stderr, /runs rootless: the container command runs as root in the container, which is your own user outside/);
      for (const p of [join(persistent, 'h'), join(persistent, '.config', 'app'), join(dir, 's'), join(dir, 'sub')]) {
        const st = statSync(p);
        assert.deepEqual([st.uid, st.gid], [uid, gid], `${p} belongs to the host user`);
      }
      assert.ok(!existsSync(join(ro, 'x')));
      // the persistent HOME is there on the next run
      const again = await x11docker(['--xvfb', '--home', DEMO_IMAGE, 'sh', '-c', 'echo persisted=$(cat "$HOME/h")'], { asUser: TEST_USER, env });
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stdout, /^persisted=run$/m);
      assert.deepEqual(await rootlessContainers(), []);
    } finally {
      for (const d of [dir, ro]) rmSync(join(d, '..'), { recursive: true, force: true });
      rmSync(join(home, 'x11docker'), { recursive: true, force: true });
    }
  });

  it('--lang=de: localedef runs in the rootless daemon and writes the locale into the host user\'s cache; both spellings of LANG work', async () => {
    const id = (await rootless(['image', 'inspect', '--format', '{{.Id}}', LOCALES])).stdout.replace(/^sha256:/, '');
    assert.match(id, /^[0-9a-f]{64}$/, `the locale test image is in the rootless daemon: ${id}`);
    // no cached copy, so localedef really runs (as root in the container: the host user outside)
    const cached = join(home, '.cache', 'x11docker', 'images', `${id}.locales`, 'de_DE.UTF-8');
    rmSync(cached, { recursive: true, force: true });
    const r = await x11docker(['--xvfb', '--lang=de', LOCALES, 'sh', '-c', 'for l in de_DE.UTF-8 de_DE.utf8; do echo "$l=$(LANG=$l date -u -d @0 +%B)"; done'], { asUser: TEST_USER, env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /cannot create locale/);
    assert.match(r.stdout, /^de_DE\.UTF-8=Januar\nde_DE\.utf8=Januar$/m, r.stdout);
    assert.equal(statSync(join(cached, 'LC_CTYPE')).uid, uid, 'the compiled locale belongs to the host user');
    assert.deepEqual(await rootlessContainers(), []);
  });

  it('--weston: root in the container (the host user outside) reaches the compositor socket, which is the host user\'s (mode 0755)', async () => {
    const probe = 'echo "who=$(id -u)"; timeout 2 weston-simple-shm >/dev/null 2>&1; echo "client=$?"';
    const r = await x11docker(['--weston', WAYLAND, 'sh', '-c', probe], { asUser: TEST_USER, env });
    assert.equal(r.exitCode, 0, r.stderr);
    // 124: the client ran until `timeout` ended it, i.e. it connected and drew (1: no compositor)
    assert.match(r.stdout, /^who=0\nclient=124$/m, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /runs rootless: .* so that it can use the sockets of --weston\./);
    assert.deepEqual(await rootlessContainers(), []);
  });

  it('--limit: on a daemon without cgroups (rootless docker on cgroup v1) x11docker warns that nothing is limited', async () => {
    const cgroups = (await rootless(['info', '--format', '{{.CgroupDriver}}'])).stdout.trim();
    const r = await x11docker(['--xvfb', '--limit', DEMO_IMAGE, 'true'], { asUser: TEST_USER, env });
    assert.equal(r.exitCode, 0, r.stderr);
    if (cgroups === 'none') assert.match(r.stderr, /WARNING: Option --limit=0\.5: the container engine manages no cgroups here/);
    else assert.match(r.stderr, /note: Option --limit=0\.5: the container may use/, `CgroupDriver ${cgroups}`);
  });

  /** Starts xeyes as the test user on the rootless daemon, hands its session and x11docker pid to `fn`, and ends it if `fn` did not. */
  async function withXeyes(fn: (s: RunningSession, pid: number) => Promise<void>): Promise<void> {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', DEMO_IMAGE, 'xeyes'], { asUser: TEST_USER, env });
      await waitForWindow(s, 'xeyes', 40000);
      const pid = await x11dockerPid(s);
      assert.equal((await rootless(['ps', '-q', '--filter', `label=x11docker.pid=${pid}`])).stdout.split('\n').filter(Boolean).length, 1);
      await fn(s, pid);
    } finally {
      await ensureEnded(s?.child);
    }
  }

  it('kill -9 of x11docker: its watcher removes the container from the rootless daemon (the session record names the daemon)', () =>
    withXeyes(async (s, pid) => {
      process.kill(pid, 'SIGKILL');
      await assertNothingLeft(s.display);
    }));

  it('--cleanup from a shell without DOCKER_HOST removes a dead session (watcher killed too) from the rootless daemon', () =>
    withXeyes(async (s, pid) => {
      const watcher = Number((await execa('pgrep', ['-P', String(pid), '-f', 'x11docker-watcher'])).stdout.split('\n')[0]);
      assert.ok(watcher > 0, 'a watcher runs for the session');
      process.kill(watcher, 'SIGKILL');
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await rootlessContainers()).length, 1, 'without its watcher the dead session is still there');
      const r = await x11docker(['--cleanup'], { asUser: TEST_USER });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stderr, /--cleanup removed 1 session folder\(s\), 1 container\(s\)/);
      await assertNothingLeft(s.display);
    }));
});
