#!/usr/bin/env node
/**
 * `x11docker-gui [ADDRESS[:PORT]|PORT]`: the same as `x11docker --gui[=ADDRESS[:PORT]]`.
 */
import { EXIT_X11DOCKER_ERROR, formatError, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { runGui } from './main.js';

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write('Usage: x11docker-gui [ADDRESS[:PORT]|PORT]\nA local web page to compose and run x11docker commands. Default: 127.0.0.1 on a free port.\n');
} else {
  try {
    process.exitCode = await runGui(arg);
  } catch (error) {
    log.error(formatError(error, { debug: log.debugging }));
    process.exitCode = error instanceof X11DockerError ? error.exitCode : EXIT_X11DOCKER_ERROR;
  }
}
