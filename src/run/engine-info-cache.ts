/**
 * The engine's security facts (docker's `/info`: userns-remap, rootless, SELinux) kept per daemon
 * in `~/.cache/x11docker/engine-info.json`, so that a session does not ask for them again: the
 * key is the API socket's identity, which changes when the daemon restarts (a new socket).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSecurity } from '../host/facts.js';
import { ownHome } from '../host/user.js';

/** A unix socket's identity: path, inode and change time (a restarted daemon makes a new socket). */
export function socketIdentity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${path} ${st.ino} ${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/** Where {@link ApiEngine.security} keeps its answers; undefined without an x11docker cache folder. */
function engineInfoFile(): string | undefined {
  const home = ownHome();
  const dir = home ? join(home, '.cache', 'x11docker') : undefined;
  return dir && existsSync(dir) ? join(dir, 'engine-info.json') : undefined;
}

/** The kept answers by socket identity; empty when there are none or the file is unreadable. */
export function readEngineInfo(): Record<string, EngineSecurity> {
  const file = engineInfoFile();
  try {
    return file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, EngineSecurity>) : {};
  } catch {
    return {};
  }
}

/** Keeps one daemon's answer (at most 8 daemons; written to a private file, then renamed into place). */
export function keepEngineInfo(key: string, security: EngineSecurity): void {
  const file = engineInfoFile();
  if (!file) return;
  const all = { ...readEngineInfo(), [key]: security };
  const kept = Object.fromEntries(Object.entries(all).slice(-8));
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(kept), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true }); // not kept: asked again next time
  }
}
