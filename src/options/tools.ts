/**
 * Options that run something other than a session and exit: `--completion SHELL`, upstream's
 * installer options `--install`, `--update`, `--remove` (here for the current user's desktop
 * entry, icon, man page and completions; the program itself is npm's), and `--launcher` (a
 * desktop launcher for the command line given), `--password` (store the container user's
 * password for `--sudouser`). Read from the parser's flags and values; kept
 * apart from parse.ts so that the central parser only calls {@link parseToolRequest}.
 */
import { printable, X11DockerError } from '../errors.js';
import { completionShells, type CompletionShell } from './completion.js';

/** One of these options, as asked for. */
export type ToolRequest =
  | { readonly kind: 'completion'; readonly shell: CompletionShell }
  | { readonly kind: 'install' | 'remove' }
  | { readonly kind: 'update'; readonly diff: boolean }
  | { readonly kind: 'password'; readonly password?: string };

/** The long names of the options that exit without a session, in the order they are checked. */
export const toolOptionNames = ['completion', 'install', 'update', 'remove', 'password'] as const;

/**
 * Reads `--completion`, `--install`, `--update[=diff]`, `--remove` and `--password[=WORD]`.
 * @param values the values given per long option name, in order.
 * @param flags the long names of all options given.
 * @param image the IMAGE of the command line, if any: these options run no container.
 * @returns the request, or undefined when none of them was given.
 * @throws X11DockerError (exit 64) for an unknown shell, an `--update` value other than
 *   upstream's `diff`, two of them at once, or one of them with an IMAGE.
 */
export function parseToolRequest(values: ReadonlyMap<string, readonly string[]>, flags: ReadonlySet<string>, image: string | undefined): ToolRequest | undefined {
  const given = toolOptionNames.filter((n) => flags.has(n));
  if (given.length === 0) return undefined;
  if (given.length > 1) throw new X11DockerError(`Options --${given[0]} and --${given[1]} each do one thing and exit. Give one of them.`);
  const name = given[0]!;
  if (flags.has('launcher')) throw new X11DockerError(`Options --launcher and --${name} each do one thing and exit. Give one of them.`);
  if (image !== undefined) throw new X11DockerError(`Option --${name} runs no container, but image '${printable(image)}' was given. Run x11docker --${name} alone.`);
  const value = values.get(name)?.at(-1);
  if (name === 'completion') {
    if (!(completionShells as readonly string[]).includes(value ?? '')) {
      throw new X11DockerError(`Option --completion needs a shell: bash, zsh or fish (got '${printable(value ?? '')}'), e.g. --completion bash.`);
    }
    return { kind: 'completion', shell: value as CompletionShell };
  }
  if (name === 'update') {
    if (value !== undefined && value !== 'diff') throw new X11DockerError(`Option --update takes only the value diff (got '${printable(value)}'), as upstream.`);
    return { kind: 'update', diff: value === 'diff' };
  }
  if (name === 'password') return { kind: 'password', ...(value !== undefined ? { password: value } : {}) };
  return { kind: name };
}
