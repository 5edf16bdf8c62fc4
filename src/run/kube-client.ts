/**
 * `--backend=kubernetes`: the thin layer over `@kubernetes/client-node` (1.x, ESM, Node 20; 2.x
 * needs Node 22). Everything the live path asks of a cluster goes through {@link KubeClient}:
 * create and delete the session's objects, read and watch its Pod, list by label (`--cleanup`)
 * and forward a port of the Pod to 127.0.0.1. The cluster's refusals become one-line
 * X11DockerErrors (exit 64) naming the request; a 403 names the missing RBAC verb and resource.
 *
 * Tested against a fake API server (test/e2e/fake-kube.ts), not against a real cluster.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CoreV1Api, KubeConfig, NetworkingV1Api, PortForward, Watch } from '@kubernetes/client-node';
import { printable, X11DockerError } from '../errors.js';
import { log } from '../log.js';
import type { KubeOptions } from '../options/kube.js';
import type { KubeObject } from '../plan/kube.js';
import { forbiddenLine, KUBE_RESOURCES, type KubePodView } from '../plan/kube-status.js';

/** The kinds x11docker creates and deletes. */
export type KubeKind = 'Pod' | 'Secret' | 'NetworkPolicy' | 'PersistentVolumeClaim';

/** An object found by {@link KubeClient.listByLabel}: its kind, name, labels and annotations. */
export interface KubeFound {
  readonly kind: KubeKind;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A port of a Pod forwarded to 127.0.0.1 (client-node's PortForward, one WebSocket per TCP connection). */
export interface KubeForward {
  /** The local port on 127.0.0.1. */
  readonly port: number;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/** One cluster, context and namespace, as the user's kubeconfig and the options choose them. */
export interface KubeClient {
  /** The namespace of every request: `--kube-namespace`, else the context's, else `default`. */
  readonly namespace: string;
  /** The kubeconfig context in use. */
  readonly context: string;
  /** Creates an object in {@link namespace}. @returns false when it already existed (409; only a PVC is allowed to). */
  create(object: KubeObject): Promise<boolean>;
  /** Deletes an object; one that is gone already (404) is no error. */
  remove(kind: KubeKind, name: string): Promise<void>;
  /** Reads a Pod. */
  readPod(name: string): Promise<KubePodView>;
  /**
   * Watches one Pod (`fieldSelector=metadata.name=NAME`) and calls `onPod` with each version and
   * the event's type (`ADDED`, `MODIFIED`, `DELETED`).
   * @returns resolves when the server ends the watch or `signal` aborts it; the caller watches again if needed.
   */
  watchPod(name: string, onPod: (pod: KubePodView, type: string) => void, signal: AbortSignal): Promise<void>;
  /** Objects of `kind` whose labels match `selector` (a label selector, e.g. `app.kubernetes.io/managed-by=x11docker`). */
  listByLabel(kind: KubeKind, selector: string): Promise<KubeFound[]>;
  /** Forwards `port` of the Pod `pod` to a free port on 127.0.0.1. */
  forward(pod: string, port: number): Promise<KubeForward>;
}

/** The RBAC verb of each request, for the 403 message. */
type Verb = 'create' | 'get' | 'watch' | 'list' | 'delete';

/**
 * Turns a failed request into one line. 403 names the verb and resource (RBAC); others give the
 * status code and the API's message; a connection error names the server and context.
 */
function requestError(error: unknown, verb: Verb, resource: string, c: { namespace: string; context: string; server: string }): X11DockerError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const body = (error as { body?: unknown }).body;
    let message = '';
    try {
      message = String((typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string } | undefined))?.message ?? '');
    } catch {
      message = typeof body === 'string' ? body.slice(0, 300) : '';
    }
    if (code === 403) return new X11DockerError(forbiddenLine(verb, resource, c.namespace, message), { cause: error });
    if (code === 401) return new X11DockerError(`Option --backend=kubernetes: the cluster of context ${printable(c.context)} does not accept your credentials (401 Unauthorized). Log in again (kubectl get pods -n ${c.namespace} tells), or choose another --kube-context.`, { cause: error });
    return new X11DockerError(`Option --backend=kubernetes: ${verb} ${resource} in namespace ${c.namespace} failed (${code}${message ? `: ${message.replace(/\s+/g, ' ')}` : ''}).`, { cause: error });
  }
  const errno = (error as NodeJS.ErrnoException).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return new X11DockerError(`Option --backend=kubernetes: cannot reach the cluster of context ${printable(c.context)} at ${printable(c.server)} (${errno ?? (error as Error).message ?? String(error)}). Check the context (kubectl config get-contexts), or choose one with --kube-context.`, { cause: error });
}

