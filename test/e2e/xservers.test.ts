// End-to-end tests of the display options of issue 3 on real servers: xpra (seamless and
// desktop), nxagent (seamless and desktop), Xdummy, --wm, --exe, --nothing. Each test checks
// where the app's window really is (xwininfo on the new display and on the user's display),
// that a screenshot of the user's display shows it where the mode is visible, and that nothing
// is left afterwards. Set X11DOCKER_SCREENSHOTS=DIR to keep the screenshots (docs/*.png).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import {
  DEMO_IMAGE, assertNothingLeft, ensureEnded, leftovers, startHostDisplay, startSession, waitFor, waitForPaintedDisplay, waitForWindow, x11docker, xclient,
  type HostDisplay, type RunningSession,
} from './helpers.js';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** The user's display window tree. */
async function hostTree(): Promise<string> {
  return (await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: host.display } })).stdout;
}

/** Whether a window manager runs on the user's display: some client redirects the root's substructure. */
async function managedByWm(): Promise<boolean> {
  const events = (await execa('xwininfo', ['-root', '-events'], { env: { DISPLAY: host.display } })).stdout;
  return /Someone wants these events:[\s\S]*SubstructureRedirect[\s\S]*Do not propagate/.test(events);
}

/** Screenshot of the user's display: waits until it is not blank, keeps it when asked. */
async function screenshot(name: string): Promise<void> {
  await waitForPaintedDisplay(host.display, 0.05);
  const dir = process.env.X11DOCKER_SCREENSHOTS;
  if (dir) await execa('import', ['-window', 'root', join(dir, `${name}.png`)], { env: { DISPLAY: host.display } });
}

