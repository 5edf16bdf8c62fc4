/**
 * The session's first step: its private folder `~/.cache/x11docker/<session id>` (mode 0700, the
 * host user's), the record of what the session starts (for the watcher and `--cleanup`), the
 * watcher itself, and the session log. Everything else of the session lives in that folder or is
 * named in the record, so removing the folder is the last undo step.
 */
import { chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import type { Backend } from '../options/parse.js';
import type { SessionPlan } from '../plan/plan.js';
import { SessionRegistry } from './registry.js';
import type { UndoStack } from './undo.js';
import { startWatcher } from './watcher.js';

/**
 * Starts the session's watcher, then creates the session folder (and `~/.cache/x11docker` if
 * needed), registers its removal (which keeps a copy of the log as
 * `~/.cache/x11docker/x11docker.log`), starts the session record and attaches the log file.
 * @param plan the session plan.
 * @param host host facts (for the log's first line).
 * @param backend the engine, recorded for `--cleanup`.
 * @param undo the session's undo stack.
 * @returns the session record, to which later steps add what they start.
 * @throws X11DockerError when a folder cannot be created (naming it and the host user).
 */
export function openSessionFolder(plan: SessionPlan, host: HostFacts, backend: Backend, undo: UndoStack): SessionRegistry {
  const { cacheDir, sessionDir } = plan;
  const owner = plan.dropToHostUser ? plan.hostUser : undefined;
  for (const dir of [join(cacheDir, '..'), cacheDir]) {
    try {
      mkdirSync(dir, { mode: 0o700 });
      if (owner) chownSync(dir, owner.uid, owner.gid);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new X11DockerError(`Cannot create ${dir} (${code}). Make it writable for ${plan.hostUser.name}, or check the host user's HOME.`, { cause: error });
    }
  }
  // the watcher first: a kill -9 at any later moment (even between creating the folder and
  // writing the record) finds it waiting, and it removes whatever of the session exists
  startWatcher(sessionDir);
  try {
    mkdirSync(sessionDir, { mode: 0o700 });
  } catch (error) {
    throw new X11DockerError(`Cannot create the session folder ${sessionDir} (${(error as NodeJS.ErrnoException).code}). Make ${cacheDir} writable for ${plan.hostUser.name}.`, { cause: error });
  }
  undo.defer(`remove ${sessionDir}`, () => {
    log.detachFile();
    try {
      copyFileSync(join(sessionDir, 'x11docker.log'), join(cacheDir, 'x11docker.log'));
      if (owner) chownSync(join(cacheDir, 'x11docker.log'), owner.uid, owner.gid);
    } catch {
      // no log to keep
    }
    rmSync(sessionDir, { recursive: true, force: true });
  });
  if (owner) chownSync(sessionDir, owner.uid, owner.gid);
  const registry = new SessionRegistry(sessionDir, { sessionId: plan.sessionId, backend }, owner);
  // an init system's launcher writes the command's exit code here
  if (plan.container?.services.exitCodeFile) mkdirSync(join(sessionDir, 'exit'), { mode: 0o700 });
  log.attachFile(join(sessionDir, 'x11docker.log'));
  log.info(`session ${plan.sessionId}: display option --${plan.driver.name} (${plan.driverReason}); host user ${plan.hostUser.name} (${host.hostUserSource})`);
  return registry;
}

/**
 * Writes a private file of the session (mode 0600), owned by the host user when x11docker runs as
 * root for another user.
 * @param plan the session plan (host user, whether to drop to it).
 * @param path absolute path inside the session folder.
 * @param content the bytes.
 */
export function writePrivate(plan: Pick<SessionPlan, 'dropToHostUser' | 'hostUser'>, path: string, content: Buffer): void {
  writeFileSync(path, content, { mode: 0o600 });
  if (plan.dropToHostUser) chownSync(path, plan.hostUser.uid, plan.hostUser.gid);
}
