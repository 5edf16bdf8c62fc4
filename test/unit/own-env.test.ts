/**
 * x11docker's own variables (DISPLAY, XAUTHORITY, WAYLAND_DISPLAY, XDG_RUNTIME_DIR, PULSE_SERVER,
 * ...) win over the user's, from every source (--env, raw -e/--env/--env-file, the image's ENV),
 * with a note; variables x11docker does not set in a session stay the user's (src/plan/own-env.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { containerCreateArgs, planSession, runtimeDirExtras, type SessionPlan } from '../../src/plan/plan.js';
import { envArgs, ownEnvNotes, probeLaunch, readRawOptions as readParsed } from '../../src/plan/own-env.js';
import { envFileNames } from '../../src/host/env-files.js';
import { parseRawOptions } from '../../src/options/raw-options.js';

const readRawOptions = (args: readonly string[]) => readParsed(parseRawOptions(args));
import type { ImageConfig } from '../../src/plan/image.js';
import type { HostFacts } from '../../src/host/facts.js';
import { xserverDrivers } from '../../src/xserver/drivers.js';

const host: HostFacts = {
  processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
  binaries: new Set(['Xvfb', 'xauth', 'docker', 'weston', 'Xwayland']), sessionId: 'abc123def456', pid: 4242,
  resources: { dri: [], nvidia: [], pulseSocket: '/run/user/1000/pulse/native', pulseCookie: '/home/alice/.config/pulse/cookie' },
};
const image: ImageConfig = { id: 'sha256:0123', user: '', workingDir: '', entrypoint: [], cmd: ['/bin/sh'], env: ['PATH=/bin'] };
const plan = (argv: string[], h: HostFacts = host, config: ImageConfig = image): SessionPlan => planSession(parseCommandLine(argv), h, config);

/**
 * The environment docker gives the container, as docker builds it: the image's ENV, then the
 * env files' variables (value `from-file`), then every `--env`/`-e` in order (the last of a name wins).
 */
function finalEnv(p: SessionPlan, envFiles: ReadonlyMap<string, readonly string[]> = new Map()): Map<string, string> {
  const launch = probeLaunch(p.driver);
  const args = containerCreateArgs(p, { display: 101, socketPath: '/tmp/.X11-unix/X101', clientAuthFile: '/c', x11: launch.x11, env: { ...launch.containerEnv, ...runtimeDirExtras(p, launch).env } });
  const env = new Map<string, string>(p.container!.imageConfig.env.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]));
  const end = args.indexOf('--');
  for (const f of readRawOptions(args.slice(0, end)).envFiles) for (const n of envFiles.get(f) ?? []) env.set(n, 'from-file');
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
    const value = a === '--env' || a === '-e' ? args[++i]! : a.startsWith('--env=') ? a.slice(6) : /^-e[^-]/.test(a) ? a.slice(2) : undefined;
    if (value !== undefined) env.set(value.split('=')[0]!, value.slice(value.indexOf('=') + 1));
  }
  return env;
}

describe('raw options and env files', () => {
  test('readRawOptions: -e, --env, attached -eNAME=V, --env-file in both forms, -u/--user root', () => {
    const r = readRawOptions(['-e', 'DISPLAY=:7', '--env=XAUTHORITY=/x', '-eWAYLAND_DISPLAY=w', '--env', 'PULSE_SERVER', '--env-file', '/f1', '--env-file=/f2', '-u0', '--read-only']);
    assert.deepEqual(r.env.map((e) => e.value), ['DISPLAY=:7', 'XAUTHORITY=/x', 'WAYLAND_DISPLAY=w', 'PULSE_SERVER']);
    assert.deepEqual(r.envFiles, ['/f1', '/f2']);
    assert.equal(r.rootUser, true);
    assert.equal(readRawOptions(['--user', 'root:root']).rootUser, true);
    assert.equal(readRawOptions(['--user=1000', '--privileged']).rootUser, false);
    assert.equal(readRawOptions(['-u', '0', '-u', '1000']).rootUser, false, 'the last --user wins');
  });

  test('envFileNames reads docker\'s format: NAME=VALUE or NAME, blanks before, comments and empty lines skipped', () => {
    assert.deepEqual(envFileNames('# c\n\nDISPLAY=:7\n  XAUTHORITY=/x=y\nPULSE_SERVER\n'), ['DISPLAY', 'XAUTHORITY', 'PULSE_SERVER']);
  });
});

