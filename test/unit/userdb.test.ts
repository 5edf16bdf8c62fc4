// Covers patchUserDatabase (src/plan/userdb.ts): the container user's passwd/group/shadow entries,
// replacing clashing entries, the locked root password and the emptied sudoers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { patchUserDatabase, type ContainerUser, type UserDatabase } from '../../src/plan/userdb.js';

const alice: ContainerUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice', shell: '/bin/sh' };
const rootUser: ContainerUser = { name: 'root', uid: 0, gid: 0, groupName: 'root', home: '/root', shell: '/bin/sh' };

const debian: UserDatabase = {
  passwd: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  group: 'root:x:0:\ndaemon:x:1:\nsudo:x:27:\nnogroup:x:65534:\n',
  shadow: 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n',
  sudoers: 'root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n',
};

const rows = (text: string | undefined): string[][] => (text ?? '').split('\n').filter((l) => l !== '').map((l) => l.split(':'));
const byName = (text: string | undefined, name: string): string[][] => rows(text).filter((f) => f[0] === name);
const byId = (text: string | undefined, id: number): string[][] => rows(text).filter((f) => Number(f[2]) === id);

describe('passwd', () => {
  test('adds the user with uid, gid, home and shell', () => {
    const out = patchUserDatabase(debian, alice);
    const entries = byName(out.passwd, 'alice');
    assert.equal(entries.length, 1);
    const f = entries[0]!;
    assert.equal(f.length, 7);
    assert.deepEqual([f[2], f[3], f[5], f[6]], ['1000', '1000', '/home/alice', '/bin/sh']);
    assert.ok(out.passwd.endsWith('\n'));
  });

  test('keeps the other entries', () => {
    const out = patchUserDatabase(debian, alice);
    for (const name of ['root', 'daemon', 'nobody']) assert.equal(byName(out.passwd, name).length, 1, name);
  });

  test('replaces an entry with the same uid', () => {
    const db = { ...debian, passwd: debian.passwd + 'ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n' };
    const out = patchUserDatabase(db, alice);
    assert.deepEqual(byName(out.passwd, 'ubuntu'), []);
    assert.equal(byId(out.passwd, 1000).length, 1);
    assert.equal(byId(out.passwd, 1000)[0]![0], 'alice');
  });

  test('replaces an entry with the same name', () => {
    const db = { ...debian, passwd: debian.passwd + 'alice:x:1234:1234::/home/old:/bin/bash\n' };
    const out = patchUserDatabase(db, alice);
    const entries = byName(out.passwd, 'alice');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]![2], '1000');
    assert.equal(entries[0]![5], '/home/alice');
    assert.deepEqual(byId(out.passwd, 1234), []);
  });

  test('root user: root is neither duplicated nor removed', () => {
    const out = patchUserDatabase(debian, rootUser);
    assert.equal(byName(out.passwd, 'root').length, 1);
    assert.equal(byId(out.passwd, 0).length, 1);
    assert.equal(rows(out.passwd).length, rows(debian.passwd).length);
    assert.equal(byName(out.group, 'root').length, 1);
    assert.equal(byName(out.shadow, 'root').length, 1);
  });
});

describe('group', () => {
  test('adds the primary group when its gid is missing', () => {
    const out = patchUserDatabase(debian, alice);
    assert.deepEqual(byName(out.group, 'alice'), [['alice', 'x', '1000', '']]);
  });

  test('keeps an existing group with the gid', () => {
    const db = { ...debian, group: debian.group + 'users:x:1000:\n' };
    const out = patchUserDatabase(db, alice);
    assert.deepEqual(byId(out.group, 1000), [['users', 'x', '1000', '']]);
    assert.deepEqual(byName(out.group, 'alice'), []);
  });

  test('renames the new group when its name is taken by another gid', () => {
    const db = { ...debian, group: debian.group + 'alice:x:500:\n' };
    const out = patchUserDatabase(db, alice);
    assert.deepEqual(byId(out.group, 500), [['alice', 'x', '500', '']]);
    const added = byId(out.group, 1000);
    assert.equal(added.length, 1);
    assert.notEqual(added[0]![0], 'alice');
    assert.equal(added[0]![0], 'alice_1000');
  });
});

describe('shadow and sudoers', () => {
  test("root's password is locked and the user gets an entry", () => {
    const out = patchUserDatabase(debian, alice);
    assert.equal(byName(out.shadow, 'root')[0]![1], '!');
    const a = byName(out.shadow, 'alice');
    assert.equal(a.length, 1);
    assert.equal(a[0]![1], '!');
    // other entries are untouched
    assert.deepEqual(byName(out.shadow, 'daemon'), [['daemon', '*', '19000', '0', '99999', '7', '', '', '']]);
  });

  test('a root password hash is replaced by "!"', () => {
    const db = { ...debian, shadow: 'root:$6$salt$hash:19000:0:99999:7:::\n' };
    const out = patchUserDatabase(db, rootUser);
    assert.deepEqual(byName(out.shadow, 'root')[0]!.slice(0, 3), ['root', '!', '19000']);
  });

  test('an old shadow entry of the user is replaced', () => {
    const db = { ...debian, shadow: debian.shadow + 'alice:$6$x$y:18000:0:99999:7:::\n' };
    const out = patchUserDatabase(db, alice);
    const a = byName(out.shadow, 'alice');
    assert.equal(a.length, 1);
    assert.equal(a[0]![1], '!');
  });

  test('sudoers is emptied when present', () => {
    assert.equal(patchUserDatabase(debian, alice).sudoers, '');
  });

  test('sudoers stays absent when the image has none', () => {
    const { sudoers: _unused, ...noSudo } = debian;
    const out = patchUserDatabase(noSudo, alice);
    assert.equal(out.sudoers, undefined);
    assert.ok(!('sudoers' in out));
  });
});

describe('minimal images', () => {
  test('busybox-like database without shadow', () => {
    const busybox: UserDatabase = {
      passwd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
      group: 'root:x:0:\nnogroup:x:65534:\n',
    };
    const out = patchUserDatabase(busybox, alice);
    assert.equal(out.shadow, undefined);
    assert.equal(out.sudoers, undefined);
    assert.equal(byName(out.passwd, 'alice').length, 1);
    assert.equal(byName(out.passwd, 'root').length, 1);
    assert.equal(byName(out.group, 'alice').length, 1);
  });

  test('no passwd and no group: root and the user are created', () => {
    const out = patchUserDatabase({}, alice);
    assert.deepEqual(rows(out.passwd).map((f) => f[0]), ['root', 'alice']);
    assert.deepEqual(byName(out.passwd, 'root'), [['root', 'x', '0', '0', 'root', '/root', '/bin/sh']]);
    assert.deepEqual(rows(out.group).map((f) => [f[0], f[2]]), [['root', '0'], ['alice', '1000']]);
    assert.equal(out.shadow, undefined);
  });

  test('no passwd, root user: exactly one root entry', () => {
    const out = patchUserDatabase({}, rootUser);
    assert.deepEqual(rows(out.passwd).map((f) => f[0]), ['root']);
    assert.deepEqual(rows(out.group).map((f) => f[0]), ['root']);
  });
});
