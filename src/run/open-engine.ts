/** Opens the session's engine: its API where it has one, else its CLI (see engine.ts). */
import { findBinaries } from '../host/facts.js';
import { printable, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import type { Backend } from '../options/parse.js';
import { ApiEngine } from './engine-api.js';
import { CliEngine } from './engine-cli.js';
import { findEndpoint } from './engine-endpoint.js';
import { ENGINE_ENV_NAMES, type Engine } from './engine.js';

/**
 * The engine for `backend`: over its API socket when it has one (see engine-endpoint.ts) and its
 * CLI is installed too (for what the API engine leaves to it), else through its CLI. Says which
 * with `--verbose`.
 * @param recorded the engine-choosing variables of the session that made the containers (from
 *   its record, see engineEnvironment (engine.ts)): the engine is then that session's (e.g. a
 *   rootless daemon's socket), and those of {@link ENGINE_ENV_NAMES} the session had not set are
 *   unset. Undefined: x11docker's own environment.
 */
export function openEngine(backend: Backend, recorded?: Readonly<Record<string, string>>): Engine {
  const env = recorded ? { HOME: process.env.HOME, ...Object.fromEntries(ENGINE_ENV_NAMES.map((n) => [n, recorded[n]])) } : process.env;
  const transport = env.X11DOCKER_ENGINE_TRANSPORT;
  if (transport !== undefined && transport !== '' && transport !== 'cli' && transport !== 'api') {
    throw new X11DockerError(`X11DOCKER_ENGINE_TRANSPORT=${printable(transport)} is neither api nor cli. Unset it (the engine's API where it has one) or set it to cli.`);
  }
  const endpoint = findEndpoint(backend, env);
  // the API engine leaves some steps to the CLI (-i, create arguments without API form): without
  // the CLI binary, the CLI engine says so at once, before anything starts
  const noCli = findBinaries([backend], process.env.PATH ?? '').size === 0;
  const why =
    env.X11DOCKER_ENGINE_TRANSPORT === 'cli' ? 'X11DOCKER_ENGINE_TRANSPORT=cli' : noCli ? `no ${backend} binary in PATH` : endpoint.kind === 'none' ? endpoint.why : undefined;
  const cli = new CliEngine(backend, recorded, why ?? 'interactive attach and create arguments without API form');
  const engine = endpoint.kind === 'none' || why ? cli : new ApiEngine(backend, endpoint, cli);
  log.info(`engine: ${engine.transport}`);
  return engine;
}

