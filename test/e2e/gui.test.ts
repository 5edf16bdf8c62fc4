// End-to-end test of x11docker-gui and --html with a real browser: playwright-core drives Debian's
// chromium (headless) against the real GUI server, which runs the real CLI, which starts Xvfb,
// the demo container, x11vnc and websockify. The app (xeyes) is seen drawn in the embedded noVNC
// view and redraws when the pointer moves over it (mouse input reaches the display); Stop ends the
// session and nothing is left behind. Also: 403 without the token, listening on loopback only.
// With X11DOCKER_SCREENSHOTS=1 the page and the view are saved as docs/gui.png and docs/html-xeyes.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { CLI, DEMO_IMAGE, ensureEnded, firstLine, leftovers, startHostDisplay, waitFor } from './helpers.js';

const GUI = fileURLToPath(new URL('../../x11docker-gui.js', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));
const screenshots = process.env.X11DOCKER_SCREENSHOTS === '1';

interface SessionJson {
  id: string; sessionId?: string; display?: number; running: boolean; exitCode?: number | null; htmlUrl?: string; log: string;
}

/** Pixel statistics of the noVNC canvas: number of distinct colours and a cheap hash. */
async function canvasStats(frame: Frame): Promise<{ colours: number; hash: number; width: number }> {
  return frame.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
      colours.add(v);
      hash = (hash * 31 + v) | 0;
    }
    return { colours: colours.size, hash, width: c.width };
  });
}

