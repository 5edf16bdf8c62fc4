/**
 * End to end: `--kube-manifest` (preview of --backend=kubernetes) made by the real CLI and run
 * for real with `podman kube play` (rootful podman, images loaded by scripts/setup-podman.sh):
 * the app's window is on the pod's X server, the hardening holds from inside, a client without
 * the cookie is refused, and `podman kube down` (plus removing the Secret, which podman 4.3 keeps)
 * leaves nothing. No cluster is needed: the manifest is the same one kubectl would apply.
 * With `--html`, the pod's x11vnc is reached the way the API's port-forward reaches a pod (a
 * process in the pod's network namespace, as the kubelet's nsenter + socat did) and shown in
 * Chromium through x11docker's own view and websockify.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DEMO_IMAGE, TEST_USER, ensureEnded, waitFor, x11docker } from './helpers.js';
import { webDir } from '../../src/run/html.js';

const PODMAN_CONF = fileURLToPath(new URL('../../../test/podman/containers.conf', import.meta.url));
const env = { ...process.env, CONTAINERS_CONF: PODMAN_CONF };
const podman = (args: readonly string[]) => execa('podman', args, { env, reject: false, timeout: 120000 });
const hasImage = async (image: string) => (await podman(['image', 'exists', image])).exitCode === 0;
const dir = mkdtempSync(join(tmpdir(), 'x11docker-kube-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** /proc/1/status of a container, as NAME -> value. */
async function status1(container: string): Promise<Record<string, string>> {
  const r = await podman(['exec', container, 'cat', '/proc/1/status']);
  assert.equal(r.exitCode, 0, r.stderr);
  return Object.fromEntries(r.stdout.split('\n').map((l) => l.split(':\t')).map(([k, v]) => [k, (v ?? '').trim()]));
}

