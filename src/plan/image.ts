import { X11DockerError } from '../errors.js';

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
