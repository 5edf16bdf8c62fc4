/**
 * The session's display step: claims a display number, writes the cookies and starts what the
 * driver's launch says (src/run/xserver.ts), or shares the user's display, or starts nothing,
 * as the driver's `source` declares. The container is created alongside, while the server
 * starts (with docker from the first moment; podman and nerdctl once its socket exists).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import { atOrBelow } from '../plan/covered.js';
import { displayContext } from '../plan/display.js';
import type { SessionPlan } from '../plan/plan.js';
import { withClipboardSync } from '../xserver/clipboard.js';
import { claimDisplay, SOCKET_FOLDER_PREFIX, xPaths } from '../xserver/display.js';
import type { DisplayLaunch, DisplaySource } from '../xserver/driver.js';
import { encodeXauth, newCookie, wildcardEntry } from '../xserver/xauth.js';
import { clipboardSyncCommand } from './clipboard.js';
import { applyDisplaySettings, applyXhost, cleanHostXhost } from './display-settings.js';
import { checkHostDisplay, hostDisplayCookies, shareHostDisplay } from './host-display.js';
import type { SessionRegistry } from './registry.js';
import { writePrivate } from './session-folder.js';
import type { UndoStack } from './undo.js';
import { abortWhenSettled, waitUntil } from './wait.js';
import { DisplayInUseError, startDisplay, type RunningXServer } from './xserver.js';
import { prepareXContainer, removeKilledContainers, wildHostCookies } from './xc-step.js';
import { containerCookieFile, writeUntrustedCookie } from './untrusted.js';

/** How long a new X server may take to accept connections, in ms. */
const XSERVER_TIMEOUT_MS = 15000;
/** How often to try another display number when one turns out to be taken. */
const DISPLAY_ATTEMPTS = 5;

/** The session's display once it runs. */
export interface SessionDisplay {
  /** Display number `:N`; -1 when the container gets no X display (pure Wayland, `--nothing`). */
  readonly display: number;
  /** Host path of the client cookie file; '' when there is none. */
  readonly clientAuthFile: string;
  /** What the driver launched (and gives the container). */
  readonly launch: DisplayLaunch;
  /** The processes started; undefined when none were (`--hostdisplay`, `--hostwayland`, `--nothing`). */
  readonly server?: RunningXServer;
  /**
   * The environment for a client on the host: DISPLAY, XAUTHORITY and XSOCKET of an X display,
   * plus the driver's host-side variables (WAYLAND_DISPLAY, XDG_RUNTIME_DIR of a compositor).
   */
  readonly env: Readonly<Record<string, string>>;
}

/** What the container step needs to know of the display before the display is ready. */
export type DisplayForContainer = Pick<SessionDisplay, 'display' | 'clientAuthFile' | 'launch'> & {
  /** The session's folder for the X socket's hard link, mounted as the container's `/tmp/.X11-unix` (see socketFolder). */
  readonly socketDir?: string;
};

/** What every way of providing a display gets. */
interface DisplayStepInput<T> {
  readonly plan: SessionPlan;
  readonly host: HostFacts;
  readonly undo: UndoStack;
  readonly registry: SessionRegistry;
  /** Runs concurrently with the display's start-up (the container's creation); its error ends the step. */
  readonly alongside: (d: DisplayForContainer) => Promise<T>;
}

/** A display and what was prepared alongside it. */
type Provided<T> = { readonly display: SessionDisplay; readonly prepared: T };

/** How each display source is provided. */
const providers: Record<DisplaySource, <T>(input: DisplayStepInput<T>) => Promise<Provided<T>>> = {
  new: startNewDisplay,
  shared: shareDisplay,
  none: (input) => withoutServer(input, -1, ''),
};

/**
 * Provides the session's display as the plan's driver declares it, creating the container
 * alongside. Everything it starts or writes is registered on `undo` right away.
 * @returns the running display, and what `alongside` returned.
 * @throws X11DockerError when the display cannot start (after trying other display numbers when
 *   one was taken), or what `alongside` throws.
 */
export async function startSessionDisplay<T>(input: DisplayStepInput<T>): Promise<Provided<T>> {
  const { plan, host } = input;
  const owner = plan.dropToHostUser ? plan.hostUser : undefined;
  if (plan.screen?.cleanXhost && host.display) await cleanHostXhost(host.display, host.xauthority, owner);
  const provided = await providers[plan.driver.source](input);
  const d = provided.display;
  if (d.server && d.launch.x11) {
    await applyDisplaySettings(plan.displaySettings, d.display, d.clientAuthFile, owner);
    if (plan.screen?.xhost) await applyXhost(plan.screen.xhost, d.display, d.clientAuthFile, owner);
    if (plan.screen?.xauth === 'untrusted') await writeUntrustedCookie(plan, d.display, d.clientAuthFile);
  }
  return provided;
}

