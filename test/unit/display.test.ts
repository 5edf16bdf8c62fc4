// Covers display claiming (src/xserver/display.ts) in a temp folder standing in for /tmp:
// lock files and sockets make a number busy, claims are exclusive, release() is idempotent.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { FIRST_DISPLAY, claimDisplay, displayBusyReason, listeningAbstractSockets, xPaths, type DisplayClaim } from '../../src/xserver/display.js';
import { X11DockerError } from '../../src/errors.js';

let tmp: string;
let claims: DisplayClaim[];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'x11docker-display-'));
  mkdirSync(join(tmp, '.X11-unix'));
  claims = [];
});

afterEach(() => {
  for (const c of claims) c.release();
  rmSync(tmp, { recursive: true, force: true });
});

function claim(fixed?: number, skip?: ReadonlySet<number>): DisplayClaim {
  const c = claimDisplay(fixed, skip, tmp);
  claims.push(c);
  return c;
}

/** First display number from `from` that is not bound as an abstract socket on this host. */
function firstFreeFrom(from: number, exclude: ReadonlySet<number> = new Set()): number {
  const listening = listeningAbstractSockets();
  let n = from;
  while (exclude.has(n) || listening.has(xPaths(n).abstract)) n++;
  return n;
}

describe('xPaths', () => {
  test('lock file, socket and abstract socket of a display', () => {
    assert.deepEqual(xPaths(7, '/t'), { lock: '/t/.X7-lock', socket: '/t/.X11-unix/X7', abstract: '@/tmp/.X11-unix/X7' });
  });
});

describe('displayBusyReason', () => {
  test('a display with nothing is free', () => {
    assert.equal(displayBusyReason(105, new Set(), tmp), undefined);
  });

  test('lock file, socket and listening abstract socket each make it busy', () => {
    writeFileSync(join(tmp, '.X100-lock'), '');
    writeFileSync(join(tmp, '.X11-unix', 'X101'), '');
    assert.match(displayBusyReason(100, new Set(), tmp) ?? '', /lock file .*\.X100-lock/);
    assert.match(displayBusyReason(101, new Set(), tmp) ?? '', /socket .*X101/);
    assert.match(displayBusyReason(105, new Set(['@/tmp/.X11-unix/X105']), tmp) ?? '', /abstract socket @\/tmp\/\.X11-unix\/X105/);
    assert.equal(displayBusyReason(106, new Set(['@/tmp/.X11-unix/X105']), tmp), undefined);
  });

  test('a dangling symbolic link as lock file or socket makes it busy, and the reason says so', () => {
    symlinkSync(join(tmp, 'nowhere'), join(tmp, '.X120-lock'));
    symlinkSync(join(tmp, 'nowhere'), join(tmp, '.X11-unix', 'X121'));
    assert.match(displayBusyReason(120, new Set(), tmp) ?? '', /lock file .*\.X120-lock exists \(a dangling symbolic link to .*nowhere; remove it if no X server uses display :120\)/);
    assert.match(displayBusyReason(121, new Set(), tmp) ?? '', /socket .*X121 exists \(a dangling symbolic link/);
    assert.throws(() => claimDisplay(120, new Set(), tmp), /--display=120: display :120 is in use \(lock file .*dangling symbolic link/);
  });

  test('a claim by another session makes it busy', () => {
    const c = claim(110);
    assert.match(displayBusyReason(110, new Set(), tmp) ?? '', /claimed/);
    c.release();
    assert.equal(displayBusyReason(110, new Set(), tmp), undefined);
  });
});

describe('claimDisplay', () => {
  test('skips numbers whose lock file or socket exists', () => {
    writeFileSync(join(tmp, `.X${FIRST_DISPLAY}-lock`), '');
    writeFileSync(join(tmp, '.X11-unix', `X${FIRST_DISPLAY + 1}`), '');
    const c = claim();
    assert.equal(c.display, firstFreeFrom(FIRST_DISPLAY + 2));
    assert.equal(c.claimFile, join(tmp, `.x11docker-display-${c.display}.claim`));
    assert.equal(readFileSync(c.claimFile, 'utf8'), `${process.pid}\n`);
  });

  test('two claims in a row get different numbers', () => {
    const a = claim();
    const b = claim();
    assert.notEqual(a.display, b.display);
    assert.ok(existsSync(a.claimFile));
    assert.ok(existsSync(b.claimFile));
  });

  test('numbers in skip are passed over', () => {
    const first = firstFreeFrom(FIRST_DISPLAY);
    const c = claim(undefined, new Set([first]));
    assert.equal(c.display, firstFreeFrom(FIRST_DISPLAY, new Set([first])));
  });

  test('release() removes the claim file and is idempotent', () => {
    const a = claim();
    a.release();
    assert.ok(!existsSync(a.claimFile));
    assert.doesNotThrow(() => a.release());
    // The number is free again; a second release of the old claim must not remove the new one.
    const b = claim(a.display);
    assert.equal(b.claimFile, a.claimFile);
    a.release();
    assert.ok(existsSync(b.claimFile));
  });

  test('a fixed free display is claimed', () => {
    const c = claim(150);
    assert.equal(c.display, 150);
  });

  test('a fixed busy display is an X11DockerError naming --display', () => {
    writeFileSync(join(tmp, '.X150-lock'), '');
    assert.throws(() => claim(150), (err: unknown) => err instanceof X11DockerError && /--display/.test(err.message) && /:150/.test(err.message));
    claim(151);
    assert.throws(() => claim(151), (err: unknown) => err instanceof X11DockerError && /--display/.test(err.message));
  });

  test('the claim appears with its pid already in it, leaves no temporary file, and never writes through a planted symlink', () => {
    const n = firstFreeFrom(160);
    const victim = join(tmp, 'victim');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(tmp, `.x11docker-display-${n}.claim.${process.pid}.tmp`));
    const c = claim(n);
    assert.equal(readFileSync(c.claimFile, 'utf8'), `${process.pid}\n`);
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
    assert.ok(!existsSync(join(tmp, `.x11docker-display-${n}.claim.${process.pid}.tmp`)), 'temporary file removed');
  });

  test("a claim whose x11docker process is gone is taken over, with or without --display; a live one's is not", () => {
    const dead = spawnSync('true').pid!; // ended and reaped: nothing has this pid now
    const n = firstFreeFrom(170);
    writeFileSync(join(tmp, `.x11docker-display-${n}.claim`), `${dead}\n`);
    const automatic = claim(undefined, new Set(Array.from({ length: n - FIRST_DISPLAY }, (_, i) => FIRST_DISPLAY + i)));
    assert.equal(automatic.display, n, 'the dead session no longer holds the number');
    assert.equal(readFileSync(automatic.claimFile, 'utf8'), `${process.pid}\n`);
    const m = firstFreeFrom(n + 1);
    writeFileSync(join(tmp, `.x11docker-display-${m}.claim`), `${dead}\n`);
    assert.equal(claim(m).display, m);
    const k = firstFreeFrom(m + 1);
    writeFileSync(join(tmp, `.x11docker-display-${k}.claim`), `${process.ppid}\n`); // alive
    assert.throws(() => claim(k), /--display=\d+: display :\d+ is in use \(claimed by another x11docker session/);
    assert.equal(readFileSync(join(tmp, `.x11docker-display-${k}.claim`), 'utf8'), `${process.ppid}\n`, 'the live claim is untouched');
    assert.deepEqual(readdirSync(tmp).filter((f) => /\.(stale|tmp)$/.test(f)), [], 'no set-aside file left');
  });
});
