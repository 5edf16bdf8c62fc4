// A tiny X11 protocol client (node:net only), just enough for the benchmark to notice the very
// moment a named top-level window is mapped: it subscribes to SubstructureNotify on the root
// window and checks WM_NAME of every window that gets mapped, so there is no polling delay and
// no process is spawned per check (spawning xwininfo costs ~20 ms on a small VM).
// Protocol reference: https://www.x.org/releases/X11R7.7/doc/xproto/x11protocol.html
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const pad4 = (n) => (n + 3) & ~3;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const OP_CHANGE_WINDOW_ATTRIBUTES = 2;
const OP_GET_WINDOW_ATTRIBUTES = 3;
const OP_QUERY_TREE = 15;
const OP_GET_PROPERTY = 20;
const CW_EVENT_MASK = 1 << 11;
const SUBSTRUCTURE_NOTIFY_MASK = 1 << 19;
const EVENT_MAP_NOTIFY = 19;
const ATOM_WM_NAME = 39;
const MAP_STATE_VIEWABLE = 2;

/**
 * Reads the MIT-MAGIC-COOKIE-1 entry for display `display` from an Xauthority file
 * (any family: local, wildcard, ...).
 * @returns the cookie bytes, or undefined when there is none.
 */
export function readCookie(file, display) {
  const buf = readFileSync(file);
  let o = 0;
  const field = () => {
    const n = buf.readUInt16BE(o);
    o += 2;
    const v = buf.subarray(o, o + n);
    o += n;
    return v;
  };
  try {
    while (o + 2 <= buf.length) {
      o += 2; // family
      field(); // address
      const number = field().toString();
      const name = field().toString();
      const data = field();
      if (number === String(display) && name === 'MIT-MAGIC-COOKIE-1') return Buffer.from(data);
    }
  } catch {
    // truncated file: no (more) entries
  }
  return undefined;
}

/** One X connection over a unix socket, with request/reply matching by sequence number. */
export class XConnection {
  #sock;
  #buf = Buffer.alloc(0);
  #seq = 0;
  #pending = new Map();
  #eventHandlers = new Set();
  #closed = false;
  #setup;

  constructor(sock) {
    this.#sock = sock;
    this.root = 0;
  }

