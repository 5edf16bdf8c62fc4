// End-to-end tests of --xc (X server in container): Xvfb, Xephyr, nxagent, xpra and
// weston-xwayland run from the x11docker-xserver image (built by scripts/setup.sh). Each test
// checks that the app's window is on the new display, that the X server process runs inside a
// container (its cgroup names the server container, which carries the session's label), what the
// server container may do (capabilities, no-new-privileges, uid, network, read-only root, from
// its own /proc), that the user's display shows the server's window where it is visible, and that
// nothing is left after the session: no container, X server, socket, lock or socket folder.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import {
  CLI, DEMO_IMAGE, TEST_USER, assertNothingLeft, assertNothingNew, ensureEnded, leftovers, startHostDisplay, startSession, waitFor, waitForWindow, x11docker,
  type HostDisplay, type RunningSession,
} from './helpers.js';

const XC_IMAGE = 'x11docker-xserver';
/** The rootless test needs the test user's rootless daemon (scripts/setup-rootless.sh) with the X server image. */
const ROOTLESS_STATUS = `/var/lib/x11docker-test-rootless/${TEST_USER}.status`;
const rootlessSkip = !existsSync(ROOTLESS_STATUS) || readFileSync(ROOTLESS_STATUS, 'utf8').trim() !== 'ok'
  ? `no rootless docker daemon for ${TEST_USER} (${existsSync(ROOTLESS_STATUS) ? readFileSync(ROOTLESS_STATUS, 'utf8').trim() : 'run scripts/setup.sh'})`
  : false;

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay({ cookieOwner: 'root' });
});
after(async () => {
  await host?.stop();
});

/** The session's X server containers (`x11docker_xc_X<N>_...`): name -> id, running or not. */
async function xcContainers(display: number): Promise<Map<string, string>> {
  const ps = await execa('docker', ['ps', '-a', '--filter', `name=x11docker_xc_X${display}_`, '--format', '{{.Names}} {{.ID}}']);
  return new Map(ps.stdout.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

/** Host pids whose command line starts with `binary` and names display `:N` (e.g. `Xvfb :101 ...`). */
async function serverPids(binary: string, display: number): Promise<number[]> {
  const ps = await execa('ps', ['-eo', 'pid=,args=']);
  return ps.stdout.split('\n').map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l)).filter((m) => m !== null)
    .filter((m) => basename(m[2]!) === binary && new RegExp(`(^|\\s):${display}(\\s|$)`).test(m[3]!))
    .map((m) => Number(m[1]));
}

/** Fields of a /proc status text. */
function statusField(status: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
}

/**
 * Runs xeyes on `--xc --NAME`, checks the window, the X server in its container and the server
 * container's restrictions, then ends the session with SIGINT and checks that nothing is left.
 * @param server the X server binary (runs in a container), e.g. `Xvfb`.
 * @param count how many containers the display option runs (xpra: Xvfb, server, client).
 * @param stop how the session is ended: SIGINT (exit 130, as Ctrl-C) or SIGTERM (exit 143).
 * @param onHost a check of the user's display while the session runs (a window of the server).
 */
