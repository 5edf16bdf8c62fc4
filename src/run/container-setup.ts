/**
 * Run-time steps for the container extras (src/plan/container-extras.ts): the persistent HOME
 * folder on the host, the `--lang` locale compiled from the image's own sources, and the user
 * database files with `--sudouser`. Called by the session supervisor before `docker create`.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printable, X11DockerError } from '../errors.js';
import { VOLUME_FIX, volumeKind } from '../options/volume-opts.js';
import { log } from '../log.js';
import { sessionLabels, bindMount } from '../plan/argv.js';
import type { SessionPlan } from '../plan/plan.js';
import { checkRawBindSources, checkRawOverOwn, checkWritesNotMounted, type InspectedMount } from '../plan/covered.js';
import { hostRealPaths } from '../host/paths.js';
import { pidExists } from '../host/pid.js';
import { withSudo } from '../plan/sudo.js';
import { patchUserDatabase, type UserDatabase } from '../plan/userdb.js';
import type { ContainerFile, Engine } from './engine.js';

/**
 * Creates the `--home` folder on the host (and missing parents, e.g. `~/x11docker`), mode 0700,
 * owned by the host user. It is kept after the session: that is its purpose.
 * @throws X11DockerError when it cannot be created.
 */
export function createHomeFolder(plan: SessionPlan): void {
  const dir = plan.container?.mounts.createHostDir;
  if (!dir) return;
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && d !== dirname(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
      if (plan.dropToHostUser) chownSync(d, plan.hostUser.uid, plan.hostUser.gid);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new X11DockerError(`Option --home: cannot create ${d} (${code}). Make its parent writable for ${plan.hostUser.name}, or choose another folder with --home=DIR.`, { cause: error });
    }
  }
  log.info(`created persistent HOME folder ${dir}`);
}

/**
 * Removes work folders (`.NAME.PID.tmp`) that a session killed during a locale compile (SIGKILL:
 * no cleanup ran) left in a locale cache folder: those whose pid no longer exists.
 */
function removeStaleWorkFolders(base: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^\..+\.(\d+)\.tmp$/.exec(n)?.[1]);
    if (!(pid > 0)) continue;
    if (!pidExists(pid)) rmSync(join(base, n), { recursive: true, force: true });
  }
}

/** Registers an undo step with the session. */
export type RegisterCleanup = (what: string, fn: () => Promise<void> | void) => void;

/**
 * Makes the `--lang` locale: `localedef` runs in a short-lived container of the same image (no
 * network, no capabilities, as the host user, `--rm` so that it goes away by itself even if
 * x11docker is killed) and writes the compiled locale into a host folder,
 * which is then mounted read-only at /usr/lib/locale/NAME (glibc's normalized name, `de_DE.utf8`). The result is cached per image id under
 * `~/.cache/x11docker/images/`. When the image has no localedef or no sources for the locale
 * (Debian: package `locales`), a note says so and the session goes on with LANG set.
 * @returns the host folder with the compiled locale, or undefined.
 */
