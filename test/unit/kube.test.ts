// --backend=kubernetes / --kube-manifest (src/options/kube.ts, src/plan/kube.ts): the options, the
// refusals, and the manifest as a pure function of the plan, validated against the Kubernetes
// OpenAPI schema that kubernetes-models ships (its validate()).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { PersistentVolumeClaim, Pod, Secret } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { parseCommandLine } from '../../src/options/parse.js';
import { planSession } from '../../src/plan/plan.js';
import { checkKubeOptions, homeClaimName, KUBE_XAUTHORITY, kubeManifest, kubeNames, kubeYaml, type KubeObject } from '../../src/plan/kube.js';
import type { HostFacts } from '../../src/host/facts.js';

const COOKIE = '0123456789abcdef0123456789abcdef';
const VNC_PASSWORD = 'Ab3dEf7h';
const XPRA_PASSWORD = 'fedcba9876543210fedcba9876543210';
const host = (more: Partial<HostFacts> = {}): HostFacts => ({
  processUid: 1000, hostUser: { name: 'alice', uid: 1000, gid: 1001, groupName: 'alice', home: '/home/alice' }, hostUserSource: 'invoking',
  binaries: new Set(), sessionId: 'abc123', pid: 77, xcImage: true, ...more,
});
const noImage = { id: '', user: '', workingDir: '', entrypoint: [], cmd: [], env: [] };
/** The manifest as src/kube-manifest.ts makes it (Xvfb from the --xc image). */
const manifest = (argv: string[], h: HostFacts = host()) => {
  const options = parseCommandLine(['--kube-manifest', ...argv]);
  checkKubeOptions(options);
  const plan = planSession({ ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } }, h, noImage);
  return kubeManifest(plan, options.kube!, COOKIE, options.home === '' ? { size: '1Gi' } : undefined, plan.html ? VNC_PASSWORD : undefined, options.xserver === 'xpra' ? XPRA_PASSWORD : undefined);
};
const kinds = (objects: readonly KubeObject[]) => objects.map((o) => o.kind);
const byKind = (objects: readonly KubeObject[], kind: string) => objects.find((o) => o.kind === kind) as Record<string, any>;
const says = (re: RegExp) => (e: Error) => re.test(e.message);

/** Validates one object against the Kubernetes OpenAPI schema of its kind; throws on a violation. */
function validate(o: KubeObject): void {
  const classes: Record<string, new (data: never) => { validate(): void }> = { Pod, Secret, PersistentVolumeClaim, NetworkPolicy };
  const Class = classes[o.kind];
  assert.ok(Class, `no schema class for ${o.kind}`);
  new Class(structuredClone(o) as never).validate();
}

