/**
 * End to end: Wayland compositors and Xwayland, and --nothing. A host Xvfb plays the user's X
 * display; a headless weston started here plays the user's Wayland session (for --hostwayland and
 * --xwayland). Wayland clients come from weston's demo clients in test/images/wayland.Dockerfile.
 * Each test checks what the client really got (a connection to the compositor, the window in a
 * screenshot) and that the session's processes, sockets and runtime folder are gone afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLI, DEMO_IMAGE, ensureEnded, leftovers, startHostDisplay, startSession, waitFor, waitForWindow, x11docker, type HostDisplay,
} from './helpers.js';

const WAYLAND_IMAGE = 'x11docker-test-wayland:latest';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** A session started with --showenv: its child and the variables of its environment line (any variables). */
interface Started {
  readonly child: ResultPromise;
  readonly env: Record<string, string>;
}

/** Starts x11docker with `--showenv` (see helpers' startSession) and waits for its environment line. */
async function start(args: readonly string[], env: Record<string, string | undefined>): Promise<Started> {
  const s = await startSession(args, { env });
  return { child: s.child, env: s.xenv };
}

/** Host processes whose command line contains `text` (e.g. a session's socket name or display). */
async function processesWith(text: string): Promise<string[]> {
  const ps = await execa('ps', ['-eo', 'args='], { reject: false });
  return ps.stdout.split('\n').filter((l) => l.includes(text) && !l.includes('x11docker.js'));
}

/** Geometry (`WxH+X+Y`) of the nested weston window on the user's display. */
async function westonWindow(display: string): Promise<string> {
  const tree = await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: display } });
  const line = tree.stdout.split('\n').find((l) => l.includes('"Weston Compositor'));
  assert.ok(line, `no weston window on ${display}:\n${tree.stdout}`);
  const m = /(\d+)x(\d+)[+-]\d+[+-]\d+\s+\+(-?\d+)\+(-?\d+)/.exec(line)!;
  return `${m[1]}x${m[2]}+${m[3]}+${m[4]}`;
}

/** Highest colour saturation (0..1) in a part of a screenshot of the user's display. */
async function maxSaturation(display: string, geometry: string): Promise<number> {
  const r = await execa('convert', ['x:root', '-crop', geometry, '+repage', '-colorspace', 'HSL', '-channel', 'G', '-separate', '-format', '%[fx:maxima]', 'info:'], { env: { DISPLAY: display } });
  return Number(r.stdout);
}

/** Asserts that a session's compositor/Xwayland, socket, runtime folder and container are gone. */
async function assertGone(socketName: string, runtimeDir: string, display?: number): Promise<void> {
  await waitFor('the session to leave nothing', async () => {
    const l = await leftovers(display);
    const mine = l.containers.filter((c) => display === undefined || c.includes(`_X${display}_`));
    return (await processesWith(socketName)).length === 0 && !existsSync(runtimeDir) && mine.length === 0 && l.sockets.length === 0;
  }, 10000).catch(async (e: Error) => assert.fail(`${e.message}: processes ${JSON.stringify(await processesWith(socketName))}, runtime dir exists: ${existsSync(runtimeDir)}`));
}

