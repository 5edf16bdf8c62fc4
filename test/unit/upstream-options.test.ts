// Every option upstream x11docker 7.8.1 lists in its --help (test/fixtures/upstream-7.8.1-options.txt)
// is either a row of the option table (with upstream's short letter), a retired option with a
// note or an error, or an unavailable one with a one-line reason that the README's "Differences
// from upstream" names; none is a silent "unknown option".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findOption, retiredOptions } from '../../src/options/table.js';
import { unavailableOptionMessage, unavailableOptions } from '../../src/options/upstream.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { X11DockerError } from '../../src/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const upstream = readFileSync(`${root}test/fixtures/upstream-7.8.1-options.txt`, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const m = /^(?:-([A-Za-z])(?:, )?)?(?:--([a-z0-9-]+))?$/.exec(l);
    assert.ok(m, `fixture line '${l}'`);
    return { short: m[1], long: m[2] };
  });
const readme = readFileSync(`${root}README.md`, 'utf8');
const differences = readme.slice(readme.indexOf('## Differences from upstream'), readme.indexOf('\n## ', readme.indexOf('## Differences from upstream') + 5));

/** What x11docker says when the option is given before an image: undefined when it is accepted. */
function refusal(args: string[]): string | undefined {
  try {
    parseCommandLine([...args, 'x11docker-demo']);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof X11DockerError, String(error));
    return error.message;
  }
}

describe("upstream 7.8.1's options", () => {
  test('the fixture holds the 108 long options and -V of upstream 7.8.1 --help', () => {
    assert.equal(upstream.filter((o) => o.long).length, 108);
    assert.ok(upstream.some((o) => o.short === 'V' && !o.long));
  });

  for (const { short, long } of upstream) {
    const shown = [short && `-${short}`, long && `--${long}`].filter(Boolean).join(', ');
    test(`${shown}: an option, a retired option or a refusal with its reason, never unknown`, () => {
      if (long) {
        const row = findOption(long);
        const retired = retiredOptions[long];
        const unavailable = unavailableOptionMessage(long);
        assert.ok(row || retired || unavailable, `--${long} is handled`);
        if (unavailable) {
          assert.equal(refusal([`--${long}`]), unavailable);
          assert.match(unavailable, new RegExp(`^Option --${long} of upstream x11docker 7\\.8\\.1 `));
          assert.ok(differences.includes(`\`--${long}\``), `README "Differences from upstream" names --${long}`);
        }
        if (short) {
          const viaShort = findOption(short);
          const shortRetired = retiredOptions[`-${short}`];
          assert.ok(
            viaShort?.name === long || shortRetired !== undefined || unavailableOptionMessage(short) === unavailable && unavailable !== undefined,
            `-${short} means --${long} as upstream, or says why not`,
          );
        }
      } else {
        assert.equal(retiredOptions[`-${short}`]?.sameAs ?? findOption(short!)?.name, 'verbose');
      }
      const message = refusal([short ? `-${short}` : `--${long}`]);
      assert.doesNotMatch(message ?? '', /^Unknown option/);
    });
  }

  test('every unavailable option is one of upstream 7.8.1 (the list only names real options)', () => {
    const names = new Set(upstream.map((o) => o.long));
    assert.deepEqual(Object.keys(unavailableOptions).filter((n) => !names.has(n)), []);
  });

  test('-V is --verbose; -w says what to use; -F is --xfishtank', () => {
    assert.equal(parseCommandLine(['-V', 'x11docker-demo']).verbosity, 'verbose');
    assert.match(refusal(['-w']) ?? '', /--wm COMMAND/);
    assert.equal(parseCommandLine(['-F', 'x11docker-demo']).screen.xfishtank, true);
  });

  test('the README\'s "Differences from upstream" names no implemented option as missing', () => {
    const missing = differences.slice(differences.indexOf('not implemented yet'), differences.indexOf('- `-V`'));
    for (const name of ['scale', 'rotate', 'output-count', 'border', 'xfishtank', 'westonini', 'xauth', 'xhost', 'clean-xhost', 'vt', 'xoverip']) {
      assert.ok(findOption(name), `--${name} is a row of the table`);
      assert.doesNotMatch(missing, new RegExp(`\`--${name}\``), `--${name} is not listed as missing`);
    }
  });
});
