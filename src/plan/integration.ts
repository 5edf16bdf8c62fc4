/**
 * Plans the options of options/integration.ts (pure: options + host facts in, data out):
 * `-i`/`-t` (stdin and a pseudo-terminal), `--no-entrypoint`, `--group-add`, `--webcam`,
 * `--printer`, `--hostdbus` for the container, and `--xtest`, `--dpi`, `--keymap` for the new X
 * server, with upstream's warnings for everything that weakens isolation.
 */
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { XServerDriver } from '../xserver/driver.js';
import type { ImageConfig } from './image.js';
import { planKeyboard, type KeyboardSettings } from './keyboard.js';
import { bindMount } from './argv.js';

/** Where `--printer` mounts the host's CUPS socket in the container (CUPS's default path). */
export const CONTAINER_CUPS_SOCKET = '/run/cups/cups.sock';
/** Where `--sharessh` mounts the host's SSH agent socket in the container. */
export const CONTAINER_SSH_AGENT = '/run/x11docker-ssh/agent.sock';
/** Where `--hostdbus` mounts the host's DBus session socket in the container. */
export const CONTAINER_DBUS_SOCKET = '/run/x11docker-hostdbus/bus';

/** The container's part of these options. */
export interface IntegrationPlan {
  /** Attach x11docker's stdin to the container command (`-i`, `-t`). */
  readonly interactive: boolean;
  /** Give the container a pseudo-terminal (`-i`/`-t` with stdin a terminal). */
  readonly tty: boolean;
  /** `--no-entrypoint`: `--entrypoint=` for the engine unless an init system sets its own. */
  readonly noEntrypoint: boolean;
  /** Options for `ENGINE create`: --interactive, --tty, --group-add, --device, socket mounts. */
  readonly args: readonly string[];
  /** NAME=VALUE for the container (CUPS_SERVER, DBUS_SESSION_BUS_ADDRESS). */
  readonly env: readonly string[];
}

/** The new X server's part of these options. */
export interface DisplaySettings {
  /** `--xtest=yes`: keep XTEST on servers that have it off by default. */
  readonly xtest: boolean;
  /** `--dpi`: Xft.dpi, merged into the new server's resources with xrdb. */
  readonly dpi?: number;
  /**
   * Keyboard layout set with setxkbmap once the server runs (plan/keyboard.ts): `--keymap`, else
   * the user's. New servers run with `-noreset`, so it stays.
   */
  readonly keymap?: KeyboardSettings;
  /** `--composite`: the Composite extension on (`+extension`) or off (`-extension`); undefined: the server's default. */
  readonly composite?: boolean;
  /** `--xopt`: arguments added to the new X server's command. */
  readonly xopt?: readonly string[];
}

/**
 * Plans `--xtest`, `--dpi` and the keyboard layout (`--keymap`, else the user's) for the chosen display option.
 * Upstream's `--xtest` default is on for xpra, Xvfb and Xdummy; here it is off except where xpra
 * or x11vnc (`--html`) need it, so `--xtest` turns it on (with a warning) and `--xtest=no` is a
 * note where it cannot be honoured. Where upstream turns it on by itself (Xvfb; Xdummy is the
 * server of its xpra and VNC recipes), a note without `--xtest` says that an attached viewer
 * cannot type and names the option.
 * @throws X11DockerError when `--dpi` or `--keymap` needs a host tool that is missing.
 */
