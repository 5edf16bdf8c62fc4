/**
 * End to end: init systems, dbus, devices, privileges, raw engine options and the podman backend
 * (issue 4, second half) with real images on a real Xvfb. Each test asserts the effect inside the
 * container (/proc/1/comm, CapEff/CapBnd, the IPC namespace, `pactl info`, `docker inspect`),
 * that the app still shows on the new display where a window is involved, and that nothing is
 * left afterwards. What a test starts (a PulseAudio daemon, a helper container) is stopped in
 * `finally`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chownSync, existsSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_IMAGE, TEST_USER, ensureEnded, leftovers, startSession, waitFor, waitForWindow, x11docker, type RunningSession } from './helpers.js';

const SERVICES = 'x11docker-test-services:latest';
const PODMAN_CONF = fileURLToPath(new URL('../../../test/podman/containers.conf', import.meta.url));
const PODMAN_ROOTLESS_STORAGE = fileURLToPath(new URL('../../../test/podman/storage-rootless.conf', import.meta.url));
const asTester = (args: string[], env?: Record<string, string>) => x11docker(['--xvfb', ...args], { asUser: TEST_USER, env });

/** Capability bit numbers (linux/capability.h). */
const CAP = { CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, KILL: 5, SETGID: 6, SETUID: 7, SETPCAP: 8, SYS_ADMIN: 21, SYS_BOOT: 22 } as const;
function hasCap(hex: string, bit: number): boolean {
  return ((BigInt(`0x${hex}`) >> BigInt(bit)) & 1n) === 1n;
}
function field(out: string, name: string): string {
  return new RegExp(`^${name}=(\\S*)`, 'm').exec(out)?.[1] ?? '';
}
const probe = 'echo "comm=$(cat /proc/1/comm)"; echo "uid=$(id -u)"; sed -n "s/^\\(Cap[A-Za-z]*\\):\\t*/\\1=/p" /proc/self/status';

async function nothingLeft(display?: number): Promise<void> {
  await waitFor('nothing left behind', async () => {
    const l = await leftovers(display);
    return l.containers.length + l.xservers.length + l.sockets.length === 0;
  }, 8000).catch(async (e: Error) => assert.fail(`${e.message}: ${JSON.stringify(await leftovers(display))}`));
}

/** Runs xeyes titled with PID 1's name and the user's CapEff; waits for that window, ends the session with SIGTERM. */
async function windowWithInit(args: string[], expectComm: string): Promise<void> {
  let s: RunningSession | undefined;
  try {
    s = await startSession(['--xvfb', ...args, SERVICES, 'sh', '-c', 'exec xeyes -title "pid1=$(cat /proc/1/comm) cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status)"'], { asUser: TEST_USER });
    await waitForWindow(s, `pid1=${expectComm} cap=0000000000000000`, 40000);
    s.child.kill('SIGTERM');
    const r = await s.child;
    assert.notEqual(r.exitCode, 64, String(r.stderr));
    await nothingLeft(s.display);
  } finally {
    await ensureEnded(s?.child);
  }
}

