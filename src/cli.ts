#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { printable, X11DockerError } from './errors.js';
import { checkFactFiles, sessionFacts } from './session-facts.js';
import { guardProcess, reportError } from './fatal.js';
import { log, reportPlan } from './log.js';
import { renderHelp } from './options/help.js';
import { parseCommandLine, withoutOption, type Options } from './options/parse.js';
import { expandPresets } from './options/preset.js';
import { ownHome } from './host/user.js';
import { startParsed } from './api.js';
import { checkRemoteOptions, isRemoteHost } from './plan/remote.js';
import { engineAddress } from './run/engine-endpoint.js';
import { runCleanup } from './run/cleanup.js';
import { RECORD_FILE } from './run/registry.js';
import { join } from 'node:path';

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
 * The license text, from the LICENSE file of the package (next to package.json, see {@link version}).
 * @throws X11DockerError when the package has no LICENSE file (a broken installation).
 */
export function licenseText(): string {
  for (const up of ['../LICENSE', '../../LICENSE', '../../../LICENSE']) {
    try {
      return readFileSync(new URL(up, import.meta.url), 'utf8');
    } catch {
      // not at this level
    }
  }
  throw new X11DockerError('Option --license: the LICENSE file of the x11docker package is missing (MIT license); reinstall the package.');
}

/**
 * x11docker's entry point: argv -> options -> host facts -> plan -> session.
 * Nothing is started before the plan is complete, so bad input leaves nothing behind.
 * @param argv arguments after the program name.
 * @returns the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  let presets: string[] = [];
  try {
    // a lone -h is the help (upstream checks it before presets count)
    // the default preset is for sessions: --cleanup (the watcher's), --help, --version and --license work whatever it holds
    const end = argv.findIndex((a) => a === '--' || !a.startsWith('-'));
    const noDefault = argv.slice(0, end < 0 ? argv.length : end).some((a) => ['--cleanup', '--help', '--version', '--license', '--licence', '--completion', '--install', '--update', '--remove', '--password'].includes(a.split('=')[0]!));
    const expanded = argv.length === 1 && argv[0] === '-h' ? { args: [...argv], applied: [] } : expandPresets(argv, ownHome(), undefined, process.env, !noDefault);
    presets = expanded.applied;
    options = parseCommandLine(expanded.args);
  } catch (error) {
    return reportError(error);
  }
  log.setVerbosity(options.verbosity);
  for (const file of presets) log.info(`options from preset ${file}`);
  if (options.help) {
    process.stdout.write(renderHelp());
    return 0;
  }
  if (options.license) {
    try {
      process.stdout.write(licenseText());
    } catch (error) {
      return reportError(error);
    }
    return 0;
  }
  if (options.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (options.tool) {
    try {
      // loaded on demand: a session does not compile the installer, man page and completions
      const { runTool } = await import('./tool-commands.js');
      return await runTool(options.tool, version(), process.env, (text) => process.stdout.write(text));
    } catch (error) {
      return reportError(error);
    }
  }
  if (options.launcher) {
    try {
      const request = { argv: withoutOption(argv, 'launcher'), image: options.image, command: options.command, xserver: options.xserver, terminal: options.integration.interactive || options.integration.tty };
      const code = (await import('./tool-commands.js')).runLauncher(request, process.env, (text) => process.stdout.write(text));
      log.note('Option --launcher: the launcher is in your applications menu (x11docker under System); the session was not started.');
      return code;
    } catch (error) {
      return reportError(error);
    }
  }
  if (options.cleanup && options.kube) {
    try {
      return await (await import('./run/kube-session.js')).cleanupKube(options.kube);
    } catch (error) {
      return reportError(error);
    }
  }
  if (options.cleanup) return runCleanup(options.backend, options.cachebasedir);
  if (options.gui !== undefined) {
    try {
      return await (await import('./gui/main.js')).runGui(options.gui);
    } catch (error) {
      return reportError(error);
    }
  }
  if (options.kube && !options.kube.manifest) {
    // loaded on demand: @kubernetes/client-node is needed only here
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (!controller.signal.aborted) controller.abort(signal);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    try {
      return await (await import('./run/kube-session.js')).runKubeSession(options, controller.signal);
    } catch (error) {
      return reportError(error);
    } finally {
      for (const s of SIGNALS) process.off(s, onSignal);
    }
  }
  if (options.kube) {
    try {
      const { yaml, plan } = await (await import('./kube-manifest.js')).renderKubeManifest(options);
      reportPlan(plan);
      process.stdout.write(yaml);
      return 0;
    } catch (error) {
      return reportError(error);
    }
  }
  // signals end the session; the session undoes what it made and exits with 128 + the signal
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return; // already ending; the undo is under way
    log.info(`received ${signal}, ending the session`);
    controller.abort(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    checkFactFiles(options);
    // a remote engine (tcp://, ssh://): only --html or --xpra, with the whole display there (src/run/remote.ts)
    const address = engineAddress(options.backend, process.env);
    if (address !== undefined && isRemoteHost(address)) {
      checkRemoteOptions(options, address);
      const { planRemote, startRemoteSession } = await import('./run/remote.js');
      // the same notes and isolation warnings as a local session's (api.ts startParsed)
      const plan = await planRemote(options);
      reportPlan(plan);
      const remote = await startRemoteSession(options, plan, address, controller.signal);
      process.stdout.on('error', () => undefined);
      if (remote.url !== undefined) process.stdout.write(`HTML_URL=${remote.url}\n`);
      return await remote.exited;
    }
    const session = await startParsed(options, { signal: controller.signal });
    // stdout may be a pipe that its reader closes after one line (read Xenv < <(x11docker ...))
    process.stdout.on('error', () => undefined);
    const facts = sessionFacts(options, { ...session, infoFile: join(session.plan.sessionDir, RECORD_FILE) });
    for (const n of facts.notes) log.note(n);
    for (const line of facts.stdout) process.stdout.write(`${line}\n`);
    for (const f of facts.files) {
      try {
        writeFileSync(f.file, f.text, { mode: 0o600 });
      } catch (error) {
        await session.stop();
        throw new X11DockerError(`Option ${f.option}=FILE: cannot write ${printable(f.file)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the session was ended.`, { cause: error });
      }
    }
    if (session.htmlUrl) process.stdout.write(`HTML_URL=${session.htmlUrl}\n`);
    if (!session.plan.container && !session.plan.exe) log.note(`${session.description} Press Ctrl-C (or send SIGTERM to ${process.pid}) to end it.`);
    return await session.exited;
  } catch (error) {
    // a stop by a signal is no error to report: its exit code says it
    if (controller.signal.aborted && error instanceof X11DockerError) return error.exitCode;
    return reportError(error);
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/** The signals that end a session (Ctrl-C, kill, a closed terminal). */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

guardProcess();
// --debug shows the stack of an unexpected error, also one thrown before the options are read
if (process.argv.includes('--debug')) log.setVerbosity('debug');
process.exitCode = await main(process.argv.slice(2)).catch(reportError);
