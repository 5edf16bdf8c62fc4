/**
 * End to end: `--kube-manifest` (preview of --backend=kubernetes) made by the real CLI and run
 * for real with `podman kube play` (rootful podman, images loaded by scripts/setup-podman.sh):
 * the app's window is on the pod's X server, the hardening holds from inside, a client without
 * the cookie is refused, and `podman kube down` (plus removing the Secret, which podman 4.3 keeps)
 * leaves nothing. No cluster is needed: the manifest is the same one kubectl would apply.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DEMO_IMAGE, TEST_USER, waitFor, x11docker } from './helpers.js';

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
  it('bad input: --backend=kubernetes without a kubeconfig, --sharedir, a root user: one line, exit 64, no pod', async () => {
    const alone = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes'], { env: { HOME: dir } });
    assert.equal(alone.exitCode, 64);
    assert.match(alone.stderr, /^x11docker error: Option --backend=kubernetes: no kubeconfig context .* or print the pod with --kube-manifest\./);
    assert.equal(String(alone.stderr).trim().split('\n').length, 1);
    assert.equal(alone.stdout, '');
    const share = await x11docker(['--kube-manifest', `--hostuser=${TEST_USER}`, '--sharedir=/tmp', DEMO_IMAGE]);
    assert.equal(share.exitCode, 64);
    assert.match(share.stderr, /Option --backend=kubernetes: --sharedir shares a host folder/);
    assert.equal(share.stdout, '');
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
});