describe('x11docker with Wayland compositors', () => {
  it('--weston: a Wayland client shows in a nested weston window on the user display; SIGINT leaves nothing', async () => {
    let s: Started | undefined;
    try {
      s = await start(['--weston', WAYLAND_IMAGE, 'weston-simple-shm'], { DISPLAY: host.display });
      assert.match(s.env.WAYLAND_DISPLAY ?? '', /^wayland-x11docker-\d+$/);
      assert.ok(existsSync(join(s.env.XDG_RUNTIME_DIR!, s.env.WAYLAND_DISPLAY!)), 'the compositor socket named by --showenv exists');
      assert.equal(s.env.DISPLAY, undefined, 'a pure Wayland session has no X display');
      const geometry = await westonWindow(host.display);
      // weston's own background and panel are grey; weston-simple-shm draws saturated colours
      let sat = 0;
      await waitFor('the Wayland client drawn in the weston window', async () => (sat = await maxSaturation(host.display, geometry)) > 0.6, 30000)
        .catch(() => assert.fail(`no client in the weston window (max saturation ${sat})`));
      s.child.kill('SIGINT');
      const r = await s.child;
      assert.equal(r.exitCode, 130, String(r.stderr));
      await assertGone(s.env.WAYLAND_DISPLAY!, s.env.XDG_RUNTIME_DIR!);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('--weston without DISPLAY is headless; the container gets only the socket in a private runtime folder, and --waylandenv', async () => {
    const probe = 'echo "rt=$XDG_RUNTIME_DIR wl=$WAYLAND_DISPLAY gdk=$GDK_BACKEND qt=$QT_QPA_PLATFORM x=${DISPLAY:-none}"; ' +
      'echo "files=$(ls -A "$XDG_RUNTIME_DIR" | tr "\\n" " ")"; echo "mode=$(stat -c %a:%u "$XDG_RUNTIME_DIR")"; ' +
      'timeout 2 weston-simple-shm >/dev/null 2>&1; echo "client=$?"';
    const r = await x11docker(['--weston', '--waylandenv', WAYLAND_IMAGE, 'sh', '-c', probe]);
    assert.equal(r.exitCode, 0, r.stderr);
    const m = /^rt=(\S+) wl=(wayland-x11docker-\d+) gdk=wayland qt=wayland x=none$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.match(r.stdout, new RegExp(`^files=${m[2]} $`, 'm'), 'only the compositor socket in the runtime folder');
    assert.match(r.stdout, /^mode=700:0$/m);
    assert.match(r.stdout, /^client=124$/m, 'the Wayland client connected and ran until timeout stopped it');
    assert.deepEqual(await processesWith(m[2]!), []);
  });

  it('--weston-xwayland: an X application on Xwayland in a nested weston; SIGTERM stops Xwayland and weston', async () => {
    let s: Started | undefined;
    try {
      s = await start(['--weston-xwayland', DEMO_IMAGE, 'xeyes'], { DISPLAY: host.display });
      const display = Number(s.env.DISPLAY!.slice(1));
      await waitForWindow(s.env, 'xeyes');
      assert.equal((await processesWith(`Xwayland :${display} `)).length, 1, 'the X server is Xwayland');
      const geometry = await westonWindow(host.display);
      // weston alone shows a grey pattern; Xwayland's black screen with xeyes' white eyes is on top of it
      const [w, h, x, y] = geometry.split(/[x+]/).map(Number) as [number, number, number, number];
      const below = `${w}x${h - 40}+${x}+${y + 40}`; // below weston's panel
      // weston composites the Xwayland window a moment after xeyes maps it: poll the screenshot
      let grey = '';
      const drawn = async () => {
        grey = (await execa('convert', ['x:root', '-crop', below, '+repage', '-colorspace', 'Gray', '-format', '%[fx:minima] %[fx:maxima]', 'info:'], { env: { DISPLAY: host.display } })).stdout;
        const [min, max] = grey.split(' ').map(Number) as [number, number];
        return min < 0.05 && max > 0.95;
      };
      await waitFor('a black X screen with white eyes in the weston window', drawn, 30000)
        .catch(() => assert.fail(`no black X screen with white eyes in the weston window (grey ${grey})`));
      s.child.kill('SIGTERM');
      const r = await s.child;
      assert.equal(r.exitCode, 143, String(r.stderr));
      await assertGone(`wayland-x11docker-${display}`, join(s.env.XAUTHORITY!, '..'), display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it("--weston=x (upstream's X and Wayland side by side): an X client on Xwayland and a Wayland client in the same nested weston window; SIGINT leaves nothing", async () => {
    let s: Started | undefined;
    try {
      s = await start(['--weston=x', WAYLAND_IMAGE, 'sh', '-c', 'xeyes & exec weston-simple-shm'], { DISPLAY: host.display });
      const display = Number(s.env.DISPLAY!.slice(1));
      await waitForWindow(s.env, 'xeyes');
      assert.equal((await processesWith(`Xwayland :${display} `)).length, 1, 'the X server is Xwayland');
      const geometry = await westonWindow(host.display);
      let sat = 0;
      await waitFor('the Wayland client drawn in the weston window', async () => (sat = await maxSaturation(host.display, geometry)) > 0.6, 30000)
        .catch(() => assert.fail(`no Wayland client in the weston window (max saturation ${sat})`));
      s.child.kill('SIGINT');
      const r = await s.child;
      assert.equal(r.exitCode, 130, String(r.stderr));
      await assertGone(`wayland-x11docker-${display}`, join(s.env.XAUTHORITY!, '..'), display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('--xw and --weston=X without DISPLAY: the container gets both DISPLAY and WAYLAND_DISPLAY, and an X and a Wayland client connect; --xw --xephyr notes the fallback', async () => {
    const probe = 'echo "x=${DISPLAY:-none} wl=${WAYLAND_DISPLAY:-none} files=$(ls -A "$XDG_RUNTIME_DIR" | tr "\\n" " ")"; ' +
      'timeout 2 weston-simple-shm >/dev/null 2>&1; echo "wayland=$?"; timeout 2 xeyes >/dev/null 2>&1; echo "x11=$?"';
    for (const opt of ['--xw', '--weston=X']) {
      const r = await x11docker([opt, WAYLAND_IMAGE, 'sh', '-c', probe], { env: { DISPLAY: undefined } });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^x=:\d+ wl=(wayland-x11docker-\d+) files=\1 $/m, `${opt}: ${r.stdout}`);
      // timeout's 124: the client connected and ran until stopped (1 at once without a display)
      assert.match(r.stdout, /^wayland=124$/m, `${opt}: ${r.stdout}`);
      assert.match(r.stdout, /^x11=124$/m, `${opt}: ${r.stdout}`);
      assert.doesNotMatch(r.stderr, /gives the container no Wayland socket/);
    }
    const fb = await x11docker(['--xw', '--xephyr', WAYLAND_IMAGE, 'true'], { env: { DISPLAY: host.display } });
    assert.equal(fb.exitCode, 0, fb.stderr);
    assert.match(fb.stderr, /Option --xw has no effect with --xephyr: .* Fallback: using --weston-xwayland --wayland\./);
  });

  it('--xpra-xwayland: an X application on Xwayland in a headless weston, shown seamlessly by xpra; nothing left', async () => {
    let s: Started | undefined;
    try {
      s = await start(['--xpra-xwayland', DEMO_IMAGE, 'xeyes'], { DISPLAY: host.display });
      const display = Number(s.env.DISPLAY!.slice(1));
      await waitForWindow(s.env, 'xeyes', 60000);
      assert.equal((await processesWith(`Xwayland :${display} `)).length, 1, 'the X server is Xwayland');
      // the xpra client shows the window on the user's display as a window of its own
      await waitFor('xeyes on the user display', async () => (await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: host.display } })).stdout.includes('"xeyes"'), 30000);
      s.child.kill('SIGTERM');
      const r = await s.child;
      assert.equal(r.exitCode, 143, String(r.stderr));
      await assertGone(`wayland-x11docker-${display}`, join(s.env.XAUTHORITY!, '..'), display);
      const helpers = (await processesWith(`:${display}`)).filter((l) => /^\S*(xpra|Xwayland|weston)\s/.test(l) || /python3 \S*xpra\s/.test(l));
      assert.deepEqual(helpers, [], 'no xpra or Xwayland of the session left');
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('--nothing runs the command with no display at all', async () => {
    const r = await x11docker(['--nothing', DEMO_IMAGE, 'sh', '-c', 'echo "x=${DISPLAY:-none} w=${WAYLAND_DISPLAY:-none} sockets=$(ls -A /tmp/.X11-unix 2>/dev/null | wc -l)"'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^x=none w=none sockets=0$/m);
  });
});

describe('x11docker in a user Wayland session', () => {
  let session: { dir: string; child: ResultPromise } | undefined;
  before(async () => {
    // a headless weston plays the user's Wayland desktop
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-userwl-'));
    const child = execa('weston', ['--backend=headless-backend.so', '--socket=wayland-user', '--no-config', '--idle-time=0'], { env: { XDG_RUNTIME_DIR: dir, PATH: process.env.PATH }, extendEnv: false, reject: false });
    session = { dir, child };
    await waitFor('the user weston socket', () => existsSync(join(dir, 'wayland-user')), 20000);
  });
  after(async () => {
    session?.child.kill('SIGTERM');
    await session?.child;
    if (session) rmSync(session.dir, { recursive: true, force: true });
  });

  it('--hostwayland gives the container the user\'s Wayland socket, with a warning', async () => {
    const r = await x11docker(['--hostwayland', WAYLAND_IMAGE, 'sh', '-c', 'ls -A "$XDG_RUNTIME_DIR"; timeout 2 weston-simple-shm >/dev/null 2>&1; echo "client=$?"'], {
      env: { WAYLAND_DISPLAY: 'wayland-user', XDG_RUNTIME_DIR: session!.dir },
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^wayland-user$/m);
    assert.match(r.stdout, /^client=124$/m);
    assert.match(r.stderr, /--hostwayland shares your Wayland compositor/);
  });

  it('--xwayland runs Xwayland in the user\'s Wayland session for an X application', async () => {
    const r = await x11docker(['--xwayland', DEMO_IMAGE, 'sh', '-c', 'xdpyinfo | grep -m1 "vendor string"'], {
      env: { WAYLAND_DISPLAY: 'wayland-user', XDG_RUNTIME_DIR: session!.dir },
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /vendor string/);
  });

  it('--hostwayland without WAYLAND_DISPLAY is a one-line error that starts nothing', async () => {
    const r = await x11docker(['--hostwayland', WAYLAND_IMAGE]);
    assert.equal(r.exitCode, 64);
    assert.match(r.stderr.trim(), /^x11docker error: --hostwayland needs your Wayland session/);
  });
});
