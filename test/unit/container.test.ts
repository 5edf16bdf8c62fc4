// Covers the container options of issue 4 (first half) at the parser and plan level:
// --home / --home=DIR / --homedir, --sharedir / --share (with :ro), --user=RETAIN, --sudouser and
// --lang, and how they change `docker create` (src/plan/container-extras.ts, mounts.ts, sudo.ts,
// locale.ts) and the user database written into the container (src/run/container-setup.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession, runtimeDirExtras, type SessionPlan } from '../../src/plan/plan.js';
import { probeCreateArgs, readOnlyRootfsMounts } from '../../src/plan/rootfs.js';
import type { ImageConfig } from '../../src/plan/image.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import { homeFolderName, pathsToCheck } from '../../src/plan/mounts.js';
import type { PathKind } from '../../src/host/paths.js';
import { parseRawOptions } from '../../src/options/raw-options.js';
import { glibcLocaleName, resolveLocale } from '../../src/plan/locale.js';
import { SUDO_PASSWORD_HASH, withSudo } from '../../src/plan/sudo.js';
import { localedefFailure, userFiles } from '../../src/run/container-setup.js';
import { imageNotFoundHint } from '../../src/options/persistence.js';
import { X11DockerError } from '../../src/errors.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };

function hostFacts(paths: Record<string, PathKind> = {}, over: Partial<HostFacts> = {}): HostFacts {
  return {
    processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
    binaries: new Set(['Xephyr', 'Xvfb', 'xauth', 'docker']), sessionId: 'abc123def456', pid: 4242,
    pathKinds: new Map(Object.entries(paths)), lang: 'en_GB.UTF-8', ...over,
  };
}

const config: ImageConfig = { id: 'sha256:0123', user: 'app', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: [] };

function plan(argv: string[], host: HostFacts = hostFacts(), image: ImageConfig = config): SessionPlan {
  return planSession(parseCommandLine(argv), host, image);
}

