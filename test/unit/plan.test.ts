// Covers planSession and containerCreateArgs (src/plan/plan.ts) with hand-made HostFacts and
// ImageConfig: X server choice, container user, network, workdir, raw engine args overriding our
// defaults, and the hardening flags of `docker create`. Also findBinaries (src/host/facts.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { CONTAINER_XAUTHORITY, containerCreateArgs, planSession, type SessionPlan, type SessionRuntime } from '../../src/plan/plan.js';
import { hostProbe } from '../../src/plan/probe.js';
import { localDisplayNumber } from '../../src/plan/choose.js';
import type { ImageConfig } from '../../src/plan/image.js';
import { findBinaries, type HostFacts, type HostUser } from '../../src/host/facts.js';
import { xPaths } from '../../src/xserver/display.js';
import { X11DockerError } from '../../src/errors.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const root: HostUser = { name: 'root', uid: 0, gid: 0, groupName: 'root', home: '/root' };

function hostFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    processUid: 1000,
    hostUser: alice,
    hostUserSource: 'invoking',
    display: ':5',
    xauthority: '/home/alice/.Xauthority',
    binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker']),
    sessionId: 'abc123def456',
    pid: 4242,
    ...over,
  };
}

function imageConfig(over: Partial<ImageConfig> = {}): ImageConfig {
  return { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: ['PATH=/usr/bin:/bin'], ...over };
}

/** Plans a session for the command line `argv` (options, IMAGE, COMMAND). */
function plan(argv: string[], host: HostFacts = hostFacts(), config: ImageConfig = imageConfig()): SessionPlan {
  return planSession(parseCommandLine(argv), host, config);
}

function runtime(display = 101): SessionRuntime {
  return { display, socketPath: xPaths(display).socket, clientAuthFile: `/home/alice/.cache/x11docker/s/Xauthority.client` };
}

/** `docker create` args for the command line `argv`. */
function createArgs(argv: string[], host?: HostFacts, config?: ImageConfig, display = 101): string[] {
  return containerCreateArgs(plan(argv, host, config), runtime(display));
}

/** The values of `--env` pairs in create args. */
function envOf(args: string[]): string[] {
  return args.flatMap((a, i) => (a === '--env' && args[i + 1] !== undefined ? [args[i + 1]!] : []));
}

function assertX11Error(fn: () => unknown, ...mentions: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof X11DockerError, String(err));
    for (const m of mentions) assert.ok(err.message.includes(m), `${JSON.stringify(err.message)} does not mention ${m}`);
    return true;
  });
}

