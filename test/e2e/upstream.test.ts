/**
 * End to end: upstream 7.x command lines. `--preset` and the `default` preset change a real
 * session (the variables arrive in the container, the X server is the preset's); an upstream
 * option that is not available here is one line, exit 64, and nothing is started.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, DEMO_IMAGE, assertNothingNew, ensureEnded, leftovers, startSession, waitFor, waitForWindow, x11docker, type RunningSession } from './helpers.js';

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'x11docker-presets-home-'));
  const folder = join(home, '.config', 'x11docker', 'preset');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'default'), '# applied to every run\n--env FROM_DEFAULT=yes\n');
  writeFileSync(join(folder, 'dev'), '--xvfb\n--env "FROM_DEV=two words" --preset nested\n');
  writeFileSync(join(folder, 'nested'), '--env FROM_NESTED=$HOME\n');
  writeFileSync(join(folder, 'broken'), '--xvfb\nx11docker-demo\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

describe('upstream 7.x options', () => {
  it("--preset and the default preset: their options take effect as if typed (variables inside, the preset's X server)", async () => {
    const base = await leftovers();
    const r = await x11docker(['-v', '--preset', 'dev', DEMO_IMAGE, 'sh', '-c', 'echo "default=$FROM_DEFAULT dev=$FROM_DEV nested=$FROM_NESTED display=$DISPLAY"'], { env: { HOME: home } });
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), new RegExp(`^default=yes dev=two words nested=${home} display=:\\d+$`, 'm'));
    assert.match(String(r.stderr), /options from preset .*\/preset\/default/);
    assert.match(String(r.stderr), /options from preset .*\/preset\/dev/);
    assert.match(String(r.stderr), /Xvfb/, 'the X server is the preset\'s --xvfb');
    await assertNothingNew(base);
  });

  it('a preset with a line that is no option is one line naming the file and line, exit 64, nothing started', async () => {
    const base = await leftovers();
    const r = await x11docker(['--preset', 'broken', DEMO_IMAGE], { env: { HOME: home } });
    assert.equal(r.exitCode, 64);
    assert.equal(String(r.stderr).trim(), `x11docker error: Option --preset: ${home}/.config/x11docker/preset/broken line 2: 'x11docker-demo' is not an x11docker option. A preset holds options only (no IMAGE, COMMAND or '--').`);
    await assertNothingNew(base);
  });

  it("--printid prints the running container's ID on stdout (the command's stdout goes to stderr); --printenv=FILE writes the environment line into FILE", async () => {
    const base = await leftovers();
    const envFile = join(home, 'env-line');
    const r = await x11docker(['--xvfb', '--printid', `--printenv=${envFile}`, DEMO_IMAGE, 'sh', '-c', 'echo "from the command"; cat /proc/1/cgroup >/dev/null; hostname']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    const lines = String(r.stdout).trim().split('\n');
    assert.equal(lines.length, 1, `stdout holds only the ID: ${String(r.stdout)}`);
    assert.match(lines[0]!, /^[0-9a-f]{64}$/);
    // docker's default hostname is the first 12 characters of the container's ID
    assert.match(String(r.stderr), new RegExp(`^${lines[0]!.slice(0, 12)}$`, 'm'), "the container's hostname is its ID: the ID is this container's");
    assert.match(String(r.stderr), /^from the command$/m);
    const written = readFileSync(envFile, 'utf8');
    assert.match(written, /^DISPLAY=:\d+ XAUTHORITY=\S+ XSOCKET=\/tmp\/\.X11-unix\/X\d+\n$/);
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
    await assertNothingNew(base);
  });

  it('--printenv=FILE in a folder that does not exist, a folder as FILE, one file for both: one line naming the option, exit 64, nothing started', async () => {
    const base = await leftovers();
    for (const [args, message] of [
      [[`--printenv=${join(home, 'missing', 'env')}`], /^x11docker error: Option --printenv=FILE: the folder \S+\/missing does not exist\./],
      [['--printid=/tmp'], /^x11docker error: Option --printid=FILE: \/tmp is a folder\./],
      [[`--printid=${join(home, 'same')}`, `--printenv=${join(home, 'same')}`], /^x11docker error: Options --printenv=FILE and --printid=FILE name the same file/],
    ] as const) {
      const r = await x11docker(['--xvfb', ...args, DEMO_IMAGE, 'sleep', '30']);
      assert.equal(r.exitCode, 64);
      assert.match(String(r.stderr).trim(), message);
    }
    await assertNothingNew(base);
  });

  it('--newprivileges=yes: inside, the process may gain privileges (NoNewPrivs 0), with the warning; by default and with --sudouser --newprivileges=no it may not (1)', async () => {
    const base = await leftovers();
    const nnp = async (options: string[]) => {
      const r = await x11docker(['--xvfb', ...options, DEMO_IMAGE, 'sh', '-c', 'grep NoNewPrivs /proc/self/status']);
      assert.equal(r.exitCode, 0, String(r.stderr));
      return { value: /NoNewPrivs:\s+(\d)/.exec(String(r.stdout))?.[1], stderr: String(r.stderr) };
    };
    const yes = await nnp(['--newprivileges=yes']);
    assert.equal(yes.value, '0');
    assert.match(yes.stderr, /Option --newprivileges=yes: x11docker does not set docker run option --security-opt=no-new-privileges/);
    assert.equal((await nnp([])).value, '1');
    const no = await nnp(['--sudouser', '--newprivileges=no']);
    assert.equal(no.value, '1');
    assert.match(no.stderr, /sudo and su cannot gain root/);
    await assertNothingNew(base);
  });

  it("--ipc shares the host's IPC namespace (upstream's warning); --ipc=shareable gives the container its own", async () => {
    const base = await leftovers();
    const hostIpc = readlinkSync('/proc/self/ns/ipc'); // the test's own: the host's IPC namespace
    const ipcOf = async (option: string) => {
      const r = await x11docker(['--xvfb', option, DEMO_IMAGE, 'readlink', '/proc/self/ns/ipc']);
      assert.equal(r.exitCode, 0, String(r.stderr));
      return { ns: String(r.stdout).trim(), stderr: String(r.stderr) };
    };
    const shared = await ipcOf('--ipc');
    assert.equal(shared.ns, hostIpc);
    assert.match(shared.stderr, /Option --ipc=host severely degrades container isolation/);
    const own = await ipcOf('--ipc=shareable');
    assert.match(own.ns, /^ipc:\[\d+\]$/);
    assert.notEqual(own.ns, hostIpc);
    await assertNothingNew(base);
  });

  it("--shell: the container user's passwd entry names the shell, and SHELL is set", async () => {
    const base = await leftovers();
    const r = await x11docker(['--xvfb', '--shell=/bin/bash', DEMO_IMAGE, 'sh', '-c', 'echo "passwd=$(getent passwd "$(id -un)" | cut -d: -f7) SHELL=$SHELL"']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(r.stdout), /^passwd=\/bin\/bash SHELL=\/bin\/bash$/m);
    await assertNothingNew(base);
  });

  it('--homebasedir DIR: --home keeps the container HOME in DIR/IMAGENAME, where a file written inside stays', async () => {
    const base = await leftovers();
    const dir = join(home, 'homes');
    const r = await x11docker(['--xvfb', `--homebasedir=${dir}`, '--home', DEMO_IMAGE, 'sh', '-c', 'echo kept > "$HOME/note" && echo "home=$HOME"']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    assert.equal(readFileSync(join(dir, 'x11docker-demo', 'note'), 'utf8'), 'kept\n');
    assert.equal(statSync(join(dir, 'x11docker-demo')).mode & 0o777, 0o700);
    await assertNothingNew(base);
  });

  it("--xeyes and --xlogo: the host's xeyes and xlogo windows appear on the new display, and end with the session", async () => {
    const base = await leftovers();
    let s: RunningSession | undefined;
    try {
      s = await startSession(['--xvfb', '--xeyes=-shape', '--xlogo', DEMO_IMAGE, 'sleep', '60']);
      await waitForWindow(s, 'xeyes');
      await waitForWindow(s, 'xlogo');
      const clients = async () => (await execa('pgrep', ['-f', `^(xeyes -shape|xlogo)$`], { reject: false })).stdout.split('\n').filter(Boolean);
      assert.equal((await clients()).length, 2);
      s.child.kill('SIGINT');
      assert.equal((await s.child).exitCode, 130);
      assert.deepEqual(await clients(), []);
    } finally {
      await ensureEnded(s?.child);
    }
    await assertNothingNew(base);
  });

  it('--stdin passes piped stdin to the container command', async () => {
    const base = await leftovers();
    const r = await execa('node', [CLI, '--xvfb', '--stdin', DEMO_IMAGE, 'sh', '-c', 'read line; echo "got: $line"; [ -t 0 ] || echo "no terminal"'], {
      input: 'hello through --stdin\n', env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, timeout: 60000,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^got: hello through --stdin$/m);
    assert.match(r.stdout, /^no terminal$/m);
    await assertNothingNew(base);
  });

  it('--runasuser: the commands run as the container user, in order, before the image command; a failing one is a note', async () => {
    const base = await leftovers();
    const r = await x11docker(['--xvfb', '--runasuser', 'echo "first as $(id -u)" > /tmp/order', '--runasuser', 'exit 3', DEMO_IMAGE, 'sh', '-c', 'cat /tmp/order; echo "command as $(id -u)"']);
    assert.equal(r.exitCode, 0, String(r.stderr));
    const uid = String(process.getuid?.() ?? 0);
    assert.match(String(r.stdout), new RegExp(`^first as ${uid}\ncommand as ${uid}$`, 'm'));
    assert.match(String(r.stderr), /x11docker note: --runasuser command failed with exit code 3: exit 3/);
    await assertNothingNew(base);
  });

  it('--runfromhost: host commands on the new display, in order, before the container; what they leave running ends with the session; Ctrl-C while one runs ends all', async () => {
    const base = await leftovers();
    const out = join(home, 'runfromhost');
    // a host program that keeps running: a script whose command line names it (pgrep finds exactly it)
    const script = join(home, `x11docker-rfh-${process.pid}`);
    writeFileSync(script, '#!/bin/sh\nsleep 300\n', { mode: 0o755 });
    const left = async () => (await execa('pgrep', ['-f', `^/bin/sh ${script}$`], { reject: false })).stdout.trim();
    const r = await x11docker([
      '--xvfb', '--runfromhost', `echo "first $DISPLAY" > ${out}`, '--runfromhost', `echo second >> ${out}; ${script} &`,
      DEMO_IMAGE, 'sh', '-c', 'echo "container $DISPLAY"',
    ]);
    assert.equal(r.exitCode, 0, String(r.stderr));
    const display = /^container (:\d+)$/m.exec(String(r.stdout))?.[1];
    assert.ok(display, String(r.stdout));
    assert.equal(readFileSync(out, 'utf8'), `first ${display}\nsecond\n`);
    await waitFor('the backgrounded host command to end', async () => (await left()) === '', 5000).catch(() => undefined);
    assert.equal(await left(), '', 'the command left running by --runfromhost ended with the session');

    const s = execa('node', [CLI, '--xvfb', '--runfromhost', script, DEMO_IMAGE, 'true'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false });
    await waitFor('the host command to run', async () => (await left()) !== '', 20000);
    s.kill('SIGINT');
    assert.equal((await s).exitCode, 130, String((await s).stderr));
    await waitFor('the host command to end', async () => (await left()) === '', 5000).catch(() => undefined);
    assert.equal(await left(), '');
    await assertNothingNew(base);
  });

  it("--sharecgroup: the container sees the host's cgroup tree, read-only, with the warning; without it, its own", async () => {
    const base = await leftovers();
    const tree = "find /sys/fs/cgroup -maxdepth 2 -type d | sort | md5sum; awk '$5 == \"/sys/fs/cgroup\" { print $6 }' /proc/self/mountinfo";
    const host = (await execa('sh', ['-c', 'find /sys/fs/cgroup -maxdepth 2 -type d | sort | md5sum'])).stdout.trim();
    const shared = await x11docker(['--xvfb', '--sharecgroup', DEMO_IMAGE, 'sh', '-c', tree]);
    assert.equal(shared.exitCode, 0, String(shared.stderr));
    const [sum, mountOptions] = String(shared.stdout).trim().split('\n');
    assert.equal(sum, host);
    assert.match(mountOptions ?? '', /^ro(,|$)/);
    assert.match(String(shared.stderr), /Option --sharecgroup: sharing \/sys\/fs\/cgroup from the host \(read-only\)/);
    const own = await x11docker(['--xvfb', DEMO_IMAGE, 'sh', '-c', tree]);
    assert.notEqual(String(own.stdout).trim().split('\n')[0], host);
    await assertNothingNew(base);
  });

  it('--composite=no takes Composite off the new X server; --xopt="+extension XTEST" turns XTEST on, with a warning', async () => {
    const base = await leftovers();
    /** The new X server's extensions (xdpyinfo on its display) and x11docker's stderr, for these options. */
    const extensions = async (options: string[]) => {
      let s: RunningSession | undefined;
      try {
        s = await startSession(['--xvfb', ...options, DEMO_IMAGE, 'sleep', '60']);
        const list = (await execa('xdpyinfo', ['-queryExtensions'], { env: { DISPLAY: s.xenv.DISPLAY, XAUTHORITY: s.xenv.XAUTHORITY } })).stdout;
        s.child.kill('SIGINT');
        await s.child;
        return { list, stderr: s.stderr() };
      } finally {
        await ensureEnded(s?.child);
      }
    };
    const changed = await extensions(['--composite=no', '--xopt=+extension XTEST']);
    assert.doesNotMatch(changed.list, /^\s+Composite\b/m);
    assert.match(changed.list, /^\s+XTEST\b/m);
    assert.match(changed.stderr, /Option --xopt=\+extension XTEST/);
    const plain = await extensions([]);
    assert.match(plain.list, /^\s+Composite\b/m, 'Xvfb has Composite by default');
    assert.doesNotMatch(plain.list, /^\s+XTEST\b/m);
    await assertNothingNew(base);
  });

  it('a broken default preset: --help, --version, --license and the watcher\'s clean-up after kill -9 still work; a session refuses with the file and line', async () => {
    const brokenHome = mkdtempSync(join(tmpdir(), 'x11docker-broken-preset-'));
    const folder = join(brokenHome, '.config', 'x11docker', 'preset');
    mkdirSync(folder, { recursive: true });
    try {
      const env = { HOME: brokenHome };
      const base = await leftovers();
      const s = await startSession(['--xvfb', DEMO_IMAGE, 'sleep', '60'], { env });
      writeFileSync(join(folder, 'default'), '--bogus\n'); // written while the session runs
      for (const o of ['--help', '--version', '--license']) assert.equal((await x11docker([o], { env })).exitCode, 0, o);
      const refused = await x11docker(['--xvfb', DEMO_IMAGE, 'true'], { env });
      assert.equal(refused.exitCode, 64);
      assert.match(String(refused.stderr), /Option --preset: \S+\/preset\/default line 1: unknown option --bogus/);
      s.child.kill('SIGKILL');
      await s.child;
      await assertNothingNew(base, 15000);
      const folders = readdirSync(join(brokenHome, '.cache', 'x11docker'), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'images');
      assert.deepEqual(folders.map((d) => d.name), [], 'the watcher removed the session folder');
    } finally {
      rmSync(brokenHome, { recursive: true, force: true });
    }
  });

  it('--license (and --licence) prints the MIT license of the installed package and exits 0, starting nothing', async () => {
    for (const option of ['--license', '--licence']) {
      const r = await x11docker([option]);
      assert.equal(r.exitCode, 0, String(r.stderr));
      assert.match(String(r.stdout), /^MIT License\n\nCopyright \(c\) \d{4} The x11docker for TypeScript authors\n/);
      assert.match(String(r.stdout), /THE SOFTWARE IS PROVIDED "AS IS"/);
      assert.equal(String(r.stderr), '');
    }
  });

  it("an upstream option that is not available here (--xwin) is one line saying so, exit 64, nothing started", async () => {
    const base = await leftovers();
    const r = await x11docker(['--xwin', '--xvfb', DEMO_IMAGE]);
    assert.equal(r.exitCode, 64);
    assert.match(String(r.stderr).trim(), /^x11docker error: Option --xwin of upstream x11docker 7\.8\.1 is for MS Windows \(Cygwin\/X, WSL2, VcXsrv\); x11docker for TypeScript runs on Linux only\.$/);
    await assertNothingNew(base);
  });
});
