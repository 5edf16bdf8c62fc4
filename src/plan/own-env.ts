/**
 * x11docker's own environment variables win over the user's.
 *
 * The variables that point the container to what x11docker gives it (the new display and its
 * cookie, the Wayland socket, the private runtime folder, the shared PulseAudio, DBus, CUPS and
 * SSH agent sockets) must hold x11docker's values: `--env DISPLAY=:7` would make the application
 * open a display that is not there. Wherever a user's value comes from (`--env`, raw `-e`/`--env`
 * or `--env-file` after `--`, the image's ENV), x11docker's value wins and a note says so.
 * Variables x11docker does not set in a session (`PULSE_SERVER` without `--pulseaudio`) stay the
 * user's, and so do the others it sets (`USER`, `HOME`, `LANG`, `TZ`, toolkit variables).
 *
 * With docker, podman and nerdctl a later `--env` wins over an earlier one, over `--env-file` and
 * over the image's ENV: {@link envArgs} puts x11docker's own values after the raw options.
 * Upstream x11docker exports its values in the container's start script, after the image's ENV
 * and docker's `--env`; its own `--env` values are exported after them (they win there). Pure.
 */
import { printable } from '../errors.js';
import type { DisplayDriver, DisplayLaunch } from '../xserver/driver.js';
import type { RawOptions } from '../options/raw-options.js';
import { isRootUser } from './root-user.js';

/** x11docker's own variables, with what each points to (for the note). */
export const OWN_ENV: Readonly<Record<string, string>> = {
  DISPLAY: 'the new X display',
  XAUTHORITY: 'its cookie',
  WAYLAND_DISPLAY: 'the Wayland socket',
  XDG_RUNTIME_DIR: 'the private runtime folder',
  PULSE_SERVER: 'the shared PulseAudio socket',
  PULSE_COOKIE: 'the PulseAudio cookie',
  PIPEWIRE_REMOTE: 'the shared PipeWire socket',
  DBUS_SESSION_BUS_ADDRESS: 'the shared DBus socket',
  CUPS_SERVER: 'the shared CUPS socket',
  SSH_AUTH_SOCK: 'the shared SSH agent socket',
};

/** The name of a `NAME=VALUE` entry (the whole entry when it has no `=`). */
export const envName = (entry: string): string => (entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : entry);

/** What x11docker reads from the raw `docker run` options after `--` for the environment and the user. */
export interface RawSettings {
  /** `-e`/`--env` values in order, as written (`NAME=VALUE`, or `NAME`: the host's value), with the option as the user wrote it. */
  readonly env: readonly { readonly option: string; readonly value: string }[];
  /** `--env-file` paths in order (host paths, relative to x11docker's working folder). */
  readonly envFiles: readonly string[];
  /** `--user`/`-u` names root (`root`, or uid 0 in any spelling docker takes: `00`, `+0`; any group). */
  readonly rootUser: boolean;
}

/**
 * What the raw options after `--` (parsed once, src/options/raw-options.ts) say about the
 * environment and the user: `-e`/`--env` in every form docker's CLI takes (`--env=A=1`,
 * `--env A=1`, `-e A=1`, `-eA=1`), `--env-file`, and whether the last `-u`/`--user` names root.
 * @param raw the parsed raw options.
 */
export function readRawOptions(raw: RawOptions): RawSettings {
  const env = raw.options.filter((o) => o.flag === '--env' && o.value !== undefined).map((o) => ({ option: `${o.written} ${o.value}`, value: o.value! }));
  return { env, envFiles: raw.envFiles, rootUser: isRootUser(raw.value('--user') ?? '') };
}

/** Where the user set some of x11docker's own variables. */
export interface UserEnvSources {
  /** `--env NAME=VALUE` values. */
  readonly env: readonly string[];
  /** The raw options after `--` ({@link readRawOptions}). */
  readonly raw: RawSettings;
  /** Variable names per `--env-file` path, read on the host; undefined when unreadable (the engine reports it). */
  readonly envFiles?: ReadonlyMap<string, readonly string[] | undefined>;
  /** The image's ENV. */
  readonly imageEnv: readonly string[];
}

