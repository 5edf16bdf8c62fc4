/**
 * `--password[=WORD]`: the container user's password for `--sudouser`, as upstream keeps it: a
 * SHA-512 crypt(3) hash (`$6$SALT$...`, the form /etc/shadow takes) in
 * `~/.config/x11docker/passwd` (mode 0600), written by `x11docker --password`, which then exits.
 * Sessions with `--sudouser` put that hash into the container's /etc/shadow instead of the hash
 * of upstream's default password `x11docker` (plan/sudo.ts).
 *
 * Upstream asks on the terminal (`read -s`) when WORD is not given, and hashes with perl's
 * crypt(); here the terminal is read the same way (nothing echoed), and the hash is made by
 * `openssl passwd -6` with the password on its stdin (never in a process's argv).
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { printable, X11DockerError } from '../errors.js';

/** Where the hash is kept, below the HOME of the user running x11docker (upstream's path). */
export const PASSWORD_FILE = '.config/x11docker/passwd';

/** A crypt(3) hash that can stand in an /etc/shadow line: `$id$...`, no `:` and no white space. */
const HASH = /^\$(?:6|5|y|2[aby])\$[^\s:]+$/;

/**
 * Hashes a password with `openssl passwd -6` (SHA-512 crypt, a random salt).
 * @param password the password (not empty; no newline: one line on openssl's stdin).
 * @returns the hash, `$6$SALT$HASH`.
 * @throws X11DockerError (exit 64) when openssl is missing or fails, or the password has a newline.
 */
export async function hashPassword(password: string): Promise<string> {
  if (/[\n\r\0]/.test(password)) throw new X11DockerError('Option --password: the password must be one line (no newline). Give another one.');
  const r = await execa('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n`, reject: false });
  const hash = String(r.stdout).trim();
  if (r.failed || !HASH.test(hash)) {
    const why = (r as { code?: string }).code === 'ENOENT' ? 'openssl is not installed (apt-get install openssl)' : `openssl passwd failed: ${String(r.stderr).trim().split('\n')[0] || `exit ${r.exitCode}`}`;
    throw new X11DockerError(`Option --password needs openssl to encrypt the password: ${why}.`);
  }
  return hash;
}

/**
 * Writes the hash into `HOME/.config/x11docker/passwd`, mode 0600 (folders created, 0700).
 * @returns the file's path.
 * @throws X11DockerError naming the file when it cannot be written.
 */
export function storePasswordHash(home: string, hash: string): string {
  const file = join(home, PASSWORD_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${hash}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // an older file keeps its mode on writeFileSync
  } catch (error) {
    throw new X11DockerError(`Option --password: cannot write ${printable(file)} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check that the folder is yours.`, { cause: error });
  }
  return file;
}

/**
 * Reads the stored hash for a session with `--sudouser`.
 * @param home HOME of the user running x11docker.
 * @returns undefined when there is no file; else the hash and, as upstream says, a warning when
 *   others may read the file (mode other than 0600 or 0400).
 * @throws X11DockerError (exit 64) when the file holds no crypt hash (it would break /etc/shadow).
 */
export function readStoredPassword(home: string): { readonly hash: string; readonly file: string; readonly warning?: string } | undefined {
  const file = join(home, PASSWORD_FILE);
  let text: string;
  let mode: number;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
  const hash = text.trim();
  if (!HASH.test(hash)) throw new X11DockerError(`The password file ${printable(file)} of option --password holds no encrypted password. Set one with x11docker --password, or remove the file.`);
  const warning = mode === 0o600 || mode === 0o400 ? undefined : `The password file ${file} of option --password can be read by others (mode ${mode.toString(8)}). Restrict it: chmod 600 ${file}`;
  return { hash, file, ...(warning ? { warning } : {}) };
}

/**
 * Reads a password from the terminal on stdin without echo (as upstream's `read -s`).
 * @param prompt written to stderr first.
 * @returns the line typed (without its newline).
 * @throws X11DockerError (exit 64) when stdin is no terminal, or on Ctrl-C / Ctrl-D.
 */
export function readPasswordFromTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(new X11DockerError('Option --password: stdin is not a terminal to type the password on. Run it in a terminal, or give it as --password=WORD (then it shows in your shell history).'));
  }
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\x03' || ch === '\x04') return done(new X11DockerError('Option --password: cancelled; the password was not changed.'));
        if (ch === '\x7f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
