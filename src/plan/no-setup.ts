/**
 * `--no-setup` (upstream's): x11docker writes nothing into the container: no passwd, group,
 * shadow or sudoers entry, no HOME, no launcher under /x11docker. The command runs as the
 * container user's UID:GID without a name (`docker run --user UID:GID`), or as the image's USER
 * with `--user=RETAIN`; HOME, USER and the working folder are the image's (upstream: "You might
 * need to specify e.g. --workdir=/tmp or --env HOME=/tmp"). Displays, sockets, devices and
 * folders are still mounted: mounts change nothing inside the image.
 *
 * Upstream refuses `--dbus`, `--no-entrypoint`, `--runasroot`, `--runasuser` with it, falls back
 * from other init systems to tini, and only notes `--sudouser`. Here every option that needs the
 * set-up is refused (`--no-entrypoint` needs none here and works).
 */
import { X11DockerError } from '../errors.js';
import type { Options } from '../options/parse.js';

/**
 * Refuses the options `--no-setup` cannot serve.
 * @param options the command line's options, `integration.noSetup` set.
 * @throws X11DockerError (exit 64) naming the first such option and what to do instead.
 */
export function checkNoSetup(options: Pick<Options, 'services' | 'sudouser' | 'home'>): void {
  const s = options.services;
  const needsSetup = [
    [options.sudouser, '--sudouser', 'it writes the user into /etc/shadow and /etc/sudoers'],
    [s.init !== 'tini' && s.init !== 'none', `--init=${s.init}`, "its launcher in /x11docker starts the command as x11docker's container user"],
    [s.dbus || s.dbusSystem, s.dbusSystem ? '--dbus-system' : '--dbus', "it starts the command through x11docker's launcher"],
    [s.runAsRoot.length > 0, '--runasroot', "its commands run from x11docker's launcher"],
    [s.runAsUser.length > 0, '--runasuser', "its commands run from x11docker's launcher"],
    [options.home !== undefined, '--home', "HOME needs x11docker's container user (a passwd entry); use --sharedir and --env HOME=DIR"],
  ] as const;
  const hit = needsSetup.find(([given]) => given);
  if (hit) throw new X11DockerError(`Option --no-setup writes nothing into the container, but ${hit[1]} needs that: ${hit[2]}. Remove one of them.`);
}

/**
 * The note for a session with `--no-setup`: who the command runs as, and that HOME is the image's.
 * @param retainUser `--user=RETAIN` was given too (the image's USER).
 * @param uid the container user's uid (`docker run --user UID:GID`), else unused.
 * @param gid its gid.
 */
export function noSetupNote(retainUser: boolean, uid: number, gid: number): string {
  return `Option --no-setup: x11docker writes no user, HOME or passwd entry into the container; the command runs as ${retainUser ? "the image's USER" : `uid ${uid}, gid ${gid}, without a name`}. Give --workdir=DIR or --env HOME=DIR if it needs a HOME.`;
}
