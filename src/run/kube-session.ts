/**
 * `--backend=kubernetes` (without `--kube-manifest`): runs the session as one pod in the cluster
 * of the user's kubeconfig context. The session's table of contents:
 * plan the objects (pure, src/plan/kube.ts) -> create Secret, NetworkPolicy, PVC (`--home`), Pod
 * -> watch until the app container runs (or fail with the cluster's reason) -> deliver the display
 * (`--html`: local websockify; `--xpra`: the local xpra client; both through the API's
 * port-forward) -> watch until it
 * terminates -> exit with its exit code. Whatever ends the session (the app, Ctrl-C, SIGTERM,
 * SIGHUP, an error) deletes the Pod, the Secret and the NetworkPolicy; the PVC stays (it is the
 * user's HOME, as `~/x11docker/IMAGE`). `--cleanup` removes what a session left (by label).
 *
 * All cluster requests go through src/run/kube-client.ts.
 */
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostIdentity, sessionLiveness } from '../host/identity.js';
import { join } from 'node:path';
import { X11DockerError } from '../errors.js';
import { log, reportPlan } from '../log.js';
import type { KubeOptions } from '../options/kube.js';
import type { Options } from '../options/parse.js';
import { KUBE_DISPLAY, KUBE_LABEL_SESSION, KUBE_VNC_PORT, KUBE_XPRA_PORT, kubeNames, type KubeObject } from '../plan/kube.js';
import type { HtmlBind } from '../options/html.js';
import { orphanSafe, startHtmlView } from './html.js';
import { findBinaries, type HostFacts } from '../host/facts.js';
import type { SessionPlan } from '../plan/plan.js';
import { XPRA_CLIENT_ARGS, XPRA_ENV, XPRA_OFF } from '../xserver/xpra.js';
import { start } from './spawn.js';
import { podVerdict, type KubePodVerdict } from '../plan/kube-status.js';
import { planKube } from '../kube-manifest.js';
import { openKube, type KubeClient, type KubeKind } from './kube-client.js';

/** Annotation with the identity (machine, boot, PID namespace: src/host/identity.ts) of the x11docker that created the object (`--cleanup` only touches its own). */
export const KUBE_ANNOTATION_HOST = 'x11docker/client-host';
/** Annotation with the pid of the x11docker process that created the object (`--cleanup` leaves a live session alone). */
export const KUBE_ANNOTATION_PID = 'x11docker/client-pid';
/** Label selector of everything x11docker creates for a session (the PVC has no session label and is never selected). */
const SESSION_SELECTOR = `app.kubernetes.io/managed-by=x11docker,${KUBE_LABEL_SESSION}`;
/** How long the Pod may take to get its app container running (pull, schedule), in ms. */
export const KUBE_START_TIMEOUT_MS = 300_000;
/** Exit codes after a signal (128 + its number), as the local session. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The object with the client annotations added (host name, pid of this process). */
function annotated(o: KubeObject): KubeObject {
  const meta = o.metadata as { annotations?: Record<string, string> };
  return { ...o, metadata: { ...o.metadata, annotations: { ...meta.annotations, [KUBE_ANNOTATION_HOST]: hostIdentity(), [KUBE_ANNOTATION_PID]: String(process.pid) } } };
}

/** The session was ended by a signal (its name is the abort reason) or by the end of the `--html` view (its message). */
class Stopped extends Error {}

/** Was the session ended by the `--html` view (its message is no signal's name)? */
function byView(stopped: Stopped): boolean {
  return !(stopped.message in SIGNAL_EXIT);
}

/**
 * Watches the Pod until `done` accepts its verdict; a `failed` verdict, a deleted Pod, the
 * timeout and `signal` end the wait early. The watch is opened again when the server closes it.
 * @throws X11DockerError with the cluster's reason (exit 64); Stopped when `signal` aborts.
 */
async function watchUntil(client: KubeClient, pod: string, done: (v: KubePodVerdict) => boolean, signal: AbortSignal, timeoutMs: number, what: string): Promise<KubePodVerdict> {
  const local = new AbortController();
  const onAbort = () => local.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) local.abort();
  const timer = setTimeout(() => local.abort(), timeoutMs);
  let result: KubePodVerdict | undefined;
  let gone = false;
  const look = (p: Parameters<typeof podVerdict>[0], type = 'MODIFIED') => {
    if (result) return;
    if (type === 'DELETED') gone = true;
    const v = podVerdict(p);
    log.debug(`kubernetes: pod ${pod}: ${p.status?.phase ?? '?'} -> ${v.kind}`);
    if (v.kind === 'failed' || done(v)) result = v;
    if (result || gone) local.abort();
  };
  try {
    while (!local.signal.aborted) {
      look(await client.readPod(pod));
      if (local.signal.aborted) break;
      await client.watchPod(pod, (p, type) => look(p, type), local.signal);
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) throw new Stopped(String(signal.reason));
  if (result?.kind === 'failed') throw new X11DockerError(`Option --backend=kubernetes: pod ${pod} ${result.reason}. Nothing was left in the cluster.`);
  if (result) return result;
  if (gone) throw new X11DockerError(`Option --backend=kubernetes: pod ${pod} was deleted by someone else while ${what}.`);
  throw new X11DockerError(`Option --backend=kubernetes: pod ${pod} was not ${what} after ${Math.round(timeoutMs / 1000)} s (kubectl describe pod ${pod} -n ${client.namespace} tells why). Nothing was left in the cluster.`);
}

