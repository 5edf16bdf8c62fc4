/**
 * The x11docker-gui page. Everything it offers comes from the server at run time: the option table
 * (`/api/options`, the same table as the CLI's parser and --help), the local images, the plan's
 * warnings for the current choice (`/api/preview`), the running sessions and the dependency check.
 * Plain DOM code, bundled by esbuild; the access token lives in an HttpOnly cookie.
 */

interface OptionSpec {
  name: string;
  short?: string;
  arg: 'none' | 'required' | 'optional';
  valueName?: string;
  group: string;
  help: string;
  aliases?: string[];
  repeatable?: boolean;
}
interface Message { option?: string; text: string }
interface Preview { command: string; error?: string; xserver?: string; reason?: string; warnings: Message[]; notes: Message[] }
interface SessionInfo {
  id: string; argv: string[]; image?: string; sessionId?: string; display?: number;
  uptime: number; running: boolean; exitCode?: number | null; htmlUrl?: string; log: string;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const r = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(data.error ?? `HTTP ${r.status}`);
  return data;
}

let specs: OptionSpec[] = [];
let xservers: string[] = [];

/** The form's option arguments, in table order: `--name` or `--name=value` (repeatables once per line). */
function chosenOptions(): string[] {
  const out: string[] = [];
  const xs = $<HTMLSelectElement>('xserver').value;
  if (xs) out.push(`--${xs}`);
  for (const o of specs) {
    if (xservers.includes(o.name)) continue;
    const box = document.getElementById(`opt-${o.name}`) as HTMLInputElement | null;
    const text = document.getElementById(`val-${o.name}`) as HTMLInputElement | HTMLTextAreaElement | null;
    if (o.arg === 'none' && box?.checked) out.push(`--${o.name}`);
    if (o.arg === 'optional' && box?.checked) out.push(text?.value ? `--${o.name}=${text.value}` : `--${o.name}`);
    if (o.arg === 'required' && text?.value) {
      const values = o.repeatable ? text.value.split('\n').filter((v) => v !== '') : [text.value];
      for (const v of values) out.push(`--${o.name}=${v}`);
    }
  }
  return out;
}

function body() {
  return {
    options: chosenOptions(),
    image: $<HTMLSelectElement>('image').value,
    command: $<HTMLInputElement>('cmd').value,
    engineArgs: $<HTMLInputElement>('engineargs').value,
  };
}

