/**
 * A small fake Kubernetes API server for the tests of `--backend=kubernetes` (node:http on
 * 127.0.0.1, plain HTTP, no authentication): just the requests x11docker's client makes
 * (src/run/kube-client.ts): create, get, delete and list-by-label of pods, secrets,
 * networkpolicies and persistentvolumeclaims, a watch of one pod (`watch=true` with
 * `fieldSelector=metadata.name=NAME`, JSON lines), and a pod's port-forward WebSocket (the
 * `v4.channel.k8s.io` framing, with the `ws` package) to a TCP port on 127.0.0.1 chosen by the test.
 *
 * No container runs: a Pod's life is scripted by the tag of its `app` container's image
 * (`fake/app:TAG`): `exit3` (Pending, Running, then the app terminates with exit code 3),
 * `forever` (Running until deleted), `pending` (ContainerCreating until deleted), `unschedulable` (the scheduler's condition),
 * `pullbackoff` (ErrImagePull, then ImagePullBackOff). Requests named in `forbid`
 * (`VERB RESOURCE`, e.g. `create networkpolicies`) get 403 with the API server's message.
 *
 * With `podman` ({@link startFakeKube}'s option), pods run for real instead: a created Pod is
 * played with its Secret by `podman kube play` (rootful podman, as test/e2e/kube.test.ts), its
 * status follows the `app` container (polled with `podman inspect`), a port-forward connects
 * inside the pod's network namespace (`nsenter -n` into the infra container and a small node
 * relay to 127.0.0.1:PORT there, as the kubelet's nsenter + socat once did), and deleting the Pod
 * or the Secret removes them from podman (`podman pod rm`, `podman secret rm` and its volume).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';

/** An object as stored (the API's JSON). */
export type Obj = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string; deletionTimestamp?: string }; status?: Record<string, unknown>; spec?: Record<string, unknown> };

/** A running fake API server. */
export interface FakeKube {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** A kubeconfig file (context `fake`, namespace `x11test`) pointing at the server. */
  readonly kubeconfig: string;
  /** The stored objects, by `resource/name` (e.g. `pods/x11docker-abc`). */
  readonly store: Map<string, Obj>;
  /** Every request as `VERB resource[/name]` (`create pods`, `delete secrets/NAME`, ...). */
  readonly requests: string[];
  /** Requests to answer with 403 (`VERB RESOURCE`). */
  readonly forbid: Set<string>;
  /** Port on 127.0.0.1 that a pod's port-forward connects to (any pod port). */
  forwardTo?: number;
  /**
   * How many of the next port-forward connections find nothing listening in the pod: each gets
   * the kubelet's "connection refused" on the error channel and is closed (as before a pod's
   * server listens). Counts down.
   */
  refuseForwards: number;
  stop(): Promise<void>;
}

/** Options of {@link startFakeKube}. */
export interface FakeKubeOptions {
  /** Run pods for real with `podman kube play`, in this environment (CONTAINERS_CONF). */
  readonly podman?: { readonly env: Record<string, string | undefined> };
}

/** A relay inside a pod's network namespace: stdin/stdout to 127.0.0.1:PORT (argv[1]). */
const RELAY = "const s=require('net').connect(Number(process.argv[1]),'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('close',()=>process.exit(0));s.on('error',()=>process.exit(1));";

const KINDS: Record<string, string> = { pods: 'Pod', secrets: 'Secret', networkpolicies: 'NetworkPolicy', persistentvolumeclaims: 'PersistentVolumeClaim' };

/** Does a label selector (`k=v,k2` terms) match the labels? */
function matches(selector: string, labels: Record<string, string> = {}): boolean {
  return selector.split(',').filter(Boolean).every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? k! in labels : labels[k!] === v;
  });
}