describe('Kubernetes options', () => {
  test('--kube-manifest, --backend=kubernetes, namespace and context', () => {
    assert.deepEqual(parseCommandLine(['--kube-manifest', 'img']).kube, { manifest: true });
    assert.deepEqual(parseCommandLine(['--backend=kubernetes', 'img']).kube, { manifest: false });
    assert.deepEqual(parseCommandLine(['--backend=kubernetes', '--kube-manifest', '--kube-namespace=x11', '--kube-context', 'kind-a', 'img']).kube, { manifest: true, namespace: 'x11', context: 'kind-a' });
    assert.equal(parseCommandLine(['--kube-manifest', 'img']).backend, 'docker');
    assert.equal(parseCommandLine(['img']).kube, undefined);
  });
  test('bad input: one line naming the option', () => {
    assert.throws(() => parseCommandLine(['--kube-namespace=a', 'img']), says(/^Option --kube-namespace needs --backend=kubernetes or --kube-manifest/));
    assert.throws(() => parseCommandLine(['--kube-context=a', 'img']), says(/^Option --kube-context needs --backend=kubernetes/));
    assert.throws(() => parseCommandLine(['--kube-manifest', '--kube-namespace=Bad_NS', 'img']), says(/^Option --kube-namespace needs a DNS-1123 label/));
    assert.throws(() => parseCommandLine(['--kube-manifest', `--kube-namespace=${'a'.repeat(64)}`, 'img']), says(/DNS-1123/));
    assert.throws(() => parseCommandLine(['--kube-manifest', '--kube-context=a\nb', 'img']), says(/^Option --kube-context needs the name/));
    assert.throws(() => parseCommandLine(['--kube-manifest', '--backend=podman', 'img']), says(/^Option --kube-manifest makes a Kubernetes pod, but --backend=podman/));
    assert.throws(() => parseCommandLine(['--backend=kube', 'img']), says(/^Option --backend needs docker, podman, nerdctl or kubernetes/));
  });
  test('refusals: --sharedir, --home=DIR, other displays, --hostnet, docker run options, no image', () => {
    const refuse = (argv: string[], re: RegExp) => assert.throws(() => checkKubeOptions(parseCommandLine(['--kube-manifest', ...argv])), says(re));
    refuse(['--sharedir=/tmp', 'img'], /^Option --backend=kubernetes: --sharedir .*no host folder.*Remove --sharedir/);
    refuse(['--home=/tmp/h', 'img'], /--home=DIR is a host folder\. Use --home alone/);
    refuse(['--xephyr', 'img'], /--xephyr is not available in a pod yet\. Use --xvfb \(the default there\) or --xpra\./);
    refuse(['--nxagent', 'img'], /^Option --backend=kubernetes: --nxagent is not available in a pod yet/);
    refuse(['--xpra', '--html', 'img'], /^Option --backend=kubernetes: --xpra and --html are two ways to see the pod's display\. Give one of them\./);
    checkKubeOptions(parseCommandLine(['--backend=kubernetes', '--xpra', 'img', 'xeyes']));
    refuse(['--xpra', '--desktop', '--scale=2', 'img'], /^Option --backend=kubernetes: --desktop, --scale with --xpra are not available in a pod yet .* Remove them, or use --xvfb or --html\.$/);
    refuse(['--xpra', '--border=red', 'img'], /: --border with --xpra is not available in a pod yet/);
    checkKubeOptions(parseCommandLine(['--kube-manifest', '--html', 'img', 'xeyes']));
    refuse(['--hostnet', 'img'], /--hostnet is not available in a pod/);
    refuse(['--', '--privileged', '--', 'img'], /options for docker run after '--' \(--privileged\)/);
    refuse(['--xonly'], /a pod needs an image/);
    refuse(['--gpu', 'img'], /^Option --backend=kubernetes: --gpu is not available in a pod yet\. Remove --gpu, or edit the manifest/);
    refuse(['--sudouser', '--group-add=video', '--limit', 'img'], /: --group-add, --sudouser, --limit are not available in a pod yet\. Remove them/);
    refuse(['--init=systemd', 'img'], /--init=systemd is not available/);
    refuse(['--no-entrypoint', 'img'], /--no-entrypoint without COMMAND is not available/);
    refuse(['-F', '--xhost', '--xoverip', '--xauth=no', '--clean-xhost', 'img'], /: --xfishtank, --xhost, --clean-xhost, --xoverip, --xauth are not available in a pod yet/);
    refuse(['--showenv', '--printpid1', 'img'], /: --showenv, --printpid1 are not available in a pod yet/);
    checkKubeOptions(parseCommandLine(['--backend=kubernetes', '--html', 'img', 'xeyes']));
    checkKubeOptions(parseCommandLine(['--kube-manifest', '--no-entrypoint', '--no-init', '--env=A=b', '--size=800x600', '--lang=de', 'img', 'xeyes']));
    checkKubeOptions(parseCommandLine(['--kube-manifest', '--xvfb', '--home', 'img']));
  });
  test('refusals: options the manifest has no place for (were dropped silently), each named with its fix', () => {
    const refuse = (argv: string[], re: RegExp) => assert.throws(() => checkKubeOptions(parseCommandLine(['--kube-manifest', ...argv])), says(re));
    refuse(['--xc=no', 'img'], /^Option --backend=kubernetes: --xc=no: the pod's X server always runs in a container of the X server image\. Remove --xc=no \(--xc=IMAGE picks another X server image\)\.$/);
    refuse(['--network=mynet', 'img'], /^Option --backend=kubernetes: --network=mynet: a pod cannot join a network of a container engine; .* Use --network \(the cluster's network\) or leave it out \(no network\)\.$/);
    refuse(['--dpi=120', 'img'], /^Option --backend=kubernetes: --dpi is not available in a pod yet\. Remove --dpi, or edit the manifest of --kube-manifest\.$/);
    refuse(['--keymap=de', '--composite', '--xopt=-br', 'img'], /: --composite, --xopt, --keymap are not available in a pod yet\. Remove them/);
    refuse(['--checkwindow', '--sharecgroup', '--ipc=private', 'img'], /: --checkwindow, --sharecgroup, --ipc=private are not available in a pod yet/);
    // --xw gave the app a Wayland environment without a compositor (breaker); --rootless and --homebasedir had no effect
    refuse(['--xw', 'img'], /^Option --backend=kubernetes: --xw is not available in a pod yet\. Remove --xw/);
    refuse(['--xvfb', '--xw', 'img'], /: --xw is not available in a pod yet/);
    refuse(['--rootless', '--homebasedir=/srv/h', '--home', 'img'], /: --rootless, --homebasedir are not available in a pod yet/);
    // --tty is named as typed (it is the X server option 'nothing' after parsing)
    refuse(['--tty', 'img'], /^Option --backend=kubernetes: --tty is not available in a pod: it has no terminal here\. Remove --tty/);
    // what the pod does honour stays allowed
    for (const ok of [['--xc', 'img'], ['--xc=x11docker-xserver', 'img'], ['--network', 'img'], ['--network=bridge', 'img'], ['--network=none', 'img'], ['--xtest', 'img'], ['--xtest=no', 'img'], ['--ipc=no', 'img']]) {
      checkKubeOptions(parseCommandLine(['--kube-manifest', ...ok]));
    }
  });
});

describe('Kubernetes manifest', () => {
  test('Secret, NetworkPolicy, Pod; each valid against the Kubernetes OpenAPI schema', () => {
    const objects = manifest(['img', 'xeyes']);
    assert.deepEqual(kinds(objects), ['Secret', 'NetworkPolicy', 'Pod']);
    for (const o of objects) validate(o);
    const names = kubeNames('abc123');
    assert.deepEqual(objects.map((o) => o.metadata.name), [names.secret, names.policy, names.pod]);
    for (const o of objects) assert.equal((o.metadata.labels as Record<string, string>)['x11docker/session'], 'abc123');
  });
  test('the schema check catches a wrong field (so the test can fail)', () => {
    const pod = structuredClone(byKind(manifest(['img']), 'Pod'));
    pod.spec.securityContext.runAsNonRoot = 'yes';
    assert.throws(() => validate(pod as KubeObject));
  });
  test('the cookie is in the Secret only, never in the Pod spec', () => {
    const objects = manifest(['img']);
    assert.equal(Buffer.from(byKind(objects, 'Secret').data.cookie, 'base64').toString(), COOKIE);
    const pod = JSON.stringify(byKind(objects, 'Pod'));
    assert.ok(!pod.includes(COOKIE));
    assert.ok(!pod.includes(Buffer.from(COOKIE).toString('base64')));
  });
  test('hardening: every container non-root as the mirrored user, no privilege escalation, no capabilities, seccomp, read-only root', () => {
    const pod = byKind(manifest(['img', 'xeyes']), 'Pod');
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.equal(pod.spec.enableServiceLinks, false);
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.deepEqual(pod.spec.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1001, fsGroup: 1001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    const containers = [...pod.spec.initContainers, ...pod.spec.containers];
    assert.deepEqual(containers.map((c: { name: string }) => c.name), ['xauth', 'display', 'app']);
    for (const c of containers) {
      assert.deepEqual(c.securityContext, {
        runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1001, allowPrivilegeEscalation: false, privileged: false,
        readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });
  test('XTEST of the pod\'s Xvfb: off as the local Xvfb\'s, on with --xtest, --html (x11vnc) and --xpra (its xpra server); --xtest=no refused only with --xpra', () => {
    const viewers = host({ binaries: new Set(['x11vnc', 'websockify']) });
    const xtestOff = (argv: string[]) => byKind(manifest([...argv, 'img'], viewers), 'Pod').spec.containers[0].command.join(' ').includes('-extension XTEST');
    assert.equal(xtestOff([]), true);
    assert.equal(xtestOff(['--xtest=no']), true);
    assert.equal(xtestOff(['--xtest']), false);
    assert.equal(xtestOff(['--html']), false);
    assert.equal(xtestOff(['--xpra']), false);
    const options = parseCommandLine(['--kube-manifest', '--html', '--xtest=no', 'img']);
    const plan = planSession({ ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } }, viewers, noImage);
    assert.ok(plan.notes.some((n) => /^Option --xtest=no: XTEST stays enabled with --html/.test(n)), plan.notes.join('\n'));
    assert.throws(() => checkKubeOptions(parseCommandLine(['--kube-manifest', '--xpra', '--xtest=no', 'img'])), says(/: --xtest=no is not available in a pod yet/));
  });
  test('display: Xvfb from the --xc image with -auth of the cookie; app: DISPLAY, XAUTHORITY, the plan\'s env, the socket read-only', () => {
    const pod = byKind(manifest(['--env=FOO=bar', '--size=800x600', '--xc=my-xserver', 'img', 'xeyes', '-fg', 'red']), 'Pod');
    const [display, app] = pod.spec.containers;
    assert.equal(display.image, 'my-xserver');
    assert.deepEqual(display.command, ['Xvfb', ':100', '-auth', KUBE_XAUTHORITY, '-nolisten', 'tcp', '-extension', 'XTEST', '-screen', '0', '800x600x24']);
    assert.equal(app.image, 'img');
    assert.deepEqual(app.args, ['xeyes', '-fg', 'red']);
    assert.equal(app.command[0], '/bin/sh');
    assert.match(app.command[2], /-S \/tmp\/\.X11-unix\/X100 .*exec "\$@"/);
    const env = Object.fromEntries(app.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.DISPLAY, ':100');
    assert.equal(env.XAUTHORITY, KUBE_XAUTHORITY);
    assert.equal(env.USER, 'alice');
    assert.equal(env.HOME, '/home/alice');
    assert.equal(env.FOO, 'bar');
    const mount = (c: { volumeMounts: { name: string; readOnly?: boolean; mountPath: string }[] }, name: string) => c.volumeMounts.find((m) => m.name === name);
    assert.equal(mount(app, 'x11-unix')?.readOnly, true);
    assert.equal(mount(app, 'x11-unix')?.mountPath, '/tmp/.X11-unix');
    assert.equal(mount(display, 'x11-unix')?.readOnly, undefined);
    assert.equal(mount(app, 'xauth')?.readOnly, true);
    assert.equal(mount(app, 'home')?.mountPath, '/home/alice');
    const init = pod.spec.initContainers[0];
    assert.equal(init.image, 'my-xserver');
    assert.match(init.command[2], /xauth -q -f \/x11docker\/xauth\/local add :100 MIT-MAGIC-COOKIE-1/);
    assert.match(init.command[2], /sed -e 's\/\^\.\.\.\.\/ffff\/'/);
  });
  test('no COMMAND: the image\'s ENTRYPOINT and CMD stay', () => {
    const app = byKind(manifest(['img']), 'Pod').spec.containers[1];
    assert.equal(app.command, undefined);
    assert.equal(app.args, undefined);
  });
  test('--network: no NetworkPolicy; --home: a PVC per user and image mounted as HOME', () => {
    assert.deepEqual(kinds(manifest(['--network', 'img'])), ['Secret', 'Pod']);
    const objects = manifest(['--home', 'docker.io/x11docker/xfce:latest']);
    assert.deepEqual(kinds(objects), ['Secret', 'NetworkPolicy', 'PersistentVolumeClaim', 'Pod']);
    for (const o of objects) validate(o);
    const claim = homeClaimName('alice', 'docker.io/x11docker/xfce:latest');
    assert.match(claim, /^x11docker-home-alice-docker-io-x11docker-xfce-latest-[0-9a-f]{8}$/);
    assert.notEqual(homeClaimName('alice', 'a/b'), homeClaimName('alice', 'a-b'));
    assert.equal(homeClaimName('alice', 'a/b'), homeClaimName('alice', 'a/b'));
    assert.equal(byKind(objects, 'PersistentVolumeClaim').metadata.name, claim);
    assert.deepEqual(byKind(objects, 'Pod').spec.volumes.find((v: { name: string }) => v.name === 'home'), { name: 'home', persistentVolumeClaim: { claimName: claim } });
    assert.match(homeClaimName('a'.repeat(40), 'b'.repeat(40)), /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    assert.notEqual(homeClaimName('a'.repeat(40), 'b'.repeat(40)), homeClaimName('a'.repeat(40), 'b'.repeat(41)));
  });
  test('--html: a container html runs x11vnc on the pod\'s loopback with the password from the Secret, hardened; schema-valid', () => {
    const objects = manifest(['--html', 'img', 'xeyes'], host({ binaries: new Set(['x11vnc', 'websockify']) }));
    for (const o of objects) validate(o);
    const secret = byKind(objects, 'Secret');
    assert.equal(Buffer.from(secret.data.vncpasswd, 'base64').toString(), `${VNC_PASSWORD}\n`);
    const pod = byKind(objects, 'Pod');
    assert.ok(!JSON.stringify(pod).includes(VNC_PASSWORD), 'the VNC password is not in the Pod spec');
    const html = pod.spec.containers.find((c: { name: string }) => c.name === 'html');
    assert.ok(html, 'container html');
    const argv = (html.command as string[]).slice(4);
    assert.deepEqual(argv.slice(0, 8), ['x11vnc', '-display', ':100', '-auth', KUBE_XAUTHORITY, '-localhost', '-rfbport', '5900']);
    assert.ok(argv.includes('-noremote') && argv.includes('-noclipboard'));
    // the password file is the init container's decoded copy in the memory emptyDir (podman 4.3 mounts a Secret's data still base64-encoded)
    assert.equal(argv[argv.indexOf('-passwdfile') + 1], '/x11docker/passwd/vncpasswd');
    assert.match(pod.spec.initContainers[0].command[2], /base64 -d\)\n.*> \/x11docker\/passwd\/vncpasswd/s);
    assert.deepEqual(html.ports, [{ name: 'vnc', containerPort: 5900, protocol: 'TCP' }]);
    assert.equal(pod.metadata.annotations['x11docker/vnc-port'], '5900');
    assert.deepEqual(pod.spec.containers.find((c: { name: string }) => c.name === 'display').command[0], 'Xvfb');
    assert.equal(html.securityContext.runAsUser, 1000);
    assert.deepEqual(html.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(html.securityContext.readOnlyRootFilesystem, true);
    assert.ok(kinds(objects).includes('NetworkPolicy'), 'ingress stays denied: the view comes through the port-forward');
    assert.throws(() => kubeManifest(planSession({ ...parseCommandLine(['--kube-manifest', '--html', 'img']), xserver: 'xvfb' }, host({ binaries: new Set(['x11vnc', 'websockify']) }), noImage), { manifest: true }, COOKIE), /VNC password/);
  });

  test('--xpra: a container xpra runs an xpra server on the pod\'s loopback with xpra\'s password authentication, the password from the Secret only; hardened; schema-valid', () => {
    const objects = manifest(['--xpra', 'img', 'xeyes']);
    for (const o of objects) validate(o);
    assert.deepEqual(kinds(objects), ['Secret', 'NetworkPolicy', 'Pod'], 'ingress stays denied: the client comes through the port-forward');
    const secret = byKind(objects, 'Secret');
    assert.equal(Buffer.from(secret.data.xprapasswd, 'base64').toString(), XPRA_PASSWORD);
    assert.equal(secret.data.vncpasswd, undefined);
    const pod = byKind(objects, 'Pod');
    assert.ok(!JSON.stringify(pod).includes(XPRA_PASSWORD), 'the xpra password is not in the Pod spec');
    assert.deepEqual(pod.spec.containers.map((c: { name: string }) => c.name), ['display', 'xpra', 'app']);
    const xpra = pod.spec.containers.find((c: { name: string }) => c.name === 'xpra');
    assert.equal(xpra.image, 'x11docker-xserver');
    const argv = (xpra.command as string[]).slice(4);
    assert.deepEqual(argv.slice(0, 4), ['xpra', 'start', ':100', '--use-display=yes']);
    for (const a of ['--bind-tcp=127.0.0.1:10000', '--tcp-auth=file:filename=/x11docker/passwd/xprapasswd', '--bind=none', '--daemon=no', '--clipboard=no', '--sharing=no', '--start-new-commands=no', '--file-transfer=no', '--printing=no', '--speaker=no', '--ssh-upgrade=no']) {
      assert.ok(argv.includes(a), `${a} in ${argv.join(' ')}`);
    }
    assert.ok(!argv.some((a) => /^--bind-tcp=(0\.0\.0\.0|\[?::)/.test(a)), 'loopback only');
    assert.deepEqual(xpra.ports, [{ name: 'xpra', containerPort: 10000, protocol: 'TCP' }]);
    assert.equal(pod.metadata.annotations['x11docker/xpra-port'], '10000');
    const env = Object.fromEntries(xpra.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.deepEqual(env, { HOME: '/tmp', XDG_RUNTIME_DIR: '/tmp', XAUTHORITY: KUBE_XAUTHORITY, XPRA_SYSTEM_CONF_DIRS: '', XPRA_UINPUT: '0', NO_AT_BRIDGE: '1' });
    assert.deepEqual(xpra.securityContext, pod.spec.containers[0].securityContext);
    assert.equal(xpra.securityContext.runAsNonRoot, true);
    assert.equal(xpra.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(xpra.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(xpra.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(xpra.volumeMounts.map((m: { mountPath: string; readOnly?: boolean }) => `${m.mountPath}${m.readOnly ? ':ro' : ''}`), ['/tmp', '/tmp/.X11-unix:ro', '/x11docker/xauth:ro', '/x11docker/passwd:ro']);
    assert.ok(pod.spec.volumes.some((v: { name: string; emptyDir?: object }) => v.name === 'xpra-tmp' && v.emptyDir));
    assert.equal(pod.spec.containers[0].command[0], 'Xvfb', 'the display stays the Xvfb');
    const app = pod.spec.containers.find((c: { name: string }) => c.name === 'app');
    assert.deepEqual(app.env.slice(0, 2), [{ name: 'DISPLAY', value: ':100' }, { name: 'XAUTHORITY', value: KUBE_XAUTHORITY }]);
    assert.throws(() => kubeManifest(planSession({ ...parseCommandLine(['--kube-manifest', 'img']), xserver: 'xvfb' }, host(), noImage), { manifest: true }, COOKIE, undefined, undefined, 'short'), /xpra password/);
    assert.ok(!JSON.stringify(manifest(['img'])).includes('xpra'), 'without --xpra no xpra anywhere');
  });

  test('--xpra: the init container decodes the password in both forms (a cluster\'s plain Secret, podman 4.3\'s base64) into the memory emptyDir, without a newline', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const pod = byKind(manifest(['--xpra', 'img', 'xeyes']), 'Pod');
    const script = pod.spec.initContainers[0].command[2] as string;
    for (const form of [XPRA_PASSWORD, Buffer.from(XPRA_PASSWORD).toString('base64')]) {
      const dir = mkdtempSync(join(tmpdir(), 'x11docker-unit-kube-'));
      try {
        mkdirSync(join(dir, 'secret'));
        mkdirSync(join(dir, 'xauth'));
        mkdirSync(join(dir, 'passwd'));
        writeFileSync(join(dir, 'secret', 'cookie'), COOKIE);
        writeFileSync(join(dir, 'secret', 'xprapasswd'), form);
        // xauth itself is not needed here: a shell function stands in for it
        execFileSync('sh', ['-c', `xauth() { :; }\n${script.replaceAll('/x11docker/', `${dir}/`)}`]);
        assert.equal(readFileSync(join(dir, 'passwd', 'xprapasswd'), 'utf8'), XPRA_PASSWORD);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('the VNC and xpra passwords are in a memory emptyDir that only the init container and html or xpra mount, never the app or the display', () => {
    type Mount = { name: string; mountPath: string; readOnly?: boolean };
    type Container = { name: string; command?: string[]; volumeMounts: Mount[] };
    for (const [options, file, reader] of [[['--html'], '/x11docker/passwd/vncpasswd', 'html'], [['--xpra'], '/x11docker/passwd/xprapasswd', 'xpra']] as const) {
      const pod = byKind(manifest([...options, 'img', 'xeyes'], host({ binaries: new Set(['x11vnc', 'websockify']) })), 'Pod');
      const all = [...pod.spec.initContainers, ...pod.spec.containers] as Container[];
      // the password file's volume: the init container's mount that holds the file it writes
      const init = all[0]!;
      assert.match(init.command![2]!, new RegExp(`> ${file}$`, 'm'), `the init container writes ${file}`);
      const holder = init.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
      assert.ok(holder, `a volume of the init container holds ${file}`);
      const volume = pod.spec.volumes.find((v: { name: string }) => v.name === holder.name);
      assert.deepEqual(volume.emptyDir, { medium: 'Memory', sizeLimit: '1Mi' }, 'a memory emptyDir');
      assert.deepEqual(all.filter((c) => c.volumeMounts.some((m) => m.name === holder.name)).map((c) => c.name), ['xauth', reader], `${options[0]}: only init and ${reader} mount the password volume`);
      const app = all.find((c) => c.name === 'app')!;
      assert.ok(!app.volumeMounts.some((m) => file.startsWith(`${m.mountPath}/`)), 'no mount of the app covers the password file');
      assert.ok(app.volumeMounts.some((m) => m.name === 'xauth'), 'the app still has the cookie');
    }
    assert.ok(!byKind(manifest(['img']), 'Pod').spec.volumes.some((v: { name: string }) => v.name === 'passwd'), 'no password volume without --html or --xpra');
  });

  test('--kube-namespace on every object, --kube-context as annotation', () => {
    const options = ['--kube-namespace=desk', '--kube-context=kind-a', '--home', 'img'];
    const objects = manifest(options);
    for (const o of objects) assert.equal(o.metadata.namespace, 'desk');
    assert.equal((byKind(objects, 'Pod').metadata.annotations as Record<string, string>)['x11docker/kube-context'], 'kind-a');
    assert.equal(manifest(['img'])[0]!.metadata.namespace, undefined);
  });
  test('startSession starts no pod: one line pointing to the CLI', async () => {
    const { startSession } = await import('../../src/api.js');
    await assert.rejects(startSession({ image: 'img', kubeManifest: true }), says(/startSession starts no pod; run it with the x11docker command \(x11docker --backend=kubernetes IMAGE\), or print the manifest/));
    await assert.rejects(startSession({ image: 'img', backend: 'kubernetes' }), says(/startSession starts no pod/));
  });
  test('a root container user is refused (runAsNonRoot)', () => {
    assert.throws(() => manifest(['--user=root', 'img']), says(/^Option --backend=kubernetes: the pod runs with runAsNonRoot, and the container user is root/));
  });
  test('YAML: the documents read back as the objects', () => {
    const objects = manifest(['img', 'xeyes']);
    const text = kubeYaml(objects);
    assert.ok(!/[&*]a\d/.test(text));
    assert.deepEqual(parseAllDocuments(text).map((d) => d.toJS()), JSON.parse(JSON.stringify(objects)));
  });
  test('YAML: strings that YAML 1.1 (kubectl\'s and podman\'s reader) takes for booleans, numbers, dates or a merge key are quoted and read back as strings', () => {
    const words = ['yes', 'on', 'y', 'NO', 'Off', '1_000', '2001-12-14', '12:30:00', '<<', '0x1F', '010', '~', 'null', '1e3', '.inf'];
    const objects = manifest(['--env=X11DOCKER_TEST=on', '--', 'img', ...words]);
    const text = kubeYaml(objects);
    for (const version of ['1.1', '1.2'] as const) {
      const back = parseAllDocuments(text, { version }).map((d) => d.toJS());
      assert.deepEqual(back, JSON.parse(JSON.stringify(objects)), `YAML ${version}`);
      const app = byKind(back as KubeObject[], 'Pod').spec.containers[1];
      assert.deepEqual(app.args, words, `YAML ${version}`);
    }
    assert.match(text, /^ {8}- "<<"$/m);
    assert.match(text, /^ {8}- "yes"$/m);
  });
  test('property: any command, --env value, size and namespace give schema-valid objects that read back from the YAML unchanged, and the cookie only in the Secret', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 4 }), text, fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 4000 }),
        fc.option(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/), { nil: undefined }),
        fc.stringMatching(/^[0-9a-f]{32}$/),
        (command, value, width, height, namespace, cookie) => {
          const options = parseCommandLine(['--kube-manifest', `--env=X11DOCKER_TEST=${value}`, `--size=${width}x${height}`, ...(namespace ? [`--kube-namespace=${namespace}`] : []), '--', 'img', ...command]);
          checkKubeOptions(options);
          const plan = planSession({ ...options, xserver: 'xvfb', xc: { mode: 'yes', image: options.xc.image } }, host(), noImage);
          const objects = kubeManifest(plan, options.kube!, cookie);
          for (const o of objects) validate(o);
          for (const version of ['1.1', '1.2'] as const) assert.deepEqual(parseAllDocuments(kubeYaml(objects), { version }).map((d) => d.toJS()), JSON.parse(JSON.stringify(objects)));
          const pod = byKind(objects, 'Pod');
          assert.ok(!JSON.stringify(pod).includes(cookie));
          const app = pod.spec.containers[1];
          assert.deepEqual(app.args ?? [], command);
          assert.equal(app.env.find((e: { name: string }) => e.name === 'X11DOCKER_TEST').value, value);
        },
      ),
      { numRuns: 150 },
    );
  });
});
