/**
 * `--backend=kubernetes`: the session's objects (src/plan/kube.ts), made from the options and the
 * host facts alone, for `--kube-manifest` (YAML on stdout) and the live path
 * (src/run/kube-session.ts). Touches no cluster and no engine: the image is not inspected (the
 * pod's runtime pulls or finds it), so the image's USER, WORKDIR and ENV are not known here; the
 * display is Xvfb from the `--xc` image.
 */
import { randomBytes } from 'node:crypto';
import { X11DockerError } from './errors.js';
import { gatherHostFacts } from './host/facts.js';
import type { Options } from './options/parse.js';
import { checkKubeOptions, kubeManifest, kubeNames, kubeYaml, type KubeObject } from './plan/kube.js';
import { planSession, type SessionPlan } from './plan/plan.js';
import { hostProbe } from './plan/probe.js';
import { vncPassword } from './run/html.js';

/** Size of the `--home` PersistentVolumeClaim (a Kubernetes quantity). */
export const KUBE_HOME_SIZE = '1Gi';

/**
 * Plans the session as a pod: checks the options, gathers the host facts, plans, and makes the
 * objects with a fresh random cookie.
 * @param options parsed options with `kube` set.
 * @returns the objects in the order they are to be created, the plan (notes, warnings, session
 *   id) and, with `--html`, the VNC password of the pod's x11vnc (also in the Secret).
 * @throws X11DockerError (exit 64) for options a pod cannot do ({@link checkKubeOptions}) and
 *   every error of planning (as {@link planSession}).
 */
export async function planKube(options: Options): Promise<{ objects: KubeObject[]; plan: SessionPlan; vncPassword?: string }> {
  checkKubeOptions(options);
  // the display is Xvfb from the X server image, in the pod: its binaries count as present
  const podOptions: Options = { ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } };
  const hostFacts = await gatherHostFacts(podOptions, hostProbe(podOptions));
  // --html: x11vnc runs in the pod (the --xc image), websockify here (src/run/kube-session.ts)
  const facts = options.html ? { ...hostFacts, binaries: new Set([...hostFacts.binaries, 'x11vnc']) } : hostFacts;
  const noImageConfig = { id: '', user: '', workingDir: '', entrypoint: [], cmd: [], env: [] };
  const plan = planSession(podOptions, { ...facts, xcImage: true, engine: undefined }, noImageConfig);
  const password = plan.html ? vncPassword() : undefined;
  const objects = kubeManifest(plan, options.kube ?? { manifest: true }, randomBytes(16).toString('hex'), options.home === '' ? { size: KUBE_HOME_SIZE } : undefined, password);
  return { objects, plan, ...(password !== undefined ? { vncPassword: password } : {}) };
}

/**
 * `--kube-manifest`: plans the session as a pod and renders its manifest.
 * @param options parsed options with `kube` set (`--kube-manifest`).
 * @returns the YAML (documents separated by `---`), the plan's notes and warnings for stderr (with
 *   `--html` also how to reach the pod's x11vnc through a port-forward).
 * @throws X11DockerError as {@link planKube}; `--html` with an address or port (a manifest has no
 *   local websockify to bind).
 */
export async function renderKubeManifest(options: Options): Promise<{ yaml: string; plan: SessionPlan }> {
  if (options.html !== undefined && (options.html.host !== '127.0.0.1' || options.html.port !== undefined)) {
    throw new X11DockerError('Option --html with --kube-manifest: the pod\'s x11vnc is reached through a port-forward, so there is no address or port to give. Give --html without a value.');
  }
  const { objects, plan } = await planKube(options);
  if (!plan.html) return { yaml: kubeYaml(objects), plan };
  const { pod, secret } = kubeNames(plan.sessionId);
  const ns = options.kube?.namespace !== undefined ? ` -n ${options.kube.namespace}` : '';
  const hint = `Option --html: the pod's x11vnc listens on the pod's loopback only. To see the app: kubectl${ns} port-forward pod/${pod} 5900, ` +
    `then a VNC viewer on 127.0.0.1:5900 with the password in Secret ${secret} (key vncpasswd); or run x11docker --backend=kubernetes --html, which does both.`;
  return { yaml: kubeYaml(objects), plan: { ...plan, notes: [...plan.notes, hint] } };
}