export async function prepareLocale(plan: SessionPlan, engine: Engine, register: RegisterCleanup): Promise<string | undefined> {
  const c = plan.container;
  // (glibc's built-in C.UTF-8, C and POSIX need no compiled locale)
  if (!c?.locale || c.locale.builtin) return undefined;
  const { name, source, charmap } = c.locale;
  const key = /^sha256:([a-f0-9]{64})$/.exec(c.imageConfig.id)?.[1];
  const owner = plan.dropToHostUser ? plan.hostUser : undefined;
  const base = key ? join(plan.cacheDir, 'images', `${key}.locales`) : join(plan.sessionDir, 'locales');
  const done = join(base, name);
  removeStaleWorkFolders(base);
  if (existsSync(join(done, 'LC_CTYPE'))) return done;

  for (const d of [join(plan.cacheDir, 'images'), base]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (owner) chownSync(d, owner.uid, owner.gid);
  }
  const work = join(base, `.${name}.${process.pid}.tmp`);
  mkdirSync(work, { mode: 0o700 });
  if (owner) chownSync(work, owner.uid, owner.gid);
  register(`remove ${work}`, () => rmSync(work, { recursive: true, force: true }));
  const args = [
    'create', '--cap-drop=ALL', '--security-opt=no-new-privileges', '--network=none',
    // rootless docker: root in the container is the host user outside, who owns the work folder
    c.rootlessEngine ? '--user=0:0' : `--user=${plan.hostUser.uid}:${plan.hostUser.gid}`,
    ...sessionLabels(plan),
    bindMount(work, '/x11docker-locale', false), '--entrypoint=localedef', '--', c.image,
    '--no-archive', '-i', source, '-f', charmap, `/x11docker-locale/${name}`,
  ];
  let id: string;
  try {
    id = await engine.create(args);
  } catch (error) {
    log.note(`Option --lang: could not prepare ${name} (${(error as Error).message}); LANG=${name} is set anyway.`);
    return undefined;
  }
  register(`remove locale container ${id.slice(0, 12)}`, () => engine.remove(id));
  const r = await engine.runToEnd(id);
  await engine.remove(id);
  if (!existsSync(join(work, name, 'LC_CTYPE'))) {
    const why = localedefFailure(r.output, r.exitCode, source, charmap);
    log.note(
      `Option --lang: cannot create locale ${name} in image ${c.image} (${why}). Install the locale sources in the image ` +
        `(Debian: apt-get install locales). LANG=${name} is set anyway; programs fall back to the C locale.`,
    );
    return undefined;
  }
  try {
    renameSync(join(work, name), done);
  } catch {
    // a concurrent session made it first
    if (!existsSync(join(done, 'LC_CTYPE'))) return undefined;
  }
  log.info(`locale ${name} compiled from ${source}`);
  return done;
}

/** root's HOME, which images have (x11docker makes another user's HOME, also that of rootless docker's root: plan/container-extras.ts rootlessHostUser). */
const ROOT_HOME = '/root';

/**
 * Every path {@link userFiles} may write (whether or not the image has shadow/sudoers), known
 * before the image's user database is read: passwd, group, shadow, sudoers, HOME and its parent.
 */
export function userFilePaths(plan: SessionPlan): string[] {
  const c = plan.container!;
  if (c.retainUser) return [];
  const out = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/sudoers'];
  const home = c.user.home;
  if (home !== ROOT_HOME) {
    const parent = home.slice(0, home.lastIndexOf('/')) || '/';
    if (parent !== '/') out.push(parent);
    if (!c.mounts.homeMounted) out.push(home);
  }
  return out;
}

/**
 * Why `localedef` made no locale, from its stderr: the engine could not run it (the image has
 * no localedef), the locale source or the charmap is missing in the image, or another failure.
 * @param stderr what `docker start --attach` printed (engine and localedef messages).
 */
export function localedefFailure(stderr: string, exitCode: number | undefined, source: string, charmap: string): string {
  if (/executable file not found|exec: "?localedef"?: no such file|localedef: not found/i.test(stderr)) return 'the image has no localedef';
  if (/locale definition file|cannot open locale definition/i.test(stderr)) return `the image has no locale source ${source} (/usr/share/i18n/locales/${source})`;
  if (/character map|charmap/i.test(stderr)) return `the image has no charmap ${charmap} (/usr/share/i18n/charmaps/${charmap}.gz)`;
  return `localedef failed: ${stderr.trim().split('\n')[0] || `exit ${exitCode}`}`;
}

/**
 * The files that set up the container user: passwd, group, shadow, sudoers (with `--sudouser`:
 * a password entry and a sudoers line) and HOME (unless HOME is a mounted host folder).
 * Nothing with `--user=RETAIN`.
 * @param plan the session plan (with a container).
 * @param db the image's user database.
 */