function createArgs(argv: string[], host?: HostFacts, localeDir?: string): string[] {
  return containerCreateArgs(plan(argv, host), { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie', localeDir });
}

const envOf = (args: string[]) => args.flatMap((a, i) => (a === '--env' ? [args[i + 1]!] : []));
const mountsOf = (args: string[]) => args.filter((a) => a.startsWith('--mount=')).slice(2); // after socket + cookie

function assertX11Error(fn: () => unknown, ...mentions: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof X11DockerError, String(err));
    for (const m of mentions) assert.ok(err.message.includes(m), `${JSON.stringify(err.message)} does not mention ${m}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

describe('parsing --home, --homedir, --sharedir, --lang, --sudouser', () => {
  test('--home alone, --home=DIR and --homedir DIR', () => {
    assert.equal(parseCommandLine(['--home', 'img']).home, '');
    assert.equal(parseCommandLine(['--home=/data/h', 'img']).home, '/data/h');
    assert.equal(parseCommandLine(['--homedir', '/data/h/', 'img']).home, '/data/h');
    assert.equal(parseCommandLine(['img']).home, undefined);
  });

  test('--sharedir and --share, repeatable, :ro suffix, spaces and commas kept', () => {
    const o = parseCommandLine(['--sharedir', '/a b,c', '--share=/x/y:ro', '--sharedir', '/z:rw', 'img']);
    assert.deepEqual(o.sharedirs, [
      { path: '/a b,c', readonly: false },
      { path: '/x/y', readonly: true },
      { path: '/z', readonly: false },
    ]);
  });

  test("upstream 7.x's rule: a path begins with /, a word without / is a volume name, anything else is refused", () => {
    assertX11Error(() => parseCommandLine(['--sharedir', 'sub/dir', 'img']), '--sharedir', 'absolute path beginning with /');
    assertX11Error(() => parseCommandLine(['--home=./h', 'img']), '--home', 'volume name without any /');
    assertX11Error(() => parseCommandLine(['--share', '~/h', 'img']), '--sharedir', 'absolute path');
    assert.equal(parseCommandLine(['--home=~/h', 'img']).home, '~/h', "upstream's ~ for the host user's HOME, expanded by the plan");
    assertX11Error(() => parseCommandLine(['--share=-v', 'img']), '--sharedir', 'not a volume name');
    const o = parseCommandLine(['--home=myhome', '--share=data:ro', '--share', 'cache', '--sharedir=/tmp', 'img']);
    assert.deepEqual([o.home, o.homeVolume, o.shareVolumes, o.sharedirs], [undefined, 'myhome', [{ name: 'data', readonly: true }, { name: 'cache', readonly: false }], [{ path: '/tmp', readonly: false }]]);
    assert.deepEqual([parseCommandLine(['--home=v1', '--homedir=/srv/h', 'img']).homeVolume, parseCommandLine(['--home=v1', '--homedir=/srv/h', 'img']).home], [undefined, '/srv/h'], 'the last one wins');
  });

  test('an empty path or / is refused with a one-line error naming the option', () => {
    assertX11Error(() => parseCommandLine(['--sharedir', '', 'img']), '--sharedir', 'empty');
    assertX11Error(() => parseCommandLine(['--sharedir=', 'img']), '--sharedir');
    assertX11Error(() => parseCommandLine(['--sharedir', ':ro', 'img']), '--sharedir', 'empty');
    assertX11Error(() => parseCommandLine(['--homedir', ' ', 'img']), '--homedir');
    assertX11Error(() => parseCommandLine(['--home=', 'img']), '--home');
    assertX11Error(() => parseCommandLine(['--sharedir', '/', 'img']), '--sharedir', 'root');
    assertX11Error(() => parseCommandLine(['--sharedir', '/a\nb', 'img']), '--sharedir', 'newline');
  });

  test('--lang with and without a value; bad locales refused', () => {
    assert.equal(parseCommandLine(['--lang', 'img']).lang, '');
    assert.equal(parseCommandLine(['--lang=zh_CN.UTF-8', 'img']).lang, 'zh_CN.UTF-8');
    assertX11Error(() => parseCommandLine(['--lang=de;rm', 'img']), '--lang');
  });

  test("--sudouser takes no value or upstream's yes, nopasswd, no", () => {
    assert.equal(parseCommandLine(['--sudouser', 'img']).sudouser, true);
    assert.equal(parseCommandLine(['--sudouser=yes', 'img']).sudouser, true);
    assertX11Error(() => parseCommandLine(['--sudouser=root', 'img']), '--sudouser');
  });
});

describe('--home folder name', () => {
  test('tag colons, registry ports, digests and slashes become one safe folder name', () => {
    assert.equal(homeFolderName('x11docker/xfce'), 'x11docker-xfce');
    assert.equal(homeFolderName('debian:bookworm'), 'debian_bookworm');
    assert.equal(homeFolderName('registry:5000/team/app:1.2'), 'registry_5000-team-app_1.2');
    assert.equal(homeFolderName('app@sha256:abcd'), 'app_sha256_abcd');
    // ':latest' names the same image as no tag: one HOME for both
    assert.equal(homeFolderName('x11docker-demo:latest'), 'x11docker-demo');
    assert.equal(homeFolderName('registry:5000/app:latest'), 'registry_5000-app');
    for (const name of ['a/b:c', 'localhost:5000/x', 'r.example.com/a/b@sha256:00']) assert.doesNotMatch(homeFolderName(name), /[/:@]/);
  });
});

describe('persistent HOME and shared folders in docker create', () => {
  test('--home mounts ~/x11docker/IMAGENAME writable at the container HOME and asks to create it', () => {
    const p = plan(['--home', 'reg:5000/app:1']);
    assert.equal(p.container!.mounts.createHostDir, '/home/alice/x11docker/reg_5000-app_1');
    assert.equal(p.container!.mounts.homeMounted, true);
    const args = createArgs(['--home', 'reg:5000/app:1']);
    assert.deepEqual(mountsOf(args), ['--mount=type=bind,source=/home/alice/x11docker/reg_5000-app_1,target=/home/alice']);
    assert.ok(envOf(args).includes('HOME=/home/alice'));
    assert.ok(args.includes('--workdir=/home/alice'));
    assert.ok(args.includes('--userns=host'), 'no user namespace remapping with --home (upstream)');
    assert.ok(!createArgs(['app']).includes('--userns=host'));
  });

  test("--home=VOLUME (upstream 7.x): the named volume at /home.volume/VOLUME, HOME the user's folder in it, made by x11docker and owned by the user; --share=VOLUME[:ro] at /VOLUME", () => {
    const args = createArgs(['--home=myhome', '--share=data:ro', '--share=cache', 'app']);
    assert.deepEqual(mountsOf(args), [
      '--mount=type=volume,source=myhome,target=/home.volume/myhome',
      '--mount=type=volume,source=data,target=/data,ro',
      '--mount=type=volume,source=cache,target=/cache',
    ]);
    assert.ok(envOf(args).includes('HOME=/home.volume/myhome/alice'));
    assert.ok(args.includes('--workdir=/home.volume/myhome/alice'));
    assert.ok(!args.includes('--userns=host'), 'no host folder: user namespaces stay');
    const p = plan(['--home=myhome', 'app']);
    assert.deepEqual([p.container!.mounts.homeMounted, p.container!.mounts.createHostDir], [false, undefined]);
    const home = userFiles(p, { passwd: '' }).find((f) => f.path === '/home.volume/myhome/alice');
    assert.deepEqual([home?.uid, home?.gid, home?.mode], [1000, 1000, 0o700], 'HOME in the volume, made by x11docker');
    assert.match(userFiles(p, { passwd: '' }).find((f) => f.path === '/etc/passwd')!.content!, /^alice:x:1000:1000:[^:]*:\/home\.volume\/myhome\/alice:/m);
    assert.ok(readOnlyRootfsMounts(plan(['app']), []).mounts.some((m) => m.tmpfs && m.target === '/home/alice'));
    assert.ok(!readOnlyRootfsMounts(p, []).mounts.some((m) => m.target === '/home.volume/myhome/alice'), 'no tmpfs over the volume HOME');
    assertX11Error(() => plan(['--home=myhome', '--user=RETAIN', 'app']), '--home=VOLUME', '--user=RETAIN');
    assertX11Error(() => plan(['--share=home', 'app']), '--share=home', "container's HOME");
    assertX11Error(() => plan(['--share=etc', 'app']), '--share=etc', '/etc/passwd');
    assertX11Error(() => plan(['--share=x11docker', 'app']), '--share=x11docker', 'cookie');
    assertX11Error(() => plan(['--share=tmp', 'app']), '--share=tmp', 'X socket');
    assert.deepEqual(mountsOf(createArgs(['--home=~/homes/app', 'app'], hostFacts({ '/home/alice/homes/app': 'dir' }))), ['--mount=type=bind,source=/home/alice/homes/app,target=/home/alice'], '~ is the host user\'s HOME');
  });

  test('--homebasedir DIR: --home uses DIR/IMAGENAME (the same folder name), and its kind is probed there; an empty value names the option', () => {
    const p = plan(['--homebasedir', '/data/homes', '--home', 'reg:5000/app:1']);
    assert.equal(p.container!.mounts.createHostDir, '/data/homes/reg_5000-app_1');
    assert.deepEqual(mountsOf(createArgs(['--homebasedir=/data/homes', '--home', 'app'])), ['--mount=type=bind,source=/data/homes/app,target=/home/alice']);
    assert.equal(plan(['--homebasedir=/data/homes', '--home', 'app'], hostFacts({ '/data/homes/app': 'dir' })).container!.mounts.createHostDir, undefined);
    assert.deepEqual(pathsToCheck(parseCommandLine(['--homebasedir=/data/homes', '--home', 'app']), '/home/alice', 'app'), ['/data/homes/app']);
    assert.equal(plan(['--homebasedir=/data/homes', 'app']).container!.mounts.homeMounted, false, 'without --home it changes nothing');
    assertX11Error(() => plan(['--homebasedir=', '--home', 'app']), '--homebasedir');
  });

  test('an existing --home folder is not created again', () => {
    assert.equal(plan(['--home', 'app'], hostFacts({ '/home/alice/x11docker/app': 'dir' })).container!.mounts.createHostDir, undefined);
  });

  test('--homedir DIR: a missing folder is created, a file is refused, the host HOME warns', () => {
    assert.equal(plan(['--homedir', '/data/h', 'app']).container!.mounts.createHostDir, '/data/h');
    assertX11Error(() => plan(['--homedir', '/data/f', 'app'], hostFacts({ '/data/f': 'file' })), '--homedir', 'not a folder');
    const p = plan(['--homedir', '/home/alice', 'app'], hostFacts({ '/home/alice': 'dir' }));
    assert.ok(p.warnings.some((w) => w.includes('--homedir /home/alice') && w.includes('Discouraged')), p.warnings.join('\n'));
  });

  test('--sharedir: same path, :ro read-only, commas and quotes quoted as CSV fields', () => {
    const host = hostFacts({ '/data/a b,c': 'dir', '/data/q"x': 'dir', '/data/r': 'file' });
    const args = createArgs(['--sharedir', '/data/a b,c', '--sharedir', '/data/q"x', '--share', '/data/r:ro', 'app'], host);
    assert.deepEqual(mountsOf(args), [
      '--mount=type=bind,"source=/data/a b,c","target=/data/a b,c"',
      '--mount=type=bind,"source=/data/q""x","target=/data/q""x"',
      '--mount=type=bind,source=/data/r,target=/data/r,readonly',
    ]);
  });

  test('--sharedir of a missing path is refused before anything starts', () => {
    assertX11Error(() => plan(['--sharedir', '/nope', 'app']), '--sharedir /nope', 'no such');
  });

  test('sensitive host paths warn; the host HOME goes below the container HOME', () => {
    const host = hostFacts({ '/root': 'dir', '/home/alice': 'dir', '/data': 'dir' });
    const p = plan(['--sharedir', '/root:ro', '--sharedir', '/home/alice', '--sharedir', '/data', 'app'], host);
    assert.equal(p.warnings.filter((w) => w.startsWith('Option --sharedir')).length, 2, p.warnings.join('\n'));
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(mountsOf(args).includes('--mount=type=bind,source=/home/alice,target=/home/alice/hosthome'));
  });

  test('a shared folder may not cover the user files x11docker writes into /etc', () => {
    assertX11Error(() => plan(['--sharedir', '/etc:ro', 'app'], hostFacts({ '/etc': 'dir' })), '--sharedir /etc', '/etc/passwd');
    assert.doesNotThrow(() => plan(['--user=RETAIN', '--sharedir', '/etc:ro', 'app'], hostFacts({ '/etc': 'dir' })));
  });

  test('a shared folder may not cover the container HOME', () => {
    assertX11Error(() => plan(['--sharedir', '/home', 'app'], hostFacts({ '/home': 'dir' })), '--sharedir /home', '--homedir');
  });
});

describe('container users', () => {
  test('--user=RETAIN keeps the image user: no --user, no USER/HOME, no workdir of ours, no user files', () => {
    const p = plan(['--user=RETAIN', 'app']);
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(!args.some((a) => a.startsWith('--user')));
    assert.ok(!envOf(args).some((e) => e.startsWith('HOME=') || e.startsWith('USER=')));
    assert.ok(!args.some((a) => a.startsWith('--workdir')));
    assert.deepEqual(userFiles(p, { passwd: 'root:x:0:0::/root:/bin/sh\n' }), []);
    assert.ok(p.notes.some((n) => n.includes('RETAIN')));
    assert.equal(plan(['--user=retain', 'app']).container!.retainUser, true);
  });

  test('--user=RETAIN on an image whose USER is root or unset gives the --user=root warning; a user image does not', () => {
    for (const u of ['', 'root', '0', '0:0', 'root:root']) {
      const p = plan(['--user=RETAIN', 'app'], hostFacts(), { ...config, user: u });
      assert.ok(p.warnings.some((w) => w.startsWith('Option --user=RETAIN: the image\'s USER is') && w.includes('runs as root')), `${u}: ${p.warnings.join('\n')}`);
    }
    assert.ok(!plan(['--user=RETAIN', 'app']).warnings.some((w) => w.includes('runs as root')));
  });

  test('--user=RETAIN with an init system or --dbus-system is refused (the launcher would replace the image USER)', () => {
    for (const opt of ['--init=runit', '--openrc', '--sysvinit', '--dbus-system']) {
      assertX11Error(() => plan(['--user=RETAIN', opt, 'app']), '--user=RETAIN', opt.startsWith('--init') || opt === '--dbus-system' ? opt : '--init=');
    }
    assert.doesNotThrow(() => plan(['--user=RETAIN', '--dbus', 'app']));
  });

  test('--user=RETAIN cannot be combined with --home or --sudouser', () => {
    assertX11Error(() => plan(['--user=RETAIN', '--home', 'app']), '--home', 'RETAIN');
    assertX11Error(() => plan(['--user=RETAIN', '--sudouser', 'app']), '--sudouser', 'RETAIN');
  });

  test('--sudouser: the capabilities sudo needs, no no-new-privileges, the warning, password and sudoers', () => {
    const p = plan(['--sudouser', 'app']);
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(args.includes('--cap-drop=ALL'));
    for (const cap of ['CHOWN', 'KILL', 'FSETID', 'FOWNER', 'SETPCAP', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'AUDIT_WRITE']) assert.ok(args.includes(`--cap-add=${cap}`), cap);
    assert.equal(args.filter((a) => a.startsWith('--cap-add=')).length, 9, 'no other capability');
    assert.ok(!args.includes('--security-opt=no-new-privileges'));
    assert.ok(p.warnings.some((w) => w.includes('--sudouser') && w.includes('x11docker')));
    const files = userFiles(p, { passwd: 'root:x:0:0::/root:/bin/sh\n', shadow: 'root:$6$secret:1::::::\n' });
    const shadow = files.find((f) => f.path === '/etc/shadow')!.content!;
    assert.match(shadow, /^root:!:/m);
    assert.ok(shadow.includes(`alice:${SUDO_PASSWORD_HASH}:`));
    assert.match(files.find((f) => f.path === '/etc/sudoers')!.content!, /^alice ALL=\(ALL:ALL\) ALL$/m);
  });

  test('without --sudouser: no capabilities, no-new-privileges, sudoers emptied', () => {
    const p = plan(['app']);
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' });
    assert.ok(!args.some((a) => a.startsWith('--cap-add')));
    assert.ok(args.includes('--security-opt=no-new-privileges'));
    const files = userFiles(p, { passwd: '', sudoers: 'ALL ALL=(ALL) NOPASSWD: ALL\n' });
    assert.equal(files.find((f) => f.path === '/etc/sudoers')!.content, '');
  });

  test('--newprivileges: yes (and no value) leaves no-new-privileges out with the warning; no sets it also with --sudouser (note); auto is the default; a bad value names the option', () => {
    const nnp = (argv: string[]) => containerCreateArgs(plan(argv), { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' }).includes('--security-opt=no-new-privileges');
    for (const yes of [['--newprivileges'], ['--newprivileges=yes']]) {
      assert.equal(nnp([...yes, 'app']), false);
      assert.ok(plan([...yes, 'app']).warnings.some((w) => w.startsWith('Option --newprivileges=yes: x11docker does not set docker run option --security-opt=no-new-privileges.')));
    }
    assert.equal(nnp(['--newprivileges=no', 'app']), true);
    assert.equal(nnp(['--newprivileges=no', '--sudouser', 'app']), true);
    assert.ok(plan(['--newprivileges=no', '--sudouser', 'app']).notes.some((n) => /sudo and su cannot gain root/.test(n)));
    assert.equal(nnp(['--newprivileges=auto', '--sudouser', 'app']), false);
    assert.equal(nnp(['--newprivileges=auto', 'app']), true);
    assertX11Error(() => plan(['--newprivileges=maybe', 'app']), '--newprivileges', 'yes, no or auto');
  });

  test("--shell: the container user's passwd shell and SHELL; default /bin/sh; a relative path or ':' is refused naming the option; with --user=RETAIN only SHELL, with a note", () => {
    const passwdLine = (argv: string[]) => userFiles(plan(argv), { passwd: 'root:x:0:0::/root:/bin/sh\n' }).find((f) => f.path === '/etc/passwd')!.content!.split('\n').find((l) => l.startsWith('alice:'));
    assert.equal(passwdLine(['--shell=/bin/bash', 'app']), 'alice:x:1000:1000:alice,,,:/home/alice:/bin/bash');
    assert.equal(passwdLine(['app']), 'alice:x:1000:1000:alice,,,:/home/alice:/bin/sh');
    assert.ok(envOf(createArgs(['--shell', '/bin/zsh', 'app'])).includes('SHELL=/bin/zsh'));
    assert.ok(!envOf(createArgs(['app'])).some((e) => e.startsWith('SHELL=')));
    assertX11Error(() => plan(['--shell=bash', 'app']), '--shell', 'absolute path');
    assertX11Error(() => plan(['--shell=/bin/sh:x', 'app']), '--shell');
    const retain = plan(['--user=RETAIN', '--shell=/bin/bash', 'app']);
    assert.ok(retain.notes.some((n) => n.startsWith('Option --shell with --user=RETAIN: only SHELL=/bin/bash is set')));
  });

  test('withSudo creates a shadow file when the image has none', () => {
    const r = withSudo({}, 'bob');
    assert.match(r.shadow, /^root:!:/m);
    assert.match(r.shadow, /^bob:\$6\$/m);
  });

  test('--home: HOME is not created inside the container (it is the mounted folder)', () => {
    const files = userFiles(plan(['--home', 'app']), { passwd: '' });
    assert.ok(!files.some((f) => f.path === '/home/alice'));
    // nor its parent: the engine makes a missing one, and an image's may be a symbolic link (ostree)
    assert.ok(!files.some((f) => f.path === '/home'));
    assert.ok(userFiles(plan(['app']), { passwd: '' }).some((f) => f.path === '/home/alice' && f.mode === 0o700 && f.uid === 1000));
  });
});

describe('--lang', () => {
  test('language codes become UTF-8 locales', () => {
    assert.deepEqual(resolveLocale('de', undefined), { name: 'de_DE.UTF-8', source: 'de_DE', charmap: 'UTF-8', dirName: 'de_DE.utf8' });
    assert.deepEqual(resolveLocale('zh_CN', undefined), { name: 'zh_CN.UTF-8', source: 'zh_CN', charmap: 'UTF-8', dirName: 'zh_CN.utf8' });
    assert.deepEqual(resolveLocale('zh_CN.UTF-8', undefined), { name: 'zh_CN.UTF-8', source: 'zh_CN', charmap: 'UTF-8', dirName: 'zh_CN.utf8' });
    assert.deepEqual(resolveLocale('en_US.utf8', undefined), { name: 'en_US.UTF-8', source: 'en_US', charmap: 'UTF-8', dirName: 'en_US.utf8' });
    assert.deepEqual(resolveLocale('en', undefined), { name: 'en_US.UTF-8', source: 'en_US', charmap: 'UTF-8', dirName: 'en_US.utf8' });
    assert.deepEqual(resolveLocale('ru', undefined), { name: 'ru_RU.UTF-8', source: 'ru_RU', charmap: 'UTF-8', dirName: 'ru_RU.utf8' });
    assert.deepEqual(resolveLocale('sr_RS@latin', undefined), { name: 'sr_RS.UTF-8@latin', source: 'sr_RS@latin', charmap: 'UTF-8', dirName: 'sr_RS.utf8@latin' });
  });

  test("glibc's built-in C.UTF-8, C and POSIX: accepted (were refused), LANG only, nothing to compile", () => {
    for (const spec of ['C.UTF-8', 'C.utf8', 'c.utf-8']) {
      assert.equal(resolveLocale(spec, undefined).name, 'C.UTF-8');
      assert.equal(resolveLocale(spec, undefined).builtin, true);
    }
    assert.equal(resolveLocale('POSIX', undefined).name, 'POSIX');
    assert.equal(resolveLocale('C', undefined).builtin, true);
    const p = plan(['--lang=C.UTF-8', 'app']);
    assert.ok(p.container!.env.includes('LANG=C.UTF-8'), p.container!.env.join(' '));
    assert.throws(() => parseCommandLine(['--lang=C.UTF-8x', 'img']), /needs a locale like de, de_DE, zh_CN\.UTF-8 or C\.UTF-8/);
  });

  test('another charmap is honoured, not silently turned into UTF-8', () => {
    assert.deepEqual(resolveLocale('en_US.ISO-8859-1', undefined), { name: 'en_US.ISO-8859-1', source: 'en_US', charmap: 'ISO-8859-1', dirName: 'en_US.iso88591' });
    assert.deepEqual(resolveLocale('de_DE.iso88591', undefined), { name: 'de_DE.ISO-8859-1', source: 'de_DE', charmap: 'ISO-8859-1', dirName: 'de_DE.iso88591' });
    assert.deepEqual(resolveLocale('ja_JP.eucJP', undefined), { name: 'ja_JP.EUCJP', source: 'ja_JP', charmap: 'EUCJP', dirName: 'ja_JP.eucjp' });
  });

  test("the locale folder has glibc's normalized name (as locale-gen makes it)", () => {
    assert.equal(glibcLocaleName('de_DE.UTF-8'), 'de_DE.utf8');
    assert.equal(glibcLocaleName('en_US.ISO-8859-15'), 'en_US.iso885915');
    assert.equal(glibcLocaleName('sr_RS.UTF-8@latin'), 'sr_RS.utf8@latin');
    assert.equal(glibcLocaleName('ja_JP.EUCJP'), 'ja_JP.eucjp');
    assert.equal(glibcLocaleName('de_DE'), 'de_DE');
  });

  test('why localedef made no locale: missing localedef, missing source, missing charmap', () => {
    assert.equal(localedefFailure('Error: exec: "localedef": executable file not found in $PATH', 127, 'xx_YY', 'UTF-8'), 'the image has no localedef');
    assert.match(localedefFailure("[error] cannot open locale definition file `xx_YY': No such file or directory", 4, 'xx_YY', 'UTF-8'), /no locale source xx_YY/);
    assert.match(localedefFailure('character map file `FOO\' not found: No such file or directory', 4, 'de_DE', 'FOO'), /no charmap FOO/);
  });

  test('an optional value written apart before the image explains "image not found"', () => {
    const o = parseCommandLine(['--lang', 'de', 'img']);
    assert.equal(o.image, 'de');
    assert.equal(o.optionalBeforeImage, 'lang');
    const hint = imageNotFoundHint(new X11DockerError("Image 'de' not found locally. Build it, or pull it first: docker pull de"), o);
    assert.ok(hint instanceof X11DockerError);
    assert.match(hint.message, /Option --lang takes its value only as --lang=de/);
    assert.equal(parseCommandLine(['--lang=de', 'img']).optionalBeforeImage, undefined);
    assert.equal(parseCommandLine(['--lang', '--', 'de']).optionalBeforeImage, undefined);
    assert.equal(parseCommandLine(['--home', 'img']).optionalBeforeImage, 'home');
    const other = new X11DockerError('docker does not answer');
    assert.equal(imageNotFoundHint(other, o), other);
  });

  test('--lang alone takes the host $LANG; C or unset is refused', () => {
    assert.equal(resolveLocale('', 'fr_FR.UTF-8').name, 'fr_FR.UTF-8');
    assertX11Error(() => resolveLocale('', 'C.UTF-8'), '--lang', '$LANG');
    assertX11Error(() => resolveLocale('', undefined), '--lang');
  });

  test('LANG is set before the user --env values (so --env LANG=... wins) and the compiled locale is mounted read-only at its normalized name', () => {
    const args = createArgs(['--lang=de', '--env', 'LANG=C.UTF-8', 'app'], undefined, '/home/alice/.cache/x11docker/images/k.locales/de_DE.UTF-8');
    const env = envOf(args);
    assert.ok(env.indexOf('LANG=de_DE.UTF-8') < env.indexOf('LANG=C.UTF-8'));
    assert.ok(args.includes('--mount=type=bind,source=/home/alice/.cache/x11docker/images/k.locales/de_DE.UTF-8,target=/usr/lib/locale/de_DE.utf8,readonly'));
    assert.equal(createArgs(['--lang=de', 'app']).filter((a) => a.includes('/usr/lib/locale')).length, 0);
  });
});