/** The environment of a host client of the display (see {@link SessionDisplay.env}). */
function clientEnv(display: number, clientAuthFile: string, launch: DisplayLaunch): Record<string, string> {
  const x11: Record<string, string> = launch.x11 && display >= 0 ? { DISPLAY: `:${display}`, XAUTHORITY: clientAuthFile, XSOCKET: xPaths(display).socket } : {};
  return { ...x11, ...launch.hostEnv };
}

/** A display without processes of ours: the user's Wayland compositor, or none at all. */
async function withoutServer<T>(input: DisplayStepInput<T>, display: number, clientAuthFile: string): Promise<Provided<T>> {
  const launch = input.plan.driver.launch(displayContext(input.plan, input.host, display, { authFile: '', clientAuthFile }));
  const prepared = await input.alongside({ display, clientAuthFile, launch });
  return { display: { display, clientAuthFile, launch, env: clientEnv(display, clientAuthFile, launch) }, prepared };
}

/** The user's own display: X (`--hostdisplay`, checked first, with a cookie of its own) or Wayland (`--hostwayland`). */
async function shareDisplay<T>(input: DisplayStepInput<T>): Promise<Provided<T>> {
  if (input.plan.driver.gives !== 'x11') return withoutServer(input, -1, '');
  await checkHostDisplay(input.plan, input.host);
  const { display, clientAuthFile } = await shareHostDisplay(input.plan, input.host);
  return withoutServer(input, display, clientAuthFile);
}

/**
 * Claims a display, writes the cookies and starts the display's processes, running `alongside`
 * concurrently; retries with another display number when one turns out taken.
 */
async function startNewDisplay<T>(input: DisplayStepInput<T>): Promise<Provided<T>> {
  const { plan, host, undo, registry } = input;
  const serverAuthFile = join(plan.sessionDir, 'Xservercookie');
  const clientAuthFile = join(plan.sessionDir, 'Xclientcookie');
  const cookie = newCookie();
  const skip = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const mark = undo.mark();
    const claim = claimDisplay(plan.fixedDisplay, skip);
    undo.defer(`release display claim :${claim.display}`, () => claim.release());
    registry.setDisplay(claim.display, [claim.claimFile, xPaths(claim.display).lock, xPaths(claim.display).socket]);
    const entry = encodeXauth([wildcardEntry(claim.display, cookie)]);
    // (in an --xc container the user's cookies must match the container's hostname: wildcards)
    writePrivate(plan, serverAuthFile, plan.driver.hostCookieInServerAuth ? Buffer.concat([entry, plan.xc ? wildHostCookies(host) : hostDisplayCookies(host)]) : entry);
    writePrivate(plan, clientAuthFile, entry);
    // --xauth=untrusted: the container's own cookie file, filled once the server runs (untrusted.ts)
    const containerAuthFile = plan.screen?.xauth === 'untrusted' ? containerCookieFile(plan) : clientAuthFile;
    if (containerAuthFile !== clientAuthFile) writePrivate(plan, containerAuthFile, Buffer.alloc(0));
    const ctx = displayContext(plan, host, claim.display, { authFile: serverAuthFile, clientAuthFile });
    // --xc: the driver's processes run from the X server image (plan/xcontainer.ts)
    const xc = plan.xc ? prepareXContainer(plan, plan.xc, host, claim.display, clientAuthFile, plan.driver.launch(ctx), undo, registry) : undefined;
    const placed = xc?.launch ?? plan.driver.launch(ctx);
    const launch = plan.clipboardSync ? withClipboardSync(placed, ctx, clipboardSyncCommand(), plan.clipboardMode) : placed;
    const starting = startDisplay(claim.display, launch, {
      env: { PATH: process.env.PATH, HOME: plan.hostUser.home, USER: plan.hostUser.name, LOGNAME: plan.hostUser.name },
      hostDisplay: host.display,
      hostXauthority: host.xauthority,
      clientAuthFile,
      cookie,
      uid: plan.dropToHostUser ? plan.hostUser.uid : undefined,
      gid: plan.dropToHostUser ? plan.hostUser.gid : undefined,
      timeoutMs: XSERVER_TIMEOUT_MS,
      onSpawn: (pid) => registry.addProcess(pid),
    });
    const linkedToHost = xc ? xc.linkToHost(starting) : Promise.resolve();
    linkedToHost.catch(() => undefined); // awaited once the server runs
    // the container gets a folder of the session's with a hard link to the X socket (made when
    // the server makes its socket): it is created at once, while the server starts. Where no
    // such folder can be (another file system), the socket file itself is mounted, once it
    // exists; a pure Wayland container waits for the compositor's socket
    const socket = xPaths(claim.display).socket;
    // (a raw mount at or above /tmp/.X11-unix gets the socket file, which the mount checks name)
    const rawOverSockets = plan.container?.raw.mounts.some((m) => m.target !== '' && atOrBelow('/tmp/.X11-unix', m.target));
    const socketDir = launch.x11 && plan.container && !rawOverSockets ? socketFolder(claim.display, undo, registry) : undefined;
    const needed = launch.x11 ? socket : launch.containerMounts.find((m) => !m.tmpfs)?.source;
    const socketReady = needed ? waitUntil(() => existsSync(needed), { what: `${needed} to be created`, intervalMs: 5, signal: abortWhenSettled(starting, new Error(`${needed} was not created`)) }) : Promise.resolve();
    const linked = socketDir ? socketReady.then(() => linkSocket(socket, socketDir)) : Promise.resolve();
    linked.catch(() => undefined); // awaited once the server runs
    // the other sockets the display gives the container (the compositor's Wayland socket with
    // --weston=x or --xw, besides X) are bind mounts too: the engine refuses a missing source
    const others = launch.x11 ? launch.containerMounts.filter((m) => !m.tmpfs).map((m) => m.source) : [];
    const othersReady = others.length > 0
      ? waitUntil(() => others.every((p) => existsSync(p)), { what: `${others.join(', ')} to be created`, intervalMs: 5, signal: abortWhenSettled(starting, new Error(`${others.join(', ')} was not created`)) })
      : Promise.resolve();
    othersReady.catch(() => undefined); // awaited below (through created)
    const created = socketDir ? othersReady : Promise.all([socketReady, othersReady]).then(() => undefined);
    const [xs, prepared] = await Promise.allSettled([starting, created.then(() => input.alongside({ display: claim.display, clientAuthFile: containerAuthFile, socketDir, launch }))]);
    if (xs.status === 'fulfilled') {
      const xcPlan = plan.xc;
      undo.defer(`stop X server :${claim.display}`, async () => {
        await xs.value.stop();
        if (xcPlan) await removeKilledContainers(xcPlan, xs.value);
      }, 'process');
      if (prepared.status === 'rejected') throw prepared.reason;
      await linkedToHost;
      await linked; // the server made its socket before it became ready
      return { display: { display: claim.display, clientAuthFile, launch, server: xs.value, env: clientEnv(claim.display, clientAuthFile, launch) }, prepared: prepared.value };
    }
    const error: unknown = xs.reason; // the server's failure explains more than the container's
    // a nested server or client that could not start: a user display that does not answer says more
    if (!(error instanceof DisplayInUseError)) await checkHostDisplay(plan, host);
    if (!(error instanceof DisplayInUseError) || plan.fixedDisplay !== undefined || attempt >= DISPLAY_ATTEMPTS) throw error;
    log.info(`${error.message}; trying another display`);
    await undo.unwindTo(mark); // the claim and the container made for this display
    skip.add(claim.display);
  }
}

