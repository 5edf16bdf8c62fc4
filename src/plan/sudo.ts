/**
 * `--sudouser`: sudo for the container user, as upstream x11docker offers it: the password is
 * `x11docker`, the user gets an entry in `/etc/sudoers`, and the container gets back the
 * capabilities upstream adds for it (see {@link SUDO_CAPABILITIES}). no-new-privileges must be off, or the setuid bit of
 * sudo has no effect. If an application breaks out of the container, it can then do anything.
 */

/** The fixed sudo password of upstream x11docker. */
export const SUDO_PASSWORD = 'x11docker';

/** SHA-512 crypt(3) hash of {@link SUDO_PASSWORD} (`openssl passwd -6 -salt x11dockersalt x11docker`). */
export const SUDO_PASSWORD_HASH = '$6$x11dockersalt$vXcSYZBNfNTkKjjexgLkO61rLAR1yS4LpYYnl9XOAXxSqgM.nnWwh/4JgpujkhZWUXm8YU2xJ.zcQpU5Syeeq.';

/**
 * Capabilities added with `--sudouser` (the rest stay dropped): upstream's set for container
 * administration (CHOWN, KILL, FSETID, FOWNER, SETPCAP) plus the ones for switching the user
 * (SETUID, SETGID, DAC_OVERRIDE, AUDIT_WRITE), as upstream's `--sudouser` adds them.
 */
export const SUDO_CAPABILITIES = ['CHOWN', 'KILL', 'FSETID', 'FOWNER', 'SETPCAP', 'SETUID', 'SETGID', 'DAC_OVERRIDE', 'AUDIT_WRITE'] as const;

/** The isolation warning for `--sudouser`. */
export const SUDO_WARNING =
  `Option --sudouser: the container user may run sudo with password '${SUDO_PASSWORD}'. ` +
  'This adds capabilities (' + SUDO_CAPABILITIES.join(', ') + ') and allows new privileges: root in the container is one password away, ' +
  'and if an application breaks out of the container, it can do anything.';

/**
 * Applies `--sudouser` to a patched user database: the user's shadow entry gets the password
 * hash, and sudoers allows the user everything (with password).
 * @param db passwd/group/shadow/sudoers as written into the container.
 * @param userName the container user.
 * @param nopasswd `--sudouser=nopasswd`: sudo asks for no password (upstream's).
 * @param hash the password's crypt(3) hash: the one `--password` stored, else {@link SUDO_PASSWORD_HASH}.
 * @returns new shadow and sudoers contents (shadow created when the image had none).
 */
export function withSudo(db: { readonly shadow?: string; readonly sudoers?: string }, userName: string, nopasswd = false, hash = SUDO_PASSWORD_HASH): { shadow: string; sudoers: string } {
  const lines = (db.shadow ?? '').split('\n').filter((l) => l.trim() !== '' && l.split(':')[0] !== userName);
  if (!lines.some((l) => l.startsWith('root:'))) lines.unshift('root:!:19000:0:99999:7:::');
  lines.push(`${userName}:${hash}:19000:0:99999:7:::`);
  return {
    shadow: lines.join('\n') + '\n',
    sudoers: `Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n${userName} ALL=(ALL:ALL) ${nopasswd ? 'NOPASSWD: ' : ''}ALL\n`,
  };
}
