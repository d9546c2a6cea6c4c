import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import { startFlinkProxy } from './flink-proxy';
import {
  clusterConfig, collect, eventually, FLINK_NODES, helper, listingsAt, nextRequests, operationFlow, statuses, testFlow, uniqueName, withNodeRed,
} from './node-harness';
import { trackOwnResources } from './resource-tracker';

describe('flink-job-health against a real Flink', function () {
  const suite = withNodeRed();

  it('raises nothing for a running or a cancelled job, and job-failed once, with its root cause, for a job that fails', async function () {
    const prefix = uniqueName('health-smoke');
    const [running, failing] = await Promise.all([
      suite.startJob(`${prefix}-ok`),
      // EndlessJob with failAfterMs throws once running, with restarts off: the job ends FAILED.
      suite.startJob(`${prefix}-fail`, { failAfterMs: 5_000 }),
    ]);
    // Through a proxy that counts the listings: the windows in which a wrong message would show are listings.
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    const flow = operationFlow(proxy.url, { id: 'n', type: 'flink-job-health', interval: 0.3, sampleInterval: 0.3, nameFilter: `^${prefix}`, nameMatch: 'regex' });
    await helper.load(FLINK_NODES, flow);
    let out = collect('out');
    const seen = statuses('n');
    const client = suite.closeAfterTest(new FlinkClusterClient({ url: suite.flink.url }));

    await eventually(() => out.length > 0, 'the job-failed incident', 60_000);
    assert.equal(await client.getJobStatus(failing.jobId), 'FAILED', 'Flink has the job FAILED');
    const { topic, jobId, payload } = out[0]!;
    assert.equal(topic, `flink/${failing.jobName}/job-failed`);
    assert.equal(jobId, failing.jobId);
    assert.equal(payload.kind, 'job-failed');
    assert.equal(payload.event, 'opened');
    assert.equal(payload.severity, 'critical');
    assert.equal(payload.jobId, failing.jobId);
    assert.equal(payload.jobName, failing.jobName);
    assert.match(payload.incidentId, /^[0-9a-f]{24}$/);
    const [listed] = (await client.listJobs()).filter((job) => job.jobId === failing.jobId);
    assert.equal(payload.since, listed!.endTime, 'the incident began when the job ended');
    assert.equal(payload.rootCause.exceptionClass, 'java.lang.IllegalStateException');
    assert.match(payload.rootCause.message, /EndlessJob was asked to fail after 5000 ms/);
    assert.deepEqual(payload.rootCause.failureLabels, {});
    assert.equal(typeof payload.rootCause.timestamp, 'number');

    await client.cancel(running.jobId);
    await eventually(async () => (await client.getJobStatus(running.jobId)) === 'CANCELED', 'the cancelled job to end', 30_000);
    await nextRequests(() => listingsAt(proxy), 3, 'listings that show the job CANCELED', 60_000);
    assert.deepEqual(out.map((msg) => msg.topic), [`flink/${failing.jobName}/job-failed`], 'one message in all: a cancelled job is no incident');
    assert.deepEqual(seen[seen.length - 1], { fill: 'yellow', shape: 'dot', text: '2 jobs · 1 incident' });

    // A full redeploy keeps the node's context: the open incident is adopted, not announced again.
    await helper.setFlows(flow, 'full');
    out = collect('out');
    const redeployed = statuses('n');
    await nextRequests(() => listingsAt(proxy), 3, 'listings after the redeploy', 60_000);
    assert.deepEqual(out, [], 'not announced again after a redeploy');
    assert.equal(redeployed[redeployed.length - 1]!.text, '2 jobs · 1 incident');

    // A restart of Node-RED empties the default (memory) context store: announced once more, under the same id.
    await helper.unload();
    await helper.load(FLINK_NODES, flow);
    out = collect('out');
    await eventually(() => out.length > 0, 'the incident announced after a restart', 30_000);
    await nextRequests(() => listingsAt(proxy), 3, 'listings after the announcement', 60_000);
    assert.deepEqual(out.map((msg) => [msg.payload.event, msg.payload.incidentId]), [['opened', payload.incidentId]]);
  });

  it('opens one cluster-unreachable incident for a cluster that does not answer, and shows it red', async function () {
    await helper.load(FLINK_NODES, operationFlow('http://127.0.0.1:9', { id: 'n', type: 'flink-job-health', interval: 0.2, sampleInterval: 0.2 }));
    const out = collect('out');
    const seen = statuses('n');
    await eventually(() => seen.filter((s) => s.fill === 'red').length >= 3, 'a few failed listings');
    assert.equal(out.length, 1, 'once per outage, not once per listing');
    assert.equal(out[0]!.topic, 'flink/cluster/cluster-unreachable');
    assert.equal(out[0]!.payload.jobId, null);
    assert.equal(out[0]!.payload.values.code, 'FLINK_CONNECTION');
    assert.deepEqual(seen[seen.length - 1], { fill: 'red', shape: 'ring', text: 'cluster unreachable · FLINK_CONNECTION · 1 incident' });
  });

  it('refuses a threshold that cannot work at deploy, naming it, and does not poll', async function () {
    // Each node's cluster behind a proxy of its own: a node with the same intervals and a valid threshold polls, and
    // by the time its cluster has had a few listings, the refused node would have had as many.
    const refused = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    const polling = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    await helper.load(FLINK_NODES, testFlow(undefined, [
      clusterConfig(refused.url),
      { ...clusterConfig(polling.url), id: 'polling-cluster' },
      { id: 'n', type: 'flink-job-health', cluster: 'cluster', interval: 0.2, sampleInterval: 0.2, failedCheckpoints: 2.5, wires: [['out']] },
      { id: 'valid', type: 'flink-job-health', cluster: 'polling-cluster', interval: 0.2, sampleInterval: 0.2, failedCheckpoints: 2, wires: [['err']] },
    ]));
    const out = collect('out');
    await nextRequests(() => listingsAt(polling), 3, 'listings of the node with a valid threshold', 60_000);
    // The node refuses it as it starts (before this test can listen): read the calls it made.
    const node = helper.getNode('n')!;
    const errors = (node.error as unknown as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> }).getCalls()
      .filter((call) => call.thisValue === node).map((call) => call.args[0] as { code?: string; message: string });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(errors[0]!.message, /The node's Failed checkpoints must be a whole number from 0 \(off\) to 1000000, got the number 2\.5/);
    assert.deepEqual(refused.requests.map((request) => `${request.method} ${request.path}`), [], 'no request to its cluster: no listing, no health round');
    assert.deepEqual(out, [], 'no incident');
  });

  it('a closed health node stops listing and measuring, and leaves no socket or timer', async function () {
    const { jobId, jobName } = await suite.startJob('health-close');
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    const tracker = trackOwnResources();
    await helper.load(FLINK_NODES, testFlow(proxy.url, [
      { id: 'n', type: 'flink-job-health', interval: 0.1, sampleInterval: 0.1, nameFilter: jobName, backpressureFor: 1, wires: [['out']] },
    ], { noCatch: true }));
    const measured = (): number => proxy.requests.filter((request) => request.path.startsWith(`/jobs/${jobId}/`)).length;
    await eventually(() => proxy.requests.some((request) => request.path.includes('/backpressure')) && measured() >= 6, 'a few health rounds');
    await helper.unload();
    const requests = proxy.requests.length;
    await eventually(() => proxy.openConnections() === 0, 'the connections to close', 5_000);
    // Once no timer or socket of the package is left, nothing can ask Flink for anything any more.
    assert.deepEqual(await tracker.leftBehind(5_000), []);
    assert.equal(proxy.requests.length, requests, 'no listing or measurement after close');
    await helper.load(FLINK_NODES, []); // the afterEach unload needs something loaded
  });
});
