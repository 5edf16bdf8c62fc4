// The one shell quoting (src/quote.ts, shell-quote's quote): a POSIX shell gives back the very
// words, for the log, the GUI's command line and the sh launchers written into containers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { quoteWord, quoteWords } from '../../src/quote.js';
import { formatCommand } from '../../src/run/spawn.js';
import { findBinaries } from '../../src/host/facts.js';
import { wordsIn } from './shell-words.js';

// dash is Debian's /bin/sh; bash and busybox when installed
const shells = ['sh', 'dash', 'bash', 'busybox'].filter((s) => findBinaries([s], process.env.PATH ?? '').has(s)).map((s) => (s === 'busybox' ? 'busybox sh' : s));

describe('quoteWord', () => {
  test('plain words stay as typed; others are quoted', () => {
    assert.equal(quoteWord('--mount=type=bind,source=/a@b:c%d+e'), '--mount=type=bind,source=/a@b:c%d+e');
    assert.equal(quoteWord(''), "''");
    assert.equal(quoteWord("it's"), '"it\'s"');
    assert.equal(formatCommand('docker', ['create', '--env', 'A=b c']), "docker create --env 'A=b c'");
  });

  for (const shell of shells) {
    test(`${shell} reads every quoted word back unchanged (quotes, $, backticks, !, globs, newlines, unicode)`, () => {
      const tricky = fc.constantFrom("'", '"', '\\', '$', '`', '!', ' ', '\n', '\t', '*', '?', '[', ']', '~', '#', '&', ';', '|', '<', '>', '(', ')', '{', '}', '=', ':', ',', '%', '@', '-', 'a', 'ü', '\r', '\x01');
      const word = fc.oneof(fc.string({ unit: tricky, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
      fc.assert(
        fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), (words) => assert.deepEqual(wordsIn(shell, quoteWords(words)), words)),
        { numRuns: 30 },
      );
    });
  }
});
