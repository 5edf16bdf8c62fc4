// Covers the pure Wayland helpers (src/wayland/wayland.ts): compositor command lines, the
// --waylandenv toolkit variables and the container's private runtime folder with only the socket.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  containerRuntimeDir, containerWaylandArgs, kwinArgs, waylandSocketName, waylandToolkitEnv, westonArgs,
} from '../../src/wayland/wayland.js';

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

describe('container Wayland environment', () => {
  test('a private tmpfs runtime folder of the container user with only the socket mounted read-only', () => {
    const a = containerWaylandArgs('/home/a/.cache/x11docker/s1/run/wayland-x11docker-100', 'wayland-x11docker-100', { uid: 1000, gid: 1001 });
    assert.equal(containerRuntimeDir({ uid: 1000, gid: 1001 }), '/run/user/1000');
    assert.ok(a.includes('--tmpfs=/run/user/1000:mode=0700,uid=1000,gid=1001'));
    const mounts = a.filter((x) => x.startsWith('--mount='));
    assert.deepEqual(mounts, [
      '--mount=type=bind,source=/home/a/.cache/x11docker/s1/run/wayland-x11docker-100,target=/run/user/1000/wayland-x11docker-100,readonly',
    ]);
    assert.deepEqual(a.filter((_, i) => a[i - 1] === '--env'), ['WAYLAND_DISPLAY=wayland-x11docker-100', 'XDG_RUNTIME_DIR=/run/user/1000']);
  });

  test('socket names follow the session\'s display number', () => {
    assert.equal(waylandSocketName(123), 'wayland-x11docker-123');
  });
});
