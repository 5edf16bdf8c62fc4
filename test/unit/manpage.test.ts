// Covers renderManPage (src/options/manpage.ts) and the build's man/x11docker.1: every option of
// the table is on the page with its short letter, value and aliases, roff reads it without a
// warning, and package.json's "man" field names the built file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderManPage, roffEscape } from '../../src/options/manpage.js';
import { optionGroups, optionTable } from '../../src/options/table.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const page = renderManPage('1.2.3', '2026-01-02');
const dashed = (name: string) => name.replace(/-/g, '\\-');

test('every option of the table is a .TP entry with its short letter and value name; aliases are listed', () => {
  const lines = page.split('\n');
  for (const o of optionTable) {
    const i = lines.findIndex((l, n) => lines[n - 1] === '.TP' && l.includes(`\\fB\\-\\-${dashed(o.name)}\\fR`));
    assert.ok(i > 0, `--${o.name} has no entry`);
    if (o.short) assert.ok(lines[i]!.startsWith(`\\fB\\-${o.short}\\fR, `), `-${o.short} on the line of --${o.name}`);
    if (o.valueName) assert.ok(lines[i]!.endsWith(`\\fI${roffEscape(o.valueName)}\\fR`), `value of --${o.name}`);
    for (const a of o.aliases ?? []) assert.ok(page.includes(`\\fB\\-\\-${dashed(a)}\\fR`), `alias --${a}`);
  }
  for (const g of optionGroups) assert.ok(lines.includes(`.SS ${roffEscape(g)}`), `section ${g}`);
  assert.match(page, /^\.TH X11DOCKER 1 "2026-01-02" "x11docker 1\.2\.3"/m);
});

test('roff text is escaped: no line starts with a request by accident, backslashes are \\e', () => {
  assert.equal(roffEscape('.hidden'), '\\&.hidden');
  assert.equal(roffEscape("'quote"), "\\&'quote");
  assert.equal(roffEscape('a\\b --x'), 'a\\eb \\-\\-x');
  const requests = new Set(['.TH', '.SH', '.SS', '.TP', '.B', '.BR', '.I', '.PP', '.br', '.\\"']);
  for (const l of page.split('\n').filter((x) => x.startsWith('.'))) assert.ok(requests.has(l.split(' ')[0]!), `unexpected request: ${l}`);
});

test('groff reads the page without a warning, and man shows every option', { skip: spawnSync('groff', ['-v']).error ? 'groff is not installed' : false }, () => {
  const r = spawnSync('groff', ['-man', '-Tutf8', '-ww'], { input: page, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  const text = r.stdout.replace(/.\x08/g, ''); // no overstrike
  for (const o of optionTable) assert.match(text, new RegExp(`--${o.name}\\b`), `--${o.name} in the formatted page`);
});

test("the build wrote man/x11docker.1 from the table, and package.json's man field names it", () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { man?: string; files: string[] };
  assert.equal(pkg.man, './man/x11docker.1');
  assert.ok(pkg.files.includes('man/'));
  const built = `${root}man/x11docker.1`;
  assert.ok(existsSync(built), 'npm run build writes man/x11docker.1');
  const text = readFileSync(built, 'utf8');
  for (const o of optionTable) assert.ok(text.includes(`\\fB\\-\\-${dashed(o.name)}\\fR`), `--${o.name} in man/x11docker.1`);
});
