// Upstream's X and Wayland side by side: --weston=x|X, --weston-xwayland --wayland and --xw give
// the container the X display and Weston's Wayland socket (the plan and the driver's launch).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { planXw } from '../../src/plan/xw.js';
import { westonXwayland } from '../../src/xserver/wayland.js';
import type { DisplayContext } from '../../src/xserver/driver.js';
import { CONTAINER_RUNTIME_DIR } from '../../src/wayland/wayland.js';
import { planSession } from '../../src/plan/plan.js';
import type { HostFacts } from '../../src/host/facts.js';

const alice = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const host = (over: Partial<HostFacts> = {}): HostFacts => ({
  processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
  binaries: new Set(['weston', 'Xwayland', 'docker', 'xauth', 'Xephyr']), sessionId: 'abc123def456', pid: 4242, ...over,
} as HostFacts);
const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };

const ctx: DisplayContext = {
  display: 7, authFile: '/s/auth', clientAuthFile: '/s/client', size: { width: 800, height: 600 }, title: 't', sessionDir: '/s',
  desktop: false, fullscreen: false, clipboard: false, hostDisplay: ':0',
};

describe('X and Wayland side by side', () => {
  test("--weston-xwayland with --wayland gives Xwayland's display and Weston's socket (a private runtime folder with only it); without --wayland X only", () => {
    const both = westonXwayland.launch({ ...ctx, wayland: true });
    assert.equal(both.x11, true);
    assert.deepEqual(both.containerEnv, { WAYLAND_DISPLAY: 'wayland-x11docker-7', XDG_RUNTIME_DIR: CONTAINER_RUNTIME_DIR });
    assert.deepEqual(both.containerMounts.map((m) => [m.source, m.target, m.readonly, !!m.tmpfs]), [
      ['', CONTAINER_RUNTIME_DIR, false, true],
      ['/s/wayland-x11docker-7', `${CONTAINER_RUNTIME_DIR}/wayland-x11docker-7`, true, false],
    ]);
    assert.deepEqual(both.processes.map((p) => p.binary), ['weston', 'Xwayland']);
    const xOnly = westonXwayland.launch(ctx);
    assert.deepEqual([xOnly.x11, xOnly.containerEnv, xOnly.containerMounts], [true, {}, []]);
  });
  test("--xw is '--weston-xwayland --wayland'; from an X-only option with upstream's fallback note; in a Wayland session a note on what upstream does", () => {
    for (const argv of [['--xw'], ['--xw', '--weston'], ['--xw', '--weston-xwayland'], ['--xw', '--hostwayland']]) {
      const notes: string[] = [];
      const o = planXw(parseCommandLine([...argv, 'img']), false, notes);
      assert.deepEqual([o.xserver, o.wayland, notes], ['weston-xwayland', true, []], argv.join(' '));
    }
    const notes: string[] = [];
    const o = planXw(parseCommandLine(['--xw', '--xephyr', 'img']), false, notes);
    assert.deepEqual([o.xserver, o.wayland], ['weston-xwayland', true]);
    assert.deepEqual(notes, ['Option --xw has no effect with --xephyr: it provides no way to also run a Wayland environment (that works only within a Wayland compositor). Fallback: using --weston-xwayland --wayland.']);
    const inWayland: string[] = [];
    planXw(parseCommandLine(['--xw', 'img']), true, inWayland);
    assert.match(inWayland.join(''), /^Option --xw in your Wayland session: upstream would share your compositor .*xwayland-satellite/);
    const none: string[] = [];
    const plain = parseCommandLine(['--xephyr', 'img']);
    assert.equal(planXw(plain, true, none), plain);
    assert.deepEqual(none, []);
    assert.throws(() => parseCommandLine(['--xw=yes', 'img']), /Option --xw takes no value/);
  });
  test('the plan: --weston=x and --xw set both for the display, no --waylandenv note; --fallback=no refuses --xw with an X-only option', () => {
    for (const argv of [['--weston=x'], ['--xw'], ['--weston-xwayland', '--wayland']]) {
      const p = planSession(parseCommandLine([...argv, 'img']), host(), image);
      assert.equal(p.driver.name, 'weston-xwayland', argv.join(' '));
      assert.equal(p.wayland, true);
      assert.ok(!p.notes.some((n) => n.includes('gives the container no Wayland socket')), p.notes.join('\n'));
      assert.ok(p.container!.env.some((e) => e.startsWith('GDK_BACKEND=wayland')), 'toolkit variables as --wayland');
    }
    const X = planSession(parseCommandLine(['--weston=X', 'img']), host(), image);
    assert.deepEqual([X.driver.name, X.wayland, X.desktop], ['weston-xwayland', true, true]);
    assert.equal(planSession(parseCommandLine(['--weston-xwayland', 'img']), host(), image).wayland, false);
    assert.throws(() => planSession(parseCommandLine(['--xw', '--xephyr', '--fallback=no', 'img']), host(), image), /^X11DockerError: Option --fallback=no: .*Option --xw has no effect with --xephyr/);
  });
});