/**
 * One note per place where the user sets a variable that x11docker sets itself in this session.
 * @param ownNames the names of {@link OWN_ENV} that x11docker sets (see {@link ownEnvNames}).
 * @param sources the user's settings.
 */
export function ownEnvNotes(ownNames: ReadonlySet<string>, sources: UserEnvSources): string[] {
  const wins = (names: readonly string[]) => {
    const hit = [...new Set(names.filter((n) => ownNames.has(n)))];
    const what = hit.map((n) => `${n} (${OWN_ENV[n]})`).join(', ');
    return hit.length === 0 ? undefined : `x11docker sets ${what} itself, and its value${hit.length > 1 ? 's win' : ' wins'}.`;
  };
  const notes: string[] = [];
  const add = (where: string, names: readonly string[]) => {
    const tail = wins(names);
    if (tail) notes.push(`${where}: ${tail}`);
  };
  for (const e of sources.env) add(`Option --env ${printable(e)}`, [envName(e)]);
  for (const e of sources.raw.env) add(`docker run option ${printable(e.option)} after --`, [envName(e.value)]);
  for (const f of sources.raw.envFiles) {
    const names = sources.envFiles?.get(f) ?? [];
    add(`docker run option --env-file ${printable(f)} after -- sets ${names.filter((n) => ownNames.has(n)).join(', ')}`, names);
  }
  for (const e of sources.imageEnv) add(`The image's ENV ${printable(e)}`, [envName(e)]);
  return notes;
}

/**
 * The names of {@link OWN_ENV} among x11docker's environment entries for a container.
 * @param entries x11docker's `NAME=VALUE` entries (display, services, integration).
 */
export function ownEnvNames(entries: readonly string[]): Set<string> {
  return new Set(entries.map(envName).filter((n) => n in OWN_ENV));
}

/**
 * What a display driver gives every container (`x11`, `containerEnv`), known before the display
 * runs: `launch` is pure, so it is called with a probe context whose paths are never used.
 * @param driver the session's display driver.
 * @param hostDisplay the user's DISPLAY, for what depends on it (a compositor nested on it).
 * @param wayland `--wayland` with a driver that gives Wayland alongside X.
 */
export function probeLaunch(driver: DisplayDriver, hostDisplay?: string, wayland?: boolean): Pick<DisplayLaunch, 'x11' | 'containerEnv' | 'containerMounts' | 'processes'> {
  const probe = '/x11docker-probe';
  return driver.launch({
    display: 0, authFile: `${probe}/a`, clientAuthFile: `${probe}/c`, size: { width: 640, height: 480 }, title: '', sessionDir: probe,
    desktop: false, fullscreen: false, clipboard: false, hostWaylandSocket: `${probe}/wayland-0`, hostDisplay, wayland,
  });
}

/**
 * The `--env` arguments of `docker create`, in two parts: `beforeRaw` (x11docker's other
 * variables, then the user's `--env` values without x11docker's own names, so the user's win)
 * goes before the raw options after `--`; `afterRaw` (x11docker's own variables) goes after
 * them, so it wins over raw `-e`/`--env`/`--env-file` and the image's ENV.
 * @param own x11docker's `NAME=VALUE` entries, in order (later ones win).
 * @param user the `--env` values.
 */
export function envArgs(own: readonly string[], user: readonly string[]): { beforeRaw: string[]; afterRaw: string[] } {
  const names = ownEnvNames(own);
  const isOwn = (e: string) => names.has(envName(e));
  const flags = (list: readonly string[]) => list.flatMap((e) => ['--env', e]);
  return { beforeRaw: flags([...own.filter((e) => !isOwn(e)), ...user.filter((e) => !isOwn(e))]), afterRaw: flags(own.filter(isOwn)) };
}