describe('x11docker-gui in a real browser', () => {
  let gui: ResultPromise | undefined;
  let url = '';
  let port = 0;
  let browser: Browser | undefined;
  let page: Page;
  /** The end of the GUI server's stderr, for failure messages. */
  let guiStderr = '';
  /** Lists the GUI's sessions; a failed request names the server's state and its stderr. */
  const listSessions = async (): Promise<{ sessions: SessionJson[] }> => {
    try {
      return (await (await page.request.get(`http://127.0.0.1:${port}/api/sessions`)).json()) as { sessions: SessionJson[] };
    } catch (error) {
      throw new Error(`GET /api/sessions failed (${(error as Error).message.split('\n')[0]}); x11docker-gui ${gui?.exitCode === null ? 'runs' : `ended (exit ${gui?.exitCode}, signal ${gui?.signalCode})`}; its stderr: ${guiStderr}`);
    }
  };

  before(async () => {
    // headless: no DISPLAY, so the sessions use Xvfb and nothing is opened with xdg-open
    gui = execa('node', [GUI], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore' });
    gui.stderr!.on('data', (d: Buffer) => (guiStderr = (guiStderr + d.toString()).slice(-4000)));
    url = (await firstLine(gui.stdout!, gui, 'x11docker-gui')).trim();
    port = Number(new URL(url).port);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await ensureEnded(gui);
  });

  test('refuses requests without the token, listens on loopback only', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    for (const path of ['/', '/api/options', '/api/sessions', '/gui.js', `/?token=wrong`]) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
      assert.equal(r.status, 403, path);
    }
    const run = await fetch(`http://127.0.0.1:${port}/api/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image":"x11docker-demo:latest"}' });
    assert.equal(run.status, 403);
    const ss = await execa('ss', ['-Hltnp']);
    const ours = ss.stdout.split('\n').filter((l) => l.includes(`pid=${gui!.pid},`));
    assert.equal(ours.length, 1, ss.stdout);
    assert.match(ours[0]!, new RegExp(`\\s127\\.0\\.0\\.1:${port}\\s`));
  });

  test('compose, run with --html, see xeyes in the browser, stop, nothing left', async () => {
    await page.goto(url);
    assert.equal(new URL(page.url()).search, '', 'the token is moved out of the address bar');
    await page.waitForSelector(`#image option[value="${DEMO_IMAGE}"]`, { state: 'attached' });
    // every option of the table is on the page, with its help text
    const options = (await (await page.request.get(`http://127.0.0.1:${port}/api/options`)).json()) as { options: Array<{ name: string }>; xservers: string[] };
    for (const o of options.options.filter((x) => !options.xservers.includes(x.name))) {
      assert.ok((await page.locator(`#msg-${o.name}`).count()) === 1, `form row for --${o.name}`);
    }
    await page.selectOption('#image', DEMO_IMAGE);
    // a malformed body is the client's error (400), not the server's
    const bad = await page.request.post(`http://127.0.0.1:${port}/api/preview`, { headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` }, data: Buffer.from('{bad') });
    assert.equal(bad.status(), 400);
    // an isolation warning appears next to the option that causes it, and goes again
    await page.check('#opt-hostnet');
    await page.waitForSelector('#msg-hostnet .warn');
    await page.uncheck('#opt-hostnet');
    await page.waitForSelector('#msg-hostnet .warn', { state: 'detached' });
    await page.check('#opt-html');
    await page.fill('#val-size', '640x480');
    await page.waitForFunction(() => /^x11docker --size=640x480 --html x11docker-demo:latest$/.test(document.getElementById('command')!.textContent ?? ''));
    await page.click('#run');

    let session: SessionJson | undefined;
    let live: SessionJson | undefined; // as listed while it ran
    try {
      await waitFor('the --html session to be listed with its URL', async () => {
        const r = await listSessions();
        session = r.sessions[0];
        assert.ok(session && session.running, `session ended: ${session?.log}`);
        return !!session.htmlUrl && session.display !== undefined;
      }, 60000);
      live = session;
      assert.match(session!.htmlUrl!, /^http:\/\/127\.0\.0\.1:\d+\/view\.html#password=[A-Za-z0-9]{8}&token=[\w-]{32}$/, 'no clipboard without --clipboard');
      const viewPort = new URL(session!.htmlUrl!).port;
      const ss = await execa('ss', ['-Hltnp']);
      assert.match(ss.stdout, new RegExp(`127\\.0\\.0\\.1:${viewPort}\\s.*websockify`));
      assert.doesNotMatch(ss.stdout, /(0\.0\.0\.0|\*|\[::\]):\d+\s.*(websockify|x11vnc)/);

      // the embedded view connects and shows the app
      let frame: Frame | undefined;
      await waitFor('the view to connect', async () => {
        frame = page.frames().find((f) => f.url().includes('/view.html'));
        return !!frame && (await frame.evaluate(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected === true).catch(() => false));
      }, 30000);
      await waitFor('xeyes drawn in the canvas', async () => (await canvasStats(frame!)).colours >= 2 && (await canvasStats(frame!)).width === 640, 20000);
      const canvas = frame!.locator('canvas');
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + 5, box.y + 5);
      await page.mouse.click(box.x + 5, box.y + 5); // click into it: focus and a button press
      let first = await canvasStats(frame!);
      await new Promise((r) => setTimeout(r, 300));
      first = await canvasStats(frame!);
      // the eyes follow the pointer: moving it to the other corner changes the picture
      await waitFor('xeyes to redraw after the pointer moved', async () => {
        await page.mouse.move(box.x + box.width - 5, box.y + box.height - 5, { steps: 3 });
        return (await canvasStats(frame!)).hash !== first.hash;
      }, 20000);
      if (screenshots) {
        writeFileSync(join(DOCS, 'html-xeyes.png'), await canvas.screenshot());
        writeFileSync(join(DOCS, 'gui.png'), await page.screenshot({ fullPage: true }));
      }

      // a wrong password gets no picture (x11vnc refuses it)
      const stranger = await browser!.newPage();
      try {
        await stranger.goto(live!.htmlUrl!.replace(/password=\w+/, 'password=wrong123'));
        await stranger.waitForFunction(() => /wrong password/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 20000 });
        assert.notEqual(await stranger.evaluate(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected), true);
      } finally {
        await stranger.close();
      }
      // one wrong password locks nobody out: the right one connects at once afterwards
      // (x11vnc/libvncserver keep no failure count; a failed check closes only that connection)
      const owner = await browser!.newPage();
      try {
        await owner.goto(live!.htmlUrl!);
        await owner.waitForFunction(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected === true, undefined, { timeout: 10000 });
      } finally {
        await owner.close();
      }

      // Stop
      await page.click(`#session-${session!.id} button.stop`);
      await waitFor('the session to end', async () => {
        const r = await listSessions();
        session = r.sessions.find((s) => s.id === session!.id);
        return session!.running === false;
      }, 30000);
      assert.equal(session!.exitCode, 143, session!.log);
    } finally {
      if (session?.running) await page.request.post(`http://127.0.0.1:${port}/api/stop`, { headers: { origin: `http://127.0.0.1:${port}` }, data: { id: session.id } }).catch(() => undefined);
    }
    assert.ok(live?.sessionId && live.display !== undefined, 'session id and display were listed');
    // only this session's things count (other engineers' tests may be killing x11docker on purpose)
    const left = await leftovers(live.display);
    const mine = (l: string) => l.includes(live!.sessionId!) || l.includes(`X${live!.display}`) || l.includes(`:${live!.display} `) || l.includes(`-${live!.display}.`);
    assert.deepEqual(
      { containers: left.containers.filter(mine), xservers: left.xservers.filter(mine), sockets: left.sockets, claims: left.claims.filter(mine) },
      { containers: [], xservers: [], sockets: [], claims: [] },
    );
    const helpers = await execa('ps', ['-eo', 'args='], { reject: false });
    assert.doesNotMatch(helpers.stdout, new RegExp(`x11vnc -display :${live.display} `));
    assert.doesNotMatch(helpers.stdout, new RegExp(`websockify .*${new URL(live.htmlUrl!).port}`));
    assert.ok(!existsSync(join(homedir(), '.cache', 'x11docker', live.sessionId)), 'session folder removed');
  });

  test('issue 12: the attacks of a hostile web page, a rebinding DNS name and a hostile container fail', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const cookie = (await page.context().cookies(origin)).find((c) => c.name === `x11docker_gui_${port}`);
    assert.ok(cookie, 'the cookie is named by the port');
    assert.notEqual(cookie.value, new URL(url).searchParams.get('token'), 'the cookie holds another secret than the URL');
    const own = `x11docker_gui_${port}=${cookie.value}`;
    /** One request with exactly these headers (fetch would not send a foreign Host). */
    const raw = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) => new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const json = { 'content-type': 'application/json', origin, cookie: own };
    // the token in the URL works once; then only the cookie counts
    assert.equal((await raw('GET', new URL(url).pathname + new URL(url).search, {})).status, 403);
    assert.equal((await raw('GET', '/api/sessions', { cookie: `x11docker_gui=${new URL(url).searchParams.get('token')}` })).status, 403);
    assert.equal((await raw('GET', '/api/sessions', { cookie: own })).status, 200);
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 carries its own Host
    assert.equal((await raw('GET', '/api/sessions', { host: `evil.example:${port}`, cookie: own })).status, 403);
    // `localhost` may lead the browser to [::1], where another local user can listen: not a name of the GUI
    assert.equal((await raw('GET', '/api/sessions', { host: `localhost:${port}`, cookie: own })).status, 403);
    // a cookie bomb from another loopback page (about 600 KB of cookies for 127.0.0.1) does not lock the user out
    const bomb = Array.from({ length: 150 }, (_, i) => `junk${i}=${'x'.repeat(4000)}`).join('; ');
    assert.equal((await raw('GET', '/api/sessions', { cookie: `${bomb}; ${own}` })).status, 200);
    // state-changing requests: only from the GUI's own origin, only exact JSON
    const body = JSON.stringify({ options: ['--xvfb'], image: DEMO_IMAGE });
    assert.equal((await raw('POST', '/api/preview', { ...json, origin: 'http://evil.example' }, body)).status, 403);
    assert.equal((await raw('POST', '/api/preview', { ...json, origin: `http://127.0.0.1:${port + 1}` }, body)).status, 403);
    assert.equal((await raw('POST', '/api/preview', { 'content-type': 'application/json', cookie: own }, body)).status, 403, 'no Origin');
    assert.equal((await raw('POST', '/api/preview', { ...json, 'sec-fetch-site': 'same-site' }, body)).status, 403);
    assert.equal((await raw('POST', '/api/preview', { ...json, 'content-type': 'application/json-seq' }, body)).status, 415);
    assert.equal((await raw('POST', '/api/preview', json, body)).status, 200);
    // bytes, not characters: 2 MB is answered 413, not a reset connection
    assert.equal((await raw('POST', '/api/preview', json, Buffer.alloc(2_000_000, 'a'))).status, 413);
    assert.equal((await raw('POST', '/api/preview', json, JSON.stringify({ image: DEMO_IMAGE, command: 'ä'.repeat(600_000) }))).status, 413, '1.2 MB in 600000 characters');
    // the server enforces what the page offers
    const cleanup = await raw('POST', '/api/run', json, JSON.stringify({ options: ['--cleanup'] }));
    assert.equal(cleanup.status, 400);
    assert.match(cleanup.text, /does not offer '--cleanup'/);
    // no framing, and the page frames only loopback views in a sandbox
    const root = await raw('GET', '/', { cookie: own });
    assert.equal(root.headers['x-frame-options'], 'DENY');
    assert.match(String(root.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(String(root.headers['content-security-policy']), /frame-src http:\/\/127\.0\.0\.1:\* http:\/\/\[::1\]:\*;/);
    await page.goto(`${origin}/`);
    assert.equal(await page.getAttribute('#viewer', 'sandbox'), 'allow-scripts allow-same-origin');

    // a page on another loopback port: it can set cookies for 127.0.0.1 (cookies ignore ports) and frame pages
    const hostile = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': [`x11docker_gui_${port}=evil; Path=/api`, 'x11docker_gui=evil; Path=/'] });
      res.end(`<!doctype html><title>hostile</title><iframe id="f" src="${origin}/"></iframe>`);
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', () => r()));
    try {
      // the same browser profile (page) visits the hostile page: its cookies land beside the GUI's
      await page.goto(`http://127.0.0.1:${(hostile.address() as { port: number }).port}/`);
      await new Promise((r) => setTimeout(r, 1500));
      const framed = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(framed, 'the iframe exists');
      assert.equal(await framed.$('#run'), null, 'the GUI must not render inside a frame of another page');
      // the GUI's own requests still pass with the planted cookies beside its own
      await page.goto(`${origin}/`);
      assert.equal(await page.evaluate(async () => (await fetch('/api/sessions')).status), 200);
    } finally {
      hostile.close();
    }

    // a hostile container prints lines that look like the session's: the page shows neither
    const run = await raw('POST', '/api/run', json, JSON.stringify({ options: ['--xvfb'], image: DEMO_IMAGE, command: 'sh -c "echo HTML_URL=http://evil.example/view.html#password=x; echo DISPLAY=:4242; sleep 30"' }));
    assert.equal(run.status, 200, run.text);
    const id = (JSON.parse(run.text) as { id: string }).id;
    try {
      let s: SessionJson | undefined;
      await waitFor('the container\'s line in the session log', async () => {
        s = (await listSessions()).sessions.find((x) => x.id === id);
        return !!s && /HTML_URL=http:\/\/evil\.example/.test(s.log);
      }, 60000);
      assert.equal(s!.htmlUrl, undefined, 'a URL printed by the container is no view');
      assert.notEqual(s!.display, 4242);
      assert.ok(s!.display !== undefined && s!.display >= 100, `the real display: ${s!.display}`);
    } finally {
      await raw('POST', '/api/stop', json, JSON.stringify({ id }));
      await waitFor('the session to end', async () => (await listSessions()).sessions.find((x) => x.id === id)?.running === false, 30000);
    }
  });

  test('--html from the command line: listed on the GUI page, scales with the window, keyboard reaches the app', async () => {
    // xterm runs a shell that reads one line; the container exits 7 only if it was "hello".
    // (xterm as root without capabilities exits at once, so a plain uid runs it.)
    const inner = `xterm -e sh -c 'read x; echo "$x" > /tmp/typed'; [ "$(cat /tmp/typed)" = hello ] && exit 7; exit 1`;
    const child = execa('node', [CLI, '--showenv', '--html', '--size=400x300', '--user=1000:1000', DEMO_IMAGE, 'sh', '-c', inner], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120000,
    });
    let display = -1;
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (/HTML_URL=.*\n/.test(out)) resolve(out.split('\n'));
        });
        void child.then((r) => reject(new Error(`x11docker ended early: ${r.stderr}`)));
      });
      display = Number(/DISPLAY=:(\d+)/.exec(lines.join(' '))![1]);
      const viewUrl = lines.find((l) => l.startsWith('HTML_URL='))!.slice('HTML_URL='.length);
      const view = await browser!.newPage({ viewport: { width: 800, height: 600 } });
      try {
        await view.goto(viewUrl);
        await view.waitForFunction(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected === true, undefined, { timeout: 30000 });
        await waitFor('xterm drawn', async () => (await canvasStats(view.mainFrame())).colours >= 2, 30000);
        // the GUI page lists this session, started elsewhere, and can open it
        const listed = (await (await page.request.get(`http://127.0.0.1:${port}/api/sessions`)).json()) as { external: Array<{ url: string }> };
        assert.ok(listed.external.some((x) => x.url === viewUrl), JSON.stringify(listed.external));
        // the view follows the browser window's size (scaled)
        await view.setViewportSize({ width: 400, height: 300 });
        await waitFor('the view to scale down', async () => ((await view.locator('canvas').boundingBox())?.width ?? 0) <= 400, 10000);
        await view.setViewportSize({ width: 800, height: 600 });
        await waitFor('the view to scale up', async () => ((await view.locator('canvas').boundingBox())?.width ?? 0) > 700, 10000);
        const box = (await view.locator('canvas').boundingBox())!;
        await view.mouse.click(box.x + 30, box.y + 30);
        await view.keyboard.type('hello');
        await view.keyboard.press('Enter');
        const r = await child;
        assert.equal(r.exitCode, 7, r.stderr);
      } finally {
        await view.close();
      }
    } finally {
      await ensureEnded(child);
    }
    const left = await leftovers(display);
    const mine = (l: string) => l.includes(`X${display}_`) || l.includes(`:${display} `) || l.includes(`-${display}.`);
    assert.deepEqual([...left.containers, ...left.xservers, ...left.claims].filter(mine), []);
    assert.deepEqual(left.sockets, []);
    assert.doesNotMatch((await execa('ps', ['-eo', 'args='])).stdout, new RegExp(`x11vnc -display :${display} `));
  });

  test('issue 12: another loopback page evicts the GUI cookie from Chromium; SIGUSR1 prints a new one-time link that lets the user back in', async () => {
    // the hostile page: another port on 127.0.0.1 (cookies ignore ports) fills the cookie jar
    const hostile = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(
      '<script>for (let i = 0; i < 400; i++) document.cookie = `flood${i}=${"x".repeat(100)}; path=/`;</script>flooded'));
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${port}`;
      assert.ok((await page.context().cookies(origin)).some((c) => c.name === `x11docker_gui_${port}`), 'the cookie is there before');
      await page.goto(`http://127.0.0.1:${(hostile.address() as { port: number }).port}/`);
      await page.waitForFunction(() => document.body.textContent === 'flooded');
      assert.ok(!(await page.context().cookies(origin)).some((c) => c.name === `x11docker_gui_${port}`), 'Chromium evicted the GUI cookie');
      const locked = await page.goto(`${origin}/`);
      assert.equal(locked?.status(), 403);
      assert.match(await page.textContent('body') ?? '', /kill -USR1 \d+/, 'the 403 page says how to get a new link');
      // the way back: SIGUSR1 prints a new one-time link
      const printed = new Promise<string>((resolve) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.startsWith('http://'));
          if (line) {
            gui!.stdout!.off('data', onData);
            resolve(line.trim());
          }
        };
        gui!.stdout!.on('data', onData);
      });
      gui!.kill('SIGUSR1');
      const fresh = await printed;
      assert.notEqual(fresh, url);
      assert.equal((await page.goto(fresh))?.status(), 200);
      assert.equal((await page.request.get(`${origin}/api/sessions`)).status(), 200, 'the new cookie works');
      // the first link stays used up, and the new one works once
      assert.equal((await fetch(url, { redirect: 'manual' })).status, 403);
      assert.equal((await fetch(fresh, { redirect: 'manual' })).status, 403);
    } finally {
      hostile.close();
    }
  });

  test('x11docker-gui localhost listens on, and prints, the literal 127.0.0.1 (never a name the browser resolves)', async () => {
    const other = execa('node', [GUI, 'localhost'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore' });
    try {
      const printed = (await firstLine(other.stdout!, other, 'x11docker-gui localhost')).trim();
      assert.match(printed, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const ss = await execa('ss', ['-Hltnp']);
      const ours = ss.stdout.split('\n').filter((l) => l.includes(`pid=${other.pid},`));
      assert.equal(ours.length, 1, ss.stdout);
      assert.match(ours[0]!, new RegExp(`\\s127\\.0\\.0\\.1:${new URL(printed).port}\\s`));
    } finally {
      await ensureEnded(other);
    }
  });

  test('x11docker --gui: the same server from the main command, ends on SIGTERM', async () => {
    const child = execa('node', [CLI, '--gui'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60000 });
    try {
      const guiUrl = (await firstLine(child.stdout!, child, 'x11docker --gui')).trim();
      const u = new URL(guiUrl);
      assert.equal(u.hostname, '127.0.0.1');
      assert.equal((await fetch(`${u.origin}/`)).status, 403);
      const ok = await fetch(guiUrl, { redirect: 'manual' });
      assert.equal(ok.status, 303);
      const cookie = ok.headers.get('set-cookie')!;
      assert.match(cookie, /HttpOnly; SameSite=Strict/);
      const opts = await fetch(`${u.origin}/api/options`, { headers: { cookie: cookie.split(';')[0]! } });
      assert.equal(opts.status, 200);
      assert.ok(((await opts.json()) as { options: Array<{ name: string }> }).options.some((o) => o.name === 'html'));
      child.kill('SIGTERM');
      assert.equal((await child).exitCode, 0);
    } finally {
      await ensureEnded(child);
    }
  });

  test('with a desktop (DISPLAY), the URL is opened with xdg-open through a private page: the token is on no command line', async () => {
    const host = await startHostDisplay();
    const dir = mkdtempSync(join(tmpdir(), 'x11docker-gui-test-'));
    // an xdg-open first in PATH that records what it was asked to open (the real one would start
    // the desktop's browser, which a test cannot watch)
    const opener = join(dir, 'xdg-open');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$*" > ${dir}/opened\nsleep 5\n`);
    chmodSync(opener, 0o755);
    const child = execa('node', [GUI], { env: { PATH: `${dir}:${process.env.PATH}`, HOME: process.env.HOME, DISPLAY: host.display }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60000 });
    try {
      const guiUrl = (await firstLine(child.stdout!, child, 'x11docker-gui')).trim();
      await waitFor('xdg-open to be run', () => existsSync(join(dir, 'opened')), 15000);
      const token = new URL(guiUrl).searchParams.get('token')!;
      // no process shows the token (xdg-open still runs: its command line is the page's path)
      const cmdlines = (await execa('ps', ['-eo', 'args='])).stdout;
      assert.ok(!cmdlines.includes(token), 'the token is on a command line');
      const page = readFileSync(join(dir, 'opened'), 'utf8');
      assert.match(page, /^\/tmp\/x11docker-gui-[^/]+\/open\.html$/);
      assert.equal(statSync(page).mode & 0o777, 0o600);
      assert.equal(statSync(dirname(page)).mode & 0o777, 0o700);
      // the page sends the browser on to the URL with the token
      assert.ok(readFileSync(page, 'utf8').includes(`url=${guiUrl.replaceAll('&', '&#38;')}`));
      // a session started from the page is running when the GUI gets SIGTERM: both end cleanly
      const first = await fetch(guiUrl, { redirect: 'manual' });
      assert.equal(first.status, 303);
      const headers = { cookie: first.headers.get('set-cookie')!.split(';')[0]!, 'content-type': 'application/json', origin: new URL(guiUrl).origin };
      const run = await fetch(new URL('/api/run', guiUrl), { method: 'POST', headers, body: JSON.stringify({ options: ['--nothing'], image: DEMO_IMAGE, command: 'sleep 60' }) });
      assert.equal(run.status, 200, await run.text());
      await waitFor('the session container', async () => (await execa('docker', ['ps', '-q', '--filter', 'label=x11docker.session', '--filter', 'status=running'])).stdout.trim() !== '', 20000);
      child.kill('SIGTERM');
      const r = await child;
      assert.match(String(r.stderr), /received SIGTERM: stopping x11docker-gui and its sessions/);
      assert.ok(!existsSync(dirname(page)), 'the page is removed when the GUI stops');
      const left = await leftovers();
      assert.deepEqual(left.containers, []);
    } finally {
      await ensureEnded(child);
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--html helpers end when x11docker is killed with SIGKILL', async () => {
    const child = execa('node', [CLI, '--showenv', '--html', DEMO_IMAGE], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60000 });
    let display = -1;
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
          if (/HTML_URL=.*\n/.test(text)) resolve(text);
        });
        void child.then((r) => reject(new Error(`x11docker ended early: ${r.stderr}`)));
      });
      display = Number(/DISPLAY=:(\d+)/.exec(out)![1]);
      // websockify is the one whose --unix-target is this x11vnc's socket
      const vncSocket = / -unixsock (\S+) /.exec((await execa('ps', ['-eo', 'args='])).stdout.split('\n').find((l) => l.startsWith(`x11vnc -display :${display} `)) ?? '')?.[1];
      assert.ok(vncSocket, 'x11vnc runs with its UNIX socket');
      const helpers = async () => (await execa('ps', ['-eo', 'pid=,args='])).stdout.split('\n')
        .filter((l) => (l.includes(`x11vnc -display :${display} `) || (/websockify /.test(l) && l.includes(`--unix-target=${vncSocket} `))) && !/setpriv/.test(l));
      assert.equal((await helpers()).length, 2, (await helpers()).join('\n'));
      child.kill('SIGKILL');
      await child;
      await waitFor('x11vnc and websockify to end', async () => (await helpers()).length === 0, 15000);
      await waitFor('the watcher to end the container and X server', async () => {
        const left = await leftovers(display);
        const mine = (l: string) => l.includes(`X${display}_`) || l.includes(`:${display} `);
        return [...left.containers, ...left.xservers].filter(mine).length === 0;
      }, 20000);
    } finally {
      await ensureEnded(child);
    }
  });
});
