// The API's options -> command line (src/api.ts toCommandLine): the CLI's parser reads the result,
// so every rule is the CLI's; what the API adds is that no value can become an option.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toCommandLine, X11DockerError, type SessionOptions } from '../../src/api.js';
import { parseCommandLine } from '../../src/options/parse.js';

const refused = (o: unknown, pattern: RegExp) =>
  assert.throws(() => toCommandLine(o as SessionOptions), (e: unknown) => e instanceof X11DockerError && e.exitCode === 64 && pattern.test(e.message));

describe('toCommandLine', () => {
  test('options by table name (camelCase too), a display option by name, image and command after -- --', () => {
    const argv = toCommandLine({ image: 'img', command: ['sh', '-c', 'echo a b'], display: 'xvfb', sharedir: ['/a', '/b'], noEntrypoint: true, home: false, dockerOptions: ['--env', 'A=b c'] });
    assert.deepEqual(argv, ['--xvfb', '--sharedir=/a', '--sharedir=/b', '--no-entrypoint', '--', '--env', 'A=b c', '--', 'img', 'sh', '-c', 'echo a b']);
    const o = parseCommandLine(argv);
    assert.deepEqual([o.xserver, o.image, o.command, o.engineArgs], ['xvfb', 'img', ['sh', '-c', 'echo a b'], ['--env', 'A=b c']]);
  });
  test('without dockerOptions the image still follows -- --, so it is never read as options', () => {
    const o = parseCommandLine(toCommandLine({ image: 'img', command: ['--privileged'] }));
    assert.deepEqual([o.image, o.command, o.engineArgs], ['img', ['--privileged'], []]);
  });
  test('an image that is empty or starts with - is refused (no option injection)', () => {
    for (const image of ['', '--volume=/etc:/x', '--privileged', '-v']) refused({ image }, /is not an image name/);
  });
  test('command and dockerOptions must be lists of strings; no command without an image', () => {
    refused({ image: 'img', command: 'true' }, /^command: give a list of strings/);
    refused({ image: 'img', command: [1, {}] }, /^command: give a list of strings/);
    refused({ image: 'img', dockerOptions: '--privileged' }, /^dockerOptions: give a list of strings/);
    refused({ command: ['xeyes'] }, /need an image/);
  });
  test('no options object, keys that are no option names, and CLI-only options are refused', () => {
    refused(null, /give an options object/);
    refused({ 'network=host': true }, /not an option name/);
    refused({ '': true }, /not an option name/);
    for (const key of ['cleanup', 'help', 'gui', 'version']) refused({ [key]: true }, /starts no session/);
  });
});

describe('values in messages', () => {
  test('a newline in an option value cannot break the one-line warning (printable)', async () => {
    const { planSession } = await import('../../src/plan/plan.js');
    const host = { processUid: 1000, hostUser: { name: 'a', uid: 1000, gid: 1000, groupName: 'a', home: '/home/a' }, hostUserSource: 'invoking', binaries: new Set(['Xvfb', 'docker']), sessionId: 's', pid: 1 } as const;
    const p = planSession(parseCommandLine(toCommandLine({ image: 'img', display: 'xvfb', network: 'host\n--privileged' })), host as never, { id: 'x', user: '', workingDir: '', entrypoint: [], cmd: ['true'], env: [] });
    const w = p.warnings.find((x) => x.startsWith('Option --network'));
    assert.ok(w && !w.includes('\n') && w.includes('host\\n--privileged'), w);
  });
});
