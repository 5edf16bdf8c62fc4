/**
 * End to end: the command line's options that run no session. `--install` with a temporary HOME
 * writes the menu entry, icon, man page and completions (man reads the page; bash completes with
 * the installed script), `--remove` deletes exactly them; `--update` points to npm; `--launcher`
 * writes a menu entry whose Exec line runs the session it was made from.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEMO_IMAGE, assertNothingNew, leftovers, x11docker } from './helpers.js';
import { parseDesktopExec } from '../unit/desktop-exec.js';

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'x11docker-install-home-'));
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('--install, --remove, --update', () => {
  it('--install: man shows the installed page, bash completes with the installed script; --remove leaves only what was there', async () => {
    writeFileSync(join(home, 'before.txt'), 'mine');
    const r = await x11docker(['--install'], { env: { HOME: home } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.equal(String(r.stdout).trim().split('\n').length, 6, String(r.stdout));
    const page = await execa('man', ['-l', join(home, '.local/share/man/man1/x11docker.1')], { env: { MANPAGER: 'cat', MANWIDTH: '100' }, reject: false });
    assert.equal(page.exitCode, 0, String(page.stderr));
    assert.match(String(page.stdout), /--xvfb\s+Xvfb: invisible X server/);
    const completion = join(home, '.local/share/bash-completion/completions/x11docker');
    const words = await execa('bash', ['-c', `source ${completion}; COMP_WORDS=(x11docker --xv); COMP_CWORD=1; _x11docker; echo "\${COMPREPLY[*]}"`]);
    assert.equal(String(words.stdout), '--xvfb');

    const removed = await x11docker(['--remove'], { env: { HOME: home } });
    assert.equal(removed.exitCode, 0, String(removed.stderr));
    assert.equal(String(removed.stdout).trim().split('\n').filter((l) => l.startsWith('removed ')).length, 6);
    assert.ok(!existsSync(completion));
    assert.deepEqual(readdirSync(home, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name), ['before.txt']);
  });

  it('--update prints the npm command and exits 0, starting nothing', async () => {
    const r = await x11docker(['--update'], { env: { HOME: home } });
    assert.equal(r.exitCode, 0);
    assert.match(String(r.stdout), /npm install -g/);
    assert.equal(String(r.stderr), '');
  });
});

describe('--launcher', () => {
  it('writes a menu entry and starts nothing; its Exec line, read back, runs the session it was made from', async () => {
    const base = await leftovers();
    const r = await x11docker(['--launcher', '--xvfb', '--env', 'WORDS=two words $HOME', DEMO_IMAGE, 'sh', '-c', 'echo "launched: $WORDS"'], { env: { HOME: home } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    const file = String(r.stdout).trim();
    assert.equal(file, join(home, '.local/share/applications/x11docker-x11docker-demo.desktop'));
    assert.match(String(r.stderr), /Option --launcher: the launcher is in your applications menu/);
    await assertNothingNew(base);
    const exec = parseDesktopExec(/^Exec=(.*)$/m.exec(readFileSync(file, 'utf8'))![1]!);
    assert.deepEqual(exec.slice(2), ['--xvfb', '--env', 'WORDS=two words $HOME', DEMO_IMAGE, 'sh', '-c', 'echo "launched: $WORDS"']);
    const run = await execa(exec[0]!, exec.slice(1), { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, timeout: 60000, stdin: 'ignore' });
    assert.equal(run.exitCode, 0, String(run.stderr));
    assert.equal(String(run.stdout).trim(), 'launched: two words $HOME');
    await assertNothingNew(base);
  });
});
