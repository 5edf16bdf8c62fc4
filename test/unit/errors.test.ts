// X11DockerError keeps its cause and context; formatError shows one line, or with --debug the cause
// chain and the innermost stack (src/errors.ts); the CLI and the GUI report errors through it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatError, X11DockerError } from '../../src/errors.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { imageNotFoundHint } from '../../src/options/persistence.js';

const CLI = fileURLToPath(new URL('../../x11docker.js', import.meta.url));

describe('X11DockerError', () => {
  test('exit code 64 by default; the numeric second argument still sets it; options carry cause and context', () => {
    assert.equal(new X11DockerError('x').exitCode, 64);
    assert.equal(new X11DockerError('x', 130).exitCode, 130);
    const cause = new Error('EACCES');
    const e = new X11DockerError('Cannot create /x.', { cause, exitCode: 70, context: { path: '/x' } });
    assert.equal(e.exitCode, 70);
    assert.equal(e.cause, cause);
    assert.deepEqual(e.context, { path: '/x' });
    assert.equal(new X11DockerError('x').cause, undefined);
  });

  test('caught errors go along as the cause', () => {
    const notFound = new X11DockerError("Image 'de' not found locally.");
    const hinted = imageNotFoundHint(notFound, { optionalBeforeImage: 'lang', image: 'de' }) as X11DockerError;
    assert.match(hinted.message, /--lang=de/);
    assert.equal(hinted.cause, notFound);
    const image = (() => {
      try {
        parseCommandLine(['--', '--rm --init', 'Bad:Image']);
      } catch (error) {
        return error as X11DockerError;
      }
      assert.fail('not refused');
    })();
    assert.match(image.message, /after docker run options '--rm --init'/);
    assert.ok(image.cause instanceof X11DockerError);
    assert.match(image.cause.message, /^Invalid image name 'Bad:Image'\. Give a name like/);
  });
});

describe('formatError', () => {
  const inner = new Error('permission denied');
  const middle = new Error('mkdir failed', { cause: inner });
  const outer = new X11DockerError('Cannot create the session folder /c/s. Make /c writable.', { cause: middle, context: { option: '--home', uid: 1000, skipped: undefined } });

  test('without --debug: the message alone, one line, no stack', () => {
    assert.equal(formatError(outer, { debug: false }), outer.message);
    const bug = formatError(new TypeError('x is undefined\n    at f (file.js:1:1)'), { debug: false });
    assert.equal(bug, 'unexpected error: x is undefined. This is a bug in x11docker; run it again with --debug to see where it happened.');
    assert.equal(formatError('a string', { debug: false }), 'unexpected error: a string. This is a bug in x11docker; run it again with --debug to see where it happened.');
    assert.equal(formatError(new X11DockerError('one\ntwo'), { debug: false }), 'one');
  });

  test('with --debug: the message, the context, each cause, and the innermost stack', () => {
    const lines = formatError(outer, { debug: true }).split('\n');
    assert.equal(lines[0], outer.message);
    assert.equal(lines[1], '  context: option=--home uid=1000');
    assert.equal(lines[2], '  caused by: Error: mkdir failed');
    assert.equal(lines[3], '  caused by: Error: permission denied');
    assert.equal(lines[4], 'Error: permission denied');
    assert.match(lines[5]!, /^\s+at /);
  });

  test('a cause chain that loops ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const text = formatError(new X11DockerError('top', { cause: a }), { debug: true });
    assert.equal(text.split('\n').filter((l) => l.startsWith('  caused by')).length, 2);
  });
});

describe('the CLI reports errors through formatError (src/fatal.ts reportError)', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('bad input: exit 64, one line on stderr, no stack; --debug adds the cause and its stack', () => {
    const plain = run(['--', '--rm --init', 'Bad:Image']);
    assert.equal(plain.status, 64);
    assert.equal(plain.stderr.trim().split('\n').length, 1, plain.stderr);
    assert.match(plain.stderr, /Invalid image name 'Bad:Image' after docker run options/);
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const debug = run(['--debug', '--', '--rm --init', 'Bad:Image']);
    assert.equal(debug.status, 64);
    assert.match(debug.stderr, /\nx11docker debug: {3}caused by: X11DockerError: Invalid image name 'Bad:Image'\. Give a name like/);
    assert.match(debug.stderr, /\n\s+at validateImage /);
  });
});
