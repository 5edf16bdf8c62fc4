/**
 * Shell completion scripts for bash, zsh and fish, generated from the one option table
 * (table.ts), printed by `x11docker --completion SHELL` and installed by `--install`. Upstream
 * has none; its options are the same, so these complete upstream's command lines too.
 *
 * What is completed: every long option (and alias) and short letter; the values of options with
 * a fixed set of them (`--backend`, `--init`, `--xtest=yes|no`, ...), folders for DIR and files
 * for FILE values; IMAGE from the engine's local images. After IMAGE (or `--`) the words are
 * the container command's or docker run's: the shell's default completion. `--preset NAME`
 * completes the names of the preset files.
 */
import { optionTable, type OptionSpec } from './table.js';

/** The shells `--completion` knows. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;
/** A shell `--completion` writes a script for. */
export type CompletionShell = (typeof completionShells)[number];

/** Values with a fixed set that the table's `valueName` does not spell out (`ENGINE`, `[=INIT]`). */
const knownChoices: Readonly<Record<string, readonly string[]>> = {
  backend: ['docker', 'podman', 'nerdctl'],
  init: ['tini', 'systemd', 'runit', 'openrc', 'sysvinit', 's6-overlay', 'none'],
  completion: completionShells,
  user: ['root', 'RETAIN'],
  ipc: ['private', 'shareable', 'none', 'host', 'no'],
  dbus: ['system', 'yes', 'user', 'session', 'no'],
};

/** What a value of this option is: a fixed set of words, a folder, a file, a command or anything. */
type ValueKind = { readonly choices: readonly string[] } | 'dir' | 'file' | 'command' | 'preset' | 'any';

/** A shell loop printing the names of the preset files (`--preset NAME`), user's and system's. */
const presetList = 'for d in ~/.config/x11docker/preset /etc/x11docker/preset; do command ls -1 "$d" 2>/dev/null; done';

/**
 * The kind of value an option takes, from its name and `valueName` (`[=yes|no]` lists its
 * choices; DIR a folder; FILE a file; COMMAND, SHELL and WINDOWMANAGER a command; `--preset`
 * the names of the preset files).
 * @param spec a table row with `arg` other than `none`.
 */
export function valueKind(spec: OptionSpec): ValueKind {
  if (Object.hasOwn(knownChoices, spec.name)) return { choices: knownChoices[spec.name]! };
  if (spec.name === 'preset') return 'preset';
  const value = spec.valueName ?? '';
  const listed = /^\[=([a-z0-9|-]+)\]$/.exec(value);
  if (listed) return { choices: listed[1]!.split('|') };
  if (/DIR/.test(value)) return 'dir';
  if (/FILE/.test(value)) return 'file';
  if (/^(COMMAND|SHELL|WINDOWMANAGER)$/.test(value)) return 'command';
  return 'any';
}

/** Every long name (aliases too) of the table, with dashes. */
function longNames(spec: OptionSpec): string[] {
  return [spec.name, ...(spec.aliases ?? [])].map((n) => `--${n}`);
}

/** The first line of an option's help, for the shells that show descriptions. */
function summary(spec: OptionSpec): string {
  return spec.help.split('\n')[0]!.trim();
}

/** A word in single quotes for sh, bash, zsh and fish (a `'` inside becomes `'\''`; fish: `\'`). */
function singleQuoted(text: string, shell: CompletionShell): string {
  return shell === 'fish' ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : `'${text.replace(/'/g, "'\\''")}'`;
}

const imageList = "docker image ls --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '<none>'";

function bashScript(): string {
  const valued = optionTable.filter((o) => o.arg !== 'none');
  const required = optionTable.filter((o) => o.arg === 'required').flatMap(longNames);
  const words = optionTable.flatMap((o) => [...longNames(o), ...(o.short ? [`-${o.short}`] : [])]);
  const cases = valued.map((o) => {
    const kind = valueKind(o);
    const action = kind === 'dir' ? 'compopt -o filenames; COMPREPLY=($(compgen -d -- "$cur"))'
      : kind === 'file' ? 'compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur"))'
        : kind === 'command' ? 'COMPREPLY=($(compgen -c -- "$cur"))'
        : kind === 'preset' ? `COMPREPLY=($(compgen -W "$(${presetList})" -- "$cur"))`
          : kind === 'any' ? 'COMPREPLY=()'
            : `COMPREPLY=($(compgen -W ${singleQuoted(kind.choices.join(' '), 'bash')} -- "$cur"))`;
    return `    ${longNames(o).join('|')}) ${action} ;;`;
  });
  return [
    '# bash completion for x11docker, generated from its option table by: x11docker --completion bash',
    '_x11docker() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" opt="" i w',
    `  local required=${singleQuoted(` ${required.join(' ')} `, 'bash')}`,
    '  # bash splits --opt=value into --opt, =, value (COMP_WORDBREAKS)',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in',
    '      --) return 0 ;; # docker run options, IMAGE and its command: the default completion',
    '      =) ;;',
    '      -*) [[ $required == *" $w "* && ${COMP_WORDS[i+1]} != "=" ]] && ((i++)) ;;',
    '      *) [[ ${COMP_WORDS[i-1]} == "=" ]] || return 0 ;; # IMAGE: the rest is its command',
    '    esac',
    '  done',
    '  if [[ $cur == "=" ]]; then opt="$prev"; cur=""',
    '  elif [[ $prev == "=" && COMP_CWORD -ge 2 ]]; then opt="${COMP_WORDS[COMP_CWORD-2]}"',
    '  elif [[ $required == *" $prev "* ]]; then opt="$prev"',
    '  fi',
    '  if [[ -n $opt ]]; then',
    '    case "$opt" in',
    ...cases,
    '    *) COMPREPLY=() ;;',
    '    esac',
    '    return 0',
    '  fi',
    '  if [[ $cur == -* ]]; then',
    `    COMPREPLY=($(compgen -W ${singleQuoted(words.join(' '), 'bash')} -- "$cur"))`,
    '  else',
    `    COMPREPLY=($(compgen -W "$(${imageList})" -- "$cur"))`,
    '  fi',
    '}',
    'complete -o default -F _x11docker x11docker',
    '',
  ].join('\n');
}

