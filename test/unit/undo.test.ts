// The session's undo stack (src/run/undo.ts) and its one wait (src/run/wait.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UndoStack } from '../../src/run/undo.js';
import { abortWhenSettled, waitUntil } from '../../src/run/wait.js';
import { X11DockerError } from '../../src/errors.js';

describe('UndoStack', () => {
  test('container steps first, then process steps, then file steps in reverse order', async () => {
    const undo = new UndoStack();
    const ran: string[] = [];
    const step = (what: string, ms = 0) => async () => {
      await new Promise((r) => setTimeout(r, ms));
      ran.push(what);
    };
    undo.defer('folder', step('folder'));
    undo.defer('claim', step('claim'));
    undo.defer('x server', step('x server', 20), 'process');
    undo.defer('remove container', step('remove container'), 'process');
    undo.defer('stop container', step('stop container', 10), 'container');
    undo.defer('cookie', step('cookie'));
    await undo.disposeAsync();
    assert.deepEqual(ran, ['stop container', 'remove container', 'x server', 'cookie', 'claim', 'folder']);
    assert.equal(undo.size, 0);
  });

  test('a failing step is logged and the others still run', async () => {
    const undo = new UndoStack();
    const ran: string[] = [];
    undo.defer('a', () => void ran.push('a'));
    undo.defer('b', () => {
      throw new Error('boom');
    });
    undo.defer('c', () => void ran.push('c'), 'process');
    await undo.disposeAsync();
    assert.deepEqual(ran, ['c', 'a']);
  });

  test('unwindTo undoes only what came after the mark', async () => {
    const undo = new UndoStack();
    const ran: string[] = [];
    undo.defer('kept', () => void ran.push('kept'));
    const mark = undo.mark();
    undo.defer('attempt', () => void ran.push('attempt'));
    await undo.unwindTo(mark);
    assert.deepEqual([ran, undo.list()], [['attempt'], ['kept']]);
  });
});

describe('waitUntil', () => {
  test('resolves with the first truthy value', async () => {
    let n = 0;
    assert.equal(await waitUntil(() => (++n >= 3 ? `after ${n}` : undefined), { what: 'three checks', intervalMs: 1, timeoutMs: 1000 }), 'after 3');
  });
  test('times out naming what did not happen', async () => {
    await assert.rejects(waitUntil(() => false, { what: 'X server :7 to accept connections', timeoutMs: 30 }), (e: unknown) => {
      assert.ok(e instanceof X11DockerError);
      assert.match(e.message, /^X server :7 to accept connections did not happen within 30 ms$/);
      return true;
    });
  });
  test('an abort ends the wait with the reason, after one last check', async () => {
    let ready = false;
    const signal = abortWhenSettled(new Promise((r) => setTimeout(r, 20)), new Error('the server ended'));
    await assert.rejects(waitUntil(() => ready, { what: 'x', signal }), /the server ended/);
    ready = true;
    assert.equal(await waitUntil(() => ready, { what: 'x', signal }), true);
  });
});
