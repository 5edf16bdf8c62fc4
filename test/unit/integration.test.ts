// Covers -i/-t, --no-entrypoint, --group-add, --xtest, --dpi, --keymap, --hostdbus, --webcam and
// --printer: parsing (src/options/integration.ts), the plan (src/plan/integration.ts), what they
// add to `docker create`, the X server arguments (hardeningArgs), and gatherIntegrationResources
// on a fake /dev and /run tree with real sockets.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../src/options/parse.js';
import { findOption } from '../../src/options/table.js';
import { containerCreateArgs, planSession, type SessionPlan } from '../../src/plan/plan.js';
import { CONTAINER_CUPS_SOCKET, CONTAINER_DBUS_SOCKET, CONTAINER_SSH_AGENT } from '../../src/plan/integration.js';
import { displayContext } from '../../src/plan/display.js';
import { gatherIntegrationResources, type IntegrationResources } from '../../src/host/integration.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import { hardeningArgs } from '../../src/xserver/hardening.js';
import { xPaths } from '../../src/xserver/display.js';
import { X11DockerError } from '../../src/errors.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const none: IntegrationResources = { video: [], stdinIsTty: false };

function hostFacts(integration: IntegrationResources = none, binaries = ['Xephyr', 'Xvfb', 'xauth', 'docker', 'xpra', 'nxagent', 'xrdb', 'setxkbmap']): HostFacts {
  return {
    processUid: 1000, hostUser: alice, hostUserSource: 'invoking', display: ':5', xauthority: '/home/alice/.Xauthority',
    binaries: new Set(binaries), sessionId: 'abc123def456', pid: 4242, resources: { dri: [], nvidia: [] }, integration,
  };
}
const image = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: ['/entry', '--flag'], cmd: ['xeyes', '-g', '1x1'], env: [] };

