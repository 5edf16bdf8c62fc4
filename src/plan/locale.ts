/**
 * `--lang[=LOCALE]`: the language locale of the container, as upstream x11docker's option:
 * `--lang=de` means `de_DE.UTF-8`, `zh_CN` and `zh_CN.UTF-8` both mean `zh_CN.UTF-8`, and
 * `--lang` alone takes the host's `$LANG`. Without a charmap the locale is UTF-8; another charmap
 * (`en_US.ISO-8859-1`) is honoured (`localedef -f ISO-8859-1`). The locale is compiled
 * with `localedef` from the image's own sources (Debian package `locales`), see src/run/locale.ts.
 */
import { X11DockerError } from '../errors.js';
import { BUILTIN_LOCALE, validateLocaleSpec } from '../options/persistence.js';

/** A locale to set up in the container. */
export interface LocalePlan {
  /** Value for LANG, e.g. `de_DE.UTF-8`. */
  readonly name: string;
  /** glibc's built-in `C`, `POSIX` or `C.UTF-8`: LANG only, nothing to compile (src/run/container-setup.ts prepareLocale). */
  readonly builtin?: boolean;
  /** Source locale under /usr/share/i18n/locales, e.g. `de_DE` (or `sr_RS@latin`). */
  readonly source: string;
  /** Charmap under /usr/share/i18n/charmaps for `localedef -f`, e.g. `UTF-8` or `ISO-8859-1`. */
  readonly charmap: string;
  /**
   * The folder name under /usr/lib/locale: the name with glibc's normalized codeset, e.g.
   * `de_DE.utf8` (see {@link glibcLocaleName}).
   */
  readonly dirName: string;
}

/** Language codes whose usual territory is not the code in capitals. */
const TERRITORY: Readonly<Record<string, string>> = {
  en: 'US', zh: 'CN', ja: 'JP', ko: 'KR', el: 'GR', da: 'DK', cs: 'CZ', sv: 'SE', uk: 'UA', he: 'IL',
  hi: 'IN', ar: 'EG', fa: 'IR', ga: 'IE', ca: 'ES', eu: 'ES', gl: 'ES', nb: 'NO', nn: 'NO', sl: 'SI',
  et: 'EE', sq: 'AL', sr: 'RS', be: 'BY', ka: 'GE', hy: 'AM', kk: 'KZ', vi: 'VN', ms: 'MY', bn: 'BD',
  ta: 'IN', ur: 'PK', ku: 'TR', af: 'ZA', zu: 'ZA', xh: 'ZA', sw: 'KE', am: 'ET', km: 'KH', lo: 'LA',
  my: 'MM', ne: 'NP', si: 'LK', tl: 'PH', fil: 'PH',
};

/**
 * Resolves a `--lang` value to a UTF-8 locale, or to glibc's built-in `C.UTF-8`, `C` or `POSIX` (`builtin`: LANG only).
 * @param spec the value (`''` for the host's $LANG).
 * @param hostLang the host's `$LANG` (used when `spec` is `''`).
 * @throws X11DockerError when `spec` is empty and the host has no usable $LANG.
 */
export function resolveLocale(spec: string, hostLang: string | undefined): LocalePlan {
  let value = spec;
  if (value === '') {
    value = (hostLang ?? '').trim();
    if (value === '' || value === 'C' || value === 'POSIX' || /^C\./.test(value)) {
      throw new X11DockerError(`Option --lang without a value takes your $LANG, but it is '${hostLang ?? ''}'. Give a locale, e.g. --lang=de.`);
    }
    validateLocaleSpec(value);
  }
  // glibc's own: C.UTF-8 (as Debian and glibc 2.35 spell it), C, POSIX
  if (BUILTIN_LOCALE.test(value)) {
    const name = /^C\./i.test(value) ? 'C.UTF-8' : value.toUpperCase();
    return { name, source: name, charmap: name === 'C.UTF-8' ? 'UTF-8' : 'ANSI_X3.4-1968', dirName: glibcLocaleName(name), builtin: true };
  }
  const m = /^([a-zA-Z]{2,3})(?:_([a-zA-Z]{2}))?(?:\.([^@]*))?(@[a-zA-Z0-9]+)?$/.exec(value)!;
  const language = m[1]!.toLowerCase();
  const territory = (m[2] ?? TERRITORY[language] ?? language).toUpperCase();
  const charmap = normalizeCharmap(m[3]);
  const modifier = m[4] ?? '';
  const source = `${language}_${territory}${modifier}`;
  const name = `${language}_${territory}.${charmap}${modifier}`;
  return { name, source, charmap, dirName: glibcLocaleName(name) };
}

/**
 * A locale name with glibc's normalized codeset (`_nl_normalize_codeset`: letters and digits
 * only, letters in lower case, `iso` before an all-digit result): `de_DE.UTF-8` becomes
 * `de_DE.utf8`, `en_US.ISO-8859-1` `en_US.iso88591`, `sr_RS.UTF-8@latin` `sr_RS.utf8@latin`.
 * This is the name `localedef` and Debian's `locale-gen` give a locale and `locale -a` lists.
 * glibc looks a locale up under its codeset as written and under the normalized one, so a
 * folder of this name serves both `LANG=de_DE.UTF-8` and `LANG=de_DE.utf8`.
 */
export function glibcLocaleName(name: string): string {
  const m = /^([^.@]*)(?:\.([^@]*))?(@.*)?$/.exec(name);
  if (!m || m[2] === undefined) return name;
  const alnum = m[2].replace(/[^a-zA-Z0-9]/g, '').toLowerCase();
  const codeset = /^\d+$/.test(alnum) ? `iso${alnum}` : alnum;
  return `${m[1]}.${codeset}${m[3] ?? ''}`;
}

/**
 * The charmap file name for a locale's codeset: none or any spelling of UTF-8 is `UTF-8`,
 * `iso88591` / `ISO-8859-1` is `ISO-8859-1`; others are upper-cased (glibc's charmap names).
 */
export function normalizeCharmap(codeset: string | undefined): string {
  if (!codeset || /^utf-?8$/i.test(codeset)) return 'UTF-8';
  const iso = /^iso[-_]?8859[-_]?(\d+)$/i.exec(codeset);
  if (iso) return `ISO-8859-${iso[1]}`;
  return codeset.toUpperCase();
}
