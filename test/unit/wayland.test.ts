// Covers the pure Wayland helpers (src/wayland/wayland.ts): compositor command lines, the
// --waylandenv toolkit variables and the container's private runtime folder with only the socket.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hostWaylandSocket, kwinArgs, waylandSocketName, waylandToolkitEnv, westonArgs,
} from '../../src/wayland/wayland.js';
import { CONTAINER_RUNTIME_DIR } from '../../src/wayland/wayland.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';
import type { DisplayContext } from '../../src/xserver/driver.js';
import { containerCreateArgs, planSession } from '../../src/plan/plan.js';
import { parseCommandLine } from '../../src/options/parse.js';
import type { HostFacts } from '../../src/host/facts.js';

const size = { width: 800, height: 600 };

describe('weston command line', () => {
  test('nested: x11 backend window of the given size, CPU renderer, own socket, no user config, no idle blanking', () => {
    const a = westonArgs({ socket: 'wayland-x11docker-100', size, nested: true });
    assert.ok(a.includes('--backend=x11-backend.so'));
    assert.ok(a.includes('--socket=wayland-x11docker-100'));
    assert.ok(a.includes('--width=800') && a.includes('--height=600'));
    assert.ok(a.includes('--use-pixman') && a.includes('--no-config') && a.includes('--idle-time=0'));
  });

  test('without a user display: headless backend', () => {
    const a = westonArgs({ socket: 's', size, nested: false });
    assert.ok(a.includes('--backend=headless-backend.so'));
    assert.ok(!a.some((x) => x.includes('x11-backend')));
  });
});

describe('kwin_wayland command line', () => {
  test('nested uses kwin\'s own X11 backend; headless adds --virtual', () => {
    assert.ok(!kwinArgs({ socket: 's', size, nested: true }).includes('--virtual'));
    const h = kwinArgs({ socket: 'wayland-x11docker-7', size, nested: false });
    assert.ok(h.includes('--virtual') && h.includes('--socket=wayland-x11docker-7') && h.includes('--width=800'));
  });
});

describe('--waylandenv', () => {
  test('sets the Wayland backend of GTK, Qt, Clutter, SDL and EFL, and the session type', () => {
    const env = Object.fromEntries(waylandToolkitEnv().map((e) => e.split('=') as [string, string]));
    assert.equal(env.GDK_BACKEND, 'wayland');
    assert.equal(env.QT_QPA_PLATFORM, 'wayland');
    assert.equal(env.CLUTTER_BACKEND, 'wayland');
    assert.equal(env.SDL_VIDEODRIVER, 'wayland');
    assert.equal(env.ELM_DISPLAY, 'wl');
    assert.equal(env.ECORE_EVAS_ENGINE, 'wayland_shm');
    assert.equal(env.XDG_SESSION_TYPE, 'wayland');
  });

  test('with a GPU, EFL renders with EGL', () => {
    assert.ok(waylandToolkitEnv(true).includes('ECORE_EVAS_ENGINE=wayland_egl'));
  });
});

describe('host Wayland socket', () => {
  test('relative WAYLAND_DISPLAY is in XDG_RUNTIME_DIR; absolute is the path; unresolvable is undefined', () => {
    assert.equal(hostWaylandSocket('wayland-0', '/run/user/1000/'), '/run/user/1000/wayland-0');
    assert.equal(hostWaylandSocket('/tmp/w/sock', undefined), '/tmp/w/sock');
    assert.equal(hostWaylandSocket('wayland-0', undefined), undefined);
    assert.equal(hostWaylandSocket(undefined, '/run/user/1000'), undefined);
  });

  test('socket names follow the session\'s display number', () => {
    assert.equal(waylandSocketName(123), 'wayland-x11docker-123');
  });
});

