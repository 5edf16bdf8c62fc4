/**
 * The host user: who x11docker runs X servers and keeps session files for.
 *
 * Upstream x11docker (check_hostuser): without root, the invoking user, with `$HOME` as its
 * home; as root, `--hostuser`, else `logname`, `SUDO_USER`, `PKEXEC_UID`, else root itself.
 * Nothing here assumes more than the process's uid and gid: a uid without a passwd entry (CI
 * runners, OpenShift-style arbitrary uids, `docker run -u 1234`, a failing LDAP/SSSD look-up) gets
 * a name made from the uid (`user1600`, as `--user=UID` names its users), `USER` and `LOGNAME`
 * are never read, and HOME is `$HOME`, else the passwd entry's; a HOME that is missing or not
 * writable is one line naming it and the fix ({@link hostHomeProblem}).
 */
import { accessSync, constants, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { printable, X11DockerError } from '../errors.js';
import type { Options } from '../options/parse.js';
import { run } from '../run/spawn.js';

/** A user account on the host, from the passwd database (defined here, not in facts.ts, so that host/ modules share it without import cycles). */
export interface HostUser {
  /** Login name. */
  readonly name: string;
  readonly uid: number;
  /** Primary group id. */
  readonly gid: number;
  /** Name of the primary group (falls back to the user name when unknown). */
  readonly groupName: string;
  /** Home directory on the host (absolute). */
  readonly home: string;
}

/** The host user, how it was found (`invoking`, `--hostuser`, `SUDO_USER`, `PKEXEC_UID`, `logname`, `root`), and notes for the user. */
export interface ResolvedHostUser {
  readonly user: HostUser;
  readonly source: string;
  readonly notes: readonly string[];
}

/** How to fix a missing or unusable HOME (the end of each HOME error). */
const HOME_FIX = 'Set HOME to a writable folder of yours, e.g. HOME=$(mktemp -d) x11docker ...';

/** One way to find the host user; returns undefined when it does not apply. */
interface HostUserStrategy {
  readonly name: string;
  find(): Promise<HostUser | undefined>;
}

/**
 * Finds the host user as upstream x11docker does: without root, the invoking user; as root,
 * `--hostuser`, then `SUDO_USER`, then `PKEXEC_UID`, then `logname`, else root itself.
 * @param options `hostuser` is read.
 * @param processUid uid of the x11docker process.
 * @param env the environment (`HOME`, `SUDO_USER`, `PKEXEC_UID`).
 * @throws X11DockerError when `--hostuser` is given without root, a named user does not exist,
 *   or the invoking user has neither `$HOME` nor a passwd entry.
 */
export async function resolveHostUser(options: Pick<Options, 'hostuser'>, processUid: number, env: NodeJS.ProcessEnv): Promise<ResolvedHostUser> {
  if (processUid !== 0) {
    const me = await invokingUser(processUid, env);
    if (options.hostuser && options.hostuser !== me.user.name && options.hostuser !== String(processUid)) {
      throw new X11DockerError(`Option --hostuser needs x11docker to run as root (you are ${me.user.name}). Run it with sudo, or leave --hostuser out.`);
    }
    return { ...me, source: 'invoking' };
  }
  const strategies: HostUserStrategy[] = [
    { name: '--hostuser', find: async () => (options.hostuser ? lookupUser(options.hostuser, 'Option --hostuser') : undefined) },
    { name: 'SUDO_USER', find: async () => (env.SUDO_USER && env.SUDO_USER !== 'root' ? lookupUser(env.SUDO_USER, 'SUDO_USER') : undefined) },
    { name: 'PKEXEC_UID', find: async () => (env.PKEXEC_UID && env.PKEXEC_UID !== '0' ? lookupUser(env.PKEXEC_UID, 'PKEXEC_UID') : undefined) },
    {
      name: 'logname',
      find: async () => {
        const name = await loginName();
        return name && name !== 'root' ? lookupUser(name).catch(() => undefined) : undefined;
      },
    },
  ];
  for (const s of strategies) {
    const user = await s.find();
    if (user) return { user, source: s.name, notes: [] };
  }
  return { ...(await invokingUser(0, env)), source: 'root' };
}

/**
 * The user x11docker runs as, from its uid alone: the passwd entry's name and group when there is
 * one, else `user<uid>` and `group<gid>` (or the group's name) with a note; HOME is `$HOME` when
 * it is an absolute path (upstream uses `$HOME` for the invoking user), else the passwd entry's.
 * @throws X11DockerError when there is neither `$HOME` nor a passwd entry.
 */
async function invokingUser(uid: number, env: NodeJS.ProcessEnv): Promise<{ user: HostUser; notes: string[] }> {
  const processGid = process.getgid?.() ?? uid;
  const groupOfProcess = groupName(processGid); // started at once: usually the passwd entry's group
  const entry = ownPasswdEntry(uid);
  const home = env.HOME && isAbsolute(env.HOME) ? resolve(env.HOME) : entry?.home || undefined;
  if (!home) {
    throw new X11DockerError(
      `HOME is not set and uid ${uid} has no passwd entry with a home folder on the host (getent passwd ${uid}): x11docker keeps its session files in $HOME/.cache/x11docker. ${HOME_FIX}`,
    );
  }
  if (entry) {
    const group = entry.gid === processGid ? await groupOfProcess : await groupName(entry.gid);
    return { user: { name: entry.name, uid, gid: entry.gid, groupName: group ?? entry.name, home }, notes: [] };
  }
  const name = uid === 0 ? 'root' : `user${uid}`;
  const group = (await groupOfProcess) ?? `group${processGid}`;
  return {
    user: { name, uid, gid: processGid, groupName: group, home },
    notes: [`Your uid ${uid} has no passwd entry on the host (getent passwd ${uid} finds none): x11docker calls you ${name} (group ${group}), with HOME=${printable(home)}.`],
  };
}

/**
 * The passwd entry of the x11docker process's own uid, read in-process (libuv's getpwuid_r, so
 * NSS users such as LDAP or SSSD ones are found as by `getent`); undefined when there is none.
 */
function ownPasswdEntry(uid: number): { name: string; gid: number; home: string } | undefined {
  try {
    const u = userInfo();
    return u.uid === uid ? { name: u.username, gid: u.gid, home: u.homedir } : undefined;
  } catch {
    return undefined; // ENOENT: no passwd entry
  }
}

/**
 * A group's name from the host's group database, as `getent group` finds it: from `/etc/group`
 * in-process when NSS asks that file first (`group: files ...` in /etc/nsswitch.conf, or no such
 * line: glibc's default), else, or when the file has no such group, `getent` (LDAP, SSSD, ...).
 * @returns undefined when unknown.
 */
async function groupName(gid: number): Promise<string | undefined> {
  const local = groupFromFile(gid);
  if (local !== undefined) return local;
  const g = await run('getent', ['group', String(gid)], { reject: false });
  return g.exitCode === 0 ? String(g.stdout).split(':')[0] || undefined : undefined;
}

/** The name of group `gid` in /etc/group, when NSS reads that file first; see {@link groupName}. */
function groupFromFile(gid: number): string | undefined {
  try {
    const nss = /^group:\s*(\S+)/m.exec(readFileSync('/etc/nsswitch.conf', 'utf8'))?.[1];
    if (nss !== undefined && nss !== 'files' && nss !== 'compat') return undefined;
  } catch {
    // no nsswitch.conf: glibc reads the files
  }
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && !/^[+-]/.test(name) && id === String(gid)) return name;
    }
  } catch {
    // unreadable: ask getent
  }
  return undefined;
}

