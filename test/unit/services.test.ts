// Covers the init, service, device and privilege options: parsing (src/options/services.ts),
// their plan (src/plan/services.ts) and what they add to `docker create` (containerCreateArgs),
// with hand-made HostFacts; also gatherHostResources on a fake /dev tree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession, type SessionPlan } from '../../src/plan/plan.js';
import { PIPEWIRE_PULSE_SOCKET, PIPEWIRE_SOCKET, PULSE_COOKIE, PULSE_HOST_SOCKET, PULSE_SOCKET, pulseTcpHost } from '../../src/plan/services.js';
import { pulseTcpLoadArgs } from '../../src/run/pulse-tcp.js';
import { EXIT_DIR, LAUNCH_ROOT, LAUNCH_RUN, LAUNCH_USER, SYSTEMD_PID1 } from '../../src/plan/launchers.js';
import { userFiles } from '../../src/run/container-setup.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import type { HostResources } from '../../src/host/resources.js';
import { gatherHostResources } from '../../src/host/resources.js';
import { xPaths } from '../../src/xserver/display.js';
import { X11DockerError } from '../../src/errors.js';
import { wordsIn } from './shell-words.js';

/** The command of a launcher's `exec LAUNCH_ROOT ...` line, as /bin/sh reads it. */
const launched = (script: string): string[] => wordsIn('sh', script.split('\n').find((l) => l.startsWith(`exec ${LAUNCH_ROOT} `))!.slice(`exec ${LAUNCH_ROOT} `.length));

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const noResources: HostResources = { dri: [], nvidia: [] };

function hostFacts(resources: HostResources = noResources): HostFacts {
  return {
    processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
    binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker', 'podman', 'nerdctl']), sessionId: 'abc123def456', pid: 4242, resources,
  };
}
const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: ['/entry'], cmd: ['xeyes', '-g', '1x1'], env: [] };