function plan(argv: string[], res?: IntegrationResources, binaries?: string[]): SessionPlan {
  return planSession(parseCommandLine(argv), hostFacts(res, binaries), image);
}
function args(argv: string[], res?: IntegrationResources): string[] {
  return containerCreateArgs(plan(argv, res), { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/c/Xauthority.client' });
}
const before = (a: string[]) => a.slice(0, a.indexOf('--'));
const afterImage = (a: string[]) => a.slice(a.indexOf('--') + 1);
const envOf = (a: string[]) => a.flatMap((x, i) => (a[i - 1] === '--env' ? [x] : []));

describe('-i / --interactive and -t / --tty', () => {
  test('-i attaches stdin (--interactive) and adds --tty only when stdin is a terminal', () => {
    for (const o of ['-i', '--interactive']) {
      const piped = plan(['--xvfb', o, 'img', 'bash'], { ...none, stdinIsTty: false });
      assert.equal(piped.container!.integration.interactive, true);
      assert.ok(before(args(['--xvfb', o, 'img', 'bash'])).includes('--interactive'));
      assert.ok(!before(args(['--xvfb', o, 'img', 'bash'])).includes('--tty'));
      assert.ok(piped.notes.some((n) => /stdin is not a terminal/.test(n)), piped.notes.join('|'));
      const a = args(['--xvfb', o, 'img', 'bash'], { ...none, stdinIsTty: true });
      assert.ok(before(a).includes('--interactive') && before(a).includes('--tty'), a.join(' '));
    }
    assert.ok(!before(args(['--xvfb', 'img'])).includes('--interactive'));
  });
  test('--stdin attaches stdin without a pseudo-terminal, also when stdin is a terminal, and without a note', () => {
    for (const stdinIsTty of [true, false]) {
      const p = plan(['--xvfb', '--stdin', 'img', 'cat'], { ...none, stdinIsTty });
      assert.equal(p.container!.integration.interactive, true);
      const a = before(args(['--xvfb', '--stdin', 'img', 'cat'], { ...none, stdinIsTty }));
      assert.ok(a.includes('--interactive') && !a.includes('--tty'), a.join(' '));
      assert.ok(!p.notes.some((n) => /stdin/.test(n)), p.notes.join('|'));
    }
  });
  test('raw docker run options attach stdin as docker reads them: -i, -it, --interactive; not -i=false or a value that looks like -i', () => {
    for (const raw of ['-i', '-it', '-ti', '--interactive', '--interactive=true']) assert.equal(plan(['--xvfb', '--', raw, '--', 'img']).container!.interactive, true, raw);
    for (const raw of [['-i=false'], ['-it', '--interactive=false'], ['-e', '-i'], ['--hostname', '-it']]) assert.equal(plan(['--xvfb', '--', ...raw, '--', 'img']).container!.interactive, false, raw.join(' '));
    assert.equal(plan(['--xvfb', '-i', 'img']).container!.interactive, true);
  });
  test('-t is terminal only: no X server (as --nothing), interactive; with another X server option it is an error', () => {
    const p = plan(['-t', 'img', 'sh'], { ...none, stdinIsTty: true });
    assert.equal(p.driver.name, 'nothing');
    assert.equal(p.container!.integration.tty, true);
    assert.throws(() => parseCommandLine(['-t', '--xephyr', 'img']), (e: unknown) => e instanceof X11DockerError && /--tty runs no X or Wayland server, but --xephyr/.test(e.message));
  });
  test('short forms as upstream: -i, -t, -P', () => {
    assert.equal(findOption('i')?.name, 'interactive');
    assert.equal(findOption('t')?.name, 'tty');
    assert.equal(findOption('P')?.name, 'printer');
  });
});

describe('--no-entrypoint', () => {
  test("clears the image's ENTRYPOINT; the command runs alone, else the image's CMD", () => {
    const a = args(['--xvfb', '--no-entrypoint', 'img', 'id', '-u']);
    assert.ok(before(a).includes('--entrypoint='));
    assert.deepEqual(afterImage(a), ['img', 'id', '-u']);
    assert.deepEqual(afterImage(args(['--xvfb', '--no-entrypoint', 'img'])), ['img', 'xeyes', '-g', '1x1']);
    assert.ok(!before(args(['--xvfb', 'img'])).some((x) => x.startsWith('--entrypoint')));
  });
  test('without a command and without CMD it is an error naming the option', () => {
    assert.throws(
      () => planSession(parseCommandLine(['--xvfb', '--no-entrypoint', 'img']), hostFacts(), { ...image, cmd: [] }),
      (e: unknown) => e instanceof X11DockerError && /--no-entrypoint: image 'img' has no CMD/.test(e.message),
    );
  });
});

describe('--group-add', () => {
  test('each group becomes --group-add; bad names are refused', () => {
    const a = before(args(['--xvfb', '--group-add', 'audio', '--group-add=1234', 'img']));
    assert.deepEqual(a.filter((x) => x.startsWith('--group-add')), ['--group-add=audio', '--group-add=1234']);
    assert.throws(() => parseCommandLine(['--group-add=a b', 'img']), /--group-add needs a group name or GID/);
  });
});

describe('--webcam and --printer', () => {
  const res: IntegrationResources = { video: [{ path: '/dev/video0', gid: 44 }, { path: '/dev/video1', gid: 44 }], cupsSocket: '/run/cups/cups.sock', stdinIsTty: false };
  test('--webcam shares every /dev/video* with its group, with a warning; a note when there is none', () => {
    const p = plan(['--xvfb', '--webcam', 'img'], res);
    const a = before(args(['--xvfb', '--webcam', 'img'], res));
    assert.deepEqual(a.filter((x) => x.startsWith('--device=')), ['--device=/dev/video0', '--device=/dev/video1']);
    assert.deepEqual(a.filter((x) => x.startsWith('--group-add=')), ['--group-add=44']);
    assert.ok(p.warnings.some((w) => /--webcam/.test(w)));
    // without webcams one outcome: the note only
    const none = plan(['--xvfb', '--webcam', 'img']);
    assert.deepEqual([...none.notes, ...none.warnings].filter((m) => /--webcam/.test(m)), ['Option --webcam: this host has no /dev/video* devices; the container gets no webcam.']);
  });
  test('--printer mounts the CUPS socket and sets CUPS_SERVER, with a warning; a note when there is none', () => {
    const a = args(['--xvfb', '--printer', 'img'], res);
    assert.ok(before(a).includes(`--mount=type=bind,source=/run/cups/cups.sock,target=${CONTAINER_CUPS_SOCKET},readonly`), a.join(' '));
    assert.ok(envOf(a).includes(`CUPS_SERVER=${CONTAINER_CUPS_SOCKET}`));
    assert.ok(plan(['--xvfb', '-P', 'img'], res).warnings.some((w) => /--printer/.test(w)));
    const without = plan(['--xvfb', '--printer', 'img']);
    assert.ok(without.notes.some((n) => /--printer: no CUPS socket/.test(n)));
    // one outcome without CUPS: that note only, no warning that the container reaches CUPS
    assert.deepEqual([...without.notes, ...without.warnings].filter((m) => /--printer/.test(m)), [without.notes.find((n) => /--printer: no CUPS socket/.test(n))]);
    const withSocket = plan(['--xvfb', '--printer', 'img'], res);
    assert.equal([...withSocket.notes, ...withSocket.warnings].filter((m) => /--printer/.test(m)).length, 1, 'with CUPS: the one warning');
    assert.ok(!envOf(args(['--xvfb', '--printer', 'img'])).some((e) => e.startsWith('CUPS_SERVER')));
    assert.deepEqual(args(['--xvfb', '--printer=socket', 'img'], res), a);
    assert.deepEqual(args(['--xvfb', '--printer=auto', 'img'], res), a, "upstream's auto is the socket here");
  });
  test("--printer=tcp (upstream's): CUPS_SERVER is the host's port 631 over the container's network, no socket; without network a note (an error with --fallback=no); a bad MODE names the option", () => {
    const a = args(['--xvfb', '--network', '--printer=tcp', 'img'], res);
    assert.ok(envOf(a).includes('CUPS_SERVER=host.docker.internal:631'));
    assert.ok(before(a).includes('--add-host=host.docker.internal:host-gateway'));
    assert.ok(!before(a).some((x) => x.includes('cups.sock')), 'no socket mount');
    const p = plan(['--xvfb', '--network', '--printer=tcp', 'img'], res);
    assert.ok(p.warnings.some((w) => /--printer/.test(w)));
    assert.ok(p.notes.some((n) => n.startsWith('Option --printer=tcp: the container reaches CUPS at host.docker.internal:631') && n.includes('Port 631')));
    const podman = args(['--xvfb', '--backend=podman', '--network=bridge', '--printer=tcp', 'img'], res);
    assert.ok(envOf(podman).includes('CUPS_SERVER=host.containers.internal:631') && !podman.some((x) => x.startsWith('--add-host')));
    assert.ok(envOf(args(['--xvfb', '--hostnet', '--printer=tcp', 'img'], res)).includes('CUPS_SERVER=127.0.0.1:631'));
    assert.ok(envOf(args(['--xvfb', '--printer=tcp', 'img', '--', ], res)).every((e) => !e.startsWith('CUPS_SERVER')));
    const offline = plan(['--xvfb', '--printer=tcp', 'img'], res);
    assert.ok(offline.notes.some((n) => n.startsWith('Option --printer=tcp has no effect without network access')));
    assert.ok(!envOf(args(['--xvfb', '--printer=tcp', 'img'], res)).some((e) => e.startsWith('CUPS_SERVER')));
    assert.throws(() => plan(['--xvfb', '--fallback=no', '--printer=tcp', 'img'], res), /^X11DockerError: Option --fallback=no: .*--printer=tcp has no effect without network/);
    assert.throws(() => parseCommandLine(['--printer=ipp', 'img']), /^X11DockerError: Option --printer takes socket, tcp or auto \(got 'ipp'\)/);
  });
});

describe('--hostdbus', () => {
  test('mounts the session socket and sets DBUS_SESSION_BUS_ADDRESS, with a warning', () => {
    const res: IntegrationResources = { ...none, dbus: { socket: '/run/user/1000/bus' } };
    const a = args(['--xvfb', '--hostdbus', 'img'], res);
    assert.ok(before(a).includes(`--mount=type=bind,source=/run/user/1000/bus,target=${CONTAINER_DBUS_SOCKET},readonly`), a.join(' '));
    assert.ok(envOf(a).includes(`DBUS_SESSION_BUS_ADDRESS=unix:path=${CONTAINER_DBUS_SOCKET}`));
    assert.ok(plan(['--xvfb', '--hostdbus', 'img'], res).warnings.some((w) => /--hostdbus/.test(w)));
  });
  test('no session is an error; an abstract socket works only with --hostnet', () => {
    assert.throws(() => plan(['--xvfb', '--hostdbus', 'img']), /--hostdbus: no DBus session of alice/);
    const abstract: IntegrationResources = { ...none, dbus: { abstract: '/tmp/dbus-XYZ' } };
    assert.throws(() => plan(['--xvfb', '--hostdbus', 'img'], abstract), /abstract socket/);
    assert.ok(envOf(args(['--xvfb', '--hostdbus', '--hostnet', 'img'], abstract)).includes('DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/dbus-XYZ'));
  });
});

describe('--sharessh', () => {
  test('mounts the SSH agent socket and sets SSH_AUTH_SOCK, with a warning; no agent is an error', () => {
    const res: IntegrationResources = { ...none, sshAgent: '/tmp/ssh-X/agent.1' };
    const a = args(['--xvfb', '--sharessh', 'img'], res);
    assert.ok(before(a).includes(`--mount=type=bind,source=/tmp/ssh-X/agent.1,target=${CONTAINER_SSH_AGENT},readonly`), a.join(' '));
    assert.ok(envOf(a).includes(`SSH_AUTH_SOCK=${CONTAINER_SSH_AGENT}`));
    assert.ok(plan(['--xvfb', '--sharessh', 'img'], res).warnings.some((w) => /--sharessh/.test(w)));
    assert.throws(() => plan(['--xvfb', '--sharessh', 'img']), /--sharessh: no SSH agent socket/);
  });
});

describe('--xtest, --dpi, --keymap', () => {
  test('--xtest turns XTEST on for servers that have it off, with a warning; no warning where it is on anyway', () => {
    const p = plan(['--xvfb', '--xtest', 'img']);
    assert.equal(p.displaySettings.xtest, true);
    assert.ok(p.warnings.some((w) => /--xtest/.test(w)));
    assert.ok(!hardeningArgs({ display: 1, authFile: '/a', xtest: true }).includes('XTEST'));
    assert.ok(hardeningArgs({ display: 1, authFile: '/a' }).includes('XTEST'));
    assert.equal(plan(['--xvfb', 'img']).displaySettings.xtest, false);
    assert.ok(!plan(['--xpra', '--xtest=yes', 'img']).warnings.some((w) => /--xtest/.test(w)));
    assert.ok(plan(['--xpra', '--xtest=no', 'img']).notes.some((n) => /--xtest=no: XTEST stays enabled with --xpra/.test(n)));
    assert.throws(() => parseCommandLine(['--xtest=maybe', 'img']), /--xtest takes yes or no/);
  });
  test('without --xtest, Xvfb and Xdummy with --showenv, --display=N or --xonly get a note for remote viewers naming --xtest; not with it, nor where XTEST is on, nor for a plain session', () => {
    const viewerNote = (argv: string[]) => plan(argv, undefined, [...hostFacts().binaries, '/usr/lib/xorg/Xorg', '/usr/lib/xorg/modules/drivers/dummy_drv.so']).notes.filter((n) => /viewer attached to this display .* add --xtest\.$/.test(n));
    assert.equal(viewerNote(['--xvfb', '--showenv', 'img']).length, 1);
    assert.equal(viewerNote(['--xvfb', '--display=30', 'img']).length, 1);
    assert.equal(viewerNote(['--xvfb', '--xonly']).length, 1);
    assert.match(viewerNote(['--xdummy', '--showenv', 'img'])[0] ?? '', /^Option --xdummy: the X extension XTEST is off/);
    for (const argv of [['--xvfb', 'img'], ['--xvfb', '--showenv', '--xtest', 'img'], ['--xvfb', '--showenv', '--xtest=no', 'img'], ['--xpra', 'img'], ['--xephyr', 'img']]) assert.deepEqual(viewerNote(argv), [], argv.join(' '));
  });
  test('--dpi goes to the server (-dpi) and keeps its state (-noreset); --keymap too; bad values are refused', () => {
    const p = plan(['--xvfb', '--dpi=144', '--keymap=de(nodeadkeys)', 'img']);
    assert.deepEqual(p.displaySettings, { xtest: false, dpi: 144, keymap: { from: '--keymap', names: { rules: '', model: '', layout: 'de', variant: 'nodeadkeys', options: '' } } });
    const x = hardeningArgs({ display: 1, authFile: '/a', dpi: 144 });
    assert.deepEqual(x.slice(x.indexOf('-dpi'), x.indexOf('-dpi') + 2), ['-dpi', '144']);
    assert.ok(x.includes('-noreset'));
    assert.throws(() => parseCommandLine(['--dpi=0', 'img']), /--dpi needs a number/);
    assert.throws(() => parseCommandLine(['--keymap=de;rm', 'img']), /--keymap needs a keyboard layout/);
  });
  test('missing xrdb / setxkbmap is an error naming the package; no new X server or nxagent: a note', () => {
    assert.throws(() => plan(['--xvfb', '--dpi=96', 'img'], none, ['Xvfb', 'docker']), /--dpi needs xrdb.*x11-xserver-utils/);
    assert.throws(() => plan(['--xvfb', '--keymap=de', 'img'], none, ['Xvfb', 'docker']), /--keymap needs setxkbmap.*x11-xkb-utils/);
    const nothing = plan(['--nothing', '--dpi=96', '--keymap=de', 'img']);
    assert.ok(nothing.notes.some((n) => /--dpi has no effect with --nothing/.test(n)));
    assert.equal(nothing.displaySettings.dpi, undefined);
    const nx = plan(['--nxagent', '--keymap=de', 'img']);
    assert.equal(nx.displaySettings.keymap, undefined);
    assert.ok(nx.notes.some((n) => /--keymap has no effect with --nxagent/.test(n)));
  });
});

describe('gatherIntegrationResources', () => {
  const root = mkdtempSync(join(tmpdir(), 'x11d-integration-'));
  const servers: Server[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(root, { recursive: true, force: true });
  });
  const listen = (path: string) =>
    new Promise<void>((resolve) => {
      const s = createServer();
      servers.push(s);
      s.listen(path, resolve);
    });
  test('finds the CUPS and DBus sockets (real sockets only), ignores a plain file, reads DBUS_SESSION_BUS_ADDRESS', async () => {
    mkdirSync(join(root, 'run/cups'), { recursive: true });
    mkdirSync(join(root, 'run/user/1000'), { recursive: true });
    mkdirSync(join(root, 'dev'), { recursive: true });
    writeFileSync(join(root, 'dev/video0'), ''); // not a character device: not a webcam
    await listen(join(root, 'run/cups/cups.sock'));
    const empty = gatherIntegrationResources(alice, {}, root, false);
    assert.equal(empty.cupsSocket, '/run/cups/cups.sock');
    assert.equal(empty.dbus, undefined);
    assert.deepEqual(empty.video, []);
    writeFileSync(join(root, 'run/user/1000/bus'), '');
    assert.equal(gatherIntegrationResources(alice, {}, root, false).dbus, undefined);
    rmSync(join(root, 'run/user/1000/bus'));
    await listen(join(root, 'run/user/1000/bus'));
    assert.deepEqual(gatherIntegrationResources(alice, {}, root, false).dbus, { socket: '/run/user/1000/bus' });
    assert.deepEqual(gatherIntegrationResources(alice, { DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-1,guid=x' }, root, false).dbus, { abstract: '/tmp/dbus-1' });
    assert.deepEqual(gatherIntegrationResources(alice, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus,guid=x' }, root, true), { video: [], cupsSocket: '/run/cups/cups.sock', dbus: { socket: '/run/user/1000/bus' }, sshAgent: undefined, stdinIsTty: true });
    // SSH_AUTH_SOCK counts only when it is a socket
    assert.equal(gatherIntegrationResources(alice, { SSH_AUTH_SOCK: '/run/user/1000/bus' }, root, false).sshAgent, '/run/user/1000/bus');
    assert.equal(gatherIntegrationResources(alice, { SSH_AUTH_SOCK: '/nowhere' }, root, false).sshAgent, undefined);
  });
});

describe('--composite and --xopt (upstream)', () => {
  test('the X server gets +/-extension Composite and the --xopt words after its hardening; hostile ones warn or are refused', () => {
    const xArgs = (argv: string[]) => {
      const p = plan(['--xvfb', ...argv, 'img']);
      return p.driver.launch(displayContext(p, { display: undefined, waylandDisplay: undefined, xdgRuntimeDir: undefined }, 101, { authFile: '/s/cookie', clientAuthFile: '/s/client' })).processes[0]!.args;
    };
    const plain = xArgs([]);
    assert.ok(!plain.includes('Composite'));
    const off = xArgs(['--composite=no']);
    assert.deepEqual(off.slice(off.indexOf('Composite') - 1, off.indexOf('Composite') + 1), ['-extension', 'Composite']);
    const on = xArgs(['--composite']);
    assert.deepEqual(on.slice(on.indexOf('Composite') - 1, on.indexOf('Composite') + 1), ['+extension', 'Composite']);
    const x = xArgs(['--xopt=-dpms  -s 0', '--xopt', '+extension XTEST']);
    assert.deepEqual(x.slice(x.indexOf('-dpms'), x.indexOf('-dpms') + 5), ['-dpms', '-s', '0', '+extension', 'XTEST']);
    assert.ok(x.indexOf('-dpms') > x.lastIndexOf('-extension'), 'after the hardening, so that the user can override it (with a warning)');
    const warned = plan(['--xvfb', '--xopt=-ac -listen tcp', '--xopt=+extension XTEST', 'img']).warnings;
    assert.ok(warned.some((w) => w.startsWith('Option --xopt=-ac disables access control')));
    assert.ok(warned.some((w) => w.startsWith('Option --xopt=-listen tcp: the new X server also listens there')));
    assert.ok(warned.some((w) => w.startsWith('Option --xopt=+extension XTEST')));
    for (const bad of ['-auth /tmp/x', ':5', '-displayfd 9']) assert.throws(() => plan(['--xvfb', `--xopt=${bad}`, 'img']), /Option --xopt: \S+ is set by x11docker/);
    assert.throws(() => plan(['--xvfb', '--composite=maybe', 'img']), /Option --composite takes yes or no/);
    assert.ok(plan(['--hostdisplay', '--composite', 'img']).notes.some((n) => n.startsWith('Option --composite has no effect with --hostdisplay')));
  });
});

describe('--fallback[=yes|no] (plan/fallback.ts)', () => {
  test('--fallback=no: an option that cannot be fulfilled here is an error naming it, not a note', () => {
    assert.throws(() => plan(['--fallback=no', '--xvfb', '--webcam', 'img']), /^X11DockerError: Option --fallback=no: x11docker would go on without what was asked for: Option --webcam: this host has no \/dev\/video\* devices; the container gets no webcam\. Change the options, or allow it with --fallback\.$/);
    assert.throws(() => plan(['--fallback=no', '--xvfb', '--fullscreen', 'img']), /Option --fallback=no: .*Option --fullscreen has no effect with --xvfb/);
    assert.doesNotThrow(() => plan(['--fallback=no', '--xvfb', 'img']), 'nothing falls back: the session runs');
  });

  test('--fallback=no: the automatic choice may not pass over a better X server that is missing', () => {
    const noNxagent = ['Xephyr', 'Xvfb', 'xauth', 'docker', 'xpra', 'xrdb', 'setxkbmap'];
    assert.match(plan(['img'], undefined, noNxagent).notes.join('\n'), /Using X server option --xpra .*better: nxagent is missing/);
    assert.throws(() => plan(['--fallback=no', 'img'], undefined, noNxagent), /Option --fallback=no: .*Using X server option --xpra .*better: nxagent is missing \(apt-get install nxagent\)/);
    // ssh -X: nxagent cannot open the TCP display; passing it over is no fallback
    const overSsh = planSession(parseCommandLine(['--fallback=no', 'img']), { ...hostFacts(), display: 'localhost:10.0' }, image);
    assert.equal(overSsh.driver.name, 'xpra');
    assert.match(overSsh.notes.join('\n'), /Using X server option --xpra .*better: --nxagent needs a local DISPLAY/);
  });

  test('--fallback and --fallback=yes (the default) keep the notes; other values are refused', () => {
    assert.ok(plan(['--fallback', '--xvfb', '--webcam', 'img']).notes.some((n) => /--webcam: this host has no/.test(n)));
    assert.equal(parseCommandLine(['--fallback=yes', 'img']).fallback, 'yes');
    assert.throws(() => parseCommandLine(['--fallback=maybe', 'img']), /^X11DockerError: Option --fallback takes yes or no \(got 'maybe'\), e\.g\. --fallback=no\.$/);
  });
});
