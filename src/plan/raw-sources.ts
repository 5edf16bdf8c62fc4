/**
 * Raw bind mounts after `--` go to the engine with their source RESOLVED (symbolic links
 * followed), as `--sharedir` does: x11docker judges the resolved path (covered.ts
 * checkRawBindSources), and a link that flips between a safe folder and / after that check must
 * not be followed again by the engine. Pure.
 */
import { mountOption } from './argv.js';
import { mountFields, type RawOption, type RawOptions } from '../options/raw-options.js';

/**
 * The raw options' words with the host path of each bind mount replaced by its resolved form:
 * `-v SRC:DST[:MODE]`, `--mount type=bind,source=SRC,...` and a local volume's bind in disguise
 * (`volume-opt=device=SRC`). Options that share a word with a rewritten one (`-itv`) are written
 * out one by one; all other words stay as they are.
 * @param raw the parsed raw options.
 * @param realOf the resolved form of a host path, undefined when unknown (then it stays).
 * @returns the words to give the engine instead of `raw.args`.
 */
export function withRealSources(raw: RawOptions, realOf: (path: string) => string | undefined): string[] {
  const replaced = new Map<number, string[]>();
  const ends = new Map<number, number>();
  for (const o of raw.options) {
    if (o.at === undefined || o.end === undefined || o.value === undefined) continue;
    const rewritten = rewrite(o, raw, realOf);
    if (rewritten === undefined) continue;
    // every option that starts in this word, in order, with the rewritten one replaced
    const group = raw.options.filter((g) => g.at === o.at);
    const prior = replaced.get(o.at);
    const words = group.map((g, i) => (g === o ? rewritten : (prior?.[i] ?? canonical(g))));
    replaced.set(o.at, words);
    ends.set(o.at, o.end);
  }
  if (replaced.size === 0) return [...raw.args];
  const out: string[] = [];
  for (let i = 0; i < raw.args.length; ) {
    const words = replaced.get(i);
    if (words) {
      out.push(...words);
      i = ends.get(i)!;
    } else out.push(raw.args[i++]!);
  }
  return out;
}

/** One option as a single word: `--flag=value`, or the yes/no flag as written. */
function canonical(o: RawOption): string {
  return o.value === undefined ? o.written : `${o.flag}=${o.value}`;
}

/** The option with its bind source resolved, or undefined when nothing changes. */
function rewrite(o: RawOption, raw: RawOptions, realOf: (path: string) => string | undefined): string | undefined {
  const m = raw.mounts.find((x) => x.text === o.text);
  if (!m || m.type !== 'bind' || !m.source) return undefined;
  const real = realOf(m.source);
  if (real === undefined || real === m.source) return undefined;
  if (o.flag === '--volume') {
    // -v splits at ':': a resolved path with one cannot be written this way (it stays as given)
    if (real.includes(':')) return undefined;
    return `--volume=${real}${o.value!.slice(m.source.length)}`;
  }
  if (o.flag !== '--mount') return undefined;
  const fields = mountFields(o.value!, o.text).map((f) => {
    const eq = f.indexOf('=');
    const key = (eq < 0 ? f : f.slice(0, eq)).toLowerCase();
    const v = eq < 0 ? '' : f.slice(eq + 1);
    if (m.volumeName === undefined && (key === 'source' || key === 'src') && v === m.source) return `${f.slice(0, eq)}=${real}`;
    if (m.volumeName !== undefined && key === 'volume-opt' && /^device=/i.test(v) && v.slice('device='.length) === m.source) return `${f.slice(0, eq)}=${v.slice(0, 'device='.length)}${real}`;
    return f;
  });
  return mountOption(fields);
}
