/**
 * x11docker's clipboard synchroniser for `--clipboard` on servers without clipboard sharing of
 * their own (Xephyr, Xvfb, Xdummy, Xorg, the Xwayland-based ones). Built as its own small bundle
 * (dist/x11docker-clipboard.js) and started by the session as one process of the display
 * (src/xserver/clipboard.ts), as the host user, so it ends with the session and is recorded for
 * `--cleanup`.
 *
 * Upstream x11docker shares the CLIPBOARD selection between the user's display and the new one
 * in both directions with host `xclip` (text only; images only with xpra and --hostdisplay).
 * Upstream compares both clipboards in a loop; this synchroniser waits instead: it subscribes to
 * XFIXES SetSelectionOwner events (XFIXES 1.0, `XFixesSelectSelectionInput`) on both displays and
 * only then runs `xclip -o` on the display whose clipboard changed and `xclip -i` on the other.
 * The `xclip -i` it starts owns the selection until someone else copies there; the echo of its
 * own copy is recognised by content. At start the user's clipboard is copied to the new display.
 *
 * node-x11 4.2.2 delivers XFIXES events to only one X connection per process (the second
 * connection's subscription stays silent), so the new display is watched by a child process of
 * the synchroniser (`--watch`), which reports each change as one line on its stdout and ends
 * with its parent (end of its stdin).
 *
 * Directions (`--direction`, upstream's `--clipboard=` values): `both` (default, `yes`); `c2h`
 * only from the new display (the container) to the user's; `h2c` only from the user's display to
 * the new one; `cmv` as c2h, and the user's clipboard goes to the new display only when the user
 * presses Ctrl+Super+V on the new display (upstream: xbindkeys with `Control+Mod4 + v`; here a
 * passive key grab on its root window, so the key reaches no container application). The new
 * display has no XTEST, so the container cannot fake that key.
 *
 * Usage: `node x11docker-clipboard.js --display :N --xauthority FILE [--direction D]`, with DISPLAY and
 * XAUTHORITY of the user's display in the environment. Prints `clipboard sync ready` on stdout
 * when both subscriptions are in place; ends when either display goes away, or on SIGTERM/SIGINT,
 * and then stops every `xclip` it started.
 */
import { parseArgs } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import x11 from 'x11';

/** The directions of `--direction`, upstream's `--clipboard` values (`both` is upstream's `yes`). */
export type Direction = 'both' | 'c2h' | 'h2c' | 'cmv';
const DIRECTIONS: readonly Direction[] = ['both', 'c2h', 'h2c', 'cmv'];
/** X modifier masks: Control, Mod4 (Super); Lock and Mod2 (NumLock) may be on as well. */
const CONTROL = 4;
const MOD4 = 64;
const IGNORED_MODIFIERS = [0, 2, 16, 2 | 16];
/** Keysyms of the paste key: v and V. */
const KEYSYM_V = [0x76, 0x56];

/** Largest clipboard text copied across, in bytes (larger content is left where it is). */
export const MAX_CLIP_BYTES = 16 * 1024 * 1024;
/** How long the owner of a selection may take to hand over its content, in ms. */
const READ_TIMEOUT_MS = 5000;

/** One of the two displays. */
interface Side {
  readonly label: string;
  /** Environment for xclip on this display. */
  readonly env: NodeJS.ProcessEnv;
  /** Our `xclip -i` processes on this display (at most one owns the selection). */
  readonly owners: Set<ResultPromise>;
}

/**
 * Connects to `display` and calls `changed` whenever the owner of its CLIPBOARD selection
 * changes (XFIXES SelectionNotify). Resolves when the subscription is in place; `ended` is called
 * once when the connection ends.
 */
function watch(display: string, changed: () => void, ended: (why: string) => void, pasteKey?: () => void): Promise<x11.XClient> {
  return new Promise((resolve, reject) => {
    const client = x11.createClient({ display }, (err, d) => {
      if (err) return reject(new Error(`${display}: ${err.message}`));
      const X = d.client;
      X.InternAtom(false, 'CLIPBOARD', (e1, clipboard) => {
        if (e1) return reject(e1);
        X.require('fixes', (e2, fixes) => {
          if (e2) return reject(new Error(`${display}: no XFIXES extension (${e2.message})`));
          const wid = X.AllocID();
          X.CreateWindow(wid, d.screen[0]!.root, 0, 0, 1, 1, 0, 0, x11.InputOnly, 0, {});
          const m = fixes.SelectionEventMask;
          fixes.SelectSelectionInput(wid, clipboard, m.SetSelectionOwner | m.SelectionWindowDestroy | m.SelectionClientClose);
          X.on('event', (ev) => {
            if (ev.name === 'SelectionNotify' && ev.selection === clipboard) changed();
            else if (ev.name === 'KeyPress' && pasteKey) pasteKey();
          });
          X.on('end', () => ended(`${display} closed`));
          if (!pasteKey) return resolve(X);
          // Ctrl+Super+V: a passive grab on the root window, with and without CapsLock and NumLock
          X.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode + 1, (e3, rows) => {
            if (e3) return reject(e3);
            const index = rows.findIndex((row) => row.some((k) => KEYSYM_V.includes(k)));
            if (index < 0) return reject(new Error(`${display}: no key for v in the keyboard map`));
            for (const extra of IGNORED_MODIFIERS) X.GrabKey(d.screen[0]!.root, true, CONTROL | MOD4 | extra, d.min_keycode + index, 1, 1);
            resolve(X);
          });
        });
      });
    });
    client.on('error', (e) => ended(`${display}: ${e?.message ?? 'error'}`));
  });
}