/**
 * Runs the session in the cluster and ends it.
 * @param options parsed options with `kube` set (not `--kube-manifest`).
 * @param signal aborted (with the signal's name as reason) by Ctrl-C, SIGTERM or SIGHUP.
 * @returns the app container's exit code; 130/143/129 after SIGINT/SIGTERM/SIGHUP.
 * @throws X11DockerError (exit 64) for bad options, an unreachable cluster, a refused request
 *   (403: the RBAC verb and resource), an unschedulable Pod or an image pull error, after
 *   everything created was deleted; with `--xpra`, no xpra or no DISPLAY here (before anything
 *   is created), a client that does not attach, or one that ends on its own.
 */
export async function runKubeSession(options: Options, signal: AbortSignal): Promise<number> {
  const { objects, plan, host, vncPassword, xpraPassword } = await planKube(options);
  if (xpraPassword !== undefined) checkXpraHere(host);
  reportPlan(plan);
  const client = openKube(options.kube!);
  const names = kubeNames(plan.sessionId);
  const created: { kind: KubeKind; name: string }[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const o of objects.map(annotated)) {
      if (signal.aborted) throw new Stopped(String(signal.reason));
      const kind = o.kind as KubeKind;
      const fresh = await client.create(o);
      log.info(`kubernetes: ${fresh ? 'created' : 'found'} ${kind} ${o.metadata.name} in namespace ${client.namespace} (context ${client.context})`);
      if (kind !== 'PersistentVolumeClaim') created.push({ kind, name: o.metadata.name });
    }
    const started = await watchUntil(client, names.pod, (v) => v.kind !== 'pending', signal, KUBE_START_TIMEOUT_MS, 'running');
    if (started.kind === 'running') {
      log.note(`Option --backend=kubernetes: pod ${names.pod} runs in namespace ${client.namespace} (context ${client.context}). Press Ctrl-C (or send SIGTERM to ${process.pid}) to end it.`);
    }
    const view = started.kind !== 'running' ? undefined
      : plan.html ? await deliverHtml(client, names.pod, plan.html, vncPassword!, stops)
        : xpraPassword !== undefined ? await deliverXpra(client, names.pod, xpraPassword, plan, host, stops, signal) : undefined;
    // the unexpected end of websockify or the xpra client ends the session as a signal does, with its message
    const viewEnd = new AbortController();
    void view?.died.then((why) => viewEnd.abort(why));
    const ended = started.kind === 'ended' ? started : await watchUntil(client, names.pod, (v) => v.kind === 'ended', AbortSignal.any([signal, viewEnd.signal]), 2 ** 31 - 1, 'ended');
    return ended.kind === 'ended' ? ended.exitCode : 64;
  } catch (error) {
    if (error instanceof Stopped && byView(error)) throw new X11DockerError(error.message);
    if (error instanceof Stopped) {
      log.info(`received ${error.message}, ending the pod`);
      return SIGNAL_EXIT[error.message] ?? 143;
    }
    throw error;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await removeAll(client, created);
  }
}

/**
 * `--html` with a pod: forwards the pod's x11vnc port ({@link KUBE_VNC_PORT}, the pod's loopback)
 * to 127.0.0.1 and starts websockify here in front of it, with the same checks as a local
 * `--html` (Origin, token, VNC password; src/run/html.ts); prints `HTML_URL=` on stdout.
 * @param stops receives the stops of the view and the forward (the session's undo).
 * @returns `died`: resolves with a message when websockify ends on its own.
 */
