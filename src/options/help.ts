import { optionGroups, optionTable, type OptionSpec } from './table.js';

/**
 * Renders `x11docker --help` from the option table, in upstream's layout:
 * short option, long option with its value, help text aligned in a second column.
 * @returns the whole help text, ending with a newline.
 */
export function renderHelp(): string {
  const lines = [
    'x11docker: run GUI applications and desktops from container images',
    'on a new, separate X server, with security first.',
    '',
    'Usage:',
    'To run a container on a new X server:',
    '  x11docker [OPTIONS] IMAGE [COMMAND [ARG...]]',
    '  x11docker [OPTIONS] -- "DOCKER_RUN_OPTIONS" IMAGE [COMMAND [ARG...]]',
    '  x11docker [OPTIONS] -- DOCKER_RUN_OPTIONS -- IMAGE [COMMAND [ARG...]]',
    'To run only a new empty X server:',
    '  x11docker [OPTIONS] [--xonly]',
    '',
    'Options: (short options take no value; an optional value needs "=")',
  ];
  for (const group of optionGroups) {
    lines.push('', `${group}:`);
    for (const spec of optionTable.filter((o) => o.group === group)) lines.push(...renderOption(spec));
  }
  lines.push(
    '',
    'Exit status: the container command\'s; 64 for x11docker errors; 130 after Ctrl-C.',
    'Log of the latest session: ~/.cache/x11docker/x11docker.log',
  );
  return lines.join('\n') + '\n';
}

function renderOption(spec: OptionSpec): string[] {
  const value = spec.valueName ? ` ${spec.valueName}` : '';
  const names = `${spec.short ? `-${spec.short},` : '   '} --${spec.name}${value}`;
  const aliases = spec.aliases?.length ? `\n(also: ${spec.aliases.map((a) => `--${a}`).join(', ')})` : '';
  const text = (spec.help + aliases).split('\n');
  const column = 28;
  const first = names.length < column ? names.padEnd(column) + text[0] : `${names}\n ${' '.repeat(column)}${text[0]}`;
  return [' ' + first, ...text.slice(1).map((t) => ' ' + ' '.repeat(column) + t)];
}
