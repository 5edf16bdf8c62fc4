/**
 * End to end: `--desktop` with real desktop environments built locally from Debian's packages
 * (test/images/desktop-*.Dockerfile, like the reference's x11docker/fluxbox and x11docker/xfce
 * images) in a nested Xephyr window on a host Xvfb that plays the user's display. Each test checks
 * a real window of the desktop on the new display, a screenshot of the user's display that is not
 * blank where the Xephyr window is, and that a signal ends the whole desktop (many processes,
 * reaped by the container's init) leaving nothing behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import {
  ensureEnded, leftovers, startHostDisplay, startSession, waitFor, waitForWindow, type HostDisplay, type RunningSession,
} from './helpers.js';

export const FLUXBOX_IMAGE = 'x11docker-test-desktop-fluxbox:latest';
export const XFCE_IMAGE = 'x11docker-test-desktop-xfce:latest';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** Geometry (`WxH+X+Y`, absolute) of the Xephyr window of display `n` on the user's display. */
async function xephyrWindow(display: string, n: number): Promise<string> {
  const tree = await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: display } });
  const line = tree.stdout.split('\n').find((l) => l.includes(`"x11docker :${n} `));
  assert.ok(line, `no Xephyr window for :${n} on ${display}:\n${tree.stdout}`);
  const m = /(\d+)x(\d+)[+-]\d+[+-]\d+\s+\+(-?\d+)\+(-?\d+)/.exec(line);
  assert.ok(m, `cannot parse window geometry: ${line}`);
  return `${m[1]}x${m[2]}+${m[3]}+${m[4]}`;
}

/** Number of distinct colours in the part `geometry` of a screenshot of the user's display. */
async function coloursIn(display: string, geometry: string): Promise<number> {
  const r = await execa('convert', ['x:root', '-crop', geometry, '+repage', '-format', '%k', 'info:'], { env: { DISPLAY: display } });
  return Number(r.stdout);
}

/**
 * What this session (display `n`) left: its container, X server, socket, lock and claim file.
 * (Other engineers' tests on this machine may leave things of their own meanwhile.)
 */
async function sessionLeftovers(n: number): Promise<string[]> {
  const l = await leftovers(n);
  return [
    ...l.containers.filter((c) => c.includes(`_X${n}_`)),
    ...l.xservers.filter((x) => x.includes(` :${n} `)),
    ...l.sockets,
    ...l.claims.filter((c) => c === `.x11docker-display-${n}.claim`),
  ];
}

async function assertNothingLeft(n: number): Promise<void> {
  await waitFor('session leftovers to disappear', async () => (await sessionLeftovers(n)).length === 0, 10000)
    .catch(async (e: Error) => assert.fail(`${e.message}: ${JSON.stringify(await sessionLeftovers(n))}`));
}

/**
 * Starts a desktop image with `--desktop --xephyr`, waits for `window` on the new display and for
 * a drawn desktop in the screenshot, then sends `signal` and checks the exit code and leftovers.
 */
async function desktopSession(image: string, window: string, signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  let s: RunningSession | undefined;
  try {
    s = await startSession(['--desktop', '--xephyr', image], { env: { DISPLAY: host.display } });
    await waitForWindow(s, window, 60000);
    const geometry = await xephyrWindow(host.display, s.display);
    // an empty Xephyr screen is one colour (black); a drawn desktop has a panel with text and icons
    let colours = 0;
    await waitFor('the desktop drawn in the Xephyr window', async () => (colours = await coloursIn(host.display, geometry)) > 20, 30000)
      .catch(() => assert.fail(`the Xephyr window ${geometry} looks blank (${colours} colours)`));
    s.child.kill(signal);
    const r = await s.child;
    assert.equal(r.exitCode, signal === 'SIGINT' ? 130 : 143, String(r.stderr));
    await assertNothingLeft(s.display);
  } finally {
    await ensureEnded(s?.child);
  }
}

describe('x11docker --desktop with desktop environments', () => {
  it('fluxbox (light): its window manager and toolbar run on the new display; SIGINT ends it all', async () => {
    await desktopSession(FLUXBOX_IMAGE, 'Fluxbox', 'SIGINT');
  });

  it('Xfce (full): the xfce4-panel window is on the new display; SIGTERM ends it all', async () => {
    await desktopSession(XFCE_IMAGE, 'xfce4-panel', 'SIGTERM');
  });
});