async function deliverHtml(client: KubeClient, pod: string, bind: HtmlBind, password: string, stops: (() => Promise<void>)[]): Promise<{ died: Promise<string> }> {
  const forward = await client.forward(pod, KUBE_VNC_PORT);
  stops.push(() => forward.close());
  const dir = mkdtempSync(join(tmpdir(), 'x11docker-kube-html-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const view = await startHtmlView({ display: KUBE_DISPLAY, authFile: '', sessionDir: dir, bind, clipboard: false, timeoutMs: 15000, vnc: { host: '127.0.0.1', port: forward.port, password } });
  stops.push(() => view.stop());
  log.info(`kubernetes: port ${KUBE_VNC_PORT} of pod ${pod} is forwarded to 127.0.0.1:${forward.port}`);
  process.stdout.write(`HTML_URL=${view.url}\n`);
  return { died: view.died };
}

/** `--xpra` in a pod needs xpra here and a display to show the windows on: one line (exit 64) before anything is created. */
function checkXpraHere(host: HostFacts): void {
  if (!findBinaries(['xpra'], process.env.PATH ?? '').has('xpra')) {
    throw new X11DockerError('Option --xpra with --backend=kubernetes attaches your local xpra client to the pod\'s xpra server, and xpra is not installed here. Install it: apt-get install xpra (or use --html).');
  }
  if (!host.display) {
    throw new X11DockerError('Option --xpra with --backend=kubernetes shows the pod\'s windows on your display, and DISPLAY is not set. Run it in your desktop session (or use --html).');
  }
}

/** How long the local xpra client may take to attach through the port-forward, in ms. */
const XPRA_ATTACH_TIMEOUT_MS = 60_000;

/** The pause before the local xpra client tries again after the forwarded connection was closed, in ms. */
const XPRA_RETRY_MS = 500;

/**
 * `--xpra` with a pod: forwards the pod's xpra port ({@link KUBE_XPRA_PORT}, the pod's loopback)
 * to a free port on 127.0.0.1 and runs `xpra attach tcp://127.0.0.1:PORT/` here on the user's
 * display, as the host user, with the password in a file (mode 0600, in a private temporary
 * folder that is also the client's HOME; never on a command line). The client's options are
 * those of the local `--xpra` (src/xserver/xpra.ts): no tray, the app's window titles, no
 * OpenGL, no sound, printing, files, notifications or clipboard.
 * @param stops receives the stops of the client, the folder and the forward (the session's undo).
 * @param signal the session's signal: Ctrl-C while the client attaches ends the wait.
 * @returns `died`: resolves with a message when the client ends on its own (the session then ends).
 * @throws X11DockerError when the client ends or does not attach in time (with its last line).
 */
async function deliverXpra(client: KubeClient, pod: string, password: string, plan: SessionPlan, host: HostFacts, stops: (() => Promise<void>)[], signal: AbortSignal): Promise<{ died: Promise<string> }> {
  const forward = await client.forward(pod, KUBE_XPRA_PORT);
  stops.push(() => forward.close());
  log.info(`kubernetes: port ${KUBE_XPRA_PORT} of pod ${pod} is forwarded to 127.0.0.1:${forward.port}`);
  const dir = mkdtempSync(join(tmpdir(), 'x11docker-kube-xpra-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const passwordFile = join(dir, 'xprapasswd');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  const as = plan.dropToHostUser ? { uid: plan.hostUser.uid, gid: plan.hostUser.gid } : {};
  if (plan.dropToHostUser) {
    chownSync(dir, plan.hostUser.uid, plan.hostUser.gid);
    chownSync(passwordFile, plan.hostUser.uid, plan.hostUser.gid);
  }
  const env = { PATH: process.env.PATH, HOME: dir, USER: plan.hostUser.name, LOGNAME: plan.hostUser.name, DISPLAY: host.display, ...(host.xauthority ? { XAUTHORITY: host.xauthority } : {}), ...XPRA_ENV };
  let stopping = false;
  let current: ReturnType<typeof attachClient> | undefined;
  stops.push(async () => {
    stopping = true;
    const child = current?.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await child?.catch(() => undefined);
  });
  /** Starts one `xpra attach`; `outcome` is 'attached' or how it ended before attaching. */
  function attachClient() {
    const child = start(...orphanSafe('xpra', ['attach', `tcp://127.0.0.1:${forward.port}/`, `--password-file=${passwordFile}`, ...XPRA_CLIENT_ARGS, '--clipboard=no', ...XPRA_OFF]), {
      ...as, cwd: dir, env, extendEnv: false, stdio: ['ignore', 'pipe', 'pipe'], buffer: false, forceKillAfterDelay: 3000,
    } as Parameters<typeof start>[2]);
    let seen = '';
    const attached = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        seen = (seen + d.toString()).slice(-4000);
        if (/Attached to/.test(seen)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    });
    const lastLine = () => seen.split('\n').map((l) => l.replace(/^[\d-]+ [\d:,]+ /, '').trim()).filter(Boolean).slice(-1).join('');
    const ended = child.then((r) => (r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`), (e: unknown) => String((e as Error).message ?? e));
    const outcome = Promise.race([attached.then(() => 'attached'), ended.then((how) => `ended (${how}${lastLine() ? `: ${lastLine()}` : ''})`)]);
    return { child, ended, outcome, lastLine, refused: () => /authentication failed/i.test(seen) };
  }
  const deadline = Date.now() + XPRA_ATTACH_TIMEOUT_MS;
  const aborted = new Promise<string>((resolve) => (signal.aborted ? resolve('stopped') : signal.addEventListener('abort', () => resolve('stopped'), { once: true })));
  let outcome = '';
  for (;;) {
    current = attachClient();
    let timer: NodeJS.Timeout | undefined;
    const client = current;
    outcome = await Promise.race([
      client.outcome,
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`did not attach after ${XPRA_ATTACH_TIMEOUT_MS / 1000} s${client.lastLine() ? ` (${client.lastLine()})` : ''}`), Math.max(0, deadline - Date.now())))),
      aborted,
    ]);
    clearTimeout(timer);
    // the pod runs before its xpra server listens: the forward then closes the connection ("Connection lost"); try again until the deadline
    if (!outcome.startsWith('ended') || client.refused() || Date.now() + XPRA_RETRY_MS >= deadline) break;
    log.info(`kubernetes: the xpra client ${outcome}; the pod's xpra server may not listen yet, trying again`);
    await new Promise((resolve) => setTimeout(resolve, XPRA_RETRY_MS));
    if (signal.aborted) {
      outcome = 'stopped';
      break;
    }
  }
  const { child, ended, lastLine } = current;
  if (outcome === 'stopped') throw new Stopped(String(signal.reason));
  if (outcome !== 'attached') throw new X11DockerError(`Option --xpra: the local xpra client ${outcome} while attaching to pod ${pod} through the port-forward. Run with --verbose.`);
  log.note(`Option --xpra: the xpra client (pid ${child.pid}) shows the windows of pod ${pod} on your display ${host.display}.`);
  return { died: ended.then((how) => (stopping ? new Promise<string>(() => undefined) : `--xpra: the local xpra client ended (${how}${lastLine() ? `: ${lastLine()}` : ''}); the session was ended.`)) };
}

/** Deletes the objects, the Pod first; a failure is a warning naming what is left (and `--cleanup`). */
async function removeAll(client: KubeClient, created: readonly { kind: KubeKind; name: string }[]): Promise<void> {
  for (const o of [...created].reverse()) {
    try {
      await client.remove(o.kind, o.name);
      log.info(`kubernetes: deleted ${o.kind} ${o.name}`);
    } catch (error) {
      log.warning(`Option --backend=kubernetes: could not delete ${o.kind} ${o.name} in namespace ${client.namespace} (${(error as Error).message}); remove it with x11docker --cleanup --backend=kubernetes or kubectl delete.`);
    }
  }
}

/**
 * Is the x11docker process of these annotations alive, or not ours to judge? Another machine's,
 * boot's or PID namespace's (src/host/identity.ts, as the remote engine's `--cleanup`) counts as alive.
 */
function clientAlive(annotations: Readonly<Record<string, string>>): boolean {
  return sessionLiveness({ pid: annotations[KUBE_ANNOTATION_PID] ?? '', identity: annotations[KUBE_ANNOTATION_HOST] ?? '' }, hostIdentity(), (pid) => {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }, 'elsewhere') !== 'gone';
}

/**
 * `--cleanup --backend=kubernetes`: deletes the Pods, Secrets and NetworkPolicies that sessions
 * of this machine, boot and PID namespace left in the namespace (found by the session label; their x11docker process,
 * named in the `x11docker/client-pid` annotation, is gone). Objects of live sessions, of other
 * machines and those applied by hand from `--kube-manifest` (no client annotations) are left
 * alone, as are the `--home` claims.
 * @param kube the Kubernetes options (context, namespace).
 * @returns 0; the names removed are notes.
 * @throws X11DockerError for an unreachable cluster or a refused request (403: verb and resource).
 */
export async function cleanupKube(kube: KubeOptions): Promise<number> {
  const client = openKube(kube);
  const kinds: KubeKind[] = ['Pod', 'NetworkPolicy', 'Secret'];
  const found = (await Promise.all(kinds.map((k) => client.listByLabel(k, SESSION_SELECTOR)))).flat().filter((o) => o.annotations[KUBE_ANNOTATION_HOST] !== undefined);
  const alive = new Set(found.filter((o) => clientAlive(o.annotations)).map((o) => o.labels[KUBE_LABEL_SESSION]));
  const orphans = found.filter((o) => !alive.has(o.labels[KUBE_LABEL_SESSION]));
  for (const o of orphans) {
    await client.remove(o.kind, o.name);
    log.note(`--cleanup: deleted ${o.kind} ${o.name} in namespace ${client.namespace} (its session's x11docker process is gone)`);
  }
  if (orphans.length === 0) log.note(`--cleanup: no objects of ended x11docker sessions in namespace ${client.namespace} (context ${client.context}).`);
  return 0;
}