  /**
   * Connects to `socketPath` and authenticates with `cookie`; retries while the socket is not
   * there yet or refuses, until `timeoutMs`.
   */
  static async open(socketPath, cookie, timeoutMs = 10000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        const sock = await new Promise((resolve, reject) => {
          const s = net.createConnection({ path: socketPath });
          s.once('connect', () => {
            s.off('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        const conn = new XConnection(sock);
        await conn.#handshake(cookie);
        return conn;
      } catch (error) {
        if (!['ENOENT', 'ECONNREFUSED'].includes(error.code) || performance.now() > deadline) throw error;
        await sleep(5);
      }
    }
  }

  #handshake(cookie) {
    const name = cookie ? Buffer.from('MIT-MAGIC-COOKIE-1') : Buffer.alloc(0);
    const data = cookie ?? Buffer.alloc(0);
    const req = Buffer.alloc(12 + pad4(name.length) + pad4(data.length));
    req[0] = 0x6c; // 'l': little-endian
    req.writeUInt16LE(11, 2);
    req.writeUInt16LE(0, 4);
    req.writeUInt16LE(name.length, 6);
    req.writeUInt16LE(data.length, 8);
    name.copy(req, 12);
    data.copy(req, 12 + pad4(name.length));
    return new Promise((resolve, reject) => {
      this.#setup = { resolve, reject };
      this.#sock.on('data', (chunk) => this.#onData(chunk));
      this.#sock.on('error', (error) => this.#fail(error));
      this.#sock.on('close', () => this.#fail(new Error('X connection closed')));
      this.#sock.write(req);
    });
  }

  #fail(error) {
    this.#closed = true;
    this.#setup?.reject(error);
    this.#setup = undefined;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  #onData(chunk) {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    if (this.#setup) {
      if (this.#buf.length < 8) return;
      const total = 8 + this.#buf.readUInt16LE(6) * 4;
      if (this.#buf.length < total) return;
      const reply = this.#buf.subarray(0, total);
      this.#buf = this.#buf.subarray(total);
      const setup = this.#setup;
      this.#setup = undefined;
      if (reply[0] !== 1) {
        const reason = reply[0] === 0 ? reply.subarray(8, 8 + reply[1]).toString() : 'authentication required';
        setup.reject(new Error(`X server refused the connection: ${reason}`));
        this.#sock.destroy();
        return;
      }
      const vendorLength = reply.readUInt16LE(24);
      const formats = reply[29];
      this.root = reply.readUInt32LE(40 + pad4(vendorLength) + 8 * formats); // first SCREEN's root
      setup.resolve();
    }
    while (this.#buf.length >= 32) {
      const kind = this.#buf[0];
      const length = kind === 1 ? 32 + this.#buf.readUInt32LE(4) * 4 : 32;
      if (this.#buf.length < length) return;
      const msg = Buffer.from(this.#buf.subarray(0, length));
      this.#buf = this.#buf.subarray(length);
      if (kind === 0 || kind === 1) {
        const seq = msg.readUInt16LE(2);
        const p = this.#pending.get(seq);
        this.#pending.delete(seq);
        if (kind === 1) p?.resolve(msg);
        else p?.reject(Object.assign(new Error(`X error ${msg[1]}`), { xerror: msg[1] }));
      } else {
        for (const h of this.#eventHandlers) h(kind & 0x7f, msg);
      }
    }
  }

  /** Sends a request (opcode, data byte, body of 4-byte words); resolves with its reply when `reply`. */
  #request(opcode, dataByte, words, reply) {
    if (this.#closed) return Promise.reject(new Error('X connection closed'));
    const req = Buffer.alloc(4 + 4 * words.length);
    req[0] = opcode;
    req[1] = dataByte;
    req.writeUInt16LE(1 + words.length, 2);
    words.forEach((w, i) => req.writeUInt32LE(w >>> 0, 4 + 4 * i));
    this.#seq = (this.#seq + 1) & 0xffff;
    const seq = this.#seq;
    const result = reply
      ? new Promise((resolve, reject) => this.#pending.set(seq, { resolve, reject }))
      : undefined;
    this.#sock.write(req);
    return result;
  }

  /** Children of `window`, bottom to top. */
  async queryTree(window) {
    const r = await this.#request(OP_QUERY_TREE, 0, [window], true);
    const n = r.readUInt16LE(16);
    return Array.from({ length: n }, (_, i) => r.readUInt32LE(32 + 4 * i));
  }

  /** Map state of `window`: 0 unmapped, 1 unviewable, 2 viewable. */
  async mapState(window) {
    const r = await this.#request(OP_GET_WINDOW_ATTRIBUTES, 0, [window], true);
    return r[26];
  }

  /** WM_NAME of `window` as a string ('' when unset). */
  async wmName(window) {
    const r = await this.#request(OP_GET_PROPERTY, 0, [window, ATOM_WM_NAME, 0, 0, 1024], true);
    const format = r[1];
    const n = r.readUInt32LE(16) * (format / 8 || 0);
    return r.subarray(32, 32 + n).toString('latin1');
  }

  /** Selects SubstructureNotify on the root window (MapNotify of every top-level window). */
  watchRoot() {
    this.#request(OP_CHANGE_WINDOW_ATTRIBUTES, 0, [this.root, CW_EVENT_MASK, SUBSTRUCTURE_NOTIFY_MASK], false);
  }

  onEvent(handler) {
    this.#eventHandlers.add(handler);
    return () => this.#eventHandlers.delete(handler);
  }

  close() {
    this.#closed = true;
    this.#sock.destroy();
  }

  /**
   * Resolves with performance.now() at the moment a top-level window named `name` is mapped
   * (viewable). Event driven (MapNotify on the root window), plus a scan of the existing windows
   * right after subscribing and every `rescanMs` as a safety net.
   */
  waitForMappedWindow(name, { rescanMs = 10 } = {}) {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (error, at) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        off();
        if (error) reject(error);
        else resolve(at);
      };
      const check = async (window, at) => {
        try {
          const [state, wmName] = await Promise.all([this.mapState(window), this.wmName(window)]);
          if (state === MAP_STATE_VIEWABLE && wmName === name) finish(undefined, at);
        } catch (error) {
          if (error.xerror === undefined) finish(error); // BadWindow: it went away meanwhile
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
      const off = this.onEvent((code, ev) => {
        if (code === EVENT_MAP_NOTIFY) void check(ev.readUInt32LE(8), performance.now());
      });
      this.watchRoot();
      void scan();
      const timer = setInterval(scan, rescanMs);
    });
  }
}
