/**
 * x11docker's man page, generated from the one option table (table.ts), as `--help` is
 * (help.ts). The build writes it to `man/x11docker.1` (scripts/build/man.mjs), package.json's
 * `man` field hands it to npm, and `--install` copies it to ~/.local/share/man/man1.
 * Upstream keeps a hand-written `x11docker.man` beside its script; this one cannot drift from
 * the options.
 */
import { optionGroups, optionTable, type OptionSpec } from './table.js';

/**
 * Escapes text for roff: backslashes, hyphens (so `--xvfb` stays two ASCII hyphens in UTF-8
 * output and copies as typed) and a leading `.` or `'`, which roff would read as a request.
 * @param text one line of plain text.
 * @returns the line for a roff source.
 */
export function roffEscape(text: string): string {
  const escaped = text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

/** `\fB-a\fR, \fB--xpra\fR \fIVALUE\fR`: an option's names in bold, its value in italics. */
function optionHeading(spec: OptionSpec): string {
  const names = [spec.short && `\\fB\\-${spec.short}\\fR`, `\\fB\\-\\-${roffEscape(spec.name)}\\fR`].filter(Boolean).join(', ');
  return spec.valueName ? `${names} \\fI${roffEscape(spec.valueName)}\\fR` : names;
}

/**
 * Renders the man page (section 1, `man` macros) from the option table: NAME, SYNOPSIS,
 * DESCRIPTION, one OPTIONS subsection per `--help` section, each option with its help text and
 * aliases, then EXIT STATUS, FILES and SEE ALSO.
 * @param version the package version for the page footer, e.g. `0.1.0`.
 * @param date the date in the page footer, `YYYY-MM-DD` (the build passes a fixed one for
 *   reproducible output: package.json's mtime is not used).
 * @returns the roff source, ending with a newline.
 */
export function renderManPage(version: string, date: string): string {
  const lines = [
    '.\\" Generated from src/options/table.ts by scripts/build/man.mjs; do not edit.',
    `.TH X11DOCKER 1 "${date}" "x11docker ${roffEscape(version)}" "User Commands"`,
    '.SH NAME',
    'x11docker \\- run GUI applications and desktops from container images on a new, separate X server',
    '.SH SYNOPSIS',
    '.B x11docker',
    '[\\fIOPTIONS\\fR] \\fIIMAGE\\fR [\\fICOMMAND\\fR [\\fIARG\\fR...]]',
    '.br',
    '.B x11docker',
    '[\\fIOPTIONS\\fR] \\-\\- "\\fIDOCKER_RUN_OPTIONS\\fR" \\fIIMAGE\\fR [\\fICOMMAND\\fR [\\fIARG\\fR...]]',
    '.br',
    '.B x11docker',
    '[\\fIOPTIONS\\fR] \\-\\- \\fIDOCKER_RUN_OPTIONS\\fR \\-\\- \\fIIMAGE\\fR [\\fICOMMAND\\fR [\\fIARG\\fR...]]',
    '.br',
    '.B x11docker',
    '[\\fIOPTIONS\\fR] [\\fB\\-\\-xonly\\fR]',
    '.SH DESCRIPTION',
    'x11docker runs GUI applications and desktops from container images on a new, separate X server',
    '(or Wayland compositor), with security first: a fresh cookie per session, no capabilities,',
    'no new privileges, no network unless asked for. A TypeScript port of mviereck/x11docker',
    'with the same option names and syntax.',
    '.PP',
    'Short options take no value; an option with an optional value takes it only with',
    '\\fB=\\fR (\\fB\\-\\-network=host\\fR). Everything after \\fIIMAGE\\fR is the container command, unchanged.',
    '.SH OPTIONS',
  ];
  for (const group of optionGroups) {
    lines.push(`.SS ${roffEscape(group)}`);
    for (const spec of optionTable.filter((o) => o.group === group)) {
      lines.push('.TP', optionHeading(spec));
      const help = spec.help.split('\n').map((l, i) => (i > 0 ? ['.br', roffEscape(l.trimStart())] : [roffEscape(l)])).flat();
      lines.push(...help);
      if (spec.aliases?.length) lines.push('.br', `Also: ${spec.aliases.map((a) => `\\fB\\-\\-${roffEscape(a)}\\fR`).join(', ')}.`);
    }
  }
  lines.push(
    '.SH EXIT STATUS',
    "The container command's; 64 for x11docker's own errors (one line on stderr naming the option",
    'and the fix; nothing is started); 130 after Ctrl\\-C, 143 after SIGTERM, 129 after SIGHUP.',
    '.SH FILES',
    '.TP',
    '.I ~/.config/x11docker/preset/NAME',
    'Options for \\fB\\-\\-preset\\fR \\fINAME\\fR (else \\fI/etc/x11docker/preset/NAME\\fR); \\fIdefault\\fR applies to every run.',
    '.TP',
    '.I ~/.cache/x11docker/',
    "Session folders (cookies, sockets; mode 0700) and \\fIx11docker.log\\fR, the latest session's log.",
    '.SH SEE ALSO',
    '.BR docker (1),',
    '.BR podman (1),',
    '.BR Xephyr (1),',
    '.BR Xvfb (1),',
    '.BR xpra (1)',
    '.PP',
    'https://github.com/mviereck/x11docker (upstream)',
  );
  return lines.join('\n') + '\n';
}