function plan(argv: string[], resources?: HostResources): SessionPlan {
  return planSession(parseCommandLine(argv), hostFacts(resources), image);
}
function args(argv: string[], resources?: HostResources): string[] {
  return containerCreateArgs(plan(argv, resources), { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/c/Xauthority.client' });
}
/** The part of the create args before the image (ours and the raw engine args). */
function options(a: string[]): string[] {
  return a.slice(0, a.indexOf('--'));
}
function after(a: string[]): string[] {
  return a.slice(a.indexOf('--') + 1);
}
function caps(a: string[]): string[] {
  return a.filter((x) => x.startsWith('--cap-add=')).map((x) => x.slice(10));
}

describe('init systems', () => {
  test('default is tini (--init), all capabilities dropped, the image command unchanged', () => {
    const a = args(['img']);
    assert.ok(options(a).includes('--init'));
    assert.ok(options(a).includes('--cap-drop=ALL'));
    assert.deepEqual(caps(a), []);
    assert.deepEqual(after(a), ['img']);
    assert.ok(!options(a).some((x) => x.startsWith('--entrypoint')));
  });
  test('--no-init and --init=none drop --init, with a note', () => {
    for (const o of ['--no-init', '--init=none']) {
      const p = plan([o, 'img']);
      assert.ok(!options(args([o, 'img'])).includes('--init'));
      assert.ok(p.notes.some((n) => n.includes('--no-init')));
    }
  });
  test('the last init option wins', () => {
    assert.equal(plan(['--runit', '--no-init', 'img']).container!.services.init, 'none');
    assert.equal(plan(['--no-init', '--init', 'img']).container!.services.init, 'tini');
    assert.equal(plan(['--init=sysvinit', 'img']).container!.services.init, 'sysvinit');
  });
  test('--init=VALUE outside the list is a one-line error', () => {
    assert.throws(() => parseCommandLine(['--init=upstart', 'img']), (e: unknown) => e instanceof X11DockerError && e.message.includes('--init=upstart') && e.message.includes('runit'));
  });
  for (const init of ['runit', 'sysvinit'] as const) {
    test(`--${init}: PID 1 is ${init}, runs as root with its few capabilities, the command in a launcher, warning`, () => {
      const a = args([`--${init}`, 'img', 'xterm', "it's"]);
      const p = plan([`--${init}`, 'img', 'xterm', "it's"]);
      assert.ok(!options(a).includes('--init'));
      assert.ok(options(a).includes('--cap-drop=ALL'));
      assert.ok(options(a).includes('--user=0:0'));
      assert.ok(options(a).includes('--security-opt=no-new-privileges'));
      assert.deepEqual(caps(a), ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_BOOT']);
      assert.ok(!caps(a).includes('SYS_ADMIN'));
      assert.ok(options(a).includes(`--entrypoint=${init === 'runit' ? '/sbin/runit' : '/sbin/init'}`));
      assert.ok(options(a).some((x) => x.startsWith('--mount=type=bind,source=/home/alice/.cache/x11docker/abc123def456/exit,target=' + EXIT_DIR)));
      assert.deepEqual(after(a), ['img']);
      const start = p.container!.services.files.find((f) => f.path === '/x11docker/start')!;
      assert.deepEqual(launched(start.content), ['/entry', 'xterm', "it's"]);
      const root = p.container!.services.files.find((f) => f.path === LAUNCH_ROOT)!;
      assert.ok(root.content.includes('setpriv --reuid=1000 --regid=1000 --clear-groups'), root.content);
      assert.ok(p.warnings.some((w) => w.includes(`--${init}`) && w.includes('capabilities')));
      assert.equal(p.container!.services.exitCodeFile, true);
    });
  }
  test("--init=s6-overlay: the image's /init as PID 1 with the starter as its main program, user-switching capabilities without SYS_BOOT, upstream's warning", () => {
    const s6image = { ...image, entrypoint: ['/init'], cmd: ['xeyes'] };
    const p = planSession(parseCommandLine(['--init=s6-overlay', 'img']), hostFacts(), s6image);
    const a = containerCreateArgs(p, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/c/Xauthority.client' });
    assert.equal(p.container!.services.init, 's6-overlay');
    assert.ok(!options(a).includes('--init'), 'no tini: /init is PID 1');
    assert.ok(options(a).includes('--entrypoint=/init'));
    assert.deepEqual(after(a), ['img', '/x11docker/start'], '/init START: START is the main program');
    assert.ok(options(a).includes('--user=0:0') && options(a).includes('--cap-drop=ALL') && options(a).includes('--tmpfs=/run:exec,mode=755'));
    assert.deepEqual(caps(a), ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID']);
    assert.ok(a.includes('S6_KEEP_ENV=1'));
    const file = (path: string) => p.container!.services.files.find((f) => f.path === path)!.content;
    assert.deepEqual(launched(file('/x11docker/start')), ['xeyes'], "the image's ENTRYPOINT /init is not run twice (upstream drops it)");
    assert.ok(file(LAUNCH_ROOT).includes('setpriv --reuid=1000 --regid=1000'));
    assert.match(file(LAUNCH_ROOT), /true # the main program ends, s6-overlay stops/);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --init=s6-overlay: the init system runs as root') && w.includes('CHOWN, DAC_OVERRIDE, FOWNER, KILL, SETGID, SETUID')));
    assert.equal(p.container!.services.exitCodeFile, true);
    // another ENTRYPOINT stays in front of the command, as with the other init systems
    assert.deepEqual(launched(plan(['--init=s6-overlay', 'img', 'cmd']).container!.services.files.find((f) => f.path === '/x11docker/start')!.content), ['/entry', 'cmd']);
    assert.equal(parseCommandLine(['--init=no', 'img']).services.init, 'none', "upstream's --init=no");
    assert.equal(parseCommandLine(['--no-init', '--init=dockerinit', 'img']).services.init, 'tini', "upstream's --init=dockerinit");
  });
  test('--systemd on cgroup v1: systemd as PID 1 behind its stdout keeper, host cgroupns, only the named systemd hierarchy shared, tmpfs /run, RTMIN+3; warnings', () => {
    const v1: HostResources = { ...noResources, cgroup: 'v1' };
    for (const o of ['--systemd', '--init=systemd']) {
      const a = args([o, 'img', 'xterm', "it's"], v1);
      const p = plan([o, 'img', 'xterm', "it's"], v1);
      assert.ok(!options(a).includes('--init'));
      assert.ok(options(a).includes('--user=0:0') && options(a).includes('--cap-drop=ALL'));
      assert.deepEqual(caps(a), ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_BOOT']);
      assert.ok(options(a).includes(`--entrypoint=${SYSTEMD_PID1}`));
      assert.ok(options(a).includes('--cgroupns=host'));
      assert.ok(options(a).includes('--mount=type=bind,source=/sys/fs/cgroup/systemd,target=/sys/fs/cgroup/systemd'));
      assert.ok(!options(a).some((x) => x.includes('source=/sys/fs/cgroup,')));
      assert.ok(options(a).includes('--tmpfs=/run:exec,mode=755') && options(a).includes('--tmpfs=/run/lock'));
      assert.ok(options(a).includes('--stop-signal=SIGRTMIN+3'));
      assert.ok(a.includes('container=docker'));
      assert.deepEqual(after(a), ['img']);
      const file = (path: string) => p.container!.services.files.find((f) => f.path === path)!.content;
      assert.match(file('/etc/systemd/system/x11docker.service'), /ExecStart=\/x11docker\/start\n[^]*FailureAction=exit|FailureAction=exit[^]*ExecStart=\/x11docker\/start/);
      assert.match(file(SYSTEMD_PID1), /exec "\$f" --unit=x11docker.service/);
      assert.ok(file('/x11docker/start').includes('/proc/1/environ'));
      assert.deepEqual(launched(file(LAUNCH_RUN)), ['/entry', 'xterm', "it's"]);
      assert.ok(file(LAUNCH_ROOT).includes('setpriv --reuid=1000 --regid=1000'));
      assert.ok(p.warnings.some((w) => w.includes('--systemd') && w.includes('/sys/fs/cgroup/systemd')));
      assert.equal(p.container!.services.exitCodeFile, true);
    }
  });
  test('--systemd on cgroup v2 shares /sys/fs/cgroup with a warning; without any cgroup file system it is refused, naming what is missing', () => {
    const a = args(['--systemd', 'img'], { ...noResources, cgroup: 'v2' });
    assert.ok(options(a).includes('--mount=type=bind,source=/sys/fs/cgroup,target=/sys/fs/cgroup'));
    assert.ok(plan(['--systemd', 'img'], { ...noResources, cgroup: 'v2' }).warnings.some((w) => w.includes('can change cgroups of the host')));
    assert.throws(() => plan(['--systemd', 'img']), (e: unknown) => e instanceof X11DockerError && e.message.includes('/sys/fs/cgroup/systemd') && e.message.includes('--openrc'));
  });
  test('--openrc: openrc-init as PID 1, the starter hooked into local.d and rc.local (runs once), with the container environment', () => {
    const a = args(['--openrc', 'img', 'cmd']);
    const p = plan(['--openrc', 'img', 'cmd']);
    assert.ok(options(a).includes('--entrypoint=/sbin/openrc-init'));
    assert.deepEqual(caps(a), ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_BOOT']);
    assert.ok(!options(a).some((x) => x.includes('cgroup')));
    const file = (path: string) => p.container!.services.files.find((f) => f.path === path)!.content;
    assert.equal(file('/etc/local.d/x11docker.start'), file('/etc/rc.local'));
    assert.match(file('/etc/rc.local'), /\/x11docker\/start &/);
    assert.match(file('/x11docker/start'), /mkdir \/run\/x11docker-started/);
    assert.match(file(LAUNCH_ROOT), /openrc-shutdown --poweroff now/);
  });
});

describe('dbus', () => {
  test('--dbus: the command runs through the user launcher (dbus-launch, then dbus-run-session), as the user, no capabilities', () => {
    const a = args(['--dbus', 'img']);
    const p = plan(['--dbus', 'img']);
    assert.ok(options(a).includes(`--entrypoint=${LAUNCH_USER}`));
    assert.ok(options(a).includes('--user=1000:1000'));
    assert.deepEqual(caps(a), []);
    assert.deepEqual(after(a), ['img', '/entry', 'xeyes', '-g', '1x1']);
    const launcher = p.container!.services.files.find((f) => f.path === LAUNCH_USER)!.content;
    assert.ok(launcher.indexOf('dbus-launch') < launcher.indexOf('dbus-run-session'));
  });
  test('--dbus-system: root launcher starts dbus-daemon --system, then setpriv to the user; CHOWN SETGID SETUID only; includes --dbus', () => {
    const a = args(['--dbus-system', 'img', 'cmd']);
    const p = plan(['--dbus-system', 'img', 'cmd']);
    assert.ok(options(a).includes('--init'));
    assert.ok(options(a).includes('--user=0:0'));
    assert.ok(options(a).includes(`--entrypoint=${LAUNCH_ROOT}`));
    assert.deepEqual(caps(a), ['CHOWN', 'SETGID', 'SETUID']);
    assert.deepEqual(after(a), ['img', '/entry', 'cmd']);
    assert.ok(p.container!.services.files.find((f) => f.path === LAUNCH_ROOT)!.content.includes('dbus-daemon --system'));
    assert.ok(p.container!.services.files.find((f) => f.path === LAUNCH_USER)!.content.includes('dbus-launch'));
    assert.ok(p.warnings.some((w) => w.includes('--dbus-system')));
  });
});

describe('devices and privileges', () => {
  const pulse: HostResources = { ...noResources, pulseSocket: '/run/user/1000/pulse/native', pulseCookie: '/home/alice/.config/pulse/cookie' };
  test('--pulseaudio shares socket and cookie, sets PULSE_SERVER and PULSE_COOKIE, warns', () => {
    const a = args(['--pulseaudio', 'img'], pulse);
    assert.ok(a.includes(`--mount=type=bind,source=/run/user/1000/pulse/native,target=${PULSE_SOCKET}`));
    assert.ok(a.includes(`--mount=type=bind,source=/home/alice/.config/pulse/cookie,target=${PULSE_COOKIE},readonly`));
    assert.ok(a.includes(`PULSE_SERVER=unix:${PULSE_SOCKET}`));
    assert.ok(a.includes(`PULSE_COOKIE=${PULSE_COOKIE}`));
    assert.ok(plan(['--pulseaudio', 'img'], pulse).warnings.some((w) => w.includes('--pulseaudio') && w.includes('microphone')));
  });
  test('--pulseaudio without a host socket is a one-line error', () => {
    assert.throws(() => plan(['--pulseaudio', 'img']), (e: unknown) => e instanceof X11DockerError && e.message.includes('pulseaudio --start'));
    assert.throws(() => parseCommandLine(['--pulseaudio=udp', 'img']), /^X11DockerError: Option --pulseaudio=udp: unknown mode/);
    assert.throws(() => plan(['--pulseaudio=host', 'img']), /^X11DockerError: Option --pulseaudio=host: no PulseAudio socket/);
  });
  test("--pulseaudio=host: upstream's path /tmp/pulseaudio.socket.host, read-only, with the cookie and the warning; =socket and =auto are the default", () => {
    const a = args(['--pulseaudio=host', 'img'], pulse);
    assert.equal(PULSE_HOST_SOCKET, '/tmp/pulseaudio.socket.host');
    assert.ok(a.includes(`--mount=type=bind,source=/run/user/1000/pulse/native,target=${PULSE_HOST_SOCKET},readonly`));
    assert.ok(!a.some((x) => x.includes(`target=${PULSE_SOCKET}`)));
    assert.ok(a.includes(`PULSE_SERVER=unix:${PULSE_HOST_SOCKET}`) && a.includes(`PULSE_COOKIE=${PULSE_COOKIE}`));
    assert.ok(plan(['--pulseaudio=host', 'img'], pulse).warnings.some((w) => w.includes('--pulseaudio') && w.includes('microphone')));
    for (const v of ['socket', 'auto']) assert.deepEqual(args([`--pulseaudio=${v}`, 'img'], pulse), args(['--pulseaudio', 'img'], pulse));
  });
  test("--pulseaudio=tcp: upstream's TCP mode: no socket, the cookie copied by the session, the host's name for the container, the warning", () => {
    const withPactl = (argv: string[], r: HostResources = pulse) => {
      const h = hostFacts(r);
      return planSession(parseCommandLine(argv), { ...h, binaries: new Set([...h.binaries, 'pactl']) }, image);
    };
    assert.equal(parseCommandLine(['--pulseaudio=tcp', 'img']).services.pulseaudioMode, 'tcp');
    const p = withPactl(['--pulseaudio=tcp', '--network', 'img']);
    const sv = p.container!.services;
    assert.deepEqual(sv.pulseTcp, { host: 'host.docker.internal', socket: '/run/user/1000/pulse/native', cookie: '/home/alice/.config/pulse/cookie' });
    assert.ok(sv.args.includes('--add-host=host.docker.internal:host-gateway'));
    assert.ok(!sv.args.some((a) => a.includes('pulse/native') || a.includes('/pulse/cookie')), 'neither the socket nor the host cookie itself is mounted');
    assert.ok(sv.env.includes(`PULSE_COOKIE=${PULSE_COOKIE}`));
    assert.ok(!sv.env.some((e) => e.startsWith('PULSE_SERVER=')), 'PULSE_SERVER comes with the port at run time');
    assert.ok(p.warnings.some((w) => w.includes('--pulseaudio') && w.includes('microphone')));
    // the run step's env and cookie mount reach docker create
    const a = containerCreateArgs(p, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/c/Xauthority.client', env: { PULSE_SERVER: 'tcp:host.docker.internal:40000' }, mounts: [{ source: '/s/pulseaudio.cookie', target: PULSE_COOKIE, readonly: false }] });
    assert.ok(a.includes('PULSE_SERVER=tcp:host.docker.internal:40000'));
    assert.ok(a.includes(`--mount=type=bind,source=/s/pulseaudio.cookie,target=${PULSE_COOKIE}`));
    // podman names the host itself; --hostnet is the host's loopback
    assert.deepEqual(withPactl(['--backend=podman', '--pulseaudio=tcp', '--network', 'img']).container!.services.pulseTcp?.host, 'host.containers.internal');
    assert.ok(!withPactl(['--backend=podman', '--pulseaudio=tcp', '--network', 'img']).container!.services.args.some((x) => x.startsWith('--add-host')));
    assert.equal(withPactl(['--pulseaudio=tcp', '--hostnet', 'img']).container!.services.pulseTcp?.host, '127.0.0.1');
    assert.deepEqual(pulseTcpHost('docker', undefined), { host: 'host.docker.internal', args: ['--add-host=host.docker.internal:host-gateway'] });
    assert.equal(pulseTcpHost('docker', 'none'), undefined);
    // without a network: upstream's note (a fallback), no sound
    const none = withPactl(['--pulseaudio=tcp', 'img']);
    assert.equal(none.container!.services.pulseTcp, undefined);
    assert.ok(!none.container!.services.env.some((e) => e.startsWith('PULSE_')));
    assert.ok(none.notes.some((n) => n.startsWith('Option --pulseaudio=tcp has no effect without network access')));
    assert.throws(() => withPactl(['--fallback=no', '--xephyr', '--pulseaudio=tcp', 'img']), /^X11DockerError: Option --fallback=no: .*--pulseaudio=tcp/);
    // pactl loads the module: without it a one-line error; without PulseAudio the socket error
    assert.throws(() => plan(['--pulseaudio=tcp', '--network', 'img'], pulse), /^X11DockerError: Option --pulseaudio=tcp needs pactl on the host .*pulseaudio-utils/);
    assert.throws(() => withPactl(['--pulseaudio=tcp', '--network', 'img'], noResources), /^X11DockerError: Option --pulseaudio=tcp: no PulseAudio socket/);
    assert.deepEqual(pulseTcpLoadArgs(40000), ['load-module', 'module-native-protocol-tcp', 'port=40000', 'auth-ip-acl=127.0.0.1']);
  });
  test("--pipewire shares the PipeWire socket (PIPEWIRE_REMOTE) and pipewire-pulse's socket read-only, with upstream's warning", () => {
    const pw: HostResources = { ...pulse, pipewireSocket: '/run/user/1000/pipewire-0' };
    const a = args(['--pipewire', 'img'], pw);
    assert.ok(a.includes(`--mount=type=bind,source=/run/user/1000/pipewire-0,target=${PIPEWIRE_SOCKET},readonly`));
    assert.ok(a.includes(`PIPEWIRE_REMOTE=${PIPEWIRE_SOCKET}`));
    assert.ok(a.includes(`--mount=type=bind,source=/run/user/1000/pulse/native,target=${PIPEWIRE_PULSE_SOCKET},readonly`));
    assert.ok(a.includes(`PULSE_SERVER=unix:${PIPEWIRE_PULSE_SOCKET}`));
    assert.ok(plan(['--pipewire', 'img'], pw).warnings.includes('Option --pipewire allows container applications to catch your audio output and microphone input.'));
    // with --pulseaudio, its socket is the one PULSE_SERVER names; without a pulse socket a note
    const both = args(['--pipewire', '--pulseaudio', 'img'], pw);
    assert.deepEqual(both.filter((x) => x.startsWith('PULSE_SERVER=')), [`PULSE_SERVER=unix:${PULSE_SOCKET}`]);
    const only = plan(['--pipewire', 'img'], { ...noResources, pipewireSocket: '/run/user/1000/pipewire-0' });
    assert.ok(only.notes.some((n) => n.includes('--pipewire') && n.includes('pipewire-pulse')));
    assert.throws(() => plan(['--pipewire', 'img'], pulse), /^X11DockerError: Option --pipewire: no PipeWire socket found .* --pulseaudio or --alsa\.$/);
    assert.throws(() => parseCommandLine(['--pipewire=yes', 'img']), /Option --pipewire takes no value/);
  });
  test('the PipeWire socket is found as libpipewire finds it: PIPEWIRE_REMOTE, PIPEWIRE_RUNTIME_DIR, XDG_RUNTIME_DIR, /run/user/UID', async () => {
    const root = mkdtempSync(join(tmpdir(), 'x11d-pw-'));
    const servers: ReturnType<typeof createServer>[] = [];
    const sock = async (path: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      const srv = createServer();
      servers.push(srv);
      await new Promise<void>((r) => srv.listen(join(root, path), r));
    };
    try {
      await sock('/run/user/1000/pipewire-0');
      await sock('/xdg/pipewire-0');
      await sock('/pwrt/other');
      assert.equal(gatherHostResources(alice, {}, root).pipewireSocket, '/run/user/1000/pipewire-0');
      assert.equal(gatherHostResources(alice, { XDG_RUNTIME_DIR: '/xdg' }, root).pipewireSocket, '/xdg/pipewire-0');
      assert.equal(gatherHostResources(alice, { XDG_RUNTIME_DIR: '/xdg', PIPEWIRE_RUNTIME_DIR: '/pwrt', PIPEWIRE_REMOTE: 'other' }, root).pipewireSocket, '/pwrt/other');
      assert.equal(gatherHostResources(alice, { PIPEWIRE_REMOTE: '/xdg/pipewire-0' }, root).pipewireSocket, '/xdg/pipewire-0');
      assert.equal(gatherHostResources({ ...alice, uid: 1001 }, {}, root).pipewireSocket, undefined);
    } finally {
      for (const s of servers) s.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
  test('--alsa shares /dev/snd only when it exists, with a warning, else only a note; --alsa=CARD sets ALSA_CARD', () => {
    const withSnd = args(['--alsa=Generic', 'img'], { ...noResources, snd: '/dev/snd' });
    assert.ok(withSnd.includes('--device=/dev/snd'));
    assert.ok(withSnd.includes('ALSA_CARD=Generic'));
    const p = plan(['--alsa', 'img']);
    assert.ok(!args(['--alsa', 'img']).some((x) => x.startsWith('--device')));
    // without /dev/snd one outcome: the note only (nothing is shared that the warning would be about)
    assert.deepEqual([...p.notes, ...p.warnings].filter((m) => m.includes('--alsa')), ['Option --alsa: this host has no /dev/snd (no sound card), so no sound device is shared.']);
    assert.ok(plan(['--alsa', 'img'], { ...noResources, snd: '/dev/snd' }).warnings.some((w) => w.includes('--alsa')));
    assert.throws(() => parseCommandLine(['--alsa=a b', 'img']), X11DockerError);
  });
  test('--gpu shares /dev/dri and NVIDIA devices with their groups, notes NVIDIA, warns', () => {
    const res: HostResources = { dri: [{ path: '/dev/dri/card0', gid: 44 }, { path: '/dev/dri/renderD128', gid: 105 }], nvidia: [{ path: '/dev/nvidia0', gid: 0 }] };
    const a = args(['--gpu', 'img'], res);
    for (const d of ['/dev/dri/card0', '/dev/dri/renderD128', '/dev/nvidia0']) assert.ok(a.includes(`--device=${d}`));
    assert.ok(a.includes('--group-add=44') && a.includes('--group-add=105') && !a.includes('--group-add=0'));
    const p = plan(['--gpu', 'img'], res);
    assert.ok(p.notes.some((n) => n.includes('NVIDIA')));
    assert.ok(p.warnings.some((w) => w.includes('palinopsia')));
    assert.ok(plan(['--gpu', 'img']).notes.some((n) => n.includes('/dev/dri')));
  });
  test('--hostipc sets --ipc=host; --sys-admin adds SYS_ADMIN; --cap-default drops --cap-drop=ALL; each warns', () => {
    assert.ok(args(['--hostipc', 'img']).includes('--ipc=host'));
    assert.deepEqual(caps(args(['--sys-admin', 'img'])), ['SYS_ADMIN']);
    assert.ok(!args(['--cap-default', 'img']).includes('--cap-drop=ALL'));
    assert.ok(args(['--cap-default', 'img']).includes('--security-opt=no-new-privileges'));
    for (const [o, w] of [['--hostipc', 'IPC'], ['--sys-admin', 'SYS_ADMIN'], ['--cap-default', 'hardening']]) {
      assert.ok(plan([o!, 'img']).warnings.some((x) => x.includes(o!) && x.includes(w!)), o);
    }
  });
});

describe('--ipc[=MODE] (upstream)', () => {
  test('without MODE or =host: --ipc=host with upstream\'s --ipc=host warning; other modes are passed on; a bad mode names the option', () => {
    for (const o of ['--ipc', '--ipc=host']) {
      assert.deepEqual(args([o, 'img']).filter((a) => a.startsWith('--ipc')), ['--ipc=host']);
      assert.ok(plan([o, 'img']).warnings.some((w) => w === 'Option --ipc=host severely degrades container isolation. IPC namespace remapping is disabled.'));
    }
    for (const mode of ['private', 'shareable', 'none', 'container:db_1']) {
      assert.deepEqual(args([`--ipc=${mode}`, 'img']).filter((a) => a.startsWith('--ipc')), [`--ipc=${mode}`]);
      assert.ok(!plan([`--ipc=${mode}`, 'img']).warnings.some((w) => /IPC|ipc/.test(w)), mode);
    }
    assert.ok(plan(['--ipc=container:db_1', 'img']).notes.some((n) => /IPC namespace \(shared memory\) of container db_1/.test(n)));
    assert.deepEqual(args(['--ipc=private', '--hostipc', 'img']).filter((a) => a.startsWith('--ipc')), ['--ipc=host'], 'the later option wins');
    assert.throws(() => plan(['--ipc=host;id', 'img']), /Option --ipc=host;id is no IPC mode of docker run/);
    assert.throws(() => plan(['--ipc=container:', 'img']), /no IPC mode/);
    assert.deepEqual(args(['--ipc', '--ipc=no', 'img']).filter((a) => a.startsWith('--ipc')), [], "upstream's =no: no --ipc");
  });
});

describe('raw docker run options after --', () => {
  test('--network=container:NAME replaces our --network=none; our hostname/dns/publish are never set', () => {
    const a = args(['--', '--network=container:other', '--', 'img']);
    assert.ok(!a.includes('--network=none'));
    assert.equal(a.filter((x) => x.startsWith('--network')).length, 1);
    for (const flag of ['--hostname', '--dns', '--publish', '-p', '--ipc', '--mac-address']) assert.ok(!options(args(['img'])).some((x) => x === flag || x.startsWith(`${flag}=`)), flag);
  });
});

describe('backends', () => {
  for (const backend of ['docker', 'podman', 'nerdctl'] as const) {
    test(`--backend=${backend}: the same argv for the engine's CLI`, () => {
      const p = plan([`--backend=${backend}`, '--dbus', 'img']);
      assert.equal(p.container!.backend, backend);
      const a = args([`--backend=${backend}`, 'img']);
      assert.equal(a[0], 'create');
      assert.ok(a.includes('--cap-drop=ALL') && a.includes('--init'));
    });
  }
  test('rootless podman (x11docker not run as root) gets --userns=keep-id; rootful podman and docker do not', () => {
    assert.ok(options(args(['--backend=podman', 'img'])).includes('--userns=keep-id'));
    const root = planSession(parseCommandLine(['--backend=podman', 'img']), { ...hostFacts(), processUid: 0 }, image);
    assert.ok(!containerCreateArgs(root, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/c/Xauthority.client' }).includes('--userns=keep-id'));
    assert.ok(!options(args(['--backend=docker', 'img'])).includes('--userns=keep-id'));
  });
  test('containers are created without --rm with every backend (x11docker removes them, so a failed start can be told from the exit status)', () => {
    for (const backend of ['podman', 'docker', 'nerdctl']) assert.ok(!options(args([`--backend=${backend}`, 'img'])).includes('--rm'), backend);
  });
});

describe('gatherHostResources', () => {
  test('finds sockets and cookies in the documented order, and no devices where there are none', async () => {
    const root = mkdtempSync(join(tmpdir(), 'x11d-res-'));
    try {
      mkdirSync(join(root, 'run/user/1000/pulse'), { recursive: true });
      mkdirSync(join(root, 'home/alice/.config/pulse'), { recursive: true });
      writeFileSync(join(root, 'home/alice/.config/pulse/cookie'), 'x');
      const server = createServer();
      await new Promise<void>((r) => server.listen(join(root, 'run/user/1000/pulse/native'), r));
      try {
        const r = gatherHostResources(alice, {}, root);
        assert.equal(r.pulseSocket, '/run/user/1000/pulse/native');
        assert.equal(r.pulseCookie, '/home/alice/.config/pulse/cookie');
        assert.equal(r.snd, undefined);
        assert.deepEqual(r.dri, []);
        assert.equal(gatherHostResources(alice, { PULSE_SERVER: 'unix:/nowhere' }, root).pulseSocket, '/run/user/1000/pulse/native');
        // a plain path is a PULSE_SERVER too (pulse-client.conf(5))
        assert.equal(gatherHostResources(alice, { PULSE_SERVER: '/run/user/1000/pulse/native' }, root).pulseSocket, '/run/user/1000/pulse/native');
        assert.equal(gatherHostResources(alice, { PULSE_SERVER: 'unix:/run/user/1000/pulse/native' }, root).pulseSocket, '/run/user/1000/pulse/native');
        assert.equal(r.cgroup, undefined);
        mkdirSync(join(root, 'sys/fs/cgroup'), { recursive: true });
        writeFileSync(join(root, 'sys/fs/cgroup/cgroup.controllers'), '');
        assert.equal(gatherHostResources(alice, {}, root).cgroup, 'v2');
        mkdirSync(join(root, 'sys/fs/cgroup/systemd'));
        writeFileSync(join(root, 'sys/fs/cgroup/systemd/cgroup.procs'), '');
        assert.equal(gatherHostResources(alice, {}, root).cgroup, 'v1');
      } finally {
        server.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('--runasroot', () => {
  test('is repeatable, in order; an empty command is refused', () => {
    assert.deepEqual(parseCommandLine(['--runasroot', 'a b', '--runasroot=c', 'img']).services.runAsRoot, ['a b', 'c']);
    assert.throws(() => parseCommandLine(['--runasroot', ' ', 'img']), /--runasroot needs a shell command/);
  });
});

describe('--runasuser', () => {
  test('repeatable, in order, before the command in the user launcher, as the user without capabilities; with --runasroot the root launcher hands over to it', () => {
    assert.deepEqual(parseCommandLine(['--runasuser', 'a b', '--runasuser=c', 'img']).services.runAsUser, ['a b', 'c']);
    assert.throws(() => parseCommandLine(['--runasuser=', 'img']), /--runasuser/);
    const a = args(['--runasuser', "echo 'one'", '--runasuser', 'false', 'img']);
    assert.ok(options(a).includes(`--entrypoint=${LAUNCH_USER}`));
    assert.ok(options(a).includes('--user=1000:1000'));
    assert.deepEqual(caps(a), []);
    assert.deepEqual(after(a), ['img', '/entry', 'xeyes', '-g', '1x1']);
    const launcher = plan(['--runasuser', "echo 'one'", '--runasuser', 'false', 'img']).container!.services.files.find((f) => f.path === LAUNCH_USER)!.content;
    const lines = launcher.split('\n');
    assert.ok(lines.findIndex((l) => l.startsWith("sh -c 'echo '")) < lines.findIndex((l) => l.startsWith('sh -c false')), launcher);
    assert.ok(lines.findIndex((l) => l.startsWith('sh -c false')) < lines.indexOf('exec "$@"'));
    assert.match(launcher, /--runasuser command failed with exit code/);
    const both = args(['--runasroot', 'id', '--runasuser', 'id', 'img']);
    assert.ok(options(both).includes(`--entrypoint=${LAUNCH_ROOT}`));
  });
});

describe('--sharecgroup', () => {
  test("the host's /sys/fs/cgroup read-only, with the warning; with --systemd a note and no second mount", () => {
    const a = args(['--sharecgroup', 'img']);
    assert.ok(a.includes('--mount=type=bind,source=/sys/fs/cgroup,target=/sys/fs/cgroup,readonly'), a.join(' '));
    assert.ok(plan(['--sharecgroup', 'img']).warnings.some((w) => w.startsWith('Option --sharecgroup: sharing /sys/fs/cgroup from the host (read-only)')));
    assert.ok(!args(['img']).some((x) => x.includes('/sys/fs/cgroup')));
    const sd = plan(['--sharecgroup', '--systemd', 'img'], { ...noResources, cgroup: 'v2' });
    assert.ok(sd.notes.some((n) => n.startsWith('Option --sharecgroup: --systemd already shares')));
    assert.ok(!args(['--sharecgroup', '--systemd', 'img'], { ...noResources, cgroup: 'v2' }).includes('--mount=type=bind,source=/sys/fs/cgroup,target=/sys/fs/cgroup,readonly'));
  });
});

describe("upstream's value forms: --dbus=system, --gpu=yes|no|iglx, --sudouser=nopasswd, --weston=x|X", () => {
  test('--dbus=system is --dbus-system; another value names the option', () => {
    const o = parseCommandLine(['--dbus=system', 'img']).services;
    assert.equal(o.dbusSystem, true);
    assert.equal(o.dbus, true);
    assert.equal(parseCommandLine(['--dbus', 'img']).services.dbusSystem, false);
    for (const v of ['yes', 'user', 'session']) {
      const u = parseCommandLine([`--dbus=${v}`, 'img']).services;
      assert.deepEqual([u.dbus, u.dbusSystem], [true, false], v);
    }
    const off = parseCommandLine(['--dbus=system', '--dbus=no', 'img']).services;
    assert.deepEqual([off.dbus, off.dbusSystem], [false, false], '--dbus=no: none, as upstream');
    assert.throws(() => parseCommandLine(['--dbus=both', 'img']), /^X11DockerError: Option --dbus takes no value, yes, user, session, system or no \(got 'both'\)/);
  });
  test('--gpu=no turns a --gpu before it off; =iglx is --gpu plus +iglx on --xorg only (a note elsewhere)', () => {
    assert.equal(parseCommandLine(['--gpu', '--gpu=no', 'img']).services.gpu, false);
    assert.equal(parseCommandLine(['-g', 'img']).services.gpu, true);
    assert.equal(parseCommandLine(['--gpu=yes', 'img']).services.gpu, true);
    assert.deepEqual([parseCommandLine(['--gpu=direct', 'img']).services.gpu, parseCommandLine(['--gpu=direct', 'img']).services.gpuIglx], [true, false], "upstream's =direct");
    const p = plan(['--xvfb', '--gpu=iglx', 'img']);
    assert.ok(p.warnings.some((w) => w.includes('palinopsia')), 'the --gpu warning');
    assert.ok(p.notes.some((n) => n.startsWith('Option --gpu=iglx: indirect rendering (+iglx) is for --xorg only')));
    assert.deepEqual(p.displaySettings.xopt, undefined);
    assert.throws(() => parseCommandLine(['--gpu=maybe', 'img']), /Option --gpu takes yes, no, direct or iglx/);
  });
  test('--sudouser=nopasswd: sudoers without a password, with a warning; another value names the option', () => {
    const p = plan(['--sudouser=nopasswd', 'img']);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --sudouser=nopasswd: sudo asks for no password')));
    const sudoers = userFiles(p, { passwd: '' }).find((f) => f.path === '/etc/sudoers')!.content!;
    assert.match(sudoers, /^alice ALL=\(ALL:ALL\) NOPASSWD: ALL$/m);
    assert.match(userFiles(plan(['--sudouser', 'img']), { passwd: '' }).find((f) => f.path === '/etc/sudoers')!.content!, /^alice ALL=\(ALL:ALL\) ALL$/m);
    assert.equal(parseCommandLine(['--sudouser=yes', 'img']).sudouser, true);
    assert.equal(parseCommandLine(['--sudouser=NoPasswd', 'img']).sudoNopasswd, true, 'any case, as upstream');
    assert.equal(parseCommandLine(['--sudouser', '--sudouser=no', 'img']).sudouser, false, '=no: off');
    assert.ok(!plan(['--sudouser=no', 'img']).warnings.some((w) => /sudo/.test(w)));
    assert.throws(() => parseCommandLine(['--sudouser=maybe', 'img']), /^X11DockerError: Option --sudouser takes no value, yes, nopasswd or no \(got 'maybe'\)/);
  });
  test("--weston=x is upstream's '--weston-xwayland --wayland', --weston=X also --desktop; another value names the option", () => {
    const x = parseCommandLine(['--weston=x', 'img']);
    assert.deepEqual([x.xserver, x.wayland, x.desktop], ['weston-xwayland', true, false]);
    const X = parseCommandLine(['--weston=X', 'img']);
    assert.deepEqual([X.xserver, X.wayland, X.desktop], ['weston-xwayland', true, true]);
    assert.equal(parseCommandLine(['--weston', 'img']).xserver, 'weston');
    assert.equal(parseCommandLine(['--weston', 'img']).wayland, false);
    // a later display option wins, as upstream's last X server option
    assert.equal(parseCommandLine(['--weston=x', '--xvfb', 'img']).xserver, 'xvfb');
    assert.throws(() => parseCommandLine(['--weston=y', 'img']), /^X11DockerError: Option --weston takes no value, x or X \(got 'y'\)/);
  });

});