/**
 * The session's socket folder for display `display`: a new folder beside the host's
 * `/tmp/.X11-unix` (a fresh random name, created with mkdir: never one planted by someone else,
 * and recorded before it exists, for the watcher), mode 0755 as
 * `/tmp/.X11-unix` is, that will hold only a hard link to the new X socket. The container gets
 * it as its `/tmp/.X11-unix`, so it can be created before the server has made its socket, and
 * sees the one socket, never the others. Undefined where a hard link cannot be made (the X
 * socket folder is a file system of its own): the socket file is mounted then.
 * Registered for removal (undo, and the record for --cleanup).
 */
function socketFolder(display: number, undo: UndoStack, registry: SessionRegistry): string | undefined {
  const x11Unix = dirname(xPaths(display).socket);
  const tmp = dirname(x11Unix);
  try {
    if (existsSync(x11Unix) && statSync(x11Unix).dev !== statSync(tmp).dev) return undefined;
    // a fresh random name, in the record BEFORE the folder exists: a kill -9 at any moment leaves
    // nothing the watcher does not know (with mkdtemp the name was known only after creating it)
    const dir = join(tmp, `${SOCKET_FOLDER_PREFIX}${randomBytes(8).toString('hex')}`);
    const link = join(dir, `X${display}`);
    registry.setDisplay(display, [link, dir]);
    mkdirSync(dir, { mode: 0o755 }); // EEXIST: never a folder someone else made
    undo.defer(`remove socket folder ${dir}`, () => {
      rmSync(link, { force: true });
      rmdirSync(dir);
    });
    chmodSync(dir, 0o755); // (the umask may have taken bits)
    return dir;
  } catch {
    return undefined;
  }
}

/** Hard-links the X socket into the session's socket folder. @throws when the link cannot be made. */
function linkSocket(socket: string, socketDir: string): void {
  linkSync(socket, join(socketDir, socket.slice(socket.lastIndexOf('/') + 1)));
}