describe('--env', () => {
  test('values with spaces, quotes, =, $ and * are passed as one argv element each, unchanged', () => {
    const value = `A=x  y "q" 's' b=c $HOME * \\n`;
    const args = createArgs(['--env', value, '--env', 'B=', 'app']);
    assert.ok(envOf(args).includes(value));
    assert.ok(envOf(args).includes('B='));
  });
});

describe('-- --read-only (a read-only root filesystem)', () => {
  test('the last --read-only or --read-only=BOOL among the raw options decides', () => {
    assert.equal(parseRawOptions([]).has('--read-only'), false);
    assert.equal(parseRawOptions(['--read-only']).has('--read-only'), true);
    assert.equal(parseRawOptions(['--read-only=true']).has('--read-only'), true);
    assert.equal(parseRawOptions(['--read-only', '--read-only=false']).has('--read-only'), false);
    assert.equal(parseRawOptions(['--read-only=0', '--read-only=1']).has('--read-only'), true);
    assert.equal(parseRawOptions(['--read-only-tmpfs']).has('--read-only'), false);
    assert.equal(plan(['--', '--read-only', '--', 'app']).container!.readOnlyRootfs, true);
    assert.equal(plan(['app']).container!.readOnlyRootfs, false);
  });

  test('files become read-only mounts of copies in the session folder, HOME a tmpfs, other folders are left to the engine', () => {
    const p = plan(['--', '--read-only', '--', 'app']);
    const files = userFiles(p, { passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\n' });
    const { files: copies, mounts } = readOnlyRootfsMounts(p, files);
    assert.deepEqual(copies.map((f) => f.path), ['/etc/passwd', '/etc/group'].map((f) => `${p.sessionDir}/rootfs${f}`));
    assert.match(copies[0]!.content!, /^alice:x:1000:1000:/m);
    assert.deepEqual(mounts, [
      { source: `${p.sessionDir}/rootfs/etc/passwd`, target: '/etc/passwd', readonly: true },
      { source: `${p.sessionDir}/rootfs/etc/group`, target: '/etc/group', readonly: true },
      { source: '', target: '/home/alice', readonly: false, tmpfs: true },
    ]);
    const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie', mounts });
    assert.ok(args.includes('--tmpfs=/home/alice:mode=0700,uid=1000,gid=1000'), args.join(' '));
    assert.ok(args.includes(`--mount=type=bind,source=${p.sessionDir}/rootfs/etc/passwd,target=/etc/passwd,readonly`), args.join(' '));
  });

  test('root\'s HOME (/root) is a tmpfs too', () => {
    const p = plan(['--user=root', '--', '--read-only', '--', 'app']);
    assert.ok(readOnlyRootfsMounts(p, userFiles(p, { passwd: '', group: '' })).mounts.some((m) => m.tmpfs && m.target === '/root'));
  });

  test('with --home, HOME is the host folder, not a tmpfs', () => {
    const p = plan(['--home', '--', '--read-only', '--', 'app']);
    const { mounts } = readOnlyRootfsMounts(p, userFiles(p, { passwd: '', group: '' }));
    assert.ok(!mounts.some((m) => m.tmpfs));
  });

  test('the probe container carries the session labels, no network, and never runs the image command', () => {
    const p = plan(['--', '--read-only', '--', 'app']);
    assert.deepEqual(probeCreateArgs(p), ['create', '--network=none', `--label=x11docker.session=${p.sessionId}`, `--label=x11docker.pid=${p.pid}`, '--entrypoint=/x11docker-probe', '--', 'app']);
  });

  test('every container of a local session carries x11docker\'s host identity beside its pid (a --cleanup through DOCKER_HOST elsewhere leaves it alone)', () => {
    const p = plan(['--xc', 'app'], hostFacts({}, { hostId: 'cafe01', xcImage: true }));
    assert.ok(containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' }).includes('--label=x11docker.host=cafe01'), containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c/cookie' }).join(' '));
    assert.ok(probeCreateArgs(plan(['--', '--read-only', '--', 'app'], hostFacts({}, { hostId: 'cafe01' }))).includes('--label=x11docker.host=cafe01'));
    assert.equal(p.xc?.hostId, 'cafe01', 'the --xc containers get it (test/unit/xcontainer.test.ts)');
  });
});

