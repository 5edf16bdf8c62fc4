// --launcher (src/host/launcher.ts, withoutOption in src/options/parse.ts): the launcher's Exec
// line reads back, under the Desktop Entry rules, as this x11docker and the command line given
// without --launcher (also hostile words); its name, terminal and file name; refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCommandLine, withoutOption } from '../../src/options/parse.js';
import { launcherFiles } from '../../src/host/launcher.js';
import { runLauncher } from '../../src/tool-commands.js';
import { parseDesktopExec } from './desktop-exec.js';

const program = ['/usr/bin/node', '/opt/x 11/dist/x11docker.js'];
const request = (argv: string[]) => {
  const o = parseCommandLine(argv);
  return { argv: withoutOption(argv, 'launcher'), image: o.image, command: o.command, xserver: o.xserver, terminal: o.integration.interactive || o.integration.tty };
};
const field = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];

describe('--launcher', () => {
  test('withoutOption drops only --launcher before IMAGE; the container command keeps its words', () => {
    assert.deepEqual(withoutOption(['--launcher', '--user', 'root', '--xvfb', 'img', '--launcher'], 'launcher'), ['--user', 'root', '--xvfb', 'img', '--launcher']);
    assert.deepEqual(withoutOption(['--user', 'root', '--launcher', '--', '--launcher'], 'launcher'), ['--user', 'root', '--', '--launcher']);
    assert.deepEqual(withoutOption(['--env', 'A=--launcher', '--launcher', 'img'], 'launcher'), ['--env', 'A=--launcher', 'img']);
  });

  test('the Exec line reads back as this x11docker and the options without --launcher', () => {
    const argv = ['--launcher', '--xephyr', '--env', 'GREETING=it\'s "$HOME" 100% \\ `x`', '--sharedir=/data/my files', 'x11docker-demo', 'sh', '-c', 'echo $GREETING; ls *'];
    const [desktop, icon] = launcherFiles('/h/.local/share', program, request(argv));
    assert.equal(desktop!.path, '/h/.local/share/applications/x11docker-x11docker-demo.desktop');
    assert.equal(icon!.path, '/h/.local/share/icons/hicolor/scalable/apps/x11docker.svg');
    assert.deepEqual(parseDesktopExec(field(desktop!.text, 'Exec')!), [...program, ...argv.slice(1)]);
    assert.equal(field(desktop!.text, 'Name'), 'x11docker-demo sh -c echo $GREETING; ls *');
    assert.equal(field(desktop!.text, 'Terminal'), 'false');
    assert.equal(field(desktop!.text, 'Icon'), 'x11docker');
  });

  test('any command line reads back the same (property); -i opens a terminal; no image: named after the X server', () => {
    const word = fc.string({ unit: fc.constantFrom(...' "\'\\$`%;*?#()<>|&~=\n\t'.split(''), 'a', 'b', '-', '/', 'é') });
    fc.assert(fc.property(fc.array(word, { maxLength: 5 }), (cmd) => {
      const argv = ['--xvfb', 'img', ...cmd];
      const [desktop] = launcherFiles('/d', ['x11docker'], { argv, image: 'img', command: cmd, terminal: false });
      assert.deepEqual(parseDesktopExec(field(desktop!.text, 'Exec')!), ['x11docker', ...argv]);
      assert.equal(desktop!.text.split('\n').length, 11, 'no word adds a line');
    }), { numRuns: 300 });
    assert.equal(field(launcherFiles('/d', ['x11docker'], request(['-i', 'img', 'bash']))[0]!.text, 'Terminal'), 'true');
    assert.match(launcherFiles('/d', ['x11docker'], request(['--xephyr', '--launcher']))[0]!.path, /\/x11docker-xephyr\.desktop$/);
    assert.match(launcherFiles('/d', ['x11docker'], request(['registry:5000/team/app:1.2']))[0]!.path, /\/x11docker-registry_5000-team-app_1\.2\.desktop$/);
  });

  test('written with a temporary HOME: the launcher and the icon; a control character is refused', () => {
    const home = mkdtempSync(join(tmpdir(), 'x11docker-launcher-'));
    try {
      let out = '';
      assert.equal(runLauncher(request(['--launcher', '--xvfb', 'img']), { HOME: home, PATH: '' }, (t) => { out += t; }), 0);
      assert.equal(out, `${home}/.local/share/applications/x11docker-img.desktop\n`);
      const exec = parseDesktopExec(field(readFileSync(out.trim(), 'utf8'), 'Exec')!);
      assert.deepEqual(exec.slice(-2), ['--xvfb', 'img']);
      assert.equal(exec[0], process.execPath, 'not in PATH: node and this script');
      assert.match(readFileSync(`${home}/.local/share/icons/hicolor/scalable/apps/x11docker.svg`, 'utf8'), /<svg/);
      assert.throws(() => runLauncher(request(['--launcher', 'img', 'echo', 'a\x07']), { HOME: home }, () => undefined), /^X11DockerError: Option --launcher: a desktop entry cannot hold the control characters/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('--launcher with --install (or another option that exits) is refused', () => {
    assert.throws(() => parseCommandLine(['--launcher', '--install']), /Options --launcher and --install each do one thing and exit/);
  });
});
