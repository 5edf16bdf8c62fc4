/**
 * x11docker-gui: a local web page to compose, run and watch x11docker sessions (replaces
 * upstream's kaptain-based `x11docker-gui`). node:http only; the page is a plain TypeScript
 * bundle (src/gui/web/gui.ts -> dist/web/gui.js) that builds its form from the option table,
 * which this server hands out at run time (`GET /api/options`), so there is no second list.
 *
 * Security: bound to 127.0.0.1 on a free port unless an address is given (then a warning); a
 * random token per start. The token arrives once in the URL (`/?token=`), is moved into an
 * HttpOnly, SameSite=Strict cookie, and is compared in constant time on every request; anything
 * without it gets 403. State-changing requests must be POSTs with a JSON body (a cross-site form
 * cannot send that without a CORS preflight, which this server never grants).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import { quoteWords } from '../quote.js';
import { gatherHostFacts, findBinaries } from '../host/facts.js';
import { parseCommandLine } from '../options/parse.js';
import { splitShellWords } from '../options/rest.js';
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
  /** Stops every session started from the page (waits until each is undone), then the server. */
  close(): Promise<void>;
}

/** Options the page does not offer (they do not start a session, or are the GUI itself). */
const hiddenOptions = new Set(['help', 'version', 'license', 'gui', 'cleanup', 'preset', 'completion', 'install', 'update', 'remove', 'launcher', 'password']); // presets: files the command line reads

/** Tools that the dependency check lists besides the X servers: the plan's host tools, and the GUI's own. */
const tools: readonly HostTool[] = [...HOST_TOOLS, { binary: 'xdg-open', debianPackage: 'xdg-utils', what: 'opens this page in your browser' }];

/** Whether two tokens are equal, in time independent of where they differ. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts the GUI server.
 * @throws X11DockerError when the address cannot be bound.
 */
export async function startGui(options: GuiOptions): Promise<GuiServer> {
  const token = randomBytes(24).toString('base64url');
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
      options: optionTable.filter((o) => !hiddenOptions.has(o.name)),
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

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { error: formatError(error, { debug: log.debugging }) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const queryToken = url.searchParams.get('token') ?? undefined;
    const cookieToken = /(?:^|;\s*)x11docker_gui=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!tokenMatches(queryToken, token) && !tokenMatches(cookieToken, token)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('403 Forbidden: open the URL with the token that x11docker-gui printed.\n');
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (queryToken !== undefined) {
      // move the token into a cookie and out of the address bar (and of history and referrers)
      res.writeHead(303, {
        'set-cookie': `x11docker_gui=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname,
      }).end();
      return;
    }
    const key = `${req.method} ${url.pathname}`;
    const handler = api[key];
    if (handler) {
      let body: unknown;
      if (req.method === 'POST') {
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'JSON body required' });
        try {
          body = JSON.parse((await readBody(req)) || 'null');
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
          'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-src http: https:; img-src 'self' data:",
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
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostInUrl}:${port}/?token=${token}`,
    host: options.host,
    port,
    close: async () => {
      await sessions.stopAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function send(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(data));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 1_000_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * Turns the page's form into an argv: `options` (already `--name=value` strings from the form),
 * `image`, and `command`, a shell-like text split with shell-quote (no shell runs; operators,
 * globs and substitutions are refused, `$VAR` stays literal).
 * @throws X11DockerError for a bad body or command text.
 */
export function commandFromBody(body: unknown): { argv: string[] } {
  const b = (body ?? {}) as { options?: unknown; image?: unknown; command?: unknown; engineArgs?: unknown };
  const opts = Array.isArray(b.options) ? b.options.filter((o): o is string => typeof o === 'string') : [];
  const image = typeof b.image === 'string' ? b.image.trim() : '';
  const words = splitWords(typeof b.command === 'string' ? b.command : '', 'command');
  const engine = splitWords(typeof b.engineArgs === 'string' ? b.engineArgs : '', 'docker run options');
  if (!image && words.length > 0) throw new X11DockerError('A command needs an image. Pick an image first.');
  const argv = [...opts];
  if (image) {
    if (engine.length > 0) argv.push('--', ...engine, '--');
    argv.push(image, ...words);
  } else if (engine.length > 0) throw new X11DockerError('docker run options need an image. Pick an image first.');
  return { argv };
}

function splitWords(text: string, what: string): string[] {
  return splitShellWords(text, `${what} field`);
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
    const host = await gatherHostFacts(options, hostProbe(options));
    const imageConfig = options.image ? await inspect(options.backend, options.image) : undefined;
    const plan = planSession(options, host, imageConfig);
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
