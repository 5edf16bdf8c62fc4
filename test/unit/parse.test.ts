// Covers parseCommandLine (src/options/parse.ts): IMAGE/COMMAND splitting, the three `--` forms,
// optional values, X server choice, aliases, short groups, and one-line X11DockerError messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCommandLine } from '../../src/options/parse.js';
import { X11DockerError, EXIT_X11DOCKER_ERROR } from '../../src/errors.js';

/** Asserts that parsing `argv` throws a one-line X11DockerError (exit 64) whose message contains `mentions`. */
function assertParseError(argv: string[], mentions: string): void {
  assert.throws(
    () => parseCommandLine(argv),
    (err: unknown) => {
      assert.ok(err instanceof X11DockerError, `expected X11DockerError, got ${String(err)}`);
      assert.equal(err.exitCode, EXIT_X11DOCKER_ERROR);
      assert.ok(!err.message.includes('\n'), `message has a newline: ${JSON.stringify(err.message)}`);
      assert.ok(err.message.includes(mentions), `message ${JSON.stringify(err.message)} does not mention ${mentions}`);
      return true;
    },
  );
}

describe('IMAGE and COMMAND', () => {
  test('command argv after IMAGE is kept unchanged', () => {
    const a = parseCommandLine(['img', 'sh', '-c', 'echo A && pwd']);
    assert.equal(a.image, 'img');
    assert.deepEqual(a.command, ['sh', '-c', 'echo A && pwd']);
    assert.deepEqual(a.engineArgs, []);

    const b = parseCommandLine(['img', 'printf', '%s|', 'two words', '*', '$X']);
    assert.equal(b.image, 'img');
    assert.deepEqual(b.command, ['printf', '%s|', 'two words', '*', '$X']);
  });

  test('options after IMAGE belong to the command', () => {
    const o = parseCommandLine(['--xvfb', 'img', '-c', '--xephyr', '--env=A=b']);
    assert.equal(o.image, 'img');
    assert.equal(o.xserver, 'xvfb');
    assert.deepEqual(o.command, ['-c', '--xephyr', '--env=A=b']);
    assert.deepEqual(o.env, []);
  });

  test('no image: xonly and showenv', () => {
    const o = parseCommandLine(['--xvfb']);
    assert.equal(o.image, undefined);
    assert.equal(o.xonly, true);
    assert.equal(o.showenv, true);
    const empty = parseCommandLine([]);
    assert.equal(empty.xonly, true);
    assert.equal(empty.showenv, true);
  });

  test('an image is not a plain xonly session', () => {
    const o = parseCommandLine(['img']);
    assert.equal(o.xonly, false);
    assert.equal(o.showenv, false);
    assert.deepEqual(o.command, []);
  });
});

describe('optional values', () => {
  test('--network without "=" does not take the next argument', () => {
    const o = parseCommandLine(['--network', 'img']);
    assert.equal(o.network, '');
    assert.equal(o.image, 'img');
  });

  test('--network=host takes the value', () => {
    const o = parseCommandLine(['--network=host', 'img']);
    assert.equal(o.network, 'host');
    assert.equal(o.image, 'img');
  });

  test('no --network leaves network undefined (no network)', () => {
    assert.equal(parseCommandLine(['img']).network, undefined);
  });

  test('--hostnet means network host', () => {
    assert.equal(parseCommandLine(['--hostnet', 'img']).network, 'host');
  });

  test('--network= with an empty value is an error', () => {
    assertParseError(['--network=', 'img'], '--network');
  });
});

