// --xc (X server in container, src/plan/xcontainer.ts): the option's values, when the plan runs
// the display from the X server image, and the argv of the server containers (hardening, user,
// mounts, readiness), all without starting anything.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { planSession } from '../../src/plan/plan.js';
import { placeLaunch, planXContainer, type XContainerPlace } from '../../src/plan/xcontainer.js';
import type { HostFacts } from '../../src/host/facts.js';
import { X11DockerError } from '../../src/errors.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';
import type { DisplayContext, ProcessSpec } from '../../src/xserver/driver.js';

const ctx: DisplayContext = {
  display: 123, authFile: '/s/Xservercookie', clientAuthFile: '/s/Xclientcookie', size: { width: 800, height: 600 },
  title: 'x11docker :123 img', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false, hostDisplay: ':5',
};
const place: XContainerPlace = { display: 123, socketFolder: '/tmp/.x11docker-socket-f/X11-unix', sessionDir: '/s', clientAuthFile: '/s/Xclientcookie', hostDisplay: { number: 5, authFile: '/s/Xhostcookie' } };
const ALL = ['Xvfb', 'Xephyr', 'nxagent', 'xpra', 'weston', 'Xwayland', 'xclip', 'openbox'];
const host = (bins: string[], more: Partial<HostFacts> = {}): HostFacts => ({
  processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1001, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
  display: ':5', xauthority: '/home/alice/.Xauthority', binaries: new Set(bins), sessionId: 'abc', pid: 77, ...more,
});
const image = { id: 'sha256:1', user: '', workingDir: '', entrypoint: [], cmd: ['sh'], env: [] };
const plan = (argv: string[], h: HostFacts) => planSession(parseCommandLine([...argv, 'img']), h, image);
const xcOf = (argv: string[], h: HostFacts = host(ALL, { xcImage: true })) => plan(argv, h).xc;

/** assert.throws validation: the error's message (without its class name) matches. */
const says = (re: RegExp) => (e: Error) => re.test(e.message);
/** The values of `--NAME=VALUE` arguments of an argv. */
const values = (args: readonly string[], name: string) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));

describe('--xc option', () => {
  test('values: none/yes/force -> yes with x11docker-xserver; no; auto; an image; default auto', () => {
    const xc = (v?: string) => parseCommandLine([...(v === undefined ? [] : [v]), 'img']).xc;
    assert.deepEqual(xc(), { mode: 'auto', image: 'x11docker-xserver' });
    assert.deepEqual(xc('--xc'), { mode: 'yes', image: 'x11docker-xserver' });
    assert.deepEqual(xc('--xc=force'), { mode: 'yes', image: 'x11docker-xserver' });
    assert.deepEqual(xc('--xc=no'), { mode: 'no', image: 'x11docker-xserver' });
    assert.deepEqual(xc('--xc=auto'), { mode: 'auto', image: 'x11docker-xserver' });
    assert.deepEqual(xc('--xc=registry:5000/x11docker/xserver:1.2'), { mode: 'yes', image: 'registry:5000/x11docker/xserver:1.2' });
    assert.deepEqual(xc('--xc=docker'), { mode: 'yes', image: 'x11docker-xserver' });
  });

  test('bad values are one line naming the option and the fix', () => {
    assert.throws(() => parseCommandLine(['--xc=podman', 'img']), (e: X11DockerError) => e.exitCode === 64 && /^Option --xc=podman: .*--backend=podman --xc/.test(e.message));
    assert.throws(() => parseCommandLine(['--xc=a b', 'img']), says(/^Option --xc takes yes, no, auto or an image name \(got 'a b'\), e\.g\. --xc=x11docker-xserver\.$/));
    assert.throws(() => parseCommandLine(['--xc=-x', 'img']), says(/^Option --xc takes/));
  });
});

