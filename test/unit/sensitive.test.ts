/**
 * One sensitive-path policy for --sharedir, --homedir and --home=DIR, judged on the resolved path
 * (symbolic links followed): refused, warned, or HOME with x11docker's cache hidden.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession } from '../../src/plan/plan.js';
import { isSystemFolder, rootInContainer, sharePolicy } from '../../src/plan/sensitive.js';
import { hostRealPaths } from '../../src/host/paths.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import type { PathKind } from '../../src/host/paths.js';
import { X11DockerError } from '../../src/errors.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const HOME = '/home/alice';

function facts(paths: Record<string, PathKind>, real: Record<string, string> = {}): HostFacts {
  return {
    processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
    binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker']), sessionId: 'abc123def456', pid: 4242,
    pathKinds: new Map(Object.entries(paths)), realPaths: new Map(Object.entries(real)), lang: 'C.UTF-8',
  };
}
const config = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };
const plan = (argv: string[], host: HostFacts, image = config) => planSession(parseCommandLine(argv), host, image);
const refused = (argv: string[], host: HostFacts, ...mentions: string[]) =>
  assert.throws(() => plan(argv, host), (e: unknown) => {
    assert.ok(e instanceof X11DockerError && e.exitCode === 64, String(e));
    for (const m of mentions) assert.ok(e.message.includes(m), `${e.message} lacks ${m}`);
    assert.ok(!e.message.includes('\n'));
    return true;
  });

describe('sharePolicy', () => {
  test('refused: x11docker\'s cache and what contains it below HOME, X sockets, engine sockets, /tmp, /run', () => {
    for (const p of [`${HOME}/.cache/x11docker`, `${HOME}/.cache/x11docker/abc`, `${HOME}/.cache`, '/tmp/.X11-unix', '/tmp', '/run', '/var/run', '/run/docker.sock', '/var/run/docker.sock', '/var/lib/docker/volumes']) {
      assert.equal(sharePolicy(p, HOME).level, 'refuse', p);
    }
  });
  test('warned: system folders, hidden folders of HOME, /run/user; HOME and its ancestors warn with the cache hidden', () => {
    for (const p of ['/etc', '/usr/share/doc', '/root', `${HOME}/.ssh`, `${HOME}/.gnupg/private`, `${HOME}/.config`, `${HOME}/.local/share`, `${HOME}/.mozilla`, '/run/user/1000/pulse', '/home/bob']) {
      assert.equal(sharePolicy(p, HOME).level, 'warn', p);
    }
    for (const p of [HOME, '/home']) {
      const v = sharePolicy(p, HOME);
      assert.equal(v.level, 'mask', p);
      assert.equal(v.level === 'mask' && v.cache, `${HOME}/.cache/x11docker`);
    }
  });
  test('engine sockets wherever they are, dockerd\'s containerd and a whole runtime folder are refused (breaker: only warned before)', () => {
    for (const p of ['/run/user/1001/docker.sock', '/run/x11docker-test-userns/docker.sock', '/run/podman/podman.sock', '/home/alice/.docker/run/docker.sock', '/run/docker/containerd/containerd.sock', '/run/docker', '/run/user/1001', '/run/user']) {
      assert.equal(sharePolicy(p, HOME).level, 'refuse', p);
      assert.equal(sharePolicy(p, HOME, { readonly: true }).level, 'refuse', p);
    }
  });
  test('a read-only share of HOME is never described as one through which the container can change files', () => {
    const ro = sharePolicy(HOME, HOME, { readonly: true });
    const rw = sharePolicy(HOME, HOME);
    assert.ok(ro.level === 'mask' && /can read all your files/.test(ro.why) && !/change/.test(ro.why), JSON.stringify(ro));
    assert.ok(rw.level === 'mask' && /can read and change all your files/.test(rw.why));
    const warnings = plan(['--sharedir', `${HOME}:ro`, 'img'], facts({ [HOME]: 'dir' })).warnings.filter((w) => w.startsWith('Option --sharedir'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.doesNotMatch(warnings[0]!, /change/);
  });
  test('ordinary folders are fine', () => {
    for (const p of [`${HOME}/Downloads`, `${HOME}/x11docker/app`, '/data', '/tmp/work', '/srvdata', '/mnt/usb', '/media/alice/disk', '/opt/data']) assert.equal(sharePolicy(p, HOME).level, 'ok', p);
  });
});

describe('system folders: never HOME, never a writable share with root inside', () => {
  test('isSystemFolder: /, /etc, /usr, /bin, /sbin, /lib*, /boot, /var, /proc, /sys, /dev and below; data places are not', () => {
    for (const p of ['/', '/etc', '/etc/ssh', '/usr', '/usr/local/bin', '/bin', '/sbin', '/lib', '/lib64', '/libx32/x', '/boot', '/var', '/var/lib/dpkg', '/var/tmp', '/proc', '/sys/fs', '/dev/shm']) {
      assert.equal(isSystemFolder(p, HOME), true, p);
    }
    for (const p of ['/home/alice/x', '/opt/data', '/srv', '/mnt/usb', '/tmp/work', '/var/tmp/work', '/data', '/root', '/home']) assert.equal(isSystemFolder(p, HOME), false, p);
    // a HOME below /var is a data place (jenkins, www-data); a HOME of / or /usr/sbin makes nothing a data place
    assert.equal(isSystemFolder('/var/lib/jenkins/work', '/var/lib/jenkins'), false);
    assert.equal(isSystemFolder('/var/www', '/var/www'), false);
    for (const [p, home] of [['/etc', '/'], ['/usr/sbin/x', '/usr/sbin'], ['/var/x', '/var'], ['/bin/x', '/bin']]) assert.equal(isSystemFolder(p!, home!), true, `${p} with HOME=${home}`);
  });

  test('sharePolicy: a system folder as HOME, or writable with root inside, is refused with its own fix; read-only or without root it warns', () => {
    for (const p of ['/etc', '/usr/share', '/var/lib/x', '/lib64']) {
      const home = sharePolicy(p, HOME, { home: true });
      assert.ok(home.level === 'refuse' && /system folder/.test(home.why) && /--home/.test(home.fix ?? ''), `${p}: ${JSON.stringify(home)}`);
      const root = sharePolicy(p, HOME, { writableByRoot: true });
      assert.ok(root.level === 'refuse' && /:ro/.test(root.fix ?? ''), `${p}: ${JSON.stringify(root)}`);
      assert.equal(sharePolicy(p, HOME).level, 'warn', p);
    }
    // the refusals of before keep their reasons; data places stay fine as HOME
    assert.ok(/X servers/.test((sharePolicy('/tmp/.X11-unix', HOME, { home: true }) as { why: string }).why));
    for (const p of [`${HOME}/x11docker/app`, '/data/h', '/var/tmp/h']) assert.equal(sharePolicy(p, HOME, { home: true, writableByRoot: true }).level, 'ok', p);
    // a folder containing HOME still hides x11docker's cache when it is only shared...
    assert.equal(sharePolicy('/srv/ci', '/srv/ci/jenkins').level, 'mask');
    // ...but one that also contains what cannot be hidden is refused: / (the X sockets, /proc), /var/lib (docker's data)
    assert.match((sharePolicy('/', HOME) as { why: string }).why, /contains \/tmp\/\.X11-unix/);
    assert.match((sharePolicy('/var/lib', '/var/lib/jenkins') as { why: string }).why, /contains \/var\/lib\/docker/);
  });

  test('rootInContainer: container user root, RETAIN of a root image, raw -u root, sudo, init systems, --runasroot', () => {
    const base = { uid: 1000, retainUser: false, imageUser: '', rawRootUser: false, rootHelpers: false };
    assert.equal(rootInContainer(base), false);
    assert.equal(rootInContainer({ ...base, uid: 0 }), true);
    assert.equal(rootInContainer({ ...base, rawRootUser: true }), true);
    assert.equal(rootInContainer({ ...base, rootHelpers: true }), true);
    for (const u of ['', 'root', '0', '0:0', 'root:staff']) assert.equal(rootInContainer({ ...base, retainUser: true, imageUser: u }), true, u);
    assert.equal(rootInContainer({ ...base, retainUser: true, imageUser: 'app' }), false);
  });

  test('the plan: --homedir of a system folder (also through ..) is refused; --sharedir of one is refused for root inside unless :ro', () => {
    const host = facts({ '/etc': 'dir', '/usr/share/doc': 'dir', '/var/lib/data': 'dir' });
    refused(['--homedir=/nonexistent/../../etc', 'app'], host, '--homedir /etc is refused', 'system folder');
    const rootInside = [['--user=root'], ['--sudouser'], ['--init=runit'], ['--runasroot', 'true'], ['--dbus-system']];
    for (const opts of rootInside) {
      refused([...opts, '--sharedir', '/var/lib/data', 'app'], host, '--sharedir /var/lib/data is refused', 'root in the container', ':ro');
      assert.ok(plan([...opts, '--sharedir', '/usr/share/doc:ro', 'app'], host).warnings.some((w) => w.includes('/usr/share/doc:ro')), opts.join(' '));
    }
    refused(['--sharedir', '/var/lib/data', '--', '-u', '0', '--', 'app'], host, 'root in the container');
    refused(['--sharedir', '/var/lib/data', '--', '--user=root:root', '--', 'app'], host, 'root in the container');
    refused(['--user=RETAIN', '--sharedir', '/var/lib/data', 'app'], host, 'root in the container');
    assert.ok(plan(['--user=RETAIN', '--sharedir', '/var/lib/data', 'app'], host, { ...config, user: 'app' }).warnings.some((w) => w.includes('a sensitive host path')));
    assert.ok(plan(['--sharedir', '/var/lib/data', 'app'], host).warnings.some((w) => w.includes('a sensitive host path')));
  });
});

describe('the same policy for --sharedir, --homedir and --home=DIR, on the resolved path', () => {
  test('--homedir and --home=DIR of a sensitive folder warn like --sharedir; refused ones are refused for all; a system folder is never HOME', () => {
    const host = facts({ '/etc': 'dir', '/tmp/.X11-unix': 'dir', [`${HOME}/.ssh`]: 'dir', '/root/data': 'dir' });
    for (const opt of ['--homedir', '--home=']) {
      const argv = (p: string) => (opt === '--homedir' ? ['--homedir', p, 'app'] : [`--home=${p}`, 'app']);
      refused(argv('/etc'), host, '--homedir /etc is refused', 'system folder', '--home');
      const p = plan(argv('/root/data'), host);
      assert.ok(p.warnings.some((w) => w.startsWith('Option --homedir /root/data: a sensitive host path')), p.warnings.join('\n'));
      assert.ok(plan(argv(`${HOME}/.ssh`), host).warnings.some((w) => w.includes('.ssh is a hidden folder')));
      refused(argv('/tmp/.X11-unix'), host, '--homedir /tmp/.X11-unix', 'X servers');
    }
    refused(['--sharedir', '/tmp/.X11-unix', 'app'], host, '--sharedir /tmp/.X11-unix', 'X servers');
    refused(['--sharedir', `${HOME}/.cache/x11docker`, 'app'], facts({ [`${HOME}/.cache/x11docker`]: 'dir' }), 'cookies');
  });

  test('a symbolic link is judged and mounted as the folder it points to; the target keeps the given path', () => {
    const host = facts({ '/tmp/l': 'dir', '/tmp/x': 'dir' }, { '/tmp/l': '/etc', '/tmp/x': '/tmp/.X11-unix' });
    const p = plan(['--sharedir', '/tmp/l', 'app'], host);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --sharedir /tmp/l (a symbolic link to /etc): a sensitive host path')), p.warnings.join('\n'));
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(args.includes('--mount=type=bind,source=/etc,target=/tmp/l'), args.join(' '));
    refused(['--sharedir', '/tmp/x', 'app'], host, 'symbolic link to /tmp/.X11-unix');
    refused(['--homedir', '/tmp/x', 'app'], host, '--homedir /tmp/x (a symbolic link to /tmp/.X11-unix)');
  });

  test('sharing HOME (or /home) hides x11docker\'s cache behind an empty read-only tmpfs', () => {
    const host = facts({ [HOME]: 'dir', '/data/h': 'dir' }, { '/data/h': HOME });
    const p = plan(['--sharedir', HOME, 'app'], host);
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(args.includes(`--mount=type=tmpfs,destination=${HOME}/hosthome/.cache/x11docker,readonly,tmpfs-mode=0500,tmpfs-size=4096`), args.join(' '));
    const h = plan(['--homedir', '/data/h', 'app'], host);
    assert.deepEqual(h.container!.mounts.masks, [`${HOME}/.cache/x11docker`]);
    assert.ok(h.warnings.some((w) => w.includes('Discouraged')));
  });

  test('hostRealPaths follows links, also for a folder that does not exist yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-unit-'));
    try {
      mkdirSync(join(dir, 'real'));
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const r = hostRealPaths([join(dir, 'link'), join(dir, 'link', 'new', 'deeper')]);
      assert.equal(r.get(join(dir, 'link')), join(dir, 'real'));
      assert.equal(r.get(join(dir, 'link', 'new', 'deeper')), join(dir, 'real', 'new', 'deeper'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
