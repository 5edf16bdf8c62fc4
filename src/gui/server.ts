/**
 * x11docker-gui: a local web page to compose, run and watch x11docker sessions (replaces
 * upstream's kaptain-based `x11docker-gui`). node:http only; the page is a plain TypeScript
 * bundle (src/gui/web/gui.ts -> dist/web/gui.js) that builds its form from the option table,
 * which this server hands out at run time (`GET /api/options`), so there is no second list.
 *
 * Security: bound to 127.0.0.1 on a free port unless an address is given (then a warning); a
 * random one-time token per start, which arrives in the URL (`/?token=`) and is exchanged once
 * for an HttpOnly, SameSite=Strict cookie with another secret; every request is checked by
 * src/gui/guard.ts (Host, Origin and Sec-Fetch-Site of POSTs, exact JSON, the cookie in constant
 * time, no framing) and gets 403 otherwise. The page's options are checked against one allow-list
 * (src/gui/form.ts); what a session shows is taken from the API's result, never from its output.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { quoteWords } from '../quote.js';
import { gatherHostFacts, findBinaries } from '../host/facts.js';
import { parseCommandLine } from '../options/parse.js';
import { optionGroups, optionTable, xserverOptionNames } from '../options/table.js';
import { planSession } from '../plan/plan.js';
import { HOST_TOOLS, hostProbe, type HostTool } from '../plan/probe.js';
import type { ImageConfig } from '../plan/image.js';
import { openEngine } from '../run/open-engine.js';
import type { Engine } from '../run/engine.js';
import { run } from '../run/spawn.js';
import { webDir } from '../run/html.js';
import { xserverDrivers } from '../xserver/drivers.js';
import { SessionList } from './sessions.js';
import { commandFromBody, pageOptions } from './form.js';
import { allowedHosts, checkRequest, cookieName, cookieValues, isJson, MAX_BODY_BYTES, MAX_HEADER_BYTES, NO_FRAMING, PAGE_CSP, tokenMatches } from './guard.js';

/** Where the GUI listens. */
export interface GuiOptions {
  /** Listening address; `127.0.0.1` by default. */
  readonly host: string;
  /** TCP port; 0 (default) for a free one. */
  readonly port?: number;
}

/** A running GUI server. */
export interface GuiServer {
  /** The URL with the access token (`http://127.0.0.1:PORT/?token=...`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Makes a new one-time link and returns it (the old link stops working; browsers that hold the
   * cookie keep access). For a user whose cookie was evicted: any page on 127.0.0.1 can fill the
   * browser's cookie jar for the host (cookies ignore ports) until the GUI's cookie is dropped.
   */
  newLink(): string;
  /** Stops every session started from the page (waits until each is undone), then the server. */
  close(): Promise<void>;
}

/** Tools that the dependency check lists besides the X servers: the plan's host tools, and the GUI's own. */
const tools: readonly HostTool[] = [...HOST_TOOLS, { binary: 'xdg-open', debianPackage: 'xdg-utils', what: 'opens this page in your browser' }];

/**
 * Starts the GUI server.
 * @throws X11DockerError when the address cannot be bound.
 */
