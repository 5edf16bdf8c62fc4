/**
 * Where the engine's API socket is, found as the engine's own CLI finds it, so that x11docker
 * talks to the same daemon that `docker` or `podman` in the same shell would:
 * - docker: `DOCKER_HOST` (`unix://`, `tcp://`, `ssh://` with an ssh-agent), else the context named by
 *   `DOCKER_CONTEXT` or by `currentContext` in `$DOCKER_CONFIG/config.json` (its endpoint in
 *   `contexts/meta/<sha256 of the name>/meta.json`, as docker/cli's context store keeps it), else
 *   `/var/run/docker.sock`;
 * - podman: `CONTAINER_HOST` (`unix://`), else the service socket of `podman system service`
 *   (`$XDG_RUNTIME_DIR/podman/podman.sock` without root, `/run/podman/podman.sock` as root), when
 *   that socket exists;
 * - nerdctl: none (it has no API socket).
 * Nothing here connects; the engine says at its first call whether it answers.
 */
import { createHash } from 'node:crypto';
import { printable, X11DockerError } from '../errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../options/parse.js';

/** An engine API endpoint. */
export type EngineEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean; readonly certPath?: string }
  | { readonly kind: 'ssh'; readonly host: string; readonly port?: number; readonly username?: string };

/** Why there is no API endpoint, for the `--verbose` line (the CLI is used then). */
export type NoEndpoint = { readonly kind: 'none'; readonly why: string };

/** The endpoint as a URL for messages: `unix:///var/run/docker.sock`, `tcp://h:2376`, `ssh://u@h`. */
export function endpointUrl(e: EngineEndpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`;
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`;
  return `ssh://${e.username ? `${e.username}@` : ''}${e.host}${e.port ? `:${e.port}` : ''}`;
}

/**
 * Reads a `DOCKER_HOST`-style address (docker/cli opts/hosts.go ParseHost: `unix://PATH`,
 * `tcp://HOST:PORT`, `HOST:PORT`, `ssh://[USER@]HOST[:PORT]`; tcp's port defaults to 2376 with
 * TLS, else 2375).
 * @returns the endpoint, or a reason when the address cannot be used over the API (npipe, fd).
 */
export function parseHost(value: string, env: Readonly<Record<string, string | undefined>>): EngineEndpoint | NoEndpoint {
  if (value.startsWith('unix://')) return { kind: 'unix', socketPath: value.slice('unix://'.length) || '/var/run/docker.sock' };
  const withScheme = /^[a-z]+:\/\//.test(value) ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { kind: 'none', why: `DOCKER_HOST ${value} is no address x11docker can read` };
  }
  if (url.protocol === 'ssh:') return { kind: 'ssh', host: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), ...(url.username ? { username: decodeURIComponent(url.username) } : {}) };
  if (url.protocol !== 'tcp:') return { kind: 'none', why: `${url.protocol}// addresses are left to the CLI` };
  const tls = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
  return { kind: 'tcp', host: url.hostname, port, tls: tls || port === 2376, ...(env.DOCKER_CERT_PATH ? { certPath: env.DOCKER_CERT_PATH } : {}) };
}

/**
 * An engine-choosing variable (`DOCKER_HOST`, `CONTAINER_HOST`) as the engine's CLI reads it:
 * without white space around it (docker/cli opts ParseHost trims it with strings.TrimSpace), an
 * empty value counting as unset.
 * @param name the variable's name, for the message.
 * @returns the trimmed value, or undefined when unset or blank.
 * @throws X11DockerError (exit 64, one line) for a scheme other than tcp, unix, ssh, npipe and fd
 *   (e.g. `TCP://`), and when the value holds a control character (a newline,
 *   a tab inside it, ...): no CLI would reach an engine with it, and a session must not fall back to
 *   the local one.
 */
export function hostVariable(env: Readonly<Record<string, string | undefined>>, name: 'DOCKER_HOST' | 'CONTAINER_HOST'): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  // (C0 controls and DEL; the trim above removed those at either end that are white space)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new X11DockerError(`${name}='${printable(value)}' holds a control character. Set it to one address without line breaks or tabs, e.g. ${name}=tcp://HOST:2375, or unset it.`);
  // the CLIs know these schemes, in lower case only (docker/cli opts ParseHost: "invalid bind address format"); another one
  // would otherwise be read as a host name (TCP://h:1 -> tcp://TCP:2375)
  const scheme = /^([^:/]*):\/\//.exec(value)?.[1];
  if (scheme !== undefined && !['tcp', 'unix', 'ssh', 'npipe', 'fd'].includes(scheme)) {
    throw new X11DockerError(`${name}='${printable(value)}': the engine's CLI does not know the scheme '${printable(scheme)}'. Use tcp://, ssh:// or unix:// (lower case), or unset ${name}.`);
  }
  return value;
}

