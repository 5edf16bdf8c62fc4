/** Who the container command runs as (`--user`), from the host user and upstream's rules (pure). */
import { X11DockerError } from '../errors.js';
import type { HostFacts, HostUser } from '../host/facts.js';
import type { Options } from '../options/parse.js';
import type { ContainerUser } from './userdb.js';

/**
 * The container user: the host user by default; `--user=root`, `--user=NAME` (a host account) or
 * `--user=UID[:GID]` otherwise, with upstream's warnings.
 * @param options `--user`, `--shell` (the login shell; default /bin/sh).
 * @param host the host user, and the account `--user=NAME` names (`namedUser`).
 * @param warnings receives the warnings for root and for a user that is not the host user.
 * @throws X11DockerError for `--user=NAME` without such a host account.
 */
export function chooseContainerUser(options: Options, host: HostFacts, warnings: string[]): ContainerUser {
  const shell = options.shell ?? '/bin/sh';
  const fromHost = (u: HostUser): ContainerUser =>
    u.uid === 0
      ? { name: 'root', uid: 0, gid: 0, groupName: 'root', home: '/root', shell }
      : { name: u.name, uid: u.uid, gid: u.gid, groupName: u.groupName, home: `/home/${u.name}`, shell };
  const spec = options.user;
  const hostIds = [host.hostUser.name, String(host.hostUser.uid), `${host.hostUser.uid}:${host.hostUser.gid}`];
  if (spec === undefined || hostIds.includes(spec) || spec.toUpperCase() === 'RETAIN') {
    if (host.hostUser.uid === 0) {
      warnings.push('x11docker runs as root and found no other host user, so the container user is root. Use --hostuser=USER to run as a normal user.');
    }
    return fromHost(host.hostUser);
  }
  if (spec === 'root' || spec === '0' || spec === '0:0') {
    warnings.push(
      'Option --user=root: the container command runs as root. Its capabilities are dropped and no-new-privileges is set, ' +
        'but root in a container is still more dangerous if it breaks out.',
    );
    return fromHost({ name: 'root', uid: 0, gid: 0, groupName: 'root', home: '/root' });
  }
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) {
    const uid = Number(numeric[1]);
    const gid = numeric[2] !== undefined ? Number(numeric[2]) : uid;
    if (uid === 0) {
      warnings.push(`Option --user=${spec}: the container command runs as root (uid 0). Its capabilities are dropped and no-new-privileges is set, but root in a container is still more dangerous if it breaks out.`);
      return { name: 'root', uid: 0, gid, groupName: gid === 0 ? 'root' : `group${gid}`, home: '/root', shell };
    }
    if (uid === host.hostUser.uid) {
      // the host user's own uid with another group: keep its name and HOME
      warnings.push(`Option --user=${spec}: the container user is your host user with gid ${gid} instead of ${host.hostUser.gid}; files it writes to shared folders belong to group ${gid}.`);
      return { ...fromHost(host.hostUser), gid, groupName: gid === host.hostUser.gid ? host.hostUser.groupName : `group${gid}` };
    }
    warnings.push(`Option --user=${spec}: the container user (uid ${uid}, gid ${gid}) is not your host user; files it writes to shared folders belong to uid ${uid}.`);
    return { name: `user${uid}`, uid, gid, groupName: `group${gid}`, home: `/home/user${uid}`, shell };
  }
  if (!host.namedUser) {
    throw new X11DockerError(`Option --user=${spec}: no host user '${spec}'. Give an existing user name, root, or UID:GID.`);
  }
  warnings.push(`Option --user=${spec}: the container user is not your host user ${host.hostUser.name}.`);
  return fromHost(host.namedUser);
}