/** Runs a seamless/desktop session with xeyes, checks the windows, then ends it with SIGINT. */
async function visibleSession(args: string[], check: (s: RunningSession) => Promise<void>, shot: string): Promise<void> {
  let s: RunningSession | undefined;
  try {
    s = await startSession([...args, DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
    assert.notEqual(`:${s.display}`, host.display);
    await waitForWindow(s, 'xeyes', 30000);
    await check(s);
    await screenshot(shot);
    s.child.kill('SIGINT');
    const r = await s.child;
    assert.equal(r.exitCode, 130, String(r.stderr));
    await assertNothingLeft(s.display, dirname(s.xenv.XAUTHORITY!));
  } finally {
    await ensureEnded(s?.child);
  }
}

describe('--xpra', () => {
  it('seamless: the app window appears as its own window on the user display; XTEST on (xpra injects input), MIT-SHM off', async () => {
    await visibleSession(['--xpra'], async (s) => {
      await waitFor('xeyes as a window of its own on the user display', async () => /"xeyes": \("xeyes" "XEyes"\)/.test(await hostTree()), 30000);
      const ext = (await xclient('xdpyinfo', ['-queryExtensions'], s.xenv)).stdout;
      assert.doesNotMatch(ext, /MIT-SHM/);
      assert.match(ext, /XTEST/);
      // cookie only: no host-based entries (Debian's /etc/xpra made the server run Xsession,
      // whose xhost +si:localuser:USER let every process of the user in without the cookie)
      const acl = await xclient('xhost', [], s.xenv);
      assert.match(acl.stdout, /^access control enabled/m, acl.stderr);
      assert.doesNotMatch(acl.stdout, /^SI:|^INET|^LOCAL:/m);
      // the xpra server's socket is private to the host user (mode 0700 folder in the session folder)
      const ps = (await execa('ps', ['-eo', 'args='])).stdout;
      assert.match(ps, new RegExp(`xpra attach socket:\\S+/\\.cache/x11docker/\\w+/xpra/socket`));
    }, 'xpra-seamless');
  });

  it('--desktop: the whole new screen in one xpra window on the user display', async () => {
    await visibleSession(['--xpra', '--desktop', '--size=640x480'], async (s) => {
      await waitFor('an xpra desktop window of 640x480 on the user display', async () => /\("xpra-desktop" "Xpra-Desktop"\)\s+640x480/.test(await hostTree()), 30000);
      // the app is not a window of its own on the user display
      assert.doesNotMatch(await hostTree(), /"xeyes": \("xeyes"/);
      assert.match((await xclient('xdpyinfo', [], s.xenv)).stdout, /dimensions:\s+640x480/);
    }, 'xpra-desktop');
  });
});

describe('--nxagent', () => {
  it('seamless (rootless): the app window on the user display; MIT-SHM and XTEST off', async () => {
    await visibleSession(['--nxagent'], async (s) => {
      await waitFor('xeyes on the user display', async () => /"xeyes": \("xeyes" "XEyes"\)/.test(await hostTree()), 30000);
      const ext = (await xclient('xdpyinfo', ['-queryExtensions'], s.xenv)).stdout;
      assert.doesNotMatch(ext, /MIT-SHM|XTEST/);
      // cookie authentication: without the cookie the new display refuses
      const r = await execa('xdpyinfo', [], { env: { DISPLAY: s.xenv.DISPLAY, XAUTHORITY: '/dev/null' }, reject: false });
      assert.notEqual(r.exitCode, 0);
    }, 'nxagent-seamless');
  });

  /** An nxagent desktop of --size=640x480 with xeyes: one window of that size on the user display holding the whole new screen. */
  const desktopOfSize = (shot: string, check: (window: string) => Promise<void> = async () => undefined) =>
    visibleSession(['--nxagent', '--desktop', '--size=640x480'], async (s) => {
      const windowLine = new RegExp(`^\\s*(0x[0-9a-f]+) "x11docker :${s.display}[^"]*": \\("NXAgent" "NXAgent"\\)\\s+640x480`, 'm');
      await waitFor('the nxagent desktop window of 640x480', async () => windowLine.test(await hostTree()), 30000);
      assert.match((await xclient('xdpyinfo', [], s.xenv)).stdout, /dimensions:\s+640x480/);
      assert.doesNotMatch(await hostTree(), /"xeyes": \("xeyes"/);
      await check(windowLine.exec(await hostTree())![1]!);
    }, shot);

  it('--desktop --size without a window manager on the user display: nxagent is sized after start', async () => {
    // nxagent forces its fullscreen mode (a window of 3/4 of the user screen) without a window
    // manager, whatever --size says; x11docker resizes its window, and nxagent its screen with it
    assert.equal(await managedByWm(), false, 'no window manager on the user display');
    await desktopOfSize('nxagent-desktop-nowm');
  });

  it('--desktop --size with a window manager on the user display (twm): nxagent takes the geometry itself', async () => {
    const rc = join(mkdtempSync(join(tmpdir(), 'x11docker-twm-')), 'twmrc');
    writeFileSync(rc, 'RandomPlacement\nNoTitle\n');
    // twm needs a font set for the locale: with C.UTF-8 and no X fonts beyond the built-in ones it
    // ends at once ("unable to open fontset"), which made this test silently run without a window manager
    const wm = execa('twm', ['-f', rc], { env: { DISPLAY: host.display, LC_ALL: 'C' }, reject: false, stdout: 'ignore', stderr: 'pipe' });
    try {
      await waitFor('twm to manage the user display', async () => wm.exitCode === null && (await managedByWm()), 10000)
        .catch((e: Error) => assert.fail(`${e.message}: twm ${wm.exitCode === null ? 'runs' : `ended: ${String(wm.stderr)}`}`));
      await desktopOfSize('nxagent-desktop', async (window) => {
        const parent = (await execa('xwininfo', ['-id', window, '-children'], { env: { DISPLAY: host.display } })).stdout;
        assert.doesNotMatch(parent, /Parent window id: 0x[0-9a-f]+ \(the root window\)/, 'twm put the nxagent window into a frame');
      });
    } finally {
      wm.kill();
      await wm;
      rmSync(dirname(rc), { recursive: true, force: true });
    }
  });
});

describe('--fullscreen', () => {
  it('Xephyr: its window covers the whole user screen, and the new screen has the user screen size', async () => {
    await visibleSession(['--xephyr', '--fullscreen'], async (s) => {
      await waitFor('an Xephyr window of 1280x900 at +0+0 on the user display', async () => new RegExp(`"x11docker :${s.display}[^"]*": \\("Xephyr" "Xephyr"\\)\\s+1280x900\\+0\\+0`).test(await hostTree()), 30000);
      assert.match((await xclient('xdpyinfo', [], s.xenv)).stdout, /dimensions:\s+1280x900/);
    }, 'xephyr-fullscreen');
  });
});

describe('--xdummy', () => {
  it('runs the app on an invisible Xorg with the dummy driver, of --size, and leaves nothing', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xdummy', '--size=800x600', DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
      await waitForWindow(s, 'xeyes');
      const info = (await xclient('xdpyinfo', ['-queryExtensions'], s.xenv)).stdout;
      assert.match(info, /dimensions:\s+800x600/);
      assert.doesNotMatch(info, /MIT-SHM|XTEST/);
      assert.match((await execa('ps', ['-eo', 'args='])).stdout, new RegExp(`/usr/lib/xorg/Xorg :${s.display} .*-config \\S+xorg\\.dummy\\.conf`));
      // invisible: nothing on the user display
      assert.doesNotMatch(await hostTree(), /xeyes|x11docker :/);
      s.child.kill('SIGTERM');
      assert.equal((await s.child).exitCode, 143);
      await assertNothingLeft(s.display, dirname(s.xenv.XAUTHORITY!));
    } finally {
      await ensureEnded(s?.child);
    }
  });
});

describe('--wm, --exe, --nothing, automatic choice', () => {
  it('--xephyr --wm "twm -f RC": the host window manager frames the single app on the new display', async () => {
    let s: RunningSession | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-twm-'));
    try {
      // twm places new windows by mouse click unless told to place them itself
      writeFileSync(join(dir, 'twmrc'), 'RandomPlacement\nNoGrabServer\n');
      s = await startSession(['--xephyr', '--wm', `twm -f ${join(dir, 'twmrc')}`, DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
      await waitForWindow(s, 'xeyes');
      // twm reparents the window into its frame: the parent of xeyes is no longer the root window
      await waitFor('xeyes framed by twm', async () => {
        const w = (await xclient('xwininfo', ['-children', '-name', 'xeyes'], s!.xenv)).stdout;
        return /Parent window id: 0x[0-9a-f]+ \(has no name\)|Parent window id: 0x[0-9a-f]+ "/.test(w) && !/Parent window id: 0x[0-9a-f]+ \(the root window\)/.test(w);
      });
      s.child.kill('SIGINT');
      assert.equal((await s.child).exitCode, 130);
      await assertNothingLeft(s.display, dirname(s.xenv.XAUTHORITY!));
    } finally {
      await ensureEnded(s?.child);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--exe -- COMMAND ARGS runs a host command on the new display and returns its exit code', async () => {
    const r = await x11docker(['--xvfb', '--exe', '--', 'sh', '-c', 'xdpyinfo | grep -q "name of display:    $DISPLAY" && echo "on=$DISPLAY"; exit 5']);
    assert.equal(r.exitCode, 5, r.stderr);
    assert.match(r.stdout, /on=:\d+/);
    assert.doesNotMatch(r.stdout, /on=:0\b/);
  });

  it('--nothing: the container gets no display at all', async () => {
    const r = await x11docker(['--nothing', DEMO_IMAGE, 'sh', '-c', 'echo "display=[$DISPLAY]"; ls /tmp/.X11-unix 2>/dev/null | wc -l']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /display=\[\]\n0/);
  });

  it('automatic choice says on stderr which server and why (nxagent for a single app here, --xpra named for OpenGL)', async () => {
    const r = await x11docker([DEMO_IMAGE, 'true'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /Using X server option --nxagent \(single application: nxagent is installed; OpenGL applications need --xpra\)\./);
  });

  it('a display option whose server is not installed is refused before anything starts, naming the package', async () => {
    const r = await x11docker(['--kwin-xwayland', DEMO_IMAGE, 'true'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 64);
    assert.match(r.stderr, /--kwin-xwayland needs kwin_wayland, which is not installed\. Install it: apt-get install kwin-wayland/);
  });

  it('a DISPLAY that does not answer is one line naming DISPLAY and XAUTHORITY, before anything starts', async () => {
    for (const [option, display] of [['--xephyr', ':9'], ['--nxagent', 'bogus'], ['--hostdisplay', ':9']] as const) {
      const base = await leftovers();
      const r = await x11docker([option, DEMO_IMAGE, 'true'], { env: { DISPLAY: display } });
      assert.equal(r.exitCode, 64, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('x11docker error'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, new RegExp(`^x11docker error: ${option} needs your display, but DISPLAY=${display} does not accept a connection .*Check DISPLAY and XAUTHORITY`));
      assert.ok(!/Gtk-WARNING|Xephyr cannot|Unable to open display|Session: /.test(r.stderr.replace(errors[0]!, '')), r.stderr);
      const after = await leftovers();
      assert.equal(after.containers.length + after.xservers.length, base.containers.length + base.xservers.length);
    }
  });
});
