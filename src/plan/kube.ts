/**
 * `--backend=kubernetes` (preview): a session as one pod, built from the session plan alone
 * (pure; unit-tested and validated against the Kubernetes OpenAPI schema in
 * test/unit/kube.test.ts; run for real with `podman kube play` in test/e2e/kube.test.ts).
 *
 * The objects, in the order `kubectl apply` needs them:
 * - a Secret with the session's cookie (32 hex digits, base64 in `data`): never in the Pod spec;
 * - a NetworkPolicy that denies all ingress and egress of the pod, unless `--network` is given;
 * - with `--home`, a PersistentVolumeClaim per user and image (it outlives the session);
 * - the Pod: an init container `xauth` makes the cookie file from the Secret (a wildcard entry,
 *   as upstream x11docker makes its cookies: `xauth nlist | sed 's/^..../ffff/' | xauth nmerge`)
 *   in a memory emptyDir; the container `display` runs Xvfb from the `--xc` image with `-auth` of
 *   it and makes `/tmp/.X11-unix/X<N>` in an emptyDir that the container `app` (IMAGE and
 *   COMMAND) mounts read-only, with DISPLAY and XAUTHORITY. With `--html`, the container `html`
 *   runs x11vnc (from the `--xc` image) on the pod's own loopback (port {@link KUBE_VNC_PORT};
 *   the VNC password from the Secret, which the init container writes as x11vnc's password
 *   file into a memory emptyDir of its own that the app's container does not mount): no other pod and no node can reach it, only the API's port-forward, which
 *   x11docker's local websockify and browser view use (as with local `--html`). With `--xpra`,
 *   the container `xpra` runs an xpra server (from the `--xc` image, `--use-display` on that
 *   Xvfb) on the pod's loopback port {@link KUBE_XPRA_PORT} with xpra's own password
 *   authentication (`--tcp-auth=file`, the password from the Secret, decoded by the init
 *   container into that emptyDir, not the app's): the user's local xpra client attaches through the API's port-forward.
 * Every container runs as the mirrored user (runAsNonRoot, runAsUser/runAsGroup), with
 * allowPrivilegeEscalation false, all capabilities dropped, seccomp RuntimeDefault and a
 * read-only root file system (HOME and /tmp are emptyDirs or the PVC); the pod has no service
 * account token and no service links, and the session's labels.
 */
import { createHash } from 'node:crypto';
import { stringify, type ScalarTag } from 'yaml';
import { X11DockerError } from '../errors.js';
import type { KubeOptions } from '../options/kube.js';
import type { Options } from '../options/parse.js';
import type { SessionPlan } from './plan.js';
import { XPRA_ENV, XPRA_OFF, XPRA_SERVER_ARGS } from '../xserver/xpra.js';

/** Display number of the pod's X server (the pod has its own network namespace, so no host display can collide; 100 as upstream's first new display). */
export const KUBE_DISPLAY = 100;
/** Where the cookie file is, in every container (a memory emptyDir written by the init container). */
export const KUBE_XAUTHORITY = '/x11docker/xauth/Xauthority';
/** Where the init container finds the Secret's key `cookie`. */
const SECRET_DIR = '/x11docker/secret';
/**
 * TCP port of the pod's x11vnc with `--html`, on the pod's loopback only (`-localhost`): reached
 * through the API's port-forward (`pods/portforward`), never through a Service.
 */
export const KUBE_VNC_PORT = 5900;
/**
 * Where the init container writes the decoded VNC and xpra passwords: a memory emptyDir of its
 * own (volume `passwd`) that only the init container and the container `html` or `xpra` mount,
 * never the app's container (which mounts the cookie's emptyDir `xauth`) nor the display's.
 */
const PASSWD_DIR = '/x11docker/passwd';
/** Where the container html finds the VNC password (decoded by the init container into {@link PASSWD_DIR}). */
const VNC_PASSWD_FILE = `${PASSWD_DIR}/vncpasswd`;

/**
 * TCP port of the pod's xpra server with `--xpra`, on the pod's loopback only
 * (`--bind-tcp=127.0.0.1:PORT`): reached through the API's port-forward, never through a Service.
 */
export const KUBE_XPRA_PORT = 10000;
/** Where the xpra container finds its password (decoded by the init container into the memory emptyDir `passwd`, which the app does not mount; xpra's `file` authentication). */
export const KUBE_XPRA_PASSWD_FILE = `${PASSWD_DIR}/xprapasswd`;

