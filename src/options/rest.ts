/**
 * What follows x11docker's own options: the raw docker run options, IMAGE and COMMAND, in the
 * forms of upstream's usage (see parseCommandLine in parse.ts). Pure.
 */
import { parse as shellParse } from 'shell-quote';
import { printable, X11DockerError } from '../errors.js';
import { standsAlone } from './raw-options.js';

/**
 * Splits what follows the options into engine options, IMAGE and COMMAND.
 * @param rest the words after the last option.
 * @param afterTerminator `rest` came after a `--`.
 * @throws X11DockerError for a missing or invalid IMAGE, or a docker run options string with shell syntax.
 */
export function splitRest(rest: string[], afterTerminator: boolean): { engineArgs: string[]; image?: string; command: string[] } {
  if (rest.length === 0) return { engineArgs: [], command: [] };
  if (afterTerminator && rest[0]!.trim() === '' && rest.length > 1) {
    // -- "$EMPTY_OPTIONS" IMAGE: an empty (or blank) options string, as scripts pass it
    return splitRest(rest.slice(1), false);
  }
  if (!afterTerminator || !rest[0]!.startsWith('-')) {
    return { engineArgs: [], image: validateImage(rest[0]!), command: rest.slice(1) };
  }
  const second = rest.indexOf('--');
  if (second >= 0) {
    // newer form: -- DOCKER_RUN_OPTIONS -- IMAGE [COMMAND...]
    const after = rest.slice(second + 1);
    if (after.length === 0) throw new X11DockerError("No IMAGE after '-- DOCKER_RUN_OPTIONS --'. Add the image name after the second '--'.");
    return { engineArgs: rest.slice(0, second), image: validateImage(after[0]!), command: after.slice(1) };
  }
  // options given one per argument without a second '--' (-- --env=A=1 --read-only IMAGE): taken
  // when each stands alone (carries its own value, or takes none), so that the first other word can only be the image
  const leading = rest.findIndex((a) => !a.startsWith('-'));
  if (leading > 1 && rest.slice(0, leading).every(standsAlone)) {
    return { engineArgs: rest.slice(0, leading), image: validateImage(rest[leading]!), command: rest.slice(leading + 1) };
  }
  // reference form: -- "DOCKER_RUN_OPTIONS" IMAGE [COMMAND...]: one argument, split into words as
  // a shell would (upstream evaluates it in bash): quotes group, nothing is expanded or run
  const engineArgs = splitShellWords(rest[0]!, "docker run options string after '--'");
  const image = rest[1];
  if (image === undefined) {
    throw new X11DockerError(`No IMAGE after docker run options '${printable(rest[0]!)}'. Write: x11docker -- "${printable(rest[0]!)}" IMAGE [COMMAND].`);
  }
  if (image.startsWith('-')) {
    throw new X11DockerError(
      `Expected IMAGE after docker run options '${printable(rest[0]!)}', got '${printable(image)}'. Put all docker run options in one quoted argument, or end them with a second '--'.`,
    );
  }
  try {
    return { engineArgs, image: validateImage(image), command: rest.slice(2) };
  } catch (error) {
    throw new X11DockerError(
      `Invalid image name '${printable(image)}' after docker run options '${printable(rest[0]!)}'. Put all docker run options in one quoted argument, or end them with a second '--'.`,
      { cause: error },
    );
  }
}

/**
 * Splits a text into words as a POSIX shell would, without running or expanding anything:
 * quotes and backslashes group and escape, `$NAME` stays literal (shell-quote).
 * @param text e.g. `--env='A=b c' -v /x:/y`.
 * @param what names the text in the error, e.g. `docker run options string`.
 * @throws X11DockerError when the text has shell operators or globs (`|`, `;`, `&&`, `*`, ...),
 *   which no shell would run here.
 */
export function splitShellWords(text: string, what: string): string[] {
  return shellParse(text, (name) => `$${name}`).map((w) => {
    if (typeof w !== 'string') {
      const shown = 'pattern' in w ? w.pattern : 'op' in w ? w.op : 'comment' in w ? `#${w.comment}` : JSON.stringify(w);
      throw new X11DockerError(`The ${what} contains shell syntax (${printable(String(shown))}) that no shell runs here. Put it in quotes: '...'.`);
    }
    return w;
  });
}

/**
 * Checks an image name against docker's reference grammar.
 * @throws X11DockerError naming the image and the expected form.
 */
export function validateImage(image: string): string {
  // Docker's reference grammar (distribution/reference): [registry[:port]/]path[:tag][@digest],
  // where path components are lowercase; a registry host and a tag may have capitals.
  const withoutDigest = image.replace(/@[a-z0-9]+:[a-f0-9]+$/i, '');
  const tagAt = withoutDigest.lastIndexOf(':');
  const name = tagAt > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, tagAt) : withoutDigest;
  const path = name.includes('/') && /[.:]|^localhost$/.test(name.split('/')[0]!) ? name.slice(name.indexOf('/') + 1) : name;
  if (image === '' || !/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(image) || !/^[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/.test(path)) {
    throw new X11DockerError(`Invalid image name '${printable(image)}'. Give a name like 'debian' or 'registry:5000/name:tag' (lowercase).`);
  }
  return image;
}
