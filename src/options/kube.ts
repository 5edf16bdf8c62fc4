/**
 * The Kubernetes options (preview): `--backend=kubernetes`, `--kube-manifest`,
 * `--kube-namespace NS`, `--kube-context CTX`. A session then is one pod (src/plan/kube.ts),
 * run in the cluster (src/run/kube-session.ts), or only printed (`--kube-manifest`).
 */
import { printable, X11DockerError } from '../errors.js';

/** What the Kubernetes options ask for; present when `--backend=kubernetes` or `--kube-manifest` was given. */
export interface KubeOptions {
  /** `--kube-manifest`: print the YAML that would be applied, start nothing. */
  readonly manifest: boolean;
  /** `--kube-namespace NS`: `metadata.namespace` of every object (a DNS-1123 label); undefined: the context's default. */
  readonly namespace?: string;
  /** `--kube-context CTX`: the kubeconfig context to use (default: the current one); recorded as the Pod's annotation `x11docker/kube-context`. */
  readonly context?: string;
}

/** The value of `--backend` that selects Kubernetes. */
export const KUBERNETES_BACKEND = 'kubernetes';

/**
 * Reads the Kubernetes options.
 * @param backend the last `--backend` value (or undefined).
 * @param flags the option names given; @param last the last value of an option.
 * @returns the options, or undefined when neither `--backend=kubernetes` nor `--kube-manifest` was given.
 * @throws X11DockerError (exit 64) for `--kube-namespace`/`--kube-context` without Kubernetes, a
 *   namespace that is not a DNS-1123 label (RFC 1123: lower-case alphanumerics and '-', at most
 *   63, alphanumeric at both ends, as Kubernetes validates namespaces), or an empty or
 *   control-character context.
 */
export function parseKubeOptions(backend: string | undefined, flags: ReadonlySet<string>, last: (name: string) => string | undefined): KubeOptions | undefined {
  const manifest = flags.has('kube-manifest');
  if (backend !== KUBERNETES_BACKEND && !manifest) {
    for (const name of ['kube-namespace', 'kube-context']) {
      if (flags.has(name)) throw new X11DockerError(`Option --${name} needs --backend=kubernetes or --kube-manifest. Add one of them, or remove --${name}.`);
    }
    return undefined;
  }
  if (backend !== undefined && backend !== KUBERNETES_BACKEND) {
    throw new X11DockerError(`Option --kube-manifest makes a Kubernetes pod, but --backend=${printable(backend)} was given. Use --backend=kubernetes or leave --backend out.`);
  }
  const namespace = last('kube-namespace');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new X11DockerError(`Option --kube-namespace needs a DNS-1123 label (lower-case letters, digits and '-', at most 63), got '${printable(namespace)}', e.g. --kube-namespace=x11docker.`);
  }
  const context = last('kube-context');
  if (context !== undefined && (context === '' || /[\x00-\x1f\x7f]/.test(context))) {
    throw new X11DockerError(`Option --kube-context needs the name of a kubeconfig context (kubectl config get-contexts), got '${printable(context)}'.`);
  }
  return { manifest, ...(namespace !== undefined ? { namespace } : {}), ...(context !== undefined ? { context } : {}) };
}