async function xcSession(option: string, server: string, count: number, onHost?: (tree: string, s: RunningSession) => boolean, stop: 'SIGINT' | 'SIGTERM' = 'SIGINT'): Promise<void> {
  let s: RunningSession | undefined;
  try {
    s = await startSession(['--xc', `--${option}`, DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display, XAUTHORITY: host.xauthority } });
    const session = s;
    const sessionId = basename(dirname(session.xenv.XAUTHORITY!));
    await waitForWindow(session, 'xeyes', 40000);

    // the X server runs in a container of the X server image, with the session's labels
    const containers = await xcContainers(session.display);
    assert.equal(containers.size, count, `X server containers for :${session.display}: ${[...containers.keys()].join(', ')}`);
    for (const [name, id] of containers) {
      const inspect = JSON.parse((await execa('docker', ['inspect', id])).stdout)[0];
      assert.equal(inspect.Config.Image, XC_IMAGE, name);
      assert.equal(inspect.Config.Labels['x11docker.session'], sessionId, name);
      assert.equal(inspect.HostConfig.ReadonlyRootfs, true, name);
      assert.deepEqual(inspect.HostConfig.CapDrop, ['ALL'], name);
      // from inside: no capabilities, no new privileges, the host user's uid, no network but loopback
      const status = (await execa('docker', ['exec', id, 'cat', '/proc/1/status'])).stdout;
      assert.equal(statusField(status, 'CapEff'), '0000000000000000', name);
      assert.equal(statusField(status, 'CapBnd'), '0000000000000000', name);
      assert.equal(statusField(status, 'NoNewPrivs'), '1', name);
      assert.equal(statusField(status, 'Uid').split(/\s+/)[0], String(process.getuid!()), name);
      const links = (await execa('docker', ['exec', id, 'ls', '/sys/class/net'])).stdout.split('\n').filter(Boolean);
      assert.deepEqual(links, ['lo'], name);
    }
    // (other sessions on this machine may run a server with the same number inside their own containers: only this session's count)
    const all = await serverPids(server, session.display);
    const pids = all.filter((pid) => [...containers.values()].some((short) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(short)));
    assert.equal(pids.length, 1, `one ${server} :${session.display} process in the session's containers (all: ${all.join(', ')})`);
    const foreign = all.filter((pid) => !pids.includes(pid));
    const serverStatus = readFileSync(`/proc/${pids[0]}/status`, 'utf8');
    assert.equal(statusField(serverStatus, 'CapEff'), '0000000000000000');
    assert.equal(statusField(serverStatus, 'NoNewPrivs'), '1');
    // host clients reach the server through the socket linked to the host's /tmp/.X11-unix
    assert.ok(existsSync(`/tmp/.X11-unix/X${session.display}`));
    if (onHost) {
      const tree = async () => (await execa('xwininfo', ['-root', '-tree'], { env: { DISPLAY: host.display, XAUTHORITY: host.xauthority } })).stdout;
      await waitFor(`the window of --${option} on the user display`, async () => onHost(await tree(), session), 20000);
    }

    session.child.kill(stop);
    const r = await session.child;
    assert.equal(r.exitCode, stop === 'SIGINT' ? 130 : 143, String(r.stderr));
    assert.equal((await xcContainers(session.display)).size, 0, 'X server containers left');
    assert.deepEqual((await serverPids(server, session.display)).filter((pid) => !foreign.includes(pid)), []);
    await assertNothingLeft(session.display, dirname(session.xenv.XAUTHORITY!));
  } finally {
    await ensureEnded(s?.child);
  }
}

/** Socket folders of sessions (`/tmp/.x11docker-socket-*`). */
function socketFolders(): string[] {
  return readdirSync('/tmp').filter((f) => f.startsWith('.x11docker-socket-'));
}

