// Hostile input for the parser AND the plan (src/options/parse.ts, src/plan/plan.ts): random and
// adversarial combinations of every option in the option table with values such as empty
// strings, spaces, line breaks, ':', very long values, unknown options and conflicting X
// servers, on random host facts. Each run either gives a plan whose `docker create` argv is
// well-formed, or an X11DockerError (exit 64) with a one-line message naming the option at
// fault; never another exception.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCommandLine } from '../../src/options/parse.js';
import { optionTable, xserverOptionNames } from '../../src/options/table.js';
import { containerCreateArgs, planSession } from '../../src/plan/plan.js';
import type { HostFacts, HostUser } from '../../src/host/facts.js';
import type { ImageConfig } from '../../src/plan/image.js';
import { xPaths } from '../../src/xserver/display.js';
import { EXIT_X11DOCKER_ERROR, X11DockerError } from '../../src/errors.js';

const alice: HostUser = { name: 'alice', uid: 1000, gid: 1000, groupName: 'alice', home: '/home/alice' };
const root: HostUser = { name: 'root', uid: 0, gid: 0, groupName: 'root', home: '/root' };

/** Adversarial values: empty, blanks, line breaks, ':', '=', very long, control and non-ASCII characters. */
const hostileValue = fc.oneof(
  fc.constantFrom('', ' ', '  ', '\n', '\t', ':', '::', '=', '=x', ':0', ':1.0', '-1', '0', '99999999999', 'root', '0:0', '1000:1000', 'host', 'none',
    'docker', 'podman', 'nerdctl', '/', '/tmp', 'a b', 'a\nb', '1024x768', '0x0', '1x1', 'A=1', 'A B=1', '$(id)', '`id`', '*', '--xvfb', '-h', 'é', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1, max: 5000 }).map((n) => 'x'.repeat(n)),
);

/** One option from the table in any of its spellings, with or without a hostile value. */
const optionArg = fc.oneof(
  fc.tuple(fc.constantFrom(...optionTable), hostileValue, fc.constantFrom('eq', 'sep', 'bare', 'short')).map(([o, v, form]) => {
    if (form === 'short' && o.short) return [`-${o.short}`];
    if (form === 'bare') return [`--${o.name}`];
    if (form === 'eq') return [`--${o.name}=${v}`];
    return [`--${o.name}`, v];
  }),
  fc.constantFrom(...xserverOptionNames).map((n) => [`--${n}`]),
  fc.tuple(hostileValue).map(([v]) => [`--${v}`]), // unknown options
  fc.tuple(hostileValue).map(([v]) => [`-${v}`]),
);

/** A tail: nothing, an image and command, or the `--` forms with hostile parts. */
const tail = fc.oneof(
  fc.constant([] as string[]),
  fc.tuple(fc.constantFrom('img', 'debian:bookworm', 'registry:5000/x/y:tag'), fc.array(hostileValue, { maxLength: 3 })).map(([i, c]) => [i, ...c]),
  fc.tuple(hostileValue, fc.array(hostileValue, { maxLength: 3 })).map(([i, c]) => [i, ...c]),
  fc.tuple(hostileValue, fc.constantFrom('img', ''), fc.array(hostileValue, { maxLength: 2 })).map(([o, i, c]) => ['--', o, i, ...c]),
  fc.tuple(fc.array(hostileValue, { maxLength: 3 }), fc.constantFrom('img', '', '--'), fc.array(hostileValue, { maxLength: 2 })).map(([o, i, c]) => ['--', ...o, '--', i, ...c]),
);

const argvArb = fc.tuple(fc.array(optionArg, { maxLength: 6 }), tail).map(([opts, t]) => [...opts.flat(), ...t]);

/** Host facts: with or without DISPLAY and binaries, as root or not, with or without a named user. */
const hostArb = fc.record({
  processUid: fc.constantFrom(0, 1000),
  display: fc.constantFrom(undefined, ':0', ':5.0', 'localhost:10.0', ''),
  binaries: fc.subarray(['Xephyr', 'Xvfb', 'xauth', 'xdpyinfo', 'docker', 'podman']),
  named: fc.boolean(),
  hostRoot: fc.boolean(),
}).map(({ processUid, display, binaries, named, hostRoot }): HostFacts => ({
  processUid,
  hostUser: processUid === 0 && hostRoot ? root : alice,
  hostUserSource: 'invoking',
  namedUser: named ? { name: 'bob', uid: 1001, gid: 1001, groupName: 'bob', home: '/home/bob' } : undefined,
  display: display || undefined,
  xauthority: '/home/alice/.Xauthority',
  binaries: new Set(binaries),
  sessionId: 'abc123def456',
  pid: 4242,
}));

