import { parseArgs } from 'node:util';
import { printable, X11DockerError } from '../errors.js';
import { findOption, optionTable, retiredOptions, xserverOptionNames, type XServerName } from './table.js';
import type { Verbosity } from '../log.js';
import { parsePersistence, type PersistenceOptions } from './persistence.js';
import { parseHtmlValue, type HtmlBind } from './html.js';
import { defaultServiceOptions, parseServiceOptions, type OrderedOption, type ServiceOptions } from './services.js';
import { defaultIntegrationOptions, parseIntegrationOptions, type IntegrationOptions } from './integration.js';
import { parseRawOptions, type RawOptions } from './raw-options.js';
import { splitRest } from './rest.js';
import { unavailableOptionMessage } from './upstream.js';
import { parseToolRequest, type ToolRequest } from './tools.js';
import { defaultScreenOptions, parseScreenOptions, type ScreenOptions } from './screen.js';
import { KUBERNETES_BACKEND, parseKubeOptions, type KubeOptions } from './kube.js';
import { printFile, splitClientArgs, validateYesNo, validateDisplay, validateEnv, validateLimit, validateName, validateNewPrivileges, validateRuntime, validateShell, validateUser, validateWorkdir, validateXc, validateClipboard, type ClipboardMode, type XcOption } from './values.js';

/** Container engines x11docker can drive through their docker-compatible CLI. */
export type Backend = 'docker' | 'podman' | 'nerdctl';

/**
 * What the user asked for, validated. Produced by {@link parseCommandLine}; consumed by the plan.
 * Nothing here depends on the host.
 */
