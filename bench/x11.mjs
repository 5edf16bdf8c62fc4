// Notices the very moment a named top-level window is mapped on an X display, for the benchmark.
// The X11 protocol is spoken by the `x11` package (node-x11, pure JS, a devDependency): we select
// SubstructureNotify on the root window and check WM_NAME and map state of every window that gets
// mapped, so there is no polling delay and no process is spawned per check (spawning xwininfo
// costs ~20 ms on a small VM). A QueryTree rescan every few ms is the safety net.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import x11 from 'x11';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MAP_STATE_VIEWABLE = 2;
const isXError = (error) => typeof error?.error === 'number'; // x11 puts the X error code there

/**
 * Reads the MIT-MAGIC-COOKIE-1 entry for display `display` from an Xauthority file
 * (any family: local, wildcard, ...). Our own because x11 only reads $XAUTHORITY or
 * ~/.Xauthority, while we need a given session's file. Entry: family (u16), then address,
 * display number, auth name and auth data, each a big-endian u16 length and that many bytes.
 * @returns the cookie bytes, or undefined when there is none.
 */
export function readCookie(file, display) {
  const buf = readFileSync(file);
  let o = 0;
  const field = () => {
    if (o + 2 > buf.length) return undefined; // truncated entry
    const end = o + 2 + buf.readUInt16BE(o);
    const v = end <= buf.length ? buf.subarray(o + 2, end) : undefined;
    o = end;
    return v;
  };
  while (o + 2 <= buf.length) {
    o += 2; // family
    const [, number, name, data] = [field(), field(), field(), field()];
    if (!data) break;
    if (number.toString() === String(display) && name.toString() === 'MIT-MAGIC-COOKIE-1') return Buffer.from(data);
  }
  return undefined;
}

/** Connects a unix socket; rejects with the socket's error (ENOENT, ECONNREFUSED, ...). */
function connectUnix(path) {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ path });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** One X connection (an x11 client on our own unix socket), with promise wrappers for the few requests we need. */
export class XConnection {
  #X; // x11's client object: display.client
  #stream;
  #closed = false;
  #closeHandlers = new Set();

  constructor(display, stream) {
    this.#X = display.client;
    this.#stream = stream;
    this.root = display.screen[0].root;
    // X errors of requests without a callback (only watchRoot's) are ignored, as the server does
    // nothing with them either; anything else (socket errors) ends the connection.
    this.#X.on('error', (error) => {
      if (!isXError(error)) this.#fail(error);
    });
    stream.once('close', () => this.#fail(new Error('X connection closed')));
  }

  /**
   * Connects to `socketPath` and authenticates with `cookie`; retries while the socket is not
   * there yet or refuses, until `timeoutMs`.
   */
  static async open(socketPath, cookie, timeoutMs = 10000) {
    const deadline = performance.now() + timeoutMs;
    let stream;
    for (;;) {
      try {
        stream = await connectUnix(socketPath);
        break;
      } catch (error) {
        if (!['ENOENT', 'ECONNREFUSED'].includes(error.code) || performance.now() > deadline) throw error;
        await sleep(5);
      }
    }
    const display = await new Promise((resolve, reject) => {
      const fail = (error) => {
        stream.destroy();
        reject(error);
      };
      const client = x11.createClient(
        {
          // our socket (the session's XSOCKET), so x11 neither picks the path nor falls back to TCP
          stream,
          display: `:${/X(\d+)$/.exec(socketPath)?.[1] ?? 0}`, // only for x11's messages
          auth: cookie ? { name: 'MIT-MAGIC-COOKIE-1', data: cookie.toString('latin1') } : { name: '', data: '' },
          disableBigRequests: true, // saves two round trips; our requests are tiny
        },
        (error, d) => {
          client.off('error', fail);
          if (error) fail(error);
          else resolve(d);
        },
      );
      client.on('error', fail); // a refused handshake is reported this way, not to the callback
    });
    return new XConnection(display, stream);
  }

  #fail(error) {
    if (this.#closed) return;
    this.#closed = true;
    for (const h of this.#closeHandlers) h(error);
  }

  /** Calls x11 request `name` with `args`; resolves with its reply. */
  #request(name, ...args) {
    if (this.#closed) return Promise.reject(new Error('X connection closed'));
    return new Promise((resolve, reject) => {
      this.#X[name](...args, (error, reply) => {
        if (error) reject(error);
        else resolve(reply);
        return true; // handled: x11 must not emit it as 'error' too
      });
    });
  }

  /** Children of `window`, bottom to top. */
  async queryTree(window) {
    return (await this.#request('QueryTree', window)).children;
  }

  /** Map state of `window`: 0 unmapped, 1 unviewable, 2 viewable. */
  async mapState(window) {
    return (await this.#request('GetWindowAttributes', window)).mapState;
  }

  /** WM_NAME of `window` as a string ('' when unset). */
  async wmName(window) {
    const prop = await this.#request('GetProperty', 0, window, this.#X.atoms.WM_NAME, 0, 0, 1024);
    return prop.data.toString('latin1');
  }

  /** Selects SubstructureNotify on the root window (MapNotify of every top-level window). */
  watchRoot() {
    this.#X.ChangeWindowAttributes(this.root, { eventMask: x11.eventMask.SubstructureNotify });
  }

  close() {
    this.#fail(new Error('X connection closed'));
    this.#X.terminate();
    this.#stream.destroy();
  }

  /**
   * Resolves with performance.now() at the moment a top-level window named `name` is mapped
   * (viewable). Event driven (MapNotify on the root window), plus a scan of the existing windows
   * right after subscribing and every `rescanMs` as a safety net.
   */
  waitForMappedWindow(name, { rescanMs = 10 } = {}) {
    return new Promise((resolve, reject) => {
      let done = false;
      let timer;
      const finish = (error, at) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        this.#X.off('event', onEvent);
        this.#closeHandlers.delete(finish);
        if (error) reject(error);
        else resolve(at);
      };
      const check = async (window, at) => {
        try {
          const [state, wmName] = await Promise.all([this.mapState(window), this.wmName(window)]);
          if (state === MAP_STATE_VIEWABLE && wmName === name) finish(undefined, at);
        } catch (error) {
          if (!isXError(error)) finish(error); // BadWindow: it went away meanwhile
        }
      };
      const scan = async () => {
        const at = performance.now();
        try {
          for (const w of await this.queryTree(this.root)) void check(w, at);
        } catch (error) {
          finish(error);
        }
      };
      const onEvent = (ev) => {
        if (ev.name === 'MapNotify') void check(ev.wid, performance.now());
      };
      if (this.#closed) return finish(new Error('X connection closed'));
      this.#closeHandlers.add(finish);
      this.#X.on('event', onEvent);
      this.watchRoot();
      void scan();
      timer = setInterval(scan, rescanMs);
    });
  }
}