describe('--xc: X server in container', () => {
  it('--xvfb: Xvfb in a container; the app on it; SIGTERM leaves nothing', async () => {
    const folders = socketFolders();
    await xcSession('xvfb', 'Xvfb', 1, undefined, 'SIGTERM');
    await waitFor('the socket folders to go', () => socketFolders().every((f) => folders.includes(f)), 5000);
  });

  it('--xephyr: Xephyr in a container shows its window on the user display', async () => {
    await xcSession('xephyr', 'Xephyr', 1, (tree, s) => tree.includes(`x11docker :${s.display}`));
  });

  it('--nxagent: nxagent in a container, seamless xeyes window on the user display', async () => {
    await xcSession('nxagent', 'nxagent', 1, (tree) => /"xeyes"/.test(tree));
  });

  it('--xpra: Xvfb, xpra server and xpra client each in a container; seamless xeyes on the user display', async () => {
    await xcSession('xpra', 'Xvfb', 3, (tree) => /"xeyes": \("xeyes" "XEyes"\)/.test(tree));
  });

  it("--xpra2 and --xpra2-xwayland (upstream's): Xvfb (or weston and Xwayland) and the xpra server in containers, the xpra client a host process outside any container; seamless xeyes on the user display", async () => {
    /** The host's `xpra attach` processes of a session (its socket in the session folder) that run in no container. */
    const hostClients = (s: RunningSession) => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
      .filter((l) => l.includes('xpra attach socket:') && l.includes(dirname(s.xenv.XAUTHORITY!)))
      .map((l) => Number(l.trim().split(/\s+/)[0]))
      .filter((pid) => !/docker|libpod|containerd/.test(readFileSync(`/proc/${pid}/cgroup`, 'utf8')));
    await xcSession('xpra2', 'Xvfb', 2, (tree, s) => /"xeyes": \("xeyes" "XEyes"\)/.test(tree) && hostClients(s).length === 1);
    // --xpra2-xwayland: weston, Xwayland and the xpra server in containers, the client on the host
    await xcSession('xpra2-xwayland', 'Xwayland', 3, (tree, s) => /"xeyes": \("xeyes" "XEyes"\)/.test(tree) && hostClients(s).length === 1);
  });

  it('--weston-xwayland: weston and Xwayland in containers; weston\'s window on the user display', async () => {
    await xcSession('weston-xwayland', 'Xwayland', 2, (tree) => /Weston Compositor/.test(tree));
  });

  it('closing the Xephyr window on the user display ends the session with 0 and a note; the container goes', async () => {
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xc', '--xephyr', DEMO_IMAGE, 'xeyes'], { env: { DISPLAY: host.display, XAUTHORITY: host.xauthority } });
      await waitForWindow(s, 'xeyes');
      const env = { DISPLAY: host.display, XAUTHORITY: host.xauthority };
      const win = (await execa('xdotool', ['search', '--name', `^x11docker :${s.display} `], { env })).stdout.trim().split('\n')[0]!;
      await execa('xdotool', ['windowkill', win], { env });
      const r = await s.child;
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stderr), /The Xephyr window on your display :\d+ was closed; ending the session/);
      assert.equal((await xcContainers(s.display)).size, 0);
      await assertNothingLeft(s.display);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('Ctrl-C to the whole process group (as a terminal sends it, also to the engine CLIs) ends everything with 130', async () => {
    const child = execa('node', [CLI, '--showenv', '--xc', '--xpra', DEMO_IMAGE, 'xeyes'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: host.display, XAUTHORITY: host.xauthority }, extendEnv: false, reject: false, detached: true, stdin: 'ignore',
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => resolve(d.toString()));
        void child.then((r) => reject(new Error(String(r.stderr))));
      });
      const xenv = Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      const display = Number(xenv.DISPLAY!.slice(1));
      await waitForWindow(xenv, 'xeyes');
      assert.equal((await xcContainers(display)).size, 3);
      process.kill(-child.pid!, 'SIGINT');
      const r = await child;
      assert.equal(r.exitCode, 130, String(r.stderr));
      assert.doesNotMatch(String(r.stderr), /x11docker error/);
      assert.equal((await xcContainers(display)).size, 0);
      await assertNothingLeft(display);
    } finally {
      await ensureEnded(child);
    }
  });

  it('auto (no --xc): a host without X packages (PATH with only docker and sh) gets Xvfb and nxagent from the image, with a note', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'x11docker-xc-bin-'));
    try {
      for (const b of ['docker', 'sh']) symlinkSync((await execa('sh', ['-c', `command -v ${b}`])).stdout, join(bin, b));
      const env = { PATH: bin, HOME: process.env.HOME };
      const run = (args: string[], more: Record<string, string | undefined> = {}) =>
        execa(process.execPath, [CLI, ...args, DEMO_IMAGE, 'sh', '-c', 'xdpyinfo | grep "^name of display"'], { env: { ...env, ...more }, extendEnv: false, reject: false, timeout: 60000 });
      const xvfb = await run(['--xvfb']);
      assert.equal(xvfb.exitCode, 0, xvfb.stderr);
      assert.match(xvfb.stderr, /^x11docker note: Option --xc: --xvfb runs from image x11docker-xserver \(Xvfb not installed on the host\)\.$/m);
      assert.match(xvfb.stdout, /^name of display:\s+:\d+$/m);
      const nx = await run([], { DISPLAY: host.display, XAUTHORITY: host.xauthority });
      assert.equal(nx.exitCode, 0, nx.stderr);
      assert.match(nx.stderr, /^x11docker note: Option --xc: --nxagent runs from image x11docker-xserver/m);
      // with the host's binaries (the usual PATH), auto keeps them on the host
      const onHost = await x11docker(['-v', '--xvfb', DEMO_IMAGE, 'true']);
      assert.equal(onHost.exitCode, 0, onHost.stderr);
      assert.doesNotMatch(onHost.stderr, /x11docker_xc_|Option --xc/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('as an unprivileged user: the server container runs as that user; the app\'s end leaves nothing', async () => {
    const baseline = await leftovers();
    const r = await x11docker(['--xc', '--xvfb', '-v', DEMO_IMAGE, 'xdpyinfo'], { asUser: TEST_USER });
    assert.equal(r.exitCode, 0, r.stderr);
    const uid = (await execa('id', ['-u', TEST_USER])).stdout.trim();
    const gid = (await execa('id', ['-g', TEST_USER])).stdout.trim();
    assert.match(r.stderr, new RegExp(`docker run --rm --init --name=x11docker_xc_X\\d+_0-Xvfb_\\w+ .*--user=${uid}:${gid} `));
    assert.match(r.stdout, /^name of display:\s+:\d+$/m);
    await assertNothingNew(baseline);
  });

  it('on rootless docker (the test user\'s daemon): root in the server container is the user outside', { skip: rootlessSkip }, async () => {
    const [, , tuid] = (await execa('getent', ['passwd', TEST_USER])).stdout.split(':');
    const env = { DOCKER_HOST: `unix:///run/user/${tuid}/docker.sock`, XDG_RUNTIME_DIR: `/run/user/${tuid}` };
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xc', '--xvfb', DEMO_IMAGE, 'sleep', '600'], { asUser: TEST_USER, env });
      const display = s.display;
      const ps = await execa('docker', ['ps', '--filter', `name=x11docker_xc_X${display}_`, '--format', '{{.ID}}'], { env });
      const id = ps.stdout.trim();
      assert.ok(id, `no X server container for :${display} in the rootless daemon`);
      const status = (await execa('docker', ['exec', id, 'cat', '/proc/1/status'], { env })).stdout;
      assert.deepEqual([statusField(status, 'CapEff'), statusField(status, 'NoNewPrivs'), statusField(status, 'Uid').split(/\s+/)[0]], ['0000000000000000', '1', '0']);
      // outside, the server is the test user's process
      const [pid] = await serverPids('Xvfb', display);
      assert.equal(statusField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'Uid').split(/\s+/)[0], tuid);
      // (SIGINT to x11docker itself, the child of su)
      const x11dockerPid = Number((await execa('pgrep', ['-P', String(s.child.pid), '-f', 'x11docker.js'])).stdout.split('\n')[0]);
      process.kill(x11dockerPid, 'SIGINT');
      await s.child;
      await waitFor('x11docker to end', () => !existsSync(`/proc/${x11dockerPid}`), 15000);
      const host = await leftovers(display);
      assert.deepEqual([host.sockets, host.claims.filter((c) => c.endsWith(`-${display}.claim`))], [[], []]);
      const left = await execa('docker', ['ps', '-aq', '--filter', `name=x11docker_xc_X${display}_`], { env });
      assert.equal(left.stdout.trim(), '');
      assert.deepEqual(await serverPids('Xvfb', display), []);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('an image without the server binary: one line naming it, exit 64, nothing left', async () => {
    const baseline = await leftovers();
    const r = await x11docker(['--xc=x11docker-demo', '--xvfb', DEMO_IMAGE, 'true']);
    assert.equal(r.exitCode, 64, r.stderr);
    assert.match(r.stderr, /^x11docker error: X server Xvfb \(container of --xc\) for :\d+ failed to start \(.*exec Xvfb failed: No such file or directory\)/m);
    await assertNothingNew(baseline);
  });

  it('kill -9 of x11docker: the watcher removes the X server container and everything else', async () => {
    const baseline = await leftovers();
    const folders = socketFolders();
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xc', '--xvfb', DEMO_IMAGE, 'sleep', '600']);
      const display = s.display;
      await waitFor('the X server container', async () => (await xcContainers(display)).size === 1, 20000);
      s.child.kill('SIGKILL');
      await s.child;
      await waitFor('the watcher to remove the X server container', async () => (await xcContainers(display)).size === 0, 30000);
      await assertNothingNew(baseline, 15000);
      assert.deepEqual(await serverPids('Xvfb', display), []);
      // the server containers' socket folder (and the application's) went with the session
      await waitFor('the socket folders to go', () => socketFolders().every((f) => folders.includes(f)), 5000);
    } finally {
      await ensureEnded(s?.child);
    }
  });

  it('bad input: one line naming the option, exit 64, nothing started', async () => {
    const before = await leftovers();
    for (const [args, re] of [
      [['--xc=podman', '--xvfb', DEMO_IMAGE], /^x11docker error: Option --xc=podman: the X container runs on the session's engine \(--backend=docker\)\./],
      [['--xc=no-such-xserver-image', '--xvfb', DEMO_IMAGE], /^x11docker error: Option --xc: image no-such-xserver-image not found at docker\./],
      [['--xc', '--xdummy', DEMO_IMAGE], /^x11docker error: Option --xc: --xdummy cannot run from the X server image\./],
    ] as const) {
      const r = await x11docker(args);
      assert.equal(r.exitCode, 64, String(r.stderr));
      const errors = String(r.stderr).split('\n').filter((l) => l.startsWith('x11docker error'));
      assert.equal(errors.length, 1, String(r.stderr));
      assert.match(errors[0]!, re);
    }
    await assertNothingNew(before);
  });
});
