// The programmatic API (src/api.ts) as a user's project gets it: the package installed into a
// fresh project (npm install of this checkout), `import('x11docker')` gives startSession; a
// session started through it has a working display for host clients, a running hardened
// container, and stop() (or the caller's death) leaves nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { assertNothingLeft, DEMO_IMAGE, ensureEnded, firstLine, waitFor } from './helpers.js';

/** The checkout (the package's root: dist/test/e2e/ is three levels below it). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A user's script: starts a session through the API, prints its facts as one JSON line, then
 * stops it when a line arrives on stdin and prints the exit code. (The container's output goes
 * to the script's stdout and stderr: its command writes to stderr only, so stdout is the script's.)
 */
const SCRIPT = `
import { startSession } from 'x11docker';
const s = await startSession({ image: ${JSON.stringify(DEMO_IMAGE)}, command: ['sh', '-c', 'cat /proc/self/status >&2; sleep 60'], display: 'xvfb', quiet: true });
console.log(JSON.stringify({ id: s.id, display: s.display, env: s.env, driver: s.plan.driver.name }));
process.stdin.once('data', async () => console.log(JSON.stringify({ code: await s.stop() })));
`;

let project = '';

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'x11docker-api-user-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'api-user', version: '1.0.0', type: 'module', private: true }));
  writeFileSync(join(project, 'use.mjs'), SCRIPT);
  await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', PACKAGE_ROOT], { cwd: project });
});
after(() => rmSync(project, { recursive: true, force: true }));

describe('the programmatic API', () => {
  test("import('x11docker') in a project that installed the package gives startSession and X11DockerError", async () => {
    const r = await execa('node', ['-e', "import('x11docker').then((m) => console.log(typeof m.startSession, typeof m.X11DockerError))"], { cwd: project });
    assert.equal(r.stdout.trim(), 'function function');
  });

  test('startSession: env works for a host client, the container runs hardened, stop() ends it with 143 and leaves nothing', async () => {
    const child = execa('node', ['use.mjs'], { cwd: project, stdin: 'pipe', reject: false, env: { DISPLAY: '' } });
    try {
      const s = JSON.parse(await firstLine(child.stdout!, child, 'the API script')) as { id: string; display: number; env: Record<string, string>; driver: string };
      assert.equal(s.driver, 'xvfb');
      assert.equal(s.env.DISPLAY, `:${s.display}`);
      const info = await execa('xdpyinfo', [], { env: { DISPLAY: s.env.DISPLAY, XAUTHORITY: s.env.XAUTHORITY }, reject: false });
      assert.equal(info.exitCode, 0, info.stderr);
      // the start is under way when startSession resolves (docker start was called)
      const running = async () => (await execa('docker', ['ps', '--filter', `label=x11docker.session=${s.id}`, '--format', '{{.ID}}'])).stdout.trim();
      await waitFor('the session container running', async () => (await running()) !== '');
      const id = await running();
      const status = async () => (await execa('docker', ['logs', id])).stderr;
      await waitFor('the container command\'s output', async () => /NoNewPrivs/.test(await status()));
      assert.match(await status(), /CapEff:\s+0000000000000000/);
      assert.match(await status(), /NoNewPrivs:\s+1/);
      child.stdin!.end('stop\n');
      const r = await child;
      assert.match(r.stdout, /\{"code":143\}/, r.stderr);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(child);
    }
  });

  test("the caller's process killed with SIGKILL: the session's watcher removes everything", async () => {
    const child = execa('node', ['use.mjs'], { cwd: project, stdin: 'pipe', reject: false, env: { DISPLAY: '' } });
    try {
      const s = JSON.parse(await firstLine(child.stdout!, child, 'the API script')) as { id: string; display: number };
      child.kill('SIGKILL');
      await child;
      await waitFor('the watcher to remove the container', async () => (await execa('docker', ['ps', '-a', '--filter', `label=x11docker.session=${s.id}`, '--format', '{{.ID}}'])).stdout.trim() === '', 30000);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(child);
    }
  });
});