describe('--kube-manifest', () => {
  it('bad input: --backend=kubernetes without a kubeconfig, --sharedir, --xc=no, --dpi, a root user: one line, exit 64, no pod', async () => {
    const alone = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes'], { env: { HOME: dir } });
    assert.equal(alone.exitCode, 64);
    assert.match(alone.stderr, /^x11docker error: Option --backend=kubernetes: no kubeconfig context .* or print the pod with --kube-manifest\./);
    assert.equal(String(alone.stderr).trim().split('\n').length, 1);
    assert.equal(alone.stdout, '');
    const share = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, '--sharedir=/tmp', DEMO_IMAGE]);
    assert.equal(share.exitCode, 64);
    assert.match(share.stderr, /Option --backend=kubernetes: --sharedir shares a host folder/);
    assert.equal(share.stdout, '');
    // options the manifest has no place for: refused, not dropped from the pod silently
    for (const [option, re] of [['--xc=no', /--xc=no: the pod's X server always runs in a container of the X server image\. Remove --xc=no/], ['--dpi=120', /--dpi is not available in a pod yet\. Remove --dpi/]] as const) {
      const dropped = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, option, DEMO_IMAGE]);
      assert.equal(dropped.exitCode, 64, `${option}: ${dropped.stderr}`);
      assert.match(dropped.stderr, new RegExp(`^x11docker error: Option --backend=kubernetes: ${re.source}`));
      assert.equal(String(dropped.stderr).trim().split('\n').length, 1, dropped.stderr);
      assert.equal(dropped.stdout, '', 'no manifest');
    }
    const root = await x11docker(['--kube-manifest', '--user=root', DEMO_IMAGE]);
    assert.equal(root.exitCode, 64);
    assert.match(root.stderr, /runAsNonRoot/);
  });

  it('podman kube play: xeyes on the pod\'s Xvfb with the cookie; CapEff 0, NoNewPrivs 1, the mirrored uid; no cookie, no access; kube down leaves nothing', async (t) => {
    if (!(await hasImage('x11docker-xserver')) || !(await hasImage(DEMO_IMAGE))) {
      t.skip('podman lacks x11docker-xserver or the demo image: run bash scripts/setup.sh');
      return;
    }
    const uid = Number((await execa('id', ['-u', TEST_USER])).stdout);
    const gid = Number((await execa('id', ['-g', TEST_USER])).stdout);
    const made = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes']);
    assert.equal(made.exitCode, 0, made.stderr);
    const docs = parseAllDocuments(made.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    assert.deepEqual(docs.map((d) => d.kind), ['Secret', 'NetworkPolicy', 'Pod']);
    const pod = docs[2]!.metadata.name;
    const secret = docs[0]!.metadata.name;
    const file = join(dir, 'pod.yaml');
    writeFileSync(file, made.stdout);
    try {
      const play = await podman(['kube', 'play', '--replace', file]);
      assert.equal(play.exitCode, 0, `${play.stdout}\n${play.stderr}`);
      const app = `${pod}-app`;
      const display = `${pod}-display`;
      let tree = '';
      await waitFor('the xeyes window on the pod\'s display', async () => {
        tree = (await podman(['exec', app, 'xwininfo', '-root', '-tree'])).stdout;
        return /"xeyes": \("xeyes" "XEyes"\)/.test(tree);
      }, 40000).catch((e: Error) => assert.fail(`${e.message}\n${tree}`));
      assert.equal((await podman(['exec', app, 'test', '-S', '/tmp/.X11-unix/X100'])).exitCode, 0, 'the X socket in the shared emptyDir');
      for (const c of [app, display]) {
        const s = await status1(c);
        assert.equal(s.CapEff, '0000000000000000', `${c}: CapEff`);
        assert.equal(s.NoNewPrivs, '1', `${c}: NoNewPrivs`);
        assert.equal(s.Uid?.split('\t')[0], String(uid), `${c}: uid`);
        assert.equal(s.Gid?.split('\t')[0], String(gid), `${c}: gid`);
      }
      assert.match((await podman(['exec', display, 'cat', '/proc/1/cmdline'])).stdout.replace(/\0/g, ' '), /^Xvfb :100 -auth \/x11docker\/xauth\/Xauthority -nolisten tcp/);
      const noCookie = await podman(['exec', '--env=XAUTHORITY=/dev/null', app, 'xwininfo', '-root']);
      assert.notEqual(noCookie.exitCode, 0, 'a client without the cookie is refused');
      assert.match(noCookie.stderr, /Authorization required|unable to open display/);
      const ro = await podman(['exec', app, 'touch', '/etc/x11docker-test']);
      assert.notEqual(ro.exitCode, 0, 'read-only root file system');
    } finally {
      const down = await podman(['kube', 'down', file]);
      assert.equal(down.exitCode, 0, down.stderr);
      // podman 4.3 keeps a Secret of kube play (as a podman secret and a volume of its name): what kubectl delete would remove
      const secrets = (await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.split('\n');
      const volumes = (await podman(['volume', 'ls', '--format', '{{.Name}}'])).stdout.split('\n');
      const kept = [...secrets, ...volumes].filter((n) => n.startsWith(pod));
      assert.ok(kept.every((n) => n === secret), `kube down left more than the Secret: ${kept.join(', ')}`);
      await podman(['secret', 'rm', secret]);
      await podman(['volume', 'rm', secret]);
    }
    assert.equal((await podman(['pod', 'exists', pod])).exitCode, 1, 'no pod');
    assert.equal((await podman(['ps', '-a', '-q', '--filter', `name=${pod}`])).stdout.trim(), '', 'no container');
    assert.ok(!(await podman(['volume', 'ls', '--format', '{{.Name}}'])).stdout.includes(pod), 'no volume');
    assert.ok(!(await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.includes(pod), 'no secret');
  });

  it('--home: a PersistentVolumeClaim per user and image, writable by the mirrored user, kept from one pod to the next', async (t) => {
    if (!(await hasImage('x11docker-xserver')) || !(await hasImage(DEMO_IMAGE))) {
      t.skip('podman lacks x11docker-xserver or the demo image: run bash scripts/setup.sh');
      return;
    }
    // podman 4.3 refuses to play a PersistentVolumeClaim whose volume exists (kubectl apply leaves it unchanged): a replay leaves the claim out
    const run = async (script: string, withClaim = true) => {
      const made = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, '--home', DEMO_IMAGE, 'sh', '-c', script]);
      assert.equal(made.exitCode, 0, made.stderr);
      const docs = parseAllDocuments(made.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
      const file = join(dir, 'home.yaml');
      writeFileSync(file, made.stdout.split(/^---\n/m).filter((d) => withClaim || !/^kind: PersistentVolumeClaim$/m.test(d)).join('---\n'));
      const pod = docs.find((d) => d.kind === 'Pod')!.metadata.name;
      const claim = docs.find((d) => d.kind === 'PersistentVolumeClaim')!.metadata.name;
      try {
        const play = await podman(['kube', 'play', '--replace', file]);
        assert.equal(play.exitCode, 0, `${play.stdout}\n${play.stderr}`);
        let state = '';
        await waitFor('the app container to end', async () => {
          state = (await podman(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', `${pod}-app`])).stdout.trim();
          return state.startsWith('exited');
        }, 40000);
        return { claim, state, logs: (await podman(['logs', `${pod}-app`])).stdout };
      } finally {
        await podman(['kube', 'down', file]);
        const secret = docs[0]!.metadata.name;
        await podman(['secret', 'rm', secret]);
        await podman(['volume', 'rm', secret]);
      }
    };
    let claim = '';
    try {
      const first = await run('echo kept > "$HOME/x11docker-kube-test" && echo written');
      claim = first.claim;
      assert.equal(first.state, 'exited 0', first.logs);
      assert.match(first.logs, /written/);
      const second = await run('cat "$HOME/x11docker-kube-test"', false);
      assert.equal(second.claim, claim, 'the same claim for the same user and image');
      assert.match(second.logs, /^kept$/m);
      assert.ok((await podman(['volume', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').includes(claim), 'the HOME outlives the pod, as ~/x11docker/IMAGE does');
    } finally {
      if (claim) await podman(['volume', 'rm', claim]);
    }
  });
  it('--html: the pod\'s x11vnc only on the pod\'s loopback; through a port-forward stand-in, xeyes in Chromium with the Secret\'s password', async (t) => {
    if (!(await hasImage('x11docker-xserver')) || !(await hasImage(DEMO_IMAGE))) {
      t.skip('podman lacks x11docker-xserver or the demo image: run bash scripts/setup.sh');
      return;
    }
    const made = await x11docker(['--kube-manifest', '--html', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes']);
    assert.equal(made.exitCode, 0, made.stderr);
    assert.match(made.stderr, /kubectl port-forward pod\/\S+ 5900/);
    const docs = parseAllDocuments(made.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> });
    const secret = docs.find((d) => d.kind === 'Secret')!;
    const pod = docs.find((d) => d.kind === 'Pod')!.metadata.name;
    // x11vnc's password file: the password and a newline
    const password = Buffer.from(secret.data!.vncpasswd!, 'base64').toString().replace(/\n$/, '');
    assert.match(password, /^[A-Za-z0-9]{8}$/);
    assert.ok(!JSON.stringify(docs.find((d) => d.kind === 'Pod')).includes(password), 'the password is not in the Pod spec');
    const file = join(dir, 'html.yaml');
    writeFileSync(file, made.stdout);
    const relay = createServer();
    let websockify: ReturnType<typeof execa> | undefined;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    try {
      const play = await podman(['kube', 'play', '--replace', file]);
      assert.equal(play.exitCode, 0, `${play.stdout}\n${play.stderr}`);
      const display = `${pod}-display`;
      const pid = (await podman(['inspect', '-f', '{{.State.Pid}}', display])).stdout.trim();
      await waitFor('x11vnc listening on the pod\'s 127.0.0.1:5900', async () =>
        /^\s*\d+: 0100007F:170C 00000000:0000 0A /m.test((await podman(['exec', display, 'cat', '/proc/net/tcp'])).stdout), 40000);
      // not on any other address of the pod: the pod's own address refuses the connection
      const addresses = (await execa('nsenter', ['-t', pid, '-n', 'hostname', '-I'])).stdout.trim().split(/\s+/).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
      assert.ok(addresses.length > 0, 'the pod has an address');
      for (const a of addresses) {
        const refused = await new Promise<string>((resolve) => connect(5900, a).on('connect', function (this: import('node:net').Socket) { this.destroy(); resolve('connected'); }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')));
        assert.equal(refused, 'ECONNREFUSED', `x11vnc must not be reachable at ${a}:5900`);
      }
      // the port-forward stand-in: each connection is piped into the pod's network namespace to 127.0.0.1:5900
      relay.on('connection', (socket) => {
        const pipe = execa('nsenter', ['-t', pid, '-n', process.execPath, '-e',
          "const s=require('net').connect(5900,'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('close',()=>process.exit(0));s.on('error',()=>process.exit(1))"], { stdin: 'pipe', stdout: 'pipe', reject: false, buffer: false });
        socket.pipe(pipe.stdin!);
        pipe.stdout!.pipe(socket);
        socket.on('close', () => pipe.kill());
        socket.on('error', () => pipe.kill());
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
      const relayPort = (relay.address() as { port: number }).port;
      const wsPort = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
      websockify = execa('websockify', ['--web', `${webDir()}view/`, `127.0.0.1:${wsPort}`, `127.0.0.1:${relayPort}`], { reject: false, buffer: false, stdin: 'ignore' });
      await waitFor('websockify', () => new Promise<boolean>((resolve) => connect(wsPort, '127.0.0.1').on('connect', function (this: import('node:net').Socket) { this.destroy(); resolve(true); }).on('error', () => resolve(false))), 15000);
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      const wrong = await browser.newPage();
      await wrong.goto(`http://127.0.0.1:${wsPort}/view.html#password=wrongpw1&token=x`);
      await wrong.waitForFunction(() => /wrong password/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 20000 });
      let tree = '';
      await waitFor('the xeyes window on the pod\'s display', async () => {
        tree = (await podman(['exec', `${pod}-app`, 'xwininfo', '-root', '-tree'])).stdout;
        return /"xeyes": \("xeyes" "XEyes"\)/.test(tree);
      }, 40000).catch((e: Error) => assert.fail(`${e.message}\n${tree}`));
      // x11vnc's container reads the password; the app's container has no file with it (it shares only the cookie's emptyDir)
      assert.equal((await podman(['exec', `${pod}-html`, 'cat', '/x11docker/passwd/vncpasswd'])).stdout, password, 'the pod\'s x11vnc has the password');
      const inApp = await podman(['exec', `${pod}-app`, 'sh', '-c', 'cat /x11docker/passwd/vncpasswd /x11docker/xauth/vncpasswd; grep -rl "$0" /x11docker /tmp 2>/dev/null; ls -a /x11docker /x11docker/xauth', password]);
      assert.ok(!inApp.stdout.includes(password) && !/passwd/.test(inApp.stdout), `the app's container sees no password file:\n${inApp.stdout}\n${inApp.stderr}`);
      assert.match(inApp.stdout, /Xauthority/, 'the app still has its cookie');
      await page.goto(`http://127.0.0.1:${wsPort}/view.html#password=${password}&token=x`);
      const hash = () => page.evaluate(() => {
        const c = document.querySelector('canvas');
        if (!c || c.width < 100) return 0;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let h = 0;
        for (let i = 0; i < d.length; i += 4) h = (h * 31 + ((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)) | 0;
        return h;
      });
      await waitFor('the remote screen in the canvas', async () => (await hash()) !== 0, 30000);
      // xeyes follows the pointer: moving it over the view redraws the eyes (the display is live, input arrives)
      const before = await hash();
      let moved = false;
      for (let i = 0; i < 20 && !moved; i++) {
        await page.mouse.move(50 + ((i * 97) % 900), 50 + ((i * 53) % 650));
        await new Promise((r) => setTimeout(r, 300));
        moved = (await hash()) !== before;
      }
      assert.ok(moved, 'the view redraws when the pointer moves (xeyes follows it through VNC)');
      // X11DOCKER_SCREENSHOTS=1: the picture of the README's Kubernetes section
      if (process.env.X11DOCKER_SCREENSHOTS === '1') await page.screenshot({ path: fileURLToPath(new URL('../../../docs/kube-html.png', import.meta.url)) });
      assert.match(await page.evaluate(() => document.title), /x11docker :100/);
    } finally {
      await browser.close();
      websockify?.kill();
      await ensureEnded(websockify as never);
      relay.close();
      await podman(['kube', 'down', file]);
      const secretName = secret.metadata.name;
      await podman(['secret', 'rm', secretName]);
      await podman(['volume', 'rm', secretName]);
    }
    assert.equal((await podman(['pod', 'exists', pod])).exitCode, 1, 'no pod');
  });
});
