/**
 * Unit: what a Pod's status means for a `--backend=kubernetes` session (src/plan/kube-status.ts)
 * and the 403 line naming the RBAC verb and resource.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forbiddenLine, podVerdict } from '../../src/plan/kube-status.js';

const running = { running: { startedAt: 'now' } };

describe('podVerdict', () => {
  it('pending while scheduled and creating; running once the app container runs', () => {
    assert.deepEqual(podVerdict({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } }), { kind: 'pending' });
    assert.deepEqual(podVerdict({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] } }), { kind: 'pending' });
    assert.deepEqual(podVerdict({ status: { phase: 'Running', containerStatuses: [{ name: 'display', state: running }, { name: 'app', state: { waiting: { reason: 'PodInitializing' } } }] } }), { kind: 'pending' });
    assert.deepEqual(podVerdict({ status: { phase: 'Running', containerStatuses: [{ name: 'display', state: running }, { name: 'app', state: running }] } }), { kind: 'running' });
  });

  it('the app container\'s termination is the session\'s exit code, also when the display runs on', () => {
    assert.deepEqual(podVerdict({ status: { phase: 'Running', containerStatuses: [{ name: 'display', state: running }, { name: 'app', state: { terminated: { exitCode: 3 } } }] } }), { kind: 'ended', exitCode: 3 });
    assert.deepEqual(podVerdict({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] } }), { kind: 'ended', exitCode: 137 });
  });

  it('failed with the cluster\'s reason: Unschedulable, image pull errors, a failed init container, a failed pod', () => {
    const unsched = podVerdict({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available:\n 3 Insufficient cpu.' }] } });
    assert.deepEqual(unsched, { kind: 'failed', reason: 'cannot be scheduled (Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.)' });
    for (const reason of ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError']) {
      const v = podVerdict({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason, message: 'why' } } }] } });
      assert.deepEqual(v, { kind: 'failed', reason: `container app: ${reason}: why` });
    }
    const init = podVerdict({ status: { phase: 'Pending', initContainerStatuses: [{ name: 'xauth', state: { terminated: { exitCode: 1, reason: 'Error' } } }] } });
    assert.deepEqual(init, { kind: 'failed', reason: 'init container xauth failed (exit 1, Error)' });
    const evicted = podVerdict({ status: { phase: 'Failed', reason: 'Evicted', message: 'low on memory' } });
    assert.deepEqual(evicted, { kind: 'failed', reason: 'pod failed before the app ran (Evicted: low on memory)' });
  });
});

describe('forbiddenLine', () => {
  it('names the verb, the resource, its API group and the namespace, with the server\'s message on one line', () => {
    const line = forbiddenLine('create', 'networkpolicies', 'team', 'networkpolicies is forbidden:\nUser "u" cannot create');
    assert.equal(line.split('\n').length, 1);
    assert.match(line, /refused to create networkpolicies in namespace team \(403 Forbidden: networkpolicies is forbidden: User "u" cannot create\)/);
    assert.match(line, /RBAC verb 'create' on resource 'networkpolicies' \(API group networking\.k8s\.io\) in namespace team/);
    assert.match(forbiddenLine('watch', 'pods', 'default', ''), /RBAC verb 'watch' on resource 'pods' in namespace default;/);
  });
});