/** A description inside zsh's `_arguments` brackets: `[`, `]`, `:` and `\` escaped. */
function zshDescription(text: string): string {
  return text.replace(/[\\[\]:]/g, (c) => `\\${c}`);
}

function zshAction(spec: OptionSpec): string {
  const kind = valueKind(spec);
  const name = (spec.valueName ?? 'VALUE').replace(/[[\]=:]/g, '') || 'VALUE';
  const action = kind === 'dir' ? '_files -/' : kind === 'file' ? '_files' : kind === 'command' ? '_command_names -e' : kind === 'preset' ? '_files -W "(~/.config/x11docker/preset /etc/x11docker/preset)"' : kind === 'any' ? ' ' : `(${kind.choices.join(' ')})`;
  return `${spec.arg === 'optional' ? '::' : ':'}${zshDescription(name)}:${action}`;
}

function zshScript(): string {
  const specs = optionTable.flatMap((o) => {
    const description = `[${zshDescription(summary(o))}]`;
    const repeat = o.repeatable ? '*' : '';
    const longs = longNames(o).map((n) => {
      if (o.arg === 'none') return singleQuoted(`${repeat}${n}${description}`, 'zsh');
      // required: --opt=VALUE or --opt VALUE; optional: only --opt=VALUE (getopt)
      return singleQuoted(`${repeat}${n}${o.arg === 'required' ? '=' : '=-'}${description}${zshAction(o)}`, 'zsh');
    });
    return [...longs, ...(o.short ? [singleQuoted(`-${o.short}${description}`, 'zsh')] : [])];
  });
  return [
    '#compdef x11docker',
    '# zsh completion for x11docker, generated from its option table by: x11docker --completion zsh',
    '_x11docker_images() {',
    '  local -a images',
    `  images=(\${(f)"$(${imageList})"})`,
    "  _describe -t images 'image' images",
    '}',
    '_x11docker() {',
    '  _arguments -s \\',
    ...specs.map((s) => `    ${s} \\`),
    "    '1:image:_x11docker_images' \\",
    "    '*::command:_normal'",
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _x11docker "$@"; else compdef _x11docker x11docker; fi',
    '',
  ].join('\n');
}

function fishScript(): string {
  const lines = [
    '# fish completion for x11docker, generated from its option table by: x11docker --completion fish',
    'complete -c x11docker -f',
    `complete -c x11docker -n 'not string match -q -- "-*" (commandline -ct)' -a '(${imageList.replace(/'/g, "\\'")})' -d image`,
  ];
  for (const o of optionTable) {
    const kind = o.arg === 'none' ? undefined : valueKind(o);
    // -x: a value that is no file (-r: the value may be the next word, -f: no files); optional
    // values are only taken as --opt=VALUE, which fish completes from the same list
    const takes = o.arg === 'required' ? (kind === 'file' ? ' -r' : ' -x') : kind === 'file' ? '' : ' -f';
    const value = kind === undefined ? '' : kind === 'dir' ? `${takes} -a '(__fish_complete_directories)'` : kind === 'file' ? `${takes} -F`
      : kind === 'command' ? `${takes} -a '(__fish_complete_command)'`
      : kind === 'preset' ? `${takes} -a '(for d in ~/.config/x11docker/preset /etc/x11docker/preset; command ls -1 $d 2>/dev/null; end)'` : kind === 'any' ? takes : `${takes} -a ${singleQuoted(kind.choices.join(' '), 'fish')}`;
    const names = [...(o.short ? [`-s ${o.short}`] : []), ...[o.name, ...(o.aliases ?? [])].map((n) => `-l ${n}`)].join(' ');
    lines.push(`complete -c x11docker ${names}${value} -d ${singleQuoted(summary(o), 'fish')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The completion script for one shell, from the option table.
 * - bash: a function for `complete -F` (no bash-completion package needed; `--opt=value`
 *   split by COMP_WORDBREAKS is handled);
 * - zsh: an `_arguments` function (`#compdef x11docker`, for a folder in `fpath`, or `source` it
 *   after `compinit`);
 * - fish: `complete -c x11docker` lines (for ~/.config/fish/completions/x11docker.fish).
 * @param shell `bash`, `zsh` or `fish`.
 * @returns the script, ending with a newline.
 */
export function renderCompletion(shell: CompletionShell): string {
  return shell === 'bash' ? bashScript() : shell === 'zsh' ? zshScript() : fishScript();
}