describe('time zone', () => {
  test("the host's zone: TZ before the user's --env (which wins), the zone file mounted read-only", () => {
    const host = hostFacts({}, { timezone: { name: 'Europe/Berlin', file: '/usr/share/zoneinfo/Europe/Berlin' } });
    const args = createArgs(['--env', 'TZ=Asia/Tokyo', 'app'], host);
    const env = envOf(args);
    assert.ok(env.indexOf('TZ=Europe/Berlin') < env.indexOf('TZ=Asia/Tokyo'), env.join(' '));
    const plain = createArgs(['app'], host);
    assert.ok(plain.includes('--mount=type=bind,source=/usr/share/zoneinfo/Europe/Berlin,target=/usr/share/zoneinfo/Europe/Berlin,readonly'), plain.join(' '));
    assert.ok(!createArgs(['app'], hostFacts()).some((a) => a.startsWith('TZ=') || a.includes('zoneinfo')));
  });
});

describe('engine security (docker info SecurityOptions)', () => {
  const engine = (over: Partial<{ usernsRemap: boolean; rootless: boolean; selinux: boolean }>) => ({ usernsRemap: false, rootless: false, selinux: false, ...over });
  const facts = (over: Parameters<typeof engine>[0], paths: Record<string, PathKind> = {}) => hostFacts({ '/data': 'dir', '/home/alice/x11docker/app': 'dir', ...paths }, { engine: engine(over) });

  test('a plain daemon: the cookie stays owner-only, no SELinux label', () => {
    const p = plan(['app'], facts({}));
    assert.equal(p.container!.sharedCookie, false);
    assert.ok(!createArgs(['app'], facts({})).some((a) => a.includes('label=type')));
  });

  test('userns-remap: the cookie is readable by the remapped uid; --home turns remapping off; --sharedir alone gets a note', () => {
    assert.equal(plan(['app'], facts({ usernsRemap: true })).container!.sharedCookie, true);
    assert.ok(createArgs(['--home', 'app'], facts({ usernsRemap: true })).includes('--userns=host'));
    assert.match(plan(['--sharedir', '/data', 'app'], facts({ usernsRemap: true })).notes.join('\n'), /userns-remap.*--userns=host/);
    assert.doesNotMatch(plan(['--home', '--sharedir', '/data', 'app'], facts({ usernsRemap: true })).notes.join('\n'), /userns-remap/);
    assert.doesNotMatch(plan(['--sharedir', '/data', '--', '--userns=host', '--', 'app'], facts({ usernsRemap: true })).notes.join('\n'), /userns-remap/);
  });

  test('rootless docker: readable cookie, no --userns=host (refused there); rootless podman keeps the same uid', () => {
    const p = plan(['--home', 'app'], facts({ rootless: true }));
    assert.equal(p.container!.sharedCookie, true);
    assert.ok(!createArgs(['--home', 'app'], facts({ rootless: true })).includes('--userns=host'));
    assert.equal(plan(['--backend=podman', 'app'], facts({ rootless: true })).container!.sharedCookie, false);
  });

  test('rootless docker: the mirrored host user by default (a subordinate uid outside); root in the container (the host user outside) when HOME, a writable shared folder or a socket of the host user is shared', () => {
    const args = (argv: string[]) => createArgs(argv, facts({ rootless: true }));
    assert.ok(args(['app']).includes('--user=1000:1000'));
    assert.ok(args(['--sharedir', '/data:ro', 'app']).includes('--user=1000:1000'), 'read-only: nothing is written');
    for (const argv of [['--home', 'app'], ['--home=/data', 'app'], ['--sharedir', '/data', 'app']]) {
      const p = plan(argv, facts({ rootless: true }));
      assert.ok(args(argv).includes('--user=0:0'), argv.join(' '));
      // name and HOME stay the host user's: a persistent HOME has the same path as on a rootful engine
      assert.deepEqual({ ...p.container!.user }, { name: 'alice', uid: 0, gid: 0, groupName: 'root', home: '/home/alice', shell: '/bin/sh' });
      assert.ok(envOf(args(argv)).includes('HOME=/home/alice'));
      assert.match(p.notes.join('\n'), /runs rootless: the container command runs as root in the container, which is your own user outside/);
      assert.doesNotMatch(p.notes.join('\n'), /may not (be able to )?write/);
    }
    assert.ok(args(['--home', 'app']).includes('--mount=type=bind,source=/home/alice/x11docker/app,target=/home/alice'));
    // HOME is made by x11docker (owned by root in the container) when it is not a mounted folder
    assert.ok(userFiles(plan(['--sharedir', '/data', 'app'], facts({ rootless: true })), { passwd: '' }).some((f) => f.path === '/home/alice' && f.uid === 0 && f.mode === 0o700));
    // a rootful daemon, rootless podman and an explicit other user are unchanged
    assert.ok(createArgs(['--home', 'app'], facts({})).includes('--user=1000:1000'));
    assert.ok(!createArgs(['--backend=podman', '--home', 'app'], facts({ rootless: true })).includes('--user=0:0'));
    const other = plan(['--user=1234', '--sharedir', '/data', 'app'], facts({ rootless: true }));
    assert.equal(other.container!.user.uid, 1234);
    assert.match(other.notes.join('\n'), /runs rootless: shared host folders belong to root.*--user=root/);
  });

  test('userns-remap or rootless docker: a note for shared sockets of the host user, unless --userns=host', () => {
    const res = { video: [], stdinIsTty: false, sshAgent: '/tmp/agent.sock' };
    const binaries = new Set(['Xephyr', 'Xvfb', 'xauth', 'docker', 'weston', 'Xwayland']);
    const facts2 = (over: Parameters<typeof engine>[0]) => hostFacts({}, { engine: engine(over), integration: res, binaries });
    const note = (argv: string[], over: Parameters<typeof engine>[0]) => plan(argv, facts2(over)).notes.join('\n');
    assert.match(note(['--sharessh', 'app'], { usernsRemap: true }), /cannot use the sockets of --sharessh.*--userns=host/);
    // rootless docker: root in the container, which is the host user outside, can use them
    assert.match(note(['--sharessh', 'app'], { rootless: true }), /runs rootless: the container command runs as root .* sockets of --sharessh/);
    assert.equal(plan(['--sharessh', 'app'], facts2({ rootless: true })).container!.user.uid, 0);
    assert.match(note(['--user=1234', '--sharessh', 'app'], { rootless: true }), /runs rootless: the container user is another uid on the host and cannot use the sockets of --sharessh, which belong to you\. Leave out --user/);
    // a compositor's socket (mode 0755) too
    assert.equal(plan(['--weston', 'app'], facts2({ rootless: true })).container!.user.uid, 0);
    assert.match(note(['--weston', 'app'], { rootless: true }), /runs as root in the container, which is your own user outside, so that it can use the sockets of --weston\./);
    assert.equal(plan(['--weston-xwayland', 'app'], facts2({ rootless: true })).container!.user.uid, 1000, 'X only: the X socket is open to all');
    assert.match(note(['--weston', 'app'], { usernsRemap: true }), /cannot use the sockets of --weston/);
    assert.doesNotMatch(note(['--sharessh', '--', '--userns=host', '--', 'app'], { usernsRemap: true }), /cannot use the sockets/);
    assert.doesNotMatch(note(['--sharessh', 'app'], {}), /cannot use the sockets/);
  });

  test('SELinux: upstream\'s container_runtime_t label with a warning, unless the raw options set a label', () => {
    const p = plan(['app'], facts({ selinux: true }));
    assert.match(p.warnings.join('\n'), /SELinux.*container_runtime_t/);
    assert.ok(createArgs(['app'], facts({ selinux: true })).includes('--security-opt=label=type:container_runtime_t'));
    const own = createArgs(['--', '--security-opt', 'label=type:my_t', '--', 'app'], facts({ selinux: true }));
    assert.equal(own.filter((a) => a.includes('label=type:')).length, 1);
    const off = plan(['--', '--security-opt=label=disable', '--', 'app'], facts({ selinux: true }));
    assert.doesNotMatch(off.warnings.join('\n'), /SELinux/);
  });
});

