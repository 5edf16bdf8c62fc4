// --html: time from start to the printed HTML_URL (X server, container, x11vnc and websockify all
// up), to the browser view showing the app (playwright-core + Debian's chromium, headless), and
// from SIGTERM to x11docker's exit (everything stopped). Next to it the same session without
// --html (plain Xvfb, time to the --showenv line) as the baseline.
//   node bench/html.mjs [RUNS]     (default 5, +1 warm-up). Table on stdout.
import { execa } from 'execa';
import { chromium } from 'playwright-core';

const runs = Number(process.argv[2] ?? 5);
const CLI = new URL('../dist/x11docker.js', import.meta.url).pathname;
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function once(html, browser) {
  const t0 = performance.now();
  const child = execa('node', [CLI, '--showenv', ...(html ? ['--html'] : ['--xvfb']), 'x11docker-demo'], { env, extendEnv: false, reject: false, stdin: 'ignore' });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d.toString();
        const m = html ? /HTML_URL=(\S+)/.exec(out) : /DISPLAY=/.exec(out);
        if (m) resolve(m[1]);
      });
      child.then((r) => reject(new Error(r.stderr)));
    });
    const ready = performance.now() - t0;
    let shown;
    if (html) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.x11dockerConnected === true);
      await page.waitForFunction(() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 200) return true; // white of the eyes
        return false;
      }, undefined, { polling: 20 });
      shown = performance.now() - t0;
      await page.close();
    }
    const t1 = performance.now();
    child.kill('SIGTERM');
    await child;
    return { ready, shown, cleanup: performance.now() - t1 };
  } finally {
    if (child.exitCode === null) { child.kill('SIGKILL'); await child; }
  }
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const res = { plain: [], html: [] };
  for (const kind of ['plain', 'html']) {
    await once(kind === 'html', browser); // warm-up
    for (let i = 0; i < runs; i++) {
      const r = await once(kind === 'html', browser);
      res[kind].push(r);
      process.stderr.write(`${kind} ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v && Math.round(v)])))}\n`);
    }
  }
  const m = (k, f) => median(res[k].map((r) => r[f])).toFixed(0);
  console.log(`median of ${runs} runs (ms)          plain Xvfb   --html`);
  console.log(`start -> environment / URL printed   ${m('plain', 'ready').padStart(10)}   ${m('html', 'ready').padStart(6)}`);
  console.log(`start -> app visible in the browser  ${'-'.padStart(10)}   ${m('html', 'shown').padStart(6)}`);
  console.log(`SIGTERM -> everything stopped        ${m('plain', 'cleanup').padStart(10)}   ${m('html', 'cleanup').padStart(6)}`);
} finally {
  await browser.close();
}