describe('the -- forms', () => {
  test('reference form: one quoted argument is split at white space', () => {
    const o = parseCommandLine(['--', '--cap-add=X --env=A=b', 'img', 'cmd']);
    assert.deepEqual(o.engineArgs, ['--cap-add=X', '--env=A=b']);
    assert.equal(o.image, 'img');
    assert.deepEqual(o.command, ['cmd']);
  });

  test('reference form: quotes inside the one argument group words as in a shell (upstream evaluates it); nothing expands; operators are refused', () => {
    const o = parseCommandLine(['--', `--env='A=b c' --env B="x y" -v /a\\ b:/c --env=H=$HOME`, 'img']);
    assert.deepEqual(o.engineArgs, ['--env=A=b c', '--env', 'B=x y', '-v', '/a b:/c', '--env=H=$HOME']);
    assert.throws(() => parseCommandLine(['--', '--env=A=1; rm -rf /', 'img']), (e: unknown) => e instanceof X11DockerError && /docker run options string after '--' contains shell syntax/.test(e.message));
    // (found by the hostile-input property test: the message must name where the bad text is)
    assert.throws(() => parseCommandLine(['--', '--$(id)', 'img']), /: The docker run options string after '--' contains shell syntax \(\(\)/);
  });

  test('options one per argument without a second --: taken when each carries its value (or takes none)', () => {
    const o = parseCommandLine(['--', '--env=A=1', '--hostname=hh', '--read-only', 'img', 'cmd']);
    assert.deepEqual(o.engineArgs, ['--env=A=1', '--hostname=hh', '--read-only']);
    assert.equal(o.image, 'img');
    assert.deepEqual(o.command, ['cmd']);
    // -v VALUE is ambiguous without the second --: a clear error, as before
    assert.throws(() => parseCommandLine(['--', '-v', '/a:/b', 'img']), /end them with a second '--'/);
  });

  test('newer form: arguments up to the second -- are kept as is', () => {
    const o = parseCommandLine(['--', '--env=A=b', 'c', '--', 'img', 'cmd']);
    assert.deepEqual(o.engineArgs, ['--env=A=b', 'c']);
    assert.equal(o.image, 'img');
    assert.deepEqual(o.command, ['cmd']);
  });

  test('newer form keeps white space inside an argument', () => {
    const o = parseCommandLine(['--', '--env=A=two words', '--', 'img']);
    assert.deepEqual(o.engineArgs, ['--env=A=two words']);
  });

  test('-- IMAGE: dashed command arguments stay in the command', () => {
    const o = parseCommandLine(['--', 'img', '--no-sandbox']);
    assert.equal(o.image, 'img');
    assert.deepEqual(o.command, ['--no-sandbox']);
    assert.deepEqual(o.engineArgs, []);
  });

  test('a lone -- is an empty X server', () => {
    const o = parseCommandLine(['--']);
    assert.equal(o.image, undefined);
    assert.equal(o.xonly, true);
  });
});

describe('options', () => {
  test('--xonly with an image is an error', () => {
    assertParseError(['--xonly', 'img'], '--xonly');
  });

  test('--xonly alone implies showenv', () => {
    const o = parseCommandLine(['--xonly']);
    assert.equal(o.xonly, true);
    assert.equal(o.showenv, true);
  });

  test('a lone -h shows help', () => {
    const o = parseCommandLine(['-h']);
    assert.equal(o.help, true);
    assert.equal(o.xserver, undefined);
  });

  test('-h with an image means --hostdisplay', () => {
    const o = parseCommandLine(['-h', 'img']);
    assert.equal(o.help, false);
    assert.equal(o.xserver, 'hostdisplay');
    assert.equal(o.image, 'img');
  });

  test('--help sets help', () => {
    const o = parseCommandLine(['--help']);
    assert.equal(o.help, true);
    assert.equal(o.xonly, false);
  });

  test('short options can be grouped', () => {
    const o = parseCommandLine(['-dv', 'img']);
    assert.equal(o.desktop, true);
    assert.equal(o.verbosity, 'verbose');
    assert.equal(o.image, 'img');
    const p = parseCommandLine(['-yq', 'img']);
    assert.equal(p.xserver, 'xephyr');
    assert.equal(p.verbosity, 'quiet');
  });

  test('the most verbose verbosity option wins', () => {
    assert.equal(parseCommandLine(['-q', '-D', '-v', 'img']).verbosity, 'debug');
    assert.equal(parseCommandLine(['img']).verbosity, 'normal');
  });

  test('--printenv is an alias of --showenv', () => {
    const o = parseCommandLine(['--printenv', 'img']);
    assert.equal(o.showenv, true);
    assert.equal(o.image, 'img');
    assert.equal(parseCommandLine(['--showenv', 'img']).showenv, true);
  });

  test('the last X server option wins, with a note', () => {
    const o = parseCommandLine(['--xephyr', '--xvfb', 'img']);
    assert.equal(o.xserver, 'xvfb');
    assert.equal(o.notes.length, 1);
    assert.match(o.notes[0]!, /--xvfb given after --xephyr/);
  });

  test('one X server option gives no note', () => {
    const o = parseCommandLine(['--xvfb', '--xvfb', 'img']);
    assert.equal(o.xserver, 'xvfb');
    assert.deepEqual(o.notes, []);
  });

  test('values: env in order, display with or without colon, size, names', () => {
    const o = parseCommandLine([
      '--env', 'A=1', '--env=B=two words', '--display=:30', '--size', '800x600', '--name=my-box_1',
      '--workdir', '/srv', '--user', '1000:1000', '--backend=podman', 'img',
    ]);
    assert.deepEqual(o.env, ['A=1', 'B=two words']);
    assert.equal(o.display, 30);
    assert.deepEqual(o.size, { width: 800, height: 600 });
    assert.equal(o.name, 'my-box_1');
    assert.equal(o.workdir, '/srv');
    assert.equal(o.user, '1000:1000');
    assert.equal(o.backend, 'podman');
    assert.equal(parseCommandLine(['--display', '7', 'img']).display, 7);
    assert.equal(parseCommandLine(['img']).backend, 'docker');
  });
});

describe('errors', () => {
  const cases: Array<[string, string[], string]> = [
    ['unknown option', ['--bogus', 'img'], '--bogus'],
    ['unknown short option', ['-j', 'img'], '-j'],
    ['--env without "="', ['--env', 'FOO', 'img'], '--env'],
    ['--env with an empty name', ['--env', '=x', 'img'], '--env'],
    ['--display=abc', ['--display=abc', 'img'], '--display'],
    ['--display out of range', ['--display=:99999999', 'img'], '--display'],
    ['--size without height', ['--size', '10', 'img'], '--size'],
    ['--backend=foo', ['--backend=foo', 'img'], '--backend'],
    ['--user empty', ['--user', '', 'img'], '--user'],
    ['--name with a space', ['--name', 'a b', 'img'], '--name'],
    ['--workdir relative', ['--workdir', 'relative', 'img'], '--workdir'],
    ['--xephyr=1', ['--xephyr=1', 'img'], '--xephyr'],
    ['--user without value at the end', ['--user'], '--user'],
    ['--user UID above 2^32-2 (no Linux uid; was written into the pod spec)', ['--user=4294967296', 'img'], 'at most 4294967294'],
    ['--user GID above 2^32-2', ['--user=1000:4294967295', 'img'], '--user=1000:4294967295'],
    ['--hostuser UID:GID (a host user has its own group)', ['--hostuser=1001:1001', 'img'], 'a host user name or UID'],
    ['engine options without an image', ['--', '--cap-add=X'], '--cap-add=X'],
    ['image starting with "-"', ['--', '--a', '--b', 'img'], '--b'],
    ['invalid image name', ['--', 'a b'], 'a b'],
  ];
  for (const [title, argv, mentions] of cases) {
    test(`${title}: ${JSON.stringify(argv)}`, () => assertParseError(argv, mentions));
  }

  test('the largest Linux uid and gid pass', () => {
    assert.equal(parseCommandLine(['--user=4294967294:4294967294', 'img']).user, '4294967294:4294967294');
  });

  test('control characters in a value are escaped in the message', () => {
    assertParseError(['--name', 'a\nb', 'img'], 'a\\nb');
  });
});

describe('properties', () => {
  test('the command after a valid image is returned exactly', () => {
    fc.assert(
      fc.property(fc.constantFrom('img', 'debian:bookworm', 'registry:5000/x/y:tag'), fc.array(fc.string({ unit: 'binary' })), (image, command) => {
        const o = parseCommandLine([image, ...command]);
        assert.equal(o.image, image);
        assert.deepEqual(o.command, command);
        assert.deepEqual(o.engineArgs, []);
      }),
    );
  });

  test('the command after "-- IMAGE" is returned exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (command) => {
        const o = parseCommandLine(['--xvfb', '--', 'img', ...command]);
        assert.equal(o.image, 'img');
        assert.deepEqual(o.command, command);
      }),
    );
  });

  // Any ASCII, control characters included, plus strings that look like options, so that the
  // parser's branches are reached often.
  const str = fc.string({ unit: 'binary-ascii' });
  const argArb = fc.oneof(
    str,
    fc.constantFrom('--', '-h', '-dv', '--xephyr', '--network', '--network=host', '--env', '--user', '--display=5', 'img'),
    str.map((s) => `--${s}`),
    str.map((s) => `-${s}`),
  );

  test('any argv gives Options or an X11DockerError (never another error)', () => {
    fc.assert(
      fc.property(fc.array(argArb), (argv) => {
        try {
          const o = parseCommandLine(argv);
          assert.equal(typeof o.xonly, 'boolean');
          assert.ok(Array.isArray(o.command));
        } catch (err) {
          assert.ok(err instanceof X11DockerError, `not an X11DockerError: ${String(err)}`);
          assert.equal(err.exitCode, EXIT_X11DOCKER_ERROR);
        }
      }),
    );
  });

  test('any argv without line breaks gives one-line error messages', () => {
    const noBreak = argArb.filter((s) => !/[\n\r]/.test(s));
    fc.assert(
      fc.property(fc.array(noBreak), (argv) => {
        try {
          parseCommandLine(argv);
        } catch (err) {
          assert.ok(err instanceof X11DockerError);
          assert.ok(!err.message.includes('\n'), JSON.stringify(err.message));
        }
      }),
    );
  });

  // Reproducers of a former bug (user input embedded without escaping), then the general property.
  const lineBreakCases = [['--a\nb'], ['--xephyr=a\nb'], ['--', '--a\nb'], ['--', '--a', '-\nb']];
  test(
    'any argv (even with line breaks) gives one-line error messages',
    () => {
      const check = (argv: string[]): void => {
        try {
          parseCommandLine(argv);
        } catch (err) {
          assert.ok(err instanceof X11DockerError);
          assert.ok(!err.message.includes('\n'), JSON.stringify(err.message));
        }
      };
      for (const argv of lineBreakCases) check(argv);
      fc.assert(fc.property(fc.array(argArb), check));
    },
  );
});

