// Covers the warnings for isolation-weakening raw docker run options (src/plan/raw-warnings.ts)
// and that they reach the plan's warnings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRawOptions } from '../../src/options/raw-options.js';
import { publishNote, rawOptionWarnings as warningsOf, refuseRawOptions } from '../../src/plan/raw-warnings.js';
import { X11DockerError } from '../../src/errors.js';

const rawOptionWarnings = (args: string[]) => warningsOf(parseRawOptions(args));

describe('rawOptionWarnings', () => {
  test('each weakening option warns once, in both spellings', () => {
    const cases: [string[], RegExp][] = [
      [['--privileged'], /--privileged .*VERY insecure/],
      [['--cap-add=SYS_ADMIN'], /--cap-add=SYS_ADMIN/],
      [['--cap-add', 'NET_ADMIN'], /--cap-add=NET_ADMIN/],
      [['--pid=host'], /--pid=host .*\/proc\/PID\/root/],
      [['--pid', 'host'], /--pid=host/],
      [['--ipc=host'], /--ipc=host/],
      [['--net=host'], /--network=host/],
      [['--network', 'host'], /--network=host/],
      [['--uts=host'], /--uts=host/],
      [['--device=/dev/fuse'], /--device=\/dev\/fuse/],
      [['--security-opt', 'seccomp=unconfined'], /seccomp=unconfined/],
      [['--security-opt=no-new-privileges=false'], /no-new-privileges=false/],
      [['--security-opt=apparmor:unconfined'], /apparmor:unconfined/],
      [['--security-opt=label=disable'], /label=disable/],
      [['-u', '0'], /-u=0 runs the container command as root/],
      [['--user=root:root'], /--user=root:root runs the container command as root/],
      [['--userns=host'], /--userns=host turns off the user namespace remapping/],
      [['--device-cgroup-rule', 'a *:* rwm'], /--device-cgroup-rule=a \*:\* rwm/],
      // breaker: spellings docker reads as the same thing (Go's strconv.Atoi and ParseBool)
      [['-u', '00'], /-u=00 runs the container command as root/],
      [['--user=+0:5'], /runs the container command as root/],
      [['--user', '-0'], /runs the container command as root/],
      [['--user=000:0'], /runs the container command as root/],
      [['--security-opt=no-new-privileges=0'], /no-new-privileges=0 turns off a protection/],
      [['--security-opt=no-new-privileges:f'], /turns off a protection/],
      [['--security-opt', 'no-new-privileges=False'], /turns off a protection/],
      // breaker: another container's namespaces (another session's display through /proc/1/root)
      [['--pid=container:abc'], /--pid=container:abc shares the process namespace of container abc.*\/proc\/PID\/root/],
      [['--ipc', 'container:abc'], /--ipc=container:abc shares the IPC namespace/],
      [['--net=container:abc'], /--network=container:abc shares the network stack of container abc/],
    ];
    for (const [args, re] of cases) {
      const w = rawOptionWarnings(args);
      assert.equal(w.length, 1, `${args.join(' ')}: ${w.join(' | ')}`);
      assert.match(w[0]!, re);
    }
  });

  test('harmless options and values give nothing; a value is never read as a flag', () => {
    assert.deepEqual(rawOptionWarnings(['--user=1000:1000', '-u', '1001', '--network=none', '--pid=private', '--security-opt=no-new-privileges', '--security-opt=no-new-privileges=true', '--security-opt=no-new-privileges:1', '-u', '10', '--user=100:0', '--privileged=false', '-e', '--privileged', '--hostname', 'h', '--shm-size=1g']), []);
    // the last --privileged wins, as docker reads a yes/no flag
    assert.deepEqual(rawOptionWarnings(['--privileged', '--privileged=0']), []);
    assert.equal(rawOptionWarnings(['--privileged=false', '--privileged']).length, 1);
  });
});

describe('refuseRawOptions', () => {
  test('--use-api-socket (the engine socket) and --volumes-from (mounts no option names) are refused, one line naming them (breaker)', () => {
    for (const [args, why] of [[['--use-api-socket'], /engine's socket/], [['--volumes-from', 'r'], /cannot judge the mounts of another container/], [['--volumes-from=r:ro'], /--volumes-from=r:ro/]] as const) {
      assert.throws(() => refuseRawOptions(parseRawOptions([...args])), (e: unknown) => e instanceof X11DockerError && why.test(e.message) && !e.message.includes('\n'), args.join(' '));
    }
    refuseRawOptions(parseRawOptions(['--memory=1g', '-v', '/data:/data']));
  });
});

describe('isRootUser (docker reads a uid with Go\'s strconv.Atoi)', () => {
  test('every spelling of uid 0 is root; others are not', async () => {
    const { isRootUser } = await import('../../src/plan/root-user.js');
    for (const spec of ['root', '0', '00', '+0', '-0', '000:5', 'root:users', '0:0']) assert.ok(isRootUser(spec), spec);
    for (const spec of ['1000', '10', '100:0', 'alice', 'rooty', '0x0', ' 0', '']) assert.ok(!isRootUser(spec), spec);
    assert.ok(isRootUser('', true), 'an image without USER runs as root');
    assert.ok(isRootUser(':0', true));
  });
});

describe('publishNote', () => {
  test('--publish/-p/-P under the default --network=none is a note naming --network; with a network, nothing', () => {
    for (const args of [['--publish=8085:8085'], ['-p', '8085:8085'], ['-P'], ['--network=none', '-p', '1:1']]) {
      const n = publishNote(parseRawOptions(args), 'none');
      assert.match(n ?? '', /^docker run option --publish(-all)? has no effect with x11docker's default --network=none: .* Add --network /, args.join(' '));
      assert.ok(!n!.includes('\n'));
    }
    assert.equal(publishNote(parseRawOptions(['--publish=8085:8085']), undefined), undefined);
    assert.equal(publishNote(parseRawOptions(['--publish=8085:8085']), 'bridge'), undefined);
    assert.equal(publishNote(parseRawOptions(['--network=bridge', '-p', '1:1']), 'none'), undefined);
    assert.equal(publishNote(parseRawOptions(['--memory=1g']), 'none'), undefined);
  });
});