export function planDisplaySettings(options: Options, host: HostFacts, driver: XServerDriver, warnings: string[], notes: string[]): DisplaySettings {
  const o = options.integration;
  const name = driver.name;
  if (driver.source !== 'new' || driver.gives !== 'x11') {
    for (const [given, what] of [[o.xtest !== undefined, '--xtest'], [o.dpi !== undefined, '--dpi'], [o.keymap !== undefined, '--keymap'], [o.composite !== undefined, '--composite'], [(o.xopt?.length ?? 0) > 0, '--xopt']] as const) {
      if (given) notes.push(`Option ${what} has no effect with --${name}: it starts no X server of its own.`);
    }
    return { xtest: false };
  }
  const alwaysOn = driver.honours.xtest === 'always' || options.html !== undefined;
  if (o.xtest === true && !alwaysOn) {
    warnings.push(
      'Option --xtest: the X extension XTEST is enabled on the new X server. Applications in the container can fake keyboard and mouse input ' +
        'on that display, e.g. type into or click on other windows there. Use it only for tools that need it (e.g. custom xpra or VNC access).',
    );
  }
  // a viewer is attached to a display that the user is told about: --showenv, --display=N, --xonly
  const attachable = options.showenv || options.display !== undefined || options.xonly;
  if (o.xtest === undefined && !alwaysOn && attachable && (name === 'xvfb' || name === 'xdummy')) {
    // upstream turns XTEST on for --xvfb (with a note) so that xpra can attach; here it stays off, and the note names the option
    // (only where a viewer is likely: the reference's recipes use --showenv or --display=N)
    notes.push(`Option --${name}: the X extension XTEST is off, so an xpra or VNC viewer attached to this display (xpra start --use-display, x11vnc) shows it but cannot type or click into it. For such remote access add --xtest.`);
  }
  if (o.xtest === false && alwaysOn) notes.push(`Option --xtest=no: XTEST stays enabled with --${options.html !== undefined ? 'html' : name}, which injects your keyboard and mouse input with it.`);
  if (o.dpi !== undefined && !host.binaries.has('xrdb')) throw new X11DockerError('Option --dpi needs xrdb on the host. Install it: apt-get install x11-xserver-utils.');
  if (o.keymap !== undefined && !host.binaries.has('setxkbmap')) throw new X11DockerError('Option --keymap needs setxkbmap on the host. Install it: apt-get install x11-xkb-utils.');
  if (o.keymap !== undefined && !driver.honours.keymap) notes.push(`Option --keymap has no effect with --${name}: it uses the keyboard layout of your display.`);
  // --gpu=iglx: indirect GLX rendering, which upstream enables on --xorg only
  const iglx = options.services.gpuIglx === true && name === 'xorg';
  if (options.services.gpuIglx && !iglx) notes.push(`Option --gpu=iglx: indirect rendering (+iglx) is for --xorg only; with --${name} it is --gpu.`);
  const xopt = [...(iglx ? ['+iglx'] : []), ...(o.xopt ?? [])];
  xoptWarnings(xopt, warnings);
  return {
    xtest: o.xtest === true, dpi: o.dpi, keymap: planKeyboard(name, o.keymap, host, notes),
    ...(o.composite !== undefined ? { composite: o.composite } : {}), ...(xopt.length > 0 ? { xopt } : {}),
  };
}

/**
 * `--xopt` arguments that undo x11docker's X server hardening get a warning each: `-ac` (no
 * access control), `-listen` (TCP or another transport), `+extension` of MIT-SHM or XTEST.
 */
function xoptWarnings(xopt: readonly string[], warnings: string[]): void {
  if (xopt.includes('-ac')) warnings.push('Option --xopt=-ac disables access control on the new X server: every local process can use it without the cookie, also to read keystrokes and screen content.');
  if (xopt.includes('-listen')) warnings.push(`Option --xopt=-listen ${xopt[xopt.indexOf('-listen') + 1] ?? ''}: the new X server also listens there (e.g. on TCP), beyond the socket x11docker shares. Reduced isolation.`.replace(/\s+:/, ':'));
  for (const ext of ['MIT-SHM', 'XTEST']) {
    if (xopt.some((w, i) => w === '+extension' && xopt[i + 1] === ext)) {
      warnings.push(`Option --xopt=+extension ${ext}: the new X server has ${ext}, which x11docker disables (${ext === 'XTEST' ? 'applications can fake keyboard and mouse input' : 'shared memory between X clients and the server; see --hostipc'}).`);
    }
  }
}

/**
 * Plans the container's part: stdin and terminal, groups, webcams, printer and host DBus.
 * @param network the container's network (`host` lets an abstract DBus socket through).
 * @throws X11DockerError for `--hostdbus` without a host DBus session (or an abstract one without host network).
 */