/**
 * The login name, as `logname` (glibc getlogin) finds it: the audit login uid of the process
 * (`/proc/self/loginuid`; unset is 4294967295: no login name), looked up in the passwd database;
 * where the kernel has no such file, `logname` itself (utmp).
 */
async function loginName(): Promise<string | undefined> {
  let loginuid: string;
  try {
    loginuid = readFileSync('/proc/self/loginuid', 'utf8').trim();
  } catch {
    const r = await run('logname', [], { reject: false });
    return r.exitCode === 0 ? String(r.stdout).trim() || undefined : undefined;
  }
  if (!/^\d+$/.test(loginuid) || loginuid === '4294967295') return undefined;
  return (await lookupUser(loginuid).catch(() => undefined))?.name;
}

/**
 * Looks a user up in the host's passwd database (`getent`, so NSS users work too).
 * @param nameOrUid login name or numeric uid.
 * @param from where the name came from, for the error (e.g. `Option --user`, `SUDO_USER`).
 * @throws X11DockerError when there is no such user.
 */
export async function lookupUser(nameOrUid: string, from?: string): Promise<HostUser> {
  const r = await run('getent', ['passwd', nameOrUid], { reject: false });
  const fields = String(r.stdout).trim().split('\n')[0]?.split(':') ?? [];
  if (r.exitCode !== 0 || fields.length < 7) {
    const advice = from === 'Option --user' ? ' Users that are not host users can only be given by number: --user=UID or --user=UID:GID.' : '';
    throw new X11DockerError(`${from ? `${from}: h` : 'H'}ost user '${printable(nameOrUid)}' not found in the passwd database. Check the name (getent passwd ${printable(nameOrUid)}).${advice}`);
  }
  const gid = Number(fields[3]);
  const g = await run('getent', ['group', String(gid)], { reject: false });
  const groupName = g.exitCode === 0 ? String(g.stdout).split(':')[0]! : fields[0]!;
  return { name: fields[0]!, uid: Number(fields[2]), gid, groupName, home: fields[5]! };
}

