// Writes man/x11docker.1 from the option table (dist/src/options/manpage.js, built by tsc), for
// package.json's "man" field. The date is SOURCE_DATE_EPOCH's when set (reproducible builds),
// else today's (UTC).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { renderManPage } = await import(`${root}/dist/src/options/manpage.js`);
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = new Date(Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now()).toISOString().slice(0, 10);
mkdirSync(`${root}/man`, { recursive: true });
writeFileSync(`${root}/man/x11docker.1`, renderManPage(version, date));
