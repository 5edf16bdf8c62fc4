/**
 * The container engine as the run layer sees it: one {@link Engine} interface, two
 * implementations. `openEngine` (open-engine.ts) picks the engine's API socket where there is one
 * (engine-api.ts: docker, podman's service) and its CLI otherwise (engine-cli.ts: nerdctl,
 * podman without its service, or `X11DOCKER_ENGINE_TRANSPORT=cli`), and says which with
 * `--verbose`. Both speak for the same daemon: the one the engine's own CLI would use in the same
 * environment (`DOCKER_HOST`, the docker context, ...).
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { printable } from '../errors.js';
import type { EngineSecurity } from '../host/facts.js';
import type { Backend } from '../options/parse.js';
import type { InspectedMount } from '../plan/covered.js';
import type { ImageConfig } from '../plan/image.js';
import type { RootfsEntry } from '../plan/rootfs.js';

/** A file or folder to put into a container before it starts. */
export type ContainerFile = RootfsEntry;

/**
 * Environment variables that choose which engine (daemon, socket, context, storage) the engine
 * talks to: docker (`DOCKER_HOST`, e.g. a rootless daemon's `unix:///run/user/UID/docker.sock`,
 * `DOCKER_CONTEXT`, ...), podman (`CONTAINER_HOST`, `CONTAINERS_*`, `XDG_RUNTIME_DIR`,
 * `XDG_DATA_HOME`, `XDG_CONFIG_HOME`) and nerdctl (`CONTAINERD_*`, `NERDCTL_TOML`).
 */
export const ENGINE_ENV_NAMES = [
  'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_API_VERSION',
  'CONTAINER_HOST', 'CONTAINER_CONNECTION', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF', 'CONTAINERS_REGISTRIES_CONF',
  'CONTAINERD_ADDRESS', 'CONTAINERD_NAMESPACE', 'NERDCTL_TOML', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME',
  'X11DOCKER_ENGINE_TRANSPORT', 'SSH_AUTH_SOCK',
] as const;

/** The engine-choosing variables ({@link ENGINE_ENV_NAMES}) that are set in `env`. */
export function engineEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(ENGINE_ENV_NAMES.filter((n) => env[n] !== undefined).map((n) => [n, env[n]!]));
}

/** A container as the engine lists it. */
export interface EngineContainer {
  /** Full container id. */
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A container started with {@link Engine.startAttached}. */
export interface AttachedContainer {
  /**
   * Resolves with the command's exit code when it ends; rejects with an X11DockerError when the
   * engine could not start the container at all (its one-line reason, see {@link startFailure}).
   */
  readonly ended: Promise<number>;
  /** Whether the command may still run (false once `ended` settled). */
  running(): boolean;
  /** Takes the engine CLI's error output that was held back; '' when none (always with the API). */
  heldStderr(): string;
  /** Writes the held-back output to stderr and passes all further output through. */
  flushStderr(): void;
}

/**
 * The container engine: what a session does with containers. Every method takes container ids
 * (never names another container may carry). Implementations: engine-api.ts, engine-cli.ts.
 */
export interface Engine {
  /** The engine's name: `docker`, `podman`, `nerdctl`. */
  readonly backend: Backend;
  /** How x11docker talks to it, for `--verbose`: `docker API at unix:///var/run/docker.sock`, `podman CLI (...)`. */
  readonly transport: string;
  /**
   * Reads an image's configuration.
   * @throws X11DockerError when the engine does not answer or refuses access, or the image is not there.
   */
  inspectImage(image: string): Promise<ImageConfig>;
  /**
   * How the engine isolates containers, as far as x11docker's set-up depends on it (see
   * {@link EngineSecurity}): docker's `info` SecurityOptions (`name=userns`, `name=rootless`,
   * `name=selinux`) and CgroupDriver (`none`); podman: rootless when x11docker is not root,
   * SELinux when the host enforces it. Never throws: an engine that does not answer gives no facts.
   */
  security(): Promise<EngineSecurity>;
  /**
   * Creates a container.
   * @param args `['create', ...flags, '--', IMAGE, ...COMMAND]` (plan.ts containerCreateArgs).
   * @returns the container id.
   * @throws X11DockerError with the engine's message.
   */
  create(args: readonly string[]): Promise<string>;
  /**
   * Reads regular files from a created container, concurrently; a symbolic link is followed
   * (absolute or relative, a few levels).
   * @param paths absolute paths.
   * @returns content per path; undefined where the file does not exist.
   */
  readFiles(id: string, paths: readonly string[]): Promise<Map<string, string | undefined>>;
  /**
   * Writes files and folders into a created container as one tar archive, keeping the owners and
   * modes given (as `docker cp - ID:/` does).
   * @throws X11DockerError when the engine refuses.
   */
  writeFiles(id: string, files: readonly ContainerFile[]): Promise<void>;
  /**
   * A created container's mounts as the engine reports them (`.Mounts` of its inspection).
   * @throws X11DockerError when they cannot be read: x11docker does not write into a container
   *   whose mounts it cannot see.
   */
  mounts(id: string): Promise<InspectedMount[]>;

