// Covers the pure parts of --html and x11docker-gui: the option values (src/options/html.ts,
// src/gui/main.ts), the plan's choice of Xvfb with XTEST kept and its warnings (src/plan/html.ts),
// the token comparison and the form-to-argv step of the GUI server (src/gui/server.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { parseHtmlValue, isLoopback } from '../../src/options/html.js';
import { planSession } from '../../src/plan/plan.js';
import { xvfb } from '../../src/xserver/xvfb.js';
import { parseGuiAddress } from '../../src/gui/main.js';
import { commandFromBody, tokenMatches } from '../../src/gui/server.js';
import { X11DockerError } from '../../src/errors.js';
import type { HostFacts } from '../../src/host/facts.js';
import { renderHelp } from '../../src/options/help.js';

const host: HostFacts = {
  processUid: 1000,
  hostUser: { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' },
  hostUserSource: 'invoking',
  display: ':5',
  binaries: new Set(['Xephyr', 'Xvfb', 'docker', 'x11vnc', 'websockify']),
  sessionId: 'abc123def456',
  pid: 4242,
};
const image = { id: 'sha256:0', user: '', workingDir: '', entrypoint: [], cmd: ['xeyes'], env: [] };

describe('--html value', () => {
  test('defaults to loopback and a free port', () => {
    assert.deepEqual(parseCommandLine(['--html', 'img']).html, { host: '127.0.0.1' });
  });
  test('PORT and ADDR:PORT', () => {
    assert.deepEqual(parseHtmlValue('6080'), { host: '127.0.0.1', port: 6080 });
    assert.deepEqual(parseHtmlValue('0.0.0.0:6081'), { host: '0.0.0.0', port: 6081 });
    assert.deepEqual(parseHtmlValue('[::1]:6082'), { host: '::1', port: 6082 });
  });
  test('bad values are one-line errors naming --html', () => {
    for (const v of ['0', '65536', 'abc', '1.2.3.4:', ':80', '6080 ', 'a:b:c']) {
      assert.throws(() => parseCommandLine([`--html=${v}`, 'img']), (e: unknown) => e instanceof X11DockerError && /--html/.test(e.message) && !e.message.includes('\n'));
    }
  });
  test('loopback addresses', () => {
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
    assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.2') && !isLoopback('::'));
  });
  test('is listed in --help from the table', () => {
    assert.match(renderHelp(), /--html \[=\[ADDR:\]PORT\]/);
    assert.match(renderHelp(), /--gui \[=ADDR\]/);
  });
});

describe('plan with --html', () => {
  test('chooses Xvfb even with DISPLAY set, with the XTEST note and no warning on loopback', () => {
    const p = planSession(parseCommandLine(['--html', 'img']), host, image);
    assert.equal(p.driver.name, 'xvfb');
    assert.deepEqual(p.html, { host: '127.0.0.1' });
    assert.ok(p.notes.some((n) => /XTEST/.test(n)));
    assert.ok(!p.warnings.some((w) => /--html/.test(w)));
  });
  test('warns when the view listens beyond loopback', () => {
    const p = planSession(parseCommandLine(['--html=0.0.0.0:6080', 'img']), host, image);
    assert.ok(p.warnings.some((w) => w.startsWith('Option --html=0.0.0.0:6080') && /network/.test(w)));
  });
  test('names the missing helper and its package before anything starts', () => {
    assert.throws(
      () => planSession(parseCommandLine(['--html', 'img']), { ...host, binaries: new Set(['Xvfb', 'docker', 'x11vnc']) }, image),
      (e: unknown) => e instanceof X11DockerError && /--html needs websockify.*apt-get install websockify/.test(e.message),
    );
  });
  test('refuses another X server', () => {
    assert.throws(() => planSession(parseCommandLine(['--html', '--xephyr', 'img']), host, image), /--html .*--xephyr/);
    assert.equal(planSession(parseCommandLine(['--xvfb', '--html', 'img']), host, image).driver.name, 'xvfb');
  });
  test('Xvfb keeps XTEST only for --html, MIT-SHM stays off', () => {
    const ctx = { display: 7, authFile: '/a', clientAuthFile: '/c', size: { width: 10, height: 10 }, title: 't', sessionDir: '/s', desktop: false, fullscreen: false, clipboard: false };
    const normal = xvfb.launch(ctx).processes[0]!.args.join(' ');
    const html = xvfb.launch({ ...ctx, xtest: true }).processes[0]!.args.join(' ');
    assert.match(normal, /-extension XTEST/);
    assert.doesNotMatch(html, /XTEST/);
    assert.match(html, /-extension MIT-SHM/);
    assert.match(html, /-nolisten tcp/);
  });
});

describe('x11docker-gui', () => {
  test('--gui does not mean --xonly', () => {
    const o = parseCommandLine(['--gui']);
    assert.equal(o.gui, '127.0.0.1');
    assert.equal(o.xonly, false);
    assert.equal(parseCommandLine(['--gui=0.0.0.0']).gui, '0.0.0.0');
  });
  test('listening address forms', () => {
    assert.deepEqual(parseGuiAddress(undefined), { host: '127.0.0.1' });
    assert.deepEqual(parseGuiAddress('8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseGuiAddress('0.0.0.0'), { host: '0.0.0.0', port: undefined });
    assert.deepEqual(parseGuiAddress('[::1]:81'), { host: '::1', port: 81 });
    for (const bad of ['x y', '70000', '1.2.3.4:0', 'host:']) assert.throws(() => parseGuiAddress(bad), /--gui/);
  });
  test('token comparison', () => {
    assert.ok(tokenMatches('abc', 'abc'));
    assert.ok(!tokenMatches('abd', 'abc'));
    assert.ok(!tokenMatches('ab', 'abc'));
    assert.ok(!tokenMatches(undefined, 'abc'));
    assert.ok(!tokenMatches('', 'abc'));
  });
  test('form to argv: command split like a shell, nothing evaluated', () => {
    assert.deepEqual(commandFromBody({ options: ['--html'], image: 'img', command: `sh -c 'echo "$HOME" a*'` }).argv, ['--html', 'img', 'sh', '-c', 'echo "$HOME" a*']);
    assert.deepEqual(commandFromBody({ options: [], image: 'img', command: 'echo $HOME', engineArgs: '--memory=1g' }).argv, ['--', '--memory=1g', '--', 'img', 'echo', '$HOME']);
    assert.deepEqual(commandFromBody({ options: ['--xvfb'], image: '', command: '' }).argv, ['--xvfb']);
    for (const command of ['a; rm -rf x', 'a | b', 'a > f', 'ls *', 'a && b']) {
      assert.throws(() => commandFromBody({ image: 'img', command }), /shell syntax/);
    }
    assert.throws(() => commandFromBody({ image: '', command: 'xeyes' }), /image/);
  });
});
