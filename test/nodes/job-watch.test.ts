import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import { type TestFlink } from '../flink/test-cluster';
import { startFlinkProxy } from './flink-proxy';
import {
  collect, eventually, FLINK_NODES, helper, listingsAt, nextMessage, nextRequests, operationFlow, statuses, withRunningJob, type FlowNode,
} from './node-harness';

/** A watch node `w` (polling every 0.2 s) in the one-node operation flow. */
function watchFlow(url: string, watch: Record<string, unknown>): FlowNode[] {
  return operationFlow(url, { id: 'w', type: 'flink-job-watch', interval: 0.2, ...watch });
}

describe('flink-job-watch', function () {
  const suite = withRunningJob('nodes-watch');
  let flink: TestFlink, jobName: string, jobId: string;
  before(function () { ({ flink, jobName, jobId } = suite); });

  it('reports the jobs found at deploy only when asked to, filtered by name', async function () {
    await helper.load(FLINK_NODES, watchFlow(flink.url, { nameFilter: jobName, emitInitial: true }));
    const msg = await nextMessage('out');
    assert.equal(msg.jobId, jobId);
    assert.equal(msg.topic, jobName);
    assert.deepEqual(Object.keys(msg.payload).sort(), ['duration', 'endTime', 'jobId', 'name', 'previousState', 'startTime', 'state']);
    assert.equal(msg.payload.state, 'RUNNING');
    assert.equal(msg.payload.previousState, null);
    await helper.unload();

    await helper.load(FLINK_NODES, watchFlow(flink.url, { nameFilter: `^${jobName}$`, nameMatch: 'regex' }));
    const out = collect('out');
    const seen = statuses('w');
    await eventually(() => seen.filter((s) => s.fill === 'green').length >= 3, 'a few polls');
    assert.deepEqual(out, [], 'no message without a change');
    assert.equal(seen[seen.length - 1]!.text, 'jobs: 1');
  });

  it('reports a real state change: the watched job is cancelled', async function () {
    // Through a proxy that counts the listings: a second report would come with one of the next listings.
    const proxy = suite.closeAfterTest(await startFlinkProxy(flink.url));
    await helper.load(FLINK_NODES, watchFlow(proxy.url, { nameFilter: jobName, states: 'CANCELED' }));
    const seen = statuses('w');
    const out = collect('out');
    await eventually(() => seen.some((s) => s.fill === 'green'), 'the first listing');
    const client = new FlinkClusterClient({ url: flink.url });
    try {
      await client.cancel(jobId);
    } finally {
      await client.close();
    }
    await eventually(() => out.length > 0, 'the change to CANCELED', 30_000);
    // The cluster lists one at a time: once the listing after the next three is asked for, the watch had those three.
    await nextRequests(() => listingsAt(proxy), 3, 'listings', 30_000);
    assert.equal(out.length, 1, 'only the change into a target state is reported, once');
    assert.equal(out[0]!.jobId, jobId);
    assert.equal(out[0]!.payload.state, 'CANCELED');
    assert.ok(['RUNNING', 'CANCELLING'].includes(out[0]!.payload.previousState));
    assert.match(seen[seen.length - 1]!.text!, new RegExp(`CANCELED: ${jobName}$`));
  });

  it('reports an unreachable cluster once per outage, to Catch or to the error output', async function () {
    await helper.load(FLINK_NODES, watchFlow('http://127.0.0.1:9', {}));
    const caught = collect('caught');
    const seen = statuses('w');
    await eventually(() => seen.filter((s) => s.fill === 'red').length >= 3, 'a few failed polls');
    assert.equal(caught.length, 1);
    assert.equal(caught[0]!.error.code, 'FLINK_CONNECTION');
    assert.equal(caught[0]!.topic, 'flink-job-watch');
    assert.deepEqual(seen[seen.length - 1], { fill: 'red', shape: 'ring', text: 'FLINK_CONNECTION' });
    await helper.unload();

    await helper.load(FLINK_NODES, watchFlow('http://127.0.0.1:9', { errorOutput: true }));
    const failed = await nextMessage('err');
    assert.equal(failed.error.code, 'FLINK_CONNECTION');
    assert.equal(failed.error.source.id, 'w');
  });
});