export function planIntegration(options: Options, host: HostFacts, network: string | undefined, warnings: string[], notes: string[]): IntegrationPlan {
  const o = options.integration;
  const res = host.integration;
  const args: string[] = [];
  const env: string[] = [];
  // --stdin forwards stdin as it is (a pipe, a file); -i and -t give a terminal a pseudo-terminal
  const terminalWanted = o.interactive || o.tty;
  const interactive = terminalWanted || o.stdin === true;
  const tty = terminalWanted && res?.stdinIsTty === true;
  if (interactive) args.push('--interactive', ...(tty ? ['--tty'] : []));
  if (terminalWanted && !tty) notes.push(`Option --${o.tty ? 'tty' : 'interactive'}: stdin is not a terminal; it is passed to the container without a pseudo-terminal.`);

  const groups = new Set(o.groupAdd);
  if (o.webcam) {
    const video = res?.video ?? [];
    // one outcome: the warning when webcams are shared, else only the note that none is
    if (video.length > 0) warnings.push('Option --webcam: the container can use your webcams (/dev/video*): it can watch you and record video and sound without you noticing.');
    else notes.push('Option --webcam: this host has no /dev/video* devices; the container gets no webcam.');
    for (const d of video) {
      args.push(`--device=${d.path}`);
      if (d.gid !== 0) groups.add(String(d.gid));
    }
  }
  for (const g of groups) args.push(`--group-add=${g}`);

  if (o.printer === 'socket') {
    // one outcome, as upstream: the warning only when the container does reach CUPS; without a
    // socket one note, and the session goes on without a printer
    if (res?.cupsSocket) {
      warnings.push("Option --printer: the container reaches your CUPS server: it can print, and see and manage printers and print jobs as you can.");
      args.push(bindMount(res.cupsSocket, CONTAINER_CUPS_SOCKET));
      env.push(`CUPS_SERVER=${CONTAINER_CUPS_SOCKET}`);
    } else {
      notes.push('Option --printer: no CUPS socket on this host (CUPS_SERVER or /run/cups/cups.sock); the container gets no printer. Install and start cups.');
    }
  } else if (o.printer === 'tcp') {
    const cups = planCupsTcp(options.backend, options.raw.values('--network').at(-1) ?? network);
    if (cups) {
      warnings.push("Option --printer: the container reaches your CUPS server: it can print, and see and manage printers and print jobs as you can.");
      args.push(...cups.args);
      env.push(`CUPS_SERVER=${cups.server}`);
      notes.push(
        `Option --printer=tcp: the container reaches CUPS at ${cups.server}. Your cupsd must listen there and allow the container's network (/etc/cupsd.conf: Port 631, and Allow 172.17.0.* in <Location />), and each printer must be shared.`,
      );
    } else {
      notes.push('Option --printer=tcp has no effect without network access: the container gets no printer. Add --network (-I), or use --printer (the CUPS socket).');
    }
  }

  if (o.hostdbus) {
    const dbus = res?.dbus;
    if (!dbus) {
      throw new X11DockerError(`Option --hostdbus: no DBus session of ${host.hostUser.name} found (DBUS_SESSION_BUS_ADDRESS, $XDG_RUNTIME_DIR/bus). Run x11docker from your desktop session, or leave --hostdbus out.`);
    }
    if ('abstract' in dbus) {
      if (network !== 'host') {
        throw new X11DockerError('Option --hostdbus: your DBus session listens on an abstract socket (unix:abstract=...), which a container only reaches with --hostnet. Use a socket path (unix:path=...) for the session, or leave --hostdbus out.');
      }
      env.push(`DBUS_SESSION_BUS_ADDRESS=unix:abstract=${dbus.abstract}`);
    } else {
      args.push(bindMount(dbus.socket, CONTAINER_DBUS_SOCKET));
      env.push(`DBUS_SESSION_BUS_ADDRESS=unix:path=${CONTAINER_DBUS_SOCKET}`);
    }
    warnings.push(
      'Option --hostdbus: the container is connected to your host DBus session. It can talk to the services of your desktop session ' +
        '(notifications, keyrings, file managers, ...), some of which can start programs outside the container. Reduced container isolation.',
    );
    if (options.services.dbus || options.services.dbusSystem) notes.push('Option --hostdbus with --dbus: the DBus user session started in the container replaces the host one for the command.');
  }
  if (o.sharessh) {
    if (!res?.sshAgent) {
      throw new X11DockerError('Option --sharessh: no SSH agent socket found (SSH_AUTH_SOCK is unset or not a socket). Start ssh-agent (eval $(ssh-agent)) and ssh-add your key, or leave --sharessh out.');
    }
    args.push(bindMount(res.sshAgent, CONTAINER_SSH_AGENT));
    env.push(`SSH_AUTH_SOCK=${CONTAINER_SSH_AGENT}`);
    warnings.push('Option --sharessh: the container can use your SSH keys through your SSH agent while it runs (it cannot read the keys themselves).');
  }
  return { interactive, tty, noEntrypoint: o.noEntrypoint, args, env };
}

/**
 * `--no-entrypoint`: the image configuration without ENTRYPOINT and the command to run, which is
 * the given one or else the image's CMD (the engine drops CMD together with the ENTRYPOINT).
 * @throws X11DockerError when neither a command nor a CMD is there.
 */
export function withoutEntrypoint(options: Options, image: ImageConfig): { imageConfig: ImageConfig; command: readonly string[] } {
  if (!options.integration.noEntrypoint) return { imageConfig: image, command: options.command };
  const command = options.command.length > 0 ? options.command : image.cmd;
  if (command.length === 0) throw new X11DockerError(`Option --no-entrypoint: image '${options.image}' has no CMD to run instead. Give a command after the image name.`);
  return { imageConfig: { ...image, entrypoint: [] }, command };
}

/**
 * `--printer=tcp`, as upstream: CUPS_SERVER is the host's CUPS port 631, reached over the
 * container's network (upstream: the host's IP; here the engine's name for the host).
 * @param backend the engine: docker and nerdctl get `--add-host=host.docker.internal:host-gateway`,
 *   podman names the host `host.containers.internal` itself.
 * @param network the container's network (`none` by default; `host`: the host's own loopback).
 * @returns the `docker create` options and the CUPS_SERVER value, or undefined without network.
 */
export function planCupsTcp(backend: string, network: string | undefined): { readonly args: readonly string[]; readonly server: string } | undefined {
  if (network === 'none') return undefined;
  if (network === 'host') return { args: [], server: '127.0.0.1:631' };
  if (backend === 'podman') return { args: [], server: 'host.containers.internal:631' };
  return { args: ['--add-host=host.docker.internal:host-gateway'], server: 'host.docker.internal:631' };
}