export interface Options extends PersistenceOptions {
  /**
   * The option with an optional value (`--lang`, `--home`, ...) that was written right before the
   * image without `=`: with getopt semantics its value cannot be the next word, so that word is
   * the image. Used to explain "image not found" (src/options/persistence.ts imageNotFoundHint).
   */
  readonly optionalBeforeImage?: string;
  /** `--help` or a lone `-h`. */
  readonly help: boolean;
  /** `--version`. */
  readonly version: boolean;
  /** `--license` (`--licence`): print the license and exit. */
  readonly license: boolean;
  /** `--cleanup`: remove what ended sessions left behind, then exit. */
  readonly cleanup: boolean;
  /** The X server option given last, if any (upstream: the last one takes effect). */
  readonly xserver?: XServerName;
  /** `--xonly`, or no IMAGE given: only start an empty X server. */
  readonly xonly: boolean;
  /** `--showenv` / `--printenv` without a value: the environment line on stdout (implied by `--xonly` unless it goes into a file). */
  readonly showenv: boolean;
  /** `--printenv=FILE`: the environment line goes into FILE. */
  readonly printenvFile?: string;
  /** `--newprivileges[=yes|no|auto]` (no value: yes); undefined: auto. */
  readonly newPrivileges?: 'yes' | 'no' | 'auto';
  /** `--xc[=yes|no|auto|IMAGE]`: where the display's processes run (src/options/values.ts validateXc). */
  readonly xc: XcOption;
  /** `--backend=kubernetes`, `--kube-manifest`, `--kube-namespace`, `--kube-context` (src/options/kube.ts); `backend` is then docker and unused. */
  readonly kube?: KubeOptions;
  /** `--printid[=FILE]`: the container's ID on stdout (`file` undefined) or into a file. */
  readonly printid?: { readonly file?: string };
  /** `--fallback[=yes|no]` (no value: yes): `no` refuses a session that would go on without an option given (plan/fallback.ts). */
  readonly fallback?: 'yes' | 'no';
  /** `--rootless[=yes|no]` (no value: yes): use, or disallow, a rootless engine (run/rootless.ts). */
  readonly rootless?: 'yes' | 'no';
  /** `--printcheck`: the display options' dependency check as notes (plan/choose.ts dependencyCheck). */
  readonly printcheck?: boolean;
  /** `--printpid1[=FILE]`: the host PID of the container's PID 1, on stdout or into a file. */
  readonly printpid1?: { readonly file?: string };
  /** `--printinfofile[=FILE]`: the path of the session record (session.json), on stdout or into a file. */
  readonly printinfofile?: { readonly file?: string };
  /** `--desktop` / `-d`. */
  readonly desktop: boolean;
  /** `--fullscreen` / `-f`. */
  readonly fullscreen: boolean;
  /** `--clipboard` / `-c` (not `--clipboard=no`). */
  readonly clipboard: boolean;
  /** `--clipboard=c2h|h2c|cmv`: one direction only, or the host's clipboard on Ctrl+Super+V; `yes` both ways. */
  readonly clipboardMode: ClipboardMode;
  /** `--wm WINDOWMANAGER`: a host window manager command (split at white space), or `none`. */
  readonly wm?: readonly string[] | 'none';
  /** `--wayland` / `-W`: set up a Wayland environment without X. */
  readonly wayland: boolean;
  /** `--xw` (upstream's): X and Wayland applications side by side (plan/xw.ts decides the display). */
  readonly xw?: boolean;
  /** `--waylandenv`: toolkit variables for Wayland in the container. */
  readonly waylandenv: boolean;
  /** `--exe`: the command is a host application (in `command`), no image. */
  readonly exe: boolean;
  /** `--display N`: a fixed display number. */
  readonly display?: number;
  /** `--size WxH`, in pixels. */
  readonly size?: { readonly width: number; readonly height: number };
  /** `--env NAME=VALUE`, in order. */
  readonly env: readonly string[];
  /** `--name NAME`. */
  readonly name?: string;
  /** `--runtime RUNTIME`: the engine's container runtime. */
  readonly runtime?: string;
  /** `--limit[=FACTOR]`: share (0 < FACTOR <= 1) of the free CPUs and RAM the container may use. */
  readonly limit?: number;
  /** `--workdir DIR` (absolute). */
  readonly workdir?: string;
  /** `--xeyes[=ARGS]` and `--xlogo`: host X clients to run on the new display, each as argv, in order. */
  readonly displayClients: readonly (readonly string[])[];
  /** `--runfromhost COMMAND` (repeatable, in order): host shell commands on the new display before the container starts. */
  readonly runFromHost: readonly string[];
  /** `--shell SHELL` (absolute): the container user's login shell and `SHELL`. */
  readonly shell?: string;
  /**
   * Network mode: `undefined` = none (default); `''` = engine default (`--network` without value);
   * otherwise the value of `--network=NET` (`host` for `--hostnet`).
   */
  readonly network?: string;
  /** `--user USER`: `root`, a name, `UID` or `UID:GID`. */
  readonly user?: string;
  /** `--hostuser USER`. */
  readonly hostuser?: string;
  /** `--backend ENGINE` (default docker). */
  readonly backend: Backend;
  /** From `--quiet`, `--verbose`, `--debug` (the most verbose wins). */
  readonly verbosity: Verbosity;
  /** Raw options for `docker run`, given after `--`; passed through unchanged as separate arguments. */
  readonly engineArgs: readonly string[];
  /** The same raw options, parsed once: ask this object what they do, never scan `engineArgs`. */
  readonly raw: RawOptions;
  /** The image, if any. */
  readonly image?: string;
  /** The container command and its arguments, exactly as given (no splitting or globbing). */
  readonly command: readonly string[];
  /** `--html[=[ADDR:]PORT]`: show the display in a web browser (see src/run/html.ts). */
  readonly html?: HtmlBind;
  /** `--completion`, `--install`, `--update`, `--remove`: do that and exit (options/tools.ts). */
  readonly tool?: ToolRequest;
  /** `--launcher`: write a desktop launcher for this command line instead of running it (host/launcher.ts). */
  readonly launcher?: boolean;
  /** `--gui[=ADDR]`: start the web front end instead of a session; the value is the listening address. */
  readonly gui?: string;
  /** Notes about the command line itself (e.g. two X server options given). */
  readonly notes: readonly string[];
  /** Init system, dbus, sound, GPU and privilege options (options/services.ts). */
  readonly services: ServiceOptions;
  /** -i, -t, --no-entrypoint, --group-add, --xtest, --dpi, --keymap, --hostdbus, --webcam, --printer (options/integration.ts). */
  readonly integration: IntegrationOptions;
  /** --scale, --rotate, --output-count, --border, --xfishtank, --westonini, --vt, --xauth, --xhost, --clean-xhost, --xoverip (options/screen.ts). */
  readonly screen: ScreenOptions;
}

