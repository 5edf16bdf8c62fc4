/**
 * The container engine sockets that listen on this host, wherever they are (a second dockerd's
 * `/run/NAME/docker.sock`, its containerd under `/var/lib/NAME/exec/containerd/`, a rootless
 * engine's `/run/user/UID/docker.sock`): read from /proc/net/unix of this network namespace and
 * of the engines' own (rootless docker's dockerd runs in a namespace of rootlesskit). Sharing a
 * folder that contains one hands the container the engine (src/plan/sensitive.ts).
 */
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';

/** File names of container engine sockets (`containerd.sock.ttrpc`, `containerd-debug.sock` too). */
export const ENGINE_SOCKET = /^(docker|podman|containerd|buildkitd|nerdctl|dockerd)(-debug)?\.sock(\.ttrpc)?$/;

/** Folders whose sockets belong to an engine's state: dockerd's exec-root (`docker/`), containerd's, podman's. */
const ENGINE_FOLDER = /^(docker|containerd|podman|libpod|buildkit)$/;

/**
 * Whether a unix socket path is a container engine's: its name is one ({@link ENGINE_SOCKET}), or
 * it lies in an engine's state folder (`.../docker/...`, `.../containerd/...`, `/run/containerd/s/HASH`).
 * @param path an absolute path.
 */
export function isEngineSocket(path: string): boolean {
  const parts = path.split('/');
  return ENGINE_SOCKET.test(parts.at(-1) ?? '') || parts.slice(0, -1).some((p) => ENGINE_FOLDER.test(p));
}

/**
 * The paths of listening sockets in /proc/net/unix text (flag `__SO_ACCEPTCON`, 0x10000).
 * @param text the content of a /proc/.../net/unix file.
 */
export function listeningUnixPaths(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !f[7]!.startsWith('/')) continue;
    if ((parseInt(f[3]!, 16) & 0x10000) === 0) continue;
    out.push(f.slice(7).join(' '));
  }
  return out;
}

const ENGINE_PROCESS = /^(dockerd|containerd|podman|buildkitd|rootlesskit)$/;

/**
 * Gathers the engine sockets that listen on the host, as bound and resolved (symbolic links
 * followed: `/var/run/docker.sock` is `/run/docker.sock`). Unreadable files are skipped (another
 * user's engine: its sockets lie in folders x11docker's user cannot share anyway). A few ms.
 * @returns absolute paths, without duplicates.
 */
export function listeningEngineSockets(): string[] {
  const files = ['/proc/net/unix'];
  const seen = new Set<string>();
  try {
    seen.add(readlinkSync('/proc/self/ns/net'));
  } catch {
    // no namespaces
  }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!ENGINE_PROCESS.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) continue;
      const ns = readlinkSync(`/proc/${pid}/ns/net`);
      if (seen.has(ns)) continue;
      seen.add(ns);
      files.push(`/proc/${pid}/net/unix`);
    } catch {
      // gone, or not ours
    }
  }
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const path of listeningUnixPaths(text)) {
      if (!isEngineSocket(path)) continue;
      out.add(posix.normalize(path));
      try {
        out.add(realpathSync(path));
      } catch {
        // bound in another mount namespace
      }
    }
  }
  return [...out];
}
