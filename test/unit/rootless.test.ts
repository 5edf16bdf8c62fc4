// Upstream's --rootless[=yes|no]: the engine environment it asks for (DOCKER_HOST of the host
// user's rootless docker daemon, or the rootful one), its one-line refusals, and the check of the
// engine's answer. No engine here: the host facts are made by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/options/parse.js';
import { applyRootlessEnv, checkRootlessEngine, rootlessEngineEnv, type RootlessHost } from '../../src/run/rootless.js';

const user = (exists: string[] = ['/run/user/1000/docker.sock']): RootlessHost => ({ processUid: 1000, userUid: 1000, exists: (p) => exists.includes(p) });

describe('--rootless[=yes|no]', () => {
  test('parsed as upstream: no value is yes, =no, anything else names the option', () => {
    assert.equal(parseCommandLine(['--rootless', 'img']).rootless, 'yes');
    assert.equal(parseCommandLine(['--rootless=no', 'img']).rootless, 'no');
    assert.equal(parseCommandLine(['img']).rootless, undefined);
    assert.throws(() => parseCommandLine(['--rootless=maybe', 'img']), /^X11DockerError: Option --rootless takes yes or no \(got 'maybe'\)/);
  });
  test("docker: --rootless points DOCKER_HOST to the user's rootless daemon, a given unix DOCKER_HOST is kept; a missing socket is a one-line error", () => {
    assert.deepEqual(rootlessEngineEnv('yes', 'docker', {}, user()), { set: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, unset: [] });
    assert.deepEqual(rootlessEngineEnv('yes', 'docker', { DOCKER_HOST: 'unix:///srv/d.sock' }, user(['/srv/d.sock'])).set, { DOCKER_HOST: 'unix:///srv/d.sock' });
    assert.throws(() => rootlessEngineEnv('yes', 'docker', {}, user([])), /^X11DockerError: Option --rootless: no rootless docker daemon's socket at \/run\/user\/1000\/docker\.sock\. .*systemctl --user start docker/);
    assert.throws(() => rootlessEngineEnv('yes', 'docker', { DOCKER_HOST: 'tcp://h:2375' }, user()), /DOCKER_HOST=tcp:\/\/h:2375 is no local socket/);
    // as root (sudo): the calling user's daemon
    assert.equal(rootlessEngineEnv('yes', 'docker', {}, { processUid: 0, userUid: 1001, exists: () => true }).set.DOCKER_HOST, 'unix:///run/user/1001/docker.sock');
  });
  test('docker: --rootless=no clears DOCKER_HOST and takes the default context; no option changes nothing', () => {
    const change = rootlessEngineEnv('no', 'docker', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, user());
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: 'unix:///run/user/1000/docker.sock', PATH: '/bin' };
    applyRootlessEnv(change, env);
    assert.deepEqual(env, { PATH: '/bin', DOCKER_CONTEXT: 'default' });
    assert.deepEqual(rootlessEngineEnv(undefined, 'docker', { DOCKER_HOST: 'x' }, user([])), { set: {}, unset: [] });
  });
  test('podman and nerdctl: rootless as a normal user, rootful as root; the other way round is a one-line error', () => {
    assert.deepEqual(rootlessEngineEnv('yes', 'podman', {}, user()), { set: {}, unset: [] });
    assert.throws(() => rootlessEngineEnv('yes', 'podman', {}, { ...user(), processUid: 0 }), /^X11DockerError: Option --rootless with --backend=podman: x11docker runs as root/);
    assert.throws(() => rootlessEngineEnv('no', 'nerdctl', {}, user()), /^X11DockerError: Option --rootless=no with --backend=nerdctl: rootful nerdctl needs root/);
  });
  test("the engine's answer must match: a rootful daemon with --rootless, a rootless one with --rootless=no, are refused", () => {
    assert.doesNotThrow(() => checkRootlessEngine('yes', 'docker', true));
    assert.doesNotThrow(() => checkRootlessEngine('no', 'docker', false));
    assert.doesNotThrow(() => checkRootlessEngine(undefined, 'docker', true));
    assert.doesNotThrow(() => checkRootlessEngine('yes', 'docker', undefined));
    assert.throws(() => checkRootlessEngine('yes', 'docker', false, { DOCKER_HOST: 'unix:///var/run/docker.sock' }), /^X11DockerError: Option --rootless: the docker engine \(DOCKER_HOST=unix:\/\/\/var\/run\/docker\.sock\) runs rootful/);
    assert.throws(() => checkRootlessEngine('no', 'podman', true), /^X11DockerError: Option --rootless=no: the podman engine runs rootless/);
  });
});