describe('--xc plan', () => {
  test('--xc=yes plans the containers with the session labels, the host user and the image', () => {
    assert.deepEqual(xcOf(['--xc', '--xvfb']), { image: 'x11docker-xserver', engine: 'docker', user: { uid: 1000, gid: 1001 }, sessionId: 'abc', pid: 77, binaries: ['Xvfb'] });
    assert.equal(xcOf(['--xc=my/xserver', '--backend=podman', '--xephyr'])?.image, 'my/xserver');
    assert.equal(xcOf(['--xc=no', '--xvfb']), undefined);
  });

  test('the containers\' user is the host user outside: --userns=host on userns-remap, root on rootless docker, keep-id on rootless podman', () => {
    const engine = (e: Partial<NonNullable<HostFacts['engine']>>) => host(ALL, { xcImage: true, engine: { usernsRemap: false, rootless: false, selinux: false, ...e } });
    const pick = (x: ReturnType<typeof xcOf>) => [x?.user, x?.userns];
    assert.deepEqual(pick(xcOf(['--xc', '--xvfb'], engine({ usernsRemap: true }))), [{ uid: 1000, gid: 1001 }, 'host']);
    assert.deepEqual(pick(xcOf(['--xc', '--xvfb'], engine({ rootless: true }))), [{ uid: 0, gid: 0 }, undefined]);
    assert.deepEqual(pick(xcOf(['--xc', '--xvfb', '--backend=podman'], engine({ rootless: true }))), [{ uid: 1000, gid: 1001 }, 'keep-id']);
    const xvfb = xserverDrivers.xvfb;
    const a = placeLaunch(xvfb.launch(ctx), { ...xcOf(['--xc', '--xvfb'], engine({ usernsRemap: true }))!, binaries: ['Xvfb'] }, place).processes[0]!.args;
    assert.ok(a.includes('--userns=host') && a.includes('--user=1000:1001'));
  });

  test('auto (the default) prefers the host: the image only for binaries the host lacks, and only when the engine has it', () => {
    assert.equal(xcOf(['--xvfb']), undefined);
    const p = plan(['--nxagent'], host(['Xvfb'], { xcImage: true }));
    assert.deepEqual(p.xc?.binaries, ['nxagent']);
    assert.ok(p.notes.some((n) => /^Option --xc: --nxagent runs from image x11docker-xserver \(nxagent not installed on the host\)\.$/.test(n)), p.notes.join('\n'));
    // without the image, a missing binary is the usual error naming the package
    assert.throws(() => plan(['--nxagent'], host(['Xvfb'], { xcImage: false })), /nxagent/);
    // the automatic choice counts what the image brings: nxagent for a single application
    assert.equal(plan([], host([], { xcImage: true })).driver.name, 'nxagent');
  });

  test('refusals name --xc and the fix; shared displays ignore it with a note', () => {
    assert.throws(() => plan(['--xc', '--xvfb'], host(ALL, { xcImage: false })), (e: X11DockerError) => e.exitCode === 64 && /^Option --xc: image x11docker-xserver not found at docker\. Build it with: bash scripts\/setup\.sh/.test(e.message));
    assert.throws(() => plan(['--xc', '--xdummy'], host([...ALL, '/usr/lib/xorg/Xorg', '/usr/lib/xorg/modules/drivers/dummy_drv.so'], { xcImage: true })), says(/^Option --xc: --xdummy cannot run from the X server image\./));
    assert.throws(() => plan(['--xc', '--xephyr'], host(ALL, { xcImage: true, display: 'remote:10' })), says(/^Option --xc: --xephyr in a container reaches your display only through its local socket/));
    const p = plan(['--xc', '--hostdisplay'], host(ALL, { xcImage: true }));
    assert.equal(p.xc, undefined);
    assert.ok(p.notes.includes('Option --xc has no effect with --hostdisplay: it starts no X server.'));
  });

  test('a compositor nested on the user display needs --ipc=host: a warning before anything starts', () => {
    const p = plan(['--xc', '--weston-xwayland'], host(ALL, { xcImage: true }));
    assert.ok(p.warnings.some((w) => /^Option --xc: the Wayland compositor weston of --weston-xwayland draws into your display with MIT-SHM/.test(w)));
    assert.ok(!plan(['--xc', '--weston-xwayland'], host(ALL, { xcImage: true, display: undefined })).warnings.some((w) => /MIT-SHM/.test(w)));
  });
});

