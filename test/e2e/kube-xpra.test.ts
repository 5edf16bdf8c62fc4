/**
 * End to end: `--backend=kubernetes --xpra` with the real CLI against the fake API server
 * (test/e2e/fake-kube.ts) in its podman mode: the pod runs for real (`podman kube play`, rootful
 * podman), its xpra server listens on the pod's loopback with the Secret's password, x11docker
 * forwards the port through the API's port-forward (the fake's nsenter relay into the pod's
 * network namespace) and runs the local `xpra attach` as the host user on an Xvfb that plays the
 * user's desktop. The app's window appears there by its title, keys typed there reach the app,
 * a wrong password is refused by the pod's xpra server, and SIGTERM leaves nothing behind
 * (objects, podman pod and secret, the xpra client, its folder).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, DEMO_IMAGE, TEST_USER, startHostDisplay, waitFor, x11docker, type HostDisplay } from './helpers.js';
import { startFakeKube, type FakeKube } from './fake-kube.js';

const PODMAN_CONF = fileURLToPath(new URL('../../../test/podman/containers.conf', import.meta.url));
const penv = { ...process.env, CONTAINERS_CONF: PODMAN_CONF };
const podman = (args: readonly string[]) => execa('podman', args, { env: penv, reject: false, timeout: 120000 });
const hasImage = async (image: string) => (await podman(['image', 'exists', image])).exitCode === 0;
const TITLE = 'x11docker-kube-xpra';

let fake: FakeKube;
let desk: HostDisplay;
let ready = false;
let podsBefore: string[] = [];
let secretsBefore: string[] = [];
/** The names of the podman pods (or secrets) that exist now. */
const pods = async (what: 'pod' | 'secret' = 'pod') => (await podman([what, 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter(Boolean);
before(async () => {
  podsBefore = await pods();
  secretsBefore = await pods('secret');
  ready = (await hasImage('x11docker-xserver')) && (await hasImage(DEMO_IMAGE)) && (await execa('which', ['xpra', 'xdotool', 'nsenter'], { reject: false })).exitCode === 0;
  fake = await startFakeKube({ podman: { env: penv } });
  desk = await startHostDisplay({ cookieOwner: TEST_USER });
});
after(async () => {
  await fake.stop();
  await desk.stop();
  // a test that failed half-way must not leave its pod (with the app and the display) running
  for (const pod of (await pods()).filter((p) => p.startsWith('x11docker-') && !podsBefore.includes(p))) {
    await podman(['pod', 'rm', '-f', '-t', '0', pod]);
  }
  for (const secret of (await pods('secret')).filter((n) => n.startsWith('x11docker-') && !secretsBefore.includes(n))) await podman(['secret', 'rm', secret]);
});

/**
 * Ends x11docker if a test failed while it runs: SIGTERM first, so that it deletes the pod, its
 * Secret and its client folder itself (execa sends SIGKILL after its forceKillAfterDelay, 5 s).
 */
const endSession = async (child: ReturnType<typeof execa>) => {
  if (child.exitCode === null) child.kill('SIGTERM');
  await child.catch(() => undefined);
};

/** Our session folders of the local xpra client (private temporary folders). */
const clientDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('x11docker-kube-xpra-'));
/** The X environment of the user's desktop (the test's Xvfb). */
const xenv = () => ({ DISPLAY: desk.display, XAUTHORITY: desk.xauthority! });
/** Ids of the windows on the user's desktop whose name is exactly the app's title. */
const windows = async () => (await execa('xdotool', ['search', '--name', `^${TITLE}$`], { env: { ...process.env, ...xenv() }, reject: false })).stdout.split('\n').filter(Boolean);
/** Starts x11docker as root for the test user, with the desktop's DISPLAY and the fake's kubeconfig. */
const session = (command: readonly string[]) => {
  const child = execa('node', [CLI, '--backend=kubernetes', `--hostuser=${TEST_USER}`, '--xpra', DEMO_IMAGE, ...command], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: fake.kubeconfig, ...xenv() }, extendEnv: false, reject: false, timeout: 240000,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr };
};

/** Asserts that the session left nothing: no object, no podman pod, container or secret of it, no client folder. */
async function assertNothingLeft(pod: string, dirsBefore: readonly string[]): Promise<void> {
  assert.deepEqual([...fake.store.keys()], [], 'no object in the fake cluster');
  assert.equal((await podman(['pod', 'exists', pod])).exitCode, 1, 'no podman pod');
  assert.equal((await podman(['ps', '-a', '-q', '--filter', `name=${pod}`])).stdout.trim(), '', 'no container');
  assert.ok(!(await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.includes(pod), 'no podman secret');
  assert.ok(!(await podman(['volume', 'ls', '--format', '{{.Name}}'])).stdout.includes(pod), 'no volume');
  assert.deepEqual(clientDirs().filter((d) => !dirsBefore.includes(d)), [], 'no folder of the xpra client');
}

describe('--backend=kubernetes --xpra (pod run by podman behind the fake API server)', () => {
  it('bad input: no DISPLAY, or another display option: one line, exit 64, nothing created', async () => {
    const noDisplay = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, '--xpra', DEMO_IMAGE, 'xeyes'], { env: { KUBECONFIG: fake.kubeconfig } });
    assert.equal(noDisplay.exitCode, 64);
    assert.match(noDisplay.stderr, /^x11docker error: Option --xpra with --backend=kubernetes shows the pod's windows on your display, and DISPLAY is not set\./m);
    const xephyr = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, '--xephyr', DEMO_IMAGE, 'xeyes'], { env: { KUBECONFIG: fake.kubeconfig } });
    assert.equal(xephyr.exitCode, 64);
    assert.match(xephyr.stderr, /^x11docker error: Option --backend=kubernetes: --xephyr is not available in a pod yet\. Use --xvfb \(the default there\) or --xpra\./m);
    assert.ok(!fake.requests.some((q) => q.startsWith('create')), fake.requests.join(', '));
  });

  it('--kube-manifest --xpra: exit 0, the manifest with the container xpra, and a note with the kubectl port-forward line and the xpra attach command', async () => {
    const r = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, '--kube-namespace=team', '--kube-context=lab one', '--xpra', DEMO_IMAGE, 'xeyes']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^ {4}- name: xpra$/m);
    assert.match(r.stdout, /--bind-tcp=127\.0\.0\.1:10000/);
    const pod = /^ {2}name: (x11docker-[0-9a-f]+)$/m.exec(r.stdout)![1]!;
    const note = r.stderr.split('\n').find((l) => l.startsWith('x11docker note: Option --xpra:'));
    assert.ok(note, r.stderr);
    // the same cluster as --kube-context (quoted for the shell) and the namespace
    assert.ok(note.includes(`kubectl --context 'lab one' -n team port-forward pod/${pod} 10000`), note);
    assert.ok(note.includes(`kubectl --context 'lab one' -n team get secret ${pod}-cookie -o jsonpath='{.data.xprapasswd}' | base64 -d`), note);
    assert.ok(note.includes('xpra attach tcp://127.0.0.1:10000/ --password-file='), note);
    assert.doesNotMatch(r.stderr, /XTEST is off/, 'the pod\'s xpra server needs XTEST, which stays on');
  });

  it('the app\'s window appears on the user\'s display through the local xpra client; typed keys reach the app; its exit code is x11docker\'s; nothing left', async (t) => {
    if (!ready) return t.skip('needs podman with x11docker-xserver and the demo image (scripts/setup.sh), and xpra, xdotool, nsenter here');
    const dirsBefore = clientDirs();
    // the app exits 7 only when the line "hello" was typed into its xterm
    const s = session(['sh', '-c', `xterm -T ${TITLE} -e sh -c 'read l; echo "$l" > /tmp/typed'; [ "$(cat /tmp/typed)" = hello ] && exit 7; exit 1`]);
    try {
      await waitFor('the app\'s window on the user\'s display', async () => (await windows()).length > 0, 120000).catch((e: Error) => assert.fail(`${e.message}\n${s.stderr()}`));
      const pod = /pod (x11docker-[0-9a-f]+) runs/.exec(s.stderr())![1]!;
      assert.match(s.stderr(), /port 10000 of pod x11docker-[0-9a-f]+ is forwarded to 127\.0\.0\.1:\d+|xpra client \(pid \d+\) shows the windows/);
      assert.ok(fake.requests.includes(`create pods/portforward/${pod}`), fake.requests.join(', '));
      const tree = (await execa('xwininfo', ['-root', '-tree'], { env: { ...process.env, ...xenv() } })).stdout;
      assert.match(tree, new RegExp(`"${TITLE}": \\("xterm" "XTerm"\\)`), tree);
      // the client runs as the host user, the password is on no command line
      const clientPid = Number(/xpra client \(pid (\d+)\)/.exec(s.stderr())![1]);
      const cmdline = (await execa('cat', [`/proc/${clientPid}/cmdline`])).stdout.split('\0');
      assert.ok(cmdline.includes('attach') && cmdline.some((a) => a.startsWith('--password-file=')), cmdline.join(' '));
      const secret = [...fake.store.values()].find((o) => o.kind === 'Secret') as unknown as { data: Record<string, string> };
      const password = Buffer.from(secret.data.xprapasswd!, 'base64').toString();
      assert.ok(!cmdline.join(' ').includes(password), 'no password on the command line');
      assert.equal((await execa('stat', ['-c', '%U', `/proc/${clientPid}`])).stdout, TEST_USER, 'the client runs as the host user');
      // the xpra container reads the password; the app's container has no file with it (it shares only the cookie's emptyDir)
      assert.equal((await podman(['exec', `${pod}-xpra`, 'cat', '/x11docker/passwd/xprapasswd'])).stdout, password, 'the pod\'s xpra server has the password');
      const inApp = await podman(['exec', `${pod}-app`, 'sh', '-c', 'cat /x11docker/passwd/xprapasswd /x11docker/xauth/xprapasswd; grep -rl "$0" /x11docker /tmp 2>/dev/null; ls -a /x11docker /x11docker/xauth', password]);
      assert.ok(!inApp.stdout.includes(password) && !/passwd/.test(inApp.stdout), `the app's container sees no password file:\n${inApp.stdout}\n${inApp.stderr}`);
      assert.match(inApp.stdout, /Xauthority/, 'the app still has its cookie');
      // type into the window on the user's display (real key events through the test display's XTEST)
      const [wid] = await windows();
      const xd = (args: string[]) => execa('xdotool', args, { env: { ...process.env, ...xenv() } });
      await xd(['windowfocus', '--sync', wid!]);
      await xd(['mousemove', '--window', wid!, '50', '50']);
      await new Promise((r) => setTimeout(r, 500));
      await xd(['type', '--delay', '60', 'hello']);
      await xd(['key', 'Return']);
      const r = await s.child;
      assert.equal(r.exitCode, 7, `the app got "hello" from the user's display\n${r.stderr}`);
      assert.deepEqual(await windows(), [], 'the window is gone with the client');
      assert.ok(!existsSync(`/proc/${clientPid}`), 'the xpra client ended');
      await assertNothingLeft(pod, dirsBefore);
    } finally {
      await endSession(s.child);
    }
  });

  it('the pod\'s xpra server does not listen yet (the forward is refused twice): the client tries again and attaches; when it ends on its own (the user closed it), the session ends with one line, exit 64, nothing left', async (t) => {
    if (!ready) return t.skip('needs podman with x11docker-xserver and the demo image (scripts/setup.sh), and xpra, xdotool, nsenter here');
    const dirsBefore = clientDirs();
    fake.refuseForwards = 2;
    const s = session(['xterm', '-T', TITLE]);
    try {
      await waitFor('the app\'s window on the user\'s display', async () => (await windows()).length > 0, 120000).catch((e: Error) => assert.fail(`${e.message}\n${s.stderr()}`));
      const pod = /pod (x11docker-[0-9a-f]+) runs/.exec(s.stderr())![1]!;
      assert.equal(fake.refuseForwards, 0, 'both refused forwards were used');
      assert.ok(fake.requests.filter((q) => q === `create pods/portforward/${pod}`).length >= 3, fake.requests.join(', '));
      const clientPid = Number(/xpra client \(pid (\d+)\)/.exec(s.stderr())![1]);
      process.kill(clientPid, 'SIGTERM');
      const r = await s.child;
      assert.equal(r.exitCode, 64, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('x11docker error:'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, /^x11docker error: --xpra: the local xpra client ended \(.*\); the session was ended\.$/);
      await assertNothingLeft(pod, dirsBefore);
    } finally {
      await endSession(s.child);
    }
  });

  it('a wrong password is refused by the pod\'s xpra server; SIGTERM: exit 143, the client stopped, pod and secret deleted, nothing left', async (t) => {
    if (!ready) return t.skip('needs podman with x11docker-xserver and the demo image (scripts/setup.sh), and xpra, xdotool, nsenter here');
    const dirsBefore = clientDirs();
    const s = session(['xterm', '-T', TITLE]);
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-test-xpra-wrong-'));
    try {
      await waitFor('the app\'s window on the user\'s display', async () => (await windows()).length > 0, 120000).catch((e: Error) => assert.fail(`${e.message}\n${s.stderr()}`));
      const pod = /pod (x11docker-[0-9a-f]+) runs/.exec(s.stderr())![1]!;
      const clientPid = Number(/xpra client \(pid (\d+)\)/.exec(s.stderr())![1]);
      // another client in the pod's network namespace (as a port-forward reaches it) with a wrong password
      const infra = (await podman(['pod', 'inspect', pod, '--format', '{{.InfraContainerID}}'])).stdout.trim();
      const pid = (await podman(['inspect', '-f', '{{.State.Pid}}', infra])).stdout.trim();
      const wrong = join(dir, 'wrong');
      writeFileSync(wrong, '0123456789abcdef0123456789abcdef', { mode: 0o600 });
      chmodSync(wrong, 0o600);
      const other = await execa('nsenter', ['-t', pid, '-n', 'xpra', 'attach', 'tcp://127.0.0.1:10000/', `--password-file=${wrong}`, '--tray=no', '--opengl=no', '--speaker=no', '--microphone=no', '--mdns=no', '--notifications=no'], {
        env: { PATH: process.env.PATH, HOME: dir, XPRA_SYSTEM_CONF_DIRS: '', NO_AT_BRIDGE: '1', ...xenv() }, extendEnv: false, reject: false, timeout: 30000, cwd: dir,
      });
      assert.notEqual(other.exitCode, 0, `${other.stdout}\n${other.stderr}`);
      assert.match(`${other.stdout}\n${other.stderr}`, /authentication failed/);
      assert.equal((await windows()).length, 1, 'only the session\'s client shows the window');
      assert.ok(existsSync(`/proc/${clientPid}`), 'the session\'s client still runs');
      s.child.kill('SIGTERM');
      const r = await s.child;
      assert.equal(r.exitCode, 143, r.stderr);
      assert.ok(!existsSync(`/proc/${clientPid}`), 'the xpra client was stopped');
      assert.deepEqual(await windows(), [], 'no window left on the user\'s display');
      await assertNothingLeft(pod, dirsBefore);
    } finally {
      await endSession(s.child);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