describe('init systems', () => {
  it('default: tini (docker-init) is PID 1, the user has no capabilities', async () => {
    const r = await asTester([SERVICES, 'sh', '-c', probe]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(field(r.stdout, 'comm'), 'docker-init');
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    assert.equal(field(r.stdout, 'CapBnd'), '0000000000000000');
  });
  it('--no-init: the command itself is PID 1, with a note', async () => {
    const r = await asTester(['--no-init', SERVICES, 'sh', '-c', probe]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(field(r.stdout, 'comm'), 'sh');
    assert.match(r.stderr, /--no-init/);
  });
  it('--runit: runit is PID 1 with only its capabilities, the command runs as the user without any, exit code kept', async () => {
    const r = await asTester(['--runit', SERVICES, 'sh', '-c', `${probe}; exit 5`]);
    assert.equal(r.exitCode, 5, r.stderr);
    assert.equal(field(r.stdout, 'comm'), 'runit');
    assert.equal(field(r.stdout, 'uid'), String((await execa('id', ['-u', TEST_USER])).stdout));
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    const bnd = field(r.stdout, 'CapBnd');
    for (const c of ['SETUID', 'SETGID', 'KILL', 'SYS_BOOT'] as const) assert.ok(hasCap(bnd, CAP[c]), `${c} in ${bnd}`);
    assert.ok(!hasCap(bnd, CAP.SYS_ADMIN), bnd);
    assert.match(r.stderr, /WARNING: Option --runit/);
    await nothingLeft();
  });
  it('issue 12: a hostile init that makes the exit code file a symlink to /dev/zero does not crash or hang x11docker', async () => {
    const r = await x11docker(['--xvfb', '--runit', '--user=root', SERVICES, 'sh', '-c', 'ln -sf /dev/zero /x11docker/exit/code; exit 5'], { timeoutMs: 60_000 });
    assert.equal(r.timedOut, false, 'x11docker ended by itself');
    assert.notEqual(r.exitCode, 134, `x11docker aborted: ${r.stderr.slice(-400)}`);
    assert.notEqual(r.exitCode, 5, 'the exit code came through the symlink');
    assert.doesNotMatch(r.stderr, /bad_alloc|heap out of memory/);
    await nothingLeft();
  });
  it('--runit: the app shows on the new display; SIGTERM ends everything', async () => {
    await windowWithInit(['--runit'], 'runit');
  });
  it('--sysvinit: init is PID 1, the app shows on the new display (title carries PID 1 and CapEff); exit code kept', async () => {
    await windowWithInit(['--sysvinit'], 'init');
    const r = await asTester(['--sysvinit', SERVICES, 'sh', '-c', 'exit 7']);
    assert.equal(r.exitCode, 7, r.stderr);
    assert.match(r.stderr, /WARNING: Option --sysvinit/);
    await nothingLeft();
  });
  it('--systemd: systemd is PID 1, the app shows on the new display as the user without capabilities; SIGTERM shuts down, no container or cgroup left', async () => {
    let s: RunningSession | undefined;
    try {
      const name = `x11d-svc-systemd-${process.pid}`;
      s = await startSession(['--xvfb', '--systemd', `--name=${name}`, SERVICES, 'sh', '-c', 'exec xeyes -title "pid1=$(cat /proc/1/comm) cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status) uid=$(id -u)"'], { asUser: TEST_USER });
      const uid = (await execa('id', ['-u', TEST_USER])).stdout.trim();
      await waitForWindow(s, `pid1=systemd cap=0000000000000000 uid=${uid}`, 40000);
      const id = (await execa('docker', ['inspect', '--format={{.Id}}', name])).stdout.trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const cgroup = `/sys/fs/cgroup/systemd/docker/${id}`;
      assert.ok(existsSync(`${cgroup}/init.scope`), 'systemd made its cgroups in the shared hierarchy');
      s.child.kill('SIGTERM');
      const r = await s.child;
      assert.notEqual(r.exitCode, 64, String(r.stderr));
      assert.match(String(r.stderr), /WARNING: Option --systemd shares the host cgroup/);
      await nothingLeft(s.display);
      await waitFor('the container cgroup removed', async () => !existsSync(cgroup), 8000);
    } finally {
      await ensureEnded(s?.child);
    }
  });
  it('--systemd: the command gets the container environment, its stdout and stderr, and its exit code', async () => {
    const r = await asTester(['--systemd', '--env', 'X11D_TEST=a b=$c', SERVICES, 'sh', '-c', `${probe}; echo "display=$DISPLAY"; echo "env=$X11D_TEST"; echo to-stderr >&2; exit 5`]);
    assert.equal(r.exitCode, 5, r.stderr);
    assert.equal(field(r.stdout, 'comm'), 'systemd');
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    assert.match(r.stdout, /^display=:\d+$/m);
    assert.match(r.stdout, /^env=a b=\$c$/m);
    assert.match(r.stderr, /^to-stderr$/m);
    await nothingLeft();
  });
  it('--openrc: openrc-init is PID 1, the app shows on the new display (title carries PID 1 and CapEff); exit code and environment kept', async () => {
    await windowWithInit(['--openrc'], 'openrc-init');
    const r = await asTester(['--openrc', '--env', 'X11D_TEST=a b', SERVICES, 'sh', '-c', `${probe}; echo "env=$X11D_TEST"; exit 6`]);
    assert.equal(r.exitCode, 6, r.stderr);
    assert.equal(field(r.stdout, 'comm'), 'openrc-init');
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    assert.match(r.stdout, /^env=a b$/m);
    assert.match(r.stderr, /WARNING: Option --openrc/);
    await nothingLeft();
  });

  it('under runit and systemd the command starts in --workdir (and the image WORKDIR by default), as without an init system', async () => {
    for (const init of ['--runit', '--systemd']) {
      const r = await asTester([init, '--workdir=/var', SERVICES, 'pwd']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').at(-1), '/var', `${init}: ${r.stdout}`);
    }
  });
});

describe('dbus', () => {
  it('--dbus: the command has a working dbus session bus', async () => {
    const r = await asTester(['--dbus', SERVICES, 'sh', '-c', 'echo "bus=$DBUS_SESSION_BUS_ADDRESS"; dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(field(r.stdout, 'bus'), /^unix:/);
    assert.match(r.stdout, /string "[0-9a-f]{32}"/);
  });
  it('--dbus-system: the system bus answers, the user still has no capabilities', async () => {
    const r = await asTester(['--dbus-system', SERVICES, 'sh', '-c', `${probe}; dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames && echo system=ok; test -n "$DBUS_SESSION_BUS_ADDRESS" && echo session=ok`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /system=ok/);
    assert.match(r.stdout, /session=ok/);
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    assert.match(r.stderr, /WARNING: Option --dbus-system/);
  });
});

describe('--runasroot', () => {
  it('runs each command as root before the image command, which still runs as the user without capabilities; a failing one is a note', async () => {
    const r = await asTester(['--runasroot', 'id -u > /etc/x11docker-root-ran', '--runasroot', 'exit 3', DEMO_IMAGE, 'sh', '-c', `cat /etc/x11docker-root-ran; ${probe}`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], '0', 'the root command ran first, as root');
    assert.equal(field(r.stdout, 'uid'), String((await execa('id', ['-u', TEST_USER])).stdout.trim()));
    assert.equal(field(r.stdout, 'CapEff'), '0000000000000000');
    assert.match(r.stderr, /WARNING: Option --runasroot: the commands run as root/);
    assert.match(r.stderr, /--runasroot command failed with exit code 3: exit 3/);
    await nothingLeft();
  });

  it('on an image with only busybox setpriv (no --reuid) it is a one-line error before any root command runs', async () => {
    const r = await asTester(['--runasroot', 'echo ran-as-root', 'x11docker-test-busybox-x11:latest', 'true']);
    assert.equal(r.exitCode, 64, r.stderr);
    assert.match(r.stderr, /^x11docker error: the image has no setpriv of util-linux/m);
    assert.doesNotMatch(r.stdout + r.stderr, /ran-as-root|Usage: setpriv/);
    await nothingLeft();
  });
});

describe('privileges and host resources', () => {
  it('--sys-admin adds SYS_ADMIN to the bounding set; --cap-default keeps the engine defaults; warnings', async () => {
    const a = await asTester(['--sys-admin', DEMO_IMAGE, 'sh', '-c', probe]);
    assert.equal(a.exitCode, 0, a.stderr);
    assert.ok(hasCap(field(a.stdout, 'CapBnd'), CAP.SYS_ADMIN));
    assert.match(a.stderr, /WARNING: Option --sys-admin/);
    const d = await asTester(['--cap-default', DEMO_IMAGE, 'sh', '-c', probe]);
    assert.equal(d.exitCode, 0, d.stderr);
    const bnd = field(d.stdout, 'CapBnd');
    for (const c of ['CHOWN', 'KILL', 'SETUID', 'SETGID'] as const) assert.ok(hasCap(bnd, CAP[c]), `${c} in ${bnd}`);
    assert.ok(!hasCap(bnd, CAP.SYS_ADMIN));
    assert.match(d.stderr, /WARNING: Option --cap-default/);
  });
  it('--hostipc: the container is in the host IPC namespace (and not without it)', async () => {
    const host = readlinkSync('/proc/self/ns/ipc'); // the test runs in the host IPC namespace, as dockerd
    const r = await asTester(['--hostipc', DEMO_IMAGE, 'readlink', '/proc/self/ns/ipc']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), host);
    assert.match(r.stderr, /WARNING: Option --hostipc/);
    const n = await asTester([DEMO_IMAGE, 'readlink', '/proc/self/ns/ipc']);
    assert.notEqual(n.stdout.trim(), host);
  });
  it('--alsa and --gpu: devices in docker inspect only where the host has them, else a note; warnings only for what is shared (--gpu always, as upstream)', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', '--alsa=Generic', '--gpu', DEMO_IMAGE, 'xeyes']);
      await waitForWindow(s, 'xeyes');
      const id = (await execa('docker', ['ps', '-q', '--filter', `label=x11docker.pid=${s.child.pid}`])).stdout.trim();
      const inspect = JSON.parse((await execa('docker', ['inspect', id])).stdout)[0];
      const devices = (inspect.HostConfig.Devices ?? []).map((d: { PathOnHost: string }) => d.PathOnHost);
      const hostHas = async (p: string) => (await execa('test', ['-e', p], { reject: false })).exitCode === 0;
      assert.equal(devices.includes('/dev/snd'), await hostHas('/dev/snd'));
      assert.equal(devices.some((d: string) => d.startsWith('/dev/dri/')), await hostHas('/dev/dri'));
      assert.ok(inspect.Config.Env.includes('ALSA_CARD=Generic'));
      s.child.kill('SIGTERM');
      const r = await s.child;
      // --alsa without a sound card shares nothing: the note only, no warning (as --printer, --webcam)
      if (await hostHas('/dev/snd')) assert.match(String(r.stderr), /WARNING: Option --alsa/);
      else {
        assert.match(String(r.stderr), /no \/dev\/snd/);
        assert.doesNotMatch(String(r.stderr), /WARNING: Option --alsa/);
      }
      if (!(await hostHas('/dev/dri'))) assert.match(String(r.stderr), /no \/dev\/dri/);
      assert.match(String(r.stderr), /WARNING: Option --gpu/);
      await nothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });
  it("--pipewire: the test user's PipeWire socket is at /x11docker/pipewire/pipewire-0 (PIPEWIRE_REMOTE), owned by that user, and accepts a connection from the container", async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'x11d-pw-'));
    const uid = Number((await execa('id', ['-u', TEST_USER])).stdout.trim());
    chownSync(runtime, uid, Number((await execa('id', ['-g', TEST_USER])).stdout.trim()));
    // a real PipeWire daemon of the test user (no session manager, no dbus: it still serves its socket)
    const daemon = execa('su', [TEST_USER, '-s', '/bin/sh', '-c', `XDG_RUNTIME_DIR=${runtime} exec pipewire`], { reject: false });
    try {
      await waitFor('pipewire socket', async () => (await execa('test', ['-S', join(runtime, 'pipewire-0')], { reject: false })).exitCode === 0, 20000);
      // perl (perl-base, in every Debian image) connects to the socket as a PipeWire client would
      const check = 'echo "remote=$PIPEWIRE_REMOTE"; stat -c "owner=%u type=%F" "$PIPEWIRE_REMOTE"; perl -MIO::Socket::UNIX -e \'IO::Socket::UNIX->new(Peer => $ENV{PIPEWIRE_REMOTE}) or die "connect: $!\\n"; print "connected\\n"\'';
      const r = await asTester(['--pipewire', DEMO_IMAGE, 'sh', '-c', check], { XDG_RUNTIME_DIR: runtime });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^remote=\/x11docker\/pipewire\/pipewire-0$/m);
      assert.match(r.stdout, new RegExp(`^owner=${uid} type=socket$`, 'm'));
      assert.match(r.stdout, /^connected$/m);
      assert.match(r.stderr, /WARNING: Option --pipewire allows container applications to catch your audio output and microphone input\./);
      // no pipewire-pulse here: a note, and no PULSE_SERVER
      assert.match(r.stderr, /Option --pipewire: no PulseAudio socket of pipewire-pulse/);
      const without = await asTester([DEMO_IMAGE, 'sh', '-c', 'echo "remote=${PIPEWIRE_REMOTE:-}"; ls /x11docker/pipewire 2>&1 || true'], { XDG_RUNTIME_DIR: runtime });
      assert.match(without.stdout, /^remote=$/m, 'without --pipewire nothing of PipeWire is shared');
      await nothingLeft();
    } finally {
      daemon.kill('SIGTERM');
      await daemon;
      rmSync(runtime, { recursive: true, force: true });
    }
  });
  it('--pulseaudio: pactl inside reaches a host PulseAudio daemon (null sink) through the shared socket and cookie', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'x11d-pulse-'));
    const tester = (await execa('id', ['-u', TEST_USER])).stdout.trim();
    chownSync(runtime, Number(tester), Number((await execa('id', ['-g', TEST_USER])).stdout.trim()));
    const daemon = execa('su', [TEST_USER, '-s', '/bin/sh', '-c', `XDG_RUNTIME_DIR=${runtime} exec pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit -L module-native-protocol-unix -L "module-null-sink sink_name=x11dnull"`], { reject: false });
    try {
      await waitFor('pulseaudio socket', async () => (await execa('test', ['-S', join(runtime, 'pulse/native')], { reject: false })).exitCode === 0, 20000);
      const r = await asTester(['--pulseaudio', SERVICES, 'pactl', 'info'], { XDG_RUNTIME_DIR: runtime });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /Server Name: pulseaudio/);
      assert.match(r.stdout, /Default Sink: x11dnull/);
      assert.match(r.stderr, /WARNING: Option --pulseaudio/);
      // upstream's host mode: the same daemon through /tmp/pulseaudio.socket.host (read-only bind mount)
      const host = await asTester(['--pulseaudio=host', SERVICES, 'sh', '-c', 'echo "server=$PULSE_SERVER"; grep " /tmp/pulseaudio.socket.host " /proc/self/mountinfo | grep -c " ro,"; pactl info'], { XDG_RUNTIME_DIR: runtime });
      assert.equal(host.exitCode, 0, host.stderr);
      assert.match(host.stdout, /^server=unix:\/tmp\/pulseaudio\.socket\.host\n1\n/);
      assert.match(host.stdout, /Default Sink: x11dnull/);
      const none = await asTester([SERVICES, 'pactl', 'info'], { XDG_RUNTIME_DIR: runtime });
      assert.notEqual(none.exitCode, 0, 'without --pulseaudio the container must not reach the daemon');
      await nothingLeft();
    } finally {
      daemon.kill('SIGTERM');
      await daemon;
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe('--pulseaudio=tcp', () => {
  it('loads module-native-protocol-tcp into the host PulseAudio, pactl inside reaches it over TCP with the cookie, the module is gone afterwards', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'x11d-pulsetcp-'));
    const tester = (await execa('id', ['-u', TEST_USER])).stdout.trim();
    chownSync(runtime, Number(tester), Number((await execa('id', ['-g', TEST_USER])).stdout.trim()));
    const daemon = execa('su', [TEST_USER, '-s', '/bin/sh', '-c', `XDG_RUNTIME_DIR=${runtime} exec pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit -L module-native-protocol-unix -L "module-null-sink sink_name=x11dtcp"`], { reject: false });
    const modules = async () => (await execa('su', [TEST_USER, '-s', '/bin/sh', '-c', `XDG_RUNTIME_DIR=${runtime} pactl list short modules`], { reject: false })).stdout;
    try {
      await waitFor('pulseaudio socket', async () => (await execa('test', ['-S', join(runtime, 'pulse/native')], { reject: false })).exitCode === 0, 20000);
      const r = await asTester(['--pulseaudio=tcp', '--network', SERVICES, 'sh', '-c', 'echo "server=$PULSE_SERVER"; pactl info'], { XDG_RUNTIME_DIR: runtime });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^server=tcp:host\.docker\.internal:\d+$/m);
      assert.match(r.stdout, /Server String: tcp:host\.docker\.internal:\d+/);
      assert.match(r.stdout, /Default Sink: x11dtcp/);
      assert.match(r.stderr, /WARNING: Option --pulseaudio/);
      assert.doesNotMatch(await modules(), /module-native-protocol-tcp/, 'the module must be unloaded at the end');
      // without a network: upstream's note, and no sound
      const none = await asTester(['--pulseaudio=tcp', SERVICES, 'sh', '-c', 'echo "server=$PULSE_SERVER"'], { XDG_RUNTIME_DIR: runtime });
      assert.equal(none.exitCode, 0, none.stderr);
      assert.match(none.stderr, /Option --pulseaudio=tcp has no effect without network access/);
      assert.match(none.stdout, /^server=$/m);
      assert.doesNotMatch(await modules(), /module-native-protocol-tcp/);
      await nothingLeft();
      // x11docker killed with SIGKILL: the session's watcher (x11docker --cleanup) unloads the module
      let s: RunningSession | undefined;
      try {
        s = await startSession(['--xvfb', '--pulseaudio=tcp', '--network', SERVICES, 'sleep', '120'], { asUser: TEST_USER, env: { XDG_RUNTIME_DIR: runtime } });
        await waitFor('the TCP module', async () => /module-native-protocol-tcp/.test(await modules()), 20000);
        const node = Number((await execa('pgrep', ['-P', String(s.child.pid)])).stdout.trim().split('\n')[0]);
        assert.ok(node > 0, 'x11docker under su');
        process.kill(node, 'SIGKILL');
        await s.child;
        await waitFor('the watcher to unload the module', async () => !/module-native-protocol-tcp/.test(await modules()), 30000);
        await nothingLeft(s.display);
      } finally {
        await ensureEnded(s?.child);
      }
    } finally {
      daemon.kill('SIGTERM');
      await daemon;
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe('--sharessh', () => {
  it("the container lists the keys of the host user's SSH agent through the shared socket, with a warning; without an agent it is a one-line error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-e2e-ssh-'));
    const uid = Number((await execa('id', ['-u', TEST_USER])).stdout.trim());
    chownSync(dir, uid, uid);
    const sock = join(dir, 'agent.sock');
    const asUser = (cmd: string) => execa('su', [TEST_USER, '-s', '/bin/sh', '-c', cmd], { reject: false });
    const agent = await asUser(`ssh-agent -a ${sock} && ssh-keygen -q -t ed25519 -N '' -C x11docker-e2e-key -f ${dir}/key && SSH_AUTH_SOCK=${sock} ssh-add ${dir}/key`);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      assert.equal(agent.exitCode, 0, agent.stderr);
      const r = await asTester(['--sharessh', 'x11docker-test-sshclient:latest', 'ssh-add', '-l'], { SSH_AUTH_SOCK: sock });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /x11docker-e2e-key \(ED25519\)/);
      assert.match(r.stderr, /--sharessh: the container can use your SSH keys/);
      const none = await asTester(['--sharessh', 'x11docker-test-sshclient:latest', 'true']);
      assert.equal(none.exitCode, 64, none.stderr);
      assert.match(none.stderr, /^x11docker error: Option --sharessh: no SSH agent socket/m);
      await nothingLeft();
    } finally {
      if (pid) process.kill(Number(pid), 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--limit and --runtime', () => {
  it('--limit=0.5: the cgroup limits half the CPUs and at most half the RAM free at start; --runtime=runc runs, an unknown runtime is the engine\'s one-line error', async () => {
    const r = await asTester(['--limit=0.5', DEMO_IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us']);
    assert.equal(r.exitCode, 0, r.stderr);
    const [memory, quota, period] = r.stdout.trim().split('\n').map(Number) as [number, number, number];
    assert.equal(quota / period, availableParallelism() * 0.5);
    assert.ok(memory > 0 && memory <= totalmem() * 0.5, `memory limit ${memory}`);
    assert.match(r.stderr, /--limit=0.5: the container may use/);
    assert.equal((await asTester(['--runtime=runc', DEMO_IMAGE, 'true'])).exitCode, 0);
    const bad = await asTester(['--runtime=nosuchruntime', DEMO_IMAGE, 'true']);
    assert.equal(bad.exitCode, 64, bad.stderr);
    assert.match(bad.stderr, /Unknown runtime specified nosuchruntime/);
    await nothingLeft();
  });
});

describe('raw docker run options after --', () => {
  it('-- --network=container:NAME starts (replaces our --network=none)', async () => {
    const name = `x11d-svc-net-${process.pid}`;
    await execa('docker', ['run', '-d', '--rm', '--name', name, '--network=none', DEMO_IMAGE, 'sleep', '120']);
    try {
      const r = await asTester(['--', `--network=container:${name}`, '--', DEMO_IMAGE, 'sh', '-c', 'echo started']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /started/);
      await nothingLeft();
    } finally {
      await execa('docker', ['rm', '-f', name], { reject: false });
    }
  });
});

describe('backend podman (rootful)', () => {
  it('--backend=podman: a container that cannot start (missing command) is an x11docker error, exit 64, and nothing is left', async () => {
    const name = `x11d-svc-pmfail-${process.pid}`;
    const env = { CONTAINERS_CONF: PODMAN_CONF };
    try {
      const r = await x11docker(['--xvfb', '--backend=podman', '--no-init', `--name=${name}`, DEMO_IMAGE, '/nonexistent-command'], { env });
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, /podman could not start the container/);
      assert.match(r.stderr, /nonexistent-command/); // podman's own message stays visible above ours
      const ps = await execa('podman', ['ps', '-a', '-q', '--filter', `name=^${name}$`], { env: { ...process.env, ...env } });
      assert.equal(ps.stdout.trim(), '');
      await nothingLeft();
    } finally {
      await execa('podman', ['rm', '-f', name], { reject: false, env: { ...process.env, ...env } });
    }
  });
  it('--backend=podman: the demo image runs hardened, the window shows, nothing is left in podman', async () => {
    let s: RunningSession | undefined;
    const env = { CONTAINERS_CONF: PODMAN_CONF };
    try {
      s = await startSession(['-v', '--xvfb', '--backend=podman', '--user=1234', DEMO_IMAGE, 'sh', '-c', 'exec xeyes -title "pid1=$(cat /proc/1/comm) cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status) uid=$(id -u)"'], { env });
      await waitForWindow(s, 'pid1=podman-init cap=0000000000000000 uid=1234', 40000);
      // scripts/setup-podman.sh starts podman's API service: x11docker talks to it (rootless podman below keeps the CLI)
      if (existsSync('/run/podman/podman.sock')) assert.match(s.stderr(), /engine: podman API at unix:\/\/\/run\/podman\/podman\.sock/);
      else assert.match(s.stderr(), /engine: podman CLI/);
      s.child.kill('SIGTERM');
      await s.child;
      await waitFor('podman containers gone', async () => {
        const ps = await execa('podman', ['ps', '-a', '-q', '--filter', `label=x11docker.pid=${s!.child.pid}`], { env: { ...process.env, ...env } });
        return ps.stdout.trim() === '';
      }, 10000);
      await nothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });
});

describe('backend podman (rootless, as the unprivileged test user)', () => {
  it('--backend=podman as x11tester: the container user is the host user (--userns=keep-id), reaches the X server with the cookie, no capabilities; SIGTERM leaves nothing', async () => {
    let s: RunningSession | undefined;
    const env = { CONTAINERS_CONF: PODMAN_CONF, CONTAINERS_STORAGE_CONF: PODMAN_ROOTLESS_STORAGE };
    const uid = (await execa('id', ['-u', TEST_USER])).stdout.trim();
    const podmanAsTester = (args: string[]) =>
      execa('su', [TEST_USER, '-s', '/bin/sh', '-c', 'cd && s="$1" && shift && exec env CONTAINERS_CONF="$0" CONTAINERS_STORAGE_CONF="$s" podman "$@"', '--', PODMAN_CONF, PODMAN_ROOTLESS_STORAGE, ...args], { reject: false });
    try {
      s = await startSession(['--xvfb', '--backend=podman', DEMO_IMAGE, 'sh', '-c', `xdpyinfo >/dev/null && exec xeyes -title "rootless${process.pid} uid=$(id -u) cap=$(sed -n "s/^CapEff:\\t*//p" /proc/self/status)"`], { asUser: TEST_USER, env });
      await waitForWindow(s, `rootless${process.pid} uid=${uid} cap=0000000000000000`, 40000);
      // on the host, the app runs as the test user itself (keep-id), not as a subordinate id
      const ps = (await execa('ps', ['-eo', 'uid=,args='])).stdout.split('\n').filter((l) => /^\s*\d+ xeyes -title /.test(l) && l.includes(`rootless${process.pid} uid=${uid} cap=`));
      assert.deepEqual(ps.map((l) => l.trim().split(/\s+/)[0]), [uid], ps.join('\n'));
      const running = await podmanAsTester(['ps', '-q', '--filter', `label=x11docker.session`]);
      assert.notEqual(running.stdout.trim(), '', `the container runs in the test user's rootless podman: ${running.stderr}`);
      s.child.kill('SIGTERM');
      await s.child;
      await waitFor('rootless podman containers gone', async () => (await podmanAsTester(['ps', '-a', '-q', '--filter', 'label=x11docker.session'])).stdout.trim() === '', 10000);
      await nothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });
});

describe('docker daemon with userns-remap (a second daemon started by scripts/setup-userns.sh)', () => {
  const env = { DOCKER_HOST: 'unix:///run/x11docker-test-userns/docker.sock' };
  const remapped = (args: string[]) => execa('docker', args, { env, reject: false });

  it('the container user, a remapped uid on the host, reaches the X server with the cookie; SIGTERM leaves nothing in that daemon', async () => {
    let s: RunningSession | undefined;
    const uid = (await execa('id', ['-u', TEST_USER])).stdout.trim();
    const title = `remapped${process.pid}`;
    try {
      s = await startSession(['--xvfb', DEMO_IMAGE, 'sh', '-c', `touch "$HOME/f" && xdpyinfo >/dev/null && exec xeyes -title "${title} uid=$(id -u)"`], { asUser: TEST_USER, env });
      await waitForWindow(s, `${title} uid=${uid}`, 40000);
      // on the host the app runs as a subordinate uid of the daemon's remap user, not as the test user
      const ps = (await execa('ps', ['-eo', 'uid=,args='])).stdout.split('\n').filter((l) => l.includes(`xeyes -title ${title}`));
      assert.equal(ps.length, 1, ps.join('\n'));
      assert.notEqual(ps[0]!.trim().split(/\s+/)[0], uid, 'remapped on the host');
      s.child.kill('SIGTERM'); // (to su, which passes it on)
      assert.notEqual((await s.child).exitCode, 64);
      await waitFor('containers gone from the userns-remap daemon', async () => (await remapped(['ps', '-aq', '--filter', 'label=x11docker.session'])).stdout.trim() === '', 10000);
      await nothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('--homedir turns remapping off for the session (--userns=host, as upstream): files keep the host user; a --sharedir alone gets a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-e2e-remap-'));
    const uid = Number((await execa('id', ['-u', TEST_USER])).stdout.trim());
    chownSync(dir, uid, uid);
    try {
      const r = await asTester(['--homedir', dir, DEMO_IMAGE, 'sh', '-c', 'touch "$HOME/made" && xdpyinfo >/dev/null && echo ok'], env);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'ok');
      assert.equal(statSync(join(dir, 'made')).uid, uid, 'owned by the host user');
      const shared = await asTester(['--sharedir', dir, DEMO_IMAGE, 'true'], env);
      assert.equal(shared.exitCode, 0, shared.stderr);
      assert.match(shared.stderr, /remaps user namespaces \(userns-remap\).*--userns=host/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
