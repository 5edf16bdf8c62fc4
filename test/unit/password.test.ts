// --password[=WORD] (src/host/password.ts, src/tool-commands.ts, plan/sudo.ts): the non-interactive
// path stores a SHA-512 crypt hash of WORD (openssl checks it) in ~/.config/x11docker/passwd,
// mode 0600; without WORD and without a terminal it is one line, exit 64; a session with
// --sudouser puts the stored hash into /etc/shadow, with the warning naming the file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { runTool } from '../../src/tool-commands.js';
import { readStoredPassword, PASSWORD_FILE } from '../../src/host/password.js';
import { SUDO_PASSWORD_HASH, withSudo } from '../../src/plan/sudo.js';

const hasOpenssl = !spawnSync('openssl', ['version']).error;

async function setPassword(args: string[], home: string): Promise<string> {
  let out = '';
  const tool = parseCommandLine(args).tool!;
  assert.equal(await runTool(tool, '0', { HOME: home }, (t) => { out += t; }), 0);
  return out;
}

describe('--password', () => {
  test('--password=WORD stores a SHA-512 crypt hash of WORD, mode 0600, and exits', { skip: hasOpenssl ? false : 'openssl is not installed' }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-password-'));
    try {
      const out = await setPassword(['--password=two words $x'], home);
      const file = join(home, PASSWORD_FILE);
      assert.match(out, /password for --sudouser is set \(stored encrypted in .*\/\.config\/x11docker\/passwd\)/);
      const hash = readFileSync(file, 'utf8').trim();
      assert.match(hash, /^\$6\$[^$]+\$[./0-9A-Za-z]{86}$/);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const salt = hash.split('$')[2]!;
      const again = spawnSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: 'two words $x\n', encoding: 'utf8' });
      assert.equal(again.stdout.trim(), hash, 'the hash is of the password given');
      assert.deepEqual(readStoredPassword(home), { hash, file });
      chmodSync(file, 0o644);
      await setPassword(['--password=other'], home);
      assert.equal(statSync(file).mode & 0o777, 0o600, 'a second run restricts the file again');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('without WORD and without a terminal; an empty or multi-line password; with an IMAGE: one line, exit 64, nothing written', async () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-password-'));
    try {
      const stdinIsTty = process.stdin.isTTY;
      if (!stdinIsTty) await assert.rejects(setPassword(['--password'], home), /^X11DockerError: Option --password: stdin is not a terminal to type the password on\. .*--password=WORD/);
      await assert.rejects(setPassword(['--password=a\nb'], home), /^X11DockerError: Option --password: the password must be one line/);
      assert.throws(() => parseCommandLine(['--password=', 'img']), /--password= has an empty value/);
      assert.throws(() => parseCommandLine(['--password=x', 'img']), /Option --password runs no container, but image 'img' was given/);
      assert.equal(readStoredPassword(home), undefined);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a stored file that is readable by others is a warning; one without a hash is refused', () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-password-'));
    try {
      const file = join(home, PASSWORD_FILE);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, '$6$salt$abc\n', { mode: 0o644 });
      assert.match(readStoredPassword(home)?.warning ?? '', /can be read by others \(mode 644\)\. Restrict it: chmod 600 /);
      writeFileSync(file, 'plain text\n');
      assert.throws(() => readStoredPassword(home), /holds no encrypted password\. Set one with x11docker --password, or remove the file\./);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("--sudouser's shadow entry: the stored hash, else upstream's x11docker", () => {
    assert.match(withSudo({}, 'me').shadow, new RegExp(`^me:${SUDO_PASSWORD_HASH.replace(/[$./]/g, '\\$&')}:`, 'm'));
    assert.match(withSudo({ shadow: 'me:!:1::::::\n' }, 'me', false, '$6$s$h').shadow, /^me:\$6\$s\$h:19000:/m);
  });
});