export async function startGui(options: GuiOptions): Promise<GuiServer> {
  // the URL's one-time token, and the cookie's secret it is exchanged for
  let token = randomBytes(24).toString('base64url');
  const secret = randomBytes(24).toString('base64url');
  let tokenUsed = false;
  let hosts: ReadonlySet<string> = new Set();
  let cookie = '';
  const web = webDir();
  const sessions = new SessionList();
  const imageConfigs = new Map<string, Promise<ImageConfig>>();

  const inspect = (backend: Engine['backend'], image: string): Promise<ImageConfig> => {
    const key = `${backend}\0${image}`;
    let p = imageConfigs.get(key);
    if (!p) {
      const engine = openEngine(backend);
      p = engine.inspectImage(image).finally(() => engine.close());
      imageConfigs.set(key, p);
      p.catch(() => imageConfigs.delete(key));
    }
    return p;
  };

  const api: Record<string, (body: unknown) => Promise<unknown>> = {
    'GET /api/options': async () => ({
      groups: optionGroups,
      xservers: xserverOptionNames,
      options: pageOptions,
    }),
    'GET /api/images': async () => listImages(),
    'GET /api/deps': async () => dependencies(),
    'GET /api/sessions': async () => sessions.list(),
    'POST /api/preview': async (body) => preview(body, inspect),
    'POST /api/run': async (body) => {
      const { argv } = commandFromBody(body);
      parseCommandLine(argv); // bad input: the error is shown on the page, nothing is started
      return sessions.start(argv);
    },
    'POST /api/stop': async (body) => {
      const id = (body as { id?: unknown })?.id;
      if (typeof id !== 'string' || !sessions.stop(id)) throw new X11DockerError('No running session with this id.');
      return { stopped: id };
    },
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { error: formatError(error, { debug: log.debugging }) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(NO_FRAMING)) res.setHeader(k, v);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const refused = checkRequest({ method: req.method ?? 'GET', host: req.headers.host, origin: req.headers.origin, secFetchSite: header(req, 'sec-fetch-site') }, hosts);
    if (refused) return forbidden(res, `403 Forbidden: ${refused}.`);
    const url = new URL(req.url ?? '/', 'http://x');
    const queryToken = url.searchParams.get('token') ?? undefined;
    if (queryToken !== undefined) {
      if (tokenUsed || !tokenMatches(queryToken, token)) {
        return forbidden(res, `403 Forbidden: ${tokenUsed ? 'this link was used already (it works once); the browser that opened it keeps access. For a new link: kill -USR1 ${process.pid}' : 'wrong token: open the URL that x11docker-gui printed'}.`);
      }
      tokenUsed = true;
      // the token leaves the address bar (and history and referrers); only the cookie counts from now on
      res.writeHead(303, { 'set-cookie': `${cookie}=${secret}; HttpOnly; SameSite=Strict; Path=/`, location: url.pathname }).end();
      return;
    }
    if (!cookieValues(req.headers.cookie, cookie).some((v) => tokenMatches(v, secret))) {
      return forbidden(res, `403 Forbidden: open the URL with the token that x11docker-gui printed (for a new one: kill -USR1 ${process.pid}).`);
    }
    const key = `${req.method} ${url.pathname}`;
    const handler = api[key];
    if (handler) {
      let body: unknown;
      if (req.method === 'POST') {
        if (!isJson(req.headers['content-type'])) return send(res, 415, { error: 'the body must be JSON (content type application/json)' });
        const text = await readBody(req);
        if (text === undefined) return send(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, true);
        try {
          body = JSON.parse(text || 'null');
        } catch {
          return send(res, 400, { error: 'the body is not valid JSON' });
        }
      }
      try {
        return send(res, 200, await handler(body));
      } catch (error) {
        if (error instanceof X11DockerError) return send(res, 400, { error: formatError(error, { debug: log.debugging }) });
        throw error;
      }
    }
    if (req.method === 'GET') {
      const file = url.pathname === '/' ? 'gui.html' : url.pathname.slice(1);
      if (/^[a-z]+\.(html|js)$/.test(file) && existsSync(join(web, file))) {
        res.writeHead(200, {
          'content-type': file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
          'content-security-policy': PAGE_CSP,
        });
        res.end(readFileSync(join(web, file)));
        return;
      }
    }
    send(res, 404, { error: 'not found' });
  }

  // an idle keep-alive connection is closed after 65 s, not Node's 5 s: a client that sends its
  // next request as the server closes the connection gets ECONNRESET (seen with Playwright's
  // requests while a session starts on a busy machine); the headers limit must be longer
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new X11DockerError(`x11docker-gui cannot listen on ${options.host}:${options.port ?? 0} (${e.code}). Choose another address or port.`)));
    server.listen(options.port ?? 0, options.host, () => resolve((server.address() as { port: number }).port));
  });
  hosts = allowedHosts(options.host, port);
  cookie = cookieName(port);
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const link = () => `http://${hostInUrl}:${port}/?token=${token}`;
  return {
    url: link(),
    host: options.host,
    port,
    newLink: () => {
      token = randomBytes(24).toString('base64url');
      tokenUsed = false;
      return link();
    },
    close: async () => {
      await sessions.stopAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** Answers JSON; `close` ends the connection afterwards (a body that was not read). */
function send(res: ServerResponse, status: number, data: unknown, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify(data));
}

function forbidden(res: ServerResponse, text: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

/** One request header as a string (the first, if repeated). */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads a request body as UTF-8, counting BYTES: undefined when it is larger than
 * {@link MAX_BODY_BYTES} (by Content-Length at once, else when the count passes it; the rest is
 * read and dropped, so the client gets the 413 answer instead of a reset connection).
 */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
      if (bytes > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(d);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The live preview: the equivalent command line (shell-quoted) and, from the pure planner with
 * this host's facts, the warnings and notes, each tied to the option it names.
 */
async function preview(body: unknown, inspect: (b: Engine['backend'], image: string) => Promise<ImageConfig>) {
  let argv: string[];
  try {
    ({ argv } = commandFromBody(body));
  } catch (error) {
    return { command: '', error: formatError(error, { debug: log.debugging }), warnings: [], notes: [] };
  }
  const command = quoteWords(['x11docker', ...argv]);
  try {
    const options = parseCommandLine(argv);
    if (options.help || options.version) return { command, warnings: [], notes: [] };
    const facts = await gatherHostFacts(options, hostProbe(options));
    const imageConfig = options.image ? await inspect(options.backend, options.image) : undefined;
    // --xc: whether the engine has the X server image (as the session asks, src/api.ts)
    const xcImage = options.xc.mode === 'no' ? undefined : await inspect(options.backend, options.xc.image).then(() => true, () => false);
    const plan = planSession(options, { ...facts, xcImage }, imageConfig);
    return { command, xserver: plan.driver.name, reason: plan.driverReason, warnings: plan.warnings.map(attribute), notes: plan.notes.map(attribute) };
  } catch (error) {
    if (!(error instanceof X11DockerError)) throw error;
    return { command, error: formatError(error, { debug: log.debugging }), warnings: [], notes: [] };
  }
}

/** Ties a message to the first option of the table that it names (`--hostdisplay`), if any. */
function attribute(text: string): { option?: string; text: string } {
  for (const m of text.matchAll(/--([a-z][a-z0-9-]*)/g)) {
    const spec = optionTable.find((o) => o.name === m[1] || o.aliases?.includes(m[1]!));
    if (spec) return { option: spec.name, text };
  }
  return { text };
}

/** Local images of the default engine (`docker image ls`), newest first as the engine lists them. */
async function listImages(): Promise<{ images: string[]; error?: string }> {
  const r = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  if (r.exitCode !== 0) return { images: [], error: String(r.stderr || r.message).split('\n')[0] };
  const images = String(r.stdout).split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('<none>'));
  return { images: [...new Set(images)] };
}

/** Which X servers and tools are installed, with the Debian package for each missing one. */
function dependencies() {
  const path = process.env.PATH ?? '';
  const servers = Object.values(xserverDrivers).map((d) => ({
    option: `--${d.name}`,
    binary: d.binary ?? null,
    what: d.binary ? `runs ${d.binary}` : d.source === 'shared' ? 'uses your display' : 'starts no display server',
    pkg: d.debianPackage ?? null,
    installed: d.binary ? findBinaries([d.binary], path).has(d.binary) : true,
  }));
  const other = tools.map((t) => ({ binary: t.binary, pkg: t.debianPackage, what: t.what, installed: findBinaries([t.binary], path).has(t.binary) }));
  return { servers, tools: other, display: process.env.DISPLAY ?? null };
}
