/**
 * The container engine through its docker-compatible CLI, with argument arrays (docker, podman
 * and nerdctl share `image inspect`, `create`, `cp`, `start`, `rm`): for engines without an API
 * socket (nerdctl, podman without its service), and for what the API engine leaves to the CLI
 * (a terminal attached with `-i`, create arguments without a plain API form).
 */
import { posix } from 'node:path';
import { X11DockerError } from '../errors.js';
import type { EngineSecurity } from '../host/facts.js';
import type { Backend } from '../options/parse.js';
import { imageConfigFromInspect, type ImageConfig } from '../plan/image.js';
import type { InspectedMount } from '../plan/covered.js';
import { lowerKeys } from '../options/volume-opts.js';
import { ENGINE_ENV_NAMES, firstEntryOfTar, firstLine, selinuxEnforcing, startFailure, tarOf, type AttachedContainer, type ContainerFile, type Engine, type EngineContainer } from './engine.js';
import { run, start } from './spawn.js';
import { waitUntil } from './wait.js';

/** The engine through its CLI; see the module comment. Made by `openEngine` (engine.ts). */
export class CliEngine implements Engine {
  readonly transport: string;
  /** Environment for every engine CLI run (see the constructor); undefined: x11docker's own. */
  readonly env?: Readonly<Record<string, string | undefined>>;

  /**
   * @param backend the engine's CLI name.
   * @param recorded the engine-choosing variables of the session that made the containers (from
   *   its record, see {@link engineEnvironment}): the CLI then talks to that session's engine
   *   (e.g. a rootless daemon's socket), and those of {@link ENGINE_ENV_NAMES} the session had not
   *   set are unset. Undefined: x11docker's own environment.
   * @param why why the CLI is used, for the `--verbose` line.
   */
  constructor(readonly backend: Backend, recorded?: Readonly<Record<string, string>>, why = 'no API socket') {
    if (recorded) this.env = Object.fromEntries(ENGINE_ENV_NAMES.map((n) => [n, recorded[n]]));
    this.transport = `${backend} CLI (${why})`;
  }

  /** Runs the engine CLI with `args` (never throws for its exit status; `options` as execa's). */
  exec(args: readonly string[], options: Parameters<typeof run>[2] = {}) {
    return run(this.backend, args, { reject: false, ...options, ...(this.env ? { env: this.env } : {}) });
  }

  /**
   * Reads an image's configuration.
   * @throws X11DockerError when the engine is missing or does not answer, or the image is not there.
   */
  async inspectImage(image: string): Promise<ImageConfig> {
    const r = await this.cli(['image', 'inspect', '--', image]);
    if (r.exitCode !== 0) {
      const err = String(r.stderr);
      if (/no such (image|object)|image not known|not found/i.test(err)) {
        throw new X11DockerError(`Image '${image}' not found locally. Build it, or pull it first: ${this.backend} pull ${image}`);
      }
      throw this.engineError(err);
    }
    return imageConfigFromInspect(JSON.parse(String(r.stdout)), image);
  }

  /**
   * Creates a container.
   * @param args the full argument array after the CLI name (from containerCreateArgs).
   * @returns the container id.
   * @throws X11DockerError with the engine's message.
   */
  async create(args: readonly string[]): Promise<string> {
    const r = await this.cli(args);
    if (r.exitCode !== 0) throw new X11DockerError(`${this.backend} create failed: ${firstLine(String(r.stderr))}`);
    return String(r.stdout).trim().split('\n').at(-1)!;
  }

