/**
 * End to end: how x11docker talks to the engine (src/run/engine-api.ts, engine-cli.ts,
 * engine-endpoint.ts). The default is the engine's API socket, with no docker CLI process at all;
 * the CLI is used where the API has no plain form, for a terminal (-i), and when asked; a docker
 * context chooses the daemon as it does for the docker CLI.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, DEMO_IMAGE, assertNothingNew, leftovers, x11docker } from './helpers.js';
import { declaredMounts } from '../../src/plan/covered.js';

/** The docker CLI processes x11docker started, from its `-v` log (`ran docker ...`, `starting docker ...`). */
const cliRuns = (stderr: string) => stderr.split('\n').filter((l) => /x11docker: (ran|starting) docker\b/.test(l));

/** What earlier sessions (other test files, other runs on this machine) left: not this test's doing. */
let baseline: Awaited<ReturnType<typeof leftovers>>;
beforeEach(async () => {
  baseline = await leftovers();
});
/** This test's sessions left no container, X server, socket or display claim. */
const nothingLeft = () => assertNothingNew(baseline, 8000);

describe('the engine over its API', () => {
  it('a session makes no docker CLI process: image, create, files, start, exit code and removal are API requests', async () => {
    const r = await x11docker(['-v', '--xvfb', DEMO_IMAGE, 'sh', '-c', 'echo "out $(id -u)"; echo err >&2; exit 7']);
    const stderr = String(r.stderr);
    assert.equal(r.exitCode, 7, stderr);
    assert.match(String(r.stdout), /^out \d+$/m);
    assert.match(stderr, /^err$/m, "the command's stderr comes through");
    assert.match(stderr, /engine: docker API at unix:\/\/\/var\/run\/docker\.sock/);
    assert.deepEqual(cliRuns(stderr), [], 'no docker CLI process');
    await nothingLeft();
  });

  it('X11DOCKER_ENGINE_TRANSPORT=cli uses the docker CLI for everything, with the same result', async () => {
    const r = await x11docker(['-v', '--xvfb', DEMO_IMAGE, 'sh', '-c', 'echo out; exit 5'], { env: { X11DOCKER_ENGINE_TRANSPORT: 'cli' } });
    const stderr = String(r.stderr);
    assert.equal(r.exitCode, 5, stderr);
    assert.match(String(r.stdout), /^out$/m);
    assert.match(stderr, /engine: docker CLI \(X11DOCKER_ENGINE_TRANSPORT=cli\)/);
    assert.ok(cliRuns(stderr).some((l) => /docker (image inspect|create)/.test(l)), stderr);
    await nothingLeft();
  });

  it('a raw option without API form (--env-file) creates that container with the CLI, said with -v; the variable arrives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-envfile-'));
    try {
      writeFileSync(join(dir, 'vars'), 'FROM_FILE=file value\n# comment\n');
      const r = await x11docker(['-v', '--xvfb', '--', `--env-file=${join(dir, 'vars')}`, '--', DEMO_IMAGE, 'sh', '-c', 'echo "got $FROM_FILE"']);
      const stderr = String(r.stderr);
      assert.equal(r.exitCode, 0, stderr);
      assert.match(String(r.stdout), /^got file value$/m);
      assert.match(stderr, /docker create through the CLI: --env-file=\S+ has no plain API form/);
      assert.ok(cliRuns(stderr).some((l) => /docker create/.test(l)), 'created by the CLI');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await nothingLeft();
  });

  it('-i attaches stdin through the CLI (the terminal is its job)', async () => {
    const r = await execa('node', [CLI, '-i', '--xvfb', DEMO_IMAGE, 'sh', '-c', 'read line; echo "read: $line"'], { input: 'hello from stdin\n', reject: false, timeout: 60000 });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^read: hello from stdin$/m);
    await nothingLeft();
  });

  it('a docker context that does not exist, or a bad X11DOCKER_ENGINE_TRANSPORT, is one line before anything starts (never the default daemon)', async () => {
    const config = mkdtempSync(join(tmpdir(), 'x11docker-dockerconfig-'));
    try {
      const r = await x11docker(['--xvfb', DEMO_IMAGE, 'true'], { env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nosuchctx' } });
      assert.equal(r.exitCode, 64);
      assert.equal(String(r.stderr).trim(), "x11docker error: Docker context 'nosuchctx' (DOCKER_CONTEXT) does not exist. See 'docker context ls', or choose another context.");
      const t = await x11docker(['--xvfb', DEMO_IMAGE, 'true'], { env: { X11DOCKER_ENGINE_TRANSPORT: 'bogus' } });
      assert.equal(t.exitCode, 64);
      assert.match(String(t.stderr).trim(), /^x11docker error: X11DOCKER_ENGINE_TRANSPORT=bogus is neither api nor cli\./);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
    await nothingLeft();
  });

  it('a docker context chooses the daemon, as for the docker CLI (here: the userns-remap daemon of the tests)', async () => {
    const config = mkdtempSync(join(tmpdir(), 'x11docker-dockerconfig-'));
    try {
      const socket = '/run/x11docker-test-userns/docker.sock';
      await execa('docker', ['context', 'create', 'x11docker-test', '--docker', `host=unix://${socket}`], { env: { DOCKER_CONFIG: config } });
      await execa('docker', ['context', 'use', 'x11docker-test'], { env: { DOCKER_CONFIG: config } });
      const r = await x11docker(['-v', '--xvfb', DEMO_IMAGE, 'cat', '/proc/self/uid_map'], { env: { DOCKER_CONFIG: config } });
      const stderr = String(r.stderr);
      assert.equal(r.exitCode, 0, stderr);
      assert.match(stderr, new RegExp(`engine: docker API at unix://${socket}`));
      // the remapping daemon's containers have a uid map that is not the identity
      assert.doesNotMatch(String(r.stdout), /^\s*0\s+0\s+4294967295\s*$/m, String(r.stdout));
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
    await nothingLeft();
  });

  it("the mounts x11docker reads from the create arguments are the ones docker lists for the container (so it need not ask)", async () => {
    const args = [
      'create', '--tmpfs=/run/user/1000:mode=0700', '--mount=type=tmpfs,destination=/y', '--mount=type=bind,source=/tmp,target=/b,readonly',
      '--volume=/tmp/.X11-unix:/tmp/.X11-unix/X5:ro', '-v', 'x11docker-test-named:/w', '-v', '/anon', '--label=x11docker.test=1', '--', DEMO_IMAGE, 'true',
    ];
    const id = (await execa('docker', args)).stdout.trim();
    try {
      const inspected = JSON.parse((await execa('docker', ['inspect', '--format', '{{json .Mounts}}', id])).stdout) as { Type: string; Source: string; Destination: string; RW: boolean }[];
      const key = (m: { Type?: string; Source?: string; Destination: string; RW?: boolean }) => `${m.Type} ${m.Type === 'bind' ? m.Source : ''} ${m.Destination} ${m.RW}`;
      assert.deepEqual(declaredMounts(args)!.map(key).sort(), inspected.map(key).sort());
      assert.equal(declaredMounts(['create', '--volumes-from=other', '--', 'img']), undefined, 'mounts of another container: ask the engine');
    } finally {
      await execa('docker', ['rm', '-v', id]);
      await execa('docker', ['volume', 'rm', 'x11docker-test-named'], { reject: false });
    }
  });
});
