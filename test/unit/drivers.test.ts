// Display drivers (src/xserver/*): the processes and argv each display option plans, from a
// hand-made context, without starting anything; and the plan's checks of --clipboard, --wm, --exe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xserverDrivers } from '../../src/xserver/drivers.js';
import type { DisplayContext } from '../../src/xserver/driver.js';
import { dummyXorgConf } from '../../src/xserver/xdummy.js';
import { withClipboardSync } from '../../src/xserver/clipboard.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { planSession } from '../../src/plan/plan.js';
import { displayContext } from '../../src/plan/display.js';
import type { HostFacts } from '../../src/host/facts.js';
import { optionTable, xserverOptionNames } from '../../src/options/table.js';

const ctx: DisplayContext = {
  display: 123, authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie', size: { width: 800, height: 600 },
  title: 'x11docker :123 img', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false,
};

const host = (bins: string[]): HostFacts => ({
  processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
  display: ':5', xauthority: '/home/alice/.Xauthority', binaries: new Set(bins), sessionId: 'abc', pid: 1,
});
const image = { id: 'sha256:1', user: '', workingDir: '', entrypoint: [], cmd: ['sh'], env: [] };

describe('display drivers', () => {
  test('every display option of the table has a driver, and every driver a table row with upstream letters', () => {
    for (const name of xserverOptionNames) assert.ok(xserverDrivers[name], name);
    const short = Object.fromEntries(optionTable.filter((o) => o.short).map((o) => [o.name, o.short]));
    assert.deepEqual(
      { xpra: short.xpra, 'xpra-xwayland': short['xpra-xwayland'], nxagent: short.nxagent, xephyr: short.xephyr, xorg: short.xorg, xwayland: short.xwayland,
        'weston-xwayland': short['weston-xwayland'], weston: short.weston, kwin: short.kwin, hostwayland: short.hostwayland, hostdisplay: short.hostdisplay,
        wayland: short.wayland, desktop: short.desktop, fullscreen: short.fullscreen, clipboard: short.clipboard },
      { xpra: 'a', 'xpra-xwayland': 'A', nxagent: 'n', xephyr: 'y', xorg: 'x', xwayland: 'X', 'weston-xwayland': 'Y', weston: 'T', kwin: 'K',
        hostwayland: 'H', hostdisplay: 'h', wayland: 'W', desktop: 'd', fullscreen: 'f', clipboard: 'c' },
    );
  });

  test('--xpra: Xvfb (displayfd, XTEST kept for input injection, no MIT-SHM), then server, then client on the user display', () => {
    const l = xserverDrivers.xpra.launch(ctx);
    assert.deepEqual(l.processes.map((p) => [p.role, p.binary, p.connectsTo, p.ready.kind]), [
      ['X server', 'Xvfb', 'none', 'displayfd'],
      ['xpra server', 'xpra', 'new', 'line'],
      ['xpra client', 'xpra', 'host', 'line'],
    ]);
    const xvfb = l.processes[0]!.args.join(' ');
    assert.match(xvfb, /^:123 -auth \/s\/Xservercookie -nolisten tcp -nolisten local -extension MIT-SHM /);
    assert.doesNotMatch(xvfb, /XTEST/);
    const server = l.processes[1]!.args;
    assert.equal(server[0], 'start');
    assert.ok(server.includes('--bind=/s/xpra/socket') && server.includes('--clipboard=no') && server.includes('--mdns=no'), server.join(' '));
    assert.ok(l.processes[2]!.args.includes('socket:/s/xpra/socket'));
    assert.equal(xserverDrivers.xpra.launch({ ...ctx, desktop: true }).processes[1]!.args[0], 'start-desktop');
    // start-up cuts: no OpenGL probe (`no` still probes), no sound query, no menu scan; seamless keeps --size without a resize attempt
    for (const flag of ['--opengl=noprobe', '--start-new-commands=no', '--speaker=no', '--microphone=no', '--resize-display=no']) assert.ok(server.includes(flag), flag);
    assert.ok(!xserverDrivers.xpra.launch({ ...ctx, desktop: true }).processes[1]!.args.includes('--resize-display=no'));
    assert.ok(l.processes[2]!.args.includes('--opengl=no') && l.processes[2]!.args.includes('--speaker=no'));
    // no system configuration (/etc/xpra: Debian's runs Xsession, which adds xhost +si:localuser); HOME and cwd the session folder
    for (const p of l.processes.slice(1)) {
      assert.deepEqual([p.env?.XPRA_SYSTEM_CONF_DIRS, p.env?.HOME, p.cwd], ['', '/s', '/s'], p.role);
    }
    assert.ok(xserverDrivers.xpra.launch({ ...ctx, clipboard: true }).processes.slice(1).every((p) => p.args.includes('--clipboard=yes')));
  });

  test('--nxagent: rootless or desktop, X11 readiness, options file with clipboard, keyboard and geometry; a desktop window sized after start', () => {
    const seamless = xserverDrivers.nxagent.launch(ctx);
    const p = seamless.processes[0]!;
    assert.equal(p.ready.kind, 'x11');
    assert.ok(p.args.includes('-R') && p.args.includes('-noshmem'));
    assert.match(p.args.join(' '), /-extension MIT-SHM -extension XTEST/);
    assert.deepEqual(seamless.files, [{ path: '/s/nxagent.options', content: 'nx/nx,clipboard=none,keyboard=clone:123\n' }]);
    const desk = xserverDrivers.nxagent.launch({ ...ctx, desktop: true, clipboard: true });
    assert.ok(desk.processes[0]!.args.includes('-D'));
    assert.equal(desk.files[0]!.content, 'nx/nx,clipboard=both,keyboard=clone,geometry=800x600:123\n');
    // without a window manager on the user display nxagent ignores geometry=: the starter sizes its window
    assert.deepEqual(desk.hostWindow, { title: 'x11docker :123 img', width: 800, height: 600 });
    assert.equal(seamless.hostWindow, undefined);
    const full = xserverDrivers.nxagent.launch({ ...ctx, desktop: true, fullscreen: true });
    assert.equal(full.files[0]!.content, 'nx/nx,clipboard=none,keyboard=clone,fullscreen=1:123\n');
    assert.equal(full.hostWindow, undefined);
  });

  test('--xdummy: the real Xorg with a generated dummy-driver config of --size in the session folder', () => {
    const l = xserverDrivers.xdummy.launch(ctx);
    const a = l.processes[0]!.args;
    assert.equal(l.processes[0]!.binary, '/usr/lib/xorg/Xorg');
    assert.deepEqual(a.slice(a.indexOf('-config'), a.indexOf('-config') + 2), ['-config', '/s/xorg.dummy.conf']);
    assert.match(l.files[0]!.content, /Driver "dummy"/);
    assert.match(dummyXorgConf({ width: 1920, height: 1080 }), /Virtual 1920 1080/);
    assert.match(l.files[0]!.content, /AutoAddDevices" "false"/);
  });

  test('--wm adds a non-essential window manager process on the new display', () => {
    const l = xserverDrivers.xephyr.launch({ ...ctx, wm: ['openbox', '--sm-disable'] });
    assert.deepEqual(l.processes.map((p) => [p.binary, p.essential, p.connectsTo]), [['Xephyr', true, 'host'], ['openbox', false, 'new']]);
    assert.ok(xserverDrivers.xephyr.launch({ ...ctx, fullscreen: true }).processes[0]!.args.includes('-fullscreen'));
  });

  test('--nothing: no process and no X for the container', () => {
    const l = xserverDrivers.nothing.launch(ctx);
    assert.deepEqual([l.processes.length, l.x11], [0, false]);
  });
});

describe('plan: display extras', () => {
  const plan = (argv: string[], bins = ['Xephyr', 'Xvfb', 'xpra', 'nxagent', 'docker']) => planSession(parseCommandLine(argv), host(bins), image);

  test('--clipboard warns; xpra and nxagent share it themselves; other X servers get the xclip synchroniser', () => {
    assert.ok(plan(['--clipboard', '--xpra', 'img']).warnings.some((w) => /--clipboard/.test(w) && /read/.test(w)));
    const nx = plan(['-c', '--nxagent', 'img']);
    assert.deepEqual([nx.clipboard, nx.clipboardSync], [true, false]);
    assert.equal(plan(['--xpra', 'img']).clipboard, false);
    const withXclip = ['Xephyr', 'Xvfb', 'xpra', 'nxagent', 'docker', 'xclip'];
    for (const server of ['--xephyr', '--xvfb']) {
      const p = plan(['--clipboard', server, 'img'], withXclip);
      assert.deepEqual([p.clipboard, p.clipboardSync], [true, true], server);
      assert.ok(p.warnings.some((w) => /--clipboard/.test(w) && /read/.test(w)), server);
    }
    assert.equal(plan(['--xephyr', 'img'], withXclip).clipboardSync, false);
    assert.throws(() => plan(['--clipboard', '--xephyr', 'img']), /--clipboard with --xephyr needs xclip on the host: apt-get install xclip/);
  });

  test('--clipboard without the user display, or with a pure Wayland compositor, is a clear error', () => {
    const bins = ['Xvfb', 'weston', 'docker', 'xclip'];
    assert.throws(() => planSession(parseCommandLine(['--clipboard', '--xvfb', 'img']), { ...host(bins), display: undefined, xauthority: undefined }, image), /--clipboard needs your display \(DISPLAY is not set\)/);
    assert.throws(() => plan(['--clipboard', '--weston', 'img'], bins), /--clipboard: --weston gives the container Wayland only/);
  });

  test('the synchroniser is the last process of the launch: on the user display, with the new display and its client cookie, not essential', () => {
    const l = withClipboardSync(xserverDrivers.xephyr.launch(ctx), ctx, ['/usr/bin/node', '/x/x11docker-clipboard.js']);
    const sync = l.processes.at(-1)!;
    assert.deepEqual(
      [sync.role, sync.binary, sync.args, sync.connectsTo, sync.essential, sync.ready.kind],
      ['clipboard sync', '/usr/bin/node', ['/x/x11docker-clipboard.js', '--display', ':123', '--xauthority', '/s/Xclientcookie', '--direction', 'both'], 'host', false, 'line'],
    );
    assert.equal(l.processes[0]!.binary, 'Xephyr');
    assert.deepEqual(withClipboardSync(xserverDrivers.xephyr.launch(ctx), ctx, ['n', 's'], 'c2h').processes.at(-1)!.args.slice(-2), ['--direction', 'c2h']);
  });

  test("--clipboard=c2h|h2c|cmv (upstream's): the synchroniser in that direction, on every X server (xpra's and nxagent's own sharing off), each with its warning", () => {
    const bins = ['Xephyr', 'Xvfb', 'xpra', 'nxagent', 'docker', 'xclip'];
    for (const mode of ['c2h', 'h2c', 'cmv'] as const) {
      for (const server of ['--xephyr', '--xpra', '--nxagent']) {
        const p = plan([`--clipboard=${mode}`, server, 'img'], bins);
        assert.deepEqual([p.clipboard, p.clipboardSync, p.clipboardMode], [false, true, mode], `${mode} ${server}`);
      }
    }
    assert.ok(plan(['--clipboard=c2h', '--xephyr', 'img'], bins).warnings.some((w) => w.startsWith("Option --clipboard=c2h copies the container's clipboard to your display") && w.includes('cannot read yours')));
    assert.ok(plan(['--clipboard=h2c', '--xephyr', 'img'], bins).warnings.some((w) => w.startsWith('Option --clipboard=h2c copies your clipboard to the container') && w.includes('passwords')));
    const cmv = plan(['--clipboard=cmv', '--xephyr', 'img'], bins);
    assert.ok(cmv.notes.some((n) => n.includes('press Ctrl+Super+V on the new display')));
    assert.ok(!cmv.warnings.some((w) => w.includes('XTEST')));
    assert.ok(plan(['--clipboard=cmv', '--xtest', '--xephyr', 'img'], bins).warnings.some((w) => w.startsWith('Options --xtest --clipboard=cmv: the X extension XTEST is enabled')), "upstream's --xtest warning");
    assert.ok(plan(['--clipboard=cmv', '--xpra', 'img'], bins).warnings.some((w) => w.startsWith('Options --xpra --clipboard=cmv: the X extension XTEST is enabled')), "xpra's X server always has XTEST");
    const yes = plan(['--clipboard=yes', '--xpra', 'img'], bins);
    assert.deepEqual([yes.clipboard, yes.clipboardSync, yes.clipboardMode], [true, false, 'yes'], 'yes: xpra shares it itself');
    assert.deepEqual([plan(['-c', '--clipboard=no', '--xephyr', 'img'], bins).clipboardSync, plan(['-c', '--clipboard=no', '--xephyr', 'img'], bins).warnings.some((w) => /clipboard/.test(w))], [false, false], '=no: off');
    assert.throws(() => plan(['--clipboard=h2c', '--xephyr', 'img']), /^X11DockerError: Option --clipboard=h2c with --xephyr needs xclip on the host: apt-get install xclip\.$/);
  });

  test("--clipboard=superv|altv: upstream's deprecation note and cmv (an error with --fallback=no); oneway is c2h; a bad value is one line; with --hostdisplay one direction is a note and nothing is shared", () => {
    const bins = ['Xephyr', 'docker', 'xclip'];
    for (const old of ['superv', 'altv']) {
      const p = plan([`--clipboard=${old}`, '--xephyr', 'img'], bins);
      assert.equal(p.clipboardMode, 'cmv');
      assert.ok(p.notes.includes(`Option --clipboard=${old} is deprecated (upstream x11docker): the key combination is Ctrl+Super+V now. Using --clipboard=cmv.`));
      assert.throws(() => plan([`--clipboard=${old}`, '--fallback=no', '--xephyr', 'img'], bins), /^X11DockerError: Option --fallback=no: x11docker would go on without what was asked for: Option --clipboard=superv|altv is deprecated/);
    }
    assert.equal(plan(['--clipboard=oneway', '--xephyr', 'img'], bins).clipboardMode, 'c2h');
    assert.throws(() => parseCommandLine(['--clipboard=both', 'img']), /^X11DockerError: Option --clipboard takes yes, no, c2h, h2c or cmv \(got 'both'\)/);
    const hd = plan(['--clipboard=c2h', '--hostdisplay', 'img'], bins);
    assert.ok(hd.notes.some((n) => n.startsWith('Option --clipboard=c2h has no effect with --hostdisplay')));
    assert.equal(hd.clipboardSync, false);
    assert.equal(hd.trustedHostCookie, false, 'no trusted cookie for a clipboard that is not shared');
    assert.ok(plan(['--clipboard', '--hostdisplay', 'img'], bins).trustedHostCookie);
  });

  test('--wm: a missing window manager is an error; with a seamless server it is ignored with a note', () => {
    assert.throws(() => plan(['--xephyr', '--wm', 'openbox', 'img']), /--wm: window manager 'openbox' not found/);
    assert.deepEqual(plan(['--xephyr', '--wm', 'openbox', 'img'], ['Xephyr', 'openbox']).wm, ['openbox']);
    const p = plan(['--xpra', '--wm', 'openbox', 'img'], ['xpra', 'Xvfb', 'openbox']);
    assert.equal(p.wm, undefined);
    assert.ok(p.notes.some((n) => n.includes('--wm')));
  });

  test('Xephyr for a single app gets a host window manager automatically when one is installed', () => {
    assert.deepEqual(plan(['img'], ['Xephyr', 'fluxbox']).wm, ['fluxbox']);
    assert.equal(plan(['--desktop', 'img'], ['Xephyr', 'fluxbox']).wm, undefined);
  });

  test('--exe: the host command runs instead of a container; a missing command is an error', () => {
    const p = planSession(parseCommandLine(['--xvfb', '--exe', '--', 'xterm', '-e', 'top']), host(['Xvfb', 'xterm']));
    assert.deepEqual([p.exe, p.container], [['xterm', '-e', 'top'], undefined]);
    assert.throws(() => planSession(parseCommandLine(['--xvfb', '--exe', 'nosuch']), host(['Xvfb'])), /--exe: command 'nosuch' not found/);
  });

  test('--xorg from within X: the reference\'s set-up advice as the error', () => {
    assert.throws(() => plan(['--xorg', 'img'], ['Xorg']), /--xorg cannot start here .*Xwrapper\.config.*--xdummy/);
  });

  test('a display option whose binaries are missing names the Debian package', () => {
    assert.throws(() => plan(['--kwin-xwayland', 'img']), /apt-get install kwin-wayland|kwin/);
    assert.throws(() => plan(['--xdummy', 'img']), /apt-get install xserver-xorg-core/);
  });
});

describe('--xauth=no on every X server x11docker starts', () => {
  // nxagent without -auth takes $XAUTHORITY's cookies as its own and refuses clients without
  // them: only -ac opens a server for clients without a cookie, whatever its environment
  const newX = Object.values(xserverDrivers).filter((d) => d.source === 'new' && d.gives === 'x11');

  test('each X server process runs with -ac and without -auth; without --xauth=no with -auth and without -ac', () => {
    assert.deepEqual(newX.map((d) => d.name).sort(), ['kwin-xwayland', 'nxagent', 'weston-xwayland', 'xdummy', 'xephyr', 'xorg', 'xpra', 'xpra-xwayland', 'xpra2', 'xpra2-xwayland', 'xvfb', 'xwayland']);
    for (const d of newX) {
      const servers = (noAuth: boolean) => d.launch({ ...ctx, hostWaylandSocket: '/run/user/1000/wayland-0', screen: { noAuth } }).processes.filter((p) => p.role === 'X server');
      assert.equal(servers(true).length, 1, d.name);
      for (const s of servers(true)) {
        assert.ok(s.args.includes('-ac'), `${d.name}: ${s.binary} ${s.args.join(' ')}`);
        assert.ok(!s.args.includes('-auth'), `${d.name}: ${s.args.join(' ')}`);
      }
      for (const s of servers(false)) {
        assert.ok(!s.args.includes('-ac'), `${d.name}: ${s.args.join(' ')}`);
        assert.equal(s.args[s.args.indexOf('-auth') + 1], '/s/Xservercookie', d.name);
      }
    }
  });

  test('the plan of --nxagent --xauth=no gives nxagent -ac, with upstream\'s warning', () => {
    const h = host(['nxagent', 'docker']);
    const p = planSession(parseCommandLine(['--nxagent', '--xauth=no', 'img']), h, image);
    const nx = p.driver.launch(displayContext(p, h, 101, { authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie' })).processes.find((x) => x.binary === 'nxagent');
    assert.ok(nx?.args.includes('-ac'), nx?.args.join(' '));
    assert.ok(p.warnings.some((w) => w.startsWith('Option --xauth=no: SECURITY RISK! Allowing access to the new X server for everyone')));
  });
});