const imageArb = fc.record({
  id: fc.constant('sha256:0123'),
  user: fc.constantFrom('', 'root', '1000', 'nobody'),
  workingDir: fc.constantFrom('', '/app', '/a b'),
  entrypoint: fc.constantFrom([], ['/bin/sh', '-c']),
  cmd: fc.constantFrom([], ['/bin/sh']),
  env: fc.constant(['PATH=/usr/bin:/bin']),
}) as fc.Arbitrary<ImageConfig>;

/** The message names an option (`--name`, `-x`) or the part of the command line at fault. */
const NAMES_SOMETHING = /(^|[\s'"(])--?[a-zA-Z]|\bimage\b|\bIMAGE\b|'--'/i;

function checkError(err: unknown, argv: readonly string[]): void {
  assert.ok(err instanceof X11DockerError, `argv ${JSON.stringify(argv)}: not an X11DockerError: ${(err as Error)?.stack ?? String(err)}`);
  assert.equal(err.exitCode, EXIT_X11DOCKER_ERROR);
  assert.ok(!/[\n\r]/.test(err.message), `two lines: ${JSON.stringify(err.message)}`);
  assert.ok(err.message.length < 600, `too long (${err.message.length}): ${err.message.slice(0, 200)}`);
  assert.match(err.message, NAMES_SOMETHING, `names no option: ${JSON.stringify(err.message)} for ${JSON.stringify(argv)}`);
}

describe('hostile input to parser and plan', () => {
  test('every combination gives a well-formed plan or a one-line X11DockerError naming the option', () => {
    fc.assert(
      fc.property(argvArb, hostArb, imageArb, (argv, host, image) => {
        let plan;
        try {
          const options = parseCommandLine(argv);
          if (options.help || options.version || options.cleanup) return;
          plan = planSession(options, host, options.image ? image : undefined);
        } catch (err) {
          checkError(err, argv);
          return;
        }
        // a valid plan: a known X server, a display-independent container part
        assert.ok(plan.driver.name);
        for (const line of [...plan.warnings, ...plan.notes]) assert.ok(!/[\n\r]/.test(line), JSON.stringify(line));
        if (plan.container) {
          const args = containerCreateArgs(plan, { display: 101, socketPath: xPaths(101).socket, clientAuthFile: '/home/alice/.cache/x11docker/s/Xclientcookie' });
          assert.ok(args.every((a) => typeof a === 'string'));
          // a create command with our hardening, and the image right after a '--'
          assert.equal(args[0], 'create');
          const sv = plan.container.services;
          assert.equal(args.includes('--cap-drop=ALL'), sv.capDrop); // only --cap-default keeps the engine's capabilities
          // the command after IMAGE, or the arguments of x11docker's launcher / init system (plan/services.ts)
          const command = sv.entrypoint !== undefined ? sv.entrypointArgs : plan.container.command;
          const at = args.length - command.length - 1;
          assert.deepEqual([args[at - 1], args[at]], ['--', plan.container.image]);
          assert.deepEqual(args.slice(at + 1), [...command]);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('conflicting X server options: the last one wins, with a note', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...xserverOptionNames), { minLength: 2, maxLength: 6 }), (names) => {
        const o = parseCommandLine([...names.map((n) => `--${n}`), 'img']);
        assert.equal(o.xserver, names.at(-1));
        assert.equal(o.notes.length > 0, new Set(names).size > 1 || names.some((n, i) => i > 0 && n !== names[i - 1]));
      }),
    );
  });

  test('each option with a value: hostile values give a value or an error naming that option', () => {
    const valued = optionTable.filter((o) => o.arg !== 'none');
    fc.assert(
      fc.property(fc.constantFrom(...valued), hostileValue, (spec, value) => {
        const argv = [`--${spec.name}=${value}`, 'img'];
        try {
          parseCommandLine(argv);
        } catch (err) {
          checkError(err, argv);
          assert.ok((err as Error).message.includes(`--${spec.name}`), `${JSON.stringify((err as Error).message)} does not name --${spec.name}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
