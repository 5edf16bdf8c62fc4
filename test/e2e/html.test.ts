// End-to-end tests of --html against hostile or unlucky surroundings: another program already
// listening on the requested port (the URL with the password must never be printed for it), a
// helper (x11vnc, websockify) dying during the session (the session ends with an error, nothing
// left), two sessions at once (each browser view shows its own display; x11vnc has no TCP port at
// all, only a UNIX socket in the private session folder), and what websockify serves besides the
// viewer (no directory listing). Real x11docker, Xvfb, container, x11vnc, websockify and chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readlinkSync, readdirSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { CLI, DEMO_IMAGE, ensureEnded, leftovers, waitFor } from './helpers.js';

const env = { PATH: process.env.PATH, HOME: process.env.HOME };

/** Starts `x11docker --showenv --html... IMAGE` and resolves with display and URL once printed (or the result if it ends first). */
function startHtmlSession(htmlOption: string) {
  const child = execa('node', [CLI, '--showenv', htmlOption, DEMO_IMAGE], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 90000 });
  const printed = new Promise<{ display: number; url?: string }>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /HTML_URL=(\S+)\n/.exec(out)?.[1];
      if (url) resolve({ display: Number(/DISPLAY=:(\d+)/.exec(out)![1]), url });
    });
    void child.then(() => resolve({ display: Number(/DISPLAY=:(\d+)/.exec(out)?.[1] ?? -1) }));
  });
  return { child, printed };
}

/**
 * pids of this display's x11vnc and of the websockify in front of it (found by x11vnc's socket
 * path; not the setpriv wrappers: setpriv execs the helper).
 */
