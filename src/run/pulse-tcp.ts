/**
 * `--pulseaudio=tcp` at run time, as upstream 7.8's `setup_sound_pulseaudio` (tcp) and
 * `start_pulseaudiotcp`: a free port from the kernel's local port range, then
 * `pactl load-module module-native-protocol-tcp port=PORT auth-ip-acl=...` in the host user's
 * PulseAudio, unloaded (`pactl unload-module ID`) when the session ends.
 *
 * Upstream loads the module after the container started, with the container's IP in
 * `auth-ip-acl` (cookie-less access for that IP); the command can race it. Here it is loaded
 * before the container is created, so the command never finds the port closed; the container
 * authenticates with the cookie it gets (as upstream also gives it), and `auth-ip-acl` is
 * 127.0.0.1 only: no other container or host on the network gets in without the cookie.
 */
import { chmodSync, chownSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { printable, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import type { SessionPlan } from '../plan/plan.js';
import { PULSE_COOKIE } from '../plan/services.js';
import { run } from './spawn.js';
import type { PulseModuleRecord, SessionRegistry } from './registry.js';
import type { UndoStack } from './undo.js';

/** What the session loaded: the port and the module's index (for `pactl unload-module`), and the cookie's mount. */
export interface PulseTcpModule {
  readonly port: number;
  readonly moduleId: number;
  /** The copy of the host's cookie in the session folder, mounted writable at {@link PULSE_COOKIE}. */
  readonly cookieMount?: { readonly source: string; readonly target: string; readonly readonly: false };
}

/**
 * Copies the host's PulseAudio cookie into the (owner-only) session folder: libpulse opens its
 * cookie read-write and does not fall back to reading a read-only mount (EROFS), and the host's
 * own file must not be writable from the container. Mode 0644, as the X cookie of another
 * container user: the session folder (0700) hides it on the host.
 */
function cookieCopy(plan: SessionPlan, cookie: string): PulseTcpModule['cookieMount'] {
  const copy = join(plan.sessionDir, 'pulseaudio.cookie');
  copyFileSync(cookie, copy);
  chmodSync(copy, 0o644);
  if (plan.dropToHostUser) chownSync(copy, plan.hostUser.uid, plan.hostUser.gid);
  return { source: copy, target: PULSE_COOKIE, readonly: false };
}

/** The arguments of `pactl load-module` for port `port` (upstream's, with the ACL of the module comment). */
export function pulseTcpLoadArgs(port: number): string[] {
  return ['load-module', 'module-native-protocol-tcp', `port=${port}`, 'auth-ip-acl=127.0.0.1'];
}

/** The kernel's range for local ports (`/proc/sys/net/ipv4/ip_local_port_range`), else upstream's 33000-60000. */
function portRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low < high) return [low, high];
  } catch {
    // upstream's default
  }
  return [33000, 60000];
}

/**
 * Whether nothing listens on TCP `port` (of any address): a listen on all addresses succeeds
 * (IPv6 and IPv4; IPv4 alone on a host without IPv6).
 */
function portFree(port: number, host = '::'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (host === '::' && error.code !== 'EADDRINUSE' && error.code !== 'EACCES') resolve(portFree(port, '0.0.0.0'));
      else resolve(false);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Loads the TCP module into the host user's PulseAudio on a free port and registers its unload
 * (stage `process`: after the container has stopped); the session record keeps it for a
 * clean-up after x11docker died (run/cleanup.ts).
 * @param plan the session plan (the host user to run pactl as when x11docker runs as root).
 * @param undo the session's undo stack.
 * @param registry the session record.
 * @returns the port and module index.
 * @throws X11DockerError when pactl fails (PulseAudio does not answer, or no free port after a few tries).
 */
export async function loadPulseTcp(plan: SessionPlan, undo: UndoStack, registry: SessionRegistry): Promise<PulseTcpModule> {
  const asUser = plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {};
  const socket = plan.container?.services.pulseTcp?.socket;
  const pactl = pactlAs(socket, asUser);
  const [low, high] = portRange();
  let why = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (!(await portFree(port))) continue;
    const r = await pactl(pulseTcpLoadArgs(port));
    const id = String(r.stdout).trim();
    if (r.exitCode === 0 && /^\d+$/.test(id)) {
      const moduleId = Number(id);
      const record: PulseModuleRecord = { id: moduleId, port, ...(socket ? { socket } : {}) };
      registry.setPulseModule(record);
      undo.defer(`unload PulseAudio module ${moduleId} (--pulseaudio=tcp, port ${port})`, async () => {
        await unloadPulseTcp(record, asUser);
        registry.setPulseModule(undefined);
      }, 'process');
      log.info(`--pulseaudio=tcp: module-native-protocol-tcp loaded on port ${port} (module ${moduleId})`);
      const cookie = plan.container?.services.pulseTcp?.cookie;
      return { port, moduleId, ...(cookie ? { cookieMount: cookieCopy(plan, cookie) } : {}) };
    }
    why = String(r.stderr).trim().split('\n')[0] || `exit ${r.exitCode}`;
    // a port taken between the check and the load: try another one; PulseAudio gone: no use
    if (/connection refused|no such file|access denied|timeout/i.test(why)) break;
  }
  throw new X11DockerError(`Option --pulseaudio=tcp: pactl could not load module-native-protocol-tcp into your PulseAudio (${printable(why || 'no free port found', 160)}). Is PulseAudio running? Use --pulseaudio (the socket) or --alsa instead.`);
}

/** pactl with the daemon of `socket` (whose cookie the container gets), as `user` when given. */
function pactlAs(socket: string | undefined, user: { uid?: number; gid?: number } = {}) {
  const env = { LC_ALL: 'C', ...(socket ? { PULSE_SERVER: `unix:${socket}` } : {}) };
  return (args: readonly string[]) => run('pactl', args, { reject: false, env, ...user } as Parameters<typeof run>[2]);
}

/**
 * Unloads a session's TCP module, if the daemon still has it: index `id` must still be
 * module-native-protocol-tcp with the session's port (a restarted daemon reuses indexes).
 * Never throws; a failure is a warning.
 * @param m the module as recorded.
 * @param user uid/gid to run pactl as (x11docker as root for another host user).
 */
export async function unloadPulseTcp(m: PulseModuleRecord, user: { uid?: number; gid?: number } = {}): Promise<void> {
  try {
    const pactl = pactlAs(m.socket, user);
    const list = await pactl(['list', 'short', 'modules']);
    const ours = String(list.stdout).split('\n').some((line) => {
      const [id, name, args = ''] = line.split('\t');
      return Number(id) === m.id && name === 'module-native-protocol-tcp' && args.split(/\s+/).includes(`port=${m.port}`);
    });
    if (!ours) return;
    const u = await pactl(['unload-module', String(m.id)]);
    if (u.exitCode !== 0) log.warning(`--pulseaudio=tcp: pactl unload-module ${m.id} failed: ${printable(String(u.stderr).trim() || `exit ${u.exitCode}`, 160)}`);
  } catch (error) {
    log.warning(`--pulseaudio=tcp: could not unload PulseAudio module ${m.id}: ${(error as Error).message}`);
  }
}
