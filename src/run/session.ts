import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM, EXIT_X11DOCKER_ERROR, printable, X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import { log } from '../log.js';
import { containerCreateArgs, localDisplayNumber, probeCreateArgs, readOnlyRootfsMounts, runtimeDirExtras, type SessionPlan } from '../plan/plan.js';
import { checkContainerMounts, createHomeFolder, prepareLocale, userFilePaths, userFiles } from './container-setup.js';
import { claimDisplay, xPaths } from '../xserver/display.js';
import { withClipboardSync } from '../xserver/clipboard.js';
import { describeRunning } from '../xserver/describe.js';
import { clipboardSyncCommand } from './clipboard.js';
import { decodeXauth, encodeXauth, FamilyLocal, FamilyWild, newCookie, wildcardEntry } from '../xserver/xauth.js';
import { Engine, firstLine, type ContainerFile } from './engine.js';
import { cachedUserDatabase, readUserDatabase } from './userdb-cache.js';
import { run, start } from './spawn.js';
import { DisplayInUseError, startDisplay, type RunningXServer } from './xserver.js';
import type { DisplayLaunch } from '../xserver/driver.js';
import { hostname } from 'node:os';
import { hostWaylandSocket } from '../wayland/wayland.js';
import { SessionRegistry } from './registry.js';
import { startWatcher } from './watcher.js';
import { startHtml } from './html.js';
import { applyDisplaySettings } from './display-settings.js';

/** How long a new X server may take to accept connections, in ms. */
const XSERVER_TIMEOUT_MS = 15000;
/** How often to try another display number when one turns out to be taken. */
const DISPLAY_ATTEMPTS = 5;

/**
 * One undo step. The `container` step runs first (its command may still use the X server while
 * it ends), then the `process` steps (X servers, helpers) concurrently, then the `file` steps
 * (claims, cookies, session folder) in reverse order of registration.
 */
type Cleanup = { readonly what: string; readonly fn: () => Promise<void> | void; readonly stage?: 'container' | 'process' | 'file' };

/**
 * How long a running container's command gets to end after SIGTERM when the session ends
 * (Ctrl-C, SIGTERM, the X server gone), in ms, before it is killed: like `docker stop`, shorter
 * than its 10 s default so that Ctrl-C stays quick.
 */
export const STOP_GRACE_MS = 3000;

/**
 * The supervisor: owns one session's lifetime. It starts the X server and the container as the
 * plan says, waits until the command ends, the X server dies, or a signal arrives, and then
 * undoes everything it did, in reverse order. Every step that creates something registers its
 * cleanup first, so an error or signal at any point leaves nothing behind.
 */
