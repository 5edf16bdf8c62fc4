/** bindMount: docker parses --mount values as CSV, so paths with commas or quotes must be quoted. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bindMount } from '../../src/plan/argv.js';
import { parseCommandLine } from '../../src/options/parse.js';

describe('bindMount', () => {
  it('plain paths stay unquoted', () => {
    assert.equal(bindMount('/tmp/.X11-unix/X100', '/tmp/.X11-unix/X100'), '--mount=type=bind,source=/tmp/.X11-unix/X100,target=/tmp/.X11-unix/X100,readonly');
  });
  it('a comma or quote in a path is CSV-quoted', () => {
    assert.equal(bindMount('/home/a,b/c', '/x'), '--mount=type=bind,"source=/home/a,b/c",target=/x,readonly');
    assert.equal(bindMount('/home/a"b', '/x'), '--mount=type=bind,"source=/home/a""b",target=/x,readonly');
  });
});

describe('empty docker run options string', () => {
  it('-- "" IMAGE CMD is IMAGE CMD (scripts pass "$OPTS" that may be empty)', () => {
    const o = parseCommandLine(['--', '', 'img', 'echo', 'hi']);
    assert.equal(o.image, 'img');
    assert.deepEqual(o.engineArgs, []);
    assert.deepEqual(o.command, ['echo', 'hi']);
  });
  it('options split into several arguments get a hint about the second --', () => {
    assert.throws(() => parseCommandLine(['--', '-e', 'A=1', 'img']), /end them with a second '--'/);
  });
});
