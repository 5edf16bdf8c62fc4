/**
 * The run side of `--xc` (X server in container, src/plan/xcontainer.ts): the folder in which the
 * containerized server makes its X socket, the cookie file for the user's display, the hard link
 * of the socket to the host's `/tmp/.X11-unix/XN`, and the removal of a container whose engine
 * CLI had to be killed. The containers themselves are started and stopped by the display starter
 * (src/run/xserver.ts) like any display process.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { X11DockerError } from '../errors.js';
import { dirname, join } from 'node:path';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import { localDisplayNumber } from '../plan/choose.js';
import type { SessionPlan } from '../plan/plan.js';
import { placeLaunch, type XContainerPlan, type XContainerPlace } from '../plan/xcontainer.js';
import { SOCKET_FOLDER_PREFIX, xPaths } from '../xserver/display.js';
import type { DisplayLaunch } from '../xserver/driver.js';
import { decodeXauth, encodeXauth, FamilyWild } from '../xserver/xauth.js';
import { hostDisplayCookies } from './host-display.js';
import type { SessionRegistry } from './registry.js';
import { writePrivate } from './session-folder.js';
import { run } from './spawn.js';
import type { UndoStack } from './undo.js';
import { abortWhenSettled, waitUntil } from './wait.js';
import type { RunningXServer } from './xserver.js';

/**
 * The cookies of the user's display as wildcard entries (any hostname): a container has a
 * hostname of its own, which the user's hostname-bound entries would not match.
 * @returns the encoded entries; empty without a local user display or authority file.
 */
export function wildHostCookies(host: Pick<HostFacts, 'display' | 'xauthority'>): Buffer {
  const entries = decodeXauth(hostDisplayCookies(host));
  return encodeXauth(entries.map((e) => ({ ...e, family: FamilyWild, address: Buffer.alloc(0) })));
}

/** What {@link prepareXContainer} made for one display. */
export interface PreparedXContainer {
  readonly place: XContainerPlace;
  /** The launch with its image binaries placed in containers. */
  readonly launch: DisplayLaunch;
  /**
   * Hard-links the server's socket to the host's `/tmp/.X11-unix/XN` as soon as the server made
   * it (host clients, x11docker's readiness check and the application container's link use that
   * path); gives up when `starting` settles first.
   */
  linkToHost(starting: Promise<unknown>): Promise<void>;
}

/**
 * Makes the server containers' socket folder: `/tmp/.x11docker-socket-RANDOM` (mode 0700,
 * x11docker's; recorded before it exists, so the watcher can remove it after `kill -9`) with a
 * folder `X11-unix` in it (mode 0777, hidden by the outer one) that the containers get as
 * `/tmp/.X11-unix`. It is on the file system of `/tmp`, so the socket can be hard-linked to the
 * host's `/tmp/.X11-unix` and into the application container's socket folder. Writes the cookie
 * file for the user's display (`Xhostcookie`, wildcard entries) when there is one.
 * @param plan the session plan (session folder, host user for the cookie file's owner).
 * @param xc the plan's X container part.
 * @param host the user's DISPLAY and XAUTHORITY (for the cookie file of a nested server).
 * @param display the claimed display number `:N`.
 * @param clientAuthFile the client cookie file of the new display (in the session folder).
 * @param launch the driver's launch.
 * @param undo, registry where the folder is registered for removal (the session's end; the
 *   watcher and `--cleanup` after `kill -9`).
 * @returns the placed launch and the host link step.
 * @throws X11DockerError when `/tmp/.X11-unix` is a file system of its own (no hard link can reach
 *   it); Error when the folder cannot be made.
 */
export function prepareXContainer(plan: SessionPlan, xc: XContainerPlan, host: HostFacts, display: number, clientAuthFile: string, launch: DisplayLaunch, undo: UndoStack, registry: SessionRegistry): PreparedXContainer {
  const x11Unix = dirname(xPaths(display).socket);
  if (existsSync(x11Unix) && statSync(x11Unix).dev !== statSync('/tmp').dev) {
    throw new X11DockerError(`Option --xc: ${x11Unix} is a file system of its own, so the X socket made in the container cannot be linked there. Use --xc=no.`);
  }
  const outer = join('/tmp', `${SOCKET_FOLDER_PREFIX}${randomBytes(8).toString('hex')}`);
  const socketFolder = join(outer, 'X11-unix');
  const hostNumber = localDisplayNumber(host.display);
  const inside = [join(socketFolder, `X${display}`), ...(hostNumber !== undefined ? [join(socketFolder, `X${hostNumber}`)] : [])];
  registry.setDisplay(display, [...inside, socketFolder, outer]);
  mkdirSync(outer, { mode: 0o700 }); // EEXIST: never a folder someone else made
  undo.defer(`remove X container socket folder ${outer}`, () => rmSync(outer, { recursive: true, force: true }));
  mkdirSync(socketFolder);
  chmodSync(socketFolder, 0o777); // the server runs as the host user; the outer folder keeps others out
  let hostDisplay: XContainerPlace['hostDisplay'];
  if (hostNumber !== undefined) {
    const authFile = join(plan.sessionDir, 'Xhostcookie');
    writePrivate(plan, authFile, wildHostCookies(host));
    hostDisplay = { number: hostNumber, authFile };
  }
  const place: XContainerPlace = { display, socketFolder, sessionDir: plan.sessionDir, clientAuthFile, hostDisplay };
  return {
    place,
    launch: placeLaunch(launch, xc, place),
    linkToHost: async (starting) => {
      if (!launch.x11) return;
      const made = join(socketFolder, `X${display}`);
      await waitUntil(() => existsSync(made), { what: `${made} to be created`, intervalMs: 5, signal: abortWhenSettled(starting, new Error(`${made} was not created`)) });
      const socket = xPaths(display).socket;
      ensureSocketDir(dirname(socket));
      linkSync(made, socket);
    },
  };
}

/**
 * Creates the host's X socket folder (`/tmp/.X11-unix`, mode 1777 as X servers make it) when it
 * is missing: on a host without X packages no server has made it yet.
 */
function ensureSocketDir(dir: string): void {
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { mode: 0o1777 });
    chmodSync(dir, 0o1777); // (the umask may have taken bits)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * After the display stopped: removes the containers whose engine CLI had to be killed (SIGKILL
 * after the grace period), which `--rm` then did not remove; the others removed themselves.
 */
export async function removeKilledContainers(xc: XContainerPlan, server: RunningXServer): Promise<void> {
  const left = server.processes.filter((p) => p.spec.container && p.process.signalCode === 'SIGKILL').map((p) => p.spec.container!.name);
  if (left.length === 0) return;
  log.info(`removing X server container(s) ${left.join(', ')}`);
  await run(xc.engine, ['rm', '--force', ...left], { reject: false });
}
