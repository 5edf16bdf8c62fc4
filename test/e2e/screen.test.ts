// Upstream's screen and access options on real X servers, seen from the container's clients
// (xrandr, xdpyinfo and xhost of the image x11docker-xserver, which scripts/setup.sh builds):
// --output-count gives weston-xwayland two outputs, --scale, --rotate and a --westonini change the
// screen size,
// --xfishtank shows a fish tank on the new display, --xauth=no lets a client without a cookie in,
// --xauth=untrusted gives the container an untrusted cookie, --xoverip makes the container reach
// the X server over TCP, --xhost adds an xhost entry, and
// --clean-xhost empties the xhost list of the user's display; --border draws xpra's red border.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEMO_IMAGE, ensureEnded, startHostDisplay, startSession, waitFor, x11docker, xclient, type HostDisplay } from './helpers.js';

/** An image with xrandr, xdpyinfo and xhost. */
const XUTILS_IMAGE = 'x11docker-xserver';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** Runs `sh -c SCRIPT` in XUTILS_IMAGE with these x11docker options on the test's host display. */
async function inContainer(options: readonly string[], script: string) {
  return x11docker([...options, XUTILS_IMAGE, 'sh', '-c', script], { env: { DISPLAY: host.display } });
}

describe('--output-count, --scale, --rotate', () => {
  it('--output-count=2 on --weston-xwayland: xrandr in the container sees two monitors', async () => {
    const r = await inContainer(['--weston-xwayland', '--output-count=2'], 'xrandr --listmonitors');
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^Monitors: 2$/m);
    assert.equal(String(r.stdout).match(/^ \d: \+/gm)?.length, 2, String(r.stdout));
  });

  for (const [options, size] of [
    [['--weston-xwayland'], '1024x768'],
    [['--weston-xwayland', '--scale=2'], '512x384'],
    [['--weston-xwayland', '--rotate=90'], '768x1024'],
    [['--xpra', '--scale=2'], '512x384'],
  ] as const) {
    it(`${options.join(' ')}: the client sees a ${size} screen`, async () => {
      const r = await inContainer(options, 'xdpyinfo | grep dimensions');
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stdout), new RegExp(`dimensions:\\s+${size} pixels`));
      assert.doesNotMatch(String(r.stderr), /has no effect/);
    });
  }

  it('--westonini=FILE: weston reads it (an output transform there turns the screen)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-westonini-'));
    try {
      writeFileSync(join(dir, 'weston.ini'), '[output]\nname=X1\ntransform=rotate-270\n');
      const r = await inContainer(['--weston-xwayland', `--westonini=${join(dir, 'weston.ini')}`], 'xdpyinfo | grep dimensions');
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stdout), /dimensions:\s+768x1024 pixels/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--rotate on Xephyr is a note (upstream: not supported there); the screen is not rotated', async () => {
    const r = await inContainer(['--xephyr', '--rotate=90'], 'xdpyinfo | grep dimensions');
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stderr), /x11docker note: Option --rotate has no effect with --xephyr: use --weston-xwayland or --weston\./);
    assert.match(String(r.stdout), /dimensions:\s+1024x768 pixels/);
  });
});

