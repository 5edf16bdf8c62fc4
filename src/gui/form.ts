/**
 * The page's form as x11docker arguments, and the one allow-list of options the page may send:
 * the server takes from a request only what the page offers, so a request that the page would
 * never make (`{"options":["--cleanup"]}`, a short option, an image that looks like an option) is
 * refused with one line instead of being run.
 */
import { X11DockerError } from '../errors.js';
import { splitShellWords } from '../options/rest.js';
import { optionTable, type OptionSpec } from '../options/table.js';

/**
 * Options the page does not offer and the server refuses: they do not start a session (help,
 * information, clean-up, installation), are the GUI itself, or read files the command line names
 * (presets).
 */
const hiddenOptions = new Set(['help', 'version', 'license', 'gui', 'cleanup', 'preset', 'completion', 'install', 'update', 'remove', 'launcher', 'password', 'kube-manifest']);

/** The options of the table that the page offers (the same list `GET /api/options` hands out). */
export const pageOptions: readonly OptionSpec[] = optionTable.filter((o) => !hiddenOptions.has(o.name));

const allowed = new Set(pageOptions.map((o) => o.name));

/**
 * Checks one option argument from the page: `--NAME` or `--NAME=VALUE`, NAME a long name of
 * {@link pageOptions} (as the page writes them; no aliases, no short letters).
 * @throws X11DockerError naming the option, when the page does not offer it.
 */
export function checkPageOption(arg: string): void {
  const name = /^--([a-z][a-z0-9-]*)(=|$)/.exec(arg)?.[1];
  if (name === undefined || !allowed.has(name)) {
    throw new X11DockerError(`x11docker-gui does not offer '${arg.slice(0, 80)}': the page sends only its own options (--NAME or --NAME=VALUE of the option list).`);
  }
}

/**
 * Turns the page's form into an argv: `options` (`--name=value` strings from the form, each
 * checked with {@link checkPageOption}), `image`, and `command`, a shell-like text split with
 * shell-quote (no shell runs; operators, globs and substitutions are refused, `$VAR` stays
 * literal), and `engineArgs`, the docker run options (split the same way; the plan judges them as
 * it judges the command line's).
 * @param body the parsed JSON body `{ options?: string[], image?: string, command?: string, engineArgs?: string }`.
 * @throws X11DockerError for an option the page does not offer, an image starting with `-`, or a
 *   bad command text.
 */
export function commandFromBody(body: unknown): { argv: string[] } {
  const b = (body ?? {}) as { options?: unknown; image?: unknown; command?: unknown; engineArgs?: unknown };
  if (b.options !== undefined && (!Array.isArray(b.options) || !b.options.every((o) => typeof o === 'string'))) {
    throw new X11DockerError('x11docker-gui: "options" must be a list of strings.');
  }
  const opts = (b.options ?? []) as string[];
  for (const o of opts) checkPageOption(o);
  const image = typeof b.image === 'string' ? b.image.trim() : '';
  if (image.startsWith('-')) throw new X11DockerError(`x11docker-gui: the image '${image.slice(0, 80)}' starts with '-'. Pick an image from the list.`);
  const words = splitShellWords(typeof b.command === 'string' ? b.command : '', 'command field');
  const engine = splitShellWords(typeof b.engineArgs === 'string' ? b.engineArgs : '', 'docker run options field');
  if (!image && words.length > 0) throw new X11DockerError('A command needs an image. Pick an image first.');
  const argv = [...opts];
  if (image) {
    if (engine.length > 0) argv.push('--', ...engine, '--');
    argv.push(image, ...words);
  } else if (engine.length > 0) throw new X11DockerError('docker run options need an image. Pick an image first.');
  return { argv };
}
