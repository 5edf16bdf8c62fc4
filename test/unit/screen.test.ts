// Covers upstream's screen and access options (src/options/screen.ts, src/plan/screen.ts) through
// planSession and the drivers' launches: --scale, --rotate, --output-count, --border,
// --westonini, --vt, --xfishtank, --xauth, --xhost, --clean-xhost, --xoverip: what each driver
// gets, the notes where the chosen display option cannot honour one (as upstream's dependency
// check), upstream's warnings, and the container's DISPLAY/XAUTHORITY.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession, type SessionPlan } from '../../src/plan/plan.js';
import { displayContext } from '../../src/plan/display.js';
import type { HostFacts } from '../../src/host/facts.js';
import { xPaths } from '../../src/xserver/display.js';
import { X11DockerError } from '../../src/errors.js';
import type { DisplayLaunch } from '../../src/xserver/driver.js';

const alice = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const ALL = ['Xephyr', 'Xvfb', 'xauth', 'docker', 'xpra', 'weston', 'Xwayland', 'kwin_wayland', 'xhost', 'nxagent'];

function hostFacts(over: Partial<HostFacts> = {}): HostFacts {
  return { processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority', binaries: new Set(ALL), sessionId: 'abc123def456', pid: 4242, ...over };
}
const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };

