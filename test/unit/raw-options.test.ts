// The raw docker run options after `--`, parsed once (src/options/raw-options.ts): pflag's reading
// of flags and values, the one flag table, and --mount values as CSV records (docker's encoding/csv).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { X11DockerError } from '../../src/errors.js';
import { parseCommandLine } from '../../src/options/parse.js';
import { parseRawOptions, standsAlone } from '../../src/options/raw-options.js';
import { canonicalFlag, runFlag } from '../../src/options/run-flags.js';
import { bindMount, mountOption } from '../../src/plan/argv.js';

describe('parseRawOptions: flags and values as docker reads them', () => {
  test('-it is two yes/no flags; a value flag takes the next word, attached, or after =', () => {
    const raw = parseRawOptions(['-it', '-v', '/a:/b', '-e=A=1', '-uroot', '--env', 'B=2', '--name=n']);
    assert.ok(raw.has('--interactive') && raw.has('-t') && raw.has('--tty'));
    assert.deepEqual(raw.options.map((o) => [o.flag, o.value]), [
      ['--interactive', undefined], ['--tty', undefined], ['--volume', '/a:/b'], ['--env', 'A=1'], ['--user', 'root'], ['--env', 'B=2'], ['--name', 'n'],
    ]);
    assert.deepEqual(raw.env, ['A=1', 'B=2']);
    assert.deepEqual(parseRawOptions(['--env-file', '/e', '-e', 'HOME', '--env-file=/f']).envFiles, ['/e', '/f']);
    assert.equal(raw.value('-u'), 'root');
    assert.deepEqual(raw.positionals, []);
  });

  test('a value is never read as a flag: -e --privileged sets an environment value', () => {
    const raw = parseRawOptions(['-e', '--privileged', '--hostname', '-x']);
    assert.equal(raw.has('--privileged'), false);
    assert.deepEqual(raw.env, ['--privileged']);
    assert.equal(raw.value('-h'), '-x');
  });

  test('--net host and --net=host are --network host; the last value of a flag wins, values() keeps all', () => {
    for (const args of [['--net', 'host'], ['--net=host'], ['--network', 'bridge', '--network=host']]) {
      const raw = parseRawOptions(args);
      assert.ok(raw.has('--network') && raw.has('--net'), args.join(' '));
      assert.equal(raw.value('--network'), 'host', args.join(' '));
    }
    assert.deepEqual(parseRawOptions(['--network', 'bridge', '--net=host']).values('--net'), ['bridge', 'host']);
  });

  test('yes/no flags: --read-only=false turns it off, the last one wins, a yes/no flag takes no next word', () => {
    assert.equal(parseRawOptions(['--read-only=false']).has('--read-only'), false);
    assert.equal(parseRawOptions(['--read-only', '--read-only=f']).has('--read-only'), false);
    assert.equal(parseRawOptions(['--read-only=False', '--read-only=T']).has('--read-only'), true);
    assert.equal(parseRawOptions(['-i=false']).has('--interactive'), false);
    assert.equal(parseRawOptions(['-it=false']).has('-i'), true);
    assert.equal(parseRawOptions(['-it=false']).has('-t'), false);
    const raw = parseRawOptions(['--rm', 'false']);
    assert.equal(raw.has('--rm'), true);
    assert.deepEqual(raw.positionals, ['false']);
  });

  test('bad values are one-line X11DockerErrors naming the option: a yes/no flag with yes, a flag without its value', () => {
    const cases: [string[], RegExp][] = [
      [['--read-only=yes'], /^docker run option '--read-only=yes' after '--' takes true or false .*Write --read-only or --read-only=false\.$/],
      [['-v'], /^docker run option -v after '--' needs a value: -v VALUE\.$/],
      [['-it', '--env'], /--env after '--' needs a value/],
      [['--mount', 'type=bind,src="/a"b,dst=/c'], /^docker run option '--mount type=bind,src=\\"\/a\\"b,dst=\/c' after '--': its value is no valid CSV record/],
      [['--mount=type=bind,src=/a,dst=/b,readonly=maybe'], /readonly=maybe must be true or false/],
    ];
    for (const [args, re] of cases) {
      assert.throws(() => parseRawOptions(args), (e: unknown) => e instanceof X11DockerError && e.exitCode === 64 && re.test(e.message) && !e.message.includes('\n'), args.join(' '));
    }
  });

  test('a --mount CSV error keeps the CSV parser\'s error as its cause', () => {
    assert.throws(() => parseRawOptions(['--mount=src="/a"b']), (e: unknown) => e instanceof X11DockerError && /Invalid Opening Quote/.test(String((e.cause as Error).message)));
  });

  test('the command line parser refuses them before anything starts', () => {
    assert.throws(() => parseCommandLine(['--', '--read-only=yes', '--', 'img']), /--read-only=yes/);
    assert.equal(parseCommandLine(['--', '-it --net host', 'img']).raw.value('--network'), 'host');
  });

  test('-- ends the options; other words are positionals', () => {
    const raw = parseRawOptions(['--rm', 'img', '-v', '/a:/b', '--', '-x']);
    assert.deepEqual(raw.positionals, ['img', '-x']);
    assert.equal(raw.mounts.length, 1);
  });

  test('flags the table does not know: a value only with =, as before', () => {
    const raw = parseRawOptions(['--frobnicate', 'x', '--knob=1']);
    assert.ok(raw.has('--frobnicate'));
    assert.equal(raw.value('--knob'), '1');
    assert.deepEqual(raw.positionals, ['x']);
  });
});

