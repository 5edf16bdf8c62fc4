import { readFileSync, renameSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../options/parse.js';
import { engineEnvironment } from './engine.js';

/** File name of the session record inside a session's cache folder. */
export const RECORD_FILE = 'session.json';

/** A process identified so that a reused pid is never mistaken for it. */
export interface ProcessId {
  readonly pid: number;
  /** Start time from /proc/PID/stat (field 22, clock ticks since boot); guards against pid reuse. */
  readonly startTime: number;
}

/**
 * What a session started, written to `<session folder>/session.json` (mode 0600) and updated
 * after each step, so that `x11docker --cleanup` and the session's watcher can undo a session
 * whose x11docker process died without cleaning up (e.g. SIGKILL).
 */
export interface SessionRecord {
  readonly sessionId: string;
  /** The x11docker process of the session. */
  readonly x11docker: ProcessId;
  /** uid of the x11docker process. */
  readonly uid: number;
  readonly backend: Backend;
  /**
   * The variables that chose the engine (`DOCKER_HOST`, ... see engine.ts ENGINE_ENV_NAMES), so
   * that a clean-up run from another environment (the watcher, `--cleanup` in another shell)
   * reaches the same daemon, e.g. a rootless one. Missing in records of older versions.
   */
  readonly engineEnv?: Readonly<Record<string, string>>;
  /** Container id, once created. */
  containerId?: string;
  /** X server (and helper) processes, once started. */
  processes: ProcessId[];
  /** Display number, once claimed. */
  display?: number;
  /** Files to remove when the session is gone: display claim, X lock file and socket. */
  files: string[];
  /** `--pulseaudio=tcp`: the TCP module loaded into the host's PulseAudio (unloaded when the session is gone). */
  pulseModule?: PulseModuleRecord;
}

/** A PulseAudio module of a session: its index, its port and the socket of the daemon (`PULSE_SERVER`). */
export interface PulseModuleRecord {
  readonly id: number;
  readonly port: number;
  readonly socket?: string;
}

/**
 * Start time of a process from /proc/PID/stat (field 22), or undefined when there is no such
 * process. The command name (field 2) may contain spaces and parentheses, so fields are counted
 * after its closing parenthesis.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]); // field 22 overall; fields[0] is field 3
  } catch {
    return undefined;
  }
}

/** This process as a {@link ProcessId}. */
export function selfId(): ProcessId {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? 0 };
}

/** Identifies a running process by pid, or undefined when it is gone already. */
export function processId(pid: number | undefined): ProcessId | undefined {
  if (pid === undefined) return undefined;
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** Whether the process still runs (same pid and same start time, so not a reused pid). */
export function isAlive(p: ProcessId): boolean {
  const t = processStartTime(p.pid);
  if (t === undefined) return false;
  // a zombie has not been reaped yet but is dead
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
  } catch {
    return false;
  }
  return t === p.startTime;
}

/**
 * The record of one session, kept on disk. Every change is written at once (a temporary file
 * renamed over the record, so a reader never sees half a record).
 */
export class SessionRegistry {
  readonly record: SessionRecord;

  /**
   * @param sessionDir the session's cache folder (exists, mode 0700).
   * @param owner uid/gid to give the record file (x11docker runs as root for another host user).
   */
  constructor(
    readonly sessionDir: string,
    init: { sessionId: string; backend: Backend },
    private readonly owner?: { uid: number; gid: number },
  ) {
    this.record = { sessionId: init.sessionId, x11docker: selfId(), uid: process.getuid?.() ?? 0, backend: init.backend, engineEnv: engineEnvironment(), processes: [], files: [] };
    this.save();
  }

  /** Records a started process (an X server or helper) by pid; ignored when it is gone already. */
  addProcess(pid: number | undefined): void {
    const id = processId(pid);
    if (id) this.update(() => this.record.processes.push(id));
  }

  /** Records the container id. */
  setContainer(id: string): void {
    this.update(() => (this.record.containerId = id));
  }

  /** Records the PulseAudio module of `--pulseaudio=tcp`; undefined once it is unloaded. */
  setPulseModule(m: PulseModuleRecord | undefined): void {
    this.update(() => (this.record.pulseModule = m));
  }

  /** Records the display number and the files that belong to it (claim, lock file, socket). */
  setDisplay(display: number, files: readonly string[]): void {
    this.update(() => {
      this.record.display = display;
      this.record.files.push(...files.filter((f) => !this.record.files.includes(f)));
    });
  }

  private update(change: () => void): void {
    change();
    this.save();
  }

  private save(): void {
    const file = join(this.sessionDir, RECORD_FILE);
    const tmp = `${file}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(this.record)}\n`, { mode: 0o600 });
      if (this.owner) chownSync(tmp, this.owner.uid, this.owner.gid);
      renameSync(tmp, file);
    } catch {
      // the session folder was removed meanwhile (the session is ending)
    }
  }
}

/** Reads a session record; undefined when missing or unreadable. */
export function readRecord(sessionDir: string): SessionRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(sessionDir, RECORD_FILE), 'utf8')) as SessionRecord;
    return typeof r.sessionId === 'string' && typeof r.x11docker?.pid === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}
