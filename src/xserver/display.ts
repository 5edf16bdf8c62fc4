import { existsSync, linkSync, lstatSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { printable, X11DockerError } from '../errors.js';
import { pidExists, pidInFile } from '../host/pid.js';

/** First display number x11docker tries, clear of the numbers desktops and `ssh -X` use. */
export const FIRST_DISPLAY = 100;
/** Largest display number tried automatically. */
export const LAST_DISPLAY = 999;

/** A display number reserved for this session; `release()` frees it (idempotent). */
export interface DisplayClaim {
  readonly display: number;
  /** Path of the claim file x11docker created. */
  readonly claimFile: string;
  release(): void;
}

/** Prefix of the sessions' X socket folders in /tmp (run/display-step.ts socketFolder; --cleanup removes them). */
export const SOCKET_FOLDER_PREFIX = '.x11docker-socket-';

/** Paths the X server of display `n` uses (Xserver(1)): lock file and socket. */
export function xPaths(n: number, tmp = '/tmp'): { lock: string; socket: string; abstract: string } {
  return { lock: `${tmp}/.X${n}-lock`, socket: `${tmp}/.X11-unix/X${n}`, abstract: `@/tmp/.X11-unix/X${n}` };
}

/**
 * Why display `n` cannot be used, or undefined when it is free. A display is busy when its lock
 * file or socket exists (even stale ones: they are never reused), when some process listens on
 * its abstract socket (e.g. another user's server in another mount namespace), or when another
 * x11docker session holds its claim file.
 * @param listening abstract socket names currently bound (from /proc/net/unix).
 */
export function displayBusyReason(n: number, listening: ReadonlySet<string>, tmp = '/tmp'): string | undefined {
  const p = xPaths(n, tmp);
  const lock = pathPresence(p.lock);
  if (lock !== undefined) return `lock file ${p.lock} exists${lock}`;
  const socket = pathPresence(p.socket);
  if (socket !== undefined) return `socket ${p.socket} exists${socket}`;
  if (listening.has(p.abstract)) return `abstract socket ${p.abstract} is in use`;
  if (existsSync(claimPath(n, tmp))) return `claimed by another x11docker session (${claimPath(n, tmp)})`;
  return undefined;
}

/**
 * Whether something is at `path` without following a symbolic link (a dangling link blocks the X
 * server's O_EXCL lock file all the same): undefined when nothing is there, '' for a file, and
 * ` (a dangling symbolic link to TARGET)` or ` (a symbolic link to TARGET)` for a link.
 */
function pathPresence(path: string): string | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (!st.isSymbolicLink()) return '';
  let target = '?';
  try {
    target = readlinkSync(path);
  } catch {
    // unreadable link: its target stays unknown
  }
  return ` (a ${existsSync(path) ? '' : 'dangling '}symbolic link to ${printable(target)}; remove it if no X server uses display :${path.replace(/^.*\.X(11-unix\/X)?(\d+).*$/, '$2')})`;
}

function claimPath(n: number, tmp: string): string {
  return `${tmp}/.x11docker-display-${n}.claim`;
}

/** Abstract unix socket names bound on this host (network namespace), from /proc/net/unix. */
export function listeningAbstractSockets(): Set<string> {
  try {
    return new Set(
      readFileSync('/proc/net/unix', 'utf8')
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[7])
        .filter((p): p is string => !!p && p.startsWith('@')),
    );
  } catch {
    return new Set();
  }
}

/**
 * Reserves a free display number. The claim file is created with O_EXCL, so sessions started at
 * the same moment never get the same number; the X server's own lock file then guards against
 * programs that are not x11docker.
 * @param fixed a number from `--display`; error when it is busy.
 * @param skip numbers to pass over (e.g. one whose server failed to start).
 * @param tmp the folder with the X lock files (default /tmp).
 * @throws X11DockerError when `fixed` is busy or no number is free.
 */
export function claimDisplay(fixed?: number, skip: ReadonlySet<number> = new Set(), tmp = '/tmp'): DisplayClaim {
  const listening = listeningAbstractSockets();
  const candidates = fixed !== undefined ? [fixed] : range(FIRST_DISPLAY, LAST_DISPLAY).filter((n) => !skip.has(n));
  for (const n of candidates) {
    removeStaleClaim(claimPath(n, tmp));
    const busy = displayBusyReason(n, listening, tmp);
    if (busy) {
      if (fixed !== undefined) throw new X11DockerError(`Option --display=${n}: display :${n} is in use (${busy}). Choose another number or leave --display out.`);
      continue;
    }
    const file = claimPath(n, tmp);
    if (!createClaim(file)) {
      if (fixed !== undefined) throw new X11DockerError(`Option --display=${n}: display :${n} is being claimed by another x11docker session. Choose another number.`);
      continue; // another session won the race for this number
    }
    let released = false;
    return {
      display: n,
      claimFile: file,
      release: () => {
        if (!released) rmSync(file, { force: true });
        released = true;
      },
    };
  }
  throw new X11DockerError(`No free display number from ${FIRST_DISPLAY} to ${LAST_DISPLAY}. Remove stale /tmp/.X*-lock files or use --display=N.`);
}

/**
 * Creates the claim file holding this process's pid, atomically: the pid is written to a
 * private temporary file that is then hard-linked to the claim's name (link(2) fails with EEXIST
 * when the name exists), so no reader (another session, `--cleanup`) ever sees an empty claim.
 * @returns false when another process holds the claim.
 */
function createClaim(file: string): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // O_EXCL: never write through a name someone else placed (e.g. a symlink in /tmp)
    rmSync(temporary, { force: true });
    writeFileSync(temporary, `${process.pid}\n`, { mode: 0o644, flag: 'wx' });
    linkSync(temporary, file);
    return true;
  } catch {
    return false; // the name exists (another session won), or /tmp refused
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Removes a claim file whose x11docker process is gone (a session killed before its watcher knew
 * the claim, or whose watcher was killed too), so that a dead session never holds a display
 * number for good. Safe against other sessions doing the same at the same moment: the file is
 * first renamed to a private name, which only one of them can do; if what was renamed turns out
 * to be a live claim made meanwhile, it is linked back. Claims of other users' live processes
 * count as alive (EPERM), as do claims whose pid was reused: those are kept.
 */
function removeStaleClaim(file: string): void {
  const pid = pidInFile(file);
  if (pid === undefined || pidExists(pid)) return;
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // another session removed it first, or /tmp refused
  }
  try {
    if (pidInFile(aside) !== pid) linkSync(aside, file); // a new session's claim: give it back
  } catch {
    // the name was claimed again meanwhile: that session's X lock file still guards the number
  } finally {
    rmSync(aside, { force: true });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
