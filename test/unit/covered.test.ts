/**
 * checkWritesNotMounted: x11docker must never write its user database, HOME or launchers through
 * a raw -v/--mount onto the host (docker cp writes through mounts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atOrBelow, checkRawBindSources, checkRawOverOwn, checkWritesNotMounted, rawOptionFor } from '../../src/plan/covered.js';
import { X11DockerError } from '../../src/errors.js';
import { parseRawOptions } from '../../src/options/raw-options.js';
import { bindMount } from '../../src/plan/argv.js';

const WRITTEN = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/sudoers', '/home', '/home/u', '/x11docker/launch'];

describe('writes into the container through mounts', () => {
  it('-v /tmp/fake:/etc is refused, naming the raw option, the host file and the fix', () => {
    const err = (() => {
      try {
        checkWritesNotMounted(WRITTEN, [{ Type: 'bind', Source: '/tmp/fake', Destination: '/etc' }], [], parseRawOptions(['-v', '/tmp/fake:/etc']));
      } catch (e) {
        return e as X11DockerError;
      }
      assert.fail('not refused');
    })();
    assert.ok(err instanceof X11DockerError);
    assert.equal(err.exitCode, 64);
    assert.match(err.message, /^Raw option '-v \/tmp\/fake:\/etc' covers \/etc\/passwd.*\/tmp\/fake\/passwd on the host.*--user=RETAIN/);
    assert.equal(err.message.split('\n').length, 1);
  });
  it('a mount exactly on a written file, on HOME, on its parent or on the launcher folder is refused', () => {
    for (const [dst, arg] of [['/etc/shadow', '--mount=type=bind,src=/tmp/s,dst=/etc/shadow'], ['/home/u', '--volume=/tmp/h:/home/u:rw'], ['/home', '-v/tmp/h:/home'], ['/x11docker', '--mount=type=volume,source=v,target=/x11docker']] as const) {
      assert.throws(() => checkWritesNotMounted(WRITTEN, [{ Type: 'bind', Source: '/tmp/x', Destination: dst }], [], parseRawOptions([arg])), (e: Error) => e.message.includes(`'${arg}'`), dst);
    }
  });
  it('a named volume over /etc is refused; an anonymous volume of the image\'s VOLUME is not', () => {
    assert.throws(() => checkWritesNotMounted(WRITTEN, [{ Type: 'volume', Source: '/var/lib/docker/volumes/v/_data', Destination: '/etc' }], [], parseRawOptions(['-v', 'v:/etc'])), /Raw option '-v v:\/etc'.*mounted volume/);
    assert.doesNotThrow(() => checkWritesNotMounted(WRITTEN, [{ Type: 'volume', Source: '/var/lib/docker/volumes/abc/_data', Destination: '/home/u' }], [], parseRawOptions([])));
  });
  it('mounts beside the written paths, and x11docker\'s own tmpfs mount point, are fine', () => {
    assert.doesNotThrow(() =>
      checkWritesNotMounted([...WRITTEN, '/run/user/1000'], [
        { Type: 'bind', Source: '/tmp/.X11-unix/X100', Destination: '/tmp/.X11-unix/X100' },
        { Type: 'bind', Source: '/tmp/data', Destination: '/etc/app' },
        { Type: 'bind', Source: '/tmp/data', Destination: '/home/u2' },
        { Type: 'tmpfs', Source: '', Destination: '/run/user/1000' },
      ], ['/run/user/1000'], parseRawOptions([])),
    );
    // a tmpfs that x11docker did not make is a conflict
    assert.throws(() => checkWritesNotMounted(['/run/user/1000'], [{ Type: 'tmpfs', Destination: '/run/user/1000' }], [], parseRawOptions(['--tmpfs', '/run/user/1000'])), /'--tmpfs \/run\/user\/1000'/);
  });
  it('a --mount with a comma or quote in its path (CSV-quoted, as bindMount writes it) is found by its real target', () => {
    const option = bindMount('/tmp/a,b', '/etc/x"y,z', false);
    assert.equal(option, '--mount=type=bind,"source=/tmp/a,b","target=/etc/x""y,z"');
    assert.equal(rawOptionFor('/etc/x"y,z', parseRawOptions([option])), option);
    // splitting at commas would have read the target as '/etc/x""y'
    assert.equal(rawOptionFor('/etc/x""y', parseRawOptions([option])), undefined);
    assert.throws(() => checkWritesNotMounted(['/etc/x"y,z/f'], [{ Type: 'bind', Source: '/tmp/a,b', Destination: '/etc/x"y,z' }], [], parseRawOptions(['--mount', option.slice('--mount='.length)])), /Raw option '--mount type=bind,/);
  });
  it('a mount of / or with a trailing slash covers everything below it', () => {
    assert.ok(atOrBelow('/etc/passwd', '/'));
    assert.ok(atOrBelow('/etc/passwd', '/etc/'));
    assert.ok(!atOrBelow('/etc2/passwd', '/etc'));
    assert.equal(rawOptionFor('/etc', parseRawOptions(['--volume', '/tmp/f:/etc/:ro'])), '--volume /tmp/f:/etc/:ro');
  });
});

describe('host folders mounted by raw options follow the --sharedir policy', () => {
  const same = (p: string) => p;
  it('the host X sockets, the docker socket and x11docker\'s cache are refused, naming the raw option', () => {
    for (const [src, arg, why] of [
      ['/tmp/.X11-unix', '-v /tmp/.X11-unix:/tmp/.X11-unix', /X servers/],
      ['/var/run/docker.sock', '--volume=/var/run/docker.sock:/d.sock', /docker socket/],
      ['/home/alice/.cache/x11docker', '--mount=type=bind,src=/home/alice/.cache/x11docker,dst=/c', /cookies/],
      // HOME or a folder containing it: --sharedir hides x11docker's cache there, a raw mount cannot
      ['/home/alice', '-v /home/alice:/hx:ro', /contains x11docker's cache \/home\/alice\/\.cache\/x11docker .*Use --sharedir \/home\/alice/],
      ['/home', '-v /home:/hx:ro', /contains x11docker's cache/],
      ['/', '-v /:/hx:ro', /contains \/tmp\/\.X11-unix/],
    ] as const) {
      const dst = arg.includes('dst=') ? '/c' : arg.split(':')[1]!;
      assert.throws(
        () => checkRawBindSources([{ Type: 'bind', Source: src, Destination: dst }], parseRawOptions(arg.split(' ')), same, '/home/alice', []),
        (e: Error) => e instanceof X11DockerError && e.message.startsWith(`Raw option '${arg}' is refused`) && why.test(e.message),
        arg,
      );
    }
  });
  it('a link is judged as its target; sensitive folders warn; x11docker\'s own mounts are not judged', () => {
    const warnings: string[] = [];
    assert.throws(() => checkRawBindSources([{ Type: 'bind', Source: '/tmp/l', Destination: '/l' }], parseRawOptions(['-v', '/tmp/l:/l']), (p) => (p === '/tmp/l' ? '/tmp/.X11-unix' : p), '/home/alice', warnings), /X servers/);
    checkRawBindSources([{ Type: 'bind', Source: '/etc', Destination: '/hostetc' }, { Type: 'bind', Source: '/tmp/.X11-unix/X100', Destination: '/tmp/.X11-unix/X100' }], parseRawOptions(['-v', '/etc:/hostetc:ro']), same, '/home/alice', warnings);
    assert.deepEqual(warnings, ["Raw option '-v /etc:/hostetc:ro': a sensitive host path is shared with the container."]);
  });
});

describe('raw bind mounts of system folders with root in the container', () => {
  const same = (p: string) => p;
  it('a writable one is refused naming the raw option and :ro; read-only, or without root inside, it warns', () => {
    const etc = [{ Type: 'bind', Source: '/etc', Destination: '/hostetc', RW: true }];
    assert.throws(
      () => checkRawBindSources(etc, parseRawOptions(['-v', '/etc:/hostetc']), same, '/home/alice', [], true),
      (e: Error) => e instanceof X11DockerError && /^Raw option '-v \/etc:\/hostetc' is refused: .*system folder.*root in the container.*add :ro/.test(e.message),
    );
    for (const [mounts, rootInside] of [[[{ ...etc[0]!, RW: false }], true], [etc, false]] as const) {
      const warnings: string[] = [];
      checkRawBindSources(mounts, parseRawOptions(['-v', '/etc:/hostetc']), same, '/home/alice', warnings, rootInside);
      assert.equal(warnings.length, 1, JSON.stringify(mounts));
    }
  });
});

describe('raw mounts over x11docker\'s own mount targets', () => {
  const own = [
    { Type: 'bind', Source: '/tmp/.X11-unix/X100', Destination: '/tmp/.X11-unix/X100' },
    { Type: 'bind', Source: '/home/alice/.cache/x11docker/s/cookie', Destination: '/x11docker/Xauthority' },
  ];
  it('a raw mount over /tmp/.X11-unix or /x11docker is refused; one beside them is fine', () => {
    assert.throws(() => checkRawOverOwn([...own, { Type: 'bind', Source: '/tmp/fake', Destination: '/tmp/.X11-unix' }], parseRawOptions(['-v', '/tmp/fake:/tmp/.X11-unix'])), /Raw option '-v \/tmp\/fake:\/tmp\/.X11-unix' covers \/tmp\/.X11-unix\/X100/);
    assert.throws(() => checkRawOverOwn([...own, { Type: 'volume', Source: '/v', Destination: '/x11docker' }], parseRawOptions(['--volume=v:/x11docker'])), /covers \/x11docker\/Xauthority/);
    assert.doesNotThrow(() => checkRawOverOwn([...own, { Type: 'bind', Source: '/tmp/fake', Destination: '/mnt/fake' }], parseRawOptions(['-v', '/tmp/fake:/mnt/fake'])));
  });
});
