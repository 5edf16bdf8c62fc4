/**
 * End to end: upstream 7.x command lines. `--preset` and the `default` preset change a real
 * session (the variables arrive in the container, the X server is the preset's); an upstream
 * option that is not available here is one line, exit 64, and nothing is started.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_IMAGE, assertNothingNew, leftovers, x11docker } from './helpers.js';

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'x11docker-presets-home-'));
  const folder = join(home, '.config', 'x11docker', 'preset');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'default'), '# applied to every run\n--env FROM_DEFAULT=yes\n');
  writeFileSync(join(folder, 'dev'), '--xvfb\n--env "FROM_DEV=two words" --preset nested\n');
  writeFileSync(join(folder, 'nested'), '--env FROM_NESTED=$HOME\n');
  writeFileSync(join(folder, 'broken'), '--xvfb\nx11docker-demo\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('upstream 7.x options', () => {
  it("--preset and the default preset: their options take effect as if typed (variables inside, the preset's X server)", async () => {
    const base = await leftovers();
    const r = await x11docker(['-v', '--preset', 'dev', DEMO_IMAGE, 'sh', '-c', 'echo "default=$FROM_DEFAULT dev=$FROM_DEV nested=$FROM_NESTED display=$DISPLAY"'], { env: { HOME: home } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), new RegExp(`^default=yes dev=two words nested=${home} display=:\\d+$`, 'm'));
    assert.match(String(r.stderr), /options from preset .*\/preset\/default/);
    assert.match(String(r.stderr), /options from preset .*\/preset\/dev/);
    assert.match(String(r.stderr), /Xvfb/, 'the X server is the preset\'s --xvfb');
    await assertNothingNew(base);
  });

  it('a preset with a line that is no option is one line naming the file and line, exit 64, nothing started', async () => {
    const base = await leftovers();
    const r = await x11docker(['--preset', 'broken', DEMO_IMAGE], { env: { HOME: home } });
    assert.equal(r.exitCode, 64);
    assert.equal(String(r.stderr).trim(), `x11docker error: Option --preset: ${home}/.config/x11docker/preset/broken line 2: 'x11docker-demo' is not an x11docker option. A preset holds options only (no IMAGE, COMMAND or '--').`);
    await assertNothingNew(base);
  });

  it('--license (and --licence) prints the MIT license of the installed package and exits 0, starting nothing', async () => {
    for (const option of ['--license', '--licence']) {
      const r = await x11docker([option]);
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stdout), /^MIT License\n\nCopyright \(c\) \d{4} The x11docker for TypeScript authors\n/);
      assert.match(String(r.stdout), /THE SOFTWARE IS PROVIDED "AS IS"/);
      assert.equal(String(r.stderr), '');
    }
  });

  it("an upstream option that is not available here (--xc) is one line saying so, exit 64, nothing started", async () => {
    const base = await leftovers();
    const r = await x11docker(['--xc', '--xvfb', DEMO_IMAGE]);
    assert.equal(r.exitCode, 64);
    assert.match(String(r.stderr).trim(), /^x11docker error: Option --xc of upstream x11docker 7\.8\.1 is not available in x11docker for TypeScript yet[^\n]*$/);
    await assertNothingNew(base);
  });
});