/** The CLIPBOARD text of a display, or undefined when it has none (empty, image, no owner). */
async function readClip(side: Side): Promise<Buffer | undefined> {
  const r = await execa('xclip', ['-o', '-selection', 'clipboard'], {
    env: side.env, extendEnv: false, encoding: 'buffer', stripFinalNewline: false, reject: false,
    timeout: READ_TIMEOUT_MS, maxBuffer: MAX_CLIP_BYTES, stdin: 'ignore', stderr: 'ignore',
  });
  if (r.exitCode !== 0 || r.stdout.length === 0) return undefined;
  return Buffer.from(r.stdout);
}

/** Makes `text` the CLIPBOARD of a display: an `xclip -i` that serves it until someone else copies there. */
function ownClip(side: Side, text: Buffer): void {
  const child = execa('xclip', ['-i', '-selection', 'clipboard', '-quiet'], {
    env: side.env, extendEnv: false, input: text, stdout: 'ignore', stderr: 'ignore', reject: false,
  });
  side.owners.add(child);
  void child.finally(() => side.owners.delete(child));
}

/**
 * `--watch`: watches the CLIPBOARD of DISPLAY (with XAUTHORITY from the environment) and prints
 * `watching` once subscribed, then `changed` for every change; ends when its stdin closes (the
 * synchroniser ended) or the display goes away.
 */
async function watchOnly(): Promise<void> {
  const display = process.env.DISPLAY;
  if (!display) throw new Error('--watch needs DISPLAY');
  const { values } = parseArgs({ options: OPTIONS });
  const paste = values.direction === 'cmv' ? () => process.stdout.write('paste\n') : undefined;
  await watch(display, () => process.stdout.write('changed\n'), () => process.exit(0), paste);
  process.stdout.write('watching\n');
  process.stdin.on('end', () => process.exit(0)).on('close', () => process.exit(0)).resume();
}

/**
 * Starts the `--watch` child for another display; `changed` runs for each change it reports,
 * `ended` when it ends. Resolves once it watches.
 */
function watchInChild(env: NodeJS.ProcessEnv, changed: () => void, ended: () => void, paste: () => void): Promise<{ readonly child: ResultPromise }> {
  const child = execa(process.execPath, [process.argv[1]!, '--watch', ...process.argv.slice(2)], { env, extendEnv: false, stdin: 'pipe', stderr: 'inherit', reject: false, buffer: false });
  void child.finally(ended);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line === 'watching') resolve({ child }); // (wrapped: a ResultPromise is a thenable)
        else if (line === 'changed') changed();
        else if (line === 'paste') paste();
      }
    });
    void child.then(() => reject(new Error(`${env.DISPLAY}: the clipboard watcher ended`)));
  });
}

/** The command line of the synchroniser and of its `--watch` child. */
const OPTIONS = { display: { type: 'string' }, xauthority: { type: 'string' }, direction: { type: 'string' }, watch: { type: 'boolean' } } as const;

/** Runs the synchroniser until a display ends or a signal arrives. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: OPTIONS });
  if (values.watch) return watchOnly();
  const direction = (values.direction ?? 'both') as Direction;
  if (!DIRECTIONS.includes(direction)) throw new Error(`--direction takes ${DIRECTIONS.join(', ')}`);
  const toNew = direction === 'both' || direction === 'h2c'; // the user's copies go to the new display by themselves
  const toHost = direction !== 'h2c'; // the container's copies go to the user's display
  const newDisplay = values.display;
  const hostDisplay = process.env.DISPLAY;
  if (!newDisplay || !values.xauthority || !hostDisplay) throw new Error('usage: x11docker-clipboard --display :N --xauthority FILE (DISPLAY set to the user display)');
  const base = { PATH: process.env.PATH, HOME: process.env.HOME };
  const host: Side = { label: hostDisplay, env: { ...base, DISPLAY: hostDisplay, XAUTHORITY: process.env.XAUTHORITY }, owners: new Set() };
  const fresh: Side = { label: newDisplay, env: { ...base, DISPLAY: newDisplay, XAUTHORITY: values.xauthority }, owners: new Set() };

  let last: Buffer | undefined; // the text most recently put on both clipboards
  let queue = Promise.resolve();
  const transfer = (from: Side, to: Side) => {
    queue = queue.then(async () => {
      const text = await readClip(from);
      if (!text || (last && text.equals(last))) return; // nothing, or the echo of our own copy
      last = text;
      ownClip(to, text);
    }).catch(() => undefined);
  };
  let client: x11.XClient | undefined;
  let watcher: ResultPromise | undefined;
  const stop = (code: number) => {
    for (const s of [host, fresh]) for (const c of s.owners) c.kill('SIGTERM');
    watcher?.kill('SIGTERM');
    try {
      client?.terminate();
    } catch {
      // already closed
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  process.on('SIGHUP', () => stop(0));
  client = await watch(hostDisplay, () => toNew && transfer(host, fresh), () => stop(0));
  watcher = (await watchInChild(fresh.env, () => toHost && transfer(fresh, host), () => stop(0), () => transfer(host, fresh))).child;
  if (toNew) transfer(host, fresh);
  await queue;
  process.stdout.write('clipboard sync ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`x11docker-clipboard: ${(error as Error).message}\n`);
  process.exit(1);
});
