// End-to-end tests of a remote docker engine: a second dockerd that shares no files with this
// machine's (own data root, exec root, bridge), reached only over tcp://127.0.0.1:23750, which
// scripts/setup-remote.sh starts for these tests (loading x11docker-demo and x11docker-xserver
// into it once; kept in its data root) and stops at their end; also reached as ssh:// through an
// sshd of its own on 127.0.0.1:2223. Real x11docker, Xvfb and x11vnc
// in containers on that daemon, websockify here, and headless chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI, DEMO_IMAGE, ensureEnded, startHostDisplay, TEST_USER, waitFor, waitForWindow, x11docker } from './helpers.js';

const REMOTE = 'tcp://127.0.0.1:23750';
/** The same daemon through the sshd and Host alias of scripts/setup-remote.sh. */
const SSH_REMOTE = 'ssh://x11docker-test-remote';
const SETUP = fileURLToPath(new URL('../../../scripts/setup-remote.sh', import.meta.url));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: REMOTE };

/** Containers and volumes of x11docker sessions (label x11docker.session) on a daemon; `host` undefined: the main one. */
async function sessionObjects(host: string | undefined): Promise<string[]> {
  const e = { PATH: process.env.PATH, HOME: process.env.HOME, ...(host ? { DOCKER_HOST: host } : {}) };
  const c = await execa('docker', ['ps', '-a', '--filter', 'label=x11docker.session', '--format', '{{.Names}}'], { env: e, extendEnv: false });
  const v = await execa('docker', ['volume', 'ls', '--filter', 'label=x11docker.session', '--format', '{{.Name}}'], { env: e, extendEnv: false });
  return [...c.stdout.split('\n'), ...v.stdout.split('\n')].filter(Boolean);
}

/** Pixel statistics of the noVNC canvas: distinct colours and a cheap hash. */
async function canvasStats(page: Page): Promise<{ colours: number; hash: number }> {
  return page.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
      colours.add(v);
      hash = (hash * 31 + v) | 0;
    }
    return { colours: colours.size, hash };
  });
}

/** This process's private folders of remote sessions (`/tmp/x11docker-remote-*`). */
const remoteFolders = () => readdirSync('/tmp').filter((f) => f.startsWith('x11docker-remote-'));