describe('mounts', () => {
  test('--mount keys in any case, as docker reads them; a volume with device=PATH is the bind mount it is (breaker)', () => {
    const raw = parseRawOptions(['--mount', 'Type=bind,Source=/,Target=/h', '--mount', 'type=bind,SOURCE=/x,target=/h2,ReadOnly', '--mount', 'type=volume,target=/h3,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/', '--mount', 'type=volume,src=v,dst=/h4,volume-opt=type=nfs,volume-opt=device=:/export']);
    assert.deepEqual(raw.mounts.map(({ type, source, target, readonly }) => ({ type, source, target, readonly })), [
      { type: 'bind', source: '/', target: '/h', readonly: false },
      { type: 'bind', source: '/x', target: '/h2', readonly: true },
      { type: 'bind', source: '/', target: '/h3', readonly: false },
      { type: 'volume', source: 'v', target: '/h4', readonly: false },
    ]);
  });
  test('-v SRC:DST[:MODE], a bare DST, a volume name, --tmpfs and --mount', () => {
    const raw = parseRawOptions(['-v', '/h:/c:ro,z', '--volume=/anon', '-v', 'vol:/data', '--tmpfs', '/run:exec,ro', '--mount', 'type=tmpfs,dst=/t', '--mount=src=v2,target=/v2,ro']);
    assert.deepEqual(raw.mounts.map(({ type, source, target, readonly }) => ({ type, source, target, readonly })), [
      { type: 'bind', source: '/h', target: '/c', readonly: true },
      { type: 'volume', source: undefined, target: '/anon', readonly: false },
      { type: 'volume', source: 'vol', target: '/data', readonly: false },
      { type: 'tmpfs', source: undefined, target: '/run', readonly: true },
      { type: 'tmpfs', source: undefined, target: '/t', readonly: false },
      { type: 'volume', source: 'v2', target: '/v2', readonly: true },
    ]);
    assert.deepEqual(raw.mounts.map((m) => m.text), ['-v /h:/c:ro,z', '--volume=/anon', '-v vol:/data', '--tmpfs /run:exec,ro', '--mount type=tmpfs,dst=/t', '--mount=src=v2,target=/v2,ro']);
  });

  test('bindMount\'s CSV quoting round-trips through the --mount parser, also for commas, quotes and line breaks in paths', () => {
    const path = fc.string({ unit: fc.constantFrom('a', '/', ',', '"', ' ', '=', '\n', ':', 'ü'), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(path, path, fc.boolean(), (source, target, readonly) => {
        const [m] = parseRawOptions([bindMount(`/${source}`, `/${target}`, readonly)], true).mounts;
        assert.deepEqual({ type: m!.type, source: m!.source, target: m!.target, readonly: m!.readonly }, { type: 'bind', source: `/${source}`, target: `/${target}`, readonly });
      }),
    );
    const [m] = parseRawOptions(['--mount', mountOption(['type=bind', 'source=/a,"b"', 'target=/c']).slice('--mount='.length)]).mounts;
    assert.equal(m!.source, '/a,"b"');
  });
});

describe('the flag table', () => {
  test('short forms and aliases name the same flag; which flags take a value', () => {
    assert.equal(canonicalFlag('-v'), '--volume');
    assert.equal(canonicalFlag('--net'), '--network');
    assert.equal(canonicalFlag('--no-such-flag'), '--no-such-flag');
    assert.equal(runFlag('-i')?.takesValue, false);
    assert.equal(runFlag('-e')?.takesValue, true);
    assert.equal(runFlag('--read-only')?.takesValue, false);
  });

  test('standsAlone: a word needs no next one (where IMAGE starts without a second --)', () => {
    for (const w of ['--env=A=1', '--read-only', '-it', '-v/a:/b', '-e=A=1', '--privileged']) assert.ok(standsAlone(w), w);
    for (const w of ['-v', '--env', '-iv', '--frobnicate', 'img', '-']) assert.ok(!standsAlone(w), w);
    assert.deepEqual(parseCommandLine(['--', '-it', '-v/a:/b', 'img', 'cmd']).engineArgs, ['-it', '-v/a:/b']);
  });
});
