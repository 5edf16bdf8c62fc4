// Remote docker engines (src/plan/remote.ts, src/run/engine-endpoint.ts engineAddress): what is
// remote, the refusals before anything starts, and the docker commands of a remote --html session.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseCommandLine } from '../../src/options/parse.js';
import { checkRemoteOptions, isRemoteHost, remoteApp, remoteCommands, remoteView, REMOTE_XAUTHORITY, STDIO_RELAY } from '../../src/plan/remote.js';
import { planSession } from '../../src/plan/plan.js';
import { LABEL_HOST } from '../../src/plan/argv.js';
import { hostIdentity, sessionLiveness } from '../../src/host/identity.js';
import type { HostFacts } from '../../src/host/facts.js';
import { X11DockerError } from '../../src/errors.js';
import { xpraClientArgs, xpraServerArgs } from '../../src/xserver/xpra.js';
import { engineAddress, findEndpoint } from '../../src/run/engine-endpoint.js';

const HOST = 'tcp://10.0.0.5:2375';
const says = (re: RegExp) => (e: Error) => re.test(e.message);
const check = (argv: string[]) => checkRemoteOptions(parseCommandLine(argv), HOST);
const has = (args: readonly string[], ...want: string[]) => want.forEach((w) => assert.ok(args.includes(w), `${w} in ${args.join(' ')}`));

describe('remote engines: what is remote', () => {
  test('a UNIX socket is local; tcp:// (also 127.0.0.1), ssh:// and HOST:PORT are remote', () => {
    for (const h of ['unix:///var/run/docker.sock', 'unix:///run/user/1000/docker.sock', 'npipe:////./pipe/docker_engine', 'fd://']) assert.equal(isRemoteHost(h), false, h);
    for (const h of ['tcp://127.0.0.1:2375', 'tcp://box:2376', 'ssh://me@box', 'ssh://box:2222', 'box:2375', '[::1]:2375']) assert.equal(isRemoteHost(h), true, h);
  });

  test('the address: DOCKER_HOST, else the docker context\'s endpoint; CONTAINER_HOST for podman', (t) => {
    assert.equal(engineAddress('docker', { DOCKER_HOST: 'ssh://me@box', HOME: '/nonexistent' }), 'ssh://me@box');
    assert.equal(engineAddress('docker', { HOME: '/nonexistent' }), undefined);
    // a scheme the CLI does not know (upper case too) is one line, not a host name 'TCP' (breaker)
    assert.throws(() => engineAddress('docker', { DOCKER_HOST: 'TCP://127.0.0.1:1', HOME: '/nonexistent' }), /^X11DockerError: DOCKER_HOST='TCP:\/\/127\.0\.0\.1:1': the engine's CLI does not know the scheme 'TCP'\. Use tcp:\/\/, ssh:\/\/ or unix:\/\/ \(lower case\), or unset DOCKER_HOST\.$/);
    assert.throws(() => engineAddress('podman', { CONTAINER_HOST: 'http://h:1' }), /CONTAINER_HOST='http:\/\/h:1': the engine's CLI does not know the scheme 'http'/);
    const config = mkdtempSync(join(tmpdir(), 'x11docker-unit-'));
    t.after(() => rmSync(config, { recursive: true, force: true }));
    const meta = join(config, 'contexts', 'meta', createHash('sha256').update('far').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'far', Endpoints: { docker: { Host: 'tcp://far.example:2376' } } }));
    assert.equal(engineAddress('docker', { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'far' }), 'tcp://far.example:2376');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'far' }));
    assert.equal(engineAddress('docker', { DOCKER_CONFIG: config }), 'tcp://far.example:2376');
    assert.equal(engineAddress('podman', { CONTAINER_HOST: 'ssh://me@box/run/podman/podman.sock' }), 'ssh://me@box/run/podman/podman.sock');
    assert.equal(engineAddress('nerdctl', { DOCKER_HOST: 'tcp://x:1' }), undefined);
  });
});

