/**
 * The second attack on the raw options after `--` (issue 12): volumes that are no bind in
 * disguise, control characters that docker's CSV reader reads otherwise, bind mounts that no
 * parsed raw option claims, engine sockets off the fixed list, symbolic links, and files of
 * x11docker's cache read by --env-file/--label-file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRawOptions } from '../../src/options/raw-options.js';
import { volumeKind } from '../../src/options/volume-opts.js';
import { refuseRawFiles, refuseRawOptions } from '../../src/plan/raw-warnings.js';
import { withRealSources } from '../../src/plan/raw-sources.js';
import { checkRawBindSources, checkRawOverOwn, ownMountTargets } from '../../src/plan/covered.js';
import { X11DockerError } from '../../src/errors.js';
import { isEngineSocket, listeningUnixPaths } from '../../src/host/engine-sockets.js';
import { sharePolicy } from '../../src/plan/sensitive.js';
import { commandFromBody } from '../../src/gui/form.js';
import { parseCommandLine } from '../../src/options/parse.js';

const refused = (args: string[]) => () => refuseRawOptions(parseRawOptions(args));

describe('volumes with driver options', () => {
  it('only a bind of an absolute folder or a tmpfs can be judged', () => {
    assert.deepEqual(volumeKind({}), { kind: 'plain' });
    assert.deepEqual(volumeKind({ type: 'none', o: 'bind', device: '/srv/data' }), { kind: 'bind', device: '/srv/data' });
    assert.deepEqual(volumeKind({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m' }), { kind: 'tmpfs' });
    assert.equal(volumeKind({ type: 'none', o: 'bind', device: '../../../../../../..' }).kind, 'refused');
    assert.equal(volumeKind({ type: 'overlay', o: 'lowerdir=/run:/root/.cache,upperdir=/tmp/u,workdir=/tmp/w', device: 'overlay' }).kind, 'refused');
    assert.equal(volumeKind({ type: 'ext4', device: '/dev/vda' }).kind, 'refused');
  });
  it('a relative device, an overlay or a block device in --mount volume-opt is refused with the fix', () => {
    for (const v of [
      'type=volume,src=v,dst=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=../../../../../../..',
      'type=volume,dst=/d,volume-opt=type=ext4,volume-opt=device=/dev/vda',
      'type=volume,dst=/d,volume-opt=type=overlay,"volume-opt=o=lowerdir=/run:/root/.cache,upperdir=/tmp/u,workdir=/tmp/w",volume-opt=device=overlay',
    ]) {
      assert.throws(refused(['--mount', v]), (e: Error) => e instanceof X11DockerError && e.exitCode === 64 && e.message.startsWith(`Raw option '--mount ${v.slice(0, 20)}`) && /can judge only bind and tmpfs volumes; share a folder with --sharedir/.test(e.message) && !e.message.includes('\n'), v);
    }
  });
  it('a bind in disguise is judged as the folder it binds, and keeps its volume name; a tmpfs volume is fine', () => {
    const m = parseRawOptions(['--mount', 'type=volume,src=v,dst=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/']).mounts[0]!;
    assert.equal(m.type, 'bind');
    assert.equal(m.source, '/');
    assert.equal(m.volumeName, 'v');
    assert.doesNotThrow(refused(['--mount', 'type=volume,dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs']));
    assert.doesNotThrow(refused(['--mount', 'type=volume,src=plain,dst=/d']));
  });
});

describe('control characters in raw option values', () => {
  it('a newline, carriage return or DEL in any raw option is refused in one line', () => {
    for (const args of [['--mount', '\ntype=bind,source=/,target=/host'], ['--mount', 'target=/x\r,type=bind,source=/,target=/host'], ['-e', 'A=\x7f'], ['--env-file=/dev/null\t'], ['-v/a:/b\n']]) {
      assert.throws(() => parseRawOptions(args), (e: Error) => e instanceof X11DockerError && /contains a control character/.test(e.message) && !e.message.includes('\n') && !e.message.includes('\r'), JSON.stringify(args));
    }
    // the command's own arguments are no raw option values
    assert.doesNotThrow(() => parseRawOptions(['-it', '--', 'image', 'sh', '-c', 'echo a\necho b']));
  });
  it('a bind mount that no parsed raw option claims and that is not x11docker\'s own is judged', () => {
    const raw = parseRawOptions(['--env-file', '/dev/null']);
    const mounts = [{ Type: 'bind', Source: '/', Destination: '/host' }, { Type: 'bind', Source: '/tmp/.X11-unix/X100', Destination: '/tmp/.X11-unix/X100' }];
    assert.throws(() => checkRawBindSources(mounts, raw, (p) => p, '/home/alice', [], false, undefined, ['/tmp/.X11-unix/X100']), /is refused: it shares \/ and/);
    // x11docker's own mounts are not judged
    assert.doesNotThrow(() => checkRawBindSources(mounts.slice(1), raw, (p) => p, '/home/alice', [], false, undefined, ['/tmp/.X11-unix/X100']));
  });
  it('x11docker\'s own mount targets are its create arguments without the raw block', () => {
    const engineArgs = ['-v', '/srv:/srv', '--env-file', '/dev/null'];
    const args = ['create', '--mount=type=bind,source=/tmp/.X11-unix/X100,target=/tmp/.X11-unix/X100', '-v', '/a:/own', ...engineArgs, '--env=DISPLAY=:100', '--', 'img'];
    assert.deepEqual(ownMountTargets(args, engineArgs), ['/tmp/.X11-unix/X100', '/own']);
  });
});

describe('engine sockets off the fixed list', () => {
  it('listening sockets are read from /proc/net/unix, and engine sockets told apart', () => {
    const text = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      '0000000000000000: 00000002 00000000 00010000 0001 01 20581 /run/x11docker-test-userns/docker.sock',
      '0000000000000000: 00000003 00000000 00000000 0001 03 20599 /run/x11docker-test-userns/docker.sock',
      '0000000000000000: 00000002 00000000 00010000 0001 01 20582 /run/my dir/x.sock',
      '0000000000000000: 00000002 00000000 00010000 0001 01 20583 @/tmp/.X11-unix/X0',
      '0000000000000000: 00000002 00000000 00000000 0002 01 20584 /run/systemd/notify',
    ].join('\n');
    assert.deepEqual(listeningUnixPaths(text), ['/run/x11docker-test-userns/docker.sock', '/run/my dir/x.sock']);
    for (const p of ['/run/x11docker-test-userns/docker.sock', '/var/lib/x11docker-test-remote/exec/containerd/containerd.sock.ttrpc', '/run/user/1001/docker/libnetwork/3207.sock', '/run/containerd/s/9e1b46', '/run/podman/podman.sock']) assert.ok(isEngineSocket(p), p);
    for (const p of ['/run/dbus/system_bus_socket', '/tmp/.X11-unix/X0', '/run/user/1000/pulse/native']) assert.ok(!isEngineSocket(p), p);
  });
  it('a share containing a listening engine socket is refused, naming the socket', () => {
    const engineSockets = ['/run/x11docker-test-userns/docker.sock', '/run/user/1001/docker/containerd/containerd.sock'];
    const v = sharePolicy('/run/x11docker-test-userns', '/home/alice', { readonly: true, engineSockets });
    assert.equal(v.level, 'refuse');
    assert.match((v as { why: string }).why, /it contains \/run\/x11docker-test-userns\/docker\.sock, a listening container engine socket/);
    assert.equal(sharePolicy('/run/user/1001/docker', '/home/alice', { engineSockets }).level, 'refuse');
    assert.equal(sharePolicy('/srv/data', '/home/alice', { engineSockets }).level, 'ok');
    assert.throws(() => checkRawBindSources([{ Type: 'bind', Source: '/run/x11docker-test-userns', Destination: '/d', RW: false }], parseRawOptions(['-v', '/run/x11docker-test-userns:/d:ro']), (p) => p, '/home/alice', [], false, undefined, [], engineSockets), /Raw option '-v \/run\/x11docker-test-userns:\/d:ro' is refused: .*docker\.sock/);
  });
});

describe('symbolic links and files of raw options', () => {
  const links = new Map([['/tmp/link', '/srv/safe'], ['/tmp/l,2', '/srv/a,b']]);
  const realOf = (p: string) => links.get(p);
  it('raw bind mounts go to the engine with their source resolved; other words stay', () => {
    assert.deepEqual(withRealSources(parseRawOptions(['-it', '-v', '/tmp/link:/host:ro', '--env-file', '/dev/null']), realOf), ['-it', '--volume=/srv/safe:/host:ro', '--env-file', '/dev/null']);
    assert.deepEqual(withRealSources(parseRawOptions(['-itv', '/tmp/link:/host']), realOf), ['-i', '-t', '--volume=/srv/safe:/host']);
    assert.deepEqual(withRealSources(parseRawOptions(['--mount', 'type=bind,"src=/tmp/l,2",dst=/h']), realOf), ['--mount=type=bind,"src=/srv/a,b",dst=/h']);
    assert.deepEqual(withRealSources(parseRawOptions(['--mount=type=volume,src=v,dst=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/tmp/link']), realOf), ['--mount=type=volume,src=v,dst=/d,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/srv/safe']);
    const same = ['-v', '/srv/x:/x', '-v', 'named:/n'];
    assert.deepEqual(withRealSources(parseRawOptions(same), realOf), same);
  });
  it('--env-file and --label-file in x11docker\'s cache (or another refused place) are refused', () => {
    const realOfFile = (p: string) => (p === '/tmp/l' ? '/home/alice/.cache/x11docker/abc/html.url' : p);
    for (const args of [['--env-file', '/home/alice/.cache/x11docker/abc/html.url'], ['--label-file=/tmp/l'], ['--env-file', '/run/docker.sock']]) {
      assert.throws(() => refuseRawFiles(parseRawOptions(args), realOfFile, '/home/alice'), (e: Error) => e instanceof X11DockerError && /^Raw option '--(env|label)-file.*' is refused: it reads \S+ and .*Give a file of your own\.$/.test(e.message), JSON.stringify(args));
    }
    assert.doesNotThrow(() => refuseRawFiles(parseRawOptions(['--env-file', '/home/alice/app.env', '--label-file', '/dev/null']), (p) => p, '/home/alice'));
  });
});

describe('raw mounts over x11docker\'s own, claimed or not', () => {
  it('an unclaimed bind over an own target is refused; the image\'s VOLUME is not', () => {
    const raw = parseRawOptions(['--env-file', '/dev/null']);
    const own = ['/tmp/.X11-unix/X100'];
    assert.throws(() => checkRawOverOwn([{ Type: 'bind', Source: '/srv', Destination: '/tmp' }, { Type: 'bind', Source: '/x', Destination: '/tmp/.X11-unix/X100' }], raw, own), /a mount at \/tmp that the options after '--' make' covers \/tmp\/.X11-unix\/X100/);
    assert.doesNotThrow(() => checkRawOverOwn([{ Type: 'volume', Source: '/var/lib/docker/volumes/abc/_data', Destination: '/tmp' }, { Type: 'bind', Source: '/x', Destination: '/tmp/.X11-unix/X100' }], raw, own));
  });
});

describe('the GUI\'s docker run options field takes the same path', () => {
  it('a quoted line break in a --mount of the field is refused by the command line parser', () => {
    const { argv } = commandFromBody({ image: 'x11docker-demo', engineArgs: '--mount "\ntype=bind,source=/,target=/host"' });
    assert.deepEqual(argv.slice(0, 3), ['--', '--mount', '\ntype=bind,source=/,target=/host']);
    assert.throws(() => parseCommandLine(argv), /--mount .*contains a control character/);
    assert.throws(() => refuseRawOptions(parseCommandLine(['--', '--mount', 'type=volume,dst=/d,volume-opt=type=ext4,volume-opt=device=/dev/vda', '--', 'img']).raw), /can judge only bind and tmpfs volumes/);
  });
});