/** Label key that names the session (its id) on every object of the pod, and the NetworkPolicy's pod selector. */
export const KUBE_LABEL_SESSION = 'x11docker/session';

/** One Kubernetes object as plain data (apiVersion, kind, metadata, ...; the API's JSON shape), ready for YAML. */
export type KubeObject = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly [k: string]: unknown }; readonly [k: string]: unknown };

/**
 * Refuses what a pod cannot do (yet), before anything is planned.
 * @param options the parsed options (with `kube`).
 * @throws X11DockerError (exit 64) naming the option and the fix: `--sharedir` (no host folder
 *   in a cluster), `--home=DIR` (a host folder; `--home` alone is a PersistentVolumeClaim), a
 *   display option other than `--xvfb` and `--xpra` (`--html` is Xvfb; not both `--html` and `--xpra`;
 *   no `--desktop`, `--fullscreen`, `--scale` or `--border` with `--xpra` yet), `--xonly`/`--exe`, `--hostnet`,
 *   `--xc=no` (the pod's X server is always in a container), `--network=NAME` of an engine's network,
 *   the options of {@link unsupportedInPod} and {@link droppedByPod}, options for `docker run` after `--`, or no image.
 */
export function checkKubeOptions(options: Options): void {
  const no = (what: string, fix: string) => new X11DockerError(`Option --backend=kubernetes: ${what} ${fix}`);
  if (options.sharedirs.length > 0) throw no('--sharedir shares a host folder, and a cluster has no host folder of yours.', 'Remove --sharedir (use --home for a persistent HOME on a PersistentVolumeClaim).');
  if (options.home !== undefined && options.home !== '') throw no('--home=DIR is a host folder.', 'Use --home alone: a PersistentVolumeClaim per user and image.');
  // (--tty is the X server option 'nothing' after parsing: the message names what the user typed)
  if (options.integration.tty) throw no('--tty is not available in a pod: it has no terminal here.', 'Remove --tty (--html shows the pod\'s display in your browser).');
  if (options.xserver !== undefined && options.xserver !== 'xvfb' && options.xserver !== 'xpra') throw no(`--${options.xserver} is not available in a pod yet.`, 'Use --xvfb (the default there) or --xpra.');
  if (options.xserver === 'xpra' && options.html !== undefined) throw no('--xpra and --html are two ways to see the pod\'s display.', 'Give one of them.');
  const xpraNotYet = options.xserver !== 'xpra' ? [] : ([[options.desktop, '--desktop'], [options.fullscreen, '--fullscreen'], [options.screen.scale !== undefined, '--scale'], [options.screen.border !== undefined, '--border']] as const).filter(([yes]) => yes).map(([, name]) => name);
  if (xpraNotYet.length > 0) throw no(`${xpraNotYet.join(', ')} with --xpra ${xpraNotYet.length > 1 ? 'are' : 'is'} not available in a pod yet (the pod's xpra server shows each window on its own).`, `Remove ${xpraNotYet.length > 1 ? 'them' : xpraNotYet[0]}, or use --xvfb or --html.`);
  if (options.exe || options.xonly || options.image === undefined) throw no('a pod needs an image.', 'Give IMAGE [COMMAND] (no --xonly or --exe).');
  if (options.network === 'host') throw no('--hostnet is not available in a pod.', 'Use --network to allow network access.');
  if (options.xc.mode === 'no') throw no("--xc=no: the pod's X server always runs in a container of the X server image.", 'Remove --xc=no (--xc=IMAGE picks another X server image).');
  if (options.network !== undefined && !['', 'bridge', 'none', 'host'].includes(options.network)) {
    throw no(`--network=${options.network}: a pod cannot join a network of a container engine; it is in the cluster's network or in none.`, 'Use --network (the cluster\'s network) or leave it out (no network).');
  }
  const notYet = [...unsupportedInPod(options), ...droppedByPod(options)];
  if (notYet.length > 0) throw no(`${notYet.join(', ')} ${notYet.length > 1 ? 'are' : 'is'} not available in a pod yet.`, `Remove ${notYet.length > 1 ? 'them' : notYet[0]}, or edit the manifest of --kube-manifest.`);
  if (options.engineArgs.length > 0) throw no(`options for docker run after '--' (${options.engineArgs[0]}) do not apply to a pod.`, "Remove them, or edit the manifest of --kube-manifest.");
}

