// --xonly --showenv for every display option that runs here: the environment line lets a client
// connect (xdpyinfo for X, the socket for pure Wayland), the note says what runs, Ctrl-C ends it
// and nothing is left.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, ensureEnded, leftovers, startHostDisplay, waitFor, type HostDisplay } from './helpers.js';

let host: HostDisplay;
before(async () => {
  host = await startHostDisplay();
});
after(async () => {
  await host?.stop();
});

/** Display option -> the note --xonly prints (a pattern) and what the --showenv line holds. */
const CASES: readonly [string, RegExp, 'x11' | 'wayland' | 'none'][] = [
  ['xephyr', /X server :\d+ \(--xephyr\) is running\./, 'x11'],
  ['xvfb', /X server :\d+ \(--xvfb\) is running\./, 'x11'],
  ['xpra', /X server :\d+ \(--xpra\) is running\./, 'x11'],
  ['nxagent', /X server :\d+ \(--nxagent\) is running\./, 'x11'],
  ['xdummy', /X server :\d+ \(--xdummy\) is running\./, 'x11'],
  ['weston-xwayland', /X server :\d+ \(Xwayland in weston, --weston-xwayland\) is running\./, 'x11'],
  ['weston', /Wayland compositor weston \(--weston\) is running, socket \/\S+\/wayland-x11docker-\d+\./, 'wayland'],
  ['hostdisplay', /Sharing your display :\d+ \(--hostdisplay\)\./, 'x11'],
  ['nothing', /No display is running \(--nothing\)\./, 'none'],
];

describe('--xonly --showenv', () => {
  for (const [server, note, kind] of CASES) {
    it(`--${server}: the environment line works, the note says what runs, Ctrl-C leaves nothing`, async () => {
      const child = execa('node', [CLI, '--xonly', '--showenv', `--${server}`], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: host.display }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60000,
      });
      try {
        let stderr = '';
        let stdout = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
        await waitFor(`--${server}: the running note`, () => /Press Ctrl-C/.test(stderr) || child.exitCode !== null, 30000);
        assert.match(stderr, note);
        assert.match(stdout, /\n/);
        const line = stdout.split('\n')[0]!;
        const env = Object.fromEntries(line.split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        if (kind === 'x11') {
          assert.deepEqual(Object.keys(env).sort(), ['DISPLAY', 'XAUTHORITY', 'XSOCKET']);
          const r = await execa('xdpyinfo', [], { env: { DISPLAY: env.DISPLAY, XAUTHORITY: env.XAUTHORITY }, reject: false });
          assert.equal(r.exitCode, 0, r.stderr);
        } else if (kind === 'wayland') {
          assert.deepEqual(Object.keys(env).sort(), ['WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR']);
          assert.ok(existsSync(join(env.XDG_RUNTIME_DIR!, env.WAYLAND_DISPLAY!)), line);
        } else {
          assert.equal(line, '');
        }
        child.kill('SIGINT');
        const r = await child;
        assert.equal(r.exitCode, 130, stderr);
        const display = env.DISPLAY ? Number(env.DISPLAY.slice(1)) : undefined;
        const left = await leftovers(server === 'hostdisplay' ? undefined : display);
        assert.deepEqual([left.sockets, left.xservers.filter((x) => display !== undefined && x.includes(`:${display}`))], [[], []]);
      } finally {
        await ensureEnded(child);
      }
    });
  }
});
