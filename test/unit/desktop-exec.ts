/**
 * A reader of desktop entry Exec values, written from the Desktop Entry Specification 1.5 for
 * the tests (what a launcher does with the line): the string-value escapes first (`\s \n \t \r
 * \\`), then the words: double quotes group, and inside them a backslash escapes `"`, backtick,
 * `$` and `\`; `%%` is a literal `%`.
 * @throws Error for a line that breaks those rules (an unclosed quote, a bad escape).
 */
export function parseDesktopExec(value: string): string[] {
  const unescaped = value.replace(/\\(.)/gs, (_, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? (() => { throw new Error(`bad string escape \\${c}`); })());
  const words: string[] = [];
  let i = 0;
  while (i < unescaped.length) {
    if (unescaped[i] === ' ') { i++; continue; }
    let word = '';
    if (unescaped[i] === '"') {
      i++;
      while (unescaped[i] !== '"') {
        if (i >= unescaped.length) throw new Error('unclosed quote');
        if (unescaped[i] === '\\') {
          const next = unescaped[i + 1]!;
          if (!'"`$\\'.includes(next)) throw new Error(`bad quoted escape \\${next}`);
          word += next;
          i += 2;
        } else word += unescaped[i++];
      }
      i++;
      if (i < unescaped.length && unescaped[i] !== ' ') throw new Error('text after a closing quote');
    } else {
      while (i < unescaped.length && unescaped[i] !== ' ') {
        if (/[\t\n"'\\><~|&;$*?#()`]/.test(unescaped[i]!)) throw new Error(`reserved character ${JSON.stringify(unescaped[i])} outside quotes`);
        word += unescaped[i++];
      }
    }
    words.push(word.replace(/%%/g, '%'));
  }
  return words;
}
