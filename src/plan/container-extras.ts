/**
 * The container options of issue 4's first half, planned in one place and applied to
 * `docker create` by one call: persistent HOME and shared folders (mounts.ts), `--user=RETAIN`,
 * `--sudouser` (sudo.ts), `--lang` (locale.ts) and the host's time zone (timezone.ts). Pure: options + host facts in, data out.
 */
import { posix } from 'node:path';
import { X11DockerError } from '../errors.js';
import type { HostFacts } from '../host/facts.js';
import type { Backend, Options } from '../options/parse.js';
import { resolveLocale, type LocalePlan } from './locale.js';
import { homeVolumeBase, planMounts, type MountPlan } from './mounts.js';
import { bindMount, mountOption } from './argv.js';
import { planTimezone, type TimezonePlan } from './timezone.js';
import { readRawOptions } from './own-env.js';
import { rootInContainer } from './sensitive.js';
import { SUDO_CAPABILITIES, SUDO_PASSWORD, SUDO_WARNING } from './sudo.js';
import { checkNoSetup, noSetupNote } from './no-setup.js';
import type { ContainerUser } from './userdb.js';
import { isRootUser } from './root-user.js';

/** Where a compiled `--lang` locale is mounted (glibc looks for locale folders there). */
export const CONTAINER_LOCALE_DIR = '/usr/lib/locale';

/** The parts of the container plan decided here. */
export interface ContainerExtras {
  /**
   * The container user: the one chosen by the plan, or on rootless docker root in the container
   * (which is the host user outside) when the session shares the host user's files or sockets
   * (see {@link rootlessHostUser}).
   */
  readonly user: ContainerUser;
  /** `--user=RETAIN` or `--no-setup`: x11docker sets up no user, HOME or passwd entry (RETAIN: the image's USER is kept). */
  readonly retainUser: boolean;
  /** `--no-setup` without RETAIN: the command runs as `user`'s uid:gid, which has no passwd entry. */
  readonly noSetupUser?: boolean;
  /** `--sudouser`. */
  readonly sudo: boolean;
  /** `--sudouser=nopasswd`: sudo without a password. */
  readonly sudoNopasswd?: boolean;
  /** `--sudouser` with a password set by `--password`: its crypt(3) hash (else upstream's `x11docker`). */
  readonly sudoPasswordHash?: string;
  /** Capabilities added back after `--cap-drop=ALL`. */
  readonly capAdd: readonly string[];
  /** True when `--security-opt=no-new-privileges` must be left out (sudo needs its setuid bit). */
  readonly newPrivileges: boolean;
  /** Persistent HOME and shared folders. */
  readonly mounts: MountPlan;
  /** `--lang`: the locale to create, if asked for. */
  readonly locale?: LocalePlan;
  /** The engine labels containers with SELinux: x11docker's get upstream's label that may use the X socket. */
  readonly engineSelinux: boolean;
  /** The engine is rootless docker or nerdctl (not podman, which gets `--userns=keep-id`): no `--userns=host`. */
  readonly rootlessEngine: boolean;
  /** The host's time zone (plan/timezone.ts), when known. */
  readonly timezone?: TimezonePlan;
  /**
   * Root processes run in the container (sensitive.ts rootInContainer): writable shares of system
   * folders, also raw `-v` ones after `--` (checked on the created container), are refused.
   */
  readonly rootInside: boolean;
  /** Environment from these options (LANG, TZ), before the user's `--env` values. */
  readonly env: readonly string[];
}

/**
 * Whether `--security-opt=no-new-privileges` is left out, as upstream's `--newprivileges`: `yes`
 * leaves it out with upstream's warning, `no` always sets it (sudo of `--sudouser` then cannot
 * gain root: a note), `auto` (the default) leaves it out only for `--sudouser`, whose sudo needs
 * its setuid bit. (Upstream's auto also enables it for `--cap-default`; here `--cap-default`
 * keeps no-new-privileges.)
 */