/**
 * Opens the cluster of the user's kubeconfig (`KUBECONFIG`, else `~/.kube/config`, else the
 * service account of a pod when x11docker runs in one), in the
 * current context or `--kube-context`, in the context's namespace or `--kube-namespace`.
 * Makes no request yet.
 * @throws X11DockerError when there is no kubeconfig context, or `--kube-context` names none of them.
 */
export function openKube(options: KubeOptions): KubeClient {
  const kc = new KubeConfig();
  // client-node falls back to http://localhost:8080 without any kubeconfig: say so instead
  const home = process.env.HOME ?? '';
  if (!process.env.KUBECONFIG && !process.env.KUBERNETES_SERVICE_HOST && !existsSync(join(home, '.kube', 'config'))) {
    throw new X11DockerError('Option --backend=kubernetes: no kubeconfig context (neither KUBECONFIG nor ~/.kube/config names one). Set up access to a cluster (kubectl config get-contexts), or print the pod with --kube-manifest.');
  }
  try {
    kc.loadFromDefault();
  } catch (error) {
    // (client-node reads an empty file, or YAML that is no mapping, and fails on a missing field: a TypeError)
    const why = error instanceof TypeError ? 'it is empty or not a kubeconfig' : (error as Error).message.split('\n')[0];
    throw new X11DockerError(`Option --backend=kubernetes: cannot read your kubeconfig (${why}). Fix KUBECONFIG or ~/.kube/config.`, { cause: error });
  }
  const contexts = kc.getContexts().map((c) => c.name);
  if (contexts.length === 0) throw new X11DockerError('Option --backend=kubernetes: no kubeconfig context (neither KUBECONFIG nor ~/.kube/config names one). Set up access to a cluster (kubectl config get-contexts), or print the pod with --kube-manifest.');
  if (options.context !== undefined) {
    if (!contexts.includes(options.context)) throw new X11DockerError(`Option --kube-context: no context '${printable(options.context)}' in your kubeconfig; it has: ${contexts.join(', ')}.`);
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const namespace = options.namespace ?? kc.getContextObject(context)?.namespace ?? 'default';
  const where = { namespace, context, server: kc.getCurrentCluster()?.server ?? '(no server)' };
  const core = kc.makeApiClient(CoreV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const call = async <T>(verb: Verb, resource: string, f: () => Promise<T>): Promise<T> => {
    log.debug(`kubernetes: ${verb} ${resource} in ${namespace}`);
    try {
      return await f();
    } catch (error) {
      throw requestError(error, verb, resource, where);
    }
  };
  const isCode = (error: unknown, code: number) => (error as X11DockerError).cause !== undefined && ((error as X11DockerError).cause as { code?: unknown }).code === code;

  const creators: Record<KubeKind, (body: KubeObject) => Promise<unknown>> = {
    Pod: (body) => core.createNamespacedPod({ namespace, body: body as never }),
    Secret: (body) => core.createNamespacedSecret({ namespace, body: body as never }),
    NetworkPolicy: (body) => net.createNamespacedNetworkPolicy({ namespace, body: body as never }),
    PersistentVolumeClaim: (body) => core.createNamespacedPersistentVolumeClaim({ namespace, body: body as never }),
  };
  const deleters: Record<KubeKind, (name: string) => Promise<unknown>> = {
    Pod: (name) => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }),
    Secret: (name) => core.deleteNamespacedSecret({ name, namespace }),
    NetworkPolicy: (name) => net.deleteNamespacedNetworkPolicy({ name, namespace }),
    PersistentVolumeClaim: (name) => core.deleteNamespacedPersistentVolumeClaim({ name, namespace }),
  };
  type Listed = { items: { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }[] };
  const listers: Record<KubeKind, (labelSelector: string) => Promise<Listed>> = {
    Pod: (labelSelector) => core.listNamespacedPod({ namespace, labelSelector }),
    Secret: (labelSelector) => core.listNamespacedSecret({ namespace, labelSelector }),
    NetworkPolicy: (labelSelector) => net.listNamespacedNetworkPolicy({ namespace, labelSelector }),
    PersistentVolumeClaim: (labelSelector) => core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector }),
  };

  return {
    namespace,
    context,
    async create(object) {
      const kind = object.kind as KubeKind;
      const body = { ...object, metadata: { ...object.metadata, namespace } } as KubeObject;
      try {
        await call('create', KUBE_RESOURCES[kind], () => creators[kind](body));
        return true;
      } catch (error) {
        if (kind === 'PersistentVolumeClaim' && isCode(error, 409)) return false;
        throw error;
      }
    },
    async remove(kind, name) {
      try {
        await call('delete', KUBE_RESOURCES[kind], () => deleters[kind](name));
      } catch (error) {
        if (!isCode(error, 404)) throw error;
      }
    },
    readPod: (name) => call('get', 'pods', () => core.readNamespacedPod({ name, namespace })) as Promise<KubePodView>,
    async watchPod(name, onPod, signal) {
      const watch = new Watch(kc);
      await new Promise<void>((resolve, reject) => {
        const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
        const started = watch.watch(path, { fieldSelector: `metadata.name=${name}` }, (type, object: unknown) => {
          if (type === 'ERROR') return;
          onPod(object as KubePodView, type);
        }, (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (error && !signal.aborted && (error as { name?: string }).name !== 'AbortError') {
            const status = (error as { statusCode?: number }).statusCode;
            reject(requestError(status !== undefined ? Object.assign(error as object, { code: status }) : error, 'watch', 'pods', where));
          } else resolve();
        });
        const onAbort = () => void started.then((c) => c.abort(), () => undefined);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    async listByLabel(kind, selector) {
      const list = await call('list', KUBE_RESOURCES[kind], () => listers[kind](selector));
      return list.items.map((i) => ({ kind, name: i.metadata?.name ?? '', labels: i.metadata?.labels ?? {}, annotations: i.metadata?.annotations ?? {} }));
    },
    forward: (pod, port) => forwardPort(kc, namespace, pod, port),
  };
}

/**
 * Listens on 127.0.0.1 (a free port) and forwards every connection through its own port-forward
 * WebSocket (client-node's PortForward) to `port` of the Pod.
 */
async function forwardPort(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<KubeForward> {
  const forwarder = new PortForward(kc, true);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const errors = new Writable({
      write(chunk: Buffer, _enc, done) {
        log.debug(`kubernetes: port-forward to ${pod}:${port}: ${chunk.toString().trim()}`);
        done();
      },
    });
    forwarder.portForward(namespace, pod, [port], socket, errors, socket).then((ws) => {
      const w = typeof ws === 'function' ? ws() : ws;
      if (!w) return socket.destroy();
      w.addEventListener('close', () => socket.end());
      socket.on('close', () => w.close());
    }, (error: unknown) => {
      log.warning(`--html: the port-forward to pod ${pod} port ${port} failed (${(error as Error).message ?? String(error)}).`);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
