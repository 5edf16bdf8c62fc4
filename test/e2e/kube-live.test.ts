/**
 * End to end: `--backend=kubernetes` (the live path, without --kube-manifest) with the real CLI
 * against a fake Kubernetes API server (test/e2e/fake-kube.ts, the only stand-in: no control
 * plane can run on these machines): the objects are created, the pod is watched until it runs,
 * the app's exit code is x11docker's, and whatever ends the session (the app, SIGTERM, the
 * cluster's refusal) leaves nothing but the `--home` claim. `--cleanup` deletes what dead sessions
 * left, by label.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostIdentity } from '../../src/host/identity.js';
import { dirname, join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { CLI, firstLine, TEST_USER, waitFor, x11docker } from './helpers.js';
import { startFakeKube, type FakeKube, type Obj } from './fake-kube.js';

let fake: FakeKube;
before(async () => {
  fake = await startFakeKube();
});
after(() => fake.stop());
beforeEach(() => {
  fake.store.clear();
  fake.requests.length = 0;
  fake.forbid.clear();
});

const kinds = () => [...fake.store.keys()].map((k) => k.split('/')[0]).sort();
const run = (args: readonly string[]) => x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, ...args], { env: { KUBECONFIG: fake.kubeconfig } });
const oneLine = (stderr: string) => {
  const errors = stderr.split('\n').filter((l) => l.startsWith('x11docker error:'));
  assert.equal(errors.length, 1, stderr);
  return errors[0]!;
};

describe('--backend=kubernetes against a fake API server', () => {
  it('happy path: Secret, NetworkPolicy, Pod created in the context\'s namespace; Running; the app ends with 3 -> exit 3; all deleted', async () => {
    const r = await run(['fake/app:exit3', 'xeyes']);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.equal(r.stdout, '');
    const created = fake.requests.filter((q) => q.startsWith('create'));
    assert.deepEqual(created, ['create secrets', 'create networkpolicies', 'create pods']);
    assert.ok(fake.requests.includes('watch pods'), fake.requests.join(', '));
    const deleted = fake.requests.filter((q) => q.startsWith('delete')).map((q) => q.split('/')[0]);
    assert.deepEqual(deleted, ['delete pods', 'delete networkpolicies', 'delete secrets'], 'the Pod first');
    assert.deepEqual(kinds(), [], 'nothing left');
    assert.match(r.stderr, /pod x11docker-[0-9a-f]+ runs in namespace x11test \(context fake\)/);
  });

  it('--kube-namespace, --kube-context and --home: the other namespace; the PVC is created and kept, the rest deleted', async () => {
    const r = await run(['--kube-context=other', '--kube-namespace=team', '--home', 'fake/app:exit3', 'true']);
    assert.equal(r.exitCode, 3, r.stderr);
    assert.deepEqual(kinds(), ['persistentvolumeclaims'], 'only the claim outlives the session');
    const claim = [...fake.store.values()][0]!;
    assert.equal(claim.metadata.namespace, 'team');
    // a second session finds the claim (409 AlreadyExists is no error)
    const again = await run(['--kube-context=other', '--kube-namespace=team', '--home', 'fake/app:exit3', 'true']);
    assert.equal(again.exitCode, 3, again.stderr);
    assert.deepEqual(kinds(), ['persistentvolumeclaims']);
    const bad = await run(['--kube-context=nosuch', 'fake/app:exit3']);
    assert.equal(bad.exitCode, 64);
    assert.match(oneLine(bad.stderr), /Option --kube-context: no context 'nosuch' in your kubeconfig; it has: fake, other/);
  });

  it('an unreachable cluster: one line naming the context and the server, exit 64', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'x11docker-kube-closed-')), 'config');
    writeFileSync(config, readFileSync(fake.kubeconfig, 'utf8').replace(fake.url, 'http://127.0.0.1:9'));
    try {
      const r = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, 'fake/app:exit3'], { env: { KUBECONFIG: config } });
      assert.equal(r.exitCode, 64);
      assert.match(oneLine(r.stderr), /^x11docker error: Option --backend=kubernetes: cannot reach the cluster of context fake at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    } finally {
      rmSync(dirname(config), { recursive: true, force: true });
    }
  });

  it('an unschedulable pod: one line with the scheduler\'s reason, exit 64, nothing left', async () => {
    const r = await run(['fake/app:unschedulable', 'xeyes']);
    assert.equal(r.exitCode, 64);
    assert.match(oneLine(r.stderr), /^x11docker error: Option --backend=kubernetes: pod x11docker-[0-9a-f]+ cannot be scheduled \(Unschedulable: 0\/3 nodes are available: 3 Insufficient memory\./);
    assert.deepEqual(kinds(), []);
  });

  it('ImagePullBackOff / ErrImagePull: one line with the reason, exit 64, nothing left', async () => {
    const r = await run(['fake/app:pullbackoff', 'xeyes']);
    assert.equal(r.exitCode, 64);
    assert.match(oneLine(r.stderr), /container app: (ErrImagePull: rpc error: pull access denied|ImagePullBackOff: Back-off pulling image)/);
    assert.deepEqual(kinds(), []);
  });

  it('403 Forbidden: the line names the missing RBAC verb and resource; what was created before is deleted', async () => {
    fake.forbid.add('create networkpolicies');
    const r = await run(['fake/app:exit3', 'xeyes']);
    assert.equal(r.exitCode, 64);
    const line = oneLine(r.stderr);
    assert.match(line, /refused to create networkpolicies in namespace x11test \(403 Forbidden: networkpolicies is forbidden: User "x11tester" cannot create/);
    assert.match(line, /RBAC verb 'create' on resource 'networkpolicies' \(API group networking\.k8s\.io\)/);
    assert.ok(fake.requests.some((q) => q.startsWith('delete secrets/')), 'the Secret made before was deleted');
    assert.ok(!fake.requests.includes('create pods'), 'no pod');
    assert.deepEqual(kinds(), []);
  });

  it('SIGTERM while the pod runs: exit 143, Pod, Secret and NetworkPolicy deleted', async () => {
    const child = execa('node', [CLI, '--backend=kubernetes', `--hostuser=${TEST_USER}`, 'fake/app:forever', 'xeyes'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: fake.kubeconfig }, extendEnv: false, reject: false, timeout: 60000 });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitFor('x11docker to see the pod running', () => /runs in namespace x11test/.test(stderr));
      assert.deepEqual(kinds(), ['networkpolicies', 'pods', 'secrets']);
      child.kill('SIGTERM');
      const r = await child;
      assert.equal(r.exitCode, 143, r.stderr);
      assert.deepEqual(kinds(), [], 'nothing left');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('Ctrl-C (SIGINT) while the pod is still pending: exit 130, nothing left', async () => {
    const child = execa('node', [CLI, '--backend=kubernetes', `--hostuser=${TEST_USER}`, 'fake/app:pending', 'xeyes'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: fake.kubeconfig }, extendEnv: false, reject: false, timeout: 60000 });
    try {
      await waitFor('the pod to be created and watched', () => fake.requests.includes('watch pods') && [...fake.store.values()].some((o) => o.kind === 'Pod' && o.status?.phase === 'Pending'));
      child.kill('SIGINT');
      const r = await child;
      assert.equal(r.exitCode, 130, r.stderr);
      assert.deepEqual(kinds(), [], 'nothing left');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--html: the pod\'s VNC port is forwarded through the API\'s port-forward to a local websockify; HTML_URL= with password and token; the view\'s WebSocket reaches the pod; SIGTERM deletes all', async () => {
    // the pod's x11vnc, played by a TCP server that greets as a VNC server does
    const vnc = createServer((socket) => socket.end('RFB 003.008\n'));
    await new Promise<void>((resolve) => vnc.listen(0, '127.0.0.1', resolve));
    fake.forwardTo = (vnc.address() as AddressInfo).port;
    const child = execa('node', [CLI, '--backend=kubernetes', `--hostuser=${TEST_USER}`, '--html', 'fake/app:forever', 'xeyes'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: fake.kubeconfig }, extendEnv: false, reject: false, timeout: 60000 });
    try {
      const line = await firstLine(child.stdout!, child, 'x11docker --html (waiting for HTML_URL=)');
      const m = /^HTML_URL=(http:\/\/127\.0\.0\.1:\d+)\/view\.html#password=([A-Za-z0-9]{8})&token=([\w-]+)$/.exec(line);
      assert.ok(m, line);
      const [, origin, password, token] = m as unknown as [string, string, string, string];
      const secret = [...fake.store.values()].find((o) => o.kind === 'Secret') as Obj & { data: Record<string, string> };
      assert.equal(Buffer.from(secret.data.vncpasswd!, 'base64').toString(), `${password}\n`, 'the pod\'s x11vnc gets the password of the URL');
      const pod = [...fake.store.values()].find((o) => o.kind === 'Pod')!;
      assert.equal((await fetch(`${origin}/view.html`)).status, 200, 'the viewer page');
      const greeting = await new Promise<string>((resolve, reject) => {
        setTimeout(() => reject(new Error('no greeting through the forward after 10 s')), 10000).unref();
        const ws = new WebSocket(`${origin.replace('http', 'ws')}/websockify?token=${token}`, ['binary'], { headers: { Origin: origin } });
        ws.on('message', (d: Buffer) => {
          resolve(d.toString());
          ws.close();
        });
        ws.on('error', reject);
      });
      assert.equal(greeting, 'RFB 003.008\n', 'the WebSocket reached the pod\'s VNC port');
      assert.ok(fake.requests.includes(`create pods/portforward/${pod.metadata.name}`), fake.requests.join(', '));
      const refused = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${origin.replace('http', 'ws')}/websockify?token=${token}`, ['binary'], { headers: { Origin: 'http://evil.example' } });
        ws.on('open', () => resolve('open'));
        ws.on('error', () => resolve('refused'));
      });
      assert.equal(refused, 'refused', 'another origin is refused, as with a local --html');
      child.kill('SIGTERM');
      const r = await child;
      assert.equal(r.exitCode, 143, r.stderr);
      assert.deepEqual(kinds(), [], 'nothing left');
      await assert.rejects(fetch(`${origin}/view.html`), 'websockify is gone');
    } finally {
      child.kill('SIGKILL');
      delete fake.forwardTo;
      vnc.close();
    }
  });

  it('--cleanup --backend=kubernetes deletes what ended sessions of this machine left, by label; live, foreign and hand-applied sessions stay', async () => {
    const dead = (await execa('sh', ['-c', 'echo $$'])).stdout.trim();
    const put = (resource: string, kind: string, name: string, session: string, annotations?: Record<string, string>) => {
      const obj: Obj = { kind, apiVersion: 'v1', metadata: { name, namespace: 'x11test', labels: { 'app.kubernetes.io/managed-by': 'x11docker', 'x11docker/session': session }, ...(annotations ? { annotations } : {}) } };
      fake.store.set(`${resource}/${name}`, obj);
    };
    const mine = (pid: string) => ({ 'x11docker/client-host': hostIdentity(), 'x11docker/client-pid': pid });
    put('pods', 'Pod', 'x11docker-dead', 'dead', mine(dead));
    put('secrets', 'Secret', 'x11docker-dead-cookie', 'dead', mine(dead));
    put('networkpolicies', 'NetworkPolicy', 'x11docker-dead-deny-all', 'dead', mine(dead));
    put('secrets', 'Secret', 'x11docker-gone-cookie', 'gone', mine(dead)); // a Secret whose Pod is gone already
    put('pods', 'Pod', 'x11docker-live', 'live', mine(String(process.pid)));
    put('secrets', 'Secret', 'x11docker-live-cookie', 'live', mine(String(process.pid)));
    put('pods', 'Pod', 'x11docker-elsewhere', 'elsewhere', { 'x11docker/client-host': 'another-machine', 'x11docker/client-pid': dead });
    put('pods', 'Pod', 'x11docker-applied', 'applied');
    fake.store.set('persistentvolumeclaims/x11docker-home-a', { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'x11docker-home-a', labels: { 'app.kubernetes.io/managed-by': 'x11docker' } } });
    const r = await x11docker(['--cleanup', '--backend=kubernetes'], { env: { KUBECONFIG: fake.kubeconfig } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual([...fake.store.keys()].sort(), ['persistentvolumeclaims/x11docker-home-a', 'pods/x11docker-applied', 'pods/x11docker-elsewhere', 'pods/x11docker-live', 'secrets/x11docker-live-cookie']);
    assert.match(r.stderr, /--cleanup: deleted Pod x11docker-dead in namespace x11test/);
    fake.forbid.add('list pods');
    const denied = await x11docker(['--cleanup', '--backend=kubernetes'], { env: { KUBECONFIG: fake.kubeconfig } });
    assert.equal(denied.exitCode, 64);
    assert.match(oneLine(denied.stderr), /RBAC verb 'list' on resource 'pods'/);
  });
});