function planNewPrivileges(options: Options, warnings: string[], notes: string[]): boolean {
  if (options.newPrivileges === 'yes') {
    warnings.push('Option --newprivileges=yes: x11docker does not set docker run option --security-opt=no-new-privileges. That degrades container security. However, this is still within a default docker setup.');
    return true;
  }
  if (options.newPrivileges === 'no') {
    if (options.sudouser) notes.push('Option --newprivileges=no with --sudouser: no-new-privileges is set, so sudo and su cannot gain root in the container.');
    return false;
  }
  return options.sudouser;
}

/**
 * Plans HOME, shared folders, RETAIN, sudo and locale, adding upstream's warnings and notes.
 * @param options parsed options.
 * @param host host facts (`pathKinds` and `realPaths` for the shared paths, `lang` for `--lang` alone).
 * @param user the container user chosen by the plan; the result's `user` replaces it on rootless
 *   docker when the session shares the host user's files or sockets ({@link rootlessHostUser}).
 * @param imageUser the image's USER (for `--user=RETAIN`: root or unset means root inside).
 * @param waylandOption the display option (e.g. `--weston`) whose Wayland socket, the host user's,
 *   the container gets; undefined when it gets none.
 * @throws X11DockerError for a missing shared path, `--home` with `--user=RETAIN`, `--sudouser` with
 *   `--user=RETAIN`, a folder the sensitive-path policy refuses.
 */
