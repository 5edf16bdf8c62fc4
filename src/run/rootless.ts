/**
 * Upstream's `--rootless[=yes|no]`: use (or disallow) a rootless container engine.
 *
 * Upstream 7.8.1 (`check_backend()`): without the option, docker is rootful unless DOCKER_HOST
 * names a socket in /run/user/, podman and nerdctl are rootless unless run as root. With
 * `--rootless` (=yes) and docker, DOCKER_HOST defaults to the host user's rootless daemon,
 * `/run/user/UID/docker.sock` (an error when that socket is missing: "Docker user daemon not
 * running?"); `--rootless=no` clears DOCKER_HOST, and is an error for podman and nerdctl unless
 * x11docker runs as root (their rootful mode). Here the same, plus: `--rootless=no` also sets
 * DOCKER_CONTEXT=default (a docker context could name a rootless daemon as well), and once the
 * engine answered, {@link checkRootlessEngine} refuses a session whose engine is not what was asked
 * for (upstream trusts the socket's path). A rootless engine weakens nothing: no warning.
 */
import { existsSync } from 'node:fs';
import { printable, X11DockerError } from '../errors.js';
import type { Backend } from '../options/parse.js';

/** What the engine's environment must change to for `--rootless`: variables to set, and to remove. */
export interface RootlessEnv {
  readonly set: Readonly<Record<string, string>>;
  readonly unset: readonly string[];
}

/** What {@link rootlessEngineEnv} looks at on the host. */
export interface RootlessHost {
  /** uid of the x11docker process. */
  readonly processUid: number;
  /** The host user's uid whose rootless daemon is meant (as root: SUDO_UID if set, else 0). */
  readonly userUid: number;
  /** Whether a path exists (the rootless daemon's socket). */
  readonly exists: (path: string) => boolean;
}

/**
 * The engine environment `--rootless[=yes|no]` asks for (pure apart from `host.exists`).
 * @param rootless `yes`, `no`, or undefined (no option: nothing changes).
 * @param backend the session's engine.
 * @param env the environment (DOCKER_HOST).
 * @throws X11DockerError (one line, exit 64) when the rootless docker socket is missing, DOCKER_HOST
 *   is no unix socket with `--rootless`, or podman/nerdctl cannot run as asked by this user.
 */
export function rootlessEngineEnv(rootless: 'yes' | 'no' | undefined, backend: Backend, env: NodeJS.ProcessEnv, host: RootlessHost): RootlessEnv {
  const none: RootlessEnv = { set: {}, unset: [] };
  if (rootless === undefined) return none;
  if (backend !== 'docker') {
    if (rootless === 'yes' && host.processUid === 0) {
      throw new X11DockerError(`Option --rootless with --backend=${backend}: x11docker runs as root, so ${backend} runs rootful. Run x11docker as your normal user for rootless ${backend}.`);
    }
    if (rootless === 'no' && host.processUid !== 0) {
      throw new X11DockerError(`Option --rootless=no with --backend=${backend}: rootful ${backend} needs root. Run x11docker as root, or leave out --rootless=no.`);
    }
    return none;
  }
  if (rootless === 'no') return { set: { DOCKER_CONTEXT: 'default' }, unset: ['DOCKER_HOST'] };
  // (trimmed as the docker CLI reads it)
  const given = env.DOCKER_HOST?.trim();
  if (given && !given.startsWith('unix://') && !given.startsWith('/')) {
    throw new X11DockerError(`Option --rootless: DOCKER_HOST=${printable(given)} is no local socket of a rootless docker daemon. Unset DOCKER_HOST (then /run/user/${host.userUid}/docker.sock is used) or point it to unix:///run/user/UID/docker.sock.`);
  }
  const socket = given ? given.replace(/^unix:\/\//, '') : `/run/user/${host.userUid}/docker.sock`;
  if (!host.exists(socket)) {
    throw new X11DockerError(
      `Option --rootless: no rootless docker daemon's socket at ${printable(socket)}. Is your docker user daemon running? Start it with systemctl --user start docker (or dockerd-rootless.sh), or set DOCKER_HOST to its socket.`,
    );
  }
  return { set: { DOCKER_HOST: `unix://${socket}` }, unset: [] };
}

/**
 * The host facts of {@link rootlessEngineEnv} for this process: as root, the rootless daemon of the
 * user who called sudo (SUDO_UID), as upstream's host user.
 */
export function rootlessHost(env: NodeJS.ProcessEnv = process.env): RootlessHost {
  const processUid = process.getuid?.() ?? 0;
  const sudoUid = processUid === 0 && env.SUDO_UID && /^\d+$/.test(env.SUDO_UID) ? Number(env.SUDO_UID) : undefined;
  return { processUid, userUid: sudoUid ?? processUid, exists: existsSync };
}

/**
 * Changes `env` (process.env) as {@link rootlessEngineEnv} says, before the engine is opened, so that
 * the engine, the `--xc` containers and the session's record (for `--cleanup`) all use that engine.
 */
export function applyRootlessEnv(change: RootlessEnv, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of change.unset) delete env[name];
  Object.assign(env, change.set);
}

/**
 * Refuses a session whose engine is not what `--rootless[=yes|no]` asked for, once its facts are
 * known (docker's `info` SecurityOptions `name=rootless`; podman: rootless when not run as root).
 * @param engineRootless the engine's answer; undefined when it gave no facts (then nothing is checked).
 */
export function checkRootlessEngine(rootless: 'yes' | 'no' | undefined, backend: Backend, engineRootless: boolean | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (rootless === undefined || engineRootless === undefined || (rootless === 'yes') === engineRootless) return;
  const where = backend === 'docker' ? ` (DOCKER_HOST=${printable(env.DOCKER_HOST ?? '')}${env.DOCKER_CONTEXT ? `, DOCKER_CONTEXT=${printable(env.DOCKER_CONTEXT)}` : ''})` : '';
  throw new X11DockerError(
    rootless === 'yes'
      ? `Option --rootless: the ${backend} engine${where} runs rootful, not rootless. Point DOCKER_HOST to your rootless daemon's socket, or leave out --rootless.`
      : `Option --rootless=no: the ${backend} engine${where} runs rootless. Use a rootful engine (as root, or in group docker), or leave out --rootless=no.`,
  );
}
