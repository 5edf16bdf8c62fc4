// The automatic choice of the display option (src/plan/choose.ts): one test per rule row of
// upstream's "Choice of X servers and Wayland compositors" (single application: nxagent before
// xpra, unlike upstream), with hand-made sets of installed binaries. Pure: no host access.
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

  test('single application: nxagent first (the fastest seamless server), naming --xpra for OpenGL applications', () => {
    const c = choose();
    assert.equal(c.name, 'nxagent');
    assert.equal(c.better, undefined);
    assert.equal(c.reason, 'single application: nxagent is installed; OpenGL applications need --xpra');
  });

  test('--keymap passes over nxagent (it copies the user\'s layout and refuses another): xpra, said in the rule', () => {
    const c = choose({ keymap: true });
    assert.equal(c.name, 'xpra');
    assert.match(c.reason, /^single application, --keymap: /);
    assert.equal(choose({ keymap: true, bins: ['nxagent'] }).name, 'nxagent', 'nothing else there: nxagent (the plan notes the keymap has no effect)');
  });

  test('a TCP display (ssh -X: localhost:10.0) passes over nxagent, which cannot open it: xpra; --nxagent given is refused naming --xephyr', async () => {
    for (const display of ['localhost:10.0', 'remote:11']) {
      const c = choose({ display });
      assert.deepEqual([c.name, c.better], ['xpra', '--nxagent needs a local DISPLAY'], display);
    }
    assert.equal(choose({ display: 'localhost:10.0', desktop: true }).name, 'xephyr');
    const { unavailable } = await import('../../src/plan/choose.js');
    const { xserverDrivers } = await import('../../src/xserver/drivers.js');
    assert.match(unavailable(xserverDrivers.nxagent, { display: 'localhost:10.0', binaries: new Set(all) })!.message, /not a TCP display as ssh -X gives .* Use --xephyr/);
    assert.equal(unavailable(xserverDrivers.nxagent, { display: 'unix:0.0', binaries: new Set(all) }), undefined);
  });

  test('single application without nxagent: xpra, naming the missing nxagent package', () => {
    const c = choose({ bins: ['xpra', 'Xvfb', 'Xephyr'] });
    assert.equal(c.name, 'xpra');
    assert.match(c.better!, /nxagent is missing \(apt-get install nxagent\)/);
    assert.equal(c.reason, 'single application: xpra and Xvfb are installed');
  });

  test('single application: xpra needs Xvfb too; without a usable xpra nxagent points to Xephyr for OpenGL', () => {
    const c = choose({ bins: ['xpra', 'nxagent', 'Xephyr'] });
    assert.equal(c.name, 'nxagent');
    assert.match(c.reason, /OpenGL applications need --xephyr$/);
    assert.equal(choose({ bins: ['xpra', 'Xephyr'] }).name, 'xephyr');
  });

  test('single application with nxagent only: no OpenGL hint (--hostdisplay without --gpu has no GLX either)', () => {
    const c = choose({ bins: ['nxagent'] });
    assert.equal(c.name, 'nxagent');
    assert.equal(c.reason, 'single application: nxagent is installed');
  });

  test('single application without xpra and nxagent: Xephyr (with a host window manager)', () => {
    assert.equal(choose({ bins: ['Xvfb', 'Xephyr'] }).name, 'xephyr');
  });

  test('single application with nothing nested installed: --hostdisplay as last resort', () => {
    const c = choose({ bins: ['Xvfb'] });
    assert.equal(c.name, 'hostdisplay');
    assert.match(c.better!, /apt-get install nxagent/);
  });

  test('--desktop: Xephyr first, even when xpra is installed', () => {
    assert.equal(choose({ desktop: true }).name, 'xephyr');
  });

  test('--desktop without Xephyr: nxagent', () => {
    const c = choose({ desktop: true, bins: ['xpra', 'Xvfb', 'nxagent'] });
    assert.equal(c.name, 'nxagent');
    assert.match(c.better!, /Xephyr is missing \(apt-get install xserver-xephyr\)/);
    assert.match(c.reason, /^--desktop: nxagent is installed; OpenGL applications need --xpra$/);
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