export function planContainerExtras(options: Options, host: HostFacts, user: ContainerUser, warnings: string[], notes: string[], imageUser: string, waylandOption?: string): Omit<ContainerExtras, 'env'> & { env: string[] } {
  const noSetup = options.integration.noSetup === true;
  if (noSetup) checkNoSetup(options);
  const imageUserKept = options.user?.toUpperCase() === 'RETAIN';
  // --no-setup: no user set-up as with RETAIN, but the command runs as user.uid:user.gid
  const retainUser = imageUserKept || noSetup;
  if (retainUser && options.sudouser) {
    throw new X11DockerError('Option --sudouser needs x11docker\'s user set-up, but --user=RETAIN keeps the image\'s user. Remove one of them.');
  }
  const s = options.services;
  const rootInside = rootInContainer({
    uid: user.uid, retainUser: imageUserKept, imageUser, rawRootUser: readRawOptions(options.raw).rootUser,
    rootHelpers: options.sudouser || (s.init !== 'tini' && s.init !== 'none') || s.dbusSystem || s.runAsRoot.length > 0,
  });
  // --home=VOLUME: HOME is the user's folder in the volume (upstream: /home.volume/VOLUME/USER)
  if (options.homeVolume !== undefined && !retainUser) user = { ...user, home: posix.join(homeVolumeBase(options.homeVolume), user.name) };
  const mounts = planMounts(options, host.hostUser, retainUser ? undefined : user, host.pathKinds ?? new Map(), warnings, notes, host.realPaths, rootInside, host.engineSockets);
  const stored = options.sudouser ? host.storedPassword : undefined;
  if (options.sudouser) warnings.push(stored ? SUDO_WARNING.replace(`password '${SUDO_PASSWORD}'`, `the password set with --password (${stored.file})`) : SUDO_WARNING);
  if (stored?.warning) warnings.push(stored.warning);
  if (options.sudouser && options.sudoNopasswd) warnings.push('Option --sudouser=nopasswd: sudo asks for no password, so every process of the container user can become root in the container.');
  if (noSetup) notes.push(noSetupNote(imageUserKept, user.uid, user.gid));
  else if (retainUser) notes.push("Option --user=RETAIN: the image's USER is kept; x11docker sets up no user, HOME or passwd entry.");
  if (retainUser && options.shell) notes.push(`Option --shell with --${noSetup ? 'no-setup' : 'user=RETAIN'}: only SHELL=${options.shell} is set; the image's passwd entry keeps its shell.`);
  const locale = options.lang !== undefined ? resolveLocale(options.lang, host.lang) : undefined;
  const engine = host.engine;
  const rootlessEngine = !!engine?.rootless && options.backend !== 'podman';
  const engineSelinux = !!engine?.selinux && !options.raw.values('--security-opt').some((v) => /^label[:=]disable$/.test(v));
  if (engineSelinux) {
    warnings.push(`${options.backend} runs with SELinux: x11docker's container gets the SELinux type container_runtime_t (docker run option --security-opt label=type:container_runtime_t), which lowers SELinux restrictions, so that it can use the new X socket.`);
  }
  // sockets x11docker shares are the host user's (mode 0600 or 0700; a compositor's 0755): another uid cannot connect
  const socketOptions = [options.integration.sharessh && '--sharessh', options.services.pulseaudio && options.services.pulseaudioMode !== 'tcp' && '--pulseaudio', options.services.pipewire && '--pipewire', options.integration.hostdbus && '--hostdbus', options.integration.printer === 'socket' && !!host.integration?.cupsSocket && '--printer', waylandOption].filter((o): o is string => !!o);
  const writable = mounts.mounts.some((m) => !m.readonly);
  if (rootlessEngine && !retainUser && (writable || socketOptions.length > 0) && user.uid === host.hostUser.uid && user.gid === host.hostUser.gid && user.uid !== 0) {
    user = rootlessHostUser(user);
    const why = [writable && 'what it writes to HOME and shared folders belongs to you', socketOptions.length && `it can use the sockets of ${socketOptions.join(', ')}`].filter(Boolean).join(' and ');
    notes.push(`${options.backend} runs rootless: the container command runs as root in the container, which is your own user outside, so that ${why}. It has no capabilities and cannot gain privileges.`);
  } else if (rootlessEngine && writable && user.uid !== 0) {
    notes.push(`${options.backend} runs rootless: shared host folders belong to root in the container, so the container user (uid ${user.uid}) may not write them. --user=root runs as root in the container, which is your own user outside.`);
  }
  // a raw --userns after -- (--userns=host turns remapping off for this container)
  const userns = options.raw.value('--userns');
  const usernsHost = userns === 'host';
  // with --home, --userns=host applies to all shared folders (below)
  if (engine?.usernsRemap && !rootlessEngine && !mounts.homeMounted && mounts.mounts.length > 0 && userns === undefined) {
    notes.push(`${options.backend} remaps user namespaces (userns-remap): shared folders keep host owners the container user does not have. Add docker run option --userns=host after -- to share them with your own user id.`);
  }
  // a remapped container user cannot use the host user's sockets
  const remapped = rootlessEngine ? user.uid !== 0 : !!engine?.usernsRemap && !usernsHost && !mounts.homeMounted;
  if (remapped && socketOptions.length > 0) {
    const fix = rootlessEngine ? 'Leave out --user (x11docker then runs the command as root in the container, which is you outside).' : 'Add docker run option --userns=host after -- to use them.';
    notes.push(`${options.backend} ${rootlessEngine ? 'runs rootless' : 'remaps user namespaces (userns-remap)'}: the container user is another uid on the host and cannot use the sockets of ${socketOptions.join(', ')}, which belong to you. ${fix}`);
  }
  const timezone = planTimezone(host.timezone, options.raw, options.env);
  return {
    user,
    retainUser,
    ...(noSetup && !imageUserKept ? { noSetupUser: true } : {}),
    sudo: options.sudouser,
    ...(options.sudouser && options.sudoNopasswd ? { sudoNopasswd: true } : {}),
    ...(stored ? { sudoPasswordHash: stored.hash } : {}),
    capAdd: options.sudouser ? [...SUDO_CAPABILITIES] : [],
    newPrivileges: planNewPrivileges(options, warnings, notes),
    mounts,
    locale,
    engineSelinux,
    rootlessEngine,
    timezone,
    rootInside,
    env: [...(locale ? [`LANG=${locale.name}`] : []), ...(timezone ? [timezone.env] : []), ...(options.shell ? [`SHELL=${options.shell}`] : [])],
  };
}

