// --preset (src/options/preset.ts): presets expand in place among x11docker's options, the
// default preset comes first, the user's folder supersedes the system's, each preset is read
// once, and a bad preset or line is one error naming the file and line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPresets, presetFileReader, presetFolders, type PresetReader } from '../../src/options/preset.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { X11DockerError } from '../../src/errors.js';

/** A reader over an in-memory folder of presets (file names as in the user's folder). */
const reader = (files: Record<string, string>): PresetReader => (name) => (Object.hasOwn(files, name) ? { file: `/home/u/.config/x11docker/preset/${name}`, text: files[name]! } : undefined);
const expand = (argv: string[], files: Record<string, string>, env: NodeJS.ProcessEnv = {}) => expandPresets(argv, '/home/u', reader(files), env);
const fails = (argv: string[], files: Record<string, string>, pattern: RegExp) =>
  assert.throws(() => expand(argv, files), (e: unknown) => e instanceof X11DockerError && pattern.test(e.message) && !e.message.includes('\n'));

describe('--preset', () => {
  test('a preset is replaced by its options where it stands; comments and blank lines are skipped', () => {
    const r = expand(['--xephyr', '--preset', 'dev', '-q', 'img', '--preset', 'x'], { dev: '# my set\n--home --size=800x600\n\n--env "A=b c"\n' });
    assert.deepEqual(r.args, ['--xephyr', '--home', '--size=800x600', '--env', 'A=b c', '-q', 'img', '--preset', 'x']);
    assert.deepEqual(r.applied, ['/home/u/.config/x11docker/preset/dev']);
    assert.deepEqual(expand(['--preset=dev', 'img'], { dev: '--xvfb' }).args, ['--xvfb', 'img']);
  });

  test("the default preset comes first, nested presets expand, and each preset is read once", () => {
    const r = expand(['--preset', 'a', 'img'], { default: '--quiet', a: '--xvfb --preset b', b: '--desktop --preset a' });
    assert.deepEqual(r.args, ['--quiet', '--xvfb', '--desktop', 'img']);
  });

  test('values of options are not taken for presets or IMAGE; after IMAGE or -- nothing is expanded', () => {
    assert.deepEqual(expand(['--user', '--preset', 'img'], {}).args, ['--user', '--preset', 'img']);
    assert.deepEqual(expand(['--', '--preset', 'a', 'img'], {}).args, ['--', '--preset', 'a', 'img']);
  });

  test('$VARIABLES are taken from the environment, as upstream evaluates the file', () => {
    assert.deepEqual(expand(['--preset', 'p', 'img'], { p: '--share "$HOME/data"' }, { HOME: '/home/u' }).args, ['--share', '/home/u/data', 'img']);
  });

  test('the preset is parsed like typed options', () => {
    const options = parseCommandLine(expand(['--preset', 'p', 'img'], { p: '--xvfb --size 640x480' }).args);
    assert.equal(options.xserver, 'xvfb');
    assert.deepEqual(options.size, { width: 640, height: 480 });
  });

  test('a missing preset, a bad name and bad lines are one error naming the option, file and line', () => {
    fails(['--preset', 'nope', 'img'], {}, /^Option --preset: no preset 'nope' in \/home\/u\/\.config\/x11docker\/preset or \/etc\/x11docker\/preset\./);
    fails(['--preset', '../etc/passwd', 'img'], {}, /^Option --preset takes a file name without '\/'/);
    fails(['--preset'], {}, /^Option --preset needs the name of a preset file/);
    fails(['--preset', 'p', 'img'], { p: '--xvfb\nx11docker/xfce' }, /^Option --preset: \/home\/u\/\.config\/x11docker\/preset\/p line 2: 'x11docker\/xfce' is not an x11docker option/);
    fails(['--preset', 'p', 'img'], { p: '--bogus' }, /^Option --preset: \S+ line 1: unknown option --bogus/);
    fails(['--preset', 'p', 'img'], { p: '--share $(id)' }, /line 1: shell syntax \(\(\) is not run in a preset/);
    fails(['--preset', 'p', 'img'], { p: '--user' }, /line 1: --user needs its value on the same line/);
    fails(['--preset', 'p', 'img'], { p: '-- --privileged' }, /line 1: '--' is not an x11docker option/);
    fails([], { default: '--xvfb; id' }, /default line 1: shell syntax \(;\)/);
  });

  test('--preset reaching the parser (API, GUI) is an error, not ignored', () => {
    assert.throws(() => parseCommandLine(['--preset', 'p', 'img']), /Option --preset is read by the x11docker command/);
  });

  test("files: the user's folder supersedes the system's; without HOME only the system folder", () => {
    assert.deepEqual(presetFolders('/home/u'), ['/home/u/.config/x11docker/preset', '/etc/x11docker/preset']);
    assert.deepEqual(presetFolders(undefined), ['/etc/x11docker/preset']);
    const home = mkdtempSync(join(tmpdir(), 'x11docker-preset-'));
    try {
      mkdirSync(join(home, '.config', 'x11docker', 'preset'), { recursive: true });
      writeFileSync(join(home, '.config', 'x11docker', 'preset', 'mine'), '--xvfb\n');
      assert.deepEqual(presetFileReader(home)('mine'), { file: join(home, '.config', 'x11docker', 'preset', 'mine'), text: '--xvfb\n' });
      assert.equal(presetFileReader(home)('absent'), undefined);
      // a folder, a file too large or unreadable is an error naming the file, never a silent fallback to /etc
      mkdirSync(join(home, '.config', 'x11docker', 'preset', 'dir'));
      assert.throws(() => presetFileReader(home)('dir'), /^X11DockerError: Option --preset: \S+\/preset\/dir is not a file\./);
      writeFileSync(join(home, '.config', 'x11docker', 'preset', 'huge'), '--quiet\n'.repeat(20000));
      assert.throws(() => presetFileReader(home)('huge'), /has 160000 bytes; a preset holds at most 65536 bytes/);
      // a preset folder x11docker may not enter is no preset (as for a HOME of root's), not a crash
      if (process.getuid?.() !== 0) {
        chmodSync(join(home, '.config'), 0o000);
        assert.equal(presetFileReader(home)('default'), undefined);
        chmodSync(join(home, '.config'), 0o755);
      }
      // the default preset is skipped when asked (--cleanup, --help, --version, --license)
      assert.deepEqual(expandPresets(['--cleanup'], home, reader({ default: '--bogus' }), {}, false).args, ['--cleanup']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
