// Covers the host time zone lookup (src/host/timezone.ts) on a fake host root, and what the
// container gets (src/plan/timezone.ts, through planSession and docker create's arguments).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTimezone } from '../../src/host/timezone.js';
import { planTimezone } from '../../src/plan/timezone.js';
import { parseRawOptions } from '../../src/options/raw-options.js';

const none = parseRawOptions([]);

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A fake host root with zone files for the given names. */
function fakeRoot(zones: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'x11docker-tz-'));
  roots.push(root);
  mkdirSync(join(root, 'etc'));
  for (const z of zones) {
    mkdirSync(join(root, 'usr/share/zoneinfo', z, '..'), { recursive: true });
    writeFileSync(join(root, 'usr/share/zoneinfo', z), `TZif ${z}`);
  }
  return root;
}

describe('hostTimezone', () => {
  test('/etc/localtime as a link into the zone database names the zone', () => {
    const root = fakeRoot(['Europe/Berlin']);
    symlinkSync(join(root, 'usr/share/zoneinfo/Europe/Berlin'), join(root, 'etc/localtime'));
    assert.deepEqual(hostTimezone({}, root), { name: 'Europe/Berlin', file: join(root, 'usr/share/zoneinfo/Europe/Berlin') });
  });

  test('the name comes from the link, also when the zone file is itself a link to another name', () => {
    const root = fakeRoot(['UCT']);
    mkdirSync(join(root, 'usr/share/zoneinfo/Etc'));
    symlinkSync('../UCT', join(root, 'usr/share/zoneinfo/Etc/UTC'));
    symlinkSync('../usr/share/zoneinfo/Etc/UTC', join(root, 'etc/localtime'));
    assert.deepEqual(hostTimezone({}, root), { name: 'Etc/UTC', file: join(root, 'usr/share/zoneinfo/UCT') });
  });

  test('TZ wins: a zone name, :NAME, a path to a zone file, or a POSIX string', () => {
    const root = fakeRoot(['Asia/Kolkata', 'Europe/Berlin']);
    symlinkSync(join(root, 'usr/share/zoneinfo/Europe/Berlin'), join(root, 'etc/localtime'));
    const kolkata = { name: 'Asia/Kolkata', file: join(root, 'usr/share/zoneinfo/Asia/Kolkata') };
    assert.deepEqual(hostTimezone({ TZ: 'Asia/Kolkata' }, root), kolkata);
    assert.deepEqual(hostTimezone({ TZ: ':Asia/Kolkata' }, root), kolkata);
    assert.deepEqual(hostTimezone({ TZ: '/usr/share/zoneinfo/Asia/Kolkata' }, root), kolkata);
    assert.deepEqual(hostTimezone({ TZ: 'UTC+05' }, root), { name: 'UTC+05' });
    // a path that is a link into the zone database (TZ=:/etc/localtime) names the linked zone
    assert.deepEqual(hostTimezone({ TZ: ':/etc/localtime' }, root), { name: 'Europe/Berlin', file: join(root, 'usr/share/zoneinfo/Europe/Berlin') });
    // a TZ with blanks or control characters is ignored: /etc/localtime decides
    assert.equal(hostTimezone({ TZ: 'bad value\nwith newline' }, root)?.name, 'Europe/Berlin');
  });

  test('/etc/timezone (Debian) when /etc/localtime is a copy; nothing known: undefined', () => {
    const root = fakeRoot(['America/New_York']);
    writeFileSync(join(root, 'etc/localtime'), 'TZif copy');
    writeFileSync(join(root, 'etc/timezone'), 'America/New_York\n');
    assert.deepEqual(hostTimezone({}, root), { name: 'America/New_York', file: join(root, 'usr/share/zoneinfo/America/New_York') });
    assert.equal(hostTimezone({}, fakeRoot([])), undefined);
  });

  test('a name with .. never becomes a path', () => {
    const root = fakeRoot(['Europe/Berlin']);
    assert.deepEqual(hostTimezone({ TZ: '../../../etc/passwd' }, root), { name: '../../../etc/passwd' });
    assert.equal(planTimezone({ name: '../../../etc/passwd' }, none, [])!.mount, undefined);
  });
});

describe('planTimezone', () => {
  const berlin = { name: 'Europe/Berlin', file: '/usr/share/zoneinfo/Europe/Berlin' };

  test('TZ and the host zone file, mounted where the zone name is looked up', () => {
    const mounted = { env: 'TZ=Europe/Berlin', mount: { source: berlin.file, target: '/usr/share/zoneinfo/Europe/Berlin' } };
    assert.deepEqual(planTimezone(berlin, none, []), mounted);
    // also with a read-only root filesystem (the engine makes the mount point before it is read-only)
    assert.deepEqual(planTimezone(berlin, parseRawOptions(['--read-only']), []), mounted);
  });

  test('only TZ: a POSIX string, --env TZ=..., or the user mounts the zone database', () => {
    assert.deepEqual(planTimezone({ name: 'UTC+05' }, none, []), { env: 'TZ=UTC+05' });
    assert.deepEqual(planTimezone(berlin, none, ['TZ=Asia/Tokyo']), { env: 'TZ=Europe/Berlin' });
    assert.deepEqual(planTimezone(berlin, parseRawOptions(['-v', '/usr/share/zoneinfo:/usr/share/zoneinfo:ro']), []), { env: 'TZ=Europe/Berlin' });
    // a raw --env TZ, and a raw mount that would cover the zone file's place
    assert.deepEqual(planTimezone(berlin, parseRawOptions(['-e', 'TZ=Asia/Tokyo']), []), { env: 'TZ=Europe/Berlin' });
    assert.deepEqual(planTimezone(berlin, parseRawOptions(['--mount', 'type=bind,src=/x,dst=/usr/share']), []), { env: 'TZ=Europe/Berlin' });
    assert.ok(planTimezone(berlin, parseRawOptions(['-v', '/x:/usr/share/zone', '-e', 'LANG=C']), [])!.mount);
    assert.equal(planTimezone(undefined, none, []), undefined);
  });
});