export class Session {
  private readonly cleanups: Cleanup[] = [];
  /** The on-disk record of what this session started (for the watcher and `--cleanup`). */
  private registry: SessionRegistry | undefined;
  /** What the display driver started (for the container's extra environment and mounts). */
  private launch: DisplayLaunch | undefined;
  private stopRequested: ((signal: NodeJS.Signals) => void) | undefined;
  private signal: NodeJS.Signals | undefined;
  /** The container's command has ended on its own: no stop is needed at the end. */
  private containerEnded = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.signal) return; // already ending; cleanup is under way
    log.info(`received ${signal}, ending the session`);
    this.signal = signal;
    this.stopRequested?.(signal);
  };

  /**
   * @param plan the session plan.
   * @param host host facts (for the user's display and cookie with --hostdisplay).
   * @param engine the container engine.
   */
  constructor(
    private readonly plan: SessionPlan,
    private readonly host: HostFacts,
    private readonly engine: Engine,
  ) {}

  /**
   * Runs the session to its end and cleans up.
   * @returns the exit code: the container command's, 130 after SIGINT, 143 after SIGTERM, 64 on errors.
   */
  async run(): Promise<number> {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
    let exitCode = EXIT_X11DOCKER_ERROR;
    try {
      exitCode = await this.runSteps();
    } catch (error) {
      if (!this.signal) {
        if (error instanceof X11DockerError) log.error(error.message);
        else log.error(`unexpected error: ${(error as Error).stack ?? error}`);
      }
      exitCode = error instanceof X11DockerError ? error.exitCode : EXIT_X11DOCKER_ERROR;
    } finally {
      await this.cleanup();
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.onSignal);
    }
    if (this.signal === 'SIGINT') return EXIT_SIGINT;
    if (this.signal === 'SIGHUP') return EXIT_SIGHUP;
    if (this.signal) return EXIT_SIGTERM;
    return exitCode;
  }

  private checkSignal(): void {
    if (this.signal) throw new X11DockerError(`interrupted by ${this.signal}`, EXIT_SIGINT);
  }

  private async runSteps(): Promise<number> {
    const plan = this.plan;
    if (plan.driver.sharesHostDisplay) await this.checkHostDisplay();
    this.makeSessionDir();
    this.checkSignal();

    // The container is created and its user set up while the X server finishes its start-up
    // (docker create needs the socket file to exist, so it waits for that, not for readiness).
    let containerId: string | undefined;
    const prepare = plan.container
      ? async (display: number, clientAuthFile: string) => {
          containerId = await this.createContainer(display, xPaths(display).socket, clientAuthFile);
        }
      : async () => undefined;
    const x = plan.driver.name === 'nothing'
      ? await prepare(-1, '').then(() => ({ display: -1, clientAuthFile: '', server: undefined }))
      : plan.driver.sharesHostDisplay ? await this.shareHostDisplay(prepare) : await this.startNewXServer(prepare);
    this.checkSignal();
    if (x.server && (this.launch?.x11 ?? true)) {
      await applyDisplaySettings(plan.displaySettings, x.display, x.clientAuthFile, plan.dropToHostUser ? plan.hostUser : undefined);
    }

    const xsocket = xPaths(x.display).socket;
    if (plan.showenv) {
      // stdout may be a pipe that its reader closes after one line (read Xenv < <(x11docker ...))
      process.stdout.on('error', () => undefined);
      const x11 = x.display >= 0 && (this.launch?.x11 ?? true) ? [`DISPLAY=:${x.display}`, `XAUTHORITY=${x.clientAuthFile}`, `XSOCKET=${xsocket}`] : [];
      process.stdout.write(`${[...x11, ...(this.launch?.showenv ?? [])].join(' ')}\n`);
    }

    this.checkSignal();
    // --html: x11vnc and websockify start while the container starts; awaited on every path below
    // before the session can end, so their stop is registered before any cleanup runs.
    const htmlStarting = plan.html ? startHtml(plan, x.display, x.clientAuthFile, this.cleanups, (pid) => this.registry?.addProcess(pid)) : undefined;
    htmlStarting?.catch(() => undefined);

    const ended = new Promise<{ kind: 'signal' } | { kind: 'xserver' } | { kind: 'container'; code: number }>((resolve, reject) => {
      this.stopRequested = () => resolve({ kind: 'signal' });
      if (this.signal) resolve({ kind: 'signal' });
      void x.server?.ended.then(() => resolve({ kind: 'xserver' }));
      // --html: x11vnc or websockify ending on its own ends the session with an error
      void htmlStarting?.then((h) => h.died).then((why) => reject(new X11DockerError(why)), () => undefined);
    });
    ended.catch(() => undefined);

    if (plan.container) {
      const id = containerId!;
      const interactive = plan.container.integration.interactive || plan.container.engineArgs.some((a) => /^-[a-z]*i[a-z]*$/.test(a) || a === '--interactive' || a === '--interactive=true');
      // with --showenv, stdout carries only the environment line; the command's stdout goes to stderr
      const attached = this.engine.startAttached(id, interactive, plan.showenv);
      const containerEnded = attached.process.then((r) => ({ kind: 'container' as const, code: r.exitCode ?? 1 }));
      await htmlStarting;
      const first = await Promise.race([ended, containerEnded]);
      if (first.kind === 'container') {
        this.containerEnded = true;
        if (first.code !== 0 && (await this.engine.neverStarted(id))) {
          const reason = startFailure(await this.engine.startError(id), attached.heldStderr());
          throw new X11DockerError(`${this.engine.backend} could not start the container: ${reason}. Check the ${this.engine.backend} run options after -- and the command.`);
        }
        attached.flushStderr();
        // the X server's death kills its clients: when the command failed because its display went
        // away, that is what the user must hear (the container's end is often seen first)
        if (first.code !== 0 && x.server && (await settlesWithin(x.server.ended, 250))) return await this.xserverEnded(x.display, x.server);
        const code = plan.container.services.exitCodeFile ? exitCodeFromFile(join(plan.sessionDir, 'exit', 'code'), first.code) : first.code;
        log.info(`container command ended with exit code ${code}`);
        return code;
      }
      if (first.kind === 'xserver') return await this.xserverEnded(x.display, x.server);
      return EXIT_SIGINT;
    }

    await htmlStarting;
    if (plan.exe) {
      // --exe: a host application on the new display, as the host user; its exit ends the session
      const [file, ...args] = plan.exe;
      const app = start(file!, args, {
        stdin: 'inherit',
        stdout: plan.showenv ? 2 : 'inherit',
        stderr: 'inherit',
        env: { ...process.env, DISPLAY: `:${x.display}`, XAUTHORITY: x.clientAuthFile, ...Object.fromEntries((this.launch?.containerEnv ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) },
        ...(plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {}),
      } as Parameters<typeof start>[2]);
      this.cleanups.push({
        what: `stop ${file}`,
        stage: 'process',
        fn: async () => {
          if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
          await app.then(() => undefined, () => undefined);
        },
      });
      const appEnded = app.then((r) => ({ kind: 'container' as const, code: r.exitCode ?? (r.failed && !r.signal ? 127 : 1) }));
      const first = await Promise.race([ended, appEnded]);
      if (first.kind === 'container') {
        log.info(`${file} ended with exit code ${first.code}`);
        return first.code;
      }
      if (first.kind === 'xserver') return await this.xserverEnded(x.display, x.server);
      return EXIT_SIGINT;
    }

    log.note(`${describeRunning(plan.driver, x.display, this.launch)} Press Ctrl-C (or send SIGTERM to ${process.pid}) to end it.`);
    // --hostdisplay/--nothing start no process: keep Node's event loop alive until a signal
    const keepAlive = x.server ? undefined : setInterval(() => undefined, 1 << 30);
    const first = await ended;
    clearInterval(keepAlive);
    if (first.kind === 'xserver') return await this.xserverEnded(x.display, x.server);
    return EXIT_SIGINT;
  }

  /**
   * The X server ended before the command: a clean exit (its window was closed) ends the session
   * normally; a crash or kill is an error.
   */
  /**
   * The display ended on its own: says why, returns the exit code or throws.
   * A nested server or client of the user's display (Xephyr, nxagent, the xpra client, a nested
   * weston) that exits with an error while the user's display still answers lost its window:
   * Debian's Xephyr sets no WM_DELETE_WINDOW, so a window manager closes it with XKillClient,
   * and the server exits 1 without a word. That is the user closing the window: exit 0.
   */
  private async xserverEnded(display: number, server: RunningXServer | undefined): Promise<number> {
    const r = server?.process;
    const which = server?.endedProcess?.spec;
    if (r && r.exitCode === 0) {
      log.note(`X server :${display} was closed; ending the session.`);
      return 0;
    }
    if (r && !r.signalCode && which?.connectsTo === 'host' && (await this.hostDisplayAnswers())) {
      log.note(`The ${which.binary} window on your display ${this.host.display} was closed; ending the session.`);
      return 0;
    }
    const what = which && which.role !== 'X server' ? `${which.role} ${which.binary} of :${display}` : `X server :${display}`;
    throw new X11DockerError(`${what} ended unexpectedly (${r?.signalCode ? `signal ${r.signalCode}` : `exit ${r?.exitCode}`}); the container was stopped.`);
  }

  /**
   * A display option that uses the user's display needs it to accept us. `--hostdisplay` starts no
   * server, so it is checked before anything starts; a nested server or seamless client (Xephyr,
   * nxagent, xpra) is only checked when it fails to start (no cost when all is well), so that a
   * wrong DISPLAY or a missing cookie is one line naming them instead of the server's own output.
   * @throws X11DockerError when the display does not answer.
   */
  private async checkHostDisplay(): Promise<void> {
    if (!this.plan.driver.needsHostDisplay || !this.host.display || !this.host.binaries.has('xdpyinfo')) return;
    const why = await this.hostDisplayProblem(5000);
    if (why === undefined) return;
    throw new X11DockerError(
      `--${this.plan.driver.name} needs your display, but DISPLAY=${printable(this.host.display)} does not accept a connection (${printable(why)}). ` +
        `Check DISPLAY and XAUTHORITY (${this.host.xauthority ? printable(this.host.xauthority) : 'unset'}), or use --xvfb for an invisible X server.`,
    );
  }

  /** Whether the user's display still accepts a connection (false when it cannot be checked). */
  private async hostDisplayAnswers(): Promise<boolean> {
    if (!this.host.display || !this.host.binaries.has('xdpyinfo')) return false;
    return (await this.hostDisplayProblem(3000)) === undefined;
  }

  /**
   * Connects to the user's display with xdpyinfo, with the user's XAUTHORITY, as the host user.
   * @param timeoutMs how long to wait for an answer, in ms.
   * @returns undefined when it answers, else why not (one line).
   */
  private async hostDisplayProblem(timeoutMs: number): Promise<string | undefined> {
    const r = await run('xdpyinfo', [], { reject: false, timeout: timeoutMs, env: { DISPLAY: this.host.display, XAUTHORITY: this.host.xauthority }, ...(this.plan.dropToHostUser ? { uid: this.plan.hostUser.uid, gid: this.plan.hostUser.gid } : {}) });
    if (r.exitCode === 0) return undefined;
    if (r.timedOut) return `no answer within ${timeoutMs / 1000} s`;
    return (firstLine(`${String(r.stderr)}\n${String(r.stdout)}`) || `exit ${r.exitCode}`).replaceAll('"', "'");
  }

  /** Creates the per-session folder (mode 0700, owned by the host user) and starts the log there. */
  private makeSessionDir(): void {
    const { cacheDir, sessionDir } = this.plan;
    const owner = this.plan.dropToHostUser ? this.plan.hostUser : undefined;
    for (const dir of [join(cacheDir, '..'), cacheDir]) {
      try {
        mkdirSync(dir, { mode: 0o700 });
        if (owner) chownSync(dir, owner.uid, owner.gid);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw new X11DockerError(`Cannot create ${dir} (${code}). Make it writable for ${this.plan.hostUser.name}, or check the host user's HOME.`);
      }
    }
    try {
      mkdirSync(sessionDir, { mode: 0o700 });
    } catch (error) {
      throw new X11DockerError(`Cannot create the session folder ${sessionDir} (${(error as NodeJS.ErrnoException).code}). Make ${cacheDir} writable for ${this.plan.hostUser.name}.`);
    }
    this.cleanups.push({
      what: `remove ${sessionDir}`,
      fn: () => {
        log.detachFile();
        try {
          copyFileSync(join(sessionDir, 'x11docker.log'), join(cacheDir, 'x11docker.log'));
          if (owner) chownSync(join(cacheDir, 'x11docker.log'), owner.uid, owner.gid);
        } catch {
          // no log to keep
        }
        rmSync(sessionDir, { recursive: true, force: true });
      },
    });
    if (owner) chownSync(sessionDir, owner.uid, owner.gid);
    this.registry = new SessionRegistry(sessionDir, { sessionId: this.plan.sessionId, backend: this.engine.backend }, owner);
    startWatcher(sessionDir);
    if (this.plan.container?.services.exitCodeFile) mkdirSync(join(sessionDir, 'exit'), { mode: 0o700 }); // an init system's launcher writes the exit code here
    log.attachFile(join(sessionDir, 'x11docker.log'));
    log.info(`session ${this.plan.sessionId}: X server ${this.plan.driver.name} (${this.plan.driverReason}); host user ${this.plan.hostUser.name} (${this.host.hostUserSource})`);
  }

  /** Writes a file owned by the host user with mode 0600. */
  /**
   * The user's cookie entries for the user's display (from its XAUTHORITY), for a nested server
   * that reads them from its own auth file (nxagent); empty when there are none.
   */
  private hostDisplayCookies(): Buffer {
    const display = /:(\d+)(?:\.\d+)?$/.exec(this.host.display ?? '')?.[1];
    if (display === undefined || !this.host.xauthority) return Buffer.alloc(0);
    try {
      const entries = decodeXauth(readFileSync(this.host.xauthority)).filter((e) => e.number === display);
      return encodeXauth(entries);
    } catch {
      return Buffer.alloc(0); // no authority file: a display without access control
    }
  }

  private writePrivate(path: string, content: Buffer): void {
    writeFileSync(path, content, { mode: 0o600 });
    if (this.plan.dropToHostUser) chownSync(path, this.plan.hostUser.uid, this.plan.hostUser.gid);
  }

  /**
   * Claims a display, writes the cookies and starts the X server, running `alongside` (the
   * container's preparation) concurrently; retries with another display when one turns out taken.
   */
  private async startNewXServer(alongside: (display: number, clientAuthFile: string) => Promise<void>): Promise<{ display: number; clientAuthFile: string; server?: RunningXServer }> {
    const plan = this.plan;
    const serverAuthFile = join(plan.sessionDir, 'Xservercookie');
    const clientAuthFile = join(plan.sessionDir, 'Xclientcookie');
    const cookie = newCookie();
    const skip = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const mark = this.cleanups.length;
      const claim = claimDisplay(plan.fixedDisplay, skip);
      this.cleanups.push({ what: `release display claim :${claim.display}`, fn: () => claim.release() });
      this.registry?.setDisplay(claim.display, [claim.claimFile, xPaths(claim.display).lock, xPaths(claim.display).socket]);
      const entry = encodeXauth([wildcardEntry(claim.display, cookie)]);
      this.writePrivate(serverAuthFile, plan.driver.hostCookieInServerAuth ? Buffer.concat([entry, this.hostDisplayCookies()]) : entry);
      this.writePrivate(clientAuthFile, entry);
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: plan.hostUser.home, USER: plan.hostUser.name, LOGNAME: plan.hostUser.name };
      const ctx = {
        display: claim.display,
        authFile: serverAuthFile,
        clientAuthFile,
        size: plan.size,
        title: `x11docker :${claim.display} ${plan.container?.image ?? plan.exe?.[0] ?? ''}`.trim(),
        sessionDir: plan.sessionDir,
        desktop: plan.desktop,
        fullscreen: plan.fullscreen,
        clipboard: plan.clipboard,
        xtest: plan.html !== undefined || plan.displaySettings.xtest,
        dpi: plan.displaySettings.dpi,
        noreset: plan.displaySettings.dpi !== undefined || plan.displaySettings.keymap !== undefined,
        wm: plan.wm,
        hostDisplay: this.host.display,
        hostWaylandSocket: hostWaylandSocket(this.host.waylandDisplay, this.host.xdgRuntimeDir),
      };
      const launch = plan.clipboardSync ? withClipboardSync(plan.driver.launch(ctx), ctx, clipboardSyncCommand()) : plan.driver.launch(ctx);
      this.launch = launch;
      const starting = startDisplay(claim.display, launch, {
        env,
        hostDisplay: this.host.display,
        hostXauthority: this.host.xauthority,
        clientAuthFile,
        cookie,
        uid: plan.dropToHostUser ? plan.hostUser.uid : undefined,
        gid: plan.dropToHostUser ? plan.hostUser.gid : undefined,
        timeoutMs: XSERVER_TIMEOUT_MS,
        onSpawn: (pid) => this.registry?.addProcess(pid),
      });
      // docker create checks that a bind mount's source exists: wait for the server's socket
      // (created early in its start-up), not for the whole start-up.
      // (a pure Wayland container waits for the compositor's socket instead)
      const needed = launch.x11 ? xPaths(claim.display).socket : launch.containerMounts.find((m) => !m.tmpfs)?.source;
      const socketReady = needed ? waitForPath(needed, starting) : Promise.resolve();
      const [xs, prepared] = await Promise.allSettled([starting, socketReady.then(() => alongside(claim.display, clientAuthFile))]);
      if (xs.status === 'fulfilled') {
        this.cleanups.push({ what: `stop X server :${claim.display}`, fn: () => xs.value.stop(), stage: 'process' });
        if (prepared.status === 'rejected') throw prepared.reason;
        return { display: claim.display, clientAuthFile, server: xs.value };
      }
      const error: unknown = xs.reason; // the server's failure explains more than the container's
      // a nested server or client that could not start: a user display that does not answer says more
      if (!(error instanceof DisplayInUseError)) await this.checkHostDisplay();
      if (!(error instanceof DisplayInUseError) || plan.fixedDisplay !== undefined || attempt >= DISPLAY_ATTEMPTS) throw error;
      log.info(`${error.message}; trying another display`);
      await this.unwind(mark); // the claim and the container made for this display
      skip.add(claim.display);
    }
  }

  /**
   * `--hostdisplay`: gives the container a cookie for the user's display: an untrusted one made
   * with `xauth generate` (X SECURITY extension) where possible, else a copy of the user's own
   * cookie, always as a wildcard entry in a file of our own.
   */
  private async shareHostDisplay(alongside: (display: number, clientAuthFile: string) => Promise<void>): Promise<{ display: number; clientAuthFile: string; server?: undefined }> {
    const display = localDisplayNumber(this.host.display)!;
    const clientAuthFile = join(this.plan.sessionDir, 'Xclientcookie');
    const generated = join(this.plan.sessionDir, 'Xgenerated');
    let cookie: { name: string; data: Buffer } | undefined;
    let untrustedFailure = 'no xauth on the host';
    if (this.host.binaries.has('xauth')) {
      this.writePrivate(generated, Buffer.alloc(0));
      const r = await run('xauth', ['-f', generated, 'generate', `:${display}`, '.', 'untrusted', 'timeout', '0'], {
        reject: false,
        env: { DISPLAY: `:${display}`, XAUTHORITY: this.host.xauthority },
        ...(this.plan.dropToHostUser ? { uid: this.plan.hostUser.uid, gid: this.plan.hostUser.gid } : {}),
      });
      const entry = r.exitCode === 0 ? decodeXauth(readFileSync(generated)).find((e) => e.number === String(display)) : undefined;
      // Some X servers hand out generated cookies that they then refuse (seen with Xorg 21.1):
      // use one only when a real connection with it works.
      const works =
        entry && this.host.binaries.has('xdpyinfo')
          ? (await run('xdpyinfo', [], { reject: false, env: { DISPLAY: `:${display}`, XAUTHORITY: generated }, ...(this.plan.dropToHostUser ? { uid: this.plan.hostUser.uid, gid: this.plan.hostUser.gid } : {}) })).exitCode === 0
          : !!entry;
      if (entry && works) cookie = { name: entry.name, data: entry.data };
      else {
        untrustedFailure = entry ? 'the X server refuses the untrusted cookie it generated' : `xauth generate failed: ${firstLine(String(r.stderr)) || 'no X SECURITY extension?'}`;
        log.info(`no usable untrusted cookie from xauth generate: ${untrustedFailure}`);
      }
    }
    if (!cookie) {
      const host = hostname();
      let entries: ReturnType<typeof decodeXauth> = [];
      try {
        entries = this.host.xauthority ? decodeXauth(readFileSync(this.host.xauthority)) : [];
      } catch {
        // no authority file: a server without access control
      }
      const own = entries.find((e) => e.number === String(display) && (e.family === FamilyWild || (e.family === FamilyLocal && e.address.toString() === host)));
      if (own) {
        cookie = { name: own.name, data: own.data };
        log.warning(`--hostdisplay: could not use an untrusted cookie (${untrustedFailure}); the container gets your trusted cookie.`);
      }
    }
    this.writePrivate(clientAuthFile, cookie ? encodeXauth([wildcardEntry(display, cookie.data, cookie.name)]) : Buffer.alloc(0));
    await alongside(display, clientAuthFile);
    return { display, clientAuthFile };
  }

  /** Creates the container, sets up its user database and HOME, and registers its removal. */
  private async createContainer(display: number, socketPath: string, clientAuthFile: string): Promise<string> {
    const c = this.plan.container!;
    if (c.sharedCookie && clientAuthFile) {
      // Another container user (--user), or a uid the engine maps elsewhere (userns-remap,
      // rootless docker), cannot read a 0600 file of the host user, and has no capability to
      // override that. The session folder (0700) still hides it on the host.
      chmodSync(clientAuthFile, 0o644);
    }
    createHomeFolder(this.plan);
    const localeDir = await prepareLocale(this.plan, this.engine, (what, fn) => this.cleanups.push({ what, fn }));
    const serviceFiles: ContainerFile[] = c.services.files.map((f) => ({ ...f, uid: 0, gid: 0 }));
    // --read-only: nothing can be copied in; x11docker's files are mounted instead
    const readOnly = c.readOnlyRootfs ? await this.readOnlyRootfsMounts(serviceFiles) : undefined;
    const runtimeDir = runtimeDirExtras(this.plan, this.launch);
    const args = containerCreateArgs(this.plan, {
      display,
      socketPath,
      clientAuthFile,
      localeDir,
      x11: display >= 0 && (this.launch?.x11 ?? true),
      env: [...(this.launch?.containerEnv ?? []), ...runtimeDir.env],
      mounts: [...(this.launch?.containerMounts ?? []), ...runtimeDir.mounts, ...(readOnly ?? [])],
    });
    // The removal is registered with the id that create returns, never by name: a name given with
    // --name may belong to another container. Signals are only acted on after create returns.
    const id = await this.engine.create(args);
    this.registry?.setContainer(id);
    // a running container is stopped first and gently (SIGTERM, STOP_GRACE_MS) while its X server
    // still runs; then it is removed alongside the X server's stop
    this.cleanups.push({ what: `remove container ${id.slice(0, 12)}`, fn: () => this.engine.remove(id), stage: 'process' });
    this.cleanups.push({ what: `stop container ${id.slice(0, 12)}`, fn: () => (this.containerEnded ? undefined : this.engine.stop(id, STOP_GRACE_MS)), stage: 'container' });
    log.info(`container ${id.slice(0, 12)} created`);

    if (readOnly) {
      // nothing is copied in, but the engine creates missing mount points: a raw mount over
      // one of ours (e.g. -v DIR:/etc) would get empty files made in DIR on the host
      const targets = readOnly.map((m) => m.target);
      await checkContainerMounts(this.plan, this.engine, id, targets, targets);
      return id;
    }
    if (c.retainUser) {
      // --user=RETAIN: the image's user, no set-up (only x11docker's launchers, if any)
      await checkContainerMounts(this.plan, this.engine, id, serviceFiles.map((f) => f.path), []);
      if (serviceFiles.length > 0) await this.engine.writeFiles(id, serviceFiles);
      return id;
    }
    // docker cp reads and writes through bind mounts and volumes: never the host's files via a
    // raw -v/--mount (checked before the image's user database is read and cached)
    const tmpfsTargets = [...(this.launch?.containerMounts ?? []), ...runtimeDir.mounts].filter((m) => m.tmpfs).map((m) => m.target);
    await checkContainerMounts(this.plan, this.engine, id, [...userFilePaths(this.plan), ...tmpfsTargets, ...serviceFiles.map((f) => f.path)], tmpfsTargets);
    const owner = this.plan.dropToHostUser ? this.plan.hostUser : undefined;
    const files = userFiles(this.plan, await readUserDatabase(this.engine, id, c.imageConfig.id, this.plan.cacheDir, owner));
    // the engine copies a tmpfs mount point's mode and owner onto the tmpfs at start (tmpcopyup):
    // make the mount point of a private runtime folder the container user's, mode 0700
    for (const target of tmpfsTargets) files.push({ path: target, mode: 0o700, uid: c.user.uid, gid: c.user.gid });
    files.push(...serviceFiles);
    await this.engine.writeFiles(id, files);
    return id;
  }

  /**
   * `--read-only` among the raw options: the user database (read from the per-image cache, else
   * from a probe container that is never started and removed at once), HOME and launchers as
   * mounts: copies of the files in the session folder, mounted read-only; HOME a tmpfs.
   * @returns the mounts for the container.
   */
  private async readOnlyRootfsMounts(serviceFiles: readonly ContainerFile[]): Promise<NonNullable<Parameters<typeof containerCreateArgs>[1]['mounts']>> {
    const c = this.plan.container!;
    let entries: ContainerFile[] = [...serviceFiles];
    if (!c.retainUser) {
      const owner = this.plan.dropToHostUser ? this.plan.hostUser : undefined;
      let db = cachedUserDatabase(c.imageConfig.id, this.plan.cacheDir);
      if (!db) {
        const probe = await this.engine.create(probeCreateArgs(this.plan));
        try {
          db = await readUserDatabase(this.engine, probe, c.imageConfig.id, this.plan.cacheDir, owner);
        } finally {
          await this.engine.remove(probe);
        }
      }
      entries = [...userFiles(this.plan, db), ...entries];
      if (process.getuid?.() !== 0) {
        // mounted copies keep their host owner: without root they would be the container user's,
        // and a shadow file readable by the user (sudo refuses a sudoers file not owned by root)
        entries = entries.filter((e) => e.path !== '/etc/shadow' && e.path !== '/etc/sudoers');
        if (c.sudo) log.warning("--sudouser with docker run option --read-only needs x11docker run as root: sudo and su need /etc/shadow and /etc/sudoers owned by root.");
      }
    }
    const { files, mounts } = readOnlyRootfsMounts(this.plan, entries);
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true, mode: 0o700 });
      writeFileSync(f.path, f.content!, { mode: f.mode });
      chmodSync(f.path, f.mode);
      if (process.getuid?.() === 0) chownSync(f.path, f.uid, f.gid);
    }
    log.info(`--read-only: ${files.length} file(s) mounted read-only${mounts.some((m) => m.tmpfs) ? ', HOME is a tmpfs' : ''}`);
    return mounts;
  }

  /** Runs all registered cleanups. */
  private cleanup(): Promise<void> {
    return this.unwind(0);
  }

  /**
   * Runs the cleanups registered after position `mark`: the `process` ones concurrently, then the
   * others in reverse order. Each failure is logged, not thrown.
   */
  private async unwind(mark: number): Promise<void> {
    const steps = this.cleanups.splice(mark).reverse();
    const attempt = async (c: Cleanup) => {
      try {
        log.debug(`cleanup: ${c.what}`);
        await c.fn();
      } catch (error) {
        log.warning(`cleanup step '${c.what}' failed: ${(error as Error).message}`);
      }
    };
    await Promise.all(steps.filter((c) => c.stage === 'container').map(attempt));
    await Promise.all(steps.filter((c) => c.stage === 'process').map(attempt));
    for (const c of steps.filter((c) => c.stage !== 'process' && c.stage !== 'container')) await attempt(c);
  }
}

