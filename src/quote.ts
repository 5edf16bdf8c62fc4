/**
 * The one way x11docker quotes words: for a POSIX shell in the log (commands as a person would
 * type them) and in the sh scripts it writes into containers (launchers run by dash, bash or
 * busybox sh), and for the Exec line of desktop entries (`--install`, `--launcher`). A leaf module.
 */
import { quote } from 'shell-quote';

/**
 * Quotes one word for a POSIX shell with shell-quote's `quote` (1.12 writes only POSIX forms:
 * single quotes, double quotes with `"\$` and backtick escaped, or backslashes). Plain words
 * (ASCII letters, digits and `_@%+=:,./-`, none special to sh in an argument) stay unquoted, so
 * that `--mount=type=bind,source=/a` reads as typed.
 * @param word any string (no NUL: argv words cannot hold one).
 * @returns the word as sh reads it back, e.g. `it's` -> `"it's"`, `` -> `''`.
 */
export function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : quote([word]);
}

/** Words quoted with {@link quoteWord}, joined by spaces: a command line for sh or the log. */
export function quoteWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

/** Characters that make a word need double quotes in a desktop entry's Exec (Desktop Entry spec, "The Exec key"). */
const DESKTOP_RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * An Exec value for a desktop entry (freedesktop Desktop Entry Specification 1.5, "The Exec
 * key"): each word is quoted when it holds a reserved character (white space, quotes,
 * `\ > < ~ | & ; $ * ? # ( )` and backtick) or is empty, with `"`, backtick, `$` and `\` escaped
 * by a backslash inside the quotes; `%` becomes `%%` (no field codes); then the string-value
 * escapes apply to the whole line (`\` -> `\\`, newline -> `\n`, tab -> `\t`, CR -> `\r`), so
 * a launcher reads back exactly these words. Not sh quoting: launchers do not run a shell.
 * @param words argv, the program first (no NUL).
 * @returns the value after `Exec=`.
 * @throws Error for a control character other than newline, tab and CR, which a desktop entry cannot hold.
 */
export function desktopExec(words: readonly string[]): string {
  const line = words.map((w) => {
    if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(w)) throw new Error(`a desktop entry cannot hold the control characters in ${JSON.stringify(w)}`);
    const quoted = w === '' || DESKTOP_RESERVED.test(w) ? `"${w.replace(/["`$\\]/g, '\\$&')}"` : w;
    return quoted.replace(/%/g, '%%');
  }).join(' ');
  return line.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}
