import { execa } from 'execa';
import { log } from '../log.js';
import { RECORD_FILE } from './registry.js';
import { bundledScript } from './bundle.js';

/** Environment variable that limits `--cleanup` to one session folder (set by the watcher). */
export const CLEANUP_ONLY_ENV = 'X11DOCKER_CLEANUP_SESSION';

/**
 * The watcher's script (POSIX sh). Its stdin is a pipe whose only write end x11docker holds, so
 * `read` returns at end of file exactly when x11docker has exited, however it ended (SIGKILL
 * included). A session that ended normally has removed its folder by then, so the watcher just
 * exits. It is started before the session folder exists: a folder without a record (x11docker
 * died between creating it and writing the record) is removed when empty; otherwise it runs
 * `x11docker --cleanup` for this one session, which ends the X server, removes the container
 * and the session's files.
 * Arguments: $1 session folder, $2 node, $3 the x11docker script.
 */
const SCRIPT = `read -r _ ; [ -f "$1/${RECORD_FILE}" ] || { rm -f "$1/${RECORD_FILE}.tmp"; rmdir "$1" 2>/dev/null; exit 0; }; ${CLEANUP_ONLY_ENV}="$1" exec "$2" "$3" --cleanup --quiet`;

/** A started watcher. */
export interface Watcher {
  readonly pid: number | undefined;
}

/**
 * Starts the session's watcher: a small detached `sh` (about 1 MB, no CPU while it waits) in its
 * own process group and session, so Ctrl-C to the terminal and the end of x11docker do not end
 * it. It holds no resources; x11docker never waits for it. Node starts only if x11docker died
 * without cleaning up.
 * @param sessionDir the session's cache folder (holds session.json).
 * @returns the watcher (its pid for the record), or undefined when sh cannot be started.
 */
export function startWatcher(sessionDir: string): Watcher | undefined {
  const script = bundledScript('x11docker.js');
  if (!script) {
    log.warning('x11docker.js is missing beside its modules: no session watcher, so a killed session cannot be cleaned up (run npm run build).');
    return undefined;
  }
  try {
    const child = execa('sh', ['-c', SCRIPT, 'x11docker-watcher', sessionDir, process.execPath, script], {
      detached: true,
      cleanup: false,
      stdin: 'pipe',
      stdout: 'ignore',
      stderr: 'ignore',
      reject: false,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      extendEnv: false,
    });
    child.catch(() => undefined);
    // x11docker must not wait for the watcher, nor keep it alive by an open handle
    child.unref();
    const stdin = child.stdin as unknown as { unref?: () => void; _handle?: { unref?: () => void } } | null;
    stdin?._handle?.unref?.();
    log.info(`session watcher started (pid ${child.pid})`);
    return { pid: child.pid };
  } catch (error) {
    log.warning(`could not start the session watcher: ${(error as Error).message}`);
    return undefined;
  }
}
