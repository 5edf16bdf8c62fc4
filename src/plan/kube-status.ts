/**
 * `--backend=kubernetes`, pure part of the live path: what a Pod's status (as the API returns
 * it) means for the session, and the one-line messages for the cluster's refusals. No client,
 * no I/O: unit-tested in test/unit/kube-status.test.ts, used by src/run/kube-session.ts.
 */

/** The parts of a container status that x11docker reads (the API's `V1ContainerStatus`). */
export interface KubeContainerStatus {
  readonly name: string;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly running?: object;
    readonly terminated?: { readonly exitCode: number; readonly reason?: string; readonly message?: string };
  };
}

/** The parts of a Pod that x11docker reads (the API's `V1Pod`). */
export interface KubePodView {
  readonly metadata?: { readonly name?: string; readonly deletionTimestamp?: unknown };
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
    readonly initContainerStatuses?: readonly KubeContainerStatus[];
    readonly containerStatuses?: readonly KubeContainerStatus[];
  };
}

/**
 * What a Pod's status means for the session:
 * - `pending`: not yet running, keep watching;
 * - `running`: the app container runs;
 * - `ended`: the app container terminated with `exitCode`;
 * - `failed`: it will not run (unschedulable, image pull error, a container that cannot be
 *   created, the pod failed before the app ran): `reason` is the cluster's reason and message.
 */
export type KubePodVerdict =
  | { readonly kind: 'pending' }
  | { readonly kind: 'running' }
  | { readonly kind: 'ended'; readonly exitCode: number }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Waiting reasons of a container that will not go away by waiting: the kubelet backs off and
 * retries, but the session would hang. `ContainerCreating` and `PodInitializing` are not here.
 */
const HOPELESS_WAITING = new Set(['ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'CrashLoopBackOff', 'RunContainerError']);

/** `reason: message` (either one alone when the other is empty), on one line. */
function reasonText(reason: string | undefined, message: string | undefined): string {
  const oneLine = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
  return [oneLine(reason), oneLine(message)].filter(Boolean).join(': ') || 'no reason given';
}

/**
 * Reads a Pod's status.
 * @param pod the Pod as the API returns it (a watch event's object or a GET).
 * @param app the name of the app container (`app` in src/plan/kube.ts).
 * @returns the verdict; an app container's termination wins over everything else (its exit code
 *   is the session's), then the pod's failure, then a container waiting for a hopeless reason or
 *   the scheduler's `Unschedulable` condition.
 */
export function podVerdict(pod: KubePodView, app = 'app'): KubePodVerdict {
  const s = pod.status ?? {};
  const appStatus = s.containerStatuses?.find((c) => c.name === app);
  const ended = appStatus?.state?.terminated;
  if (ended) return { kind: 'ended', exitCode: ended.exitCode };
  if (s.phase === 'Failed' || s.phase === 'Succeeded') return { kind: 'failed', reason: `pod ${s.phase.toLowerCase()} before the app ran (${reasonText(s.reason, s.message)})` };
  for (const c of [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w?.reason && HOPELESS_WAITING.has(w.reason)) return { kind: 'failed', reason: `container ${c.name}: ${reasonText(w.reason, w.message)}` };
    const t = c.state?.terminated;
    if (t && t.exitCode !== 0 && (s.initContainerStatuses ?? []).includes(c)) return { kind: 'failed', reason: `init container ${c.name} failed (exit ${t.exitCode}${t.reason ? `, ${t.reason}` : ''})` };
  }
  const scheduled = s.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return { kind: 'failed', reason: `cannot be scheduled (${reasonText(scheduled.reason, scheduled.message)})` };
  if (s.phase === 'Running' && appStatus?.state?.running) return { kind: 'running' };
  return { kind: 'pending' };
}

/** The API's plural resource names of the kinds x11docker creates, for RBAC messages. */
export const KUBE_RESOURCES = { Pod: 'pods', Secret: 'secrets', NetworkPolicy: 'networkpolicies', PersistentVolumeClaim: 'persistentvolumeclaims', PortForward: 'pods/portforward' } as const;

/** API group of each resource ('' is the core group), as an RBAC Role names it. */
const API_GROUP: Record<string, string> = { pods: '', secrets: '', persistentvolumeclaims: '', 'pods/portforward': '', networkpolicies: 'networking.k8s.io' };

/**
 * The one line for a request the cluster refused with 403 Forbidden: which RBAC verb on which
 * resource is missing, and the API server's own message.
 * @param verb the RBAC verb (`create`, `get`, `watch`, `list`, `delete`).
 * @param resource the plural resource (`pods`, `networkpolicies`, ...).
 * @param namespace the namespace of the request.
 * @param serverMessage the `message` of the API's Status (may be empty).
 */
export function forbiddenLine(verb: string, resource: string, namespace: string, serverMessage: string): string {
  const group = API_GROUP[resource] ?? '';
  return `Option --backend=kubernetes: the cluster refused to ${verb} ${resource} in namespace ${namespace} (403 Forbidden${serverMessage ? `: ${serverMessage.replace(/\s+/g, ' ').trim()}` : ''}). Ask your cluster admin for RBAC verb '${verb}' on resource '${resource}'${group ? ` (API group ${group})` : ''} in namespace ${namespace}; the README's Kubernetes section lists every verb x11docker needs.`;
}