  /**
   * Reads regular files from a created container, one `cp CONTAINER:PATH -` (a tar stream) per
   * file, concurrently; a symbolic link is followed (absolute or relative, a few levels).
   * @param paths absolute paths.
   * @returns content per path; undefined where the file does not exist.
   */
  async readFiles(id: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
    const readOne = async (path: string, depth = 0): Promise<string | undefined> => {
      const r = await this.exec(['cp', `${id}:${path}`, '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
      if (r.exitCode !== 0) return undefined;
      const entry = await firstEntryOfTar(Buffer.from(r.stdout as Uint8Array));
      if (entry?.linkname !== undefined && depth < 5) {
        return readOne(entry.linkname.startsWith('/') ? entry.linkname : posix.join(posix.dirname(path), entry.linkname), depth + 1);
      }
      return entry?.content;
    };
    return new Map(await Promise.all(paths.map(async (p) => [p, await readOne(p)] as const)));
  }

  /**
   * Writes files and folders into a created container in one `cp - CONTAINER:/` (a tar stream),
   * keeping the owners and modes given.
   * @throws X11DockerError when the engine refuses.
   */
  async writeFiles(id: string, files: readonly ContainerFile[]): Promise<void> {
    const r = await this.exec(['cp', '-', `${id}:/`], { input: await tarOf(files) });
    if (r.exitCode !== 0) throw new X11DockerError(`${this.backend} cp into the container failed: ${firstLine(String(r.stderr))}`);
  }

  /**
   * Starts a created container attached to our stdout/stderr; resolves with the command's exit code.
   * The engine CLI's stderr passes through live, except when its first output looks like the
   * CLI's own error (`Error response from daemon: ...`, `Error: ...`): that is held back until
   * the container is seen started (then passed on) or the CLI has ended, so that a failed start
   * can be reported as one x11docker line instead (see {@link AttachedContainer.heldStderr}).
   * @param interactive also attach stdin (`--interactive`: -i, or -i among the raw options).
   * @param stdoutToStderr send the command's stdout to our stderr (stdout is reserved, --showenv).
   * @param output where the command's stdout and stderr go instead of ours (a front end that
   *   shows each session's output).
   */
  startAttached(id: string, interactive: boolean, stdoutToStderr = false, output?: (chunk: Buffer) => void): AttachedContainer {
    const child = start(this.backend, ['start', '--attach', ...(interactive ? ['--interactive'] : []), id], {
      stdin: interactive ? 'inherit' : 'ignore',
      stdout: output ? 'pipe' : stdoutToStderr ? 2 : 'inherit',
      stderr: 'pipe',
      buffer: false,
      ...(this.env ? { env: this.env } : {}),
    });
    if (output) child.stdout?.on('data', output);
    let held: Buffer[] | undefined;
    let passing = false;
    const pass = output ?? ((chunk: Buffer) => void process.stderr.write(chunk));
    const flush = () => {
      passing = true;
      for (const c of held?.splice(0) ?? []) pass(c);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      if (passing) return pass(chunk);
      if (held) return void held.push(chunk);
      if (!/^(Error response from daemon|Error):/.test(chunk.toString('utf8'))) {
        passing = true;
        return pass(chunk);
      }
      held = [chunk];
      // a container's own stderr may start like that too: pass it on once the container runs
      void this.neverStarted(id).then((never) => {
        if (!never && child.exitCode === null) flush();
      });
    });
    const heldStderr = () => Buffer.concat(held?.splice(0) ?? []).toString('utf8');
    let running = true;
    const ended = child
      .then(async (r) => {
        const code = r.exitCode ?? 1;
        // a failed start is the engine's failure (its reason), not the command's exit status
        if (code !== 0 && (await this.neverStarted(id))) {
          const reason = startFailure(await this.startError(id), heldStderr());
          throw new X11DockerError(`${this.backend} could not start the container: ${reason}. Check the ${this.backend} run options after -- and the command.`);
        }
        flush();
        return code;
      })
      .finally(() => {
        running = false;
      });
    return { ended, running: () => running && child.exitCode === null, heldStderr, flushStderr: flush };
  }

  /** Starts a created container attached and waits for its end; see {@link Engine.runToEnd}. */
  async runToEnd(id: string): Promise<{ exitCode: number; output: string }> {
    const r = await this.exec(['start', '--attach', id]);
    return { exitCode: r.exitCode ?? 125, output: `${String(r.stdout)}${String(r.stderr)}` };
  }

  /** Containers with `label`, by `ps --filter`; see {@link Engine.containers}. */
  async containers(label: string): Promise<EngineContainer[]> {
    const r = await this.cli(['ps', '-a', '--no-trunc', '--filter', `label=${label}`, '--format', '{{json .Labels}}\t{{.ID}}']);
    if (r.exitCode !== 0) throw new X11DockerError(`${this.backend} ps failed: ${firstLine(String(r.stderr))}`);
    return String(r.stdout)
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [labels, id] = line.split('\t') as [string, string];
        return { id, labels: parseLabels(labels) };
      });
  }

  /** Whether a container exists (`container inspect`). */
  async exists(id: string): Promise<boolean> {
    return (await this.exec(['container', 'inspect', '--format', '{{.Id}}', id]).catch(() => undefined))?.exitCode === 0;
  }

  /** Nothing to let go of: each call is its own process. */
  close(): void {}

  /**
   * A created container's mounts as the engine reports them (`container inspect` `.Mounts`).
   * @throws X11DockerError when they cannot be read: x11docker does not write into a container
   *   whose mounts it cannot see.
   */
  async mounts(id: string): Promise<InspectedMount[]> {
    const r = await this.cli(['container', 'inspect', '--format', '{{json .Mounts}}', id]);
    try {
      if (r.exitCode !== 0) throw new Error(String(r.stderr).trim());
      return (JSON.parse(String(r.stdout)) as InspectedMount[] | null) ?? [];
    } catch (error) {
      throw new X11DockerError(`${this.backend} container inspect failed (${(error as Error).message.split('\n')[0]}); x11docker does not write into a container whose mounts it cannot see.`, { cause: error });
    }
  }

  /** @inheritdoc */
  async volumeOptions(name: string): Promise<{ driver: string; options: Record<string, string> } | undefined> {
    const r = await this.cli(['volume', 'inspect', '--format', '{{json .Driver}} {{json .Options}}', name]);
    if (r.exitCode !== 0) return undefined; // no such volume
    const [driver, options] = String(r.stdout).trim().split(/ (.*)/s) as [string, string | undefined];
    return { driver: (JSON.parse(driver || '""') as string) || 'local', options: lowerKeys((JSON.parse(options || 'null') as Record<string, string> | null) ?? {}) };
  }

  /**
   * Whether a container exists but was never started (so a failed `start` was the engine's
   * failure, not the command's exit status). Needs a container without `--rm`: docker and podman
   * delete a `--rm` container whose start failed at once.
   */
  async neverStarted(id: string): Promise<boolean> {
    const r = await this.cli(['container', 'inspect', '--format', '{{.State.StartedAt}}', id]);
    return r.exitCode === 0 && String(r.stdout).startsWith('0001-01-01');
  }

  /**
   * The engine's reason why a container could not start (`.State.Error`, as docker and podman
   * record it); '' when there is none.
   */
  async startError(id: string): Promise<string> {
    const r = await this.cli(['container', 'inspect', '--format', '{{.State.Error}}', id]);
    return r.exitCode === 0 ? String(r.stdout).trim() : '';
  }

  /** The host PID of a running container's PID 1 (`.State.Pid`); undefined when not running. Never throws. */
  async hostPid(id: string): Promise<number | undefined> {
    const r = await this.cli(['container', 'inspect', '--format', '{{.State.Pid}}', id]).catch(() => undefined);
    const pid = r?.exitCode === 0 ? Number(String(r.stdout).trim()) : 0;
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /**
   * Removes a container with its anonymous volumes (`rm --volumes`, as `docker run --rm` does)
   * and waits until the engine no longer lists it, at most `timeoutMs`. A running container
   * first gets `graceMs` to end on its own: `stop` sends the image's stop signal (SIGTERM; tini
   * passes it on to the command), so an application can save its data, as with `docker stop`.
   * When its command has already ended, the engine's own `--rm` removal is awaited first and
   * `rm --force` is only the fallback (with podman it always runs). Never throws: a container
   * that is already gone is fine.
   * @param ended true when the attached command has ended (a `--rm` container removes itself).
   * @param timeoutMs how long to wait for the removal, in ms.
   * @param graceMs time for the command to end after SIGTERM before it is killed, in ms (0: kill at once).
   */
  async remove(id: string, ended = false, timeoutMs = 5000, graceMs = 0): Promise<void> {
    const gone = async () => (await this.cli(['container', 'inspect', '--format', '{{.Id}}', id])).exitCode !== 0;
    if (!ended && graceMs > 0) await this.stop(id, graceMs);
    // podman's session containers have no --rm (plan.ts containerCreateArgs): removed here even when ended
    if (!ended || this.backend === 'podman') await this.cli(['rm', '--force', '--volumes', id]);
    // the engine's own removal first; after half the time, rm --force again
    const half = Date.now() + timeoutMs / 2;
    const removed = async () => (Date.now() > half && (await this.cli(['rm', '--force', '--volumes', id])), await gone());
    await waitUntil(removed, { what: `removal of container ${id.slice(0, 12)}`, timeoutMs, intervalMs: 25 }).catch(() => undefined);
  }

  /**
   * Stops a running container as `docker stop` does: its stop signal (SIGTERM; tini passes it on
   * to the command), then SIGKILL after `graceMs`. Never throws (a container that has ended or
   * is gone is fine).
   * @param graceMs time for the command to end, in ms (rounded up to whole seconds, at least 1).
   */
  async stop(id: string, graceMs: number): Promise<void> {
    await this.cli(['stop', `--time=${Math.max(1, Math.ceil(graceMs / 1000))}`, id]);
  }

  /**
   * How the engine isolates containers, as far as x11docker's set-up depends on it (see
   * {@link EngineSecurity}). docker and nerdctl: `info` SecurityOptions (`name=userns`,
   * `name=rootless`, `name=selinux`) and CgroupDriver (`none`: no cgroups); podman: rootless
   * when x11docker is not root (podman runs as the invoking user), SELinux when the host
   * enforces it (podman labels containers then).
   * Never throws: an engine that does not answer gives no facts (the image look-up reports it).
   */
  async security(): Promise<EngineSecurity> {
    if (this.backend === 'podman') {
      return { usernsRemap: false, rootless: (process.getuid?.() ?? 0) !== 0, selinux: selinuxEnforcing() };
    }
    const r = await this.exec(['info', '--format', '{"options":{{json .SecurityOptions}},"cgroups":{{json .CgroupDriver}}}']).catch(() => undefined);
    let info: { options?: string[] | null; cgroups?: string } = {};
    try {
      info = r?.exitCode === 0 ? (JSON.parse(String(r.stdout)) as typeof info) : {};
    } catch {
      // not JSON: no facts
    }
    const options = info.options ?? [];
    const has = (name: string) => options.some((o) => o.split(',').includes(`name=${name}`));
    return { usernsRemap: has('userns'), rootless: has('rootless'), selinux: has('selinux'), noCgroups: info.cgroups === 'none' };
  }

  private async cli(args: readonly string[]) {
    const r = await this.exec(args);
    if (r.exitCode === undefined) {
      throw new X11DockerError(`Container engine '${this.backend}' could not be run (${r.code ?? r.shortMessage}). Install it (apt-get install ${this.backend === 'docker' ? 'docker.io' : this.backend}) or choose another --backend.`, { cause: r });
    }
    return r;
  }

  private engineError(stderr: string): X11DockerError {
    if (/permission denied/i.test(stderr)) {
      return new X11DockerError(`${this.backend} refused access (${firstLine(stderr)}). Add your user to the docker group, or run x11docker with sudo.`);
    }
    if (/cannot connect|is the docker daemon running|connection refused/i.test(stderr)) {
      return new X11DockerError(`${this.backend} does not answer (${firstLine(stderr)}) Start the engine (e.g. systemctl start docker).`);
    }
    return new X11DockerError(`${this.backend} failed: ${firstLine(stderr)}`);
  }
}


/**
 * The labels as `ps --format '{{json .Labels}}'` prints them: docker a `"k=v,k=v"` string,
 * podman a JSON object.
 */
function parseLabels(json: string): Record<string, string> {
  try {
    const v = JSON.parse(json) as unknown;
    if (v && typeof v === 'object') return v as Record<string, string>;
    if (typeof v === 'string') return Object.fromEntries(v.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  } catch {
    // not JSON
  }
  return {};
}
