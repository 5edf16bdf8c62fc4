/**
 * End to end: real images on real X servers through the built CLI, as a user would run it.
 * A host Xvfb plays the user's desktop. Every test checks that nothing is left behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLI, DEMO_IMAGE, SHELLFORM_IMAGE, TEST_USER, ensureEnded, leftovers, sessionDirs, startHostDisplay, startSession,
  waitFor, waitForPaintedDisplay, waitForWindow, x11docker, xclient, type HostDisplay, type RunningSession,
} from './helpers.js';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

async function assertNothingLeft(display?: number): Promise<void> {
  await waitFor('session leftovers to disappear', async () => {
    const l = await leftovers(display);
    return l.containers.length + l.xservers.length + l.sockets.length + l.claims.length === 0;
  }, 5000).catch(async (e: Error) => {
    assert.fail(`${e.message}: ${JSON.stringify(await leftovers(display))}`);
  });
}

const securityProbe = [
  'sh', '-c',
  [
    'echo "capeff=$(grep CapEff /proc/self/status | cut -f2)"',
    'echo "nonewprivs=$(grep NoNewPrivs /proc/self/status | cut -f2)"',
    'echo "uid=$(id -u) gid=$(id -g) name=$(id -un) home=$HOME pwd=$(pwd)"',
    'echo "sockets=$(ls -A /tmp/.X11-unix | tr "\\n" " ")"',
    'XAUTHORITY=/dev/null xdpyinfo >/dev/null 2>&1; echo "nocookie=$?"',
    'echo "extensions=$(xdpyinfo -queryExtensions | sed -n "/number of extensions/,/default screen/p" | tr -s " \\n" " ")"',
    'touch "$HOME/written" && echo "homewritable=yes"',
  ].join('; '),
];

function field(stdout: string, name: string): string {
  const m = new RegExp(`^${name}=(.*)$`, 'm').exec(stdout);
  assert.ok(m, `no ${name}= line in:\n${stdout}`);
  return m[1]!.trim();
}

describe('x11docker --xephyr on a user display', () => {
  it('shows the app window on a new display, visible in a screenshot of the user display; SIGINT leaves nothing', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xephyr', DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
      assert.notEqual(`:${s.display}`, host.display);
      await waitForWindow(s, 'xeyes');
      // the Xephyr window is on the user's display
      const hostTree = await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: host.display } });
      assert.match(hostTree.stdout, new RegExp(`"x11docker :${s.display}`));
      // the screenshot of the user's display is not blank (white root + black Xephyr + white eyes)
      await waitForPaintedDisplay(host.display, 0.1);
      s.child.kill('SIGINT');
      const r = await s.child;
      assert.equal(r.exitCode, 130, String(r.stderr));
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('hardens the container: no capabilities, no-new-privileges, host user, cookie required, no MIT-SHM/XTEST, no host socket', async () => {
    const xauthority = `${process.env.HOME}/.Xauthority`;
    const before = existsSync(xauthority) ? createHash('sha256').update(readFileSync(xauthority)).digest('hex') : 'absent';
    const r = await x11docker(['--xephyr', '--hostuser', TEST_USER, DEMO_IMAGE, ...securityProbe], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(field(r.stdout, 'capeff'), '0000000000000000');
    assert.equal(field(r.stdout, 'nonewprivs'), '1');
    const uid = (await execa('id', ['-u', TEST_USER])).stdout;
    const gid = (await execa('id', ['-g', TEST_USER])).stdout;
    assert.match(r.stdout, new RegExp(`^uid=${uid} gid=${gid} name=${TEST_USER} home=/home/${TEST_USER} pwd=/home/${TEST_USER}$`, 'm'));
    const sockets = field(r.stdout, 'sockets').split(' ');
    assert.equal(sockets.length, 1, `only the new display's socket: ${sockets}`);
    assert.notEqual(sockets[0], `X${host.display.slice(1)}`);
    assert.notEqual(field(r.stdout, 'nocookie'), '0', 'the new X server accepted a client without the cookie');
    const ext = field(r.stdout, 'extensions');
    assert.match(ext, /RANDR/, `xdpyinfo extension list looks empty: ${ext}`);
    assert.doesNotMatch(ext, /MIT-SHM|XTEST/);
    assert.equal(field(r.stdout, 'homewritable'), 'yes');
    const afterHash = existsSync(xauthority) ? createHash('sha256').update(readFileSync(xauthority)).digest('hex') : 'absent';
    assert.equal(afterHash, before, '~/.Xauthority changed');
    await assertNothingLeft();
  });

  it('runs as an unprivileged host user in the docker group as that user, and cleans its cache', async () => {
    const home = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':')[5]!;
    const r = await x11docker(['--xephyr', DEMO_IMAGE, 'sh', '-c', 'echo "who=$(id -un):$(id -u)"'], { env: { DISPLAY: host.display }, asUser: TEST_USER });
    assert.equal(r.exitCode, 0, r.stderr);
    const uid = (await execa('id', ['-u', TEST_USER])).stdout;
    assert.equal(field(r.stdout, 'who'), `${TEST_USER}:${uid}`);
    assert.deepEqual(sessionDirs(`${home}/.cache/x11docker`), []);
    const log = statSync(`${home}/.cache/x11docker/x11docker.log`);
    assert.equal(log.uid, Number(uid), 'log kept for the user, owned by the user');
    assert.equal(statSync(`${home}/.cache/x11docker`).mode & 0o777, 0o700);
    await assertNothingLeft();
  });
});

describe('command, image config and exit status', () => {
  it('passes the command after IMAGE unchanged (no splitting, globbing or expansion)', async () => {
    const r = await x11docker(['--xvfb', DEMO_IMAGE, 'printf', '%s|', 'two words', '*', '$X']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'two words|*|$X|');
    const c = await x11docker(['--xvfb', DEMO_IMAGE, 'sh', '-c', 'echo A && pwd']);
    assert.match(c.stdout, /^A\n\/root$/m);
  });

  it('returns the container command\'s exit status', async () => {
    const r = await x11docker(['--xvfb', DEMO_IMAGE, 'sh', '-c', 'exit 3']);
    assert.equal(r.exitCode, 3);
    await assertNothingLeft();
  });

  it('runs a shell-form CMD with ENV values and WORKDIR exactly as docker run does', async () => {
    const plain = await execa('docker', ['run', '--rm', '--network=none', SHELLFORM_IMAGE]);
    const r = await x11docker(['--xvfb', SHELLFORM_IMAGE]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout);
    assert.equal(r.stdout, 'cmd: hello  world [a=b c=d]\n/opt/work');
  });

  it('raw docker run options after -- are used, in both forms', async () => {
    const a = await x11docker(['--xvfb', '--', '--env=FROM_RAW=yes', '--', DEMO_IMAGE, 'sh', '-c', 'echo $FROM_RAW']);
    assert.equal(a.stdout, 'yes', a.stderr);
    const b = await x11docker(['--xvfb', '--', '--env=A=1 --env=B=2', DEMO_IMAGE, 'sh', '-c', 'echo $A$B']);
    assert.equal(b.stdout, '12', b.stderr);
    const c = await x11docker(['--xvfb', '--', '--network=bridge', '--', DEMO_IMAGE, 'true']);
    assert.equal(c.exitCode, 0, c.stderr);
  });

  it('a missing image is a clear error before any X server starts', async () => {
    const r = await x11docker(['--xephyr', 'no-such-image:never'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 64);
    assert.match(r.stderr, /Image 'no-such-image:never' not found locally/);
    assert.doesNotMatch(r.stderr, /Xephyr/);
    await assertNothingLeft();
  });

  it('bad options fail with one line naming the option, and start nothing', async () => {
    for (const args of [['--size=huge', DEMO_IMAGE], ['--no-such-option', DEMO_IMAGE], ['--env', 'novalue', DEMO_IMAGE]]) {
      const r = await x11docker(args);
      assert.equal(r.exitCode, 64, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /--size|--no-such-option|--env/);
    }
    await assertNothingLeft();
  });
});

describe('session lifetime', () => {
  it('SIGTERM to the x11docker process alone ends everything with 143', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xephyr', DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
      await waitForWindow(s, 'xeyes');
      const t0 = Date.now();
      s.child.kill('SIGTERM');
      const r = await s.child;
      assert.equal(r.exitCode, 143, String(r.stderr));
      await assertNothingLeft(s.display);
      assert.ok(Date.now() - t0 < 3000, `cleanup took ${Date.now() - t0} ms`);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('SIGTERM, SIGINT or SIGHUP to x11docker lets the command end gently (its trap runs, as with docker stop); anonymous volumes go with the container', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-e2e-stop-'));
    const volumes = async () => new Set((await execa('docker', ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean));
    try {
      const before = await volumes();
      for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
        const mark = join(dir, signal);
        const s = await startSession(['--xvfb', '--sharedir', dir, '--', '-v', '/scratch', '--', DEMO_IMAGE, 'sh', '-c', `echo data >/scratch/f; trap 'echo saved >${mark}; exit 0' TERM INT HUP; while :; do sleep 0.1; done`]);
        try {
          await waitFor('the command to run', async () => (await execa('docker', ['ps', '-q', '--filter', `label=x11docker.pid=${s.child.pid}`])).stdout.trim() !== '');
          await new Promise((r) => setTimeout(r, 300)); // the trap is set
          s.child.kill(signal);
          const r = await s.child;
          assert.equal(r.exitCode, code, String(r.stderr));
          assert.equal(readFileSync(mark, 'utf8'), 'saved\n', `the trap ran on ${signal}`);
          await assertNothingLeft(s.display);
        } finally {
          await ensureEnded(s.child);
        }
      }
      const left = [...(await volumes())].filter((v) => !before.has(v));
      assert.deepEqual(left, [], 'no anonymous volume left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closing the Xephyr window (a window manager kills the client: Xephyr has no WM_DELETE_WINDOW) ends the session with 0 and a note', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xephyr', DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display } });
      await waitForWindow(s, 'xeyes');
      const win = (await execa('xdotool', ['search', '--name', `^x11docker :${s.display} `], { env: { DISPLAY: host.display } })).stdout.trim().split('\n')[0]!;
      await execa('xdotool', ['windowkill', win], { env: { DISPLAY: host.display } });
      const r = await s.child;
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stderr), /The Xephyr window on your display :\d+ was closed; ending the session/);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('Ctrl-C to the whole process group (as a terminal sends it) ends everything with 130', async () => {
    const child = execa('node', [CLI, '--showenv', '--xephyr', DEMO_IMAGE, 'xeyes'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: host.display }, extendEnv: false, reject: false, detached: true, stdin: 'ignore',
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => resolve(d.toString()));
        void child.then((r) => reject(new Error(String(r.stderr))));
      });
      const xenv = Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      await waitForWindow(xenv, 'xeyes');
      process.kill(-child.pid!, 'SIGINT');
      const r = await child;
      assert.equal(r.exitCode, 130, String(r.stderr));
      await assertNothingLeft(Number(xenv.DISPLAY!.slice(1)));
    } finally {
      await ensureEnded(child);
    }
  });

  it('an engine failure (docker create refuses) is a clear error and leaves nothing', async () => {
    const r = await x11docker(['--xvfb', '--', '--no-such-engine-flag', '--', DEMO_IMAGE, 'true']);
    assert.equal(r.exitCode, 64, r.stderr);
    assert.match(r.stderr, /docker create failed: .*no-such-engine-flag/);
    await assertNothingLeft();
  });

  it('a container the engine cannot start (docker deletes a failed --rm container) is one x11docker line, exit 64, nothing in docker ps -a', async () => {
    const cases: [string[], RegExp][] = [
      [['--device=/dev/nonexistent'], /could not start the container: .*\/dev\/nonexistent/],
      [['--network=container:x11d-nonexistent'], /could not start the container: .*x11d-nonexistent/],
    ];
    for (const [raw, reason] of cases) {
      const name = `x11d-startfail-${process.pid}`;
      try {
        const r = await x11docker(['--xvfb', `--name=${name}`, '--', ...raw, '--', DEMO_IMAGE, 'true']);
        assert.equal(r.exitCode, 64, r.stderr);
        const errors = r.stderr.split('\n').filter((l) => !/^x11docker (WARNING|note)/.test(l) && l.trim() !== '');
        assert.equal(errors.length, 1, r.stderr);
        assert.match(errors[0]!, /^x11docker error: docker could not start the container: /);
        assert.match(errors[0]!, reason);
        const ps = await execa('docker', ['ps', '-a', '-q', '--filter', `name=^${name}$`]);
        assert.equal(ps.stdout.trim(), '');
        await assertNothingLeft();
      } finally {
        await execa('docker', ['rm', '-f', name], { reject: false });
      }
    }
  });

  it('a command whose stderr starts like an engine error keeps its output and exit status, and its container is removed', async () => {
    const name = `x11d-errout-${process.pid}`;
    try {
      const r = await x11docker(['--xvfb', `--name=${name}`, DEMO_IMAGE, 'sh', '-c', 'echo "Error: from the app" >&2; exit 3']);
      assert.equal(r.exitCode, 3, r.stderr);
      assert.match(r.stderr, /^Error: from the app$/m);
      assert.doesNotMatch(r.stderr, /could not start/);
      const ps = await execa('docker', ['ps', '-a', '-q', '--filter', `name=^${name}$`]);
      assert.equal(ps.stdout.trim(), '');
      await assertNothingLeft();
    } finally {
      await execa('docker', ['rm', '-f', name], { reject: false });
    }
  });

  it('the X server dying ends the container and the session', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', DEMO_IMAGE, 'xeyes']);
      await waitForWindow(s, 'xeyes');
      await execa('pkill', ['-KILL', '-f', `^Xvfb :${s.display} `]);
      const r = await s.child;
      assert.notEqual(r.exitCode, 0);
      assert.match(String(r.stderr), /X server :\d+ ended unexpectedly/);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('--xonly gives an environment for custom access: the cookie is required', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', '--xonly']);
      assert.match(s.xenv.XSOCKET!, /^\/tmp\/\.X11-unix\/X\d+$/);
      assert.equal(statSync(s.xenv.XAUTHORITY!).mode & 0o777, 0o600);
      assert.equal((await xclient('xdpyinfo', [], s.xenv)).exitCode, 0);
      assert.notEqual((await xclient('xdpyinfo', [], { ...s.xenv, XAUTHORITY: '/dev/null' })).exitCode, 0);
      s.child.kill('SIGINT');
      assert.equal((await s.child).exitCode, 130);
      assert.equal(existsSync(s.xenv.XAUTHORITY!), false, 'cookie left behind');
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('the new X server never resets when its last client leaves: state stays, and a client connecting right after another left is never dropped', async () => {
    // a reset (X servers do one when the last client disconnects, unless -noreset) forgets root
    // window properties, resources and the keyboard layout, and drops connections that arrive
    // meanwhile ("Can't open display"): an app that connects while a probe just left failed
    const probe = 'xprop -root -f X11DOCKER_KEPT 8s -set X11DOCKER_KEPT kept && xprop -root X11DOCKER_KEPT && i=0; while [ $i -lt 40 ]; do xprop -root -len 0 _XKB_RULES_NAMES >/dev/null || exit 9; i=$((i+1)); done; echo connected 40 times';
    for (const server of ['--xvfb', '--xephyr', '--nxagent']) {
      const r = await x11docker([server, DEMO_IMAGE, 'sh', '-c', probe], { env: { DISPLAY: host.display } });
      assert.equal(r.exitCode, 0, `${server}: ${String(r.stderr)}`);
      assert.match(String(r.stdout), /X11DOCKER_KEPT\(STRING\) = "kept"/, `${server}: ${String(r.stdout)}`);
      assert.match(String(r.stdout), /connected 40 times/, server);
    }
    await assertNothingLeft();
  });

  it('four sessions with containers started at once get four different displays and all succeed', async () => {
    const sessions: RunningSession[] = [];
    try {
      sessions.push(...(await Promise.all([1, 2, 3, 4].map(() => startSession(['--xvfb', DEMO_IMAGE, 'sh', '-c', 'sleep 2; echo "display=$DISPLAY"'])))));
      assert.equal(new Set(sessions.map((s) => s.display)).size, 4, sessions.map((s) => s.display).join(','));
      const results = await Promise.all(sessions.map((s) => s.child));
      for (const [i, r] of results.entries()) {
        assert.equal(r.exitCode, 0, String(r.stderr));
        assert.match(String(r.stderr), new RegExp(`display=:${sessions[i]!.display}`), 'with --showenv the command\'s stdout goes to stderr');
        assert.doesNotMatch(String(r.stdout), /display=/, 'with --showenv stdout carries only the environment line');
      }
    } finally {
      for (const s of sessions) await ensureEnded(s.child);
    }
    await assertNothingLeft();
  });

  it('--name of an existing container is an error that leaves that container alone', async () => {
    const victim = `x11docker-test-victim-${process.pid}`;
    await execa('docker', ['create', '--name', victim, DEMO_IMAGE, 'true']);
    try {
      const r = await x11docker(['--xvfb', '--name', victim, DEMO_IMAGE, 'true']);
      assert.equal(r.exitCode, 64, r.stderr);
      assert.match(r.stderr, /already in use/);
      const still = await execa('docker', ['container', 'inspect', victim], { reject: false });
      assert.equal(still.exitCode, 0, 'x11docker removed a container it did not create');
    } finally {
      await execa('docker', ['rm', '-f', victim], { reject: false });
    }
    await assertNothingLeft();
  });

  it('a reader that closes stdout after the environment line does not break the session', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', '--xonly']);
      s.child.stdout!.destroy();
      assert.equal((await xclient('xdpyinfo', [], s.xenv)).exitCode, 0);
      s.child.kill('SIGTERM');
      assert.equal((await s.child).exitCode, 143);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('a container user other than the host user (--user=root, --user=UID:GID) can use the display', async () => {
    for (const user of ['root', '2000:2000']) {
      const r = await x11docker(['--xvfb', '--hostuser', TEST_USER, `--user=${user}`, DEMO_IMAGE, 'sh', '-c', 'echo "uid=$(id -u)"; xdpyinfo >/dev/null && echo connected']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(field(r.stdout, 'uid'), user === 'root' ? '0' : '2000');
      assert.match(r.stdout, /^connected$/m);
      assert.match(r.stderr, /WARNING: Option --user=/);
    }
    await assertNothingLeft();
  });

  it('--hostdisplay, --nxagent and --xephyr work on a user display that requires a cookie', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-test-'));
    const auth = join(dir, 'Xauthority');
    let server: ReturnType<typeof execa> | undefined;
    try {
      await execa('xauth', ['-f', auth, 'add', ':59', '.', randomBytes(16).toString('hex')]);
      server = execa('Xvfb', [':59', '-auth', auth, '-nolisten', 'tcp', '-noreset'], { reject: false });
      await waitFor('Xvfb :59', () => existsSync('/tmp/.X11-unix/X59'));
      for (const option of ['--hostdisplay', '--nxagent', '--xephyr']) {
        // (nxagent reads the user's cookie from its own -auth file, not from XAUTHORITY)
        const r = await x11docker([option, DEMO_IMAGE, 'sh', '-c', 'xdpyinfo >/dev/null && echo connected'], { env: { DISPLAY: ':59', XAUTHORITY: auth } });
        assert.equal(r.exitCode, 0, `${option}: ${r.stderr}`);
        assert.match(r.stdout, /^connected$/m, option);
      }
    } finally {
      server?.kill();
      await server;
      rmSync(dir, { recursive: true, force: true });
    }
    await assertNothingLeft();
  });

  it('--hostdisplay shares the user display with a warning', async () => {
    const r = await x11docker(['--hostdisplay', DEMO_IMAGE, 'sh', '-c', 'echo "display=$DISPLAY"; xdpyinfo >/dev/null && echo connected'], { env: { DISPLAY: host.display } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Option --hostdisplay shares your display/);
    assert.equal(field(r.stdout, 'display'), host.display);
    assert.match(r.stdout, /^connected$/m);
    await assertNothingLeft();
  });
});

describe('installation', () => {
  it('package.json bin works through npx in the checkout', async () => {
    const r = await execa('npx', ['--no-install', 'x11docker', '--version'], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version);
    const help = await execa('npx', ['--no-install', 'x11docker', '--help']);
    assert.match(help.stdout, /--xephyr/);
  });
});
