// Covers the pure parts of --html and x11docker-gui: the option values (src/options/html.ts,
// src/gui/main.ts), the plan's choice of Xvfb with XTEST kept and its warnings (src/plan/html.ts),
// the GUI's request checks (src/gui/guard.ts), its form-to-argv step with the allow-list
// (src/gui/form.ts), and the view's secrets (src/run/html.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { parseHtmlValue, isLoopback } from '../../src/options/html.js';
import { planSession } from '../../src/plan/plan.js';
import { xvfb } from '../../src/xserver/xvfb.js';
import { parseGuiAddress } from '../../src/gui/main.js';
import { commandFromBody } from '../../src/gui/form.js';
import { allowedHosts, checkRequest, cookieName, cookieValues, isJson, isLoopbackViewUrl, tokenMatches } from '../../src/gui/guard.js';
import { viewOrigins, vncPassword } from '../../src/run/html.js';
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
    // localhost is listened on and printed as 127.0.0.1 (a browser may try [::1] first)
    assert.deepEqual(parseHtmlValue('localhost:6083'), { host: '127.0.0.1', port: 6083 });
    assert.deepEqual(parseHtmlValue('LocalHost:6084'), { host: '127.0.0.1', port: 6084 });
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
    assert.deepEqual(parseGuiAddress('localhost:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseGuiAddress('localhost'), { host: '127.0.0.1', port: undefined });
    for (const bad of ['x y', '70000', '1.2.3.4:0', 'host:']) assert.throws(() => parseGuiAddress(bad), /--gui/);
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
  test('the page sends only its own options: hidden ones, short letters, aliases and option-like images are refused', () => {
    for (const options of [['--cleanup'], ['--preset=x'], ['--help'], ['--gui'], ['-v'], ['--licence'], ['--nosuchoption'], ['xvfb'], ['--html', '--version']]) {
      assert.throws(() => commandFromBody({ options, image: 'img' }), (e: unknown) => e instanceof X11DockerError && /does not offer/.test(e.message), JSON.stringify(options));
    }
    assert.throws(() => commandFromBody({ options: '--cleanup', image: 'img' }), /list of strings/);
    assert.throws(() => commandFromBody({ options: [1], image: 'img' }), /list of strings/);
    assert.throws(() => commandFromBody({ image: '--cleanup' }), /starts with '-'/);
    assert.deepEqual(commandFromBody({ options: ['--xvfb', '--size=640x480', '--env=A=b'], image: 'img' }).argv, ['--xvfb', '--size=640x480', '--env=A=b', 'img']);
  });
});

describe('x11docker-gui request checks (guard.ts)', () => {
  const hosts = allowedHosts('127.0.0.1', 8123);
  const post = (h: Partial<Parameters<typeof checkRequest>[0]>) => checkRequest({ method: 'POST', host: '127.0.0.1:8123', origin: 'http://127.0.0.1:8123', ...h }, hosts);
  test('Host must be the GUI\'s own address and port (DNS rebinding)', () => {
    for (const host of ['127.0.0.1:8123', '[::1]:8123']) assert.equal(checkRequest({ method: 'GET', host }, hosts), undefined, host);
    // `localhost` may resolve to [::1] first, where another local user can listen: not ours.
    for (const host of ['localhost:8123', 'LOCALHOST:8123', 'evil.example:8123', '127.0.0.1:8124', '127.0.0.1', 'rebind.127.0.0.1.nip.io:8123', '', undefined]) {
      assert.match(checkRequest({ method: 'GET', host }, hosts) ?? '', /Host/, String(host));
    }
  });
  test('a POST needs the GUI\'s own Origin, and Sec-Fetch-Site same-origin when sent', () => {
    assert.equal(post({}), undefined);
    assert.equal(post({ host: '[::1]:8123', origin: 'http://[::1]:8123', secFetchSite: 'same-origin' }), undefined);
    for (const origin of [undefined, 'null', 'http://evil.example', 'http://127.0.0.1:9999', 'https://127.0.0.1:8123', 'http://localhost:8123']) {
      assert.match(post({ origin }) ?? '', /origin/, String(origin));
    }
    for (const secFetchSite of ['same-site', 'cross-site', 'none']) assert.match(post({ secFetchSite }) ?? '', /Sec-Fetch-Site/);
  });
  test('exactly JSON', () => {
    for (const t of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) assert.ok(isJson(t), t);
    for (const t of [undefined, '', 'application/json-seq', 'application/jsonx', 'text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded']) assert.ok(!isJson(t), String(t));
  });
  test('the cookie is named by port, and any cookie of that name may hold the secret', () => {
    assert.equal(cookieName(8123), 'x11docker_gui_8123');
    assert.deepEqual(cookieValues('x11docker_gui_8123=bad; other=1; x11docker_gui_8123=good', 'x11docker_gui_8123'), ['bad', 'good']);
    assert.deepEqual(cookieValues('x11docker_gui_81234=x; x11docker_gui=y', 'x11docker_gui_8123'), []);
    assert.deepEqual(cookieValues(undefined, 'a'), []);
  });
  test('token comparison', () => {
    assert.ok(tokenMatches('abc', 'abc'));
    assert.ok(!tokenMatches('abd', 'abc'));
    assert.ok(!tokenMatches('ab', 'abc'));
    assert.ok(!tokenMatches(undefined, 'abc'));
    assert.ok(!tokenMatches('', 'abc'));
  });
  test('only --html views on loopback are framed', () => {
    assert.ok(isLoopbackViewUrl('http://127.0.0.1:6080/view.html#password=abcDEF12&token=a-b_c'));
    assert.ok(isLoopbackViewUrl('http://[::1]:6080/view.html#password=abcDEF12&token=x&clipboard=1'));
    for (const u of ['http://evil.example/view.html#password=x', 'http://127.0.0.1.evil.example:80/view.html#', 'https://127.0.0.1:6080/view.html#p', 'http://127.0.0.1:6080/other.html#p',
      'http://127.0.0.1:6080/view.html#p"><script>', 'javascript:alert(1)//http://127.0.0.1:1/view.html#', 'http://10.0.0.1:6080/view.html#password=x']) {
      assert.ok(!isLoopbackViewUrl(u), u);
    }
  });
});

describe('--html secrets (run/html.ts)', () => {
  test('the VNC password: 8 letters or digits, each equally likely (no character favoured)', () => {
    const counts = new Map<string, number>();
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const p = vncPassword();
      assert.match(p, /^[A-Za-z0-9]{8}$/);
      for (const c of p) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    // 48000 characters over 62: about 774 each; the old x-mapping gave 'x' about three times that
    const expected = (n * 8) / 62;
    assert.equal(counts.size, 62);
    for (const [c, k] of counts) assert.ok(k > expected * 0.75 && k < expected * 1.25, `${c}: ${k} (expected about ${expected.toFixed(0)})`);
  });
  test('websockify accepts only the view\'s own origin', () => {
    assert.deepEqual(viewOrigins('127.0.0.1', 6080).split(' ').sort(), ['http://127.0.0.1:6080', 'http://[::1]:6080']);
    assert.ok(viewOrigins('::1', 7000).split(' ').includes('http://[::1]:7000'));
    assert.ok(viewOrigins('0.0.0.0', 7000).split(' ').length >= 3);
    assert.ok(!viewOrigins('127.0.0.1', 6080).includes('null'));
  });
});