/** Starts the fake API server on a free port of 127.0.0.1, with its kubeconfig in a temporary folder. */
export async function startFakeKube(opts: FakeKubeOptions = {}): Promise<FakeKube> {
  const podman = (args: readonly string[]) => execa('podman', args, { env: opts.podman?.env ?? {}, reject: false, timeout: 120000 });
  const relays = new Set<ResultPromise>();
  const store = new Map<string, Obj>();
  const requests: string[] = [];
  const forbid = new Set<string>();
  const watchers = new Set<{ key: string; res: ServerResponse }>();
  const timers = new Set<NodeJS.Timeout>();
  let version = 1;
  const notify = (key: string, type: string, obj: Obj) => {
    for (const w of watchers) if (w.key === key) w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const put = (key: string, obj: Obj, type = 'MODIFIED') => {
    obj.metadata.resourceVersion = String(++version);
    store.set(key, obj);
    notify(key, type, obj);
  };
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  /** Plays the scripted life of a new pod. */
  const play = (key: string) => {
    const pod = store.get(key)!;
    const containers = ((pod.spec?.containers ?? []) as { name: string; image: string }[]);
    const tag = containers.find((c) => c.name === 'app')?.image.split(':').pop() ?? '';
    const set = (status: Record<string, unknown>) => {
      const now = store.get(key);
      if (now && !now.metadata.deletionTimestamp) put(key, { ...now, status });
    };
    const states = (app: Record<string, unknown>) => containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, state: c.name === 'app' ? app : { running: { startedAt: new Date().toISOString() } } }));
    const scheduled = { type: 'PodScheduled', status: 'True' };
    later(100, () => set({ phase: 'Pending', conditions: [scheduled], containerStatuses: containers.map((c) => ({ name: c.name, state: { waiting: { reason: 'ContainerCreating' } } })) }));
    if (tag === 'unschedulable') {
      later(200, () => set({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available.' }] }));
    } else if (tag === 'pending') {
      // stays ContainerCreating (a long pull)
    } else if (tag === 'pullbackoff') {
      later(200, () => set({ phase: 'Pending', conditions: [scheduled], containerStatuses: states({ waiting: { reason: 'ContainerCreating' } }) }));
      later(300, () => set({ phase: 'Pending', conditions: [scheduled], containerStatuses: states({ waiting: { reason: 'ErrImagePull', message: 'rpc error: pull access denied for fake/app' } }) }));
      later(400, () => set({ phase: 'Pending', conditions: [scheduled], containerStatuses: states({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "fake/app:pullbackoff"' } }) }));
    } else {
      later(300, () => set({ phase: 'Running', conditions: [scheduled], containerStatuses: states({ running: { startedAt: new Date().toISOString() } }) }));
      if (tag === 'exit3') later(1200, () => set({ phase: 'Running', conditions: [scheduled], containerStatuses: states({ terminated: { exitCode: 3, reason: 'Error' } }) }));
    }
  };
  /** Plays a new pod with podman; its status follows the app container. */
  const playReal = async (key: string) => {
    const pod = store.get(key)!;
    const name = pod.metadata.name;
    const volumes = ((pod.spec?.volumes ?? []) as { secret?: { secretName: string } }[]).filter((v) => v.secret).map((v) => store.get(`secrets/${v.secret!.secretName}`)).filter((o): o is Obj => !!o);
    const docs = [...volumes, { apiVersion: pod.apiVersion, kind: pod.kind, metadata: { name, labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec }];
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, docs.map((d) => stringify(d, { aliasDuplicateObjects: false })).join('---\n'));
    const containers = ((pod.spec?.containers ?? []) as { name: string; image: string }[]);
    const set = (status: Record<string, unknown>) => {
      const now = store.get(key);
      if (now && !now.metadata.deletionTimestamp) put(key, { ...now, status });
    };
    const scheduled = { type: 'PodScheduled', status: 'True' };
    const states = (app: Record<string, unknown>) => containers.map((c) => ({ name: c.name, image: c.image, ready: false, restartCount: 0, state: c.name === 'app' ? app : { running: {} } }));
    set({ phase: 'Pending', conditions: [scheduled], containerStatuses: states({ waiting: { reason: 'ContainerCreating' } }) });
    const play = await podman(['kube', 'play', file]);
    if (play.exitCode !== 0) return set({ phase: 'Pending', conditions: [scheduled], containerStatuses: states({ waiting: { reason: 'CreateContainerError', message: String(play.stderr).trim().split('\n').pop() } }) });
    let last = '';
    while (store.has(key)) {
      const r = await podman(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', `${name}-app`]);
      const [state, code] = r.stdout.trim().split(' ');
      if (state !== last && store.has(key)) {
        last = state ?? '';
        if (state === 'running') set({ phase: 'Running', conditions: [scheduled], containerStatuses: states({ running: { startedAt: new Date().toISOString() } }) });
        if (state === 'exited') return set({ phase: 'Running', conditions: [scheduled], containerStatuses: states({ terminated: { exitCode: Number(code), reason: Number(code) === 0 ? 'Completed' : 'Error' } }) });
      }
      await new Promise((r2) => setTimeout(r2, 300));
    }
  };
  /** Removes what podman made for a deleted object. */
  const unplay = async (resource: string, name: string) => {
    if (!opts.podman) return;
    if (resource === 'pods') await podman(['pod', 'rm', '-f', '-t', '1', name]);
    if (resource === 'secrets') {
      await podman(['secret', 'rm', name]);
      await podman(['volume', 'rm', name]);
    }
  };
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, reason: string, message: string) => send(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/(?:api\/v1|apis\/networking\.k8s\.io\/v1)\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || !KINDS[m[2]!]) return status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const [, namespace, resource, name] = m as unknown as [string, string, string, string | undefined];
    const watch = url.searchParams.get('watch') === 'true';
    const verb = req.method === 'POST' ? 'create' : req.method === 'DELETE' ? 'delete' : watch ? 'watch' : name ? 'get' : 'list';
    requests.push(`${verb} ${resource}${name ? `/${name}` : ''}`);
    if (forbid.has(`${verb} ${resource}`)) {
      return status(res, 403, 'Forbidden', `${resource} is forbidden: User "x11tester" cannot ${verb} resource "${resource}" in API group "${resource === 'networkpolicies' ? 'networking.k8s.io' : ''}" in the namespace "${namespace}"`);
    }
    if (verb === 'create') {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        const obj = JSON.parse(text) as Obj;
        const key = `${resource}/${obj.metadata.name}`;
        if (store.has(key)) return status(res, 409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
        obj.metadata.namespace = namespace;
        put(key, obj, 'ADDED');
        if (resource === 'pods') {
          if (opts.podman) void playReal(key);
          else play(key);
        }
        send(res, 201, obj);
      });
      return;
    }
    if (verb === 'get' || verb === 'delete') {
      const key = `${resource}/${name}`;
      const obj = store.get(key);
      if (!obj) return status(res, 404, 'NotFound', `${resource} "${name}" not found`);
      if (verb === 'delete') {
        store.delete(key);
        notify(key, 'DELETED', { ...obj, metadata: { ...obj.metadata, deletionTimestamp: new Date().toISOString() } });
        void unplay(resource, name!).then(() => send(res, 200, obj));
        return;
      }
      return send(res, 200, obj);
    }
    if (verb === 'list') {
      const items = [...store.entries()].filter(([k, o]) => k.startsWith(`${resource}/`) && matches(url.searchParams.get('labelSelector') ?? '', o.metadata.labels)).map(([, o]) => o);
      return send(res, 200, { kind: `${KINDS[resource]}List`, apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items });
    }
    // watch of one object: its current version first (ADDED), then every change
    const only = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
    const key = `${resource}/${only}`;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const w = { key, res };
    watchers.add(w);
    req.on('close', () => watchers.delete(w));
    const current = store.get(key);
    if (current) res.write(`${JSON.stringify({ type: 'ADDED', object: current })}\n`);
  });

  // port-forward: GET .../pods/NAME/portforward?ports=N upgraded to a WebSocket
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    requests.push(`create pods/portforward${m ? `/${m[1]}` : ''}`);
    if (!m || !store.has(`pods/${m[1]}`) || (fake.forwardTo === undefined && !opts.podman) || forbid.has('create pods/portforward')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const port = Number(url.searchParams.get('ports'));
    if (opts.podman) {
      void (async () => {
        const infra = (await podman(['pod', 'inspect', m[1]!, '--format', '{{.InfraContainerID}}'])).stdout.trim();
        const pid = (await podman(['inspect', '-f', '{{.State.Pid}}', infra])).stdout.trim();
        if (!/^[1-9]\d*$/.test(pid)) return socket.end('HTTP/1.1 500 Internal Server Error\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          const portBytes = Buffer.from([port & 0xff, port >> 8]);
          ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
          ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
          if (fake.refuseForwards > 0) {
            fake.refuseForwards -= 1;
            ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${m[1]}: dial tcp4 127.0.0.1:${port}: connect: connection refused`)]));
            ws.close();
            return;
          }
          const relay = execa('nsenter', ['-t', pid, '-n', process.execPath, '-e', RELAY, String(port)], { stdio: ['pipe', 'pipe', 'ignore'], reject: false, buffer: false });
          relays.add(relay);
          void relay.then(() => {
            relays.delete(relay);
            ws.close();
          });
          relay.stdout!.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), d])));
          ws.on('message', (data: Buffer) => {
            if (data[0] === 0 && data.length > 1) relay.stdin!.write(data.subarray(1));
          });
          ws.on('close', () => relay.kill('SIGTERM'));
        });
      })();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const portBytes = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
      ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
      const target = connect(fake.forwardTo!, '127.0.0.1');
      target.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), d])));
      target.on('close', () => ws.close());
      target.on('error', () => ws.close());
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) target.write(data.subarray(1));
      });
      ws.on('close', () => target.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const dir = mkdtempSync(join(tmpdir(), 'x11docker-fake-kube-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: fake',
    'clusters:', `- name: fake`, `  cluster: {server: "${url}", insecure-skip-tls-verify: true}`,
    'users:', '- name: tester', '  user: {token: fake-token}',
    'contexts:', '- name: fake', '  context: {cluster: fake, user: tester, namespace: x11test}',
    '- name: other', '  context: {cluster: fake, user: tester, namespace: elsewhere}', '',
  ].join('\n'));
  const fake: FakeKube = {
    url, kubeconfig, store, requests, forbid, refuseForwards: 0,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const r of relays) r.kill('SIGKILL');
      for (const w of watchers) w.res.end();
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fake;
}
