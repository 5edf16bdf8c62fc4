// The API engine's reading of the plan (src/run/create-body.ts: `create` arguments -> the body of
// POST /containers/create, as the docker CLI builds it) and where the API socket is
// (src/run/engine-endpoint.ts: DOCKER_HOST, the docker context, podman's service socket).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession } from '../../src/plan/plan.js';
import { probeCreateArgs } from '../../src/plan/rootfs.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import type { ImageConfig } from '../../src/plan/image.js';
import { createBody, ramInBytes, type CreateBody } from '../../src/run/create-body.js';
import { findEndpoint, parseHost } from '../../src/run/engine-endpoint.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const host: HostFacts = {
  processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
  binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker']), sessionId: 'abc123def456', pid: 4242,
  pathKinds: new Map(), lang: 'en_GB.UTF-8',
};
const config: ImageConfig = { id: 'sha256:0123', user: 'app', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };

function bodyOf(argv: string[]): { name?: string; body: CreateBody } {
  const args = containerCreateArgs(planSession(parseCommandLine(argv), host, config), { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
  const r = createBody(args, {});
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r;
}

describe('create arguments -> API body (create-body.ts)', () => {
  test("x11docker's hardening reaches the body: init, no capabilities, no-new-privileges, no network, the user, labels, only the socket and cookie", () => {
    const { name, body } = bodyOf(['--xvfb', 'img', 'xeyes', '-g', '10x10']);
    assert.match(name ?? '', /^x11docker_X101_img_abc123def456$/);
    assert.equal(body.Image, 'img');
    assert.deepEqual(body.Cmd, ['xeyes', '-g', '10x10']);
    assert.equal(body.HostConfig.Init, true);
    assert.deepEqual(body.HostConfig.CapDrop, ['ALL']);
    assert.deepEqual(body.HostConfig.CapAdd, []);
    assert.ok(body.HostConfig.SecurityOpt.includes('no-new-privileges'));
    assert.equal(body.HostConfig.NetworkMode, 'none');
    assert.equal(body.User, '1000:1000');
    assert.equal(body.Labels['x11docker.session'], 'abc123def456');
    assert.equal(body.Labels['x11docker.pid'], '4242');
    assert.ok(body.Env.includes('DISPLAY=:101'));
    assert.ok(body.HostConfig.Mounts.some((m) => m.Type === 'bind' && m.Source === '/tmp/.X11-unix/X101' && m.Target === '/tmp/.X11-unix/X101' && m.ReadOnly === true));
    assert.ok(body.HostConfig.Mounts.some((m) => m.Source === '/c/cookie' && m.ReadOnly === true));
    assert.equal(body.OpenStdin, false);
    assert.equal(body.Tty, false);
  });

  test('raw options after -- are read as the docker CLI reads them', () => {
    const { body } = bodyOf([
      '--xvfb', '--', '-v', '/srv/a:/a:ro', '-v', '/anon', '--tmpfs', '/scratch:size=64m', '--memory=1.5g', '--cpus', '0.5',
      '--device', '/dev/dri:/dev/dri:rw', '--ulimit', 'nofile=512:1024', '--sysctl', 'net.ipv4.ip_forward=0',
      '--add-host', 'db=10.0.0.2', '-e', 'FOO=bar', '-e', 'FROM_HOST', '--entrypoint=', '--shm-size=64m',
      '--mount', 'type=volume,source=data,target=/data,volume-nocopy', '--', 'img',
    ]);
    assert.ok(body.HostConfig.Binds.includes('/srv/a:/a:ro'));
    assert.deepEqual(body.Volumes, { '/anon': {} });
    assert.deepEqual(body.HostConfig.Tmpfs, { '/scratch': 'size=64m' });
    assert.equal(body.HostConfig.Memory, Math.floor(1.5 * 1024 ** 3));
    assert.equal(body.HostConfig.NanoCpus, 5e8);
    assert.deepEqual(body.HostConfig.Devices, [{ PathOnHost: '/dev/dri', PathInContainer: '/dev/dri', CgroupPermissions: 'rw' }]);
    assert.deepEqual(body.HostConfig.Ulimits, [{ Name: 'nofile', Soft: 512, Hard: 1024 }]);
    assert.deepEqual(body.HostConfig.Sysctls, { 'net.ipv4.ip_forward': '0' });
    assert.deepEqual(body.HostConfig.ExtraHosts, ['db:10.0.0.2']);
    assert.ok(body.Env.includes('FOO=bar'));
    assert.ok(!body.Env.some((e) => e.startsWith('FROM_HOST')), 'a bare NAME that the caller does not have is left out, as by the CLI');
    assert.deepEqual(body.Entrypoint, ['']);
    assert.equal(body.HostConfig.ShmSize, 64 * 1024 ** 2);
    assert.deepEqual(body.HostConfig.Mounts.find((m) => m.Target === '/data'), { Type: 'volume', Source: 'data', Target: '/data', VolumeOptions: { NoCopy: true } });
  });

  test("x11docker's own variables come after the raw -e, so they win (the daemon keeps the last of a name)", () => {
    const { body } = bodyOf(['--xvfb', '--', '-e', 'DISPLAY=:7', '--', 'img']);
    const displays = body.Env.filter((e) => e.startsWith('DISPLAY='));
    assert.equal(displays.at(-1), 'DISPLAY=:101');
  });

  test('a bare -e NAME takes the value of the given environment', () => {
    const r = createBody(['create', '-e', 'A', '--', 'img'], { A: 'from-x11docker' });
    assert.ok(r.ok && r.body.Env.includes('A=from-x11docker'));
  });

  test('what has no plain API form is named, so the CLI creates that container', () => {
    for (const [raw, named] of [
      [['--env-file', '/x.env'], /--env-file/],
      [['--gpus', 'all'], /--gpus/],
      [['-p', '8080:80'], /-p 8080:80/],
      [['--security-opt', 'seccomp=/p.json'], /seccomp/],
      [['--mount', 'type=tmpfs,destination=/t,chown=true'], /--mount key chown/],
      [['--platform', 'linux/arm64'], /--platform/],
    ] as const) {
      const r = createBody(['create', ...raw, '--', 'img']);
      assert.equal(r.ok, false, raw.join(' '));
      assert.match(r.ok ? '' : r.reason, named);
    }
  });

  test('the probe container (--read-only user database) translates too', () => {
    const r = createBody(probeCreateArgs(planSession(parseCommandLine(['--xvfb', '--', '--read-only', '--', 'img']), host, config)));
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.body.Entrypoint, ['/x11docker-probe']);
  });

  test('docker memory units (go-units RAMInBytes)', () => {
    assert.equal(ramInBytes('512'), 512);
    assert.equal(ramInBytes('64m'), 64 * 1024 * 1024);
    assert.equal(ramInBytes('2GiB'), 2 * 1024 ** 3);
    assert.equal(ramInBytes('12345678b'), 12345678);
    assert.equal(ramInBytes('lots'), undefined);
  });
});

describe('where the API socket is (engine-endpoint.ts)', () => {
  test('DOCKER_HOST: unix, tcp (TLS with DOCKER_TLS_VERIFY or port 2376), ssh; other schemes are left to the CLI', () => {
    assert.deepEqual(findEndpoint('docker', { DOCKER_HOST: 'unix:///run/user/1001/docker.sock' }), { kind: 'unix', socketPath: '/run/user/1001/docker.sock' });
    assert.deepEqual(parseHost('tcp://10.0.0.5:2375', {}), { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false });
    assert.deepEqual(parseHost('10.0.0.5', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }), { kind: 'tcp', host: '10.0.0.5', port: 2376, tls: true, certPath: '/certs' });
    assert.deepEqual(parseHost('ssh://me@build:2222', {}), { kind: 'ssh', host: 'build', port: 2222, username: 'me' });
    assert.equal(parseHost('fd://', {}).kind, 'none');
    assert.equal(findEndpoint('docker', { DOCKER_HOST: 'ssh://me@build' }).kind, 'none', 'ssh without an agent: the docker CLI (it uses the ssh keys)');
    assert.equal(findEndpoint('docker', { DOCKER_HOST: 'ssh://me@build', SSH_AUTH_SOCK: '/run/agent' }).kind, 'ssh');
  });

  test('without DOCKER_HOST: the docker context (DOCKER_CONTEXT, else currentContext), else /var/run/docker.sock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-context-'));
    try {
      const meta = join(dir, 'contexts', 'meta', createHash('sha256').update('remote').digest('hex'));
      mkdirSync(meta, { recursive: true });
      writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'unix:///srv/remote.sock' } } }));
      assert.deepEqual(findEndpoint('docker', { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'remote' }), { kind: 'unix', socketPath: '/srv/remote.sock' });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
      assert.deepEqual(findEndpoint('docker', { DOCKER_CONFIG: dir }), { kind: 'unix', socketPath: '/srv/remote.sock' });
      assert.deepEqual(findEndpoint('docker', { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'default' }), { kind: 'unix', socketPath: '/var/run/docker.sock' });
      assert.deepEqual(findEndpoint('docker', { DOCKER_CONFIG: dir, DOCKER_HOST: 'unix:///wins.sock' }), { kind: 'unix', socketPath: '/wins.sock' }, 'DOCKER_HOST wins over the context');
      // a context that does not exist is an error (as for the docker CLI), never the default daemon
      assert.throws(() => findEndpoint('docker', { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'nosuchctx' }), /^X11DockerError: Docker context 'nosuchctx' \(DOCKER_CONTEXT\) does not exist\. See 'docker context ls'/);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'gone' }));
      assert.throws(() => findEndpoint('docker', { DOCKER_CONFIG: dir }), /Docker context 'gone' \(currentContext in \S+config\.json\) does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("podman: CONTAINER_HOST, else its service socket when it exists; nerdctl: the CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-podman-'));
    try {
      assert.equal(findEndpoint('podman', { XDG_RUNTIME_DIR: dir }, 1000).kind, 'none');
      mkdirSync(join(dir, 'podman'));
      writeFileSync(join(dir, 'podman', 'podman.sock'), '');
      assert.deepEqual(findEndpoint('podman', { XDG_RUNTIME_DIR: dir }, 1000), { kind: 'unix', socketPath: join(dir, 'podman', 'podman.sock') });
      assert.deepEqual(findEndpoint('podman', { CONTAINER_HOST: 'unix:///p.sock' }, 1000), { kind: 'unix', socketPath: '/p.sock' });
      assert.equal(findEndpoint('nerdctl', {}).kind, 'none');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