function plan(argv: string[], host = hostFacts()): SessionPlan {
  return planSession(parseCommandLine(argv), host, image);
}
function launch(p: SessionPlan, host = hostFacts()): DisplayLaunch {
  return p.driver.launch(displayContext(p, host, 101, { authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie' }));
}
function argsOf(l: DisplayLaunch, binary: string): readonly string[] {
  const proc = l.processes.find((p) => p.binary === binary);
  assert.ok(proc, `${binary} is started`);
  return proc.args;
}
function refusal(argv: string[], host = hostFacts()): string {
  try {
    plan(argv, host);
  } catch (error) {
    assert.ok(error instanceof X11DockerError, String(error));
    return error.message;
  }
  assert.fail(`${argv.join(' ')} was not refused`);
}
function envOf(args: string[]): string[] {
  return args.flatMap((a, i) => (a === '--env' && args[i + 1] !== undefined ? [args[i + 1]!] : []));
}

describe('parsing', () => {
  test('values as upstream; bad ones are one error naming the option', () => {
    const s = parseCommandLine(['--scale=1.5', '--rotate=flipped-90', '--output-count=3', '--border', '--vt', '--xauth', '--xhost', '--xoverip', 'img']).screen;
    assert.deepEqual(
      { scale: s.scale, rotate: s.rotate, outputCount: s.outputCount, border: s.border, vt: s.vt, xauth: s.xauth, xhost: s.xhost, xoverip: s.xoverip },
      { scale: 1.5, rotate: 'flipped-90', outputCount: 3, border: 'blue,1', vt: 'auto', xauth: 'trusted', xhost: 'auto', xoverip: 'listentcp' },
    );
    assert.equal(parseCommandLine(['--xauth=yes', 'img']).screen.xauth, 'trusted');
    assert.equal(parseCommandLine(['--xoverip=no', 'img']).screen.xoverip, undefined);
    assert.equal(parseCommandLine(['--xoverip=socat', 'img']).screen.xoverip, 'socat');
    for (const [arg, name] of [['--scale=0', 'scale'], ['--scale=x', 'scale'], ['--rotate=45', 'rotate'], ['--output-count=10', 'output-count'], ['--border=red;ls', 'border'], ['--vt=tty8', 'vt'], ['--xauth=maybe', 'xauth'], ['--xoverip=udp', 'xoverip']] as const) {
      assert.throws(() => parseCommandLine([arg, 'img']), (e: unknown) => e instanceof X11DockerError && e.message.startsWith(`Option --${name}`), arg);
    }
  });
});

describe('--scale, --rotate, --output-count, --westonini on weston', () => {
  test('nested weston-xwayland: a weston.ini with the outputs X1..Xn, their scale and transform, and --output-count', () => {
    const host = hostFacts({ westonIni: { path: '/home/alice/w.ini', content: '[shell]\npanel-position=none' } });
    const p = plan(['--weston-xwayland', '--scale=2', '--rotate=90', '--output-count=2', '--westonini=/home/alice/w.ini', 'img'], host);
    const l = launch(p, host);
    const weston = argsOf(l, 'weston');
    assert.ok(weston.includes('--output-count=2'));
    assert.ok(weston.includes(`--config=${p.sessionDir}/weston.ini`));
    assert.ok(!weston.includes('--no-config'));
    assert.deepEqual(l.files, [{
      path: `${p.sessionDir}/weston.ini`,
      content: '[shell]\npanel-position=none\n\n[output]\nname=X1\nscale=2\ntransform=rotate-90\n[output]\nname=X2\nscale=2\ntransform=rotate-90\n',
    }]);
    // upstream: without --size the screen is the default divided by the scale (the window keeps the default size)
    assert.deepEqual(p.size, { width: 512, height: 384 });
    assert.deepEqual(plan(['--weston-xwayland', '--scale=2', '--size=800x600', 'img']).size, { width: 800, height: 600 });
    assert.deepEqual(p.notes.filter((n) => /^Option --(scale|rotate|output-count|westonini)/.test(n)), []);
  });

  test('headless weston (no DISPLAY): scale and transform on its command line, --output-count a note', () => {
    const host = hostFacts({ display: undefined, xauthority: undefined });
    const p = plan(['--weston', '--scale=3', '--rotate=0', '--output-count=2', 'img'], host);
    const weston = argsOf(launch(p, host), 'weston');
    assert.ok(weston.includes('--scale=3') && weston.includes('--transform=normal'));
    assert.ok(!weston.some((a) => a.startsWith('--output-count')));
    assert.ok(p.notes.some((n) => /^Option --output-count has no effect with --weston without your display/.test(n)));
  });

  test('weston takes whole scale factors only (as upstream); kwin takes --output-count only', () => {
    const p = plan(['--weston-xwayland', '--scale=1.5', 'img']);
    assert.ok(p.notes.some((n) => /^Option --scale has no effect with --weston-xwayland: it takes whole numbers only/.test(n)));
    assert.ok(!argsOf(launch(p), 'weston').some((a) => a.startsWith('--config')));
    const k = plan(['--kwin-xwayland', '--output-count=3', '--rotate=90', 'img']);
    assert.ok(argsOf(launch(k), 'kwin_wayland').includes('--output-count=3'));
    assert.ok(k.notes.some((n) => /^Option --rotate has no effect with --kwin-xwayland/.test(n)));
  });

  test('a --westonini that cannot be read is an error', () => {
    assert.match(refusal(['--weston', '--westonini=/nope.ini', 'img'], hostFacts({ westonIni: { path: '/nope.ini' } })), /^Option --westonini: cannot read the file '\/nope\.ini'/);
  });

  test('on a display option that does not honour them: one note each, and --fallback=no refuses', () => {
    const p = plan(['--xephyr', '--scale=2', '--rotate=90', '--output-count=2', '--border=red', '--westonini=/w', '--vt=8', 'img'], hostFacts({ westonIni: { path: '/w', content: '' } }));
    for (const o of ['scale', 'rotate', 'output-count', 'border', 'westonini', 'vt']) assert.ok(p.notes.some((n) => n.startsWith(`Option --${o} has no effect with --xephyr`)), o);
    assert.deepEqual(p.size, { width: 1024, height: 768 }, 'no scale, no smaller screen');
    assert.deepEqual(argsOf(launch(p), 'Xephyr'), argsOf(launch(plan(['--xephyr', 'img'])), 'Xephyr'));
    assert.match(refusal(['--xephyr', '--fallback=no', '--rotate=90', 'img']), /^Option --fallback=no: .*Option --rotate has no effect with --xephyr/);
  });
});

describe('--scale and --border on xpra', () => {
  test('the client zooms (--desktop-scaling) and draws the border; the Xvfb screen is the default divided by the scale', () => {
    const p = plan(['--xpra', '--scale=0.5', '--border=#F00,3', 'img']);
    const l = launch(p);
    const client = l.processes.find((x) => x.role === 'xpra client')!.args;
    assert.ok(client.includes('--desktop-scaling=0.5') && client.includes('--border=#F00,3'));
    assert.ok(argsOf(l, 'Xvfb').includes('2048x1536x24'));
  });
});

describe('--vt and --xfishtank', () => {
  test('--vt=N is the virtual terminal of --xorg', () => {
    const host = hostFacts({ display: undefined, xauthority: undefined, processUid: 0, hostUser: { ...alice, uid: 0, name: 'root', home: '/root' }, onConsole: true, binaries: new Set([...ALL, 'Xorg']) });
    assert.ok(argsOf(launch(plan(['--xorg', '--vt=3', 'img'], host), host), 'Xorg').includes('vt3'));
  });

  test('--xfishtank: the host xfishtank (also /usr/games/xfishtank) on an X display, a note without one, an error when missing', () => {
    assert.deepEqual(plan(['-F', '--xvfb', 'img'], hostFacts({ binaries: new Set([...ALL, '/usr/games/xfishtank']) })).displayClients, [['/usr/games/xfishtank']]);
    assert.deepEqual(plan(['--xfishtank', '--xvfb', 'img'], hostFacts({ binaries: new Set([...ALL, 'xfishtank']) })).displayClients, [['xfishtank']]);
    assert.match(refusal(['--xfishtank', '--xvfb', 'img']), /^Option --xfishtank needs xfishtank on the host: apt-get install xfishtank\.$/);
    const w = plan(['--xfishtank', '--weston', 'img']);
    assert.deepEqual(w.displayClients, []);
    assert.ok(w.notes.some((n) => n.startsWith('Option --xfishtank has no effect with --weston')));
  });
});

describe('--xauth, --xhost, --clean-xhost, --xoverip', () => {
  test('--xauth=no: the X server runs without -auth, the container gets no XAUTHORITY, with upstream\'s warning', () => {
    const p = plan(['--xvfb', '--xauth=no', 'img']);
    assert.ok(!argsOf(launch(p), 'Xvfb').includes('-auth'));
    assert.ok(argsOf(launch(plan(['--xvfb', 'img'])), 'Xvfb').includes('-auth'));
    assert.ok(p.warnings.some((w) => w.startsWith('Option --xauth=no: SECURITY RISK! Allowing access to the new X server for everyone')));
    const env = envOf(containerCreateArgs(p, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/s/c' }));
    assert.ok(env.includes('DISPLAY=:101'));
    assert.ok(!env.some((e) => e.startsWith('XAUTHORITY=')));
  });

  test('--xauth=untrusted on a new X server needs xauth; --xauth=trusted gives --hostdisplay the trusted cookie', () => {
    assert.equal(plan(['--xvfb', '--xauth=untrusted', 'img']).screen?.xauth, 'untrusted');
    assert.match(refusal(['--xvfb', '--xauth=untrusted', 'img'], hostFacts({ binaries: new Set(['Xvfb', 'docker']) })), /^Option --xauth=untrusted needs xauth on the host/);
    assert.equal(plan(['--hostdisplay', 'img']).trustedHostCookie, false);
    const t = plan(['--hostdisplay', '--xauth=trusted', 'img']);
    assert.equal(t.trustedHostCookie, true);
    assert.ok(t.warnings.some((w) => /With --xauth=trusted the container gets a trusted cookie/.test(w)));
  });

  test('--xhost: xhost STR on the new display with a warning; without STR the container user', () => {
    assert.deepEqual(plan(['--xvfb', '--xhost', 'img']).screen?.xhost, ['+SI:localuser:alice']);
    const p = plan(['--xvfb', '--xhost=+', 'img']);
    assert.deepEqual(p.screen?.xhost, ['+']);
    assert.ok(p.warnings.some((w) => w.startsWith("Option --xhost: running 'xhost +' on the new X server") && w.includes('allows everyone')));
    assert.ok(plan(['--hostdisplay', '--xhost', 'img']).notes.some((n) => n.startsWith('Option --xhost has no effect with --hostdisplay')));
    assert.match(refusal(['--xvfb', '--xhost', 'img'], hostFacts({ binaries: new Set(['Xvfb', 'docker']) })), /^Option --xhost needs xhost on the host/);
  });

  test('--clean-xhost: your display, with its warning; a note without DISPLAY', () => {
    const p = plan(['--xephyr', '--clean-xhost', 'img']);
    assert.equal(p.screen?.cleanXhost, true);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --clean-xhost: removing every xhost permission of your display :5')));
    const q = plan(['--xvfb', '--clean-xhost', 'img'], hostFacts({ display: undefined, xauthority: undefined }));
    assert.equal(q.screen?.cleanXhost, false);
    assert.ok(q.notes.includes('Option --clean-xhost: no display of yours (DISPLAY) found; nothing to clean.'));
  });

  test('--xoverip: -listen tcp, DISPLAY=host.docker.internal:N with --add-host, no socket mount; needs --network, not with --xc', () => {
    const p = plan(['--xvfb', '--xoverip', '--network', 'img']);
    const x = argsOf(launch(p), 'Xvfb');
    assert.ok(x.join(' ').includes('-listen tcp') && !x.join(' ').includes('-nolisten tcp'));
    assert.ok(p.warnings.some((w) => w.startsWith('Option --xoverip: the new X server listens on TCP')));
    const args = containerCreateArgs(p, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/s/c' });
    assert.ok(envOf(args).includes('DISPLAY=host.docker.internal:101'));
    assert.ok(args.includes('--add-host=host.docker.internal:host-gateway'));
    assert.ok(!args.some((a) => a.includes('.X11-unix')), 'no X socket in the container');
    assert.ok(envOf(containerCreateArgs(plan(['--xvfb', '--xoverip', '--hostnet', 'img']), { display: 7, socketPath: xPaths(7).socket, clientAuthFile: '/s/c' })).includes('DISPLAY=127.0.0.1:7'));
    assert.match(refusal(['--xvfb', '--xoverip', 'img']), /^Option --xoverip needs network access for the container: add --network \(-I\)\.$/);
    assert.match(refusal(['--xvfb', '--xoverip', '--network', '--xc', 'img'], hostFacts({ xcImage: true })), /^Option --xoverip with --xc is not available/);
    const nx = argsOf(launch(plan(['--nxagent', '--xoverip', '--network', 'img'])), 'nxagent').join(' ');
    assert.ok(!nx.includes('-listen') && !nx.includes('-nolisten tcp'), 'nxagent listens on TCP by default and has no -listen');
    assert.ok(plan(['--hostdisplay', '--xoverip', 'img']).notes.some((n) => n.startsWith('Option --xoverip has no effect with --hostdisplay')));
  });

  test("--xoverip=socat: upstream's socat relay from TCP 6000+N to the socket; the X server keeps -nolisten tcp; needs socat and --network", () => {
    const withSocat = hostFacts({ binaries: new Set([...ALL, 'socat']) });
    const p = plan(['--xvfb', '--xoverip=socat', '--network', 'img'], withSocat);
    const x = argsOf(launch(p), 'Xvfb').join(' ');
    assert.ok(x.includes('-nolisten tcp') && !x.includes('-listen tcp'), x);
    assert.deepEqual(p.displayClients, [['sh', '-c', 'exec socat -d TCP-LISTEN:$((6000+${DISPLAY#:})),fork,reuseaddr,bind=0.0.0.0 UNIX-CONNECT:/tmp/.X11-unix/X${DISPLAY#:}']]);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --xoverip=socat: a socat relay listens on TCP (port 6000 + display number) on every network interface')));
    const args = containerCreateArgs(p, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/s/c' });
    assert.ok(envOf(args).includes('DISPLAY=host.docker.internal:101'));
    assert.ok(args.includes('--add-host=host.docker.internal:host-gateway') && args.includes('--env=LIBGL_ALWAYS_SOFTWARE=1'));
    assert.ok(!args.some((a) => a.includes('.X11-unix')), 'no X socket in the container');
    // --hostnet: the relay on the loopback only
    assert.ok(plan(['--xvfb', '--xoverip=socat', '--hostnet', 'img'], withSocat).displayClients[0]![2]!.includes('bind=127.0.0.1 '));
    assert.match(refusal(['--xvfb', '--xoverip=socat', 'img'], withSocat), /^Option --xoverip=socat needs network access for the container: add --network \(-I\)\.$/);
    assert.match(refusal(['--xvfb', '--xoverip=socat', '--network', 'img']), /^Option --xoverip=socat needs socat on the host \(Debian package socat\)/);
  });
});