/**
 * Why the host user's HOME cannot hold x11docker's session files (`HOME/.cache/x11docker`), or
 * undefined when it can. HOME must exist and be a folder (x11docker does not create a user's
 * HOME, unlike upstream's `mkdir -p`: a mistyped HOME would silently become a new folder); without
 * root, the first of `HOME/.cache/x11docker`, `HOME/.cache`, HOME that exists must be a folder the
 * process may write into. As root (which creates and then hands over the folders) only HOME's
 * existence is checked.
 * @param user the host user (`home`, `name`, `uid`).
 * @param asRoot x11docker runs as root.
 * @returns one line for the user naming HOME and the fix.
 */
export function hostHomeProblem(user: HostUser, asRoot: boolean): string | undefined {
  const who = `${user.name} (uid ${user.uid})`;
  const home = printable(user.home);
  let kind: Stats | undefined;
  try {
    kind = statSync(user.home, { throwIfNoEntry: false });
  } catch (error) {
    return `HOME=${home} of ${who} cannot be reached (${(error as NodeJS.ErrnoException).code}): x11docker keeps its session files in $HOME/.cache/x11docker. ${HOME_FIX}`;
  }
  if (!kind) return `HOME=${home} of ${who} does not exist: x11docker keeps its session files in $HOME/.cache/x11docker. Create it (mkdir -m 700 ${home}), or ${HOME_FIX.replace('Set', 'set')}`;
  if (!kind.isDirectory()) return `HOME=${home} of ${who} is not a folder: x11docker keeps its session files in $HOME/.cache/x11docker. ${HOME_FIX}`;
  if (asRoot) return undefined;
  for (const dir of [join(user.home, '.cache', 'x11docker'), join(user.home, '.cache'), user.home]) {
    let s: Stats | undefined;
    try {
      s = statSync(dir);
    } catch {
      continue; // missing, or its parent cannot be searched: the parent is judged next
    }
    try {
      if (!s.isDirectory()) throw new Error('not a folder');
      accessSync(dir, constants.W_OK | constants.X_OK);
      return undefined;
    } catch {
      return `${printable(dir)} is not a writable folder for ${who}: x11docker keeps its session files in $HOME/.cache/x11docker (HOME=${home}). ${HOME_FIX}`;
    }
  }
  return undefined;
}

/**
 * HOME of the user running x11docker, for `--cleanup` and x11docker-gui's session list:
 * `$HOME` when absolute, else the passwd entry's, else undefined (a uid without a passwd entry
 * and without HOME has no x11docker cache). Unlike `os.homedir()` it never throws.
 * @param env the environment (normally `process.env`).
 */
export function ownHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HOME && isAbsolute(env.HOME)) return env.HOME;
  try {
    return userInfo().homedir || undefined;
  } catch {
    return undefined; // no passwd entry (uv_os_get_passwd: ENOENT)
  }
}

/**
 * Why `--cachebasedir DIR` cannot hold x11docker's session folders, or undefined when it can.
 * DIR may be missing when its parent folder exists (x11docker creates DIR, mode 0700, as upstream
 * does); an existing DIR must be a folder of the host user (as root: of the host user or root),
 * not writable by group or others (they could swap a session folder's files), and, without root,
 * writable.
 * @param dir the absolute folder given.
 * @param user the host user.
 * @param asRoot x11docker runs as root (it then creates and hands over the folder).
 * @returns one line naming the option, the folder and the fix.
 */
export function cacheBaseProblem(dir: string, user: HostUser, asRoot: boolean): string | undefined {
  const shown = printable(dir);
  let st: Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    return `Option --cachebasedir: ${shown} cannot be reached (${(error as NodeJS.ErrnoException).code}). Give a folder of yours.`;
  }
  if (!st) {
    const parent = dirname(dir);
    const p = statSync(parent, { throwIfNoEntry: false });
    if (!p?.isDirectory()) return `Option --cachebasedir: the folder ${printable(parent)} does not exist. Create it, or give another folder.`;
    return undefined;
  }
  if (!st.isDirectory()) return `Option --cachebasedir: ${shown} is not a folder. Give a folder.`;
  if (st.uid !== user.uid && !(asRoot && st.uid === 0)) return `Option --cachebasedir: ${shown} belongs to uid ${st.uid}, not to ${user.name}: its owner could read the session cookies. Give a folder of ${user.name}.`;
  if ((st.mode & 0o022) !== 0) return `Option --cachebasedir: ${shown} is writable by others (mode ${(st.mode & 0o777).toString(8)}). Restrict it (chmod 700 ${shown}), or give another folder.`;
  if (!asRoot) {
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch {
      return `Option --cachebasedir: ${shown} is not writable for ${user.name}. Give a folder of yours.`;
    }
  }
  return undefined;
}