describe('remote engines: refusals (one line, before anything starts)', () => {
  test('without --html or --xpra: says the engine is remote and names both', () => {
    assert.throws(() => check(['x11docker-demo', 'xeyes']), says(/^The docker engine at tcp:\/\/10\.0\.0\.5:2375 is remote \(it does not share this machine's files and sockets.*\)\. Use --html .*, or --xpra /));
    assert.throws(() => check(['--xvfb', 'x11docker-demo']), says(/is remote \(it does not share.*Use --html .*, or --xpra /));
    // another display option: one line naming it and both that work there
    for (const o of ['--xephyr', '--xpra2', '--xpra-xwayland', '--nxagent', '--weston-xwayland']) {
      assert.throws(() => check([o, 'x11docker-demo']), says(new RegExp(`is remote \\(${o} is not available there: .*\\)\\. Use --html \\(in your browser\\) or --xpra \\(windows on your display\\)\\.$`)), o);
    }
  });

  test('the view: --html, else --xpra, else none', () => {
    assert.equal(remoteView(parseCommandLine(['--html', 'img'])), 'html');
    assert.equal(remoteView(parseCommandLine(['--xpra', 'img'])), 'xpra');
    assert.equal(remoteView(parseCommandLine(['--xvfb', 'img'])), undefined);
    assert.equal(remoteView(parseCommandLine(['img'])), undefined);
  });

  test('with --xpra: accepted with --xc, --desktop, --size, --clipboard, --network; the same refusals as --html', () => {
    assert.doesNotThrow(() => check(['--xpra', 'x11docker-demo', 'xeyes']));
    assert.doesNotThrow(() => check(['--xc', '--xpra', '--desktop', '--fullscreen', '--size=800x600', '--clipboard', '--network', '--scale=1.5', '--border', 'x11docker-demo']));
    assert.throws(() => check(['--html', '--xpra', 'img']), says(/--xpra is not available there\)\. Use --html alone \(Xvfb\), or --xpra alone\./));
    for (const [argv, re] of [
      [['--xpra', '--home', 'img'], /--home and --sharedir/],
      [['--xpra', '--xc=no', 'img'], /--xc=no/],
      [['--xpra', '--hostnet', 'img'], /--hostnet/],
      [['--xpra', '--showenv', 'img'], /--showenv: its display is on the engine.*Remove --showenv\.$/],
      [['--xpra', '--pulseaudio', 'img'], /--pulseaudio is not available there yet/],
      [['--xpra', '--', '--privileged', '--', 'img'], /after '--' \(--privileged\)/],
      [['--xpra', '--backend=podman', 'img'], /only docker is supported there yet\)\. Use --backend=docker \(DOCKER_HOST or a docker context\), or a local podman \(unset CONTAINER_HOST\)\.$/],
      [['--backend=podman', 'img'], /only docker is supported there yet/],
      [['--xpra', '--xonly'], /needs an image/],
    ] as const) {
      assert.throws(() => check([...argv]), says(re), argv.join(' '));
    }
  });

  test('with --html: host folders, another X server, --xc=no, raw options, services and podman are refused', () => {
    assert.doesNotThrow(() => check(['--html', 'x11docker-demo', 'xeyes']));
    assert.doesNotThrow(() => check(['--xc', '--html', '--network', '--size=800x600', '--clipboard', 'x11docker-demo']));
    for (const [argv, re] of [
      [['--html', '--home', 'img'], /--home and --sharedir/],
      [['--html', '--sharedir=/tmp', 'img'], /--home and --sharedir/],
      [['--html', '--xephyr', 'img'], /--xephyr is not available there.*--xpra alone/],
      [['--html', '--xc=no', 'img'], /--xc=no/],
      [['--html', '--hostnet', 'img'], /--hostnet/],
      [['--html', '--showenv', 'img'], /--showenv: its display is on the engine/],
      [['--html', '--pulseaudio', 'img'], /--pulseaudio is not available there yet/],
      [['--html', '--', '--privileged', '--', 'img'], /after '--' \(--privileged\)/],
      [['--html', '--backend=podman', 'img'], /only docker/],
      [['--html', '--xonly'], /needs an image/],
    ] as const) {
      assert.throws(() => check([...argv]), says(re), argv.join(' '));
    }
  });
});

describe('remote engines: the docker commands of a --html session', () => {
  const c = remoteCommands({ sessionId: 'abc123', pid: 77, xcImage: 'x11docker-xserver', image: 'x11docker-demo', command: ['xeyes', '-fg', 'red'], uid: 1000, gid: 1001, clipboard: false });

  test('every container and volume carries the session\'s labels', () => {
    for (const args of [...c.volumes, c.prepare, c.display, c.app]) has(args, '--label=x11docker.session=abc123', '--label=x11docker.pid=77');
  });

  test('the display and the app are hardened: no capabilities, no-new-privileges, the user, no network; the display read-only', () => {
    for (const args of [c.display, c.app]) has(args, '--cap-drop=ALL', '--security-opt=no-new-privileges', '--init', '--user=1000:1001', '--network=none');
    has(c.display, '--read-only', '--tmpfs=/tmp');
    assert.ok(!c.display.some((a) => a.startsWith('--publish') || a === '-p'));
    // the prepare step: root with CAP_CHOWN only, no network
    has(c.prepare, '--cap-drop=ALL', '--cap-add=CHOWN', '--network=none', '--user=0:0', '--rm', '-i');
    assert.equal(c.prepare.filter((a) => a.startsWith('--cap-add')).length, 1);
  });

  test('the app gets the X socket and the cookie read-only, DISPLAY and XAUTHORITY, and its command after the image', () => {
    has(c.app, `--volume=${c.names.socketVolume}:/tmp/.X11-unix:ro`, `--volume=${c.names.filesVolume}:/x11docker:ro`, '--env=DISPLAY=:100', `--env=XAUTHORITY=${REMOTE_XAUTHORITY}`);
    assert.deepEqual(c.app.slice(-4), ['x11docker-demo', 'xeyes', '-fg', 'red']);
    assert.equal(c.app[c.app.length - 5], '--');
    assert.deepEqual(c.startApp, ['start', '-a', c.names.app]);
  });

  test('the VNC password and x11vnc\'s socket stay in the display container\'s private /tmp; clipboard off unless asked', () => {
    assert.ok(!c.app.some((a) => a.includes('vncpasswd') || a.includes('vnc.sock')));
    assert.equal(c.view.kind, 'html');
    has(c.view.server, '-unixsock', '/tmp/vnc.sock', '-passwdfile', '/tmp/vncpasswd', '-rfbport', '0', '-noclipboard');
    assert.deepEqual(c.view.relay, ['exec', '-i', c.names.display, 'python3', '-c', STDIO_RELAY, '/tmp/vnc.sock']);
    const withClip = remoteCommands({ sessionId: 'x', pid: 1, xcImage: 'i', image: 'j', command: [], uid: 1, gid: 1, clipboard: true });
    assert.ok(!withClip.view.server.includes('-noclipboard'));
  });

  test('--network: none by default, the engine default for --network, else the network given', () => {
    const net = (network: string | undefined) => remoteCommands({ sessionId: 'x', pid: 1, xcImage: 'i', image: 'j', command: [], uid: 1, gid: 1, clipboard: false, ...(network !== undefined ? { network } : {}) }).app.filter((a) => a.startsWith('--network'));
    assert.deepEqual(net(undefined), ['--network=none']);
    assert.deepEqual(net(''), []);
    assert.deepEqual(net('bridge'), ['--network=bridge']);
  });

  test('the removal names both containers and both volumes', () => {
    assert.deepEqual(c.removeContainers, ['rm', '--force', c.names.app, c.names.display]);
    assert.deepEqual(c.removeVolumes, ['volume', 'rm', '--force', c.names.socketVolume, c.names.filesVolume]);
  });

  test('the stdio relay is valid Python that copies both ways through a UNIX socket', { skip: !hasPython() && 'no python3' }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-unit-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const sock = join(dir, 's');
    // an echo server in Python, then the relay with "hello" on stdin
    const out = execFileSync('python3', ['-c', [
      'import socket, subprocess, sys, threading',
      `srv = socket.socket(socket.AF_UNIX); srv.bind(${JSON.stringify(sock)}); srv.listen(1)`,
      'def echo():',
      '    c, _ = srv.accept()',
      '    while True:',
      '        d = c.recv(100)',
      '        if not d: break',
      '        c.sendall(d.upper())',
      '    c.close()',
      'threading.Thread(target=echo, daemon=True).start()',
      `r = subprocess.run([sys.executable, '-c', ${JSON.stringify(STDIO_RELAY)}, ${JSON.stringify(sock)}], input=b'hello', capture_output=True, timeout=10)`,
      'sys.stdout.write(r.stdout.decode())',
    ].join('\n')], { encoding: 'utf8' });
    assert.equal(out, 'HELLO');
  });
});

describe('remote engines: the docker commands of an --xpra session', () => {
  const spec = { sessionId: 'abc123', pid: 77, xcImage: 'x11docker-xserver', image: 'x11docker-demo', command: ['xeyes'], uid: 1000, gid: 1001, clipboard: false, view: 'xpra' as const };
  const c = remoteCommands(spec);
  const v = c.view;

  test('the display, the app and the volumes are those of --html; no x11vnc, no password', () => {
    const html = remoteCommands({ ...spec, view: 'html' });
    for (const k of ['volumes', 'prepare', 'display', 'ready', 'app', 'startApp', 'removeContainers', 'removeVolumes'] as const) assert.deepEqual(c[k], html[k], k);
    assert.equal(v.kind, 'xpra');
    assert.ok(![...v.server, ...v.ready, ...v.relay].some((a) => a.includes('x11vnc') || a.includes('vncpasswd')));
  });

  test('the xpra server: docker exec -d in the display container, on its display, its socket in a 0700 folder of its private /tmp, output to a log there', () => {
    assert.deepEqual(v.server.slice(0, 2), ['exec', '-d']);
    const at = v.server.indexOf(c.names.display);
    assert.ok(at > 1);
    // environment: no system configuration, the display and its cookie
    assert.deepEqual(v.server.slice(2, at).sort(), ['--env=DISPLAY=:100', '--env=NO_AT_BRIDGE=1', `--env=XAUTHORITY=${REMOTE_XAUTHORITY}`, '--env=XDG_RUNTIME_DIR=/tmp/xpra', '--env=XPRA_SYSTEM_CONF_DIRS=', '--env=XPRA_UINPUT=0']);
    assert.deepEqual(v.server.slice(at + 1, at + 3), ['sh', '-c']);
    assert.equal(v.server[at + 3], 'umask 077 && mkdir -p /tmp/xpra && exec xpra "$@" >/tmp/xpra.log 2>&1');
    // "$@": xpra's arguments stay words (sh's $0, then the server's arguments of a local --xpra)
    assert.deepEqual(v.server.slice(at + 4), ['sh', ...xpraServerArgs({ display: 100, socketDir: '/tmp/xpra', desktop: false, clipboard: false })]);
    has(v.server, 'start', ':100', '--use-display=yes', '--daemon=no', '--bind=/tmp/xpra/socket', '--socket-dir=/tmp/xpra', '--sharing=no', '--clipboard=no', '--html=off', '--start=', '--mdns=no', '--resize-display=no');
    assert.ok(!v.server.some((a) => /^--bind-(tcp|ssl|ws|wss|vsock)/.test(a) || a.startsWith('--publish')));
  });

  test('ready once the server printed "xpra is ready"; the relay is the stdio relay to its socket', () => {
    assert.deepEqual(v.ready, ['exec', c.names.display, 'grep', '-q', 'xpra is ready', '/tmp/xpra.log']);
    assert.deepEqual(v.relay, ['exec', '-i', c.names.display, 'python3', '-c', STDIO_RELAY, '/tmp/xpra/socket']);
    assert.equal(v.kind === 'xpra' && v.log.includes('/tmp/xpra.log'), true);
  });

  test('--desktop: start-desktop (and the screen may be resized); --clipboard: on', () => {
    const d = remoteCommands({ ...spec, desktop: true, clipboard: true }).view;
    has(d.server, 'start-desktop', '--clipboard=yes');
    assert.ok(!d.server.includes('--resize-display=no') && !d.server.includes('start'));
  });

  test('the client here: attach to the relay\'s socket with a local --xpra\'s options', () => {
    const args = xpraClientArgs({ socket: '/tmp/x11docker-remote-1-a/xpra.sock', socketDir: '/tmp/x11docker-remote-1-a', desktop: false, fullscreen: false, clipboard: false });
    assert.deepEqual(args.slice(0, 3), ['attach', 'socket:/tmp/x11docker-remote-1-a/xpra.sock', '--socket-dirs=/tmp/x11docker-remote-1-a']);
    has(args, '--tray=no', '--title=@title@', '--clipboard=no', '--opengl=no', '--speaker=no', '--printing=no', '--file-transfer=no');
    has(xpraClientArgs({ socket: 's', socketDir: 'd', desktop: true, fullscreen: true, clipboard: true }), '--desktop-fullscreen=yes', '--clipboard=yes');
  });
});

/** Whether python3 runs here (the relay's test). */
function hasPython(): boolean {
  try {
    execFileSync('python3', ['-V']);
    return true;
  } catch {
    return false;
  }
}

describe('remote engines: the address as the docker CLI reads it (trimmed; control characters refused)', () => {
  test('white space around DOCKER_HOST or CONTAINER_HOST: still that remote engine, as docker/cli trims it', () => {
    assert.equal(isRemoteHost(' tcp://127.0.0.1:2375'), true);
    assert.equal(isRemoteHost('tcp://127.0.0.1:2375\t '), true);
    assert.equal(engineAddress('docker', { DOCKER_HOST: ' tcp://127.0.0.1:2375 ', HOME: '/nonexistent' }), 'tcp://127.0.0.1:2375');
    assert.equal(engineAddress('podman', { CONTAINER_HOST: '  ssh://me@box/run/podman/podman.sock' }), 'ssh://me@box/run/podman/podman.sock');
    assert.equal(engineAddress('docker', { DOCKER_HOST: '   ', HOME: '/nonexistent' }), undefined, 'blank counts as unset');
    assert.deepEqual(findEndpoint('docker', { DOCKER_HOST: ' tcp://127.0.0.1:2375 ' }), { kind: 'tcp', host: '127.0.0.1', port: 2375, tls: false });
    assert.deepEqual(findEndpoint('podman', { CONTAINER_HOST: ' unix:///run/p.sock ' }), { kind: 'unix', socketPath: '/run/p.sock' });
  });

  test('a newline or another control character inside: one line naming the variable and the fix', () => {
    for (const [name, value] of [['DOCKER_HOST', 'tcp://127.0.0.1:2375\nx'], ['DOCKER_HOST', 'tcp://a\t:1'], ['CONTAINER_HOST', 'ssh://a\u0007b']] as const) {
      const backend = name === 'DOCKER_HOST' ? 'docker' : 'podman';
      assert.throws(() => engineAddress(backend, { [name]: value, HOME: '/nonexistent' }), (e: Error) => e instanceof X11DockerError && !e.message.includes('\n') && e.message.startsWith(`${name}=`) && /unset it\.$/.test(e.message), JSON.stringify(value));
      assert.throws(() => findEndpoint(backend, { [name]: value }), X11DockerError);
    }
  });
});

describe('remote engines: errors name the options the user typed', () => {
  test('--html --tty: names --tty, never --nothing', () => {
    for (const argv of [['--html', '--tty', 'img'], ['--tty', '--html', 'img'], ['-t', '--html', 'img'], ['--tty', 'img']]) {
      assert.throws(() => check(argv), (e: Error) => /--tty/.test(e.message) && !/--nothing/.test(e.message) && !e.message.includes('\n'), argv.join(' '));
    }
  });
});

describe('remote engines: options a remote session does not apply are refused, never dropped', () => {
  test('each names itself and how to fix it', () => {
    for (const [argv, name] of [
      [['--user=RETAIN'], '--user=RETAIN'], [['--rootless'], '--rootless'], [['--xopt=-ac'], '--xopt'], [['--keymap=de'], '--keymap'],
      [['--clipboard=c2h'], '--clipboard=c2h'], [['--rotate=90'], '--rotate'], [['--output-count=2'], '--output-count'], [['--ipc=private'], '--ipc'], [['--checkwindow'], '--checkwindow'], [['--composite'], '--composite'],
    ] as const) {
      assert.throws(() => check(['--html', ...argv, 'img']), says(new RegExp(`\\(${name.replace(/[-=]/g, (c) => `\\${c}`)} is not available there yet\\)\\. Remove ${name.replace(/[-=]/g, (c) => `\\${c}`)}\\.$`)), argv.join(' '));
    }
  });

  test('--env, --workdir, --lang, --user, --shell, --dpi are accepted', () => {
    assert.doesNotThrow(() => check(['--html', '--env=A=1', '--workdir=/srv', '--lang=de', '--user=1234', '--shell=/bin/bash', '--dpi=120', 'img']));
  });
});

describe('remote engines: the app container gets the plan\'s user, environment and working folder', () => {
  const facts = (): HostFacts => ({
    processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1001, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
    binaries: new Set(['x11vnc', 'websockify']), sessionId: 'abc123', pid: 77, xcImage: true,
  });
  const noImage = { id: '', user: '', workingDir: '', entrypoint: [], cmd: [], env: [] };
  const appArgs = (argv: string[]) => {
    const options = parseCommandLine(argv);
    const plan = planSession({ ...options, clipboard: false, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } }, facts(), noImage);
    const { uid, gid, command, ...app } = remoteApp(plan);
    return { plan, args: remoteCommands({ sessionId: 's1', pid: 1, xcImage: 'xc', image: 'img', command, uid, gid, app, clipboard: false }).app };
  };

  test('--env, --workdir, --lang, --shell: in the app\'s create command, in the local container\'s order', () => {
    const { args } = appArgs(['--html', '--env=FOO=bar baz', '--env=HOME=/evil', '--workdir=/srv', '--lang=de', '--shell=/bin/bash', 'img', 'sh']);
    has(args, '--env=FOO=bar baz', '--workdir=/srv', '--env=LANG=de_DE.UTF-8', '--env=SHELL=/bin/bash', '--env=USER=alice', '--env=HOME=/home/alice', '--user=1000:1001');
    assert.ok(args.indexOf('--env=HOME=/evil') > args.indexOf('--env=HOME=/home/alice'), '--env HOME after x11docker\'s, as in a local container (src/plan/own-env.ts)');
    assert.ok(!args.includes('--env=HOME=/tmp'), args.join(' '));
    // HOME and XDG_RUNTIME_DIR: private tmpfs of the user
    has(args, '--tmpfs=/home/alice:mode=0700,uid=1000,gid=1001');
    assert.ok(args.some((a) => /^--env=XDG_RUNTIME_DIR=/.test(a) && args.includes(`--tmpfs=${a.slice('--env=XDG_RUNTIME_DIR='.length)}:mode=0700,uid=1000,gid=1001`)), args.join(' '));
    assert.deepEqual(args.slice(args.indexOf('--') + 1), ['img', 'sh']);
    // nothing of this machine's session folder
    assert.ok(!args.some((a) => a.includes('.cache/x11docker')), args.join(' '));
  });

  test('--user=UID:GID: the containers\' user; --user=root with the local warning', () => {
    const { args } = appArgs(['--html', '--user=1234:55', 'img']);
    has(args, '--user=1234:55', '--tmpfs=/home/user1234:mode=0700,uid=1234,gid=55');
    const root = appArgs(['--html', '--user=root', 'img']);
    has(root.args, '--user=0:0');
    assert.ok(root.plan.warnings.some((w) => /^Option --user=root/.test(w)));
  });

  test('--no-init: the app container without docker\'s --init (was dropped silently); by default with it', () => {
    assert.ok(appArgs(['--html', 'img']).args.includes('--init'));
    assert.ok(!appArgs(['--html', '--no-init', 'img']).args.includes('--init'), appArgs(['--html', '--no-init', 'img']).args.join(' '));
  });

  test('--no-entrypoint with a command: an empty entrypoint', () => {
    has(appArgs(['--html', '--no-entrypoint', 'img', 'sh']).args, '--entrypoint=');
    assert.ok(!appArgs(['--html', 'img', 'sh']).args.includes('--entrypoint='));
  });

  test('the plan of a remote --html=0.0.0.0:PORT, --network has the local session\'s isolation warnings', () => {
    const { plan } = appArgs(['--html=0.0.0.0:8090', '--network', 'img']);
    for (const re of [/--html/, /--network/]) assert.ok(plan.warnings.some((w) => re.test(w)), `${re} in ${plan.warnings.join(' | ')}`);
  });

  test('--dpi: Xvfb\'s -dpi', () => {
    const c = remoteCommands({ sessionId: 's1', pid: 1, xcImage: 'xc', image: 'img', command: [], uid: 1, gid: 1, dpi: 144, clipboard: false });
    assert.equal(c.display[c.display.indexOf('-dpi') + 1], '144');
  });
});