  /**
   * A named volume's driver and driver options (`docker volume inspect` .Driver, .Options): the
   * local driver's `type`, `o` and `device` decide what it mounts (src/options/volume-opts.ts;
   * `docker volume create -o type=none -o o=bind -o device=/ NAME` is a bind of / in disguise).
   * Undefined for a volume that does not exist.
   * @param name the volume's name.
   */
  volumeOptions(name: string): Promise<{ readonly driver: string; readonly options: Readonly<Record<string, string>> } | undefined>;
  /**
   * Starts a created container attached to our stdout/stderr.
   * @param interactive also attach stdin (`-i`).
   * @param stdoutToStderr send the command's stdout to our stderr (stdout is reserved: --showenv, --html).
   * @param output where the command's stdout and stderr go instead of ours (a front end that
   *   shows each session's output).
   */
  startAttached(id: string, interactive: boolean, stdoutToStderr?: boolean, output?: (chunk: Buffer) => void): AttachedContainer;
  /**
   * Starts a created container and waits for its end (a short helper container).
   * @returns its exit code (125 when the engine could not start it) and its output.
   */
  runToEnd(id: string): Promise<{ exitCode: number; output: string }>;
  /** Whether a created container was never started. */
  neverStarted(id: string): Promise<boolean>;
  /** The engine's recorded reason why a container could not start (`.State.Error`); '' when none. */
  startError(id: string): Promise<string>;
  /**
   * The host PID of a running container's PID 1 (`.State.Pid`, as `docker inspect` shows it;
   * for a rootless daemon the PID in the daemon's namespace, which is the host's unless it runs
   * with a PID namespace of its own). Never throws.
   * @returns the PID, or undefined when the container is not running or the engine does not answer.
   */
  hostPid(id: string): Promise<number | undefined>;
  /**
   * Stops a running container as `docker stop` does: its stop signal (SIGTERM; tini passes it on
   * to the command), then SIGKILL after `graceMs`. Never throws.
   * @param graceMs time for the command to end, in ms (rounded up to whole seconds, at least 1).
   */
  stop(id: string, graceMs: number): Promise<void>;
  /**
   * Removes a container with its anonymous volumes (as `docker run --rm` does) and waits until it
   * is gone, at most `timeoutMs`. A running container first gets `graceMs` to end after its stop
   * signal. Never throws: a container that is already gone is fine.
   * @param ended true when the attached command has ended.
   * @param timeoutMs how long to wait for the removal, in ms.
   * @param graceMs time for the command to end after SIGTERM before it is killed, in ms (0: kill at once).
   */
  remove(id: string, ended?: boolean, timeoutMs?: number, graceMs?: number): Promise<void>;
  /**
   * Containers (any state) that carry `label` (`NAME` or `NAME=VALUE`).
   * @throws when the engine does not answer.
   */
  containers(label: string): Promise<EngineContainer[]>;
  /** Whether a container exists. */
  exists(id: string): Promise<boolean>;
  /** Lets go of connections kept for reuse (the API engine's keep-alive socket). */
  close(): void;
}

/** Whether SELinux is enforcing on this host (`/sys/fs/selinux/enforce` is `1`). */
export function selinuxEnforcing(): boolean {
  try {
    return readFileSync('/sys/fs/selinux/enforce', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** The engine's most telling stderr line: the first non-empty one, trimmed (usage hints and usage text follow it); '' when none. */
export function firstLine(text: string): string {
  return text.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** Segments of engine error chains that say nothing about the cause. */
const ENGINE_ERROR_NOISE = /^(Error response from daemon|Error|failed to create task for container|failed to create shim task|OCI runtime create failed|OCI runtime error|runc create failed|runc|crun|preparing container [0-9a-f]+ for attach|unable to start container process|unable to start container "?[0-9a-f]+"?|failed to start containers|[0-9a-f]{12,64}|unknown)$/i;

/**
 * The cause of a failed container start for a one-line message: the engine's recorded
 * `.State.Error` (or the API's error message), else its CLI's first error line; boilerplate
 * segments of the `a: b: c` chain dropped, control characters escaped and cut at 160 characters
 * (printable).
 */
export function startFailure(stateError: string, cliStderr: string): string {
  const text = stateError.trim() || (cliStderr.trim().split('\n').find((l) => l.trim() !== '') ?? '');
  const parts = text.split(/:\s+/).filter((p) => !ENGINE_ERROR_NOISE.test(p.trim()));
  return printable(parts.join(': ') || text || 'no reason given', 160);
}

/**
 * The files as one tar archive (owners and modes as given; folders for entries without content).
 * @returns the archive's bytes.
 */
export async function tarOf(files: readonly ContainerFile[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) {
    const header = { name: f.path.replace(/^\/+/, ''), mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date() };
    if (f.content === undefined) pack.entry({ ...header, type: 'directory' });
    else pack.entry(header, f.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The first entry of a tar archive: a regular file's content, or a symbolic link's target. */
export async function firstEntryOfTar(archive: Buffer): Promise<{ content?: string; linkname?: string } | undefined> {
  const extract = tar.extract();
  let found: { content?: string; linkname?: string } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (!found && header.type === 'file') found = { content: Buffer.concat(chunks).toString('utf8') };
        if (!found && header.type === 'symlink' && header.linkname) found = { linkname: header.linkname };
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([archive]).pipe(extract);
  await done;
  return found;
}
