/**
 * End to end: the five recipes of upstream's README, section "Network setup", as the README of
 * this port writes them (section "Network setup"), each with a key that travels through the
 * viewer into the app in the container:
 * 1. `ssh -X` to run x11docker on the "remote" machine (an sshd on 127.0.0.1);
 * 2. `xpra start :N --use-display` on `x11docker --xdummy --display=N --showenv --xtest`, attached
 *    with `xpra attach ssh://...` over that sshd;
 * 3. the xpra HTML5 client (`--html=on --bind-tcp`) in chromium;
 * 4. GTK broadway with `--nothing ... --network -- --publish`, in chromium;
 * 5. x11vnc on `x11docker --xdummy --showenv --xtest`, seen with `vncviewer`.
 * The viewers (ssh -X's display, the xpra client, vncviewer) run on a test Xvfb that plays the
 * user's desktop; xdotool types `hello` + Return into the viewer's window. The app is xterm running
 * `read`: the container exits 7 only when the line "hello" arrived (zenity --entry prints it for
 * broadway). The SSH recipes and the sessions run as the unprivileged test user (xterm as root
 * without capabilities exits at once). Also checked: the notes that name the missing option.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { quote } from 'shell-quote';
import { chromium, type Browser, type Page } from 'playwright-core';
import { assertNothingLeft, CLI, DEMO_IMAGE, ensureEnded, startHostDisplay, startSession, TEST_USER, waitFor, x11docker, type HostDisplay, type RunningSession } from './helpers.js';

/** x11docker-demo with broadwayd (libgtk-3-bin) and zenity (test/images/broadway.Dockerfile). */
const BROADWAY_IMAGE = 'x11docker-test-broadway:latest';
/** The app: an xterm covering the screen that reads one line; exit 7 only when it was "hello". */
const TYPED = ['sh', '-c', `xterm -geometry 150x60+0+0 -e sh -c 'read x; echo "$x" > /tmp/typed'; [ "$(cat /tmp/typed)" = hello ] && exit 7; exit 1`];

/** An sshd on 127.0.0.1 (free port, temporary host key) that lets in root and the test user with one key. */
interface Sshd {
  readonly port: number;
  /** ssh options that reach it: port, key, no known_hosts. */
  readonly sshOptions: string[];
  stop(): Promise<void>;
}

/** Starts {@link Sshd}; `/run/sshd` (its privilege separation folder) is made when missing, as scripts/setup.sh does. */
async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'x11docker-test-sshd-'));
  chmodSync(dir, 0o755); // sshd reads authorized_keys as the user who logs in
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  await execa('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const port = await getPort({ host: '127.0.0.1' });
  // UsePAM: the test user has no password (a locked account), which sshd refuses without PAM
  writeFileSync(join(dir, 'sshd_config'), [
    'ListenAddress 127.0.0.1', `Port ${port}`, `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'UsePAM yes', 'StrictModes no', 'X11Forwarding yes', 'X11UseLocalhost yes', 'XAuthLocation /usr/bin/xauth', '',
  ].join('\n'));
  const child = execa('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { reject: false, stdin: 'ignore' });
  const sshOptions = ['-p', String(port), '-i', join(dir, 'client_key'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes'];
  await waitFor(`sshd on 127.0.0.1:${port}`, async () => (await execa('ssh', [...sshOptions, `${TEST_USER}@127.0.0.1`, 'true'], { reject: false })).exitCode === 0, 15000);
  return {
    port, sshOptions,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A display number that nothing uses (no socket, no lock), for `--display=N`. */
function freeDisplay(): number {
  for (let n = 130 + (process.pid % 40); n < 400; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.x11docker-display-${n}.claim`)) return n;
  }
  throw new Error('no free display number');
}

/** Runs `argv` as the test user with the session's DISPLAY and XAUTHORITY (`env $Xenv ...` of the recipes). */
function asTestUser(xenv: Record<string, string>, argv: readonly string[]) {
  const vars = [`DISPLAY=${xenv.DISPLAY}`, `XAUTHORITY=${xenv.XAUTHORITY}`];
  return execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'cd && exec env "$@"', '--', 'sh', ...vars, ...argv], { reject: false, stdin: 'ignore', timeout: 60000 });
}

/**
 * Types `hello` and Return into the viewer window whose name matches `name` on `display`: focus,
 * pointer into it (VNC and xpra forward it, and the new server gives focus under the pointer).
 */
