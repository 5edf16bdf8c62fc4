/**
 * The container engine over its API socket: the Docker Engine API (v1.41 paths without a version
 * prefix, so the daemon's own version answers), which podman's service also serves. The HTTP
 * transport, `DOCKER_HOST`-style addresses (unix, tcp with TLS, ssh) and the attach stream's
 * multiplexing are docker-modem's (the transport of dockerode). One keep-alive agent per engine:
 * a session's calls reuse one connection where they do not overlap.
 *
 * What the CLI engine (engine-cli.ts) does with six Go processes (`image inspect`, `info`,
 * `create`, `container inspect`, `cp`, `start --attach`) is six requests here. `create` reads
 * the plan's argument array through create-body.ts; an argument without a plain API form makes
 * that one `create` go through the CLI instead (said with --verbose). Interactive sessions
 * (`-i`) are attached through the CLI too: the terminal (raw mode, window size, detach keys) is
 * the CLI's job.
 */
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import Modem from 'docker-modem';
import tar from 'tar-stream';
import { X11DockerError } from '../errors.js';
import type { EngineSecurity } from '../host/facts.js';
import type { Backend } from '../options/parse.js';
import { imageConfigFromInspect, type ImageConfig } from '../plan/image.js';
import type { InspectedMount } from '../plan/covered.js';
import { log } from '../log.js';
import { createBody } from './create-body.js';
import { keepEngineInfo, readEngineInfo, socketIdentity } from './engine-info-cache.js';
import { endpointUrl, type EngineEndpoint } from './engine-endpoint.js';
import { CliEngine } from './engine-cli.js';
import { lowerKeys } from '../options/volume-opts.js';
import { firstEntryOfTar, startFailure, tarOf, type AttachedContainer, type ContainerFile, type Engine, type EngineContainer } from './engine.js';
import { waitUntil } from './wait.js';

/** An API error as docker-modem reports it (HTTP status and the daemon's JSON). */
interface ApiError extends Error {
  statusCode?: number;
  json?: { message?: string } | Buffer | null;
  code?: string;
}

/** The daemon's message of an API error, or the transport's (ENOENT, ECONNREFUSED, ...). */
function apiMessage(error: unknown): string {
  const e = error as ApiError;
  const json = e.json && !Buffer.isBuffer(e.json) ? e.json : undefined;
  // a stream request's error carries the daemon's text in docker-modem's message: `(HTTP code 409) conflict - TEXT`
  return (json?.message ?? e.message ?? String(error)).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim().split('\n')[0]!;
}

/** Container state as `GET /containers/{id}/json` reports it (the fields used here). */
interface ContainerJson {
  Id: string;
  State?: { StartedAt?: string; Error?: string; Running?: boolean; ExitCode?: number; Pid?: number };
  Mounts?: InspectedMount[];
}

/** The engine over its API; see the module comment. Made by `openEngine` (engine.ts). */
export class ApiEngine implements Engine {
  readonly transport: string;
  private readonly modem: Modem;
  private readonly agent: Agent;
  /** The CLI, for a `create` without API form and for interactive attaching. */
  private readonly cli: CliEngine;