describe('XDG_RUNTIME_DIR', () => {
  test('every container gets a private tmpfs runtime folder, unless the display brings one (Wayland) or --user=RETAIN', () => {
    const x = { containerEnv: {}, containerMounts: [] };
    assert.deepEqual(runtimeDirExtras(plan(['app']), x), { mounts: [{ source: '', target: '/tmp/XDG_RUNTIME_DIR', readonly: false, tmpfs: true }], env: { XDG_RUNTIME_DIR: '/tmp/XDG_RUNTIME_DIR' } });
    const wayland = { containerEnv: { WAYLAND_DISPLAY: 'wayland-0', XDG_RUNTIME_DIR: '/tmp/XDG_RUNTIME_DIR' }, containerMounts: [{ target: '/tmp/XDG_RUNTIME_DIR' }] };
    assert.deepEqual(runtimeDirExtras(plan(['app']), wayland), { mounts: [], env: {} });
    assert.deepEqual(runtimeDirExtras(plan(['--user=RETAIN', 'app']), x), { mounts: [], env: {} });
  });
});

describe('--sharedir over x11docker\'s own folder in the container', () => {
  test('/x11docker and folders below it are refused, naming the option', () => {
    for (const p of ['/x11docker', '/x11docker/sub']) {
      assertX11Error(() => plan(['--sharedir', p, 'app'], hostFacts({ [p]: 'dir' })), `--sharedir ${p}`, '/x11docker');
    }
    assert.doesNotThrow(() => plan(['--sharedir', '/x11dockerdata', 'app'], hostFacts({ '/x11dockerdata': 'dir' })));
  });
});

