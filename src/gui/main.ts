import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { isLoopback, literalHost } from '../options/html.js';
import { findBinaries } from '../host/facts.js';
import { start } from '../run/spawn.js';
import { startGui } from './server.js';

/**
 * Parses the listening address of `x11docker-gui [ADDR[:PORT]|PORT]` and `x11docker --gui[=...]`.
 * @param value e.g. undefined, `8080`, `127.0.0.1:8080`, `0.0.0.0`, `[::1]:8080`; `localhost` is
 *   taken as `127.0.0.1` (see {@link literalHost}).
 * @throws X11DockerError naming --gui and the expected form.
 */
export function parseGuiAddress(value: string | undefined): { host: string; port?: number } {
  if (value === undefined || value === '') return { host: '127.0.0.1' };
  const m = /^(?:(\d{1,5})|(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost)(?::(\d{1,5}))?)$/i.exec(value);
  const port = m?.[1] ?? m?.[3];
  if (!m || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new X11DockerError(`Option --gui needs ADDRESS, ADDRESS:PORT or PORT (got '${value.slice(0, 80)}'), e.g. --gui=127.0.0.1:8080.`);
  }
  return { host: literalHost(m[2]), port: port !== undefined ? Number(port) : undefined };
}

/**
 * Runs x11docker-gui until SIGINT/SIGTERM/SIGHUP: prints the URL with its token on stdout (and a
 * new one-time URL on each SIGUSR1, for a browser whose cookie was evicted), opens
 * it with `xdg-open` when a desktop is there (DISPLAY or WAYLAND_DISPLAY set) through a private
 * launcher page (see {@link writeLauncherPage}), and on a signal
 * stops the sessions started from the page (each cleans up itself) before it exits.
 * @param address the value of `--gui=` (see {@link parseGuiAddress}).
 * @returns exit code 0.
 * @throws X11DockerError for a bad address or a port that cannot be bound.
 */
export async function runGui(address: string | undefined): Promise<number> {
  const bind = parseGuiAddress(address);
  if (!isLoopback(bind.host)) {
    log.warning(
      `x11docker-gui listens on ${bind.host}, not only on this machine. Anyone on the network who gets the URL ` +
        '(its token) can run containers as you; the connection is not encrypted.',
    );
  }
  const gui = await startGui(bind);
  process.stdout.on('error', () => undefined);
  process.stdout.write(`${gui.url}\n`);
  log.note(`x11docker-gui is at ${gui.url} — press Ctrl-C to stop it and the sessions started from it.`);
  let launcher: string | undefined;
  if ((process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && findBinaries(['xdg-open'], process.env.PATH ?? '').has('xdg-open')) {
    launcher = writeLauncherPage(gui.url);
    const opener = start('xdg-open', [launcher], { stdio: 'ignore', detached: true, cleanup: false });
    opener.unref();
    void opener.catch(() => undefined);
  }
  // a fresh one-time link on SIGUSR1, for a browser that lost its cookie (see GuiServer.newLink)
  process.on('SIGUSR1', () => {
    const url = gui.newLink();
    process.stdout.write(`${url}\n`);
    log.note(`x11docker-gui: new one-time link ${url} (the previous link no longer works).`);
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    // process.on, not once: execa's signal-exit handler (for the sessions' children) re-raises a
    // signal when no other listener is left, which would end the GUI before its clean-up ran;
    // later signals are ignored while it stops
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => resolve(s));
  });
  log.note(`received ${signal}: stopping x11docker-gui and its sessions`);
  if (launcher) rmSync(dirname(launcher), { recursive: true, force: true });
  await gui.close();
  return 0;
}

/**
 * The page that `xdg-open` gets instead of the URL: the token must never be on a command line,
 * where every local user can read it (`ps`, /proc/PID/cmdline) — xdg-open's and the browser's
 * would show it for as long as they run. The page is a file only the user can read (0600 in a
 * 0700 folder) that sends the browser on to the URL.
 * @param url the GUI's URL with its token.
 * @returns the file's path (its folder is removed when the GUI stops).
 */
export function writeLauncherPage(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'x11docker-gui-'));
  const file = join(dir, 'open.html');
  const safe = url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${safe}"><title>x11docker-gui</title><a href="${safe}">x11docker-gui</a>\n`, { mode: 0o600 });
  return file;
}