describe('X server choice', () => {
  test('Xephyr for a single application when DISPLAY is set and neither xpra nor nxagent is installed', () => {
    const p = plan(['img']);
    assert.equal(p.driver.name, 'xephyr');
    assert.match(p.driverReason, /single application/);
    assert.ok(p.notes.some((n) => n.includes('--xephyr') && n.includes('apt-get install nxagent')), p.notes.join('|'));
    assert.deepEqual(p.warnings, []);
  });

  test('Xvfb when DISPLAY is not set', () => {
    const p = plan(['img'], hostFacts({ display: undefined }));
    assert.equal(p.driver.name, 'xvfb');
  });

  test('the X server option given wins over the default', () => {
    assert.equal(plan(['--xvfb', 'img']).driver.name, 'xvfb');
  });

  test('--xephyr without DISPLAY is an error that suggests --xvfb', () => {
    assertX11Error(() => plan(['--xephyr', 'img'], hostFacts({ display: undefined })), '--xephyr', '--xvfb');
  });

  test('--xephyr without the Xephyr binary names the Debian package', () => {
    assertX11Error(() => plan(['--xephyr', 'img'], hostFacts({ binaries: new Set(['Xvfb', 'docker']) })), '--xephyr', 'xserver-xephyr');
  });

  test('--xvfb without the Xvfb binary names the Debian package', () => {
    assertX11Error(() => plan(['--xvfb', 'img'], hostFacts({ binaries: new Set(['Xephyr', 'docker']) })), '--xvfb', 'apt-get install xvfb');
  });

  test('no Xephyr but DISPLAY set: falls back to hostdisplay with a note and a warning', () => {
    const p = plan(['img'], hostFacts({ binaries: new Set(['Xvfb', 'docker']) }));
    assert.equal(p.driver.name, 'hostdisplay');
    assert.ok(p.notes.some((n) => n.includes('apt-get install nxagent') && n.includes('--hostdisplay')), p.notes.join('|'));
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /--hostdisplay/);
  });

  test('--hostdisplay warns about bad isolation', () => {
    const p = plan(['--hostdisplay', 'img']);
    assert.equal(p.driver.name, 'hostdisplay');
    assert.equal(p.driver.source, 'shared');
    const w = p.warnings.find((x) => x.includes('--hostdisplay'));
    assert.ok(w, p.warnings.join('|'));
    assert.match(w, /keylogging/);
    assert.match(w, /:5/);
  });

  test('--hostdisplay needs a local display', () => {
    assertX11Error(() => plan(['--hostdisplay', 'img'], hostFacts({ display: 'localhost:10.0' })), '--hostdisplay');
    assertX11Error(() => plan(['--hostdisplay', 'img'], hostFacts({ display: undefined })), '--hostdisplay');
  });

  test('new X servers get cookie auth and no TCP listener', () => {
    for (const name of ['xephyr', 'xvfb'] as const) {
      const p = plan([`--${name}`, 'img']);
      const launch = p.driver.launch({
        display: 101, authFile: '/s/Xauthority.server', clientAuthFile: '/s/c', size: p.size, title: 't', sessionDir: '/s',
        desktop: false, fullscreen: false, clipboard: false,
      });
      const a = launch.processes[0]!.args;
      assert.equal(a[0], ':101');
      assert.deepEqual(a.slice(a.indexOf('-auth'), a.indexOf('-auth') + 2), ['-auth', '/s/Xauthority.server']);
      assert.ok(a.join(' ').includes('-nolisten tcp'), a.join(' '));
      assert.ok(a.join(' ').includes('1024x768'), a.join(' '));
    }
  });

  test('--size reaches the plan', () => {
    assert.deepEqual(plan(['--size=800x600', 'img']).size, { width: 800, height: 600 });
    assert.deepEqual(plan(['img']).size, { width: 1024, height: 768 });
  });
});