describe("upstream's retired options", () => {
  test('--stdout and --stderr (upstream troubleshooting advice) are accepted with a note and change nothing', () => {
    const o = parseCommandLine(['--stdout', '--stderr', 'img', 'cmd']);
    const plain = parseCommandLine(['img', 'cmd']);
    assert.equal(o.notes.length, 2);
    assert.match(o.notes[0]!, /--stdout is not needed/);
    assert.deepEqual({ ...o, notes: [] }, { ...plain, notes: [] });
  });

  test('--auto and --no-internet (upstream defaults here) are accepted with a note', () => {
    const o = parseCommandLine(['--auto', '--no-internet', 'img']);
    assert.equal(o.xserver, undefined);
    assert.equal(o.network, undefined);
    assert.equal(o.notes.length, 2);
  });

  test('--silent is --quiet, with a note', () => {
    const o = parseCommandLine(['--silent', 'img']);
    assert.equal(o.verbosity, 'quiet');
    assert.match(o.notes.join('\n'), /--silent is called --quiet/);
  });

  test('--update-master is a one-line error pointing to npm (--install, --update, --remove: test/unit/install.test.ts)', () => {
    for (const name of ['--update-master']) {
      assert.throws(() => parseCommandLine([name]), (e: unknown) => e instanceof X11DockerError && e.message.startsWith(`Option ${name}: `) && /npm install -g/.test(e.message) && !e.message.includes('\n'));
    }
  });

  test("names of Object's own properties are unknown options, not retired ones", () => {
    for (const name of ['--constructor', '--toString', '--__proto__', '--hasOwnProperty']) {
      assert.throws(() => parseCommandLine([name, 'img']), /Unknown option/);
    }
  });
});

describe("upstream's short letters", () => {
  test('-e -g -m -p -l -I are --exe --gpu --home --pulseaudio --lang --network, also grouped', () => {
    const o = parseCommandLine(['-gmpl', '-I', 'img']);
    const plain = parseCommandLine(['--gpu', '--home', '--pulseaudio', '--lang', '--network', 'img']);
    // (only the long form before IMAGE gets the hint that optional values need '=')
    assert.deepEqual({ ...o, notes: [], optionalBeforeImage: undefined }, { ...plain, notes: [], optionalBeforeImage: undefined });
    assert.deepEqual(parseCommandLine(['-e', 'xterm']).command, ['xterm']);
    assert.equal(parseCommandLine(['-e', 'xterm']).exe, true);
  });
});