  /**
   * @param backend docker or podman.
   * @param endpoint where the API answers (engine-endpoint.ts).
   * @param cli the CLI engine of the same daemon (same environment).
   */
  constructor(readonly backend: Backend, readonly endpoint: EngineEndpoint, cli: CliEngine) {
    this.cli = cli;
    this.transport = `${backend} API at ${endpointUrl(endpoint)}`;
    const tls = endpoint.kind === 'tcp' && endpoint.tls;
    // servername '': no TLS server name to work out per request (Node's check of the host name
    // for an IP address costs ~10 ms at the first request); https keeps SNI
    this.agent = tls ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true, servername: '' } as ConstructorParameters<typeof Agent>[0]);
    const common = { agent: this.agent, host: undefined, socketPath: undefined } as const;
    if (endpoint.kind === 'unix') {
      this.modem = new Modem({ ...common, socketPath: endpoint.socketPath });
    } else if (endpoint.kind === 'tcp') {
      const certs = tls && endpoint.certPath
        ? { ca: readFileSync(join(endpoint.certPath, 'ca.pem')), cert: readFileSync(join(endpoint.certPath, 'cert.pem')), key: readFileSync(join(endpoint.certPath, 'key.pem')) }
        : {};
      this.modem = new Modem({ ...common, host: endpoint.host, port: endpoint.port, protocol: tls ? 'https' : 'http', ...certs });
    } else {
      // ssh: docker-modem runs the HTTP requests through an ssh2 connection (no agent of ours); the
      // placeholder URL it builds for them makes Node print a url.parse deprecation (DEP0170) on stderr
      process.noDeprecation = true;
      this.modem = new Modem({ host: endpoint.host, port: endpoint.port, username: endpoint.username, protocol: 'ssh', socketPath: undefined, sshOptions: { agent: process.env.SSH_AUTH_SOCK } });
    }
  }

  /** One API request; resolves with the parsed JSON (or the stream with `isStream`). */
  private call<T>(options: Modem.DialOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.modem.dial(options, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }

  /** Turns a transport failure into the one-line engine error the CLI engine would give. */
  private transportError(error: unknown): X11DockerError {
    const e = error as ApiError;
    const where = endpointUrl(this.endpoint);
    if (e.code === 'EACCES' || e.statusCode === 403) {
      return new X11DockerError(`${this.backend} refused access (${where}: ${apiMessage(e)}). Add your user to the docker group, or run x11docker with sudo.`, { cause: e });
    }
    if (e.statusCode === undefined) {
      return new X11DockerError(`${this.backend} does not answer at ${where} (${apiMessage(e)}). Start the engine (e.g. systemctl start ${this.backend}).`, { cause: e });
    }
    return new X11DockerError(`${this.backend} failed: ${apiMessage(e)}`, { cause: e });
  }

  /** @inheritdoc */
  async inspectImage(image: string): Promise<ImageConfig> {
    try {
      const json = await this.call<unknown>({ path: `/images/${encodeURIComponent(image)}/json`, method: 'GET', statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } });
      return imageConfigFromInspect(json, image);
    } catch (error) {
      if ((error as ApiError).statusCode === 404) throw new X11DockerError(`Image '${image}' not found locally. Build it, or pull it first: ${this.backend} pull ${image}`);
      if (error instanceof X11DockerError) throw error;
      throw this.transportError(error);
    }
  }

  /**
   * @inheritdoc
   * docker's `GET /info` takes ~20 ms (the daemon gathers much more than this), on the path to
   * the X server's start: its answer is kept per daemon in `~/.cache/x11docker/engine-info.json`
   * (mode 0600, only when that folder exists), keyed by the unix socket's path, inode and change
   * time. A daemon whose settings change (userns-remap, rootless, SELinux, cgroups) has been
   * restarted, and a restarted daemon makes a new socket, so a kept answer is never stale.
   */
  async security(): Promise<EngineSecurity> {
    if (this.backend === 'podman') return this.cli.security();
    const key = this.endpoint.kind === 'unix' ? socketIdentity(this.endpoint.socketPath) : undefined;
    const kept = key ? readEngineInfo()[key] : undefined;
    if (kept) return kept;
    try {
      const info = await this.call<{ SecurityOptions?: string[] | null; CgroupDriver?: string }>({ path: '/info', method: 'GET', statusCodes: { 200: true } });
      const options = info.SecurityOptions ?? [];
      const has = (name: string) => options.some((o) => o.split(',').includes(`name=${name}`));
      const security = { usernsRemap: has('userns'), rootless: has('rootless'), selinux: has('selinux'), noCgroups: info.CgroupDriver === 'none' };
      if (key) keepEngineInfo(key, security);
      return security;
    } catch {
      return { usernsRemap: false, rootless: false, selinux: false }; // the image look-up reports an engine that does not answer
    }
  }

  /** @inheritdoc */
  async create(args: readonly string[]): Promise<string> {
    const request = createBody(args);
    if (!request.ok) {
      log.info(`${this.backend} create through the CLI: ${request.reason} has no plain API form`);
      return this.cli.create(args);
    }
    try {
      const r = await this.call<{ Id: string }>({
        path: '/containers/create?',
        method: 'POST',
        options: { _query: request.name !== undefined ? { name: request.name } : {}, _body: request.body },
        statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such image', 409: 'conflict', 500: 'server error' },
      });
      return r.Id;
    } catch (error) {
      if ((error as ApiError).statusCode === undefined) throw this.transportError(error);
      throw new X11DockerError(`${this.backend} create failed: ${apiMessage(error)}`, { cause: error });
    }
  }

  /** @inheritdoc */
  async volumeOptions(name: string): Promise<{ driver: string; options: Record<string, string> } | undefined> {
    const v = await this.call<{ Driver?: string; Options?: Record<string, string> | null }>({ path: `/volumes/${encodeURIComponent(name)}`, method: 'GET', statusCodes: { 200: true, 404: 'no such volume' } }).catch((error: unknown) => {
      if ((error as ApiError).statusCode === 404) return undefined;
      throw this.transportError(error);
    });
    return v ? { driver: v.Driver ?? 'local', options: lowerKeys(v.Options ?? {}) } : undefined;
  }

  private async inspect(id: string): Promise<ContainerJson | undefined> {
    try {
      return await this.call<ContainerJson>({ path: `/containers/${encodeURIComponent(id)}/json`, method: 'GET', statusCodes: { 200: true, 404: 'no such container' } });
    } catch (error) {
      if ((error as ApiError).statusCode === 404) return undefined;
      throw this.transportError(error);
    }
  }

  /** @inheritdoc */
  async readFiles(id: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
    const readOne = async (path: string, depth = 0): Promise<string | undefined> => {
      let archive: Buffer;
      try {
        const res = await this.call<IncomingMessage>({ path: `/containers/${encodeURIComponent(id)}/archive?`, method: 'GET', options: { path }, isStream: true, statusCodes: { 200: true, 404: 'not found', 400: 'bad parameter' } });
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        archive = Buffer.concat(chunks);
      } catch {
        return undefined;
      }
      const entry = await firstEntryOfTar(archive);
      if (entry?.linkname !== undefined && depth < 5) {
        return readOne(entry.linkname.startsWith('/') ? entry.linkname : join(path, '..', entry.linkname), depth + 1);
      }
      return entry?.content;
    };
    return new Map(await Promise.all(paths.map(async (p) => [p, await readOne(p)] as const)));
  }

  /** @inheritdoc */
  async writeFiles(id: string, files: readonly ContainerFile[]): Promise<void> {
    try {
      await this.call({
        path: `/containers/${encodeURIComponent(id)}/archive?`,
        method: 'PUT',
        options: { path: '/', noOverwriteDirNonDir: true },
        file: await tarOf(files),
        headers: { 'Content-Type': 'application/x-tar' },
        statusCodes: { 200: true, 400: 'bad parameter', 403: 'read-only', 404: 'not found', 500: 'server error' },
      });
    } catch (error) {
      throw new X11DockerError(`${this.backend} could not copy x11docker's files into the container: ${apiMessage(error)}`, { cause: error });
    }
  }

  /** @inheritdoc */
  async mounts(id: string): Promise<InspectedMount[]> {
    const c = await this.inspect(id).catch((e: unknown) => e as Error);
    if (!c || c instanceof Error) {
      throw new X11DockerError(`${this.backend} container inspect failed (${c ? apiMessage(c) : 'no such container'}); x11docker does not write into a container whose mounts it cannot see.`);
    }
    return c.Mounts ?? [];
  }

  /**
   * Attaches to the container's output, asks for its next exit, then starts it (the order the
   * docker CLI's `start --attach` uses, so that no output and no exit is missed). A start that
   * fails is the engine's failure: `ended` rejects with its one-line reason.
   */
  startAttached(id: string, interactive: boolean, stdoutToStderr = false, output?: (chunk: Buffer) => void): AttachedContainer {
    if (interactive) return this.cli.startAttached(id, interactive, stdoutToStderr, output);
    const path = `/containers/${encodeURIComponent(id)}`;
    let running = true;
    const sink = (fd: 1 | 2) =>
      new Writable({
        write(chunk: Buffer, _enc, done) {
          if (output) {
            output(chunk);
            return done();
          }
          const target = fd === 1 && !stdoutToStderr ? process.stdout : process.stderr;
          if (target.write(chunk)) done();
          else target.once('drain', done);
        },
      });
    const startFailed = (error: unknown) =>
      new X11DockerError(`${this.backend} could not start the container: ${startFailure(apiMessage(error), '')}. Check the ${this.backend} run options after -- and the command.`, { cause: error });
    const ended = (async () => {
      // podman's attach already sets the container up (runc create): its failure is a failed start
      const stream = await this.call<IncomingMessage>({
        path: `${path}/attach?`,
        method: 'POST',
        options: { stream: true, stdout: true, stderr: true },
        isStream: true,
        statusCodes: { 101: true, 200: true, 400: 'bad parameter', 404: 'no such container', 409: 'conflict', 500: 'server error' },
      }).catch((error: unknown) => {
        throw (error as ApiError).statusCode === undefined ? this.transportError(error) : startFailed(error);
      });
      const streamEnded = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
      this.modem.demuxStream(stream, sink(1), sink(2));
      // the exit is asked for before the start (docker answers the headers once the wait is in
      // place); should it still be missed (an engine that answers later, a command that ended at
      // once), the state is read once the output has ended
      const waiting = this.call<IncomingMessage>({ path: `${path}/wait?`, method: 'POST', options: { condition: 'next-exit' }, isStream: true, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' } });
      const exit = waiting.then(async (res) => {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { StatusCode: number }).StatusCode;
      });
      exit.catch(() => undefined);
      await Promise.race([waiting.catch(() => undefined), new Promise((r) => setTimeout(r, 150).unref())]);
      try {
        await this.call({ path: `${path}/start?`, method: 'POST', statusCodes: { 204: true, 304: true, 404: 'no such container', 500: 'server error' } });
      } catch (error) {
        stream.destroy();
        throw (error as ApiError).statusCode === undefined ? this.transportError(error) : startFailed(error);
      }
      let exited = false;
      exit.then(() => (exited = true), () => undefined);
      const fromState = streamEnded.then(async () => {
        await new Promise((r) => setTimeout(r, 2000).unref());
        if (exited) return exit;
        const state = (await this.inspect(id).catch(() => undefined))?.State;
        return state && !state.Running && state.ExitCode !== undefined ? state.ExitCode : exit;
      });
      const code = await Promise.race([exit.catch(() => fromState), fromState]);
      // the output that was on its way when the command ended
      await Promise.race([streamEnded, new Promise((r) => setTimeout(r, 1000).unref())]);
      return code;
    })().finally(() => {
      running = false;
    });
    return { ended, running: () => running, heldStderr: () => '', flushStderr: () => undefined };
  }

  /** @inheritdoc */
  async runToEnd(id: string): Promise<{ exitCode: number; output: string }> {
    const chunks: Buffer[] = [];
    const attached = this.startAttached(id, false, false, (c) => chunks.push(c));
    const exitCode = await attached.ended.catch(() => 125);
    return { exitCode, output: Buffer.concat(chunks).toString('utf8') };
  }

  /** @inheritdoc */
  async neverStarted(id: string): Promise<boolean> {
    const c = await this.inspect(id).catch(() => undefined);
    return c?.State?.StartedAt?.startsWith('0001-01-01') ?? false;
  }

  /** @inheritdoc */
  async startError(id: string): Promise<string> {
    return ((await this.inspect(id).catch(() => undefined))?.State?.Error ?? '').trim();
  }

  /** @inheritdoc */
  async hostPid(id: string): Promise<number | undefined> {
    const pid = (await this.inspect(id).catch(() => undefined))?.State?.Pid;
    return pid && pid > 0 ? pid : undefined;
  }

  /** @inheritdoc */
  async stop(id: string, graceMs: number): Promise<void> {
    await this.call({ path: `/containers/${encodeURIComponent(id)}/stop?`, method: 'POST', options: { t: Math.max(1, Math.ceil(graceMs / 1000)) }, statusCodes: { 204: true, 304: true, 404: true } }).catch(() => undefined);
  }

  /** @inheritdoc */
  async remove(id: string, ended = false, timeoutMs = 5000, graceMs = 0): Promise<void> {
    if (!ended && graceMs > 0) await this.stop(id, graceMs);
    const gone = async () => {
      try {
        await this.call({ path: `/containers/${encodeURIComponent(id)}?`, method: 'DELETE', options: { force: true, v: true }, statusCodes: { 204: true, 404: true } });
        return true;
      } catch {
        return false; // 409: a removal is in progress (AutoRemove); asked again
      }
    };
    await waitUntil(gone, { what: `removal of container ${id.slice(0, 12)}`, timeoutMs, intervalMs: 25 }).catch(() => undefined);
  }

  /** @inheritdoc */
  async containers(label: string): Promise<EngineContainer[]> {
    const list = await this.call<{ Id: string; Labels?: Record<string, string> }[]>({
      path: '/containers/json?',
      method: 'GET',
      options: { all: true, filters: JSON.stringify({ label: [label] }) },
      statusCodes: { 200: true },
    });
    return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {} }));
  }

  /** @inheritdoc */
  async exists(id: string): Promise<boolean> {
    return (await this.inspect(id).catch(() => undefined)) !== undefined;
  }

  /** @inheritdoc */
  close(): void {
    this.agent.destroy();
  }
}

