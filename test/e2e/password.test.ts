/**
 * End to end: upstream's `--password=WORD` (the non-interactive path) as the unprivileged test
 * user: the password is stored encrypted in its HOME, and a later `--sudouser` session accepts
 * it for sudo (and no longer upstream's default password x11docker), with the warning naming
 * the file. Without WORD, the password is typed on a terminal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, TEST_USER, assertNothingNew, leftovers, x11docker } from './helpers.js';

const LOCALES = 'x11docker-test-locales:latest';
const [, , tuid, tgid] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');
let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'x11docker-password-home-'));
  chownSync(home, Number(tuid), Number(tgid));
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('--password', () => {
  it('--password=WORD, then --sudouser: sudo takes WORD, not x11docker', async () => {
    const set = await x11docker(['--password=open sesame'], { asUser: TEST_USER, env: { HOME: home } });
    assert.equal(set.exitCode, 0, String(set.stderr));
    assert.equal(statSync(join(home, '.config/x11docker/passwd')).mode & 0o777, 0o600);
    const base = await leftovers();
    const sudo = (password: string) => `echo "${password}=$(echo '${password}' | sudo -S -p '' id -u 2>/dev/null || echo refused)"`;
    const r = await x11docker(['--xvfb', '--sudouser', LOCALES, 'sh', '-c', `${sudo('open sesame')}; ${sudo('x11docker')}`], { asUser: TEST_USER, env: { HOME: home } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^open sesame=0$/m);
    assert.match(String(r.stdout), /^x11docker=refused$/m);
    assert.match(String(r.stderr), /WARNING: Option --sudouser: the container user may run sudo with the password set with --password \(\S+\/\.config\/x11docker\/passwd\)/);
    await assertNothingNew(base);
  });

  it('--password without WORD: typed on a terminal (script(1) gives it one), nothing echoed; the hash is of what was typed', async () => {
    const own = mkdtempSync(join(tmpdir(), 'x11docker-password-tty-'));
    try {
      const typing = execa('script', ['-qc', `${process.execPath} ${CLI} --password`, '/dev/null'], { env: { HOME: own, PATH: process.env.PATH }, extendEnv: false, reject: false, timeout: 20000 });
      // typed once the prompt shows (the terminal is in raw mode by then)
      let shown = '';
      typing.stdout!.on('data', (d: Buffer) => {
        shown += d.toString();
        if (shown.includes('New password') && !shown.includes('\u0000')) {
          shown += '\u0000';
          typing.stdin!.write('typed secret\r');
        }
      });
      const r = await typing;
      assert.equal(r.exitCode, 0, String(r.stdout));
      assert.ok(!String(r.stdout).includes('typed secret'), 'the password is not echoed');
      const hash = readFileSync(join(own, '.config/x11docker/passwd'), 'utf8').trim();
      const again = await execa('openssl', ['passwd', '-6', '-salt', hash.split('$')[2]!, '-stdin'], { input: 'typed secret\n' });
      assert.equal(String(again.stdout), hash);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