describe('session basics', () => {
  test('sessionDir is under the host user\'s cache folder', () => {
    const p = plan(['img']);
    assert.equal(p.cacheDir, '/home/alice/.cache/x11docker');
    assert.ok(p.sessionDir.startsWith('/home/alice/.cache/x11docker/'), p.sessionDir);
    assert.equal(p.sessionDir, '/home/alice/.cache/x11docker/abc123def456');
  });

  test('--xonly plans no container', () => {
    const p = planSession(parseCommandLine(['--xonly']), hostFacts());
    assert.equal(p.container, undefined);
    assert.equal(p.showenv, true);
    assert.throws(() => containerCreateArgs(p, runtime()));
  });

  test("stdout is kept for x11docker's lines (the command's stdout goes to stderr) only when --printenv or --printid print there", () => {
    assert.equal(plan(['img']).showenv, false);
    assert.equal(plan(['--printid', 'img']).showenv, true);
    assert.equal(plan(['--printenv', 'img']).showenv, true);
    assert.equal(plan(['--printid=/tmp/id', '--printenv=/tmp/env', 'img']).showenv, false);
  });

  test('--xeyes[=ARGS] and --xlogo: host clients on an X display, in order; missing ones name x11-apps; without an X display a note; the probe looks for them', () => {
    const withApps = hostFacts({ binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker', 'xeyes', 'xlogo']) });
    assert.deepEqual(plan(['--xvfb', '--xeyes=-shape  -fg red', '--xlogo', 'img'], withApps).displayClients, [['xeyes', '-shape', '-fg', 'red'], ['xlogo']]);
    assert.deepEqual(plan(['--xvfb', 'img'], withApps).displayClients, []);
    assertX11Error(() => plan(['--xvfb', '--xeyes', 'img']), '--xeyes', 'apt-get install x11-apps');
    const none = plan(['--nothing', '--xlogo', 'img'], withApps);
    assert.deepEqual(none.displayClients, []);
    assert.ok(none.notes.some((n) => n === 'Option --xlogo has no effect with --nothing: there is no X display to show it on.'));
    assert.ok(hostProbe(parseCommandLine(['--xeyes', '--xlogo', 'img'])).binaries.includes('xlogo'));
    assertX11Error(() => plan(['--xeyes=-shape\u0007', 'img'], withApps), '--xeyes', 'control characters');
  });

  test('--runfromhost: repeatable host commands for the plan, in order; an empty one names the option', () => {
    assert.deepEqual(plan(['--runfromhost', 'xsetroot -solid grey', '--runfromhost=openbox &', 'img']).hostCommands, ['xsetroot -solid grey', 'openbox &']);
    assert.deepEqual(plan(['img']).hostCommands, []);
    assertX11Error(() => plan(['--runfromhost', ' ', 'img']), '--runfromhost');
  });

  test('an image without its config is an error', () => {
    assertX11Error(() => planSession(parseCommandLine(['img']), hostFacts()), 'image');
  });

  test('--display is kept as the fixed display', () => {
    assert.equal(plan(['--display=42', 'img']).fixedDisplay, 42);
    assert.equal(plan(['img']).fixedDisplay, undefined);
  });

  test('running as root for host user alice drops to alice', () => {
    const p = plan(['img'], hostFacts({ processUid: 0 }));
    assert.equal(p.dropToHostUser, true);
    assert.equal(p.container?.user.uid, 1000);
    assert.equal(plan(['img']).dropToHostUser, false);
  });
});

describe('container user', () => {
  test('default: the host user, with HOME under /home', () => {
    const c = plan(['img']).container!;
    assert.deepEqual([c.user.name, c.user.uid, c.user.gid, c.user.home], ['alice', 1000, 1000, '/home/alice']);
    assert.ok(c.env.includes('USER=alice'));
    assert.ok(c.env.includes('HOME=/home/alice'));
  });

  test('--user=root: uid 0 and a warning', () => {
    const p = plan(['--user=root', 'img']);
    assert.equal(p.container?.user.uid, 0);
    assert.equal(p.container?.user.home, '/root');
    assert.ok(p.warnings.some((w) => w.includes('--user=root')), p.warnings.join('|'));
    assert.ok(containerCreateArgs(p, runtime()).includes('--user=0:0'));
  });

  test('--user=2000:3000: numeric user and group, with a warning', () => {
    const p = plan(['--user=2000:3000', 'img']);
    assert.equal(p.container?.user.uid, 2000);
    assert.equal(p.container?.user.gid, 3000);
    assert.ok(p.warnings.some((w) => w.includes('--user=2000:3000')), p.warnings.join('|'));
    assert.ok(containerCreateArgs(p, runtime()).includes('--user=2000:3000'));
  });

  test('--user=UID alone uses the uid as gid', () => {
    assert.ok(createArgs(['--user=2000', 'img']).includes('--user=2000:2000'));
  });

  test('--user naming the host user changes nothing', () => {
    const p = plan(['--user=alice', 'img']);
    assert.equal(p.container?.user.uid, 1000);
    assert.deepEqual(p.warnings, []);
  });

  test('--user=NAME of another host account', () => {
    const bob: HostUser = { name: 'bob', uid: 1001, gid: 1001, groupName: 'bob', home: '/home/bob' };
    const p = plan(['--user=bob', 'img'], hostFacts({ namedUser: bob }));
    assert.equal(p.container?.user.name, 'bob');
    assert.equal(p.container?.user.uid, 1001);
    assert.ok(p.warnings.some((w) => w.includes('--user=bob')));
    assertX11Error(() => plan(['--user=bob', 'img']), '--user=bob');
  });

  test('host user root: container user root, with a warning', () => {
    const p = plan(['img'], hostFacts({ processUid: 0, hostUser: root }));
    assert.equal(p.container?.user.name, 'root');
    assert.equal(p.container?.user.uid, 0);
    assert.equal(p.dropToHostUser, false);
    assert.ok(p.warnings.some((w) => w.includes('--hostuser')), p.warnings.join('|'));
  });
});

describe('network', () => {
  test('default: --network=none, no warning', () => {
    const p = plan(['img']);
    assert.equal(p.container?.network, 'none');
    assert.deepEqual(p.warnings, []);
    assert.ok(containerCreateArgs(p, runtime()).includes('--network=none'));
  });

  test('--network alone: the engine default (no --network arg) and a warning', () => {
    const p = plan(['--network', 'img']);
    const args = containerCreateArgs(p, runtime());
    assert.ok(!args.some((a) => a.startsWith('--network')), args.join(' '));
    assert.ok(p.warnings.some((w) => w.includes('--network') && w.includes('network access')), p.warnings.join('|'));
  });

  test('--network=NAME: that network and a warning', () => {
    const p = plan(['--network=bridge', 'img']);
    assert.ok(containerCreateArgs(p, runtime()).includes('--network=bridge'));
    assert.ok(p.warnings.some((w) => w.includes('--network=bridge')));
  });

  test('--hostnet: --network=host and a severe warning', () => {
    const p = plan(['--hostnet', 'img']);
    const args = containerCreateArgs(p, runtime());
    assert.ok(args.includes('--network=host'));
    assert.equal(args.filter((a) => a.startsWith('--network')).length, 1);
    assert.ok(p.warnings.some((w) => w.includes('--hostnet') && /isolation/.test(w)), p.warnings.join('|'));
  });

  test('raw --network after -- replaces our --network=none', () => {
    const p = plan(['--', '--network=container:foo', 'img']);
    const args = containerCreateArgs(p, runtime());
    assert.ok(!args.includes('--network=none'), args.join(' '));
    assert.equal(args.filter((a) => a.startsWith('--network')).length, 1);
    assert.ok(args.indexOf('--network=container:foo') < args.indexOf('--'));
    assert.ok(p.notes.some((n) => n.includes('--network')), p.notes.join('|'));
  });
});

describe('containerCreateArgs', () => {
  test('hardening flags and numeric user', () => {
    const args = createArgs(['img']);
    assert.equal(args[0], 'create');
    for (const flag of ['--init', '--cap-drop=ALL', '--security-opt=no-new-privileges', '--network=none', '--user=1000:1000']) {
      assert.ok(args.includes(flag), `missing ${flag} in ${args.join(' ')}`);
    }
  });

  test('exactly one X socket is mounted, never the whole /tmp/.X11-unix', () => {
    const args = createArgs(['img'], undefined, undefined, 101);
    const mounts = args.filter((a) => a.startsWith('--mount=') || a.startsWith('--volume') || a.startsWith('-v'));
    const socketMounts = mounts.filter((m) => m.includes('/tmp/.X11-unix'));
    assert.equal(socketMounts.length, 1, mounts.join(' '));
    assert.match(socketMounts[0]!, /source=\/tmp\/\.X11-unix\/X101,target=\/tmp\/\.X11-unix\/X101(,|$)/);
    // with the session's socket folder (a hard link to the one socket): that folder as /tmp/.X11-unix
    const withFolder = containerCreateArgs(plan(['img']), { display: 101, socketPath: '/tmp/.X11-unix/X101', socketDir: '/tmp/.x11docker-socket-AbC123', clientAuthFile: '/c/cookie' });
    assert.deepEqual(withFolder.filter((a) => a.includes('X11-unix')), ['--mount=type=bind,source=/tmp/.x11docker-socket-AbC123,target=/tmp/.X11-unix,readonly']);
    assert.ok(!mounts.some((m) => /=\/tmp\/\.X11-unix\/?(,|$)/.test(m)), mounts.join(' '));
    assert.ok(mounts.some((m) => m.includes(`target=${CONTAINER_XAUTHORITY}`) && m.includes('readonly')));
  });

  test('our env, then --env values, then x11docker\'s own DISPLAY and XAUTHORITY, which win over an --env of the same name', () => {
    const env = envOf(createArgs(['--env', 'FOO=bar', '--env', 'HOME=/h', '--env', 'DISPLAY=:9', 'img'], undefined, undefined, 7));
    assert.deepEqual(env, ['USER=alice', 'HOME=/home/alice', 'FOO=bar', 'HOME=/h', 'DISPLAY=:7', `XAUTHORITY=${CONTAINER_XAUTHORITY}`]);
  });

  test('the image and then the command come last, after --', () => {
    const command = ['sh', '-c', 'echo A && pwd', '--', '$X'];
    const args = createArgs(['img', ...command]);
    const dd = args.indexOf('--');
    assert.deepEqual(args.slice(dd + 1), ['img', ...command]);
    assert.deepEqual(createArgs(['img']).slice(-2), ['--', 'img']);
  });

  test('raw engine args come before -- IMAGE, followed only by x11docker\'s own variables (they win over raw --env)', () => {
    const args = createArgs(['--', '--cap-add=X --env=A=b', 'img', 'cmd'], undefined, undefined, 7);
    const dd = args.indexOf('--');
    assert.deepEqual(args.slice(dd - 6), ['--cap-add=X', '--env=A=b', '--env', 'DISPLAY=:7', '--env', `XAUTHORITY=${CONTAINER_XAUTHORITY}`, '--', 'img', 'cmd']);
  });

  test('container name: default from display and session, --name option, raw --name', () => {
    assert.ok(createArgs(['img'], undefined, undefined, 101).includes('--name=x11docker_X101_img_abc123def456'));
    assert.ok(createArgs(['--name=box', 'img']).includes('--name=box'));
    const raw = createArgs(['--', '--name=theirs', '--', 'img']);
    assert.deepEqual(raw.filter((a) => a.startsWith('--name')), ['--name=theirs']);
    const rawSpaced = createArgs(['--', '--name', 'theirs', '--', 'img']);
    assert.deepEqual(rawSpaced.filter((a) => a.startsWith('--name')), ['--name']);
  });

  test('labels carry the session id', () => {
    assert.ok(createArgs(['img']).includes('--label=x11docker.session=abc123def456'));
  });
});

describe('workdir', () => {
  test("the image's WORKDIR is kept (no --workdir)", () => {
    const p = plan(['img'], undefined, imageConfig({ workingDir: '/app' }));
    assert.equal(p.container?.workdir, undefined);
    assert.ok(!containerCreateArgs(p, runtime()).some((a) => a.startsWith('--workdir')));
  });

  test('HOME when the image has no WORKDIR', () => {
    assert.ok(createArgs(['img']).includes('--workdir=/home/alice'));
  });

  test('--workdir wins over both', () => {
    const args = createArgs(['--workdir=/srv', 'img'], undefined, imageConfig({ workingDir: '/app' }));
    assert.deepEqual(args.filter((a) => a.startsWith('--workdir')), ['--workdir=/srv']);
  });

  test('raw --workdir / -w after -- replaces ours', () => {
    assert.ok(!createArgs(['--', '-w', '/x', '--', 'img']).includes('--workdir=/home/alice'));
    assert.ok(!createArgs(['--', '--workdir=/x', '--', 'img']).includes('--workdir=/home/alice'));
  });
});

describe('findBinaries', () => {
  test('finds executables in PATH, skips non-executable files and missing dirs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-bin-'));
    try {
      writeFileSync(join(dir, 'Xvfb'), '#!/bin/sh\n');
      chmodSync(join(dir, 'Xvfb'), 0o755);
      writeFileSync(join(dir, 'Xephyr'), 'not executable');
      chmodSync(join(dir, 'Xephyr'), 0o644);
      const found = findBinaries(['Xvfb', 'Xephyr', 'docker'], `/nonexistent-x11docker::${dir}`);
      assert.deepEqual([...found], ['Xvfb']);
      assert.equal(findBinaries(['Xvfb'], '').size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('localDisplayNumber (X11 display names)', () => {
  test(':N, :N.S, unix:N and unix:N.S are local; host:N and junk are not', () => {
    assert.equal(localDisplayNumber(':0'), 0);
    assert.equal(localDisplayNumber(':77.0'), 77);
    assert.equal(localDisplayNumber('unix:77'), 77);
    assert.equal(localDisplayNumber('unix:5.1'), 5);
    for (const d of ['localhost:10.0', '127.0.0.1:5', 'bogus', '', undefined]) assert.equal(localDisplayNumber(d), undefined, String(d));
  });
});

describe('messages that name the right option', () => {
  test('--html without Xvfb names --html; --clipboard with --nothing is a note, not the sharing warning', () => {
    const noXvfb = new Set(['Xephyr', 'xauth', 'docker', 'x11vnc', 'websockify', 'xdpyinfo']);
    assert.throws(() => plan(['--html', 'img'], hostFacts({ binaries: noXvfb })), /Option --html runs the app on Xvfb: --xvfb needs Xvfb/);
    const p = plan(['--nothing', '--clipboard', 'img']);
    assert.ok(!p.warnings.some((w) => w.includes('--clipboard')), p.warnings.join('\n'));
    assert.ok(p.notes.some((n) => n.includes('--clipboard has no effect with --nothing')));
  });
});

describe('--gpu through planSession (not only chooseDisplay)', () => {
  test('a single application with --gpu picks an Xwayland-based server and says so', () => {
    const p = plan(['--gpu', 'img'], hostFacts({ binaries: new Set(['xpra', 'Xvfb', 'weston', 'Xwayland', 'Xephyr', 'docker']) }));
    assert.equal(p.driver.name, 'xpra-xwayland');
    assert.ok(p.notes.some((n) => /^Using X server option --xpra-xwayland \(--gpu, single application/.test(n)), p.notes.join('\n'));
  });
  test('--gpu --desktop picks --weston-xwayland', () => {
    const p = plan(['--gpu', '--desktop', 'img'], hostFacts({ binaries: new Set(['weston', 'Xwayland', 'Xephyr', 'docker']) }));
    assert.equal(p.driver.name, 'weston-xwayland');
  });
  test('--gpu with --wayland sets the toolkits\' GPU variables too', () => {
    const withGpu = envOf(createArgs(['--gpu', '--weston', '--waylandenv', 'img'], hostFacts({ binaries: new Set(['weston', 'docker']) })));
    const without = envOf(createArgs(['--weston', '--waylandenv', 'img'], hostFacts({ binaries: new Set(['weston', 'docker']) })));
    assert.ok(withGpu.includes('ELM_ACCEL=opengl') && withGpu.includes('ECORE_EVAS_ENGINE=wayland_egl'), withGpu.join(' '));
    assert.ok(without.includes('ELM_ACCEL=none'), without.join(' '));
  });
});

describe('--hostdisplay with --gpu or --clipboard: trusted cookie and --ipc=host (upstream)', () => {
  /** The warnings of a plan that mention `text`. */
  const warningsWith = (p: SessionPlan, text: string) => p.warnings.filter((w) => w.includes(text));

  for (const option of ['--gpu', '--clipboard']) {
    test(`--hostdisplay ${option}: a trusted cookie, --ipc=host once, and upstream's warning instead of the untrusted one`, () => {
      const p = plan(['--hostdisplay', option, 'img']);
      assert.equal(p.trustedHostCookie, true);
      const args = containerCreateArgs(p, runtime(5));
      assert.deepEqual(args.filter((a) => a.startsWith('--ipc')), ['--ipc=host']);
      const [w, ...more] = warningsWith(p, 'Option --hostdisplay');
      assert.equal(more.length, 0, p.warnings.join('\n'));
      for (const text of [':5', `With ${option} `, 'trusted cookie', '--ipc=host', 'MIT-SHM', 'no protection against X security leaks', 'Keylogging', 'remote control']) {
        assert.ok(w!.includes(text), `${JSON.stringify(w)} does not mention ${text}`);
      }
      assert.ok(!w!.includes('untrusted'), w);
      assert.equal(warningsWith(p, 'Option --hostipc').length, 1, p.warnings.join('\n'));
    });
  }

  test('--hostdisplay --gpu --clipboard --hostipc names both reasons and sets --ipc=host once', () => {
    const p = plan(['--hostdisplay', '--gpu', '--clipboard', '--hostipc', 'img']);
    assert.deepEqual(containerCreateArgs(p, runtime(5)).filter((a) => a.startsWith('--ipc')), ['--ipc=host']);
    assert.match(warningsWith(p, 'Option --hostdisplay')[0]!, /With --gpu and --clipboard the container gets a trusted cookie/);
    assert.equal(warningsWith(p, 'Option --hostipc').length, 1, p.warnings.join('\n'));
  });

  test('--hostdisplay alone keeps the untrusted cookie and the private IPC namespace', () => {
    const p = plan(['--hostdisplay', 'img']);
    assert.equal(p.trustedHostCookie, false);
    assert.ok(!containerCreateArgs(p, runtime(5)).some((a) => a.startsWith('--ipc')));
    assert.match(warningsWith(p, 'Option --hostdisplay')[0]!, /reduced with an untrusted cookie/);
    assert.equal(warningsWith(p, '--hostipc').length, 0, p.warnings.join('\n'));
  });

  test('a new X server with --gpu or --clipboard gets neither a trusted host cookie nor --ipc=host', () => {
    const host = hostFacts({ binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker', 'xclip']) });
    for (const argv of [['--xephyr', '--gpu'], ['--xvfb', '--gpu'], ['--xephyr', '--clipboard']]) {
      const p = plan([...argv, 'img'], host);
      assert.equal(p.trustedHostCookie, false, argv.join(' '));
      assert.ok(!containerCreateArgs(p, runtime()).some((a) => a.startsWith('--ipc')), argv.join(' '));
      assert.equal(warningsWith(p, 'trusted cookie').length, 0, p.warnings.join('\n'));
    }
  });

  test('--xonly --hostdisplay --gpu: the trusted cookie, and no IPC namespace named (no container)', () => {
    const p = planSession(parseCommandLine(['--xonly', '--hostdisplay', '--gpu']), hostFacts());
    assert.equal(p.trustedHostCookie, true);
    assert.equal(p.container, undefined);
    const w = warningsWith(p, 'Option --hostdisplay')[0]!;
    assert.match(w, /trusted cookie/);
    assert.doesNotMatch(w, /--ipc=host/);
  });
});

describe('--gpu on a display whose GLX does not work', () => {
  test('--nxagent --gpu notes that OpenGL applications fail on nxagent and names servers where they work; --xephyr --gpu does not', () => {
    const host = hostFacts({ binaries: new Set(['nxagent', 'Xephyr', 'xauth', 'docker']) });
    const n = plan(['--nxagent', '--gpu', 'img'], host).notes.find((x) => x.includes('Option --gpu with --nxagent'));
    assert.ok(n, 'no note about GLX on nxagent');
    assert.match(n, /GLX extension is version 1\.2.*OpenGL applications do not start.*Use --xpra, --xephyr or --weston-xwayland/);
    assert.ok(!plan(['--nxagent', 'img'], host).notes.some((x) => x.includes('GLX')));
    assert.ok(!plan(['--xephyr', '--gpu', 'img'], host).notes.some((x) => x.includes('GLX')));
  });
});

describe('--no-setup (plan/no-setup.ts)', () => {
  test('the command runs as the host uid:gid without HOME, USER or a working folder of x11docker, with the note', () => {
    const p = plan(['--xvfb', '--no-setup', 'img']);
    assert.equal(p.container?.retainUser, true, 'no user files are written');
    const args = createArgs(['--xvfb', '--no-setup', 'img']);
    assert.ok(args.includes('--user=1000:1000'), args.join(' '));
    assert.ok(!args.some((a) => a.startsWith('--workdir')), 'the image\'s working folder');
    assert.deepEqual(envOf(args).filter((e) => /^(HOME|USER)=/.test(e)), []);
    assert.ok(p.notes.some((n) => n.startsWith('Option --no-setup: x11docker writes no user, HOME or passwd entry into the container; the command runs as uid 1000, gid 1000, without a name.')));
  });

  test("with --user=RETAIN the image's USER (no --user); --workdir and --env HOME are kept", () => {
    const args = createArgs(['--xvfb', '--no-setup', '--user=RETAIN', '--workdir=/tmp', '--env', 'HOME=/tmp', 'img']);
    assert.ok(!args.some((a) => a.startsWith('--user=')), args.join(' '));
    assert.ok(args.includes('--workdir=/tmp'));
    assert.ok(envOf(args).includes('HOME=/tmp'));
  });

  test('options that need the set-up are refused, naming both', () => {
    for (const [option, needs] of [['--sudouser', '--sudouser'], ['--systemd', '--init=systemd'], ['--dbus', '--dbus'], ['--dbus-system', '--dbus-system'], ['--runasroot=true', '--runasroot'], ['--runasuser=true', '--runasuser'], ['--home', '--home']]) {
      assertX11Error(() => plan(['--xvfb', '--no-setup', option!, 'img']), 'Option --no-setup writes nothing into the container, but', `${needs} needs that`);
    }
  });
});

describe('a command that reads as a shell line (upstream\'s broadway recipe)', () => {
  test('one word with a space and a shell operator is a note naming sh -c; words, sh -c or an ENTRYPOINT are not', () => {
    const note = (argv: string[], config?: ImageConfig) => plan(['--xvfb', ...argv], hostFacts(), config).notes.filter((n) => /one word with shell syntax/.test(n));
    const [n] = note(['img', 'broadwayd :5 & sleep 2 && xfce4-terminal']);
    assert.match(n ?? '', /^The command 'broadwayd :5 & sleep 2 && xfce4-terminal' is one word with shell syntax: .* sh -c '\.\.\.'\.$/);
    assert.equal(note(['img', 'echo a; echo b']).length, 1);
    for (const argv of [['img', 'sh', '-c', 'a && b'], ['img', 'my app'], ['img', 'a&&b'], ['--', '--entrypoint=sh', '--', 'img', 'a && b']]) assert.deepEqual(note(argv), [], argv.join(' '));
    assert.deepEqual(note(['img', 'a && b'], imageConfig({ entrypoint: ['/bin/sh', '-c'] })), []);
  });
});