async function helperPids(display: number): Promise<{ x11vnc: number[]; websockify: number[] }> {
  const rows = (await execa('ps', ['-eo', 'pid=,args='])).stdout.split('\n').map((l) => /^\s*(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null);
  const vnc = rows.filter((m) => m[2]!.startsWith(`x11vnc -display :${display} `));
  const sockets = vnc.map((m) => / -unixsock (\S+) /.exec(m[2]!)?.[1]).filter((p): p is string => !!p);
  return {
    x11vnc: vnc.map((m) => Number(m[1])),
    websockify: rows.filter((m) => /websockify /.test(m[2]!) && !/setpriv/.test(m[2]!) && sockets.some((p) => m[2]!.includes(`--unix-target=${p} `))).map((m) => Number(m[1])),
  };
}

/** Nothing of the session on `display` is left: container, X server, helpers. */
async function assertNothingLeft(display: number): Promise<void> {
  const left = await leftovers(display);
  const mine = (l: string) => l.includes(`X${display}_`) || l.includes(`:${display} `) || l.includes(`-${display}.`);
  assert.deepEqual([...left.containers, ...left.xservers, ...left.claims].filter(mine), []);
  assert.deepEqual((await helperPids(display)).x11vnc, []);
}

describe('--html: readiness, ownership and helper failures', () => {
  let browser: Browser | undefined;
  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
  });

  test('another program on the --html port: one-line error, exit 64, no URL printed, nothing left', async () => {
    // the "other program": an HTTP server on loopback that would read the password from location.hash
    const squatter = createServer((_req, res) => res.end('<script>/* location.hash */</script>'));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    const s = startHtmlSession(`--html=127.0.0.1:${port}`);
    try {
      const printed = await s.printed;
      assert.equal(printed.url, undefined, `x11docker printed a URL for a port it does not own: ${printed.url}`);
      const r = await s.child;
      assert.equal(r.exitCode, 64, r.stderr);
      const errors = String(r.stderr).split('\n').filter((l) => l.startsWith('x11docker error:'));
      assert.equal(errors.length, 1, String(r.stderr));
      assert.match(errors[0]!, new RegExp(`--html=127\\.0\\.0\\.1:${port}: websockify could not listen there.*in use`));
      assert.doesNotMatch(String(r.stdout), /password=/);
      await assertNothingLeft(printed.display);
    } finally {
      await ensureEnded(s.child);
      squatter.close();
    }
  });

  test('issue 12: a web page of another origin cannot open the view\'s WebSocket, even with its token; the view\'s own origin needs the token', async () => {
    const a = startHtmlSession('--html');
    // a hostile page on another loopback port that knows the whole URL (token included)
    const hostile = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>hostile</title>'));
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', () => r()));
    const page = await browser!.newPage();
    try {
      const s = await a.printed;
      assert.ok(s.url, 'the session prints its URL');
      const url = new URL(s.url!);
      const params = new URLSearchParams(url.hash.slice(1));
      assert.match(params.get('password') ?? '', /^[A-Za-z0-9]{8}$/);
      assert.match(params.get('token') ?? '', /^[\w-]{32}$/);
      const tryWs = (from: string, target: string) => page.evaluate(async (t) => new Promise<string>((resolve) => {
        const ws = new WebSocket(t);
        ws.onopen = () => { ws.close(); resolve('open'); };
        ws.onerror = () => resolve('refused');
        setTimeout(() => resolve('timeout'), 8000);
      }), target).then((r) => `${from}: ${r}`);
      const wsUrl = (token: string) => `ws://${url.host}/websockify?token=${token}`;
      await page.goto(`http://127.0.0.1:${(hostile.address() as { port: number }).port}/`);
      assert.equal(await tryWs('hostile page, right token', wsUrl(params.get('token')!)), 'hostile page, right token: refused');
      await page.goto(`${url.origin}/view.html`); // the view's own origin (no fragment: not connected)
      assert.equal(await tryWs('own origin, wrong token', wsUrl('wrong')), 'own origin, wrong token: refused');
      assert.equal(await tryWs('own origin, no token', `ws://${url.host}/websockify`), 'own origin, no token: refused');
      assert.equal(await tryWs('own origin, right token', wsUrl(params.get('token')!)), 'own origin, right token: open');
    } finally {
      await page.close();
      hostile.close();
      a.child.kill('SIGTERM');
      await a.child;
    }
    await assertNothingLeft((await a.printed).display);
  });

  test('two --html sessions at once: each view shows its own display; x11vnc only on a private UNIX socket; no directory listing', async () => {
    const a = startHtmlSession('--html');
    const b = startHtmlSession('--html');
    try {
      const sessions = [await a.printed, await b.printed];
      for (const s of sessions) assert.ok(s.url, 'both sessions print their URL');
      assert.notEqual(sessions[0]!.display, sessions[1]!.display);
      for (const s of sessions) {
        const url = new URL(s.url!);
        // x11vnc: no TCP listener at all; its one UNIX socket is in the session folder (mode 0700)
        const [vnc] = (await helperPids(s.display)).x11vnc;
        assert.ok(vnc, `x11vnc of :${s.display} runs`);
        const inodes = readdirSync(`/proc/${vnc}/fd`).map((fd) => { try { return readlinkSync(`/proc/${vnc}/fd/${fd}`); } catch { return ''; } })
          .map((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1]).filter((i): i is string => !!i);
        const ss = (await execa('ss', ['-Hlnpa'])).stdout.split('\n').filter((l) => l.includes(`pid=${vnc},`));
        assert.ok(!ss.some((l) => /^(tcp|udp)/.test(l)), ss.join('\n'));
        assert.ok(ss.some((l) => /^u_str\s+LISTEN.*\/\.cache\/x11docker\/\w+\/vnc\.sock\s/.test(l)), ss.join('\n'));
        assert.ok(inodes.length > 0);
        // websockify serves the viewer and nothing else; no listing of a folder
        const root = await (await fetch(`${url.origin}/`)).text();
        assert.match(root, /<div id="screen">/);
        assert.doesNotMatch(root, /Directory listing/i);
        for (const path of ['/gui.js', '/gui.html', '/view/', '/web/']) assert.equal((await fetch(`${url.origin}${path}`)).status, 404, path);
        assert.equal((await fetch(`${url.origin}/view.js`)).status, 200);
        // the view connects with this session's password and shows this session's display
        const page = await browser!.newPage();
        try {
          await page.goto(s.url!);
          await page.waitForFunction(() => (window as unknown as { x11dockerConnected?: boolean }).x11dockerConnected === true, undefined, { timeout: 30000 });
          // the desktop name that x11vnc sends is this session's display
          await page.waitForFunction((d) => document.title === `x11docker: x11docker :${d}`, s.display, { timeout: 10000 });
        } finally {
          await page.close();
        }
      }
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      assert.equal((await a.child).exitCode, 143);
      assert.equal((await b.child).exitCode, 143);
    }
    for (const s of [await a.printed, await b.printed]) await assertNothingLeft(s.display);
  });

  test('x11vnc or websockify dying during the session ends it: one-line error, exit 64, nothing left', async () => {
    const a = startHtmlSession('--html');
    const b = startHtmlSession('--html');
    try {
      const [sa, sb] = [await a.printed, await b.printed];
      assert.ok(sa.url && sb.url);
      const victims = { x11vnc: (await helperPids(sa.display)).x11vnc, websockify: (await helperPids(sb.display)).websockify };
      assert.equal(victims.x11vnc.length, 1);
      assert.equal(victims.websockify.length, 1, JSON.stringify(victims));
      process.kill(victims.x11vnc[0]!, 'SIGKILL');
      process.kill(victims.websockify[0]!, 'SIGKILL');
      const [ra, rb] = [await a.child, await b.child];
      for (const [r, what] of [[ra, 'x11vnc'], [rb, 'websockify']] as const) {
        assert.equal(r.exitCode, 64, String(r.stderr));
        const errors = String(r.stderr).split('\n').filter((l) => l.startsWith('x11docker error:'));
        assert.deepEqual(errors, [`x11docker error: --html: ${what} ended unexpectedly (killed by SIGKILL); the session was ended.`]);
      }
      await assertNothingLeft(sa.display);
      await assertNothingLeft(sb.display);
      const ss = (await execa('ss', ['-Hltn'])).stdout;
      for (const s of [sa, sb]) assert.doesNotMatch(ss, new RegExp(`127\\.0\\.0\\.1:${new URL(s.url!).port}\\s`), 'websockify of both sessions is gone');
    } finally {
      await ensureEnded(a.child);
      await ensureEnded(b.child);
    }
  });
});