describe('Wayland display drivers and plans', () => {
  const alice = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
  const host = (over: Partial<HostFacts> = {}): HostFacts => ({
    processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
    binaries: new Set(['weston', 'Xwayland', 'docker', 'xauth']), sessionId: 'abc123def456', pid: 4242, ...over,
  } as HostFacts);
  const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };
  const ctx = (over: Partial<DisplayContext> = {}): DisplayContext => ({
    display: 101, authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie', size, title: 't', sessionDir: '/s',
    desktop: false, fullscreen: false, clipboard: false, hostDisplay: ':5', ...over,
  });

  test('--weston: one compositor on the user display, ready when its socket exists; the container gets Wayland, no X', () => {
    const l = xserverDrivers.weston.launch(ctx());
    assert.equal(l.x11, false);
    assert.equal(l.processes.length, 1);
    const p = l.processes[0]!;
    assert.equal(p.binary, 'weston');
    assert.equal(p.connectsTo, 'host');
    assert.deepEqual(p.ready, { kind: 'path', path: '/s/wayland-x11docker-101' });
    assert.equal(p.env?.XDG_RUNTIME_DIR, '/s');
    assert.deepEqual(l.containerEnv, { WAYLAND_DISPLAY: 'wayland-x11docker-101', XDG_RUNTIME_DIR: CONTAINER_RUNTIME_DIR });
    assert.deepEqual(l.hostEnv, { WAYLAND_DISPLAY: 'wayland-x11docker-101', XDG_RUNTIME_DIR: '/s' });
    assert.ok(xserverDrivers.weston.launch(ctx({ hostDisplay: undefined })).processes[0]!.args.includes('--backend=headless-backend.so'));
  });

  test('--weston-xwayland: weston, then Xwayland with displayfd, cookie, no TCP, no MIT-SHM/XTEST, on weston\'s socket', () => {
    const l = xserverDrivers['weston-xwayland'].launch(ctx());
    assert.deepEqual(l.processes.map((p) => p.binary), ['weston', 'Xwayland']);
    const x = l.processes[1]!;
    assert.deepEqual(x.ready, { kind: 'displayfd' });
    assert.equal(x.ownsDisplay, true);
    assert.equal(x.env?.WAYLAND_DISPLAY, '/s/wayland-x11docker-101');
    for (const a of ['-auth', '-nolisten', 'MIT-SHM', 'XTEST']) assert.ok(x.args.includes(a), a);
    assert.equal(l.x11, true);
  });

  test('--kwin and --kwin-xwayland need kwin_wayland: the plan names the Debian package', () => {
    for (const opt of ['--kwin', '--kwin-xwayland']) {
      assert.throws(() => planSession(parseCommandLine([opt, 'img']), host(), image), /kwin_wayland.*apt-get install kwin-wayland/);
    }
  });

  test('the container of a pure Wayland session gets a private tmpfs runtime folder and only the socket', () => {
    const p = planSession(parseCommandLine(['--weston', 'img']), host(), image);
    const l = p.driver.launch(ctx());
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/s/c', x11: l.x11, env: l.containerEnv, mounts: l.containerMounts });
    assert.ok(args.includes(`--tmpfs=${CONTAINER_RUNTIME_DIR}:mode=0700,uid=1000,gid=1000`));
    assert.deepEqual(args.filter((a) => a.startsWith('--mount=')), [`--mount=type=bind,source=/s/wayland-x11docker-101,target=${CONTAINER_RUNTIME_DIR}/wayland-x11docker-101,readonly`]);
    assert.ok(!args.some((a) => a.startsWith('DISPLAY=')), 'no X display');
  });

  test('--hostwayland warns and needs a resolvable WAYLAND_DISPLAY; --waylandenv sets the toolkit variables', () => {
    const p = planSession(parseCommandLine(['--hostwayland', '--waylandenv', 'img']), host({ waylandDisplay: 'wayland-0', xdgRuntimeDir: '/run/user/1000' }), image);
    assert.ok(p.warnings.some((w) => w.includes('--hostwayland shares your Wayland compositor')));
    assert.ok(p.container!.env.includes('GDK_BACKEND=wayland'));
    assert.deepEqual(p.driver.launch(ctx({ hostWaylandSocket: '/run/user/1000/wayland-0' })).containerMounts.map((m) => m.source), ['', '/run/user/1000/wayland-0']);
    assert.throws(() => planSession(parseCommandLine(['--hostwayland', 'img']), host(), image), /--hostwayland needs your Wayland session/);
    assert.throws(() => planSession(parseCommandLine(['--xwayland', 'img']), host({ waylandDisplay: 'wayland-0' }), image), /XDG_RUNTIME_DIR/);
  });

  test('--wayland chooses weston (regarding --desktop) and sets the toolkit variables; no window manager for pure Wayland', () => {
    const p = planSession(parseCommandLine(['--wayland', 'img']), host({ binaries: new Set(['weston', 'Xwayland', 'docker', 'twm']) }), image);
    assert.equal(p.driver.name, 'weston');
    assert.ok(p.container!.env.includes('QT_QPA_PLATFORM=wayland'));
    assert.equal(p.wm, undefined);
  });
});

describe('--xpra-xwayland', () => {
  test('xpra server and client on Xwayland in a headless weston (in place of Xvfb), XTEST kept for xpra\'s input', () => {
    const l = xserverDrivers['xpra-xwayland'].launch({
      display: 7, authFile: '/s/a', clientAuthFile: '/s/c', size, title: 't', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false, hostDisplay: ':5',
    });
    assert.deepEqual(l.processes.map((p) => p.binary), ['weston', 'Xwayland', 'xpra', 'xpra']);
    assert.ok(l.processes[0]!.args.includes('--backend=headless-backend.so'), 'weston is headless: xpra shows the windows');
    assert.ok(!l.processes[1]!.args.includes('XTEST'));
    assert.ok(l.processes[1]!.args.includes('MIT-SHM'));
    assert.equal(xserverDrivers['xpra-xwayland'].notImplemented, undefined);
  });
});
