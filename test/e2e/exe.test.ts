// --exe with every display option that runs here (issue: the reference's `x11docker --weston
// --exe APP` failed because the host application got the container's paths). A host
// application must reach the session's display through host-side paths only: DISPLAY and
// XAUTHORITY of the new X display, or WAYLAND_DISPLAY and the session's XDG_RUNTIME_DIR of a
// compositor, and never the user's own display variables.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startHostDisplay, x11docker, type HostDisplay } from './helpers.js';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** A shell line for the host application: a real client of the display, then what it was given. */
const X_CLIENT = 'xdpyinfo >/dev/null && echo "DISPLAY=$DISPLAY XAUTHORITY=$XAUTHORITY WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-}"';
const WAYLAND_CLIENT = 'weston-info >/dev/null && echo "DISPLAY=${DISPLAY:-} WAYLAND_DISPLAY=$WAYLAND_DISPLAY XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"';

/** Display option -> the client line and what its output must show. */
const CASES: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['xvfb', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/\.cache\/x11docker\/\w+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['xephyr', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/\.cache\/x11docker\/\w+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['xdummy', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['nxagent', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['xpra', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['weston-xwayland', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['hostdisplay', X_CLIENT, /^DISPLAY=:\d+ XAUTHORITY=\S+\/Xclientcookie WAYLAND_DISPLAY=$/m],
  ['weston', WAYLAND_CLIENT, /^DISPLAY= WAYLAND_DISPLAY=wayland-x11docker-\d+ XDG_RUNTIME_DIR=\S+\/\.cache\/x11docker\/\w+$/m],
];

describe('--exe: a host application on each display option gets host-side paths', () => {
  for (const [option, client, shows] of CASES) {
    it(`--${option} --exe`, async () => {
      // the user's own variables point elsewhere on purpose: the application must not use them
      const r = await x11docker([`--${option}`, '--exe', 'sh', '-c', client], {
        env: { DISPLAY: host.display, WAYLAND_DISPLAY: 'wayland-of-the-user', XDG_RUNTIME_DIR: '/nonexistent/runtime' },
        timeoutMs: 90000,
      });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, shows, r.stdout);
      if (option !== 'hostdisplay') assert.doesNotMatch(r.stdout, new RegExp(`DISPLAY=${host.display}\\s`), 'not the user\'s display');
      assert.ok(r.stdout.includes(join(homedir(), '.cache', 'x11docker')) , r.stdout);
    });
  }

  it('--nothing --exe: no display variables at all', async () => {
    const r = await x11docker(['--nothing', '--exe', 'sh', '-c', 'echo "DISPLAY=${DISPLAY:-} WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-}"'], { env: { DISPLAY: host.display, WAYLAND_DISPLAY: 'wayland-0' } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^DISPLAY= WAYLAND_DISPLAY=$/m);
  });
});
