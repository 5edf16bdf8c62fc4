import { printable, X11DockerError } from '../errors.js';

/**
 * The parts of an image's configuration that x11docker uses, read from the engine's
 * `image inspect` JSON (OCI image config, `Config` object). Values are kept as the engine
 * reports them: a shell-form `CMD echo "hi"` arrives as `["/bin/sh","-c","echo \"hi\""]`,
 * so nothing is re-parsed from text.
 */
export interface ImageConfig {
  /** Image id (`sha256:...`). */
  readonly id: string;
  /** `USER` of the image ('' when unset). */
  readonly user: string;
  /** `WORKDIR` of the image ('' when unset). */
  readonly workingDir: string;
  /** `ENTRYPOINT` as an argv array (empty when unset). */
  readonly entrypoint: readonly string[];
  /** `CMD` as an argv array (empty when unset). */
  readonly cmd: readonly string[];
  /** `ENV` entries as `NAME=VALUE` strings. */
  readonly env: readonly string[];
}

/**
 * Reads an {@link ImageConfig} from the output of `docker image inspect IMAGE`.
 * @param json the parsed JSON: an array with one image object (docker, podman and nerdctl agree).
 * @param image the image name, for error messages.
 * @throws X11DockerError when the JSON does not describe an image.
 */
export function imageConfigFromInspect(json: unknown, image: string): ImageConfig {
  const first = Array.isArray(json) ? json[0] : json;
  if (!first || typeof first !== 'object') throw new X11DockerError(`The container engine returned no configuration for image '${image}'.`);
  const obj = first as { Id?: unknown; Config?: Record<string, unknown> | null };
  const config = obj.Config ?? {};
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
  return {
    id: typeof obj.Id === 'string' ? obj.Id : '',
    user: typeof config.User === 'string' ? config.User : '',
    workingDir: typeof config.WorkingDir === 'string' ? config.WorkingDir : '',
    entrypoint: strings(config.Entrypoint),
    cmd: strings(config.Cmd),
    env: strings(config.Env),
  };
}

/**
 * A note when the command after IMAGE is one word that reads as a shell line (a space and a
 * shell operator: `"broadwayd :5 & sleep 2 && xfce4-terminal"`, as in upstream's broadway
 * recipe) and no ENTRYPOINT takes it: the engine runs it as the name of one program and fails
 * with "No such file or directory" (upstream quotes each word as well, with the same end).
 * @param command the command after IMAGE, as an argv array.
 * @param entrypoint the image's ENTRYPOINT that will run (empty with none or `--no-entrypoint`).
 * @returns the note naming `sh -c`, or undefined.
 */
export function shellLineNote(command: readonly string[], entrypoint: readonly string[]): string | undefined {
  const only = command.length === 1 ? command[0]! : undefined;
  if (only === undefined || entrypoint.length > 0 || !/\s/.test(only) || !/[;&|<>`$]/.test(only)) return undefined;
  return `The command '${printable(only)}' is one word with shell syntax: it runs as the name of one program, not as a shell line. To run it as a shell line, give: sh -c '...'.`;
}