describe('--user=UID:GID edge cases', () => {
  test('uid 0 with another group is root, with the root warning', () => {
    const p = plan(['--user=0:1000', 'app']);
    assert.deepEqual([p.container!.user.name, p.container!.user.uid, p.container!.user.gid, p.container!.user.home], ['root', 0, 1000, '/root']);
    assert.match(p.warnings.join('\n'), /--user=0:1000: the container command runs as root/);
  });

  test("the host user's uid with another gid keeps the host user's name and HOME", () => {
    const p = plan(['--user=1000:0', 'app']);
    assert.deepEqual([p.container!.user.name, p.container!.user.uid, p.container!.user.gid, p.container!.user.home], ['alice', 1000, 0, '/home/alice']);
    assert.match(p.warnings.join('\n'), /your host user with gid 0/);
  });
});

describe('--runtime and --limit', () => {
  test('--runtime passes the engine runtime; a bad name is refused', () => {
    assert.ok(createArgs(['--runtime', 'crun', 'app']).includes('--runtime=crun'));
    assertX11Error(() => plan(['--runtime', 'a b', 'app']), '--runtime');
  });

  test('--limit[=FACTOR]: FACTOR times the CPUs and free RAM (upstream default 0.5), with a note; bad factors refused', () => {
    const host = hostFacts({}, { cpus: 4, freeMemory: 8 * 1024 ** 3 });
    const args = createArgs(['--limit', 'app'], host);
    assert.ok(args.includes('--cpus=2') && args.includes(`--memory=${4 * 1024 ** 3}b`), args.join(' '));
    assert.ok(createArgs(['--limit=0.25', 'app'], host).includes('--cpus=1'));
    assert.match(plan(['--limit', 'app'], host).notes.join('\n'), /--limit=0.5: the container may use 2 CPUs and 4096 MiB/);
    for (const bad of ['0', '1.5', '-1', 'x', '.']) assertX11Error(() => plan([`--limit=${bad}`, 'app'], host), '--limit');
    // raw --cpus / --memory after -- win, and the note says so
    assert.match(plan(['--limit', '--', '--memory=100m', '--', 'app'], host).notes.join('\n'), /2 CPUs and the RAM of your --memory after --/);
    const raw = createArgs(['--limit', '--', '--cpus=3', '-m', '1g', '--', 'app'], host);
    assert.equal(raw.filter((a) => a.startsWith('--cpus')).length, 1);
    assert.ok(!raw.some((a) => a.startsWith('--memory=')));
  });

  test('--limit on an engine without cgroups (rootless docker on cgroup v1) is a warning that nothing is limited, not a note promising limits', () => {
    const host = hostFacts({}, { cpus: 4, freeMemory: 8 * 1024 ** 3, engine: { usernsRemap: false, rootless: true, selinux: false, noCgroups: true } });
    const p = plan(['--limit', 'app'], host);
    assert.match(p.warnings.join('\n'), /--limit=0.5: the container engine manages no cgroups here .* runs unlimited/);
    assert.doesNotMatch(p.notes.join('\n'), /may use/);
    assert.ok(!createArgs(['--limit', 'app'], host).some((a) => a.startsWith('--cpus') || a.startsWith('--memory')));
  });
});
