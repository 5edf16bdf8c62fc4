/**
 * `--backend=kubernetes`: the session's objects (src/plan/kube.ts), made from the options and the
 * host facts alone, for `--kube-manifest` (YAML on stdout) and the live path
 * (src/run/kube-session.ts). Touches no cluster and no engine: the image is not inspected (the
 * pod's runtime pulls or finds it), so the image's USER, WORKDIR and ENV are not known here; the
 * display is Xvfb from the `--xc` image (with `--xpra` also an xpra server from it).
 */
import { randomBytes } from 'node:crypto';
import { X11DockerError } from './errors.js';
import { gatherHostFacts } from './host/facts.js';
import type { Options } from './options/parse.js';
import { checkKubeOptions, KUBE_XPRA_PORT, kubeManifest, kubeNames, kubeYaml, type KubeObject } from './plan/kube.js';
import type { HostFacts } from './host/facts.js';
import { planSession, type SessionPlan } from './plan/plan.js';
import { hostProbe } from './plan/probe.js';
import { vncPassword } from './run/html.js';
import { quoteWord } from './quote.js';

/** Size of the `--home` PersistentVolumeClaim (a Kubernetes quantity). */
export const KUBE_HOME_SIZE = '1Gi';

/**
 * Plans the session as a pod: checks the options, gathers the host facts, plans, and makes the
 * objects with a fresh random cookie.
 * @param options parsed options with `kube` set.
 * @returns the objects in the order they are to be created, the plan (notes, warnings, session
 *   id), the host facts, with `--html` the VNC password of the pod's x11vnc and with `--xpra`
 *   the password of the pod's xpra server (both also in the Secret).
 * @throws X11DockerError (exit 64) for options a pod cannot do ({@link checkKubeOptions}) and
 *   every error of planning (as {@link planSession}).
 */
export async function planKube(options: Options): Promise<{ objects: KubeObject[]; plan: SessionPlan; host: HostFacts; vncPassword?: string; xpraPassword?: string }> {
  checkKubeOptions(options);
  // the display is Xvfb from the X server image, in the pod: its binaries count as present
  const podOptions: Options = { ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } };
  const hostFacts = await gatherHostFacts(podOptions, hostProbe(podOptions));
  // --html: x11vnc runs in the pod (the --xc image), websockify here (src/run/kube-session.ts)
  const facts = options.html ? { ...hostFacts, binaries: new Set([...hostFacts.binaries, 'x11vnc']) } : hostFacts;
  const noImageConfig = { id: '', user: '', workingDir: '', entrypoint: [], cmd: [], env: [] };
  const planned = planSession(podOptions, { ...facts, xcImage: true, engine: undefined }, noImageConfig);
  // --xpra: the pod's xpra server injects the client's input with XTEST, which stays on (as with a local --xpra): no note that it is off
  const plan = options.xserver === 'xpra' ? { ...planned, notes: planned.notes.filter((n) => !/^Option --xvfb: the X extension XTEST is off/.test(n)) } : planned;
  const password = plan.html ? vncPassword() : undefined;
  // --xpra: the pod's xpra server (the --xc image) asks for this password; the client here gives it
  const xpraPassword = options.xserver === 'xpra' ? randomBytes(16).toString('hex') : undefined;
  const objects = kubeManifest(plan, options.kube ?? { manifest: true }, randomBytes(16).toString('hex'), options.home === '' ? { size: KUBE_HOME_SIZE } : undefined, password, xpraPassword);
  return { objects, plan, host: hostFacts, ...(password !== undefined ? { vncPassword: password } : {}), ...(xpraPassword !== undefined ? { xpraPassword } : {}) };
}

/**
 * `--kube-manifest`: plans the session as a pod and renders its manifest.
 * @param options parsed options with `kube` set (`--kube-manifest`).
 * @returns the YAML (documents separated by `---`), the plan's notes and warnings for stderr (with
 *   `--html` also how to reach the pod's x11vnc through a port-forward).
 * @throws X11DockerError as {@link planKube}; `--html` with an address or port (a manifest has no
 *   local websockify to bind). With `--xpra`, the note names the port-forward and the `xpra attach` command.
 */
export async function renderKubeManifest(options: Options): Promise<{ yaml: string; plan: SessionPlan }> {
  if (options.html !== undefined && (options.html.host !== '127.0.0.1' || options.html.port !== undefined)) {
    throw new X11DockerError('Option --html with --kube-manifest: the pod\'s x11vnc is reached through a port-forward, so there is no address or port to give. Give --html without a value.');
  }
  const { objects, plan, xpraPassword } = await planKube(options);
  const { pod, secret } = kubeNames(plan.sessionId);
  // kubectl's options for the same cluster and namespace: --kube-context and --kube-namespace as given
  const ns = `${options.kube?.context !== undefined ? ` --context ${quoteWord(options.kube.context)}` : ''}${options.kube?.namespace !== undefined ? ` -n ${options.kube.namespace}` : ''}`;
  if (xpraPassword !== undefined) {
    const hint = `Option --xpra: the pod's xpra server listens on the pod's loopback only and asks for the password in Secret ${secret} (key xprapasswd). To see the app: kubectl${ns} port-forward pod/${pod} ${KUBE_XPRA_PORT}, ` +
      `then: (umask 077; kubectl${ns} get secret ${secret} -o jsonpath='{.data.xprapasswd}' | base64 -d > ~/.x11docker-xprapasswd); ` +
      `xpra attach tcp://127.0.0.1:${KUBE_XPRA_PORT}/ --password-file=$HOME/.x11docker-xprapasswd --tray=no --title=@title@ --opengl=no; or run x11docker --backend=kubernetes --xpra, which does all of it.`;
    return { yaml: kubeYaml(objects), plan: { ...plan, notes: [...plan.notes, hint] } };
  }
  if (!plan.html) return { yaml: kubeYaml(objects), plan };
  const hint = `Option --html: the pod's x11vnc listens on the pod's loopback only. To see the app: kubectl${ns} port-forward pod/${pod} 5900, ` +
    `then a VNC viewer on 127.0.0.1:5900 with the password in Secret ${secret} (key vncpasswd); or run x11docker --backend=kubernetes --html, which does both.`;
  return { yaml: kubeYaml(objects), plan: { ...plan, notes: [...plan.notes, hint] } };
}