/**
 * Parses x11docker's command line.
 *
 * Grammar (upstream x11docker's usage):
 * - `x11docker [OPTIONS] IMAGE [COMMAND [ARG...]]`
 * - `x11docker [OPTIONS] -- IMAGE [COMMAND [ARG...]]`
 * - `x11docker [OPTIONS] -- "DOCKER_RUN_OPTIONS" IMAGE [COMMAND [ARG...]]` (one argument, split at white space, as upstream)
 * - `x11docker [OPTIONS] -- DOCKER_RUN_OPTIONS -- IMAGE [COMMAND [ARG...]]` (each argument kept as is)
 * - `x11docker [OPTIONS]` (no image: an empty X server, as `--xonly`).
 *
 * Options end at the first argument that is not an option: that is IMAGE, and everything after it
 * belongs to the container command unchanged. An optional value is only taken with `=`.
 *
 * @param argv the arguments after the program name.
 * @returns validated options.
 * @throws X11DockerError (exit 64) with a one-line message naming the option and the fix.
 */
export function parseCommandLine(argv: readonly string[]): Options {
  const args = [...argv];
  if (args.length === 1 && args[0] === '-h') return { ...defaults(), help: true };

  const tokens = tokenize(args);

  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const ordered: OrderedOption[] = [];
  const notes: string[] = [];
  let xserver: XServerName | undefined;
  let rest: string[] = [];
  let restIsAfterTerminator = false;
  let lastOptional: string | undefined;

  for (const token of tokens) {
    if (token.kind === 'positional' || token.kind === 'option-terminator') {
      rest = args.slice(token.index + (token.kind === 'option-terminator' ? 1 : 0));
      restIsAfterTerminator = token.kind === 'option-terminator';
      break;
    }
    const unavailable = token.rawName === '--' + token.name ? unavailableOptionMessage(token.name) : undefined;
    if (unavailable) throw new X11DockerError(unavailable);
    const retiredKey = token.rawName.startsWith('--') ? token.name : token.rawName; // long name, or '-V'
    const retired = Object.hasOwn(retiredOptions, retiredKey) ? retiredOptions[retiredKey] : undefined;
    if (retired?.error) throw new X11DockerError(retired.error);
    if (retired?.note) notes.push(retired.note);
    if (retired && token.value !== undefined) throw new X11DockerError(`Option ${token.rawName} takes no value (got '${printable(token.value)}'). Remove '=${printable(token.value)}'.`);
    if (retired && !retired.sameAs) continue;
    const spec = findOption(retired?.sameAs ?? token.name);
    const shown = token.rawName.startsWith('--') ? token.rawName : `${token.rawName} (--${spec?.name ?? '?'})`;
    if (!spec) {
      throw new X11DockerError(`Unknown option ${printable(token.rawName)}. See 'x11docker --help'; options for 'docker run' go after '--'.`);
    }
    if (spec.arg === 'none' && token.value !== undefined) {
      throw new X11DockerError(`Option ${shown} takes no value (got '${printable(token.value)}'). Remove '=${printable(token.value)}'.`);
    }
    if (spec.arg === 'required' && token.value === undefined) {
      throw new X11DockerError(`Option ${shown} needs a value: --${spec.name} ${spec.valueName ?? 'VALUE'}.`);
    }
    if (spec.arg === 'optional' && token.value === '') {
      // named as typed (--printenv, not its table name --showenv), and the table name where they differ
      const typed = token.rawName.startsWith('--') ? token.rawName : `--${spec.name}`;
      const also = typed === `--${spec.name}` ? '' : ` (--${spec.name})`;
      throw new X11DockerError(`Option ${typed}=${also} has an empty value. Use ${typed} alone or ${typed}=VALUE.`);
    }
    if ((xserverOptionNames as readonly string[]).includes(spec.name)) {
      if (xserver && xserver !== spec.name) {
        notes.push(`Please use only one X server option at a time. --${spec.name} given after --${xserver} takes effect.`);
      }
      xserver = spec.name as XServerName;
    }
    if (token.value !== undefined) {
      const list = values.get(spec.name) ?? [];
      list.push(token.value);
      values.set(spec.name, list);
    }
    flags.add(spec.name);
    ordered.push({ name: spec.name, value: token.value });
    lastOptional = spec.arg === 'optional' && token.value === undefined && token.rawName.startsWith('--') ? spec.name : undefined;
  }

  // upstream's --weston=x: '--weston-xwayland --wayland' (X and Wayland side by side), X: also --desktop
  const westonValue = values.get('weston')?.at(-1);
  if (westonValue !== undefined && westonValue !== 'x' && westonValue !== 'X') {
    throw new X11DockerError(`Option --weston takes no value, x or X (got '${printable(westonValue)}'): --weston=x runs X and Wayland applications side by side, --weston=X as a desktop.`);
  }
  const westonSideBySide = westonValue !== undefined && xserver === 'weston';
  if (westonSideBySide) xserver = 'weston-xwayland';
  // presets are expanded by the command line before parsing (options/preset.ts expandPresets)
  if (flags.has('preset')) throw new X11DockerError('Option --preset is read by the x11docker command: presets are files in ~/.config/x11docker/preset; give their options here instead.');
  const exe = flags.has('exe');
  if (exe && rest.length === 0) throw new X11DockerError('Option --exe needs a host command: x11docker --exe COMMAND, or x11docker --exe -- COMMAND ARGS.');
  // --exe: everything after the options (or after '--') is the host command, unchanged
  const { engineArgs, image, command } = exe ? { engineArgs: [], image: undefined, command: rest } : splitRest(rest, restIsAfterTerminator);
  const last = (name: string): string | undefined => values.get(name)?.at(-1);

  let network: string | undefined;
  if (flags.has('network')) network = last('network') ?? '';
  if (flags.has('hostnet')) network = 'host';

  const verbosity: Verbosity = flags.has('debug') ? 'debug' : flags.has('verbose') ? 'verbose' : flags.has('quiet') ? 'quiet' : 'normal';

  const integration = parseIntegrationOptions(values, flags);
  if (integration.tty) {
    // upstream: -t/--tty is terminal-only mode, an X server option of its own
    if (xserver && xserver !== 'nothing') throw new X11DockerError(`Option --tty runs no X or Wayland server, but --${xserver} was given. Remove one of them.`);
    xserver = 'nothing';
  }
  const kube = parseKubeOptions(last('backend'), flags, last);
  const options: Options = {
    ...defaults(),
    help: flags.has('help'),
    version: flags.has('version'),
    license: flags.has('license'),
    cleanup: flags.has('cleanup'),
    xserver,
    xonly: flags.has('xonly') || (image === undefined && !exe && !flags.has('help') && !flags.has('version') && !flags.has('license') && !flags.has('gui')),
    showenv: ordered.some((o) => o.name === 'showenv' && o.value === undefined) || ((flags.has('xonly') || (image === undefined && !exe)) && last('showenv') === undefined),
    printenvFile: printFile('printenv=FILE (--showenv)', last('showenv')),
    newPrivileges: flags.has('newprivileges') ? validateNewPrivileges(last('newprivileges')) : undefined,
    printid: flags.has('printid') ? { file: printFile('printid=FILE', last('printid')) } : undefined,
    printcheck: flags.has('printcheck'),
    fallback: flags.has('fallback') ? validateYesNo('fallback', last('fallback')) : undefined,
    rootless: flags.has('rootless') ? validateYesNo('rootless', last('rootless')) : undefined,
    printpid1: flags.has('printpid1') ? { file: printFile('printpid1=FILE', last('printpid1')) } : undefined,
    printinfofile: flags.has('printinfofile') ? { file: printFile('printinfofile=FILE', last('printinfofile')) } : undefined,
    desktop: flags.has('desktop') || (westonSideBySide && westonValue === 'X'),
    fullscreen: flags.has('fullscreen'),
    ...validateClipboard(flags.has('clipboard'), last('clipboard'), notes),
    wm: validateWm(last('wm')),
    wayland: flags.has('wayland') || westonSideBySide,
    xw: flags.has('xw'),
    waylandenv: flags.has('waylandenv'),
    exe,
    display: validateDisplay(last('display')),
    size: validateSize(last('size')),
    env: (values.get('env') ?? []).map(validateEnv),
    name: validateName(last('name')),
    runtime: validateRuntime(last('runtime')),
    limit: flags.has('limit') ? validateLimit(last('limit')) : undefined,
    workdir: validateWorkdir(last('workdir')),
    shell: validateShell(last('shell')),
    runFromHost: (values.get('runfromhost') ?? []).map((c) => {
      if (c.trim() === '' || c.includes('\0')) throw new X11DockerError('Option --runfromhost needs a shell command, e.g. --runfromhost "xsetroot -solid grey".');
      return c;
    }),
    displayClients: [
      ...(flags.has('xeyes') ? [['xeyes', ...splitClientArgs('xeyes', last('xeyes'))]] : []),
      ...(flags.has('xlogo') ? [['xlogo']] : []),
    ],
    network,
    user: validateUser(last('user'), '--user'),
    hostuser: validateUser(last('hostuser'), '--hostuser'),
    backend: validateBackend(kube ? undefined : last('backend')),
    xc: validateXc(flags.has('xc'), last('xc'), validateBackend(kube ? undefined : last('backend'))),
    ...(kube ? { kube } : {}),
    ...parsePersistence(values, flags),
    verbosity,
    html: flags.has('html') ? parseHtmlValue(last('html')) : undefined,
    gui: flags.has('gui') ? last('gui') ?? '127.0.0.1' : undefined,
    tool: parseToolRequest(values, flags, image),
    launcher: flags.has('launcher'),
    engineArgs,
    raw: parseRawOptions(engineArgs),
    image,
    command,
    notes,
    services: parseServiceOptions(ordered),
    optionalBeforeImage: !restIsAfterTerminator && image !== undefined && rest[0] === image ? lastOptional : undefined,
    integration,
    screen: parseScreenOptions(values, flags),
  };
  if (options.cleanup && image !== undefined) {
    throw new X11DockerError(`Option --cleanup runs no container, but image '${printable(image)}' was given. Run x11docker --cleanup alone.`);
  }
  if (exe && flags.has('xonly')) throw new X11DockerError('Option --xonly starts no application, but --exe was given. Remove one of them.');
  if (options.xonly && image !== undefined) {
    throw new X11DockerError(`Option --xonly starts no container, but image '${printable(image)}' was given. Remove --xonly or the image.`);
  }
  return options;
}

