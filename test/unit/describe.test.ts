// The --xonly line for every display option: what runs, and where clients connect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xserverDrivers } from '../../src/xserver/drivers.js';
import type { DisplayContext } from '../../src/xserver/driver.js';
import { xserverOptionNames } from '../../src/options/table.js';

const ctx: DisplayContext = {
  display: 123, authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie', size: { width: 800, height: 600 },
  title: 't', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false, hostDisplay: ':5', hostWaylandSocket: '/run/user/1000/wayland-0',
};

test('--xonly says what runs for every display option: X server, compositor and socket, shared display, or none', () => {
  const lines = Object.fromEntries(
    xserverOptionNames.map((name) => {
      const d = xserverDrivers[name];
      const display = d.source === 'new' ? 123 : d.gives === 'x11' ? 5 : -1;
      return [name, d.describe({ display, launch: d.source === 'shared' && d.gives === 'x11' ? undefined : d.launch({ ...ctx, display }) })];
    }),
  );
  for (const name of ['weston', 'kwin']) {
    assert.match(lines[name]!, new RegExp(`^Wayland compositor (weston|kwin_wayland) \\(--${name}\\) is running, socket /s/\\S+\\.$`), lines[name]);
    assert.doesNotMatch(lines[name]!, /X server/);
  }
  assert.equal(lines.hostwayland, 'Sharing your Wayland compositor, socket /run/user/1000/wayland-0 (--hostwayland).');
  assert.equal(lines.hostdisplay, 'Sharing your display :5 (--hostdisplay).');
  assert.equal(lines.nothing, 'No display is running (--nothing).');
  for (const name of ['xephyr', 'xvfb', 'xpra', 'nxagent', 'xdummy', 'xorg']) assert.equal(lines[name], `X server :123 (--${name}) is running.`);
  assert.equal(lines['weston-xwayland'], 'X server :123 (Xwayland in weston, --weston-xwayland) is running.');
  assert.equal(lines['kwin-xwayland'], 'X server :123 (Xwayland in kwin_wayland, --kwin-xwayland) is running.');
  assert.equal(lines.xwayland, 'X server :123 (--xwayland) is running.');
});