async function typeHello(display: string, name: string, session: RunningSession | ResultPromise): Promise<void> {
  const env = { DISPLAY: display };
  let window = '';
  const ended = () => ('child' in session ? session.child : session).exitCode !== null;
  await waitFor(`viewer window "${name}" on ${display}`, async () => {
    if (ended()) throw new Error(`the session ended before viewer window "${name}" appeared`);
    window = (await execa('xdotool', ['search', '--onlyvisible', '--name', name], { env, reject: false })).stdout.split('\n')[0] ?? '';
    return window !== '';
  }, 40000);
  await execa('xdotool', ['windowfocus', '--sync', window], { env });
  await execa('xdotool', ['mousemove', '--window', window, '60', '60'], { env });
  await new Promise((r) => setTimeout(r, 1500)); // the app's first frame reached the viewer
  await execa('xdotool', ['type', '--delay', '80', 'hello'], { env });
  await execa('xdotool', ['key', 'Return'], { env });
}

/** Waits for the session to end and asserts that the typed line arrived (exit 7) and nothing is left. */
async function assertHelloArrived(s: RunningSession): Promise<void> {
  const r = await s.child;
  assert.equal(r.exitCode, 7, `the app did not read "hello" (exit ${r.exitCode}); x11docker's stderr:\n${s.stderr()}`);
  await assertNothingLeft(s.display);
}

let viewer: HostDisplay;
let sshd: Sshd;
let browser: Browser | undefined;
before(async () => {
  viewer = await startHostDisplay();
  sshd = await startSshd();
});
after(async () => {
  await browser?.close();
  await sshd?.stop();
  await viewer?.stop();
});
async function newPage(): Promise<Page> {
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  return browser.newPage({ viewport: { width: 1024, height: 768 } });
}

