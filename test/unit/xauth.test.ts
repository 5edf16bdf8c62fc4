// Covers the Xauthority codec (src/xserver/xauth.ts): encode/decode round trip, wildcard entries,
// cookies, truncated files, and (when installed) that the real `xauth` reads our files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FamilyLocal, FamilyWild, MIT_MAGIC_COOKIE, decodeXauth, encodeXauth, newCookie, wildcardEntry, type XauthEntry } from '../../src/xserver/xauth.js';

/** Text that survives latin1 encoding: code points 0..255. */
const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const entryArb: fc.Arbitrary<XauthEntry> = fc.record({
  family: fc.integer({ min: 0, max: 0xffff }),
  address: bytes,
  number: latin1,
  name: latin1,
  data: bytes,
}).map((r) => ({ ...r })); // fc.record builds null-prototype objects; decode returns plain ones

describe('encode/decode', () => {
  test('round trip over random entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 8 }), (entries) => {
        assert.deepEqual(decodeXauth(encodeXauth(entries)), entries);
      }),
    );
  });

  test('known byte layout of one entry', () => {
    const file = encodeXauth([{ family: FamilyLocal, address: Buffer.from('h'), number: '7', name: 'N', data: Buffer.from([0xab, 0xcd]) }]);
    assert.equal(file.toString('hex'), '0100' + '0001' + '68' + '0001' + '37' + '0001' + '4e' + '0002' + 'abcd');
  });

  test('an empty file has no entries', () => {
    assert.deepEqual(decodeXauth(Buffer.alloc(0)), []);
    assert.equal(encodeXauth([]).length, 0);
  });

  test('a truncated tail is ignored', () => {
    const a = wildcardEntry(101, newCookie());
    const b = wildcardEntry(102, newCookie());
    const file = encodeXauth([a, b]);
    const one = encodeXauth([a]).length;
    for (let cut = one; cut < file.length; cut++) {
      assert.deepEqual(decodeXauth(file.subarray(0, cut)), [a], `cut at ${cut}`);
    }
    assert.deepEqual(decodeXauth(file), [a, b]);
  });

  test('fields longer than 65535 bytes are refused', () => {
    const big = { ...wildcardEntry(1, newCookie()), data: Buffer.alloc(0x10000) };
    assert.throws(() => encodeXauth([big]), RangeError);
  });
});

describe('cookies and wildcard entries', () => {
  test('wildcardEntry: FamilyWild, empty address, number as text, the cookie', () => {
    const cookie = newCookie();
    const e = wildcardEntry(101, cookie);
    assert.equal(e.family, 0xffff);
    assert.equal(e.family, FamilyWild);
    assert.equal(e.address.length, 0);
    assert.equal(e.number, '101');
    assert.equal(e.name, MIT_MAGIC_COOKIE);
    assert.equal(e.name, 'MIT-MAGIC-COOKIE-1');
    assert.equal(e.data.length, 16);
    assert.ok(e.data.equals(cookie));
  });

  test('newCookie gives 16 fresh random bytes', () => {
    const a = newCookie();
    const b = newCookie();
    assert.equal(a.length, 16);
    assert.equal(b.length, 16);
    assert.ok(!a.equals(b));
  });
});

describe('real xauth', { skip: existsSync('/usr/bin/xauth') ? false : '/usr/bin/xauth is not installed' }, () => {
  test('xauth lists our wildcard entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-xauth-'));
    try {
      const cookie = newCookie();
      const file = join(dir, 'Xauthority');
      writeFileSync(file, encodeXauth([wildcardEntry(101, cookie)]), { mode: 0o600 });
      const hex = cookie.toString('hex');

      const list = execFileSync('/usr/bin/xauth', ['-f', file, 'list'], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(list.length, 1, list.join('\n'));
      // e.g. "#ffff##:101  MIT-MAGIC-COOKIE-1  0bbae1226f3e74ed4ba6bdb8372b6d80"
      assert.match(list[0]!, new RegExp(`^#ffff#.*:101\\s+MIT-MAGIC-COOKIE-1\\s+${hex}$`));

      // nlist shows the raw fields: family, then each field as length and hex bytes
      const nlist = execFileSync('/usr/bin/xauth', ['-f', file, 'nlist'], { encoding: 'utf8' }).trim();
      assert.equal(nlist, `ffff 0000  0003 313031 0012 ${Buffer.from(MIT_MAGIC_COOKIE).toString('hex')} 0010 ${hex}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
