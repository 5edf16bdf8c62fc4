// --install, --update, --remove (src/tool-commands.ts, src/host/install.ts) with a temporary
// HOME: the files appear in the XDG folders, --remove deletes exactly them, a file of the user's
// is never replaced or deleted; --update says to use npm. And desktopExec (src/quote.ts): an Exec
// line reads back as the same argv under the Desktop Entry rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { runTool } from '../../src/tool-commands.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { desktopExec } from '../../src/quote.js';
import { X11DockerError } from '../../src/errors.js';
import { parseDesktopExec } from './desktop-exec.js';

/** Every file below `dir`, relative to it, sorted. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let out = '';
  const tool = parseCommandLine(args).tool;
  assert.ok(tool);
  assert.equal(await runTool(tool, '9.8.7', env, (t) => { out += t; }), 0);
  return out;
}

const expected = [
  '.config/fish/completions/x11docker.fish',
  '.local/share/applications/x11docker.desktop',
  '.local/share/bash-completion/completions/x11docker',
  '.local/share/icons/hicolor/scalable/apps/x11docker.svg',
  '.local/share/man/man1/x11docker.1',
  '.local/share/zsh/site-functions/_x11docker',
];

describe('--install, --update, --remove', () => {
  test('--install writes the menu entry, icon, man page and completions into HOME; --remove deletes exactly them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-install-'));
    try {
      writeFileSync(join(home, 'keep.txt'), 'mine');
      const env = { HOME: home, PATH: '/usr/bin:/bin' };
      const out = await run(['--install'], env);
      assert.deepEqual(filesBelow(home), [...expected, 'keep.txt'].sort());
      assert.equal(out.trim().split('\n').length, expected.length);
      assert.match(out, /^installed man page: .*\/\.local\/share\/man\/man1\/x11docker\.1$/m);
      const desktop = readFileSync(join(home, '.local/share/applications/x11docker.desktop'), 'utf8');
      assert.match(desktop, /^\[Desktop Entry\]$/m);
      assert.match(desktop, /^Icon=x11docker$/m);
      const exec = /^Exec=(.*)$/m.exec(desktop)![1]!;
      assert.deepEqual(parseDesktopExec(exec).slice(-1), ['--gui'], 'the entry starts x11docker-gui');
      assert.match(readFileSync(join(home, '.local/share/man/man1/x11docker.1'), 'utf8'), /"x11docker 9\.8\.7"/);
      assert.equal((await run(['--install'], env)).trim().split('\n').length, expected.length, 'a second --install replaces its own files');

      const removed = await run(['--remove'], env);
      assert.equal(removed.trim().split('\n').filter((l) => l.startsWith('removed ')).length, expected.length);
      assert.deepEqual(filesBelow(home), ['keep.txt'], 'only the user\'s file is left');
      assert.match(await run(['--remove'], env), /^nothing to remove/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("XDG_DATA_HOME and XDG_CONFIG_HOME are followed; a file of the user's is neither replaced nor removed", async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-install-'));
    try {
      const env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'conf'), PATH: '' };
      const own = join(home, 'conf/fish/completions/x11docker.fish');
      mkdirSync(join(own, '..'), { recursive: true });
      writeFileSync(own, 'complete -c x11docker -l mine\n');
      await assert.rejects(run(['--install'], env), (e: unknown) => e instanceof X11DockerError && e.exitCode === 64 && /^Option --install: \S+x11docker\.fish exists and is not x11docker's\./.test(e.message));
      assert.deepEqual(filesBelow(join(home, 'data')), [], 'nothing written when a file is in the way');
      rmSync(own);
      await run(['--install'], env);
      assert.ok(existsSync(join(home, 'data/man/man1/x11docker.1')));
      writeFileSync(own, 'complete -c x11docker -l mine\n');
      assert.match(await run(['--remove'], env), /^kept \S+x11docker\.fish: not written by x11docker$/m);
      assert.equal(readFileSync(own, 'utf8'), 'complete -c x11docker -l mine\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('--update says to use npm and exits 0; --update=diff how to compare; other values, two at once or an IMAGE are refused', async () => {
    assert.match(await run(['--update'], {}), /installed and updated by npm[\s\S]*npm install -g/);
    assert.match(await run(['--update=diff'], {}), /npm outdated -g/);
    assert.throws(() => parseCommandLine(['--update=now']), /^X11DockerError: Option --update takes only the value diff \(got 'now'\)/);
    assert.throws(() => parseCommandLine(['--install', '--remove']), /Options --install and --remove each do one thing and exit/);
    assert.throws(() => parseCommandLine(['--install', 'img']), /Option --install runs no container, but image 'img' was given/);
    assert.throws(() => parseCommandLine(['--update-master']), /--update-master: .*npm/);
  });
});

describe('desktopExec (Exec= of desktop entries)', () => {
  test('plain words stay plain; reserved characters are quoted and escaped; % doubles', () => {
    assert.equal(desktopExec(['x11docker', '--xvfb', 'img']), 'x11docker --xvfb img');
    assert.equal(desktopExec(['a b', '', '$HOME', '50%']), '"a b" "" "\\\\$HOME" 50%%');
    assert.equal(desktopExec(['back\\slash']), '"back\\\\\\\\slash"', 'four backslashes for one, as the spec says');
    assert.throws(() => desktopExec(['bell\x07']), /control characters/);
  });

  test('any argv reads back the same (property)', () => {
    const word = fc.string({ unit: fc.constantFrom(...' "\'\\><~|&;$*?#()`%=\n\t\r'.split(''), 'a', 'Z', '0', '-', '.', '/', 'ä', '€') });
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (words) => {
      if (words.some((w) => /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(w))) return;
      assert.deepEqual(parseDesktopExec(desktopExec(words)), words);
    }), { numRuns: 500 });
  });
});