describe('upstream README "Network setup": each recipe, with a key through the viewer', () => {
  it('1. ssh -X: x11docker on the remote machine as written (the automatic choice takes xpra: nxagent cannot open a TCP display)', async () => {
    const remote = quote([process.execPath, CLI, DEMO_IMAGE, ...TYPED]);
    const child = execa('ssh', ['-X', ...sshd.sshOptions, `${TEST_USER}@127.0.0.1`, remote], { env: { DISPLAY: viewer.display }, reject: false, stdin: 'ignore', timeout: 120000 });
    try {
      await typeHello(viewer.display, '^sh$', child);
      const r = await child;
      assert.equal(r.exitCode, 7, `the app did not read "hello" (exit ${r.exitCode}):\n${r.stderr}`);
      assert.match(String(r.stderr), /Using X server option --xpra .*--nxagent needs a local DISPLAY/);
    } finally {
      await ensureEnded(child);
    }
  });

  it('2. xpra attach over SSH to x11docker --xdummy --display=N --showenv --xtest', async () => {
    const n = freeDisplay();
    const s = await startSession(['--xdummy', `--display=${n}`, '--xtest', DEMO_IMAGE, ...TYPED], { asUser: TEST_USER });
    let client: ResultPromise | undefined;
    try {
      assert.equal(s.display, n);
      const started = await asTestUser(s.xenv, ['xpra', 'start', `:${n}`, '--use-display', '--start-via-proxy=no']);
      assert.equal(started.exitCode, 0, String(started.stderr));
      client = execa('xpra', ['attach', `ssh://${TEST_USER}@127.0.0.1:${sshd.port}/${n}`, `--ssh=${quote(['ssh', ...sshd.sshOptions.filter((_, i, a) => a[i] !== '-p' && a[i - 1] !== '-p')])}`], {
        env: { DISPLAY: viewer.display, PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120000,
      });
      await typeHello(viewer.display, '^sh on 127\\.0\\.0\\.1$', s);
      await assertHelloArrived(s);
    } finally {
      await ensureEnded(client);
      await asTestUser({ DISPLAY: `:${n}`, XAUTHORITY: '/dev/null' }, ['xpra', 'stop', `:${n}`]);
      await ensureEnded(s.child);
    }
  });

  it('3. xpra HTML5 client in a browser on x11docker --xdummy --showenv --xtest', async () => {
    const s = await startSession(['--xdummy', '--xtest', DEMO_IMAGE, ...TYPED], { asUser: TEST_USER });
    const port = await getPort({ host: '127.0.0.1' });
    const page = await newPage();
    try {
      const started = await asTestUser(s.xenv, ['xpra', 'start', s.xenv.DISPLAY!, '--use-display', '--html=on', `--bind-tcp=localhost:${port}`, '--start-via-proxy=no']);
      assert.equal(started.exitCode, 0, String(started.stderr));
      await waitFor(`xpra's web server on port ${port}`, async () => (await fetch(`http://localhost:${port}/`).catch(() => undefined))?.ok === true, 30000);
      await page.goto(`http://localhost:${port}/`);
      const canvas = page.locator('div.window canvas').first();
      await canvas.waitFor({ timeout: 40000 });
      const box = (await canvas.boundingBox())!;
      await page.mouse.click(box.x + 40, box.y + 40);
      await new Promise((r) => setTimeout(r, 1000));
      await page.keyboard.type('hello', { delay: 80 });
      await page.keyboard.press('Enter');
      await assertHelloArrived(s);
    } finally {
      await page.close();
      await asTestUser({ DISPLAY: s.xenv.DISPLAY!, XAUTHORITY: '/dev/null' }, ['xpra', 'stop', s.xenv.DISPLAY!]);
      await ensureEnded(s.child);
    }
  });

  it('4. GTK broadway: --nothing --network -- --publish, typed into zenity in a browser; without --network a note names it', async () => {
    const none = await x11docker(['--nothing', '--', '--publish=127.0.0.1:1:8085', DEMO_IMAGE, 'true'], { timeoutMs: 60000 });
    assert.equal(none.exitCode, 0, none.stderr);
    assert.match(none.stderr, /docker run option --publish has no effect with x11docker's default --network=none: .* Add --network/);
    const port = await getPort({ host: '127.0.0.1' });
    const child = execa('node', [CLI, '--nothing', '--network', '--env', 'BROADWAY_DISPLAY=:5', '--env', 'GDK_BACKEND=broadway', '--', `--publish=127.0.0.1:${port}:8085`,
      BROADWAY_IMAGE, 'sh', '-c', 'broadwayd :5 & sleep 2 && zenity --entry --title=recipe'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120000 });
    const page = await newPage();
    try {
      await waitFor(`broadwayd on the published port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`x11docker ended: ${String((await child).stderr)}`);
        return (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok === true;
      }, 60000);
      await page.goto(`http://127.0.0.1:${port}/`);
      const surface = page.locator('canvas, div.toplevel, div.window').first();
      await surface.waitFor({ timeout: 40000 });
      await new Promise((r) => setTimeout(r, 2000));
      const box = (await surface.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.type('hello', { delay: 80 });
      await page.keyboard.press('Enter');
      const r = await child;
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stdout), /^hello$/m, `zenity printed: ${String(r.stdout)}`);
      assert.doesNotMatch(String(r.stderr), /has no effect with x11docker's default --network=none/);
    } finally {
      await page.close();
      await ensureEnded(child);
    }
  });

  it('5. VNC: x11vnc on x11docker --xdummy --showenv --xtest, vncviewer; without --xtest a note names it', async () => {
    const plain = await x11docker(['--xdummy', '--showenv', DEMO_IMAGE, 'true'], { timeoutMs: 60000 });
    assert.match(plain.stderr, /Option --xdummy: the X extension XTEST is off, so an xpra or VNC viewer .* add --xtest\./);
    const s = await startSession(['--xdummy', '--xtest', DEMO_IMAGE, ...TYPED], { asUser: TEST_USER });
    const port = await getPort({ host: '127.0.0.1' });
    let vnc: ResultPromise | undefined;
    let vncviewer: ResultPromise | undefined;
    try {
      assert.doesNotMatch(s.stderr(), /XTEST is off/);
      vnc = execa('env', [`DISPLAY=${s.xenv.DISPLAY}`, `XAUTHORITY=${s.xenv.XAUTHORITY}`, 'x11vnc', '-noshm', '-forever', '-localhost', '-rfbport', String(port)], { reject: false, stdin: 'ignore', timeout: 120000 });
      await waitFor(`x11vnc on port ${port}`, async () => (await execa('ss', ['-ltn', `sport = :${port}`])).stdout.includes(`:${port}`), 30000);
      vncviewer = execa('vncviewer', [`localhost:${port}`], { env: { DISPLAY: viewer.display }, reject: false, stdin: 'ignore', timeout: 120000 });
      await typeHello(viewer.display, 'TigerVNC', s);
      await assertHelloArrived(s);
    } finally {
      await ensureEnded(vncviewer);
      await ensureEnded(vnc);
      await ensureEnded(s.child);
    }
  });
});
