// Covers renderCompletion (src/options/completion.ts): the bash script completes in a real bash
// (COMP_WORDS as bash's completion sets it, --opt=value split at '='), the fish script in a real
// fish (complete -C), the zsh script in a real interactive zsh (a pseudo-terminal, TAB) when zsh
// is installed; all three are valid syntax and name every option of the table.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCompletion, valueKind } from '../../src/options/completion.js';
import { findOption, optionTable } from '../../src/options/table.js';
import { parseCommandLine } from '../../src/options/parse.js';

const has = (shell: string) => !spawnSync(shell, ['-c', 'true']).error;
const folder = mkdtempSync(join(tmpdir(), 'x11docker-completion-'));
process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
function script(shell: 'bash' | 'zsh' | 'fish'): string {
  const file = join(folder, `x11docker.${shell}`);
  writeFileSync(file, renderCompletion(shell));
  return file;
}

/** What bash's completion function offers for these words (the last one is the word at the cursor). */
function bashComplete(words: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _x11docker; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', program, 'bash', script('bash'), ...words], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

describe('--completion bash|zsh|fish', () => {
  test('bash: x11docker --xv completes to --xvfb; values after --opt, --opt= and --opt VALUE; nothing of ours after IMAGE or --', () => {
    assert.deepEqual(bashComplete(['x11docker', '--xv']), ['--xvfb']);
    assert.deepEqual(bashComplete(['x11docker', '--deb']), ['--debug']);
    assert.deepEqual(bashComplete(['x11docker', '--xtest', '=', '']), ['yes', 'no']);
    assert.deepEqual(bashComplete(['x11docker', '--xtest', '=']), ['yes', 'no'], 'the cursor right after =');
    assert.deepEqual(bashComplete(['x11docker', '--backend', 'p']), ['podman']);
    assert.deepEqual(bashComplete(['x11docker', '--init', '=', 'sy']), ['systemd', 'sysvinit']);
    assert.deepEqual(bashComplete(['x11docker', '--completion', 'f']), ['fish']);
    assert.deepEqual(bashComplete(['x11docker', '--user', 'root', '--xv']), ['--xvfb'], "an option's value is no IMAGE");
    assert.deepEqual(bashComplete(['x11docker', 'x11docker-demo', '--xv']), [], "after IMAGE: the command's words");
    assert.deepEqual(bashComplete(['x11docker', '--', '--xv']), [], "after --: docker run's");
    assert.ok(bashComplete(['x11docker', '--home', '=', '/us']).includes('/usr'), 'DIR: folders');
  });

  test('--preset NAME: the names of the preset files (bash and fish)', () => {
    const home = join(folder, 'home');
    mkdirSync(join(home, '.config/x11docker/preset'), { recursive: true });
    for (const n of ['daily', 'dev', 'other']) writeFileSync(join(home, '.config/x11docker/preset', n), '--xvfb\n');
    assert.deepEqual(bashComplete(['x11docker', '--preset', 'd'], { ...process.env, HOME: home }), ['daily', 'dev']);
    if (has('fish')) {
      const r = spawnSync('fish', ['-c', `source ${script('fish')}; complete -C "x11docker --preset d"`], { encoding: 'utf8', env: { ...process.env, HOME: home } });
      assert.deepEqual(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]), ['daily', 'dev']);
    }
  });

  test('every long option, alias and short letter is in the bash word list', () => {
    const all = bashComplete(['x11docker', '-']);
    for (const o of optionTable) {
      for (const n of [o.name, ...(o.aliases ?? [])]) assert.ok(all.includes(`--${n}`), `--${n}`);
      if (o.short) assert.ok(all.includes(`-${o.short}`), `-${o.short}`);
    }
  });

  test('value kinds come from the table: listed choices, DIR, FILE, engines and init systems', () => {
    assert.deepEqual(valueKind(findOption('xtest')!), { choices: ['yes', 'no'] });
    assert.deepEqual(valueKind(findOption('gpu')!), { choices: ['yes', 'no', 'iglx'] });
    assert.deepEqual(valueKind(findOption('backend')!), { choices: ['docker', 'podman', 'nerdctl'] });
    assert.equal(valueKind(findOption('homedir')!), 'dir');
    assert.equal(valueKind(findOption('printid')!), 'file');
    assert.equal(valueKind(findOption('size')!), 'any');
  });

  test('fish: complete -C completes options and values', { skip: has('fish') ? false : 'fish is not installed' }, () => {
    const file = script('fish');
    assert.equal(spawnSync('fish', ['-n', file]).status, 0);
    const complete = (line: string) => spawnSync('fish', ['-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', cwd: folder }).stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    assert.deepEqual(complete('x11docker --xv'), ['--xvfb']);
    assert.deepEqual(complete('x11docker --xtest='), ['--xtest=no', '--xtest=yes']);
    assert.deepEqual(complete('x11docker --backend '), ['docker', 'nerdctl', 'podman']);
  });

  test('zsh: the script is valid, and TAB in an interactive zsh completes --xv to --xvfb', { skip: has('zsh') ? false : 'zsh is not installed' }, () => {
    const file = script('zsh');
    assert.equal(spawnSync('zsh', ['-n', file]).status, 0);
    const text = renderCompletion('zsh');
    assert.match(text, /^#compdef x11docker$/m);
    for (const o of optionTable) assert.ok(text.includes(`'--${o.name}`) || text.includes(`'*--${o.name}`), `--${o.name}`);
    const driver = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      `zpty -w z 'autoload -Uz compinit; compinit -u -d ${folder}/zcompdump; source ${file}; PS1="P> "'`,
      'sleep 1',
      "zpty -w -n z $'x11docker --xv\\t'",
      // read until the completed word shows (at most 10 s: the machine may be busy)
      'out=""; for i in {1..50}; do sleep 0.2; while zpty -r -t z chunk; do out+=$chunk; done; [[ $out == *"--xvfb"* ]] && break; done',
      'print -r -- "$out"',
      'zpty -d z',
    ].join('\n');
    const r = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', timeout: 20000 });
    assert.match(r.stdout, /x11docker --xvfb/, r.stdout);
  });

  test('--completion needs bash, zsh or fish, and no IMAGE (one line, exit 64)', () => {
    assert.deepEqual(parseCommandLine(['--completion', 'zsh']).tool, { kind: 'completion', shell: 'zsh' });
    assert.throws(() => parseCommandLine(['--completion', 'tcsh']), /^X11DockerError: Option --completion needs a shell: bash, zsh or fish \(got 'tcsh'\)/);
    assert.throws(() => parseCommandLine(['--completion=bash', 'img']), /Option --completion runs no container, but image 'img' was given/);
  });
});