/** util.parseArgs' tokens for x11docker's options (the table's names, aliases and short letters). */
function tokenize(args: string[]) {
  return parseArgs({
    args,
    options: Object.fromEntries(
      optionTable.flatMap((o) =>
        [o.name, ...(o.aliases ?? [])].map((n) => [
          n,
          { type: o.arg === 'required' ? 'string' : 'boolean', ...(o.short && n === o.name ? { short: o.short } : {}) },
        ]),
      ),
    ) as Record<string, { type: 'string' | 'boolean'; short?: string }>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  }).tokens;
}

/**
 * The command line without one option: its own words (`--launcher`; `--opt VALUE` both words,
 * `--opt=VALUE` one) are left out, everything else is kept as typed, also a word like it after
 * IMAGE or `--` (the container's). Used by `--launcher` to store the command line it was given.
 * @param argv the arguments after the program name.
 * @param name the option's long name in the table.
 */
export function withoutOption(argv: readonly string[], name: string): string[] {
  const drop = new Set<number>();
  for (const token of tokenize([...argv])) {
    if (token.kind !== 'option') {
      if (token.kind === 'positional' || token.kind === 'option-terminator') break;
      continue;
    }
    if (findOption(token.name)?.name !== name) continue;
    drop.add(token.index);
    if (token.value !== undefined && !token.inlineValue) drop.add(token.index + 1);
  }
  return argv.filter((_, i) => !drop.has(i));
}