describe('remote docker engine (a second dockerd on tcp://127.0.0.1)', () => {
  let browser: Browser | undefined;
  before(async () => {
    await execa('bash', [SETUP], { stdio: 'inherit', timeout: 600000 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await execa('bash', [SETUP, 'stop'], { stdio: 'inherit' });
  });

  test('without --html: one line saying the engine is remote, exit 64, nothing started there', async () => {
    const before = await sessionObjects(REMOTE);
    const r = await x11docker([DEMO_IMAGE, 'xeyes'], { env: { DOCKER_HOST: REMOTE } });
    assert.equal(r.exitCode, 64, String(r.stderr));
    const errors = String(r.stderr).split('\n').filter(Boolean);
    assert.equal(errors.length, 1, String(r.stderr));
    assert.match(errors[0]!, /^x11docker error: The docker engine at tcp:\/\/127\.0\.0\.1:23750 is remote .*Use --html .*, or --xpra /);
    assert.deepEqual(await sessionObjects(REMOTE), before);
  });

  /** The --xc --html session through `dockerHost`: the app on the second daemon, shown and moved in chromium; SIGTERM leaves nothing on either daemon. */
  async function htmlSession(dockerHost: string): Promise<void> {
    const foldersBefore = remoteFolders();
    let id: string | undefined;
    const child = execa('node', [CLI, '--xc', '--html', DEMO_IMAGE, 'xeyes'], { env: { ...env, DOCKER_HOST: dockerHost }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120000 });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const page = await browser!.newPage();
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /HTML_URL=(\S+)\n/.exec(out);
          if (m) resolve(m[1]!);
        });
        void child.then(() => reject(new Error(`x11docker ended without a URL:\n${stderr}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/view\.html#password=[A-Za-z0-9]{8}&token=[\w-]{32}$/);
      // the session's containers are on the remote daemon, none on the main one
      const remote = await sessionObjects(REMOTE);
      id = remote.map((n) => /^x11docker_X100_([0-9a-f]{12})$/.exec(n)?.[1]).find((i) => i !== undefined);
      assert.ok(id, remote.join(', '));
      assert.ok(remote.includes(`x11docker_xc_X100_0-Xvfb_${id}`), remote.join(', '));
      // (other sessions may run on the main daemon meanwhile: none of this one)
      assert.deepEqual((await sessionObjects(undefined)).filter((n) => n.includes(id!)), []);
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected === true, undefined, { timeout: 30000 });
      assert.equal(await page.title(), 'x11docker: x11docker :100');
      // Xvfb's root is black (-br): more colours are xeyes' window
      await waitFor('xeyes drawn in the canvas', async () => (await canvasStats(page)).colours >= 2, 20000);
      // the pointer from the browser reaches the app: its eyes follow it
      const box = (await page.locator('canvas').boundingBox())!;
      await page.mouse.move(box.x + 2, box.y + 2);
      await new Promise((r) => setTimeout(r, 1000));
      const first = (await canvasStats(page)).hash;
      await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 5 });
      await waitFor('the eyes follow the pointer', async () => (await canvasStats(page)).hash !== first, 10000);
    } finally {
      await page.close();
      child.kill('SIGTERM');
    }
    const r = await child;
    assert.equal(r.exitCode, 143, stderr);
    assert.deepEqual(await sessionObjects(REMOTE), []);
    assert.deepEqual((await sessionObjects(undefined)).filter((n) => n.includes(id!)), []);
    assert.deepEqual(remoteFolders(), foldersBefore);
    const ps = (await execa('ps', ['-eo', 'args='])).stdout;
    assert.doesNotMatch(ps, /websockify .*x11docker-remote-/);
    assert.doesNotMatch(ps, /docker exec -i x11docker_xc_X100/);
  }

  test('--xc --html over tcp://127.0.0.1: the app runs on the second daemon, its window is shown and moved in chromium; SIGTERM leaves nothing on either daemon', () => htmlSession(REMOTE));

  test('--xc --html over ssh:// (a local sshd whose docker CLI dials the second daemon): the same', { skip: !existsSync('/usr/sbin/sshd') && 'no sshd (package openssh-server)' }, () => htmlSession(SSH_REMOTE));

  /** A hash of the screen of `display` (xwd), to see a window change. */
  async function screenHash(xenv: Record<string, string>): Promise<string> {
    const r = await execa('xwd', ['-root', '-silent'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false, encoding: 'buffer' });
    return createHash('sha256').update(r.stdout).digest('hex');
  }

  /**
   * The --xc --xpra session through `dockerHost`, run by root for the host user x11tester
   * (--hostuser) on a local Xvfb with a cookie of that user's: the app on the second daemon, its
   * window on the local display through xpra attach as x11tester, the pointer reaches it;
   * SIGTERM leaves nothing on either side.
   */
  async function xpraSession(dockerHost: string): Promise<void> {
    const desktop = await startHostDisplay({ cookieOwner: TEST_USER });
    const xenv = { DISPLAY: desktop.display, XAUTHORITY: desktop.xauthority! };
    const foldersBefore = remoteFolders();
    let id: string | undefined;
    const child = execa('node', [CLI, '--xc', '--xpra', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes'], { env: { ...env, ...xenv, DOCKER_HOST: dockerHost }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120000 });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    try {
      await waitForWindow({ ...xenv, DISPLAY: desktop.display }, 'xeyes', 60000).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${stderr}`)));
      const shownAfter = Date.now() - started;
      // the session's containers are on the remote daemon, none on the main one
      const remote = await sessionObjects(REMOTE);
      id = remote.map((n) => /^x11docker_X100_([0-9a-f]{12})$/.exec(n)?.[1]).find((i) => i !== undefined);
      assert.ok(id, remote.join(', '));
      assert.ok(remote.includes(`x11docker_xc_X100_0-Xvfb_${id}`), remote.join(', '));
      assert.equal(remote.filter((n) => n.includes(id!)).length, 4, remote.join(', '));
      assert.deepEqual((await sessionObjects(undefined)).filter((n) => n.includes(id!)), []);
      // nothing published there: the display container has no ports, and no network
      const inspect = JSON.parse((await execa('docker', ['inspect', `x11docker_xc_X100_0-Xvfb_${id}`], { env: { ...env, DOCKER_HOST: REMOTE }, extendEnv: false })).stdout)[0];
      assert.equal(inspect.HostConfig.NetworkMode, 'none');
      assert.deepEqual(inspect.HostConfig.PortBindings ?? {}, {});
      // here: the client runs as the host user, attached to the relay's socket in a private folder of that user
      const mine = remoteFolders().filter((f) => f.startsWith(`x11docker-remote-${child.pid}-`));
      assert.equal(mine.length, 1);
      const folder = `/tmp/${mine[0]}`;
      const st = statSync(folder);
      const uid = Number((await execa('id', ['-u', TEST_USER])).stdout);
      assert.equal(st.mode & 0o777, 0o700);
      assert.equal(st.uid, uid);
      assert.equal(statSync(`${folder}/xpra.sock`).mode & 0o777, 0o600);
      const ps = (await execa('ps', ['-eo', 'user:20=,args='])).stdout.split('\n');
      const client = ps.filter((l) => l.includes(`attach socket:${folder}/xpra.sock`));
      assert.equal(client.length, 1, client.join('\n'));
      assert.match(client[0]!, new RegExp(`^\\s*${TEST_USER}\\s`));
      // the pointer on the local display reaches the app there: the eyes follow it
      const win = (await execa('xdotool', ['search', '--name', '^xeyes$'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false })).stdout.split('\n')[0]!;
      await execa('xdotool', ['mousemove', '--window', win, '2', '2'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false });
      await new Promise((r) => setTimeout(r, 1500));
      const first = await screenHash(xenv);
      await execa('xdotool', ['mousemove', '--window', win, '140', '95'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false });
      await waitFor('the eyes follow the pointer', async () => (await screenHash(xenv)) !== first, 10000);
      console.log(`# --xpra on ${dockerHost}: xeyes shown here after ${shownAfter} ms`);
    } finally {
      child.kill('SIGTERM');
    }
    try {
      const r = await child;
      assert.equal(r.exitCode, 143, stderr);
      assert.doesNotMatch(stderr, /x11docker error/);
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual((await sessionObjects(undefined)).filter((n) => n.includes(id!)), []);
      assert.deepEqual(remoteFolders(), foldersBefore);
      const ps = (await execa('ps', ['-eo', 'args='])).stdout;
      assert.doesNotMatch(ps, new RegExp(`x11docker-remote-${child.pid}-`));
      assert.doesNotMatch(ps, new RegExp(`docker exec -i x11docker_xc_X100_0-Xvfb_${id}`));
      // the local display is the user's again: no window of the session on it
      assert.doesNotMatch((await execa('xwininfo', ['-root', '-tree'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false })).stdout, /"xeyes"/);
    } finally {
      await desktop.stop();
    }
  }

  test('--xc --xpra over tcp://127.0.0.1: the app runs on the second daemon, its window appears on the local display through xpra attach as the host user; SIGTERM leaves nothing on either side', () => xpraSession(REMOTE));

  test('--xc --xpra over ssh:// (a local sshd whose docker CLI dials the second daemon): the same', { skip: !existsSync('/usr/sbin/sshd') && 'no sshd (package openssh-server)' }, () => xpraSession(SSH_REMOTE));

  test('--xpra: the app\'s exit code is the session\'s, and its end removes everything there and here', async () => {
    const desktop = await startHostDisplay();
    const foldersBefore = remoteFolders();
    try {
      const r = await execa('node', [CLI, '--xpra', DEMO_IMAGE, 'sh', '-c', 'sleep 2; exit 3'], { env: { ...env, DISPLAY: desktop.display }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
      assert.equal(r.exitCode, 3, String(r.stderr));
      assert.equal(String(r.stdout), '');
      assert.match(String(r.stderr), /shown with xpra on your display :\d+/);
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(remoteFolders(), foldersBefore);
      assert.doesNotMatch((await execa('ps', ['-eo', 'args='])).stdout, /xpra attach socket:\/tmp\/x11docker-remote-/);
    } finally {
      await desktop.stop();
    }
  });

  test('kill -9 of x11docker with --xpra: its xpra client and relay here end with it (pdeathsig); --cleanup removes the rest there and here', async () => {
    const desktop = await startHostDisplay();
    const xenv = { DISPLAY: desktop.display };
    const child = execa('node', [CLI, '--xpra', DEMO_IMAGE, 'xeyes'], { env: { ...env, ...xenv }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      await waitForWindow(xenv, 'xeyes', 60000);
      const mine = () => remoteFolders().filter((f) => f.startsWith(`x11docker-remote-${child.pid}-`));
      assert.equal(mine().length, 1);
      const helpers = async () => (await execa('ps', ['-eo', 'args='])).stdout.split('\n').filter((l) => l.includes(`/tmp/${mine()[0] ?? 'none'}/`) || /docker exec -i x11docker_xc_X100_/.test(l));
      assert.ok((await helpers()).length >= 2, (await helpers()).join('\n'));
      const folder = mine()[0]!;
      child.kill('SIGKILL');
      await child;
      await waitFor('the xpra client and the relay to end', async () => !(await execa('ps', ['-eo', 'args='])).stdout.includes(`/tmp/${folder}/`), 10000);
      await waitFor('the window to go', async () => !(await execa('xwininfo', ['-root', '-tree'], { env: { PATH: process.env.PATH, ...xenv }, extendEnv: false })).stdout.includes('"xeyes"'), 10000);
      const r = await x11docker(['--cleanup'], { env: { DOCKER_HOST: REMOTE } });
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(mine(), []);
    } finally {
      await ensureEnded(child);
      await desktop.stop();
    }
  });

  test('--xpra: the xpra client\'s end (closed) ends the session with exit 0 and leaves nothing there or here', async () => {
    const desktop = await startHostDisplay();
    const xenv = { DISPLAY: desktop.display };
    const foldersBefore = remoteFolders();
    const child = execa('node', [CLI, '--xpra', DEMO_IMAGE, 'xeyes'], { env: { ...env, ...xenv }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      await waitForWindow(xenv, 'xeyes', 60000);
      const client = (await execa('ps', ['-eo', 'pid=,args='])).stdout.split('\n').find((l) => /\/usr\/bin\/xpra attach socket:\/tmp\/x11docker-remote-/.test(l) && l.includes(`x11docker-remote-${child.pid}-`));
      assert.ok(client, 'the xpra client runs');
      process.kill(Number(client.trim().split(/\s+/)[0]), 'SIGTERM');
      const r = await child;
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stderr), /x11docker note: The xpra client on your display :\d+ was closed \(exit \d+\); ending the session\./);
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(remoteFolders(), foldersBefore);
    } finally {
      await ensureEnded(child);
      await desktop.stop();
    }
  });

  test('--xpra without DISPLAY: one line naming --xpra, exit 64, nothing started there', async () => {
    const before = await sessionObjects(REMOTE);
    const r = await x11docker(['--xpra', DEMO_IMAGE, 'xeyes'], { env: { DOCKER_HOST: REMOTE, DISPLAY: undefined } });
    assert.equal(r.exitCode, 64, String(r.stderr));
    const errors = String(r.stderr).split('\n').filter(Boolean);
    assert.equal(errors.length, 1, String(r.stderr));
    assert.match(errors[0]!, /^x11docker error: Option --xpra on a remote engine shows its windows on your display, and DISPLAY is not set\./);
    assert.deepEqual(await sessionObjects(REMOTE), before);
  });

  test('--html --network --env --workdir --user: the local session\'s WARNING is printed, and the app gets its env, working folder and uid', async () => {
    const child = execa('node', [CLI, '--html', '--network', '--env=FOO=bar baz', '--workdir=/opt/wd', '--user=1234:1234', DEMO_IMAGE, 'sh', '-c', 'test "$FOO" = "bar baz" && test "$(pwd)" = /opt/wd && test "$(id -u):$(id -g)" = 1234:1234 && test -w "$HOME" && exit 7; exit 1'], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      const r = await child;
      assert.equal(r.exitCode, 7, String(r.stderr));
      assert.match(String(r.stderr), /WARNING.*Option --network: the container has network access/);
      assert.deepEqual(await sessionObjects(REMOTE), []);
    } finally {
      await ensureEnded(child);
    }
  });

  test('--html: the app\'s exit code is the session\'s, and its end removes everything there', async () => {
    const child = execa('node', [CLI, '--html', DEMO_IMAGE, 'sh', '-c', 'sleep 1; exit 3'], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      const r = await child;
      assert.equal(r.exitCode, 3, String(r.stderr));
      assert.match(String(r.stdout), /^HTML_URL=http:\/\/127\.0\.0\.1:\d+\//);
      assert.deepEqual(await sessionObjects(REMOTE), []);
    } finally {
      await ensureEnded(child);
    }
  });

  test('kill -9 of x11docker: --cleanup removes its containers and volumes there and its private folder here', async () => {
    const child = execa('node', [CLI, '--html', DEMO_IMAGE, 'xeyes'], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('HTML_URL=')) resolve();
        });
        void child.then((r) => reject(new Error(`x11docker ended without a URL:\n${String(r.stderr)}`)));
      });
      const mine = () => remoteFolders().filter((f) => f.startsWith(`x11docker-remote-${child.pid}-`));
      assert.equal(mine().length, 1);
      const before = await sessionObjects(REMOTE);
      assert.equal(before.length, 4, before.join(', '));
      child.kill('SIGKILL');
      await child;
      // the app's docker CLI gets SIGTERM from the kernel (setpriv --pdeathsig) and the app's container ends; the display's and the volumes stay
      const left = await sessionObjects(REMOTE);
      assert.ok(left.some((n) => n.startsWith('x11docker_xc_X100_')) && left.filter((n) => /_(files|socket)_/.test(n)).length === 2, left.join(', '));
      const r = await x11docker(['--cleanup'], { env: { DOCKER_HOST: REMOTE } });
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(mine(), []);
    } finally {
      await ensureEnded(child);
    }
  });

  test('--cleanup there leaves another machine\'s session alone: a container and a volume without x11docker\'s host label (whose pid means nothing here); an engine that does not answer: one line, exit 64', async () => {
    // what a local session on the engine's own machine makes: labels with its pid, which is no process here
    const e = { env, extendEnv: false } as const;
    const labels = ['--label=x11docker.session=0a0b0c0d0e0f', '--label=x11docker.pid=3999999'];
    const id = (await execa('docker', ['run', '-d', ...labels, '--network=none', DEMO_IMAGE, 'sleep', '300'], e)).stdout.trim();
    await execa('docker', ['volume', 'create', ...labels, 'x11docker-other-machine'], e);
    try {
      const r = await x11docker(['--cleanup'], { env: { DOCKER_HOST: REMOTE } });
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.equal((await execa('docker', ['inspect', '-f', '{{.State.Running}}', id], e)).stdout, 'true', `the container runs on\n${String(r.stderr)}`);
      assert.equal((await execa('docker', ['volume', 'inspect', 'x11docker-other-machine'], { ...e, reject: false })).exitCode, 0, 'the volume is kept');
    } finally {
      await execa('docker', ['rm', '-f', id], { ...e, reject: false });
      await execa('docker', ['volume', 'rm', '-f', 'x11docker-other-machine'], { ...e, reject: false });
    }
    const r = await x11docker(['--cleanup'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    assert.equal(r.exitCode, 64, String(r.stderr));
    const lines = String(r.stderr).split('\n').filter(Boolean);
    assert.equal(lines.length, 1, String(r.stderr));
    assert.match(lines[0]!, /^x11docker error: --cleanup: docker does not answer at tcp:\/\/127\.0\.0\.1:1 .*its containers were not checked/);
  });

  test('SIGTERM during the set-up: exit 143, nothing left there or here', async () => {
    const foldersBefore = remoteFolders();
    const child = execa('node', [CLI, '--html', DEMO_IMAGE, 'xeyes'], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      // the set-up takes a few docker calls: stop it as soon as its first object exists there
      await waitFor('the first volume', async () => (await sessionObjects(REMOTE)).length > 0 || child.exitCode !== null, 20000);
      child.kill('SIGTERM');
      const r = await child;
      assert.equal(r.exitCode, 143, String(r.stderr));
      assert.doesNotMatch(String(r.stderr), /x11docker error/);
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(remoteFolders(), foldersBefore);
    } finally {
      await ensureEnded(child);
    }
  });

  test('--xpra: SIGTERM during the set-up (once the xpra server runs there): exit 143, nothing left there or here', async () => {
    const desktop = await startHostDisplay();
    const foldersBefore = remoteFolders();
    const child = execa('node', [CLI, '--xpra', DEMO_IMAGE, 'xeyes'], { env: { ...env, DISPLAY: desktop.display }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
    try {
      // stop it once the display container runs (the xpra server is being started or awaited, the app is not created yet)
      await waitFor('the display container', async () => (await sessionObjects(REMOTE)).some((n) => n.startsWith('x11docker_xc_X100_')) || child.exitCode !== null, 20000);
      child.kill('SIGTERM');
      const r = await child;
      assert.equal(r.exitCode, 143, String(r.stderr));
      assert.doesNotMatch(String(r.stderr), /x11docker error/);
      assert.deepEqual(await sessionObjects(REMOTE), []);
      assert.deepEqual(remoteFolders(), foldersBefore);
      assert.doesNotMatch((await execa('ps', ['-eo', 'args='])).stdout, new RegExp(`x11docker-remote-${child.pid}-`));
    } finally {
      await ensureEnded(child);
      await desktop.stop();
    }
  });
});