/**
 * The container user on rootless docker (or nerdctl) when the session shares the host user's
 * files or sockets: uid 0 and gid 0 in the container, which the engine's user namespace maps to
 * the host user, so files written to HOME and shared folders belong to the host user and the
 * host user's sockets are usable. (Rootless podman gets the same with `--userns=keep-id`, which
 * rootless docker lacks; otherwise the mirrored uid is a subordinate uid outside.) The name and
 * HOME (`/home/NAME`) stay the host user's, so a persistent HOME has the same path as on a
 * rootful engine; capabilities are dropped and no-new-privileges is set as always.
 */
export function rootlessHostUser(user: ContainerUser): ContainerUser {
  return { ...user, uid: 0, gid: 0, groupName: 'root' };
}

/**
 * The `docker create` options for these extras: the bind mounts (HOME first, then shared
 * folders), `--userns=host` with a persistent HOME (docker), and the compiled locale, read-only,
 * at glibc's normalized name.
 */
export function containerExtraArgs(c: ContainerExtras & { readonly backend: Backend }, rt: { readonly localeDir?: string }): string[] {
  // (a volume's read-only flag as `ro`: podman 4.3 refuses `readonly` for type=volume, docker takes both)
  const args = c.mounts.mounts.map((m) => (m.volume ? mountOption(['type=volume', `source=${m.source}`, `target=${m.target}`, ...(m.readonly ? ['ro'] : [])]) : bindMount(m.source, m.target, m.readonly)));
  // x11docker's cache inside a shared HOME: covered by an empty read-only tmpfs (other sessions' cookies)
  for (const m of c.mounts.masks) args.push(mountOption(['type=tmpfs', `destination=${m}`, 'readonly', 'tmpfs-mode=0500', 'tmpfs-size=4096']));
  // upstream: no user namespace remapping with a persistent HOME, so its files keep the host
  // user's ids (docker only; a daemon without remapping ignores it)
  // (rootless docker refuses it: there the container's root is the host user anyway)
  if (c.mounts.homeMounted && c.backend === 'docker' && !c.rootlessEngine) args.push('--userns=host');
  // at glibc's normalized name (de_DE.utf8), as locale-gen makes it: found for both spellings of LANG
  if (c.locale && rt.localeDir) args.push(bindMount(rt.localeDir, `${CONTAINER_LOCALE_DIR}/${c.locale.dirName}`));
  if (c.timezone?.mount) args.push(bindMount(c.timezone.mount.source, c.timezone.mount.target));
  return args;
}

/**
 * `--user=RETAIN` checks that need the image and the init/service plan:
 * - an image whose USER is root, 0 or unset runs the command as root: upstream's `--user=root`
 *   warning is given;
 * - an init system or `--dbus-system` starts the container as root and x11docker's launcher
 *   switches to x11docker's container user, so RETAIN could not be honoured: refused.
 * @param retainUser `--user=RETAIN` was given.
 * @param imageUser the image's USER (`Config.User`), '' when unset.
 * @param service what the container starts: the init system and whether it starts as root.
 * @param warnings receives the root warning.
 * @throws X11DockerError (exit 64) for RETAIN with an init system or `--dbus-system`.
 */
export function checkRetainUser(retainUser: boolean, imageUser: string, service: { readonly init: string; readonly rootLaunch: boolean }, warnings: string[]): void {
  if (!retainUser) return;
  if (service.rootLaunch) {
    const what = service.init === 'tini' || service.init === 'none' ? '--dbus-system' : `--init=${service.init}`;
    throw new X11DockerError(`Option --user=RETAIN cannot be combined with ${what}: the container starts as root and x11docker's launcher runs the command as its own container user, not the image's USER. Use --user=NAME or --user=UID:GID instead, or leave out ${what}.`);
  }
  const name = imageUser.split(':')[0] ?? '';
  if (isRootUser(imageUser, true)) {
    warnings.push(
      `Option --user=RETAIN: the image's USER is ${name === '' ? 'not set' : name}, so the container command runs as root. Its capabilities are dropped and no-new-privileges is set, ` +
        'but root in a container is still more dangerous if it breaks out.',
    );
  }
}