/**
 * The names of the options given, from pairs of (given?, name as the user types it): the refusal
 * lists of pods ({@link unsupportedInPod}, {@link droppedByPod}) and remote engines (src/plan/remote.ts).
 */
export function givenOptions(pairs: readonly (readonly [boolean, string])[]): string[] {
  return pairs.filter(([yes]) => yes).map(([, name]) => name);
}

/**
 * The options given that the pod does not do yet (container services, host integration, options
 * of a running session), each as its option name; the pod is then never planned without them silently.
 */
export function unsupportedInPod(o: Options): string[] {
  const sv = o.services;
  const ig = o.integration;
  const given: [boolean, string][] = [
    [sv.init !== 'tini' && sv.init !== 'none', `--init=${sv.init}`], [sv.dbus, '--dbus'], [sv.dbusSystem, '--dbus-system'],
    [sv.pulseaudio, '--pulseaudio'], [!!sv.pipewire, '--pipewire'], [sv.alsa, '--alsa'], [sv.gpu, '--gpu'], [sv.hostipc, '--hostipc'], [sv.capDefault, '--cap-default'],
    [sv.sysAdmin, '--sys-admin'], [sv.runAsRoot.length > 0, '--runasroot'], [sv.runAsUser.length > 0, '--runasuser'],
    [ig.interactive || ig.stdin === true, '--interactive/--stdin'], [ig.tty, '--tty'], [ig.groupAdd.length > 0, '--group-add'], [ig.hostdbus, '--hostdbus'],
    [ig.sharessh, '--sharessh'], [ig.webcam, '--webcam'], [ig.printer !== false, '--printer'], [o.homeVolume !== undefined || o.shareVolumes.length > 0, '--home=VOLUME or --share=VOLUME'], [ig.noEntrypoint && o.command.length === 0, '--no-entrypoint without COMMAND'],
    [o.sudouser, '--sudouser'], [o.newPrivileges === 'yes', '--newprivileges'], [o.runtime !== undefined, '--runtime'], [o.limit !== undefined, '--limit'],
    [o.clipboard, '--clipboard'], [o.wm !== undefined && o.wm !== 'none', '--wm'], [o.displayClients.length > 0, '--xeyes/--xlogo'], [o.runFromHost.length > 0, '--runfromhost'],
    [o.wayland || o.waylandenv, '--wayland'], [o.display !== undefined, '--display'], [o.name !== undefined, '--name'],
    [o.printid !== undefined, '--printid'], [o.printenvFile !== undefined, '--printenv=FILE'], [o.showenv, '--showenv'],
    [o.printpid1 !== undefined, '--printpid1'], [o.printinfofile !== undefined, '--printinfofile'],
    [o.screen.xfishtank, '--xfishtank'], [o.screen.xhost !== undefined, '--xhost'], [o.screen.cleanXhost, '--clean-xhost'],
    [o.screen.xoverip !== undefined, '--xoverip'], [o.screen.xauth !== undefined, '--xauth'],
  ];
  return givenOptions(given);
}

/**
 * Options of the X server and the container that the pod's manifest has no place for (its Xvfb
 * command and containers are fixed), each as its option name; without this refusal they would be
 * dropped silently. Not in {@link unsupportedInPod}, which remote engines share: they honour these.
 * @param o the parsed options.
 */
export function droppedByPod(o: Options): string[] {
  const ig = o.integration;
  const given: [boolean, string][] = [
    // the pod's Xvfb has XTEST off unless --xtest, --html (x11vnc) or --xpra (its xpra server) needs it; --xpra --xtest=no cannot be
    [ig.xtest === false && o.xserver === 'xpra', '--xtest=no'], [ig.composite !== undefined, '--composite'], [ig.xopt !== undefined && ig.xopt.length > 0, '--xopt'],
    [ig.dpi !== undefined, '--dpi'], [ig.keymap !== undefined, '--keymap'], [ig.checkwindow !== undefined, '--checkwindow'],
    [o.services.shareCgroup === true, '--sharecgroup'], [o.services.ipcMode !== undefined && !o.services.hostipc, `--ipc=${o.services.ipcMode ?? ''}`],
    // --xw would give the app a Wayland environment without a compositor; --rootless picks a local engine; --homebasedir a host folder
    [o.xw === true, '--xw'], [o.rootless !== undefined, '--rootless'], [o.homebasedir !== undefined, '--homebasedir'],
  ];
  return givenOptions(given);
}

