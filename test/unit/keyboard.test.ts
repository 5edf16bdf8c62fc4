// The keyboard layout of the new X server (issue 11, item 3): parsing the user display's
// _XKB_RULES_NAMES (src/host/keyboard.ts), choosing its cookie (src/xserver/xauth.ts), the plan
// per display option (src/plan/keyboard.ts via planSession), setxkbmap's arguments
// (src/run/display-settings.ts) and nxagent's keyboard=clone. No X server is started.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseXkbRulesNames, readXkbNames, type XkbNames } from '../../src/host/keyboard.js';
import type { HostFacts } from '../../src/host/facts.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { planSession } from '../../src/plan/plan.js';
import { keymapNames } from '../../src/plan/keyboard.js';
import { setxkbmapArgs } from '../../src/run/display-settings.js';
import { cookieFor, FamilyLocal, FamilyWild, MIT_MAGIC_COOKIE, type XauthEntry } from '../../src/xserver/xauth.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';

const french: XkbNames = { rules: 'evdev', model: 'pc105', layout: 'fr,us', variant: ',', options: 'grp:alt_shift_toggle' };
const ALL = ['Xephyr', 'Xvfb', 'xauth', 'docker', 'xpra', 'nxagent', 'Xorg', '/usr/lib/xorg/Xorg', '/usr/lib/xorg/modules/drivers/dummy_drv.so', 'weston', 'Xwayland', 'kwin_wayland', 'xrdb', 'setxkbmap'];

function host(keyboard: XkbNames | undefined, binaries = ALL): HostFacts {
  return {
    processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
    display: ':5', xauthority: '/home/alice/.Xauthority', waylandDisplay: 'wayland-0', xdgRuntimeDir: '/run/user/1000', onConsole: true,
    binaries: new Set(binaries), sessionId: 'abc123def456', pid: 4242, keyboard,
  };
}
const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['xeyes'], env: [] };
const plan = (argv: string[], h: HostFacts = host(french)) => planSession(parseCommandLine(argv), h, image);

/** The property bytes as XkbRF_SetNamesProp writes them: each field NUL-terminated. */
const property = (n: XkbNames) => Buffer.from(`${n.rules}\0${n.model}\0${n.layout}\0${n.variant}\0${n.options}\0`, 'latin1');

describe('_XKB_RULES_NAMES', () => {
  test('parses the five NUL-terminated names, as xprop shows "evdev", "pc105", "fr,us", ",", "grp:alt_shift_toggle"', () => {
    assert.deepEqual(parseXkbRulesNames(property(french)), french);
    // a property without the last terminators (some writers) still parses; missing fields are empty
    assert.deepEqual(parseXkbRulesNames(Buffer.from('evdev\0pc105\0de', 'latin1')), { rules: 'evdev', model: 'pc105', layout: 'de', variant: '', options: '' });
  });
  test('no layout, or control characters: not a layout to copy', () => {
    assert.equal(parseXkbRulesNames(Buffer.from('evdev\0pc105\0\0\0\0')), undefined);
    assert.equal(parseXkbRulesNames(Buffer.alloc(0)), undefined);
    assert.equal(parseXkbRulesNames(Buffer.from('evdev\0pc105\0fr\nus\0\0\0')), undefined);
  });
  test('round trip over random printable names', () => {
    const field = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });
    fc.assert(
      fc.property(fc.record({ rules: field, model: field, layout: field.filter((l) => l !== ''), variant: field, options: field }), (n) => {
        assert.deepEqual(parseXkbRulesNames(property(n)), { ...n });
      }),
    );
  });
  test('an unreachable display is no layout, quickly, and no error', async () => {
    const started = Date.now();
    assert.equal(await readXkbNames('/nonexistent/x11docker-test-socket', undefined, 2000), undefined);
    assert.equal(await readXkbNames(':not-a-display', '/nonexistent/Xauthority', 2000), undefined);
    assert.ok(Date.now() - started < 2000);
  });
});

describe('the cookie for the user display', () => {
  const entry = (family: number, address: string, number: string, data: string, name = MIT_MAGIC_COOKIE): XauthEntry =>
    ({ family, address: Buffer.from(address), number, name, data: Buffer.from(data) });
  test("this host's entry first, then a wildcard one, then any other of the display; never another display's", () => {
    const other = entry(0, '\x7f\0\0\x01', '0', 'tcp');
    const wild = entry(FamilyWild, '', '0', 'wild');
    const mine = entry(FamilyLocal, 'myhost', '0', 'mine');
    const elsewhere = entry(FamilyLocal, 'otherhost', '0', 'elsewhere');
    assert.equal(cookieFor([other, wild, elsewhere, mine], ':0', 'myhost'), mine);
    assert.equal(cookieFor([other, elsewhere, wild], ':0.0', 'myhost'), wild);
    assert.equal(cookieFor([other], 'localhost:0', 'myhost'), other);
    assert.equal(cookieFor([mine, entry(FamilyLocal, 'myhost', '1', 'one')], 'unix:1', 'myhost')?.data.toString(), 'one');
    assert.equal(cookieFor([entry(FamilyLocal, 'myhost', '0', 'x', 'XDM-AUTHORIZATION-1')], ':0', 'myhost'), undefined);
    assert.equal(cookieFor([mine], ':7', 'myhost'), undefined);
  });
});

