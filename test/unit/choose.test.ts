// The automatic choice of the display option (src/plan/choose.ts): one test per rule row of
// upstream's "Choice of X servers and Wayland compositors", with hand-made sets of installed
// binaries. Pure: no host access.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDisplay, type ChoiceInput } from '../../src/plan/choose.js';

const XORG = '/usr/lib/xorg/Xorg';
const DUMMY = '/usr/lib/xorg/modules/drivers/dummy_drv.so';
const all = ['xpra', 'Xvfb', 'nxagent', 'Xephyr', XORG, DUMMY, 'Xorg', 'weston', 'Xwayland', 'kwin_wayland'];

function choose(over: Partial<ChoiceInput> & { bins?: string[] } = {}) {
  const { bins = all, ...rest } = over;
  return chooseDisplay({ desktop: false, gpu: false, wayland: false, display: ':0', binaries: new Set(bins), ...rest });
}

describe('automatic display choice (upstream rules)', () => {
  test('a display option given on the command line is taken as is', () => {
    const c = choose({ xserver: 'xvfb', bins: [] });
    assert.deepEqual([c.name, c.explicit], ['xvfb', true]);
  });

  test('single application: xpra first', () => {
    const c = choose();
    assert.equal(c.name, 'xpra');
    assert.equal(c.better, undefined);
    assert.match(c.reason, /single application/);
  });

  test('single application: xpra needs Xvfb too', () => {
    assert.equal(choose({ bins: ['xpra', 'nxagent', 'Xephyr'] }).name, 'nxagent');
  });

  test('single application without xpra: nxagent, naming the missing xpra package', () => {
    const c = choose({ bins: ['Xvfb', 'nxagent', 'Xephyr'] });
    assert.equal(c.name, 'nxagent');
    assert.match(c.better!, /xpra is missing \(apt-get install xpra\)/);
  });

  test('single application without xpra and nxagent: Xephyr (with a host window manager)', () => {
    assert.equal(choose({ bins: ['Xvfb', 'Xephyr'] }).name, 'xephyr');
  });

  test('single application with nothing nested installed: --hostdisplay as last resort', () => {
    const c = choose({ bins: ['Xvfb'] });
    assert.equal(c.name, 'hostdisplay');
    assert.match(c.better!, /apt-get install xpra/);
  });

  test('--desktop: Xephyr first, even when xpra is installed', () => {
    assert.equal(choose({ desktop: true }).name, 'xephyr');
  });

  test('--desktop without Xephyr: nxagent', () => {
    const c = choose({ desktop: true, bins: ['xpra', 'Xvfb', 'nxagent'] });
    assert.equal(c.name, 'nxagent');
    assert.match(c.better!, /Xephyr is missing \(apt-get install xserver-xephyr\)/);
  });

  test('--desktop without Xephyr and nxagent: xpra in desktop mode (Wayland-based ones pending)', () => {
    assert.equal(choose({ desktop: true, bins: ['xpra', 'Xvfb'] }).name, 'xpra');
  });

  test('--desktop never falls back to --hostdisplay: last resort --xorg', () => {
    assert.equal(choose({ desktop: true, bins: [] }).name, 'xorg');
  });

  test('--gpu single application: --xpra-xwayland preferred, --hostdisplay as last resort', () => {
    assert.equal(choose({ gpu: true }).name, 'xpra-xwayland');
    const c = choose({ gpu: true, bins: all.filter((b) => b !== 'xpra' && b !== 'Xwayland') });
    assert.equal(c.name, 'hostdisplay');
    assert.match(c.better!, /xpra is missing/);
  });

  test('--gpu --desktop: --weston-xwayland preferred, --xorg as last resort', () => {
    assert.equal(choose({ gpu: true, desktop: true }).name, 'weston-xwayland');
    const c = choose({ gpu: true, desktop: true, bins: all.filter((b) => b !== 'weston' && b !== 'kwin_wayland') });
    assert.equal(c.name, 'xorg');
    assert.match(c.better!, /weston is missing/);
  });

  test('--wayland in a Wayland session: --hostwayland preferred', () => {
    const c = choose({ wayland: true, waylandDisplay: 'wayland-0' });
    assert.match(c.better ?? c.name, /hostwayland/);
  });

  test('--wayland --desktop: a compositor (weston, then kwin)', () => {
    const c = choose({ wayland: true, desktop: true, waylandDisplay: 'wayland-0' });
    assert.ok(['weston', 'kwin'].includes(c.name), c.name);
  });

  test('no DISPLAY: invisible Xvfb, else Xdummy', () => {
    assert.equal(choose({ display: undefined }).name, 'xvfb');
    const c = choose({ display: undefined, bins: [XORG, DUMMY] });
    assert.equal(c.name, 'xdummy');
    assert.match(c.better!, /Xvfb is missing \(apt-get install xvfb\)/);
  });

  test('no DISPLAY: seamless servers are not candidates (they need a display to show on)', () => {
    assert.equal(choose({ display: undefined, bins: ['xpra', 'nxagent', 'Xvfb'] }).name, 'xvfb');
  });
});