/**
 * Names of a session's objects: `x11docker-<session id>` and suffixes, DNS-1123 (lower case,
 * other characters as '-'); podman kube play names the containers `<pod>-<container>`.
 * @param sessionId the session's id (12 hex digits from the host facts).
 */
export function kubeNames(sessionId: string): { pod: string; secret: string; policy: string } {
  const base = `x11docker-${sessionId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
  return { pod: base, secret: `${base}-cookie`, policy: `${base}-deny-all` };
}

/**
 * Name of the `--home` claim of a user and image: `x11docker-home-<user>-<image>-<hash>`,
 * lower-case, other characters as '-', at most 63 characters (a DNS-1123 label, so it also fits
 * a podman volume name). The hash (8 hex digits of SHA-256 over user and image as given) keeps
 * two images that clean to the same text (`a/b`, `a-b`) or are cut off from sharing a HOME.
 * @param user the container user's name; @param image the image as given (registry, tag and all).
 */
export function homeClaimName(user: string, image: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(`${user}\0${image}`).digest('hex').slice(0, 8);
  return `${`x11docker-home-${clean(user)}-${clean(image)}`.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/**
 * The shell script of the init container: the Secret's hex cookie as a wildcard entry in
 * {@link KUBE_XAUTHORITY}; with `--html` also the VNC password (8 characters) as x11vnc's
 * password file; with `--xpra` the xpra password (32 hex digits, without a newline) as
 * {@link KUBE_XPRA_PASSWD_FILE}. The passwords go to their own emptyDir ({@link PASSWD_DIR}),
 * which the app's container does not mount.
 */
function xauthScript(display: number, vnc: boolean, xpra: boolean): string {
  return [
    'set -eu',
    `c=$(cat ${SECRET_DIR}/cookie)`,
    // podman 4.3 (Debian 12) mounts a Secret's data still base64-encoded: hex has no other characters
    'case "$c" in *[!0-9a-f]*) c=$(printf %s "$c" | base64 -d) ;; esac',
    `xauth -q -f /x11docker/xauth/local add :${display} MIT-MAGIC-COOKIE-1 "$c"`,
    `xauth -q -f /x11docker/xauth/local nlist | sed -e 's/^..../ffff/' | xauth -q -f ${KUBE_XAUTHORITY} nmerge -`,
    'rm -f /x11docker/xauth/local',
    ...(vnc ? [
      `p=$(cat ${SECRET_DIR}/vncpasswd)`,
      // base64 from podman 4.3 (12 characters) or the password itself (8)
      '[ ${#p} -eq 8 ] || p=$(printf %s "$p" | base64 -d)',
      `printf '%s\\n' "$p" > ${VNC_PASSWD_FILE}`,
    ] : []),
    ...(xpra ? [
      `x=$(cat ${SECRET_DIR}/xprapasswd)`,
      // as the cookie: podman 4.3 gives base64 (with '='), a cluster the hex digits
      'case "$x" in *[!0-9a-f]*) x=$(printf %s "$x" | base64 -d) ;; esac',
      `printf '%s' "$x" > ${KUBE_XPRA_PASSWD_FILE}`,
    ] : []),
  ].join('\n');
}


/** `sh -c` that waits (up to 30 s) for the X socket of `display`, then execs its arguments. */
function waitForX(display: number): string[] {
  return ['/bin/sh', '-c', `i=0; while [ ! -S /tmp/.X11-unix/X${display} ] && [ $i -lt 300 ]; do i=$((i+1)); sleep 0.1; done; exec "$@"`, 'x11docker-wait'];
}

/** The app's command: waits (up to 30 s) for the X socket, then runs COMMAND; empty keeps the image's ENTRYPOINT and CMD. */
function appCommand(command: readonly string[], display: number): { command?: string[]; args?: string[] } {
  if (command.length === 0) return {};
  const wait = `i=0; while [ ! -S /tmp/.X11-unix/X${display} ] && [ $i -lt 300 ]; do i=$((i+1)); sleep 0.1; done; exec "$@"`;
  return { command: ['/bin/sh', '-c', wait, 'x11docker-wait'], args: [...command] };
}

/** NAME=VALUE strings as Kubernetes env entries; later ones win, as with `docker run -e`. */
function envEntries(list: readonly string[]): { name: string; value: string }[] {
  const map = new Map<string, string>();
  for (const e of list) {
    const i = e.indexOf('=');
    if (i > 0) map.set(e.slice(0, i), e.slice(i + 1));
  }
  return [...map].map(([name, value]) => ({ name, value }));
}

/**
 * The manifest of a session: Secret, NetworkPolicy (without `--network`), PVC (with `--home`), Pod.
 * @param plan the session plan, made with the Xvfb display from the `--xc` image (src/run/kube-manifest.ts);
 *   needs `container` (image, command, user, env, network, workdir) and `xc` (the X server image).
 * @param kube the Kubernetes options (namespace, context).
 * @param cookieHex the session's cookie: 32 lower-case hex digits (16 random bytes), as `xauth add` takes it.
 * @param home with `--home`: the claim's size, e.g. `1Gi` (a Kubernetes quantity); undefined: HOME is an emptyDir.
 * @param vncPassword with `--html` (`plan.html`): the VNC password (8 letters and digits), kept
 *   in the Secret (key `vncpasswd`); the container `html` runs x11vnc on the pod's loopback port
 *   {@link KUBE_VNC_PORT} with it, for x11docker's port-forward and its local websockify.
 * @param xpraPassword with `--xpra`: the xpra password (32 lower-case hex digits), kept in the
 *   Secret (key `xprapasswd`); the container `xpra` runs an xpra server on the pod's loopback port
 *   {@link KUBE_XPRA_PORT} that asks for it (xpra's `file` authentication), for x11docker's
 *   port-forward and the user's local `xpra attach`.
 * @throws X11DockerError when the plan has no container, the container user is root (runAsNonRoot),
 *   or the cookie is not 32 hex digits.
 */
export function kubeManifest(plan: SessionPlan, kube: KubeOptions, cookieHex: string, home?: { readonly size: string }, vncPassword?: string, xpraPassword?: string): KubeObject[] {
  const c = plan.container;
  if (!c) throw new X11DockerError('Option --backend=kubernetes: a pod needs an image. Give IMAGE [COMMAND].');
  if (c.user.uid === 0 || c.services.rootLaunch) throw new X11DockerError('Option --backend=kubernetes: the pod runs with runAsNonRoot, and the container user is root. Give --hostuser=USER or --user=UID (not 0), or run x11docker as your user.');
  if (!/^[0-9a-f]{32}$/.test(cookieHex)) throw new Error('kubeManifest: the cookie must be 32 lower-case hex digits');
  if (plan.html && !/^[A-Za-z0-9]{8}$/.test(vncPassword ?? '')) throw new Error('kubeManifest: --html needs a VNC password of 8 letters and digits');
  if (xpraPassword !== undefined && !/^[0-9a-f]{32}$/.test(xpraPassword)) throw new Error('kubeManifest: the xpra password must be 32 lower-case hex digits');
  if (xpraPassword !== undefined && plan.html) throw new Error('kubeManifest: --xpra and --html exclude each other');
  const xpra = xpraPassword !== undefined;
  const names = kubeNames(plan.sessionId);
  const display = KUBE_DISPLAY;
  const labels = { 'app.kubernetes.io/name': 'x11docker', 'app.kubernetes.io/managed-by': 'x11docker', [KUBE_LABEL_SESSION]: plan.sessionId };
  const meta = (name: string, more: Record<string, unknown> = {}) => ({ name, ...(kube.namespace !== undefined ? { namespace: kube.namespace } : {}), labels, ...more });
  const user = { uid: c.user.uid, gid: c.user.gid };
  const securityContext = {
    runAsNonRoot: true, runAsUser: user.uid, runAsGroup: user.gid,
    allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  };
  const xauthMount = { name: 'xauth', mountPath: '/x11docker/xauth', readOnly: true };
  // the VNC or xpra password: only the init container (writes it) and html or xpra (read it), never the app
  const passwdMount = { name: 'passwd', mountPath: PASSWD_DIR, readOnly: true };
  const passwords = !!plan.html || xpra;
  const claim = home ? homeClaimName(c.user.name, c.image) : undefined;
  const xc = plan.xc?.image ?? 'x11docker-xserver';
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Secret', metadata: meta(names.secret), type: 'Opaque', data: {
      cookie: Buffer.from(cookieHex).toString('base64'),
      ...(plan.html ? { vncpasswd: Buffer.from(`${vncPassword}\n`).toString('base64') } : {}),
      ...(xpra ? { xprapasswd: Buffer.from(xpraPassword).toString('base64') } : {}),
    } },
  ];
  if (c.network === 'none') {
    objects.push({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(names.policy),
      spec: { podSelector: { matchLabels: { [KUBE_LABEL_SESSION]: plan.sessionId } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    });
  }
  if (claim) {
    objects.push({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: claim, ...(kube.namespace !== undefined ? { namespace: kube.namespace } : {}), labels: { 'app.kubernetes.io/name': 'x11docker', 'app.kubernetes.io/managed-by': 'x11docker' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: home!.size } } },
    });
  }
  const env = envEntries([...c.env, ...c.userEnv]).filter((e) => !e.value.includes(plan.sessionDir) && !['DISPLAY', 'XAUTHORITY'].includes(e.name));
  objects.push({
    apiVersion: 'v1', kind: 'Pod',
    metadata: meta(names.pod, { annotations: { 'x11docker/display': `:${display}`, ...(plan.html ? { 'x11docker/vnc-port': String(KUBE_VNC_PORT) } : {}), ...(xpra ? { 'x11docker/xpra-port': String(KUBE_XPRA_PORT) } : {}), ...(kube.context !== undefined ? { 'x11docker/kube-context': kube.context } : {}) } }),
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      shareProcessNamespace: false,
      // fsGroup: a claim's (or emptyDir's) files belong to the user's group, so a non-root HOME is writable on a cluster
      securityContext: { runAsNonRoot: true, runAsUser: user.uid, runAsGroup: user.gid, fsGroup: user.gid, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{
        name: 'xauth', image: xc, command: ['/bin/sh', '-c', xauthScript(display, !!plan.html, xpra)], securityContext,
        volumeMounts: [{ name: 'cookie', mountPath: SECRET_DIR, readOnly: true }, { ...xauthMount, readOnly: false }, ...(passwords ? [{ ...passwdMount, readOnly: false }] : [])],
      }],
      containers: [
        {
          name: 'display', image: xc,
          // XTEST as the local Xvfb's (src/xserver/hardening.ts hardeningArgs): off unless --xtest, or x11vnc (--html) or the xpra server inject input with it
          command: ['Xvfb', `:${display}`, '-auth', KUBE_XAUTHORITY, '-nolisten', 'tcp', ...(plan.displaySettings.xtest || plan.html || xpra ? [] : ['-extension', 'XTEST']), '-screen', '0', `${plan.size.width}x${plan.size.height}x24`],
          env: [{ name: 'HOME', value: '/tmp' }],
          securityContext,
          volumeMounts: [{ name: 'display-tmp', mountPath: '/tmp' }, { name: 'x11-unix', mountPath: '/tmp/.X11-unix' }, xauthMount],
        },
        ...(plan.html ? [{
          // x11vnc on the pod's loopback: reached only through the API's port-forward (the NetworkPolicy denies ingress), with the VNC password
          name: 'html', image: xc,
          command: [...waitForX(display),
            'x11vnc', '-display', `:${display}`, '-auth', KUBE_XAUTHORITY, '-localhost', '-rfbport', String(KUBE_VNC_PORT), '-rfbportv6', '0', '-no6', '-noipv6',
            '-passwdfile', VNC_PASSWD_FILE, '-forever', '-shared', '-noremote', '-nocmds', '-norc', '-noshm', '-nowf', '-xkb',
            '-desktop', `x11docker :${display}`, ...(plan.clipboard ? [] : ['-nosel', '-noprimary', '-nosetclipboard', '-noclipboard'])],
          ports: [{ name: 'vnc', containerPort: KUBE_VNC_PORT, protocol: 'TCP' }],
          env: [{ name: 'HOME', value: '/tmp' }],
          securityContext,
          volumeMounts: [{ name: 'html-tmp', mountPath: '/tmp' }, { name: 'x11-unix', mountPath: '/tmp/.X11-unix', readOnly: true }, xauthMount, passwdMount],
        }] : []),
        ...(xpra ? [{
          // xpra server on the pod's loopback, on the Xvfb of the container display (XTEST injects
          // the client's keys and pointer); xpra's password authentication; reached only through the API's port-forward
          name: 'xpra', image: xc,
          command: [...waitForX(display),
            'xpra', 'start', `:${display}`, '--use-display=yes', '--daemon=no', '--bind=none', '--socket-dirs=/tmp/xpra', '--mmap=no',
            `--bind-tcp=127.0.0.1:${KUBE_XPRA_PORT}`, `--tcp-auth=file:filename=${KUBE_XPRA_PASSWD_FILE}`, '--ssh-upgrade=no', '--rfb-upgrade=0', '--forward-xdg-open=no',
            ...XPRA_SERVER_ARGS, '--clipboard=no', '--opengl=noprobe', '--resize-display=no', ...XPRA_OFF],
          ports: [{ name: 'xpra', containerPort: KUBE_XPRA_PORT, protocol: 'TCP' }],
          env: [{ name: 'HOME', value: '/tmp' }, { name: 'XDG_RUNTIME_DIR', value: '/tmp' }, { name: 'XAUTHORITY', value: KUBE_XAUTHORITY },
            ...Object.entries(XPRA_ENV).map(([name, value]) => ({ name, value }))],
          securityContext,
          volumeMounts: [{ name: 'xpra-tmp', mountPath: '/tmp' }, { name: 'x11-unix', mountPath: '/tmp/.X11-unix', readOnly: true }, xauthMount, passwdMount],
        }] : []),
        {
          name: 'app', image: c.image, ...appCommand(c.command, display),
          ...(c.workdir !== undefined ? { workingDir: c.workdir } : {}),
          env: [{ name: 'DISPLAY', value: `:${display}` }, { name: 'XAUTHORITY', value: KUBE_XAUTHORITY }, ...env],
          securityContext,
          volumeMounts: [
            { name: 'app-tmp', mountPath: '/tmp' }, { name: 'x11-unix', mountPath: '/tmp/.X11-unix', readOnly: true },
            xauthMount, { name: 'home', mountPath: c.user.home },
          ],
        },
      ],
      volumes: [
        { name: 'cookie', secret: { secretName: names.secret, defaultMode: 0o444, optional: false } },
        { name: 'xauth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        ...(passwords ? [{ name: 'passwd', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] : []),
        { name: 'x11-unix', emptyDir: {} },
        { name: 'display-tmp', emptyDir: {} },
        { name: 'app-tmp', emptyDir: {} },
        ...(plan.html ? [{ name: 'html-tmp', emptyDir: {} }] : []),
        ...(xpra ? [{ name: 'xpra-tmp', emptyDir: {} }] : []),
        claim ? { name: 'home', persistentVolumeClaim: { claimName: claim } } : { name: 'home', emptyDir: {} },
      ],
    },
  });
  return objects;
}

/** Strings that start with `<<` are written quoted: YAML 1.1 readers take a plain `<<` as a merge key. */
const QUOTED_MERGE_LOOKALIKE: ScalarTag = {
  identify: (value) => typeof value === 'string' && value.startsWith('<<'),
  default: true,
  tag: 'tag:yaml.org,2002:str',
  resolve: (text) => text,
  stringify: (item) => JSON.stringify(String(item.value)),
};

/**
 * The objects as one multi-document YAML text (`---` between documents), as `kubectl apply -f`
 * and `podman kube play` read it: no anchors or aliases, no line folding. Written after the
 * YAML 1.1 schema, which those Go readers (go-yaml) follow, so every string that YAML 1.1 would
 * read as something else (`yes`, `on`, `y`, `NO`, `1_000`, `2001-12-14`, `12:30:00`, `<<`) is
 * quoted; the text reads back unchanged under YAML 1.1 and 1.2 alike.
 * @param objects the objects, in the order they are to be applied.
 */
export function kubeYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, {
    lineWidth: 0, aliasDuplicateObjects: false, version: '1.1',
    customTags: (tags) => [QUOTED_MERGE_LOOKALIKE, ...tags.filter((t) => t !== 'merge' && (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge'))],
  })).join('---\n');
}