describe('plan: which server gets which layout', () => {
  test('Xephyr, Xvfb, Xdummy and the Xwayland of weston/kwin: setxkbmap with every name of the user layout', () => {
    for (const name of ['xephyr', 'xvfb', 'xdummy', 'weston-xwayland', 'kwin-xwayland']) {
      assert.deepEqual(plan([`--${name}`, 'img']).displaySettings.keymap, { from: 'display', names: french }, name);
    }
  });
  test('nxagent copies the layout itself (keyboard=clone in its options file, desktop or seamless); no setxkbmap', () => {
    assert.equal(plan(['--nxagent', 'img']).displaySettings.keymap, undefined);
    const ctx = { display: 9, authFile: '/s/a', clientAuthFile: '/s/c', size: { width: 640, height: 480 }, title: 't', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false };
    for (const desktop of [false, true]) {
      const options = xserverDrivers.nxagent.launch({ ...ctx, desktop }).files[0]!.content;
      assert.match(options, /^nx\/nx,.*\bkeyboard=clone\b.*:9\n$/, options);
    }
  });
  test('xpra and xpra-xwayland (their client sends the layout), --xwayland (the compositor keymap) and servers without X: nothing', () => {
    for (const name of ['xpra', 'xpra-xwayland', 'xwayland', 'hostdisplay', 'nothing', 'weston', 'kwin']) {
      assert.equal(plan([`--${name}`, 'img']).displaySettings.keymap, undefined, name);
    }
    // --xorg starts only from a console, where there is no user display to copy (Xorg reads the system's keyboard configuration)
    const console = { ...host(undefined), display: undefined, processUid: 0 };
    assert.equal(plan(['--xorg', 'img'], console).displaySettings.keymap, undefined);
    assert.equal(plan(['--xorg', '--keymap=de', 'img'], console).displaySettings.keymap?.names.layout, 'de');
  });
  test('--keymap wins over the user layout wherever setxkbmap works (xpra too), and is a note with nxagent', () => {
    for (const name of ['xephyr', 'xvfb', 'xpra', 'weston-xwayland']) {
      assert.deepEqual(plan([`--${name}`, '--keymap=de(nodeadkeys)', 'img']).displaySettings.keymap, { from: '--keymap', names: keymapNames('de(nodeadkeys)') }, name);
    }
    assert.deepEqual(keymapNames('de(nodeadkeys)'), { rules: '', model: '', layout: 'de', variant: 'nodeadkeys', options: '' });
    const nx = plan(['--nxagent', '--keymap=de', 'img']);
    assert.equal(nx.displaySettings.keymap, undefined);
    assert.ok(nx.notes.some((n) => /--keymap has no effect with --nxagent/.test(n)));
  });
  test('nothing changes without a user display, or with the layout every new server has (us)', () => {
    assert.equal(plan(['--xvfb', 'img'], { ...host(undefined), display: undefined }).displaySettings.keymap, undefined);
    assert.equal(plan(['--xephyr', 'img'], host({ rules: 'evdev', model: 'pc105', layout: 'us', variant: '', options: '' })).displaySettings.keymap, undefined);
    assert.ok(plan(['--xephyr', 'img'], host({ ...french, layout: 'us', variant: 'intl' })).displaySettings.keymap);
  });
  test('without setxkbmap the user layout is a note naming the package, not an error', () => {
    const p = plan(['--xvfb', 'img'], host(french, ALL.filter((b) => b !== 'setxkbmap')));
    assert.equal(p.displaySettings.keymap, undefined);
    assert.ok(p.notes.some((n) => /keyboard layout \(fr,us\) is not set.*apt-get install x11-xkb-utils/.test(n)), p.notes.join('\n'));
  });
});

describe('setxkbmap arguments', () => {
  test('every non-empty name, and the options after an empty -option that clears the old ones', () => {
    assert.deepEqual(setxkbmapArgs(french), ['-rules', 'evdev', '-model', 'pc105', '-layout', 'fr,us', '-variant', ',', '-option', '', '-option', 'grp:alt_shift_toggle']);
    assert.deepEqual(setxkbmapArgs(keymapNames('us(intl)')), ['-layout', 'us', '-variant', 'intl']);
  });
});
