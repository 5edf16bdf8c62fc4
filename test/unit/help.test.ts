// Covers renderHelp (src/options/help.ts): every option of the table is shown with its short letter
// and value name, aliases are listed, and the usage forms are present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHelp } from '../../src/options/help.js';
import { optionTable } from '../../src/options/table.js';

const help = renderHelp();
const lines = help.split('\n');

test('every option is shown by its long name', () => {
  for (const o of optionTable) {
    assert.ok(lines.some((l) => new RegExp(`(^|\\s)--${o.name}(\\s|$)`).test(l)), `--${o.name} missing`);
  }
});

test('short letters are shown on the line of their long option', () => {
  const withShort = optionTable.filter((o) => o.short);
  assert.ok(withShort.length >= 4);
  for (const o of withShort) {
    // the line that starts with the option (others may mention it in their help text)
    const line = lines.find((l) => new RegExp(`^\\s*(-\\S, )?--${o.name}(\\s|$)`).test(l));
    assert.ok(line, `--${o.name} missing`);
    assert.ok(line.includes(`-${o.short!},`), `-${o.short} not on the line of --${o.name}: ${line}`);
  }
});

test('value names are shown after options that take one', () => {
  for (const o of optionTable.filter((x) => x.valueName)) {
    assert.ok(help.includes(`--${o.name} ${o.valueName!}`), `--${o.name} ${o.valueName} missing`);
  }
});

test('--printenv is shown as an alias', () => {
  assert.match(help, /also: --printenv/);
});

test('usage forms and exit code', () => {
  assert.ok(help.includes('x11docker [OPTIONS] IMAGE [COMMAND [ARG...]]'));
  assert.ok(help.includes('x11docker [OPTIONS] -- DOCKER_RUN_OPTIONS -- IMAGE'));
  assert.ok(help.includes('64'));
  assert.ok(help.endsWith('\n'));
});
