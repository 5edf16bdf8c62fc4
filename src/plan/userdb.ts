/**
 * Pure edits of a container's user database (`/etc/passwd`, `/etc/group`, `/etc/shadow`,
 * `/etc/sudoers`), so that the container user mirrors the host user in images without
 * `useradd`, bash or GNU tools. Formats: passwd(5), group(5), shadow(5).
 */

/** The user the container command runs as. */
export interface ContainerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Name for the primary group, used when the image has no group with `gid`. */
  readonly groupName: string;
  /** HOME inside the container (absolute). */
  readonly home: string;
  /** Login shell written to passwd. */
  readonly shell: string;
}

/** The files as read from the container; `undefined` where the image has none. */
export interface UserDatabase {
  readonly passwd?: string;
  readonly group?: string;
  readonly shadow?: string;
  readonly sudoers?: string;
}

const lines = (text: string | undefined): string[] => (text ?? '').split('\n').filter((l) => l.trim() !== '');

/**
 * Adds the container user and locks the database down, as upstream x11docker's container set-up
 * does: an entry for the user (replacing any entry with the same name or uid), its primary group
 * if missing, the root password locked, and sudoers emptied (which also drops `@includedir`).
 * @param db the files as found in the image.
 * @param user the container user.
 * @returns the new file contents; `shadow`/`sudoers` only where the image has them.
 */
export function patchUserDatabase(db: UserDatabase, user: ContainerUser): Required<Pick<UserDatabase, 'passwd' | 'group'>> & UserDatabase {
  const passwdLines = lines(db.passwd);
  const hasRoot = passwdLines.some((l) => l.startsWith('root:'));
  const keptPasswd = passwdLines.filter((l) => {
    const [name, , uid] = l.split(':');
    if (user.uid === 0) return name !== user.name || name === 'root';
    return name !== user.name && Number(uid) !== user.uid;
  });
  if (!hasRoot) keptPasswd.unshift('root:x:0:0:root:/root:/bin/sh');
  if (user.uid !== 0 || user.name !== 'root') {
    keptPasswd.push(`${user.name}:x:${user.uid}:${user.gid}:${user.name},,,:${user.home}:${user.shell}`);
  }

  const groupLines = lines(db.group);
  if (!groupLines.some((l) => l.startsWith('root:'))) groupLines.unshift('root:x:0:');
  if (!groupLines.some((l) => Number(l.split(':')[2]) === user.gid)) {
    const nameTaken = groupLines.some((l) => l.split(':')[0] === user.groupName);
    groupLines.push(`${nameTaken ? `${user.groupName}_${user.gid}` : user.groupName}:x:${user.gid}:`);
  }

  const result: ReturnType<typeof patchUserDatabase> = {
    passwd: keptPasswd.join('\n') + '\n',
    group: groupLines.join('\n') + '\n',
  };
  if (db.shadow !== undefined) {
    const shadowLines = lines(db.shadow)
      .filter((l) => l.split(':')[0] !== user.name || user.name === 'root')
      .map((l) => {
        const f = l.split(':');
        if (f[0] === 'root') f[1] = '!';
        return f.join(':');
      });
    if (user.name !== 'root') shadowLines.push(`${user.name}:!:19000:0:99999:7:::`);
    return { ...result, shadow: shadowLines.join('\n') + '\n', ...(db.sudoers !== undefined ? { sudoers: '' } : {}) };
  }
  return { ...result, ...(db.sudoers !== undefined ? { sudoers: '' } : {}) };
}