describe('remote engines: --cleanup judges a pid only on the machine, boot and PID namespace that recorded it', () => {
  test('the identity: stable here, different for another machine id, boot id or PID namespace', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-unit-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const f = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const machine = f('machine', 'aaaa\n');
    const boot = f('boot', 'b1\n');
    const base = hostIdentity({ machineId: [machine], bootId: boot, pidNs: '/proc/self/ns/pid' });
    assert.match(base, /^[0-9a-f]{32}$/);
    assert.equal(hostIdentity({ machineId: [machine], bootId: boot, pidNs: '/proc/self/ns/pid' }), base);
    assert.notEqual(hostIdentity({ machineId: [f('machine2', 'bbbb\n')], bootId: boot, pidNs: '/proc/self/ns/pid' }), base);
    assert.notEqual(hostIdentity({ machineId: [machine], bootId: f('boot2', 'b2\n'), pidNs: '/proc/self/ns/pid' }), base);
    assert.notEqual(hostIdentity({ machineId: [machine], bootId: boot, pidNs: join(dir, 'no-such-ns') }), base);
    assert.equal(hostIdentity(), hostIdentity());
  });

  test('another identity: left alone whatever its pid; this one: gone once the pid is; none (older versions): the pid alone', () => {
    const alive = (pid: number) => pid === 10;
    assert.equal(sessionLiveness({ pid: '99', identity: 'other' }, 'here', alive), 'elsewhere');
    assert.equal(sessionLiveness({ pid: '10', identity: 'other' }, 'here', alive), 'elsewhere');
    assert.equal(sessionLiveness({ pid: '99', identity: 'here' }, 'here', alive), 'gone');
    assert.equal(sessionLiveness({ pid: '10', identity: 'here' }, 'here', alive), 'live');
    assert.equal(sessionLiveness({ pid: '99' }, 'here', alive), 'gone');
    // on a remote engine or a cluster an object without the identity may be any machine's (breaker: another machine's local session)
    assert.equal(sessionLiveness({ pid: '99' }, 'here', alive, 'elsewhere'), 'elsewhere');
    assert.equal(sessionLiveness({ pid: '99', identity: '' }, 'here', alive, 'elsewhere'), 'elsewhere');
    assert.equal(sessionLiveness({ pid: '99', identity: 'here' }, 'here', alive, 'elsewhere'), 'gone');
  });

  test('every container and volume of a remote session carries the identity', () => {
    const c = remoteCommands({ sessionId: 's1', pid: 1, hostId: 'f00d', xcImage: 'xc', image: 'img', command: [], uid: 1, gid: 1, clipboard: false });
    for (const args of [...c.volumes, c.prepare, c.display, c.app]) has(args, `--label=${LABEL_HOST}=f00d`);
  });
});
