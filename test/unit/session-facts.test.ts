// --printenv[=FILE] and --printid[=FILE] (src/session-facts.ts and the parser): what goes to
// stdout, what into files, and what the plan reserves stdout for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { checkFactFiles, sessionFacts } from '../../src/session-facts.js';
import { dependencyCheck } from '../../src/plan/choose.js';

const env = { DISPLAY: ':101', XAUTHORITY: '/c/Xauthority.client', XSOCKET: '/tmp/.X11-unix/X101' };
const line = 'DISPLAY=:101 XAUTHORITY=/c/Xauthority.client XSOCKET=/tmp/.X11-unix/X101';
const facts = (args: string[], containerId: string | null = 'f00d') => sessionFacts(parseCommandLine(args), { env, containerId: containerId ?? undefined });

describe('--printenv and --printid', () => {
  test('--printenv (and --showenv) without FILE: the environment line on stdout', () => {
    assert.deepEqual(facts(['--printenv', 'img']), { stdout: [line], files: [], notes: [] });
    assert.deepEqual(facts(['--showenv', 'img']).stdout, [line]);
  });

  test('--printenv=FILE: the line goes into FILE, not onto stdout; --xonly then prints nothing on stdout', () => {
    assert.deepEqual(facts(['--printenv=/run/env', 'img']), { stdout: [], files: [{ option: '--printenv', file: '/run/env', text: `${line}\n` }], notes: [] });
    assert.deepEqual(facts(['--xonly', '--printenv=/run/env']).stdout, []);
    assert.deepEqual(facts(['--xonly']).stdout, [line], '--xonly alone still prints the line');
    assert.deepEqual(facts(['--printenv', '--printenv=/run/env', 'img']).stdout, [line], 'both: stdout and the file');
  });

  test('--printid: the container ID after the environment line; =FILE into the file; without a container a note', () => {
    assert.deepEqual(facts(['--printid', '--printenv', 'img']).stdout, [line, 'f00d']);
    assert.deepEqual(facts(['--printid=/run/id', 'img']).files, [{ option: '--printid', file: '/run/id', text: 'f00d\n' }]);
    assert.deepEqual(facts(['--showid', 'img']).stdout, ['f00d'], "upstream's older name");
    assert.match(facts(['--printid', '--xonly'], null).notes[0] ?? '', /^Option --printid: this session runs no container/);
  });

  test('stdout is reserved for these lines (the command prints to stderr) only when they go to stdout', () => {
    const plan = (args: string[]) => parseCommandLine(args);
    assert.equal(plan(['--printid', 'img']).printid?.file, undefined);
    assert.equal(plan(['--printenv=/x', 'img']).showenv, false);
    assert.throws(() => parseCommandLine(['--printenv=a\nb', 'img']), /Option --printenv=FILE \(--showenv\): control characters/);
    assert.throws(() => parseCommandLine(['--printid=', 'img']), /--printid= has an empty value/);
  });
});

describe('the FILEs of --printenv and --printid are checked before anything starts', () => {
  test('a folder, a missing folder, an unwritable place, or one file for both: one error naming the option', () => {
    const check = (args: string[]) => () => checkFactFiles(parseCommandLine([...args, 'img']));
    assert.throws(check(['--printenv=/tmp']), /^X11DockerError: Option --printenv=FILE: \/tmp is a folder\./);
    assert.throws(check(['--printid=/nonexistent/dir/id']), /Option --printid=FILE: the folder \/nonexistent\/dir does not exist/);
    assert.throws(check(['--printid=/tmp/f', '--printenv=/tmp/./f']), /name the same file/);
    assert.doesNotThrow(check(['--printid=/tmp/x11docker-unit-id', '--printenv=/tmp/x11docker-unit-env']));
    assert.doesNotThrow(check(['--printid', '--printenv']));
    if (process.getuid?.() !== 0) assert.throws(check(['--printenv=/proc/1/x']), /not writable|does not exist/);
  });
});

describe('--printpid1, --printinfofile, --printcheck', () => {
  const session = { env, containerId: 'f00d', pid1: 4242, infoFile: '/c/s/session.json' };
  const of = (args: string[], s: Parameters<typeof sessionFacts>[1] = session) => sessionFacts(parseCommandLine(args), s);

  test("on stdout after the environment line in upstream's order (info file, ID, PID), or each into its FILE", () => {
    assert.deepEqual(of(['--printpid1', '--printid', '--printinfofile', '--printenv', 'img']).stdout, [line, '/c/s/session.json', 'f00d', '4242']);
    assert.deepEqual(of(['--printpid1=/run/pid', '--printinfofile=/run/info', 'img']).files, [
      { option: '--printinfofile', file: '/run/info', text: '/c/s/session.json\n' },
      { option: '--printpid1', file: '/run/pid', text: '4242\n' },
    ]);
    assert.deepEqual(of(['--showpid1', '--showinfofile', 'img']).stdout, ['/c/s/session.json', '4242'], "upstream's older names");
  });

  test('without a container, or when it ended before its PID was read: a note, nothing printed', () => {
    assert.match(of(['--printpid1', 'img'], { env }).notes[0] ?? '', /^Option --printpid1: this session runs no container/);
    assert.match(of(['--printpid1', 'img'], { env, containerId: 'f00d' }).notes[0] ?? '', /^Option --printpid1: the container ended before its PID could be read\.$/);
  });

  test("stdout is the facts' when one goes there; the FILEs are checked like --printid's", () => {
    assert.equal(parseCommandLine(['--printpid1=/x', 'img']).printpid1?.file, '/x');
    assert.throws(() => checkFactFiles(parseCommandLine(['--printpid1=/tmp', 'img'])), /^X11DockerError: Option --printpid1=FILE: \/tmp is a folder\./);
    assert.throws(() => checkFactFiles(parseCommandLine(['--printinfofile=/tmp/a', '--printpid1=/tmp/./a', 'img'])), /Options --printpid1=FILE and --printinfofile=FILE name the same file/);
    assert.throws(() => parseCommandLine(['--printinfofile=a\tb', 'img']), /Option --printinfofile=FILE: control characters/);
  });

  test('--printcheck: one line per display option the choice looks at, the given one first', () => {
    const input = { desktop: false, gpu: false, wayland: false, display: ':0', binaries: new Set(['/usr/bin/nxagent', 'nxagent', 'Xephyr']) };
    const lines = dependencyCheck(input);
    assert.equal(lines[0], '--printcheck: --nxagent (single application): possible');
    assert.match(lines[1]!, /^--printcheck: --xpra \(single application\): not possible, \S+ is missing \(apt-get install /);
    assert.equal(dependencyCheck({ ...input, xserver: 'xvfb' })[0]!.startsWith('--printcheck: --xvfb (given): '), true);
    assert.equal(parseCommandLine(['--printcheck', 'img']).printcheck, true);
  });
});