function buildForm(): void {
  const section = $('options');
  const groups = [...new Set(specs.map((o) => o.group))];
  for (const group of groups) {
    const rows = specs.filter((o) => o.group === group && !xservers.includes(o.name));
    if (rows.length === 0) continue;
    section.append(el('h3', { textContent: group }));
    for (const o of rows) {
      const names = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.valueName ? ` ${o.valueName}` : ''}`;
      const label = el('span', {}, el('code', { textContent: names }));
      const field = el('div');
      if (o.arg !== 'required') field.append(el('input', { type: 'checkbox', id: `opt-${o.name}` }), ' ');
      if (o.arg === 'required' && o.repeatable) field.append(el('textarea', { id: `val-${o.name}`, rows: 1, placeholder: `${o.valueName ?? 'VALUE'} (one per line)` }));
      else if (o.arg !== 'none') field.append(el('input', { type: 'text', id: `val-${o.name}`, placeholder: (o.valueName ?? 'VALUE').replace(/^\[=?|\]$/g, '') }));
      field.append(el('div', { className: 'help', textContent: o.help + (o.aliases?.length ? ` (also: ${o.aliases.map((a) => `--${a}`).join(', ')})` : '') }));
      field.append(el('div', { id: `msg-${o.name}` }));
      section.append(el('label', { className: 'row', htmlFor: o.arg === 'required' ? `val-${o.name}` : `opt-${o.name}` }, label, field));
    }
  }
}

let previewTimer: number | undefined;
let previewSeq = 0;
function schedulePreview(): void {
  clearTimeout(previewTimer);
  previewTimer = window.setTimeout(() => void updatePreview(), 120);
}

async function updatePreview(): Promise<void> {
  const seq = ++previewSeq;
  const p = await api<Preview>('/api/preview', body());
  if (seq !== previewSeq) return;
  $('command').textContent = p.command;
  for (const e of document.querySelectorAll('[id^="msg-"]')) e.replaceChildren();
  const general = $('messages');
  general.replaceChildren();
  if (p.error) general.append(el('div', { className: 'error', textContent: p.error }));
  if (p.xserver) general.append(el('div', { className: 'note', textContent: `X server: --${p.xserver} (${p.reason})` }));
  const place = (m: Message, cls: string) => {
    const target = (m.option && document.getElementById(`msg-${m.option}`)) || (m.option && xservers.includes(m.option) ? general : general);
    target.append(el('div', { className: cls, textContent: m.text, title: m.option ? `caused by --${m.option}` : '' }));
  };
  for (const w of p.warnings) place(w, 'warn');
  for (const n of p.notes) place(n, 'note');
}

function fmtUptime(s: number): string {
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const autoOpened = new Set<string>();
/** Only `--html` views on loopback are framed (the server checks it too; see src/gui/guard.ts). */
const loopbackView = /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}\/view\.html#[\w=&-]*$/;

function openView(url: string): void {
  if (!loopbackView.test(url)) return;
  const frame = $<HTMLIFrameElement>('viewer');
  if (frame.src !== url) frame.src = url;
  frame.hidden = false;
  $('viewerinfo').textContent = `Showing ${url.replace(/#.*/, '')} — click into the view for keyboard input.`;
}

async function refreshSessions(): Promise<void> {
  const { sessions, external } = await api<{ sessions: SessionInfo[]; external: Array<{ sessionId: string; url: string }> }>('/api/sessions');
  const box = $('sessions');
  if (sessions.length === 0 && external.length === 0) {
    box.textContent = 'none yet';
    return;
  }
  box.replaceChildren(
    ...sessions.map((s) => {
      const state = s.running ? 'running' : `ended (exit ${s.exitCode ?? '?'})`;
      const head = el('div', {},
        el('b', { textContent: s.image ?? '(X server only)' }), ` — display ${s.display !== undefined ? `:${s.display}` : '?'} — ${fmtUptime(s.uptime)} — ${state} `);
      if (s.running) {
        const stop = el('button', { textContent: 'Stop', className: 'stop' });
        stop.dataset.id = s.id;
        stop.onclick = () => void api('/api/stop', { id: s.id }).then(refreshSessions);
        head.append(stop);
      }
      if (s.htmlUrl) {
        const url = s.htmlUrl;
        head.append(' ', el('button', { textContent: 'Open view', className: 'open', onclick: () => openView(url) }));
        if (!autoOpened.has(s.id)) {
          autoOpened.add(s.id);
          openView(url);
        }
      }
      return el('div', { className: 'session', id: `session-${s.id}` }, head, el('code', { textContent: `x11docker ${s.argv.join(' ')}` }), el('pre', { textContent: s.log }));
    }),
    ...external.map((x) =>
      el('div', { className: 'session' }, `--html session ${x.sessionId} (started elsewhere) `, el('button', { textContent: 'Open view', onclick: () => openView(x.url) })),
    ),
  );
}

async function showDeps(): Promise<void> {
  const d = await api<{ servers: Array<{ option: string; binary: string | null; what: string; pkg: string | null; installed: boolean }>; tools: Array<{ binary: string; pkg: string; what: string; installed: boolean }>; display: string | null }>('/api/deps');
  const row = (name: string, what: string, installed: boolean, pkg: string | null) =>
    el('tr', {}, el('td', {}, el('code', { textContent: name })), el('td', { textContent: what }),
      el('td', { className: installed ? 'ok' : 'missing', textContent: installed ? 'installed' : `missing — apt-get install ${pkg ?? '?'}` }));
  $('deps').replaceChildren(
    el('table', {},
      el('tr', {}, el('th', { textContent: 'X server / tool' }), el('th', { textContent: 'what' }), el('th', { textContent: 'status' })),
      ...d.servers.map((s) => row(s.option, s.what, s.installed, s.pkg)),
      ...d.tools.map((t) => row(t.binary, t.what, t.installed, t.pkg))),
    el('div', { className: 'help', textContent: `DISPLAY: ${d.display ?? 'not set (headless: Xvfb is the default)'}` }),
  );
}

async function init(): Promise<void> {
  const o = await api<{ groups: string[]; xservers: string[]; options: OptionSpec[] }>('/api/options');
  specs = o.options;
  xservers = o.xservers;
  const xs = $<HTMLSelectElement>('xserver');
  xs.append(el('option', { value: '', textContent: 'automatic' }), ...xservers.map((n) => el('option', { value: n, textContent: `--${n}` })));
  const help = specs.filter((s) => xservers.includes(s.name)).map((s) => `--${s.name}: ${s.help.split('\n')[0]}`).join('\n');
  xs.title = help;
  buildForm();
  const images = await api<{ images: string[]; error?: string }>('/api/images');
  const imageSel = $<HTMLSelectElement>('image');
  imageSel.append(el('option', { value: '', textContent: '(none: only a new X server)' }), ...images.images.map((i) => el('option', { value: i, textContent: i })));
  if (images.error) $('messages').append(el('div', { className: 'error', textContent: `images: ${images.error}` }));
  document.body.addEventListener('input', schedulePreview);
  document.body.addEventListener('change', schedulePreview);
  $('copy').onclick = () => void navigator.clipboard?.writeText($('command').textContent ?? '');
  $('run').onclick = async () => {
    try {
      await api('/api/run', body());
      await refreshSessions();
    } catch (e) {
      $('messages').prepend(el('div', { className: 'error', textContent: (e as Error).message }));
    }
  };
  void showDeps();
  await updatePreview();
  await refreshSessions();
  window.setInterval(() => void refreshSessions().catch(() => undefined), 1000);
  $('subtitle').textContent = 'compose, run and watch x11docker sessions';
}

void init();
