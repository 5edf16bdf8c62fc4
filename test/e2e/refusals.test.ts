/**
 * End to end: every refusal and error path of the e2e suite, in one table (issue 11: "a stack trace
 * must never reach a user on any path"). Collected from the tests that expect exit code 64
 * (leaks, session, container, services, integration, xservers, wayland, html, hostuser) plus
 * the system-folder refusals of issue 11, item 7. Each run must end with exit 64, exactly one
 * `x11docker error:` line, no line of a stack trace (`    at ...`), and leave nothing behind.
 * (helpers.ts's x11docker() also fails any run of the suite that prints a stack trace.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { CLI, DEMO_IMAGE, STACK_LINE, TEST_USER, assertNothingNew, leftovers, startHostDisplay, x11docker, type HostDisplay, type RunOptions } from './helpers.js';
import { displayBusyReason, listeningAbstractSockets } from '../../src/xserver/display.js';

const BUSYBOX = 'x11docker-test-busybox-x11:latest';
const ENTRYPOINT = 'x11docker-test-entrypoint:latest';

/** One bad invocation: its arguments, its environment or user, and what its one error line says. */
interface Bad {
  readonly args: readonly string[];
  readonly opts?: RunOptions;
  readonly error: RegExp;
}

let host: HostDisplay;
let work: string;
let squatter: Server;
let busyDisplay: number;
const victim = `x11d-refusal-victim-${process.pid}`;
/** A named volume whose driver options bind-mount the host's / (a bind mount in disguise). */
const rootVolume = `x11d-refusal-rootvol-${process.pid}`;
/** Named volumes that are no bind of an absolute folder: a device relative to dockerd's working folder (/), a block device. */
const relVolume = `x11d-refusal-relvol-${process.pid}`;
const blockVolume = `x11d-refusal-blockvol-${process.pid}`;
/** A second engine's socket (name docker.sock) that listens in a folder not on the fixed list. */
let engineSocketServer: Server;
let engineDir: string;
/** A file in x11docker's cache, read by a raw --env-file (another session's html.url there holds its VNC password). */
const cacheFile = join(process.env.HOME ?? '/root', '.cache', 'x11docker', `x11d-e2e-refusal-${process.pid}.env`);