/**
 * The docker context's endpoint (`DOCKER_CONTEXT`, else `currentContext` of config.json);
 * undefined for the default context or when none is set.
 * @throws X11DockerError for a context name that has no context (as the docker CLI refuses it).
 */
function dockerContextHost(env: Readonly<Record<string, string | undefined>>): string | undefined {
  let home = env.HOME;
  try {
    home ||= homedir();
  } catch {
    // no HOME and no passwd entry: no docker config either
  }
  const configDir = env.DOCKER_CONFIG || (home ? join(home, '.docker') : undefined);
  if (!configDir) return undefined;
  let name = env.DOCKER_CONTEXT;
  const from = name ? 'DOCKER_CONTEXT' : `currentContext in ${join(configDir, 'config.json')}`;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      return undefined;
    }
  }
  if (!name || name === 'default') return undefined;
  const meta = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json');
  let text: string;
  try {
    text = readFileSync(meta, 'utf8');
  } catch {
    // as the docker CLI: a context that does not exist is an error, never the default daemon
    throw new X11DockerError(`Docker context '${printable(name)}' (${from}) does not exist. See 'docker context ls', or choose another context.`);
  }
  try {
    const host = (JSON.parse(text) as { Endpoints?: { docker?: { Host?: string } } }).Endpoints?.docker?.Host;
    return typeof host === 'string' ? host.trim() || undefined : undefined;
  } catch (error) {
    throw new X11DockerError(`Docker context '${printable(name)}' (${from}): ${meta} is not valid JSON. Recreate the context with 'docker context create'.`, { cause: error });
  }
}

/**
 * The API endpoint of `backend` as its CLI would use it in environment `env`.
 * @param env the engine-choosing variables (x11docker's environment, or a session record's).
 * @param uid the user x11docker runs as (root uses podman's system socket).
 * @returns the endpoint, or why there is none (the CLI is used then).
 */
export function findEndpoint(backend: Backend, env: Readonly<Record<string, string | undefined>>, uid = process.getuid?.() ?? 0): EngineEndpoint | NoEndpoint {
  if (backend === 'docker') {
    const host = hostVariable(env, 'DOCKER_HOST') ?? dockerContextHost(env);
    const e = host ? parseHost(host, env) : { kind: 'unix' as const, socketPath: '/var/run/docker.sock' };
    // docker-modem's ssh (ssh2) authenticates only through an agent; the docker CLI runs ssh itself
    // with the user's keys and ~/.ssh/config
    if (e.kind === 'ssh' && !env.SSH_AUTH_SOCK) return { kind: 'none', why: `${host} without an ssh-agent (SSH_AUTH_SOCK) is left to the docker CLI, which uses your ssh keys` };
    return e;
  }
  if (backend === 'podman') {
    const containerHost = hostVariable(env, 'CONTAINER_HOST');
    if (containerHost) {
      const e = parseHost(containerHost, env);
      return e.kind === 'unix' ? e : { kind: 'none', why: `CONTAINER_HOST ${containerHost} is left to the podman CLI` };
    }
    const socket = uid === 0 ? '/run/podman/podman.sock' : env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock') : undefined;
    if (socket && existsSync(socket)) return { kind: 'unix', socketPath: socket };
    return { kind: 'none', why: `no podman API socket${socket ? ` at ${socket}` : ''} (start it with: systemctl ${uid === 0 ? '' : '--user '}start podman.socket)` };
  }
  return { kind: 'none', why: `${backend} has no API socket` };
}

/**
 * The engine's address as its CLI would use it, for telling a remote engine (src/plan/remote.ts):
 * docker's `DOCKER_HOST`, else the docker context's endpoint; podman's `CONTAINER_HOST`.
 * @param env x11docker's environment.
 * @returns the address (`tcp://...`, `ssh://...`, `unix://...`) without surrounding white space
 *   (as the CLI trims it), or undefined for the local default.
 * @throws X11DockerError for a docker context that does not exist, and for a `DOCKER_HOST` or
 *   `CONTAINER_HOST` with a control character ({@link hostVariable}).
 */
export function engineAddress(backend: Backend, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (backend === 'docker') return hostVariable(env, 'DOCKER_HOST') ?? dockerContextHost(env);
  if (backend === 'podman') return hostVariable(env, 'CONTAINER_HOST');
  return undefined;
}
