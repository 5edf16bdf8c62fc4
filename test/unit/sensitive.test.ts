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
import { sharePolicy } from '../../src/plan/sensitive.js';
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
const plan = (argv: string[], host: HostFacts) => planSession(parseCommandLine(argv), host, config);
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
    for (const p of ['/etc', '/usr/share/doc', '/root', `${HOME}/.ssh`, `${HOME}/.gnupg/private`, `${HOME}/.config`, `${HOME}/.local/share`, `${HOME}/.mozilla`, '/run/user/1000', '/home/bob']) {
      assert.equal(sharePolicy(p, HOME).level, 'warn', p);
    }
    for (const p of [HOME, '/home']) {
      const v = sharePolicy(p, HOME);
      assert.equal(v.level, 'mask', p);
      assert.equal(v.level === 'mask' && v.cache, `${HOME}/.cache/x11docker`);
    }
  });
  test('ordinary folders are fine', () => {
    for (const p of [`${HOME}/Downloads`, `${HOME}/x11docker/app`, '/data', '/tmp/work', '/srvdata', '/mnt/usb', '/media/alice/disk', '/opt/data']) assert.equal(sharePolicy(p, HOME).level, 'ok', p);
  });
});

describe('the same policy for --sharedir, --homedir and --home=DIR, on the resolved path', () => {
  test('--homedir and --home=DIR of a sensitive folder warn like --sharedir; refused ones are refused for all', () => {
    const host = facts({ '/etc': 'dir', '/tmp/.X11-unix': 'dir', [`${HOME}/.ssh`]: 'dir' });
    for (const opt of ['--homedir', '--home=']) {
      const argv = (p: string) => (opt === '--homedir' ? ['--homedir', p, 'app'] : [`--home=${p}`, 'app']);
      const p = plan(argv('/etc'), host);
      assert.ok(p.warnings.some((w) => w.startsWith('Option --homedir /etc: a sensitive host path')), p.warnings.join('\n'));
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