describe('x11docker\'s values win, with a note naming the source', () => {
  const own = ['DISPLAY=:7', 'XAUTHORITY=/x', 'XDG_RUNTIME_DIR=/r'];

  test('from --env: dropped, x11docker\'s value wins, one note each', () => {
    const p = plan(['--xvfb', ...own.flatMap((e) => ['--env', e]), '--env', 'OTHER=1', 'img']);
    const env = finalEnv(p);
    assert.equal(env.get('DISPLAY'), ':101');
    assert.equal(env.get('XAUTHORITY'), '/x11docker/Xauthority.client');
    assert.equal(env.get('XDG_RUNTIME_DIR'), '/tmp/XDG_RUNTIME_DIR');
    assert.equal(env.get('OTHER'), '1');
    for (const e of own) assert.ok(p.notes.some((n) => n.startsWith(`Option --env ${e}: x11docker sets ${e.split('=')[0]} (`) && n.endsWith('its value wins.')), `${e}: ${p.notes.join('\n')}`);
  });

  test('from raw -e/--env after --, an --env-file and the image\'s ENV: x11docker\'s values come after them', () => {
    const files = new Map([['/e.env', ['DISPLAY', 'XAUTHORITY', 'FOO']]]);
    const p = plan(['--xvfb', '--', '-e', 'DISPLAY=:7', '-eXAUTHORITY=/x', '--env-file', '/e.env', '--', 'img'], { ...host, envFiles: files }, { ...image, env: ['PATH=/bin', 'XDG_RUNTIME_DIR=/r'] });
    const env = finalEnv(p, files);
    assert.equal(env.get('DISPLAY'), ':101');
    assert.equal(env.get('XAUTHORITY'), '/x11docker/Xauthority.client');
    assert.equal(env.get('XDG_RUNTIME_DIR'), '/tmp/XDG_RUNTIME_DIR');
    assert.equal(env.get('FOO'), 'from-file');
    assert.ok(p.notes.some((n) => n.startsWith('docker run option -e DISPLAY=:7 after --: x11docker sets DISPLAY')), p.notes.join('\n'));
    assert.ok(p.notes.some((n) => n.startsWith('docker run option -e XAUTHORITY=/x after --')), p.notes.join('\n'));
    assert.ok(p.notes.some((n) => n.startsWith('docker run option --env-file /e.env after -- sets DISPLAY, XAUTHORITY: x11docker sets DISPLAY (the new X display), XAUTHORITY (its cookie) itself, and its values win.')), p.notes.join('\n'));
    assert.ok(p.notes.some((n) => n.startsWith("The image's ENV XDG_RUNTIME_DIR=/r: x11docker sets XDG_RUNTIME_DIR")), p.notes.join('\n'));
  });

  test('WAYLAND_DISPLAY with a Wayland display, PULSE_SERVER with --pulseaudio', () => {
    const p = plan(['--weston', '--pulseaudio', '--env', 'WAYLAND_DISPLAY=wayland-9', '--env', 'PULSE_SERVER=tcp:h', 'img']);
    const env = finalEnv(p);
    assert.match(env.get('WAYLAND_DISPLAY') ?? '', /^wayland-x11docker-/);
    assert.match(env.get('PULSE_SERVER') ?? '', /^unix:\//);
    assert.equal(env.has('DISPLAY'), false, 'pure Wayland: no DISPLAY');
    assert.equal(p.notes.filter((n) => n.startsWith('Option --env')).length, 2, p.notes.join('\n'));
  });

  test('variables x11docker does not set in the session stay the user\'s, without a note', () => {
    const p = plan(['--xvfb', '--env', 'PULSE_SERVER=tcp:h', '--env', 'WAYLAND_DISPLAY=w', 'img']);
    const env = finalEnv(p);
    assert.equal(env.get('PULSE_SERVER'), 'tcp:h');
    assert.equal(env.get('WAYLAND_DISPLAY'), 'w');
    assert.deepEqual(p.notes.filter((n) => n.includes('x11docker sets') && n.includes('wins')), []);
    const none = plan(['--nothing', '--env', 'DISPLAY=:7', 'img']);
    assert.equal(finalEnv(none).get('DISPLAY'), ':7');
    const retain = plan(['--xvfb', '--user=RETAIN', '--env', 'XDG_RUNTIME_DIR=/r', 'img'], host, { ...image, user: 'app' });
    assert.equal(finalEnv(retain).get('XDG_RUNTIME_DIR'), '/r');
    assert.deepEqual(retain.notes.filter((n) => n.includes('x11docker sets') && n.includes('wins')), []);
  });

  test('every display option: the notes name exactly the own variables its containers get', () => {
    for (const [name, driver] of Object.entries(xserverDrivers)) {
      const launch = probeLaunch(driver);
      const names = [...(launch.x11 ? ['DISPLAY', 'XAUTHORITY'] : []), ...Object.keys(launch.containerEnv)];
      const notes = ownEnvNotes(new Set(names), { env: ['DISPLAY=:7', 'WAYLAND_DISPLAY=w'], raw: readRawOptions([]), imageEnv: [] });
      assert.equal(notes.length, names.filter((n) => n === 'DISPLAY' || n === 'WAYLAND_DISPLAY').length, `${name}: ${notes.join('\n')}`);
    }
  });

  test('envArgs: other variables and the user\'s go before the raw options, x11docker\'s own after them', () => {
    assert.deepEqual(envArgs(['DISPLAY=:1', 'USER=a', 'TZ=UTC'], ['TZ=Europe/Berlin', 'DISPLAY=:7']), {
      beforeRaw: ['--env', 'USER=a', '--env', 'TZ=UTC', '--env', 'TZ=Europe/Berlin'],
      afterRaw: ['--env', 'DISPLAY=:1'],
    });
  });
});
