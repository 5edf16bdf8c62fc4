/**
 * Argument helpers for `docker create` (docker, podman and nerdctl take the same spelling), and
 * the labels x11docker puts on every container it creates. A leaf module (it imports one type
 * only), so the plan, the run steps and the front ends can all use it without import cycles.
 */
import type { Backend } from '../options/parse.js';

/** Label key with the session id, on every container x11docker creates (the watcher and `--cleanup` find them by it). */
export const LABEL_SESSION = 'x11docker.session';
/** Label key with the process id of the x11docker that created the container. */
export const LABEL_PID = 'x11docker.pid';
/** Label key with the machine, boot and PID namespace of that x11docker (src/host/identity.ts): its pid means something only there. */
export const LABEL_HOST = 'x11docker.host';

/**
 * The labels of every container and volume of a session, as `--label=KEY=VALUE` options: the
 * session id, x11docker's pid and, when known, its host identity (without it, `--cleanup` on
 * another machine, boot or PID namespace could take the pid for a dead one of its own).
 * @param s the session id, x11docker's pid and its identity (src/host/identity.ts hostIdentity).
 */
export function sessionLabels(s: { readonly sessionId: string; readonly pid: number; readonly hostId?: string | undefined }): string[] {
  return [`--label=${LABEL_SESSION}=${s.sessionId}`, `--label=${LABEL_PID}=${s.pid}`, ...(s.hostId ? [`--label=${LABEL_HOST}=${s.hostId}`] : [])];
}

/**
 * One field of a `--mount` value, which docker parses as a CSV record (Go's encoding/csv, see
 * docker/cli opts/mount.go): quoted, with inner quotes doubled, when it has a comma, a quote or a
 * line break; else unchanged.
 * @param field e.g. `source=/a,b` -> `"source=/a,b"`.
 */
export function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * A `--mount=` option from its fields (`type=bind`, `source=...`, bare `readonly`), each quoted
 * with {@link csvField}.
 */
export function mountOption(fields: readonly string[]): string {
  return `--mount=${fields.map(csvField).join(',')}`;
}

/**
 * A `--mount` bind option, read-only unless `readonly` is false. Paths may contain commas and
 * quotes: the value is a CSV record as docker reads it.
 * @param source absolute host path.
 * @param target absolute container path.
 */
export function bindMount(source: string, target: string, readonly = true): string {
  return mountOption(['type=bind', `source=${source}`, `target=${target}`, ...(readonly ? ['readonly'] : [])]);
}

/**
 * The mount of the new display's X socket in the container, at `/tmp/.X11-unix/XN` either way:
 * - `socketDir` given: that folder (x11docker's own, holding only a hard link to the socket, see
 *   run/display-step.ts) is mounted read-only as `/tmp/.X11-unix`. It exists before the server
 *   makes its socket, so the container is created while the server starts;
 * - else the socket file itself, bind-mounted read-only once it exists (engines check a bind
 *   source when the container is created).
 * @param socket the X socket's host path (`/tmp/.X11-unix/XN`).
 * @param socketDir the session's socket folder, if there is one.
 */
export function xSocketMount(socket: string, socketDir?: string): string {
  return socketDir ? bindMount(socketDir, '/tmp/.X11-unix') : bindMount(socket, socket);
}

/**
 * A private tmpfs of the container user at `target`, mode 0700. docker and nerdctl take the
 * owner as tmpfs mount options (`--tmpfs=T:mode=0700,uid=U,gid=G`); podman refuses `uid=` there
 * ("unknown mount option") and chowns the tmpfs to the container's user with `chown=true`.
 * @param backend the engine.
 * @param target absolute container path.
 * @param user the container user (docker, nerdctl); podman uses the `--user` of the container.
 */
export function privateTmpfs(backend: Backend, target: string, user: { readonly uid: number; readonly gid: number }): string {
  if (backend === 'podman') return mountOption(['type=tmpfs', `destination=${target}`, 'tmpfs-mode=0700', 'chown=true']);
  return `--tmpfs=${target}:mode=0700,uid=${user.uid},gid=${user.gid}`;
}
