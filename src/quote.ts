/**
 * The one way x11docker quotes words for a POSIX shell: in the log (commands as a person would
 * type them) and in the sh scripts it writes into containers (launchers run by dash, bash or
 * busybox sh). A leaf module.
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
