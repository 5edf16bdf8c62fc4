#!/usr/bin/env node
/**
 * `x11docker-gui [ADDRESS[:PORT]|PORT]`: the same as `x11docker --gui[=ADDRESS[:PORT]]`.
 */
import { guardProcess, reportError } from '../fatal.js';
import { runGui } from './main.js';

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write('Usage: x11docker-gui [ADDRESS[:PORT]|PORT]\nA local web page to compose and run x11docker commands. Default: 127.0.0.1 on a free port.\n');
} else {
  guardProcess();
  process.exitCode = await runGui(arg).catch(reportError);
}
