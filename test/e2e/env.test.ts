/**
 * End to end: the user's environment never breaks x11docker's own variables (issue 11, item 2).
 * DISPLAY, XAUTHORITY, WAYLAND_DISPLAY, XDG_RUNTIME_DIR and PULSE_SERVER are set to wrong values
 * from each source in turn (--env, raw --env and -e after --, an --env-file after --, the image's
 * ENV); inside the container `env` shows x11docker's values, and they work (the X display answers,
 * the Wayland and PulseAudio sockets are there). A variable x11docker does not set in the session
 * keeps the user's value. A note names each source.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_IMAGE, assertNothingNew, leftovers, x11docker } from './helpers.js';

/** The user's wrong values. */
const WRONG: Record<string, string> = {
  DISPLAY: ':7',
  XAUTHORITY: '/nonexistent/cookie',
  WAYLAND_DISPLAY: 'wayland-bogus',
  XDG_RUNTIME_DIR: '/nonexistent/run',
  PULSE_SERVER: 'tcp:bogus:4713',
};
const settings = Object.entries(WRONG).map(([k, v]) => `${k}=${v}`);
/** x11docker's values, as seen inside the container. */
const OURS: Record<string, RegExp> = {
  DISPLAY: /^:\d+$/,
  XAUTHORITY: /^\/x11docker\/Xauthority\.client$/,
  WAYLAND_DISPLAY: /^wayland-x11docker-\d+$/,
  XDG_RUNTIME_DIR: /^\/tmp\/XDG_RUNTIME_DIR$/,
  PULSE_SERVER: /^unix:\/x11docker\/pulse\/native$/,
};
/** Prints the variables, then whether x11docker's display and sockets work with them. */
const PROBE = 'env; (xdpyinfo >/dev/null 2>&1 && echo check=x11) ; test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY" && echo check=wayland; test -S "${PULSE_SERVER#unix:}" && echo check=pulse; true';

const image = `x11docker-test-ownenv-${process.pid}:latest`;
let dir: string;
let envFile: string;
let pulse: Server;

before(async () => {
  await execa('docker', ['build', '-q', '-t', image, '-'], { input: `FROM ${DEMO_IMAGE}\n${settings.map((s) => `ENV ${s}`).join('\n')}\n` });
  dir = mkdtempSync(join(tmpdir(), 'x11docker-e2e-env-'));
  envFile = join(dir, 'wrong.env');
  writeFileSync(envFile, `# the user's file\n${settings.join('\n')}\n`);
  // a PulseAudio socket for --pulseaudio (x11docker only shares it; nothing talks to it here)
  mkdirSync(join(dir, 'pulse'));
  pulse = createServer();
  await new Promise<void>((resolve) => pulse.listen(join(dir, 'pulse', 'native'), resolve));
});
after(async () => {
  await new Promise((resolve) => pulse?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  await execa('docker', ['rmi', image], { reject: false });
});

/** The ways a user can set the wrong values: x11docker arguments before and after the display options. */
const sources: Record<string, () => { before: string[]; raw: string[]; image: string; note: (name: string) => RegExp }> = {
  '--env': () => ({ before: settings.flatMap((s) => ['--env', s]), raw: [], image: DEMO_IMAGE, note: (n) => new RegExp(`note: Option --env ${n}=\\S+: x11docker sets ${n} `) }),
  'raw --env=': () => ({ before: [], raw: settings.map((s) => `--env=${s}`), image: DEMO_IMAGE, note: (n) => new RegExp(`note: docker run option --env ${n}=\\S+ after --: x11docker sets ${n} `) }),
  'raw -e': () => ({ before: [], raw: settings.flatMap((s) => ['-e', s]), image: DEMO_IMAGE, note: (n) => new RegExp(`note: docker run option -e ${n}=\\S+ after --: x11docker sets ${n} `) }),
  'raw --env-file': () => ({ before: [], raw: ['--env-file', envFile], image: DEMO_IMAGE, note: (n) => new RegExp(`note: docker run option --env-file ${envFile} after -- sets [A-Z_, ]*${n}[A-Z_, ]*: x11docker sets .*${n} \\(`) }),
  "the image's ENV": () => ({ before: [], raw: [], image, note: (n) => new RegExp(`note: The image's ENV ${n}=\\S+: x11docker sets ${n} `) }),
};

/** Display set-ups and the variables x11docker sets in each (the others keep the user's value). */
const displays: { args: string[]; own: string[]; checks: string[] }[] = [
  { args: ['--xvfb', '--pulseaudio'], own: ['DISPLAY', 'XAUTHORITY', 'XDG_RUNTIME_DIR', 'PULSE_SERVER'], checks: ['x11', 'pulse'] },
  { args: ['--weston', '--pulseaudio'], own: ['WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'PULSE_SERVER'], checks: ['wayland', 'pulse'] },
];

describe("x11docker's own variables win over the user's, from every source", () => {
  for (const [source, make] of Object.entries(sources)) {
    for (const d of displays) {
      it(`${source}, ${d.args.join(' ')}: env inside shows x11docker's ${d.own.join(', ')} and they work; a note names the source`, async () => {
        const s = make();
        const base = await leftovers();
        const args = [...d.args, ...s.before, ...(s.raw.length > 0 ? ['--', ...s.raw, '--'] : []), s.image, 'sh', '-c', PROBE];
        const r = await x11docker(args, { env: { XDG_RUNTIME_DIR: dir } });
        assert.equal(r.exitCode, 0, r.stderr);
        const env = new Map(r.stdout.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        for (const name of Object.keys(WRONG)) {
          if (d.own.includes(name)) {
            assert.match(env.get(name) ?? '(unset)', OURS[name]!, `${name} in the container`);
            assert.match(r.stderr, s.note(name), `a note for ${name}`);
          } else {
            assert.equal(env.get(name), WRONG[name], `${name} is not x11docker's here: the user's value stays`);
          }
        }
        for (const c of d.checks) assert.match(r.stdout, new RegExp(`^check=${c}$`, 'm'), `x11docker's ${c} works inside:\n${r.stdout}`);
        await assertNothingNew(base);
      });
    }
  }
});