/** Whether `promise` settles within `ms` milliseconds. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([promise.then(() => true, () => true), late]);
  clearTimeout(timer);
  return result;
}

/**
 * Resolves once `path` exists; rejects when `until` settles first without it (the process that
 * should create it failed). Polls every 5 ms.
 */
async function waitForPath(path: string, until: Promise<unknown>): Promise<void> {
  let settled = false;
  until.then(() => (settled = true), () => (settled = true));
  for (;;) {
    if (existsSync(path)) return;
    if (settled) throw new X11DockerError(`${path} was not created`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The command's exit code as an init system's launcher recorded it (the container's own exit
 * status is the init system's); `fallback` when the file is missing or not a number.
 */
function exitCodeFromFile(path: string, fallback: number): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 && n <= 255 ? n : fallback;
  } catch {
    return fallback;
  }
}

/** Segments of engine error chains that say nothing about the cause. */
const ENGINE_ERROR_NOISE = /^(Error response from daemon|Error|failed to create task for container|failed to create shim task|OCI runtime create failed|OCI runtime error|runc create failed|crun|unable to start container process|unable to start container "?[0-9a-f]+"?|failed to start containers|[0-9a-f]{12,64}|unknown)$/i;

/**
 * The cause of a failed container start for a one-line message: the engine's recorded
 * `.State.Error`, else its CLI's first error line; boilerplate segments of the `a: b: c` chain
 * dropped, control characters escaped and cut at 160 characters (printable).
 */
export function startFailure(stateError: string, cliStderr: string): string {
  const text = stateError.trim() || (cliStderr.trim().split('\n').find((l) => l.trim() !== '') ?? '');
  const parts = text.split(/:\s+/).filter((p) => !ENGINE_ERROR_NOISE.test(p.trim()));
  return printable(parts.join(': ') || text || 'no reason given', 160);
}