before(async () => {
  host = await startHostDisplay();
  work = mkdtempSync('/tmp/x11docker-e2e-refusals-');
  chmodSync(work, 0o755); // the test user reaches the link in it
  writeFileSync(join(work, 'passwd'), 'sentinel\n');
  symlinkSync('/etc', join(work, 'etc-link'));
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const listening = listeningAbstractSockets();
  busyDisplay = 100;
  while (displayBusyReason(busyDisplay, listening)) busyDisplay++;
  writeFileSync(`/tmp/.X${busyDisplay}-lock`, '    999999\n', { flag: 'wx' });
  await execa('docker', ['create', '--name', victim, DEMO_IMAGE, 'true']);
  await execa('docker', ['volume', 'create', '--driver', 'local', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/', rootVolume]);
  await execa('docker', ['volume', 'create', '--driver', 'local', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=../../../../../../..', relVolume]);
  await execa('docker', ['volume', 'create', '--driver', 'local', '--opt', 'type=ext4', '--opt', 'device=/dev/vda', blockVolume]);
  engineDir = mkdtempSync('/tmp/x11docker-e2e-engine-');
  engineSocketServer = createServer();
  await new Promise<void>((resolve) => engineSocketServer.listen(join(engineDir, 'docker.sock'), resolve));
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, 'X11D_SECRET=from-the-cache\n');
});
after(async () => {
  await host?.stop();
  await new Promise((resolve) => squatter?.close(resolve));
  rmSync(`/tmp/.X${busyDisplay}-lock`, { force: true });
  await execa('docker', ['rm', '-f', victim], { reject: false });
  await execa('docker', ['volume', 'rm', '-f', rootVolume, relVolume, blockVolume], { reject: false });
  await new Promise((resolve) => engineSocketServer?.close(resolve));
  if (engineDir) rmSync(engineDir, { recursive: true, force: true });
  rmSync(cacheFile, { force: true });
  rmSync(work, { recursive: true, force: true });
});

/** The table; a function, because some entries need what `before` made. */
function table(): Bad[] {
  const withDisplay = { env: { DISPLAY: host.display } };
  return [
    // options (leaks.test, session.test)
    { args: ['--display=', DEMO_IMAGE], error: /--display/ },
    { args: ['--size=10x', '--xvfb', DEMO_IMAGE], error: /--size/ },
    { args: ['--size=huge', DEMO_IMAGE], error: /--size/ },
    { args: ['--env', 'A B=1', DEMO_IMAGE], error: /--env/ },
    { args: ['--env', 'novalue', DEMO_IMAGE], error: /--env/ },
    { args: ['--workdir=rel\npath', DEMO_IMAGE], error: /--workdir/ },
    { args: ['--user=a:b:c', DEMO_IMAGE], error: /--user/ },
    { args: ['--backend=', DEMO_IMAGE], error: /--backend/ },
    { args: ['--cleanup', DEMO_IMAGE], error: /--cleanup/ },
    { args: ['--xvfb', `--name=${'x'.repeat(5000)}`, DEMO_IMAGE], error: /--name/ },
    { args: ['--no-such-option', DEMO_IMAGE], error: /no-such-option/ },
    { args: ['--xvfb', '--', '--rm', 'NotAnImage:'], error: /NotAnImage/ },
    { args: ['--gui=notanaddress'], error: /--gui/ },
    // images, displays, engines (session, container, xservers, wayland, leaks, integration)
    { args: ['--xephyr', 'no-such-image:never'], opts: withDisplay, error: /no-such-image:never/ },
    { args: ['--xvfb', '--lang', 'de', DEMO_IMAGE], error: /--lang=de/ },
    { args: ['--kwin-xwayland', DEMO_IMAGE, 'true'], opts: withDisplay, error: /apt-get install kwin-wayland/ },
    { args: ['--hostwayland', DEMO_IMAGE], error: /--hostwayland/ },
    { args: ['--xorg', DEMO_IMAGE], error: /--xorg/ },
    { args: ['--xephyr', DEMO_IMAGE, 'true'], opts: { env: { DISPLAY: ':9' } }, error: /DISPLAY=:9 does not accept a connection/ },
    { args: ['--xvfb', `--display=${busyDisplay}`, DEMO_IMAGE, 'true'], error: new RegExp(`--display=${busyDisplay}: display :${busyDisplay} is in use`) },
    { args: ['--xvfb', '--exe', 'no-such-binary-x11d'], error: /--exe/ },
    { args: ['--xvfb', '--clipboard', DEMO_IMAGE], error: /--clipboard/ },
    { args: ['--xvfb', '--backend=nerdctl', DEMO_IMAGE, 'true'], error: /nerdctl/ },
    { args: ['--xvfb', DEMO_IMAGE, 'true'], opts: { env: { DOCKER_HOST: `unix://${work}/no-engine.sock` } }, error: /docker does not answer/ },
    { args: ['--xvfb', '--keymap=nosuchlayout', DEMO_IMAGE, 'true'], error: /--keymap=nosuchlayout/ },
    { args: [`--html=127.0.0.1:${(squatter.address() as { port: number }).port}`, DEMO_IMAGE], error: /--html=127\.0\.0\.1:\d+: websockify could not listen there/ },
    // the engine refuses (session, services)
    { args: ['--xvfb', '--', '--no-such-engine-flag', '--', DEMO_IMAGE, 'true'], error: /docker create failed/ },
    { args: ['--xvfb', '--', '--device=/dev/nonexistent', '--', DEMO_IMAGE, 'true'], error: /could not start the container/ },
    { args: ['--xvfb', '--runtime=nosuchruntime', DEMO_IMAGE, 'true'], error: /nosuchruntime/ },
    { args: ['--xvfb', '--name', victim, DEMO_IMAGE, 'true'], error: new RegExp(victim) },
    // services and integration
    { args: ['--xvfb', '--hostdbus', DEMO_IMAGE, 'true'], opts: { env: { XDG_RUNTIME_DIR: `${work}/none` } }, error: /--hostdbus/ },
    { args: ['--xvfb', '--pulseaudio', DEMO_IMAGE, 'true'], opts: { env: { XDG_RUNTIME_DIR: `${work}/none` } }, error: /--pulseaudio/ },
    { args: ['--xvfb', '--sharessh', DEMO_IMAGE, 'true'], error: /--sharessh/ },
    { args: ['--xvfb', '--runasroot', 'echo ran-as-root', BUSYBOX, 'true'], error: /setpriv of util-linux/ },
    // users and HOME (container, hostuser)
    { args: ['--xvfb', '--user=nosuchuser-x11d', DEMO_IMAGE], error: /--user: host user 'nosuchuser-x11d' not found/ },
    { args: ['--xvfb', '--user=RETAIN', '--init=runit', ENTRYPOINT, 'true'], error: /--user=RETAIN cannot be combined with --init=runit/ },
    { args: ['--xvfb', '--hostuser=root', DEMO_IMAGE, 'true'], opts: { asUser: TEST_USER }, error: /--hostuser needs x11docker to run as root/ },
    { args: ['--xvfb', DEMO_IMAGE, 'true'], opts: { env: { HOME: `${work}/no-home` } }, error: /HOME=\S+ of root \(uid 0\) does not exist/ },
    // shared folders and raw mounts (container)
    { args: ['--xvfb', '--sharedir', '', DEMO_IMAGE], error: /--sharedir/ },
    { args: ['--xvfb', '--sharedir', '/nonexistent/x11docker-e2e', DEMO_IMAGE], error: /--sharedir/ },
    { args: ['--xvfb', '--sharedir', '/tmp/.X11-unix', DEMO_IMAGE], error: /--sharedir \/tmp\/.X11-unix is refused/ },
    { args: ['--xvfb', '--sharedir', '/etc:ro', DEMO_IMAGE], error: /--sharedir \/etc.*\/etc\/passwd/ },
    { args: ['--xvfb', '--', '-v', '/tmp/.X11-unix:/hostx', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/tmp\/.X11-unix:\/hostx' is refused/ },
    { args: ['--xvfb', '--', '-v', `${work}:/etc`, '--', DEMO_IMAGE, 'true'], error: /covers \/etc\/passwd/ },
    // the attack of issue 12: a raw mount of / (or of a folder containing HOME) showed the engine
    // socket, the host's X sockets and /proc inside; refused as --sharedir is, also read-only
    { args: ['--xvfb', '--', '-v', '/:/host', '--', DEMO_IMAGE, 'ls', '-l', '/host/run/docker.sock'], error: /Raw option '-v \/:\/host' is refused: it shares \/ and it contains / },
    { args: ['--xvfb', '--', '-v', '/:/host:ro', '--', DEMO_IMAGE, 'ls', '/host/tmp/.X11-unix'], error: /Raw option '-v \/:\/host:ro' is refused/ },
    { args: ['--xvfb', '--', '--mount', 'type=bind,src=/,dst=/host,readonly', '--', DEMO_IMAGE, 'true'], error: /Raw option '--mount type=bind,src=\/,dst=\/host,readonly' is refused/ },
    { args: ['--xvfb', '--sharedir=/', DEMO_IMAGE, 'true'], error: /Option --sharedir: sharing the host's root folder \/ is refused/ },
    { args: ['--xvfb', '--', '-v', '/run:/r', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/run:\/r' is refused/ },
    { args: ['--xvfb', '--', '-v', '/proc:/p:ro', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/proc:\/p:ro' is refused/ },
    { args: ['--xvfb', '--', '-v', '/var:/v:ro', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/var:\/v:ro' is refused: .*\/var\/(run|lib\/docker)/ },
    { args: ['--xvfb', '--', '-v', '/home:/h:ro', '--', BUSYBOX, 'true'], opts: { asUser: TEST_USER }, error: /Raw option '-v \/home:\/h:ro' is refused: .*x11docker's cache/ },
    // a second attack on issue 12's fix: the same mounts in the forms docker also reads
    { args: ['--xvfb', '--', '--mount', 'Type=Bind,Source=/,Target=/h', '--', DEMO_IMAGE, 'ls', '/h/run'], error: /Raw option '--mount Type=Bind,Source=\/,Target=\/h' is refused: it shares \/ and/ },
    { args: ['--xvfb', '--', '--mount', 'type=volume,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/', '--', DEMO_IMAGE, 'ls', '/h/run'], error: /Raw option '--mount type=volume,dst=\/h,[^']*' is refused: it shares \/ and/ },
    { args: ['--xvfb', '--', '-v', `${rootVolume}:/h`, '--', DEMO_IMAGE, 'ls', '/h/run'], error: new RegExp(`Raw option '-v ${rootVolume}:/h' is refused: it shares / and`) },
    { args: ['--xvfb', '--', '--use-api-socket', '--', DEMO_IMAGE, 'true'], error: /Raw option '--use-api-socket' is refused: it mounts the container engine's socket/ },
    { args: ['--xvfb', '--', `--volumes-from=${victim}`, '--', DEMO_IMAGE, 'true'], error: /Raw option '--volumes-from=\S+' is refused: x11docker cannot judge the mounts of another container/ },
    { args: ['--xvfb', '--', '-v', '/run/docker:/d', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/run\/docker:\/d' is refused: .*dockerd's own containerd/ },
    { args: ['--xvfb', '--', '-v', '/run/user/0:/u', '--', DEMO_IMAGE, 'true'], error: /Raw option '-v \/run\/user\/0:\/u' is refused: .*rootless container engine/ },
    // the third attack on the raw options (issue 12): volumes that are no bind of an absolute folder
    { args: ['--xvfb', '--', '--mount', 'type=volume,dst=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=../../../../../../..', '--', DEMO_IMAGE, 'ls', '/d/run'], error: /Raw option '--mount type=volume,[^']*' is refused: its volume binds device=\.\.\/[^,]*, a relative path.*can judge only bind and tmpfs volumes; share a folder with --sharedir/ },
    { args: ['--xvfb', '--', '-v', `${relVolume}:/d`, '--', DEMO_IMAGE, 'ls', '/d/run'], error: new RegExp(`Raw option '-v ${relVolume}:/d' is refused: its volume binds device=\\.\\./.*can judge only bind and tmpfs volumes`) },
    { args: ['--xvfb', '--', '-v', `${blockVolume}:/d`, '--', DEMO_IMAGE, 'true'], error: new RegExp(`Raw option '-v ${blockVolume}:/d' is refused: its volume mounts type=ext4 of device=/dev/vda`) },
    { args: ['--xvfb', '--', '--mount', 'type=volume,dst=/d,volume-opt=type=ext4,volume-opt=device=/dev/vda', '--', DEMO_IMAGE, 'true'], error: /Raw option '--mount type=volume,[^']*' is refused: its volume mounts type=ext4/ },
    { args: ['--xvfb', '--', '--mount', `type=volume,dst=/d,volume-opt=type=overlay,"volume-opt=o=lowerdir=/run:${process.env.HOME ?? '/root'}/.cache",volume-opt=device=overlay`, '--', DEMO_IMAGE, 'ls', '/d'], error: /Raw option '--mount type=volume,[^']*' is refused: its volume mounts type=overlay/ },
    // control characters that docker's CSV reader reads otherwise than x11docker (API and CLI transport, podman)
    { args: ['--xvfb', '--', '--mount', '\ntype=bind,source=/,target=/host', '--', DEMO_IMAGE, 'ls', '/host/run'], error: /docker run option '--mount \S*type=bind,source=\/,target=\/host' after '--' contains a control character/ },
    { args: ['--xvfb', '--', '--mount', 'target=/x\r,type=bind,source=/,target=/host', '--env-file', '/dev/null', '--', DEMO_IMAGE, 'ls', '/host/run'], opts: { env: { X11DOCKER_ENGINE_TRANSPORT: 'cli' } }, error: /contains a control character/ },
    { args: ['--xvfb', '--backend=podman', '--', '--mount', '\ntype=bind,source=/,target=/host', '--', DEMO_IMAGE, 'ls', '/host/run'], error: /contains a control character/ },
    // a listening engine socket off the fixed list, raw and --sharedir
    { args: ['--xvfb', '--', '-v', `${engineDir}:/d:ro`, '--', DEMO_IMAGE, 'ls', '/d'], error: /Raw option '-v \S+engine-\w+:\/d:ro' is refused: .*it contains \S+engine-\w+\/docker\.sock, a listening container engine socket/ },
    { args: ['--xvfb', '--sharedir', `${engineDir}:ro`, DEMO_IMAGE, 'true'], error: /Option --sharedir \S+engine-\w+:ro is refused: it contains \S+engine-\w+\/docker\.sock, a listening container engine socket/ },
    // files of x11docker's cache read by --env-file/--label-file
    { args: ['--xvfb', '--', '--env-file', cacheFile, '--', DEMO_IMAGE, 'env'], error: /Raw option '--env-file \S+' is refused: it reads \S+ and it is x11docker's cache/ },
    { args: ['--xvfb', '--', `--label-file=${cacheFile}`, '--', DEMO_IMAGE, 'true'], error: /Raw option '--label-file=\S+' is refused: it reads/ },
    // system folders (issue 11, item 7): never HOME; never writable for root inside
    { args: ['--xvfb', '--homedir=/nonexistent/../../etc', DEMO_IMAGE, 'true'], error: /^x11docker error: Option --homedir \/etc is refused: it is a system folder of the host.*Give a folder of your own as HOME/m },
    { args: ['--xvfb', '--homedir', join(work, 'etc-link'), BUSYBOX, 'true'], opts: { asUser: TEST_USER }, error: /Option --homedir \S+etc-link \(a symbolic link to \/etc\) is refused: it is a system folder/ },
    { args: ['--xvfb', '--home=/usr/local/x11docker-e2e-home', DEMO_IMAGE, 'true'], error: /Option --homedir \/usr\/local\/x11docker-e2e-home is refused: it is a system folder/ },
    { args: ['--xvfb', '--sharedir', '/usr/share/doc', DEMO_IMAGE, 'true'], error: /^x11docker error: Option --sharedir \/usr\/share\/doc is refused: .*root in the container .*add :ro/m },
    { args: ['--xvfb', '--user=root', '--sharedir', '/usr/share/doc', BUSYBOX, 'true'], opts: { asUser: TEST_USER }, error: /--sharedir \/usr\/share\/doc is refused: .*root in the container/ },
    { args: ['--xvfb', '--', '-v', '/usr/share/doc:/doc', '--', DEMO_IMAGE, 'true'], error: /^x11docker error: Raw option '-v \/usr\/share\/doc:\/doc' is refused: .*system folder.*add :ro/m },
  ];
}

describe('every refusal and error path: exit 64, one line, no stack trace, nothing left', () => {
  it('the table of bad invocations', async () => {
    const base = await leftovers();
    for (const bad of table()) {
      const what = JSON.stringify(bad.args).slice(0, 200);
      const r = await x11docker(bad.args, { timeoutMs: 90000, ...bad.opts });
      const stderr = String(r.stderr);
      assert.equal(r.exitCode, 64, `${what}: ${stderr}`);
      assert.doesNotMatch(stderr, STACK_LINE, what);
      const errors = stderr.split('\n').filter((l) => l.startsWith('x11docker error'));
      assert.equal(errors.length, 1, `${what}: ${stderr}`);
      assert.match(errors[0]!, bad.error, what);
    }
    assert.equal(readFileSync(join(work, 'passwd'), 'utf8'), 'sentinel\n', 'nothing was written through a raw mount');
    assert.equal(existsSync('/usr/local/x11docker-e2e-home'), false, 'a refused HOME is not created');
    await assertNothingNew(base, 10000);
  });

  it('a system folder read-only, or without root inside, is still shared with upstream\'s warning', async () => {
    const ro = await x11docker(['--xvfb', '--sharedir', '/usr/share/doc:ro', '--', '-v', '/usr/share/doc:/doc:ro', '--', DEMO_IMAGE, 'sh', '-c', 'test -d /usr/share/doc && test -d /doc && echo shared=yes']);
    assert.equal(ro.exitCode, 0, ro.stderr);
    assert.match(ro.stdout, /^shared=yes$/m);
    assert.match(ro.stderr, /WARNING: Option --sharedir \/usr\/share\/doc:ro: a sensitive host path/);
    assert.match(ro.stderr, /WARNING: Raw option '-v \/usr\/share\/doc:\/doc:ro': a sensitive host path/);
    const user = await x11docker(['--xvfb', '--sharedir', '/usr/share/doc', BUSYBOX, 'sh', '-c', 'test -d /usr/share/doc && echo shared=yes'], { asUser: TEST_USER });
    assert.equal(user.exitCode, 0, user.stderr);
    assert.match(user.stdout, /^shared=yes$/m);
    assert.match(user.stderr, /WARNING: Option --sharedir \/usr\/share\/doc: a sensitive host path/);
  });
});

describe('output that cannot be written; a kubeconfig that is no kubeconfig', () => {
  it('--kube-manifest > /dev/full: one line naming the output (not "a bug"), exit 64; --help | head -1: quiet', async () => {
    const full = await execa('sh', ['-c', `node ${JSON.stringify(CLI)} --kube-manifest --hostuser=${TEST_USER} ${DEMO_IMAGE} xeyes > /dev/full`], { reject: false, env: { NO_COLOR: '1' } });
    assert.equal(full.exitCode, 64, full.stderr);
    assert.deepEqual(full.stderr.split('\n').filter(Boolean), ['x11docker error: cannot write the output (ENOSPC: no space left on device). Check where standard output goes (a full disk, a closed pipe).']);
    const head = await execa('sh', ['-c', `node ${JSON.stringify(CLI)} --help | head -1`], { reject: false, env: { NO_COLOR: '1' } });
    assert.equal(head.exitCode, 0);
    assert.equal(head.stderr, '', 'no error when the reader closes the pipe early');
  });
  it('an empty kubeconfig: one line saying it is no kubeconfig, not a JavaScript TypeError', async () => {
    const dir = mkdtempSync('/tmp/x11d-kc-');
    try {
      writeFileSync(join(dir, 'config'), '');
      const r = await x11docker(['--backend=kubernetes', `--hostuser=${TEST_USER}`, DEMO_IMAGE, 'xeyes'], { env: { KUBECONFIG: join(dir, 'config') } });
      assert.equal(r.exitCode, 64, String(r.stderr));
      assert.deepEqual(String(r.stderr).split('\n').filter(Boolean), ['x11docker error: Option --backend=kubernetes: cannot read your kubeconfig (it is empty or not a kubeconfig). Fix KUBECONFIG or ~/.kube/config.']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