function defaults(): Options {
  return {
    displayClients: [], runFromHost: [], help: false, version: false, license: false, cleanup: false, xonly: false, showenv: false, desktop: false, env: [], sharedirs: [], shareVolumes: [], sudouser: false,
    fullscreen: false, clipboard: false, clipboardMode: 'yes', wayland: false, waylandenv: false, exe: false,
    backend: 'docker', xc: validateXc(false, undefined, 'docker'), verbosity: 'normal', engineArgs: [], raw: parseRawOptions([]), command: [], notes: [], services: defaultServiceOptions(),
    integration: defaultIntegrationOptions(), screen: defaultScreenOptions(),
  };
}

/** `--wm`: `none`, or a command line split at white space (as upstream's word splitting). */
function validateWm(value: string | undefined): Options['wm'] {
  if (value === undefined) return undefined;
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new X11DockerError("Option --wm needs a window manager command (e.g. --wm openbox) or 'none'.");
  if (/[\x00-\x1f]/.test(value)) throw new X11DockerError(`Option --wm: control characters in '${printable(value)}'. Give a command like --wm openbox.`);
  return words.length === 1 && words[0] === 'none' ? 'none' : words;
}

function validateSize(value: string | undefined): Options['size'] {
  if (value === undefined) return undefined;
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || width < 1 || height < 1 || width > 32767 || height > 32767) {
    throw new X11DockerError(`Option --size needs WIDTHxHEIGHT in pixels (got '${printable(value)}'), e.g. --size=1024x768.`);
  }
  return { width, height };
}

function validateBackend(value: string | undefined): Backend {
  if (value === undefined) return 'docker';
  if (value === 'docker' || value === 'podman' || value === 'nerdctl') return value;
  throw new X11DockerError(`Option --backend needs docker, podman, nerdctl or ${KUBERNETES_BACKEND} (got '${printable(value)}').`);
}