describe('--border', () => {
  /** Pixels of xlogo's window on the user's display that are reddish (xpra draws its border half transparent). */
  async function redPixels(): Promise<number> {
    const env = { DISPLAY: host.display };
    const info = (await execa('xwininfo', ['-name', 'xlogo'], { env, reject: false })).stdout;
    const n = (key: string) => Number(new RegExp(`${key}:\\s+(-?\\d+)`).exec(info)?.[1]);
    const crop = `${n('Width')}x${n('Height')}+${n('Absolute upper-left X')}+${n('Absolute upper-left Y')}`;
    assert.ok(n('Width') > 0, `xlogo's window on your display: ${info}`);
    const r = await execa('convert', ['x:root', '-crop', crop, '+repage', '-fx', 'r>0.35 && g<0.25 && b<0.25 ? 1 : 0', '-format', '%[fx:mean*w*h]', 'info:'], { env, reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    return Number(r.stdout);
  }

  it('--xpra --border=red,5: a red border around the seamless window on your display; none without it', async () => {
    for (const border of [true, false]) {
      const s = await startSession(['--xpra', ...(border ? ['--border=red,5'] : []), DEMO_IMAGE, 'xlogo'], { env: { DISPLAY: host.display } });
      try {
        await waitFor('the xlogo window on your display', async () => (await execa('xwininfo', ['-root', '-children'], { env: { DISPLAY: host.display }, reject: false })).stdout.includes('"xlogo"'), 20000);
        if (border) await waitFor('red border pixels', async () => (await redPixels()) > 400, 10000);
        else {
          await new Promise((r) => setTimeout(r, 1500)); // painted meanwhile
          assert.ok((await redPixels()) < 50, 'no red pixels without --border');
        }
      } finally {
        s.child.kill('SIGINT');
        await ensureEnded(s.child);
      }
    }
  });
});

describe('-F, --xfishtank', () => {
  it('a running xfishtank window on the new display, gone with the session', async () => {
    const s = await startSession(['--xephyr', '-F', DEMO_IMAGE, 'sleep', '60'], { env: { DISPLAY: host.display } });
    try {
      // (its window is named after argv[0]: /usr/games/xfishtank where PATH lacks /usr/games)
      await waitFor('an xfishtank window', async () => /"(\/usr\/games\/)?xfishtank"/.test((await xclient('xwininfo', ['-root', '-children'], s.xenv)).stdout), 20000);
      const pids = (await execa('pgrep', ['-f', '^(/usr/games/)?xfishtank$'], { reject: false })).stdout.split('\n').filter(Boolean);
      assert.ok(pids.length > 0, 'an xfishtank process runs');
      s.child.kill('SIGINT');
      await s.child;
      for (const pid of pids) assert.equal((await execa('kill', ['-0', pid], { reject: false })).exitCode !== 0, true, `xfishtank ${pid} ended`);
    } finally {
      await ensureEnded(s.child);
    }
  });
});

describe('--xauth, --xoverip, --xhost, --clean-xhost', () => {
  it('--xauth=no: a client without any cookie connects (and x11docker warns); without it such a client is refused', async () => {
    const script = 'unset XAUTHORITY; HOME=/nonexistent xdpyinfo >/dev/null && echo CONNECTED';
    const open = await inContainer(['--xvfb', '--xauth=no'], script);
    assert.equal(open.exitCode, 0, String(open.stderr));
    assert.match(String(open.stdout), /^CONNECTED$/m);
    assert.match(String(open.stderr), /x11docker WARNING: Option --xauth=no: SECURITY RISK! Allowing access to the new X server for everyone/);
    const closed = await inContainer(['--xvfb'], script);
    assert.notEqual(closed.exitCode, 0);
    assert.doesNotMatch(String(closed.stdout), /CONNECTED/);
  });

  // nxagent without -auth took the cookies of XAUTHORITY (the user's display's) as its own and
  // refused every client without one: the session never started. A user display with a cookie,
  // as a desktop has, shows it; on the host and in the X server container of --xc.
  for (const options of [['--nxagent'], ['--nxagent', '--xc'], ['--xephyr', '--xc'], ['--weston-xwayland'], ['--xpra']] as const) {
    it(`${options.join(' ')} --xauth=no on a user display with a cookie: the session starts, a client without a cookie connects`, async () => {
      const desk = await startHostDisplay({ cookieOwner: 'root' });
      try {
        const r = await x11docker([...options, '--xauth=no', XUTILS_IMAGE, 'sh', '-c', 'unset XAUTHORITY; HOME=/nonexistent xdpyinfo >/dev/null && echo CONNECTED'], {
          env: { DISPLAY: desk.display, XAUTHORITY: desk.xauthority },
        });
        assert.equal(r.exitCode, 0, String(r.stderr));
        assert.match(String(r.stdout), /^CONNECTED$/m);
        assert.equal(String(r.stderr).match(/x11docker WARNING: Option --xauth=no: SECURITY RISK!/g)?.length, 1, String(r.stderr));
      } finally {
        await desk.stop();
      }
    });
  }

  it('--xauth=untrusted: the container\'s cookie is untrusted (X SECURITY hides RANDR, XInputExtension, ...); the default one is trusted', async () => {
    const script = 'xdpyinfo -queryExtensions | grep -E "^ +(RANDR|XInputExtension) " || echo NONE';
    const untrusted = await inContainer(['--xvfb', '--xauth=untrusted'], script);
    assert.equal(untrusted.exitCode, 0, String(untrusted.stderr));
    assert.match(String(untrusted.stdout), /^NONE$/m);
    const trusted = await inContainer(['--xvfb'], script);
    assert.match(String(trusted.stdout), /RANDR/);
    assert.match(String(trusted.stdout), /XInputExtension/);
  });

  it('--xoverip --network: the container has no X socket and reaches the X server over TCP', async () => {
    const r = await inContainer(['--xvfb', '--xoverip', '--network'], 'echo "DISPLAY=$DISPLAY"; test ! -e /tmp/.X11-unix/X* && xdpyinfo | grep "name of display"');
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^DISPLAY=host\.docker\.internal:\d+$/m);
    assert.match(String(r.stdout), /name of display:\s+host\.docker\.internal:\d+/);
    assert.match(String(r.stderr), /x11docker WARNING: Option --xoverip: the new X server listens on TCP/);
  });

  it('--xoverip=socat --network: the container reaches the X server over TCP through the socat relay; the server itself does not listen on TCP', async () => {
    const r = await inContainer(['--xvfb', '--xoverip=socat', '--network'], 'echo "DISPLAY=$DISPLAY"; echo "gl=$LIBGL_ALWAYS_SOFTWARE"; test ! -e /tmp/.X11-unix/X* && xdpyinfo | grep "name of display"');
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^DISPLAY=host\.docker\.internal:\d+$/m);
    assert.match(String(r.stdout), /^gl=1$/m);
    assert.match(String(r.stdout), /name of display:\s+host\.docker\.internal:\d+/);
    assert.match(String(r.stderr), /x11docker WARNING: Option --xoverip=socat: a socat relay listens on TCP/);
    assert.doesNotMatch(String(r.stderr), /the new X server listens on TCP/);
    // the X server's own command line keeps -nolisten tcp (the relay is the only TCP way in)
    const v = await x11docker(['--xvfb', '--xoverip=socat', '--network', '--verbose', XUTILS_IMAGE, 'true'], { env: { DISPLAY: host.display } });
    assert.equal(v.exitCode, 0, String(v.stderr));
    assert.match(String(v.stderr), /Xvfb :\d+ .*-nolisten tcp/);
    assert.match(String(v.stderr), /socat -d TCP-LISTEN:/);
  });

  it('--xhost and --xhost=STR: xhost in the container lists the entry, with the warning', async () => {
    const auto = await inContainer(['--xvfb', '--xhost'], 'xhost');
    assert.equal(auto.exitCode, 0, String(auto.stderr));
    assert.match(String(auto.stdout), /^SI:localuser:root$/m);
    const given = await inContainer(['--xvfb', '--xhost=+SI:localuser:nobody'], 'xhost');
    assert.match(String(given.stdout), /^SI:localuser:nobody$/m);
    assert.match(String(given.stderr), /x11docker WARNING: Option --xhost: running 'xhost \+SI:localuser:nobody' on the new X server/);
    const none = await inContainer(['--xvfb'], 'xhost');
    assert.doesNotMatch(String(none.stdout), /SI:localuser/);
  });

  it('--clean-xhost: the xhost entries of your display are gone afterwards', async () => {
    const xhost = (...args: string[]) => execa('xhost', args, { env: { DISPLAY: host.display }, reject: false });
    await xhost('+SI:localuser:nobody', '+SI:localuser:daemon');
    assert.match((await xhost()).stdout, /SI:localuser:nobody/);
    const r = await x11docker(['--xvfb', '--clean-xhost', DEMO_IMAGE, 'true'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stderr), /x11docker WARNING: Option --clean-xhost: removing every xhost permission of your display/);
    assert.deepEqual((await xhost()).stdout.split('\n').slice(1).filter(Boolean), []);
  });
});
