#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { guardProcess, reportError } from './fatal.js';
import { gatherHostFacts } from './host/facts.js';
import { log } from './log.js';
import { renderHelp } from './options/help.js';
import { parseCommandLine, type Options } from './options/parse.js';
import { imageNotFoundHint } from './options/persistence.js';
import { planSession } from './plan/plan.js';
import { Engine } from './run/engine.js';
import { Session } from './run/session.js';
import { runCleanup } from './run/cleanup.js';

/**
 * The package version, from the package.json above this file (dist/src/cli.js when built with
 * tsc, dist/x11docker.js when bundled).
 */
export function version(): string {
  for (const up of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'x11docker') return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

/**
 * x11docker's entry point: argv -> options -> host facts -> plan -> session.
 * Nothing is started before the plan is complete, so bad input leaves nothing behind.
 * @param argv arguments after the program name.
 * @returns the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    return reportError(error);
  }
  log.setVerbosity(options.verbosity);
  if (options.help) {
    process.stdout.write(renderHelp());
    return 0;
  }
  if (options.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (options.cleanup) return runCleanup(options.backend);
  try {
    if (options.gui !== undefined) return await (await import('./gui/main.js')).runGui(options.gui);
    const engine = new Engine(options.backend);
    // read-only look-ups, done concurrently
    const [facts, imageConfig, engineSecurity] = await Promise.all([
      gatherHostFacts(options),
      options.image ? engine.inspectImage(options.image).catch((e: unknown) => Promise.reject(imageNotFoundHint(e, options))) : undefined,
      options.image ? engine.security() : undefined,
    ]);
    const host = { ...facts, engine: engineSecurity };
    const plan = planSession(options, host, imageConfig);
    for (const n of plan.notes) log.note(n);
    for (const w of plan.warnings) log.warning(w);
    return await new Session(plan, host, engine).run();
  } catch (error) {
    return reportError(error);
  }
}

guardProcess();
// --debug shows the stack of an unexpected error, also one thrown before the options are read
if (process.argv.includes('--debug')) log.setVerbosity('debug');
process.exitCode = await main(process.argv.slice(2)).catch(reportError);