describe('--xc server containers', () => {
  const xc = { image: 'x11docker-xserver', engine: 'docker' as const, user: { uid: 1000, gid: 1001 }, sessionId: 'abc', pid: 77, binaries: [] as string[] };
  const placed = (driver: keyof typeof xserverDrivers) => {
    const d = xserverDrivers[driver];
    return placeLaunch(d.launch(ctx), { ...xc, binaries: d.requires.map((r) => r.binary) }, place).processes;
  };

  test('Xvfb: hardened ENGINE run with the same argv; displayfd becomes an X11 check from the host', () => {
    const [server] = placed('xvfb') as [ProcessSpec];
    const a = server.args;
    assert.equal(server.binary, 'docker');
    assert.deepEqual(a.slice(0, 4), ['run', '--rm', '--init', '--name=x11docker_xc_X123_0-Xvfb_abc']);
    for (const flag of ['--cap-drop=ALL', '--security-opt=no-new-privileges', '--network=none', '--user=1000:1001', '--read-only', '--tmpfs=/tmp', '--label=x11docker.session=abc', '--label=x11docker.pid=77']) {
      assert.ok(a.includes(flag), flag);
    }
    assert.ok(!a.some((x) => /^--(privileged|cap-add|ipc)/.test(x)));
    const withHost = placeLaunch(xserverDrivers.xvfb.launch(ctx), { ...xc, hostId: 'cafe01', binaries: ['Xvfb'] }, place).processes[0]!.args;
    assert.ok(withHost.includes('--label=x11docker.host=cafe01'), 'x11docker\'s host identity beside its pid');
    // only the session's socket folder (writable: the server makes its socket there) and the session folder read-only
    assert.deepEqual(values(a, 'mount'), ['type=bind,source=/tmp/.x11docker-socket-f/X11-unix,target=/tmp/.X11-unix', 'type=bind,source=/s,target=/s,readonly']);
    const tail = a.slice(a.indexOf('--entrypoint=Xvfb'));
    assert.deepEqual(tail.slice(0, 3), ['--entrypoint=Xvfb', '--', 'x11docker-xserver']);
    assert.deepEqual(tail.slice(3), xserverDrivers.xvfb.launch(ctx).processes[0]!.args);
    assert.deepEqual([server.ready.kind, server.ownsDisplay, server.essential, server.container, server.connectsTo], ['x11', true, true, { name: 'x11docker_xc_X123_0-Xvfb_abc', binary: 'Xvfb' }, 'none']);
    assert.equal(placed('xephyr')[0]!.connectsTo, 'host'); // (the session's end asks whether the user's display still answers)
  });

  test('Xephyr and nxagent: the user display socket read-only and its cookie as DISPLAY/XAUTHORITY', () => {
    for (const driver of ['xephyr', 'nxagent'] as const) {
      const a = placed(driver)[0]!.args;
      assert.ok(values(a, 'mount').includes('type=bind,source=/tmp/.X11-unix/X5,target=/tmp/.X11-unix/X5,readonly'), driver);
      assert.deepEqual(values(a, 'env').filter((e) => /^(DISPLAY|XAUTHORITY)=/.test(e)), ['DISPLAY=:5', 'XAUTHORITY=/s/Xhostcookie'], driver);
      assert.ok(!a.includes('--ipc=host'), driver);
    }
  });

  test('xpra: Xvfb, server and client each in a container; server and client keep files in the session folder (writable)', () => {
    const ps = placed('xpra');
    assert.deepEqual(ps.map((p) => [p.role, p.container?.name, p.ready.kind]), [
      ['X server', 'x11docker_xc_X123_0-Xvfb_abc', 'x11'],
      ['xpra server', 'x11docker_xc_X123_1-xpra_abc', 'line'],
      ['xpra client', 'x11docker_xc_X123_2-xpra_abc', 'line'],
    ]);
    assert.ok(values(ps[0]!.args, 'mount').includes('type=bind,source=/s,target=/s,readonly'));
    for (const p of ps.slice(1)) {
      assert.ok(values(p.args, 'mount').includes('type=bind,source=/s,target=/s'), p.role);
      assert.ok(p.args.includes('--workdir=/s') && values(p.args, 'env').includes('HOME=/s'), p.role);
    }
    assert.deepEqual(values(ps[1]!.args, 'env').filter((e) => /^(DISPLAY|XAUTHORITY)=/.test(e)), ['DISPLAY=:123', 'XAUTHORITY=/s/Xclientcookie']);
    assert.deepEqual(values(ps[2]!.args, 'env').filter((e) => /^(DISPLAY|XAUTHORITY)=/.test(e)), ['DISPLAY=:5', 'XAUTHORITY=/s/Xhostcookie']);
  });

  test('weston-xwayland: nested weston shares the host IPC namespace (MIT-SHM), Xwayland does not', () => {
    const [weston, xwayland] = placed('weston-xwayland');
    assert.ok(weston!.args.includes('--ipc=host'));
    assert.ok(values(weston!.args, 'env').includes('XDG_RUNTIME_DIR=/s'));
    assert.ok(!xwayland!.args.includes('--ipc=host'));
    assert.equal(xwayland!.ready.kind, 'x11');
  });

  test('host processes (a --wm window manager) stay on the host; podman runs the containers with its CLI', () => {
    const d = xserverDrivers.xephyr;
    const ps = placeLaunch(d.launch({ ...ctx, wm: ['openbox'] }), { ...xc, engine: 'podman', binaries: ['Xephyr'] }, place).processes;
    assert.deepEqual(ps.map((p) => [p.binary, p.container?.name]), [['podman', 'x11docker_xc_X123_0-Xephyr_abc'], ['openbox', undefined]]);
  });

  test('a process on the user display without a local socket is refused', () => {
    const d = xserverDrivers.xephyr;
    assert.throws(() => placeLaunch(d.launch(ctx), { ...xc, binaries: ['Xephyr'] }, { ...place, hostDisplay: undefined }), says(/^Option --xc: the X server Xephyr needs your display's local socket/));
  });

  test('planXContainer alone: --xc=no is off whatever the host has', () => {
    assert.equal(planXContainer({ xc: { mode: 'no', image: 'x' }, backend: 'docker' }, host([], { xcImage: true }), xserverDrivers.xvfb, [], []), undefined);
  });
});

describe("upstream's --xpra2 and --xpra2-xwayland: X server and xpra server from the image, the xpra client on the host", () => {
  test('--xpra2 implies --xc: Xvfb and the xpra server become engine runs of the image, the client stays a host xpra on your display', () => {
    for (const [opt, inImage] of [['--xpra2', ['Xvfb', 'xpra']], ['--xpra2-xwayland', ['weston', 'Xwayland', 'xpra']]] as const) {
      const p = plan([opt], host(ALL, { xcImage: true }));
      assert.ok(p.xc, `${opt} runs from the image without --xc`);
      const placed = placeLaunch(xserverDrivers[opt.slice(2) as 'xpra2'].launch(ctx), p.xc, place);
      assert.deepEqual(placed.processes.filter((q) => q.container).map((q) => q.container!.binary), inImage, opt);
      const client = placed.processes.at(-1)!;
      assert.deepEqual([client.role, client.binary, client.container, client.connectsTo, client.onHost], ['xpra client', 'xpra', undefined, 'host', true], opt);
      // the server's socket folder is in the session folder, writable for the server's container
      const server = placed.processes.find((q) => q.container?.binary === 'xpra')!;
      assert.ok(server.args.includes('--mount=type=bind,source=/s,target=/s'), server.args.join(' '));
    }
    // plain --xpra stays on the host
    assert.equal(xcOf(['--xpra'], host(ALL, { xcImage: true })), undefined);
  });
  test('--xpra2: --xc=no, a missing image and a host without xpra are one-line errors; Xvfb need not be on the host', () => {
    assert.throws(() => plan(['--xpra2', '--xc=no'], host(ALL, { xcImage: true })), says(/^Option --xpra2 runs its X server and xpra server from the X server image: it cannot go with --xc=no/));
    assert.throws(() => plan(['--xpra2'], host(ALL, { xcImage: false })), says(/^Option --xc: image x11docker-xserver not found/));
    assert.throws(() => plan(['--xpra2'], host(['Xvfb'], { xcImage: true })), says(/^Option --xpra2 runs the xpra client on the host: xpra is not installed\. Install it: apt-get install xpra\.$/));
    assert.ok(plan(['--xpra2'], host(['xpra'], { xcImage: true })).xc);
  });
});
