/**
 * End to end: -i/-t, --no-entrypoint, --group-add, --xtest/--dpi/--keymap, --hostdbus, --webcam
 * and --printer, with real images and real X servers, asserting from inside the container.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { CLI, DEMO_IMAGE, assertNothingNew, leftovers, startHostDisplay, waitFor, x11docker, type HostDisplay } from './helpers.js';

/** What earlier sessions (other test files, other runs on this machine) left: not this test's doing. */
let baseline: Awaited<ReturnType<typeof leftovers>>;
beforeEach(async () => {
  baseline = await leftovers();
});
/** This test's sessions left no container, X server, socket or display claim. */
const assertNothingLeft = () => assertNothingNew(baseline);

const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

describe('-i / --interactive and -t / --tty', () => {
  it('-i passes piped stdin to the container command', async () => {
    const r = await execa('node', [CLI, '--xvfb', '-q', '-i', DEMO_IMAGE, 'sh', '-c', 'read line; echo "got: $line"'], {
      input: 'hello from stdin\n', env: baseEnv, extendEnv: false, reject: false, timeout: 60000,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^got: hello from stdin$/m);
    await assertNothingLeft();
  });

  it('-i on a terminal gives the container a pseudo-terminal; -t also starts no X server', async () => {
    const inPty = (args: string[]) =>
      execa('script', ['-qec', quote(['node', CLI, '-q', ...args]), '/dev/null'], { env: baseEnv, extendEnv: false, reject: false, timeout: 60000, stdin: 'ignore' });
    const i = await inPty(['--xvfb', '-i', DEMO_IMAGE, 'sh', '-c', 'tty; echo "display=$DISPLAY"']);
    assert.equal(i.exitCode, 0, i.stdout + i.stderr);
    assert.match(i.stdout, /\/dev\/pts\/\d+/);
    assert.match(i.stdout, /display=:\d+/);
    const t = await inPty(['-t', DEMO_IMAGE, 'sh', '-c', 'tty; echo "display=$DISPLAY."; ls -A /tmp/.X11-unix 2>/dev/null | wc -l']);
    assert.equal(t.exitCode, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /\/dev\/pts\/\d+/);
    assert.match(t.stdout, /display=\./);
    await assertNothingLeft();
  });
});

describe('--no-entrypoint and --group-add', () => {
  it("--no-entrypoint runs the command without the image's ENTRYPOINT; --group-add adds groups", async () => {
    const image = 'x11docker-test-entrypoint:latest';
    const kept = await x11docker(['--xvfb', '-q', image, 'echo', 'plain']);
    assert.match(kept.stdout, /^entrypoint: /m, kept.stderr);
    const r = await x11docker(['--xvfb', '-q', '--no-entrypoint', '--group-add=audio', '--group-add', '4321', image, 'sh', '-c', 'echo plain; id -G; id -Gn']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /entrypoint:/);
    assert.match(r.stdout, /^plain$/m);
    assert.match(r.stdout, /\b4321\b/);
    assert.match(r.stdout, /\baudio\b/);
    await assertNothingLeft();
  });
});

describe('--xtest, --dpi, --keymap', () => {
  it('the new X server has XTEST only with --xtest, and the DPI and layout given', async () => {
    const probe = ['sh', '-c', 'xdpyinfo -queryExtensions | grep -c "XTEST" || true; xdpyinfo | grep resolution; xprop -root RESOURCE_MANAGER _XKB_RULES_NAMES'];
    const plain = await x11docker(['--xvfb', '-q', DEMO_IMAGE, ...probe]);
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.match(plain.stdout, /^0$/m);
    const r = await x11docker(['--xvfb', '--xtest', '--dpi=144', '--keymap=de(nodeadkeys)', DEMO_IMAGE, ...probe]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /WARNING: Option --xtest/);
    assert.match(r.stdout, /^[1-9]\d*$/m);
    assert.match(r.stdout, /resolution:\s+144x144 dots per inch/);
    assert.match(r.stdout, /Xft\.dpi:\\t144/);
    assert.match(r.stdout, /_XKB_RULES_NAMES\(STRING\) = "[^"]*", "[^"]*", "de", "nodeadkeys"/);
    const bad = await x11docker(['--xvfb', '--keymap=nosuchlayout', DEMO_IMAGE, 'true']);
    assert.equal(bad.exitCode, 64);
    assert.match(bad.stderr, /x11docker error: Option --keymap=nosuchlayout: setxkbmap refused it/);
    await assertNothingLeft();
  });
});

describe('--hostdbus, --webcam, --printer', () => {
  let dir: string;
  let daemon: ResultPromise | undefined;
  let address = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'x11d-hostdbus-'));
    address = `unix:path=${join(dir, 'bus')}`;
    daemon = execa('dbus-daemon', ['--session', '--nofork', `--address=${address}`, '--print-address'], { reject: false });
    await new Promise<void>((resolve, reject) => {
      daemon!.stdout!.once('data', () => resolve());
      void daemon!.then((r) => reject(new Error(`dbus-daemon ended: ${r.stderr}`)));
    });
  });
  after(async () => {
    daemon?.kill('SIGTERM');
    await daemon?.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("--hostdbus: the host session's socket and address arrive in the container, with a warning; --webcam and --printer only note that this host has none", async () => {
    const r = await x11docker(['--xvfb', '--hostdbus', '--webcam', '--printer', DEMO_IMAGE, 'sh', '-c', 'echo "addr=$DBUS_SESSION_BUS_ADDRESS"; p=${DBUS_SESSION_BUS_ADDRESS#unix:path=}; test -S "$p" && echo socket-ok'], {
      env: { DBUS_SESSION_BUS_ADDRESS: address },
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^addr=unix:path=\/run\/x11docker-hostdbus\/bus$/m);
    assert.match(r.stdout, /^socket-ok$/m);
    assert.match(r.stderr, /WARNING: Option --hostdbus/);
    // this host has no webcam and no CUPS: one note each, no warning about access they do not give
    const about = (option: string) => r.stderr.split('\n').filter((l) => l.includes(`Option ${option}`));
    assert.deepEqual(about('--webcam').map((l) => l.replace(/:.*/, '')), ['x11docker note'], r.stderr);
    assert.match(about('--webcam')[0]!, /note: Option --webcam: this host has no \/dev\/video/);
    assert.deepEqual(about('--printer'), ['x11docker note: Option --printer: no CUPS socket on this host (CUPS_SERVER or /run/cups/cups.sock); the container gets no printer. Install and start cups.'], r.stderr);
    const missing = await x11docker(['--xvfb', '--hostdbus', DEMO_IMAGE, 'true'], { env: { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: dir + '-none' } });
    assert.equal(missing.exitCode, 64);
    assert.match(missing.stderr, /x11docker error: Option --hostdbus: no DBus session/);
    await assertNothingLeft();
  });
});

describe('--printer=tcp', () => {
  it("CUPS_SERVER in the container names the host's port 631, and a connection to it arrives at a listener on the host (docker bridge)", async () => {
    // host-gateway is the address of docker's bridge, docker0 (from ip: Node lists no interface
    // that is down, as docker0 is while no container is attached)
    const gw = /inet (\d+\.\d+\.\d+\.\d+)\//.exec((await execa('ip', ['-4', '-o', 'addr', 'show', 'docker0'])).stdout)?.[1] ?? '';
    assert.match(gw, /^\d+\.\d+\.\d+\.\d+$/, 'docker0 has an IPv4 address');
    const got: string[] = [];
    const server = createServer((c) => c.on('data', (d) => got.push(d.toString())));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(631, gw, resolve));
    try {
      const r = await x11docker(['--xvfb', '--network', '--printer=tcp', DEMO_IMAGE, 'bash', '-c', 'echo "cups=$CUPS_SERVER"; exec 3<>"/dev/tcp/${CUPS_SERVER%:*}/${CUPS_SERVER##*:}" && echo hello-cups >&3']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^cups=host\.docker\.internal:631$/m);
      assert.match(r.stderr, /note: Option --printer=tcp: the container reaches CUPS at host\.docker\.internal:631/);
      await waitFor('the line at the host listener', () => got.join('').includes('hello-cups'), 5000);
      const offline = await x11docker(['--xvfb', '--printer=tcp', DEMO_IMAGE, 'sh', '-c', 'echo "cups=${CUPS_SERVER:-none}"']);
      assert.equal(offline.exitCode, 0, offline.stderr);
      assert.match(offline.stdout, /^cups=none$/m);
      assert.match(offline.stderr, /note: Option --printer=tcp has no effect without network access/);
    } finally {
      server.close();
    }
    await assertNothingLeft();
  });
});

describe('--xpra and the host user\'s HOME', () => {
  let host: HostDisplay | undefined;
  before(async () => {
    host = await startHostDisplay();
  });
  after(async () => {
    await host?.stop();
  });

  it("an xpra session writes nothing into HOME (no ~/.:N-fakexinerama, ~/.xsession-errors, ~/.xpra): its files stay in the session folder", async () => {
    const home = homedir();
    const xpraFiles = () =>
      new Map(readdirSync(home).filter((n) => /fakexinerama|xsession-errors|^\.xpra$/.test(n)).map((n) => [n, statSync(join(home, n)).mtimeMs] as const));
    const configXpra = () => statSync(join(home, '.config', 'xpra'), { throwIfNoEntry: false })?.mtimeMs;
    const before = xpraFiles();
    const configBefore = configXpra();
    const r = await x11docker(['--xpra', '-q', DEMO_IMAGE, 'sh', '-c', 'xdpyinfo >/dev/null && echo drawn'], { env: { DISPLAY: host!.display } });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^drawn$/m);
    assert.deepEqual(xpraFiles(), before, `files in ${home}`);
    assert.equal(configXpra(), configBefore);
    await assertNothingLeft();
  });
});
