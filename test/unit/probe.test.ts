// What the host probe looks at (src/plan/probe.ts): derived from the display drivers' requires and
// the plan's own tools, passed to gatherHostFacts by the caller (host/ does not import plan/).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherHostFacts } from '../../src/host/facts.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { HOST_WINDOW_MANAGERS } from '../../src/plan/display.js';
import { HOST_TOOLS, hostProbe } from '../../src/plan/probe.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';

describe('hostProbe', () => {
  test('binaries: every driver requirement, the host tools, window managers, --wm and --exe commands; once each', () => {
    const { binaries } = hostProbe(parseCommandLine(['--wm', 'mywm --arg', 'img']));
    for (const d of Object.values(xserverDrivers)) for (const r of d.requires) assert.ok(binaries.includes(r.binary), `${d.name}: ${r.binary}`);
    for (const t of HOST_TOOLS) assert.ok(binaries.includes(t.binary), t.binary);
    for (const w of HOST_WINDOW_MANAGERS) assert.ok(binaries.includes(w), w);
    assert.ok(binaries.includes('mywm'));
    assert.ok(!binaries.includes('--arg'));
    assert.equal(new Set(binaries).size, binaries.length);
    // the binaries the hand-written list of host/facts.ts had before
    for (const b of ['Xephyr', 'Xvfb', 'xpra', 'nxagent', 'Xorg', '/usr/lib/xorg/Xorg', '/usr/lib/xorg/modules/drivers/dummy_drv.so', 'weston', 'Xwayland', 'kwin_wayland']) {
      assert.ok(binaries.includes(b), b);
    }
    assert.ok(hostProbe(parseCommandLine(['--exe', 'xterm', '-e', 'true'])).binaries.includes('xterm'));
  });

  test('paths: the shared folders and the --home folder below the host HOME; env files of raw --env-file', () => {
    const probe = hostProbe(parseCommandLine(['--sharedir', '/data', '--home', 'img']));
    assert.deepEqual(probe.paths('/home/alice'), ['/data', '/home/alice/x11docker/img']);
    assert.deepEqual(hostProbe(parseCommandLine(['--', '--env-file', '/e', '-e', 'A=1', '--', 'img'])).envFiles, ['/e']);
  });

  test('gatherHostFacts looks for exactly the probe\'s binaries and paths', async () => {
    const options = parseCommandLine(['img']);
    const facts = await gatherHostFacts(options, { binaries: ['sh', 'x11docker-no-such-binary'], paths: (home) => ['/', `${home}/x11docker-no-such-folder`], envFiles: ['/x11docker-no-such-file'] }, { PATH: '/usr/bin:/bin', HOME: process.env.HOME });
    assert.deepEqual([...facts.binaries], ['sh']);
    assert.deepEqual([...facts.pathKinds!.entries()], [['/', 'dir'], [`${facts.hostUser.home}/x11docker-no-such-folder`, 'missing']]);
    assert.deepEqual([...facts.envFiles!.entries()], [['/x11docker-no-such-file', undefined]]);
  });
});
