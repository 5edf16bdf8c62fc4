// --checkwindow[=ARG] (plan/checkwindow.ts, run/checkwindow.ts, the keep-alive user launcher in
// plan/launchers.ts): what is planned per display, how xwininfo's window list is read, and that
// the launcher outlives its command.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseCommandLine } from '../../src/options/parse.js';
import { planCheckWindow } from '../../src/plan/checkwindow.js';
import { namedWindows } from '../../src/run/checkwindow.js';
import { userLauncher } from '../../src/plan/launchers.js';

const x11 = { name: 'xvfb', gives: 'x11', source: 'new' } as const;
const withXwininfo = new Set(['xwininfo']);
const planned = (args: string[], driver: Parameters<typeof planCheckWindow>[1] = x11, binaries: ReadonlySet<string> = withXwininfo) => {
  const notes: string[] = [];
  return { check: planCheckWindow(parseCommandLine([...args, 'img']), driver, binaries, notes), notes };
};

describe('--checkwindow', () => {
  test('planned on an X display with xwininfo; ARG is kept as given', () => {
    assert.deepEqual(planned(['--checkwindow']), { check: {}, notes: [] });
    assert.deepEqual(planned(['--checkwindow=Mozilla Firefox']).check, { match: 'Mozilla Firefox' });
    assert.equal(planned([]).check, undefined);
    assert.throws(() => parseCommandLine(['--checkwindow=a\nb', 'img']), /^X11DockerError: Option --checkwindow: control characters/);
  });

  test('no X display, no xwininfo: a note (a fallback: --fallback=no makes it an error); a shared display: a note', () => {
    assert.match(planned(['--checkwindow'], { name: 'weston', gives: 'wayland', source: 'new' }).notes[0]!, /^Option --checkwindow has no effect with --weston/);
    assert.match(planned(['--checkwindow'], x11, new Set()).notes[0]!, /^Option --checkwindow has no effect: xwininfo is missing\. Install it: apt-get install x11-utils\.$/);
    assert.match(planned(['--checkwindow'], { name: 'hostdisplay', gives: 'x11', source: 'shared' }).notes[0]!, /the windows of your whole display count/);
  });

  test("xwininfo's list: named windows count, '(has no name)' ones do not", () => {
    const output = [
      'xwininfo: Window id: 0x1e3 (the root window) (has no name)',
      '',
      '  Root window id: 0x1e3 (the root window) (has no name)',
      '  Parent window id: 0x0 (none)',
      '     2 children:',
      '     0x200001 "xeyes": ("xeyes" "XEyes")  150x100+0+0  +0+0',
      '     0x400001 (has no name): ()  1x1+0+0  +0+0',
    ].join('\n');
    assert.deepEqual(namedWindows(output), ['0x200001']);
    assert.deepEqual(namedWindows(output.replace(/.*xeyes.*\n/, '')), []);
  });

  test('the keep-alive launcher runs the command, says it ended and stays', () => {
    const script = userLauncher(false, [], true);
    const r = spawnSync('sh', ['-c', script, 'x11docker-launcher', 'sh', '-c', 'echo ran; exit 3'], { encoding: 'utf8', timeout: 3000 });
    assert.equal(r.stdout, 'ran\n');
    assert.match(r.stderr, /--checkwindow: the command ended with exit code 3; the container runs until its windows are closed/);
    assert.equal(r.signal, 'SIGTERM', 'still running when the timeout ended it');
    assert.match(userLauncher(false), /^exec "\$@"$/m, 'without --checkwindow the launcher is replaced by the command');
  });
});
