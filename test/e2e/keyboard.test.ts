/**
 * End to end: the new X server's keyboard layout follows the user's display (issue 11, item 3).
 * The user's display is a test Xvfb set to a French layout with a second layout and an option
 * (`setxkbmap -layout fr,us -option grp:alt_shift_toggle`); inside the container `setxkbmap
 * -query` must print those names and `xmodmap -pke` the French keymap (keycode 24, the key right
 * of Tab, is `a` on AZERTY and `q` on QWERTY), for every display option installed here.
 * `--keymap` still wins, and without a user display nothing changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { findBinaries } from '../../src/host/facts.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';
import { leftovers, startHostDisplay, x11docker, type HostDisplay } from './helpers.js';

/** x11docker-demo with setxkbmap, xkb-data and xmodmap (test/images/keyboard.Dockerfile). */
const IMAGE = 'x11docker-test-keyboard:latest';
/** Prints the container's DISPLAY, the XKB rule names and the keymap of keycode 24. */
const PROBE = ['sh', '-c', 'echo "display $DISPLAY"; setxkbmap -query; xmodmap -pke | grep "^keycode  24 "'];

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
  await execa('setxkbmap', ['-display', host.display, '-layout', 'fr,us', '-option', '', '-option', 'grp:alt_shift_toggle']);
  const q = await execa('setxkbmap', ['-display', host.display, '-query']);
  assert.match(q.stdout, /^layout:\s+fr,us$/m, 'the user display has the French layout');
});
after(async () => {
  await host?.stop();
});

/** Runs the probe on `option` with the user's display and returns what it printed. */
async function probe(args: readonly string[], env: Record<string, string | undefined> = { DISPLAY: host.display }) {
  const r = await x11docker(['-q', ...args, IMAGE, ...PROBE], { env, timeoutMs: 120000 });
  assert.equal(r.exitCode, 0, r.stderr);
  const display = Number(/^display :(\d+)$/m.exec(r.stdout)?.[1]);
  const left = await leftovers(display);
  assert.deepEqual([left.sockets, left.claims.filter((c) => c === `.x11docker-display-${display}.claim`)], [[], []], `display :${display} left behind`);
  return r;
}

/** The display options whose programs are installed here (the others are skipped, and say so). */
const SERVERS = ['xephyr', 'nxagent', 'xvfb', 'xdummy', 'xpra', 'weston-xwayland', 'xpra-xwayland'] as const;
const installed = (name: (typeof SERVERS)[number]) => {
  const need = xserverDrivers[name].requires.map((r) => r.binary);
  return findBinaries(need, process.env.PATH ?? '').size === need.length;
};

describe("the new X server gets the user's keyboard layout", () => {
  for (const name of SERVERS) {
    it(`--${name}`, { skip: installed(name) ? false : `${name} is not installed` }, async () => {
      const r = await probe([`--${name}`]);
      assert.match(r.stdout, /^layout:\s+fr,us$/m, r.stdout);
      assert.match(r.stdout, /^options:\s+grp:alt_shift_toggle$/m, r.stdout);
      assert.match(r.stdout, /^keycode {2}24 = a A q Q\b/m, r.stdout);
    });
  }

  it('--keymap wins over the user layout', async () => {
    const r = await probe(['--xvfb', '--keymap=de']);
    assert.match(r.stdout, /^layout:\s+de$/m, r.stdout);
    assert.doesNotMatch(r.stdout, /^options:/m, r.stdout);
    assert.match(r.stdout, /^keycode {2}24 = q Q\b/m, r.stdout);
  });

  it('without a user display (no DISPLAY) the server keeps its own layout', async () => {
    const r = await probe(['--xvfb'], { DISPLAY: undefined });
    assert.match(r.stdout, /^layout:\s+us$/m, r.stdout);
    assert.match(r.stdout, /^keycode {2}24 = q Q\b/m, r.stdout);
  });
});