export function userFiles(plan: SessionPlan, db: UserDatabase): ContainerFile[] {
  const c = plan.container!;
  if (c.retainUser) return [];
  const u = c.user;
  let patched: UserDatabase & { passwd: string; group: string } = patchUserDatabase(db, u);
  if (c.sudo) patched = { ...patched, ...withSudo(patched, u.name, c.sudoNopasswd, c.sudoPasswordHash) };
  const files: ContainerFile[] = [
    { path: '/etc/passwd', content: patched.passwd, mode: 0o644, uid: 0, gid: 0 },
    { path: '/etc/group', content: patched.group, mode: 0o644, uid: 0, gid: 0 },
  ];
  if (patched.shadow !== undefined) files.push({ path: '/etc/shadow', content: patched.shadow, mode: 0o640, uid: 0, gid: 0 });
  if (patched.sudoers !== undefined) files.push({ path: '/etc/sudoers', content: patched.sudoers, mode: 0o440, uid: 0, gid: 0 });
  if (u.home !== ROOT_HOME) {
    // no entry for HOME's parent: the engine makes a missing one (0755, root), and an existing
    // one may be a symbolic link (ostree-style images: /home -> var/home) that a folder entry
    // could not replace
    if (!c.mounts.homeMounted) files.push({ path: u.home, mode: 0o700, uid: u.uid, gid: u.gid });
  }
  return files;
}

/**
 * Checks a created container's mounts (`container inspect` .Mounts; docker, podman and nerdctl
 * answer .Destination/.Source/.Type) before x11docker reads or writes anything in it:
 * - refuses when a path x11docker writes lies at or below a mount it did not make for that
 *   purpose (a raw `-v`/`--mount` after `--`): `docker cp` would write through the mount onto
 *   the host (src/plan/covered.ts checkWritesNotMounted);
 * - applies the `--sharedir` sensitive-path policy to host folders that raw options bind-mount
 *   (checkRawBindSources), also through a named volume whose driver options bind a host path
 *   (`o=bind,device=PATH`, {@link Engine.volumeOptions}): refused ones are refused, warned ones
 *   warned about; a volume of the local driver with other driver options is refused
 *   (src/options/volume-opts.ts); every bind mount that is not x11docker's own (`own`, its targets) is judged;
 * - refuses raw mounts at or above x11docker's own mount targets (checkRawOverOwn).
 * @param paths absolute container paths that are about to be written (or read, for the user database).
 * @param ownTargets mount points x11docker made itself and writes on purpose (its tmpfs folders).
 * @param declared the container's mounts as its create arguments declare them (plan/covered.ts
 *   declaredMounts), which saves asking the engine; undefined: asked.
 * @param own the targets of x11docker's own mounts (plan/covered.ts ownMountTargets).
 * @throws X11DockerError (exit 64) on a conflict or when the mounts cannot be read.
 */
export async function checkContainerMounts(plan: SessionPlan, engine: Engine, id: string, paths: readonly string[], ownTargets: readonly string[], declared?: readonly InspectedMount[], own?: readonly string[]): Promise<void> {
  const raw = plan.container?.raw;
  if (!raw || (paths.length === 0 && raw.args.length === 0)) return;
  const mounts = declared ?? (await engine.mounts(id));
  const warnings: string[] = [];
  // a named volume of the local driver with o=bind,device=PATH is a bind mount of PATH in disguise;
  // other driver options (a block device, an overlay, a relative device) are refused
  const disguised: InspectedMount[] = [];
  for (const m of raw.mounts) {
    if (m.target === '') continue;
    // --mount type=volume,volume-opt=device=PATH: parsed as the bind it is (raw-options.ts), whatever the engine lists
    if (m.type === 'bind' && m.source?.startsWith('/')) disguised.push({ Type: 'bind', Source: m.source, Destination: m.target, RW: !m.readonly });
    const name = m.type === 'volume' ? m.source : m.volumeName;
    if (!name) continue;
    const volume = await engine.volumeOptions(name);
    if (!volume || volume.driver !== 'local') continue;
    const kind = volumeKind(volume.options);
    if (kind.kind === 'refused') throw new X11DockerError(`Raw option '${printable(m.text)}' is refused: ${printable(kind.why, 300)} (volume ${printable(name)}). ${VOLUME_FIX}`);
    if (kind.kind === 'bind') disguised.push({ Type: 'bind', Source: kind.device, Destination: m.target, RW: !m.readonly });
  }
  checkRawBindSources([...mounts, ...disguised], raw, (p) => hostRealPaths([p]).get(p) ?? p, plan.hostUser.home, warnings, plan.container?.rootInside, plan.cacheDir, own, plan.engineSockets);
  checkRawOverOwn(mounts, raw, own);
  checkWritesNotMounted(paths, mounts, ownTargets, raw);
  for (const w of new Set(warnings)) log.warning(w);
}
