import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import { cancelJob } from '../flink/job';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import {
  catchAll, clusterConfig, collect, eventually, FLINK_NODES, helper, nextMessage, onTab, statuses, uniqueName,
  type FlowNode,
} from './node-harness';

function watchFlow(url: string, watch: Record<string, unknown>): FlowNode[] {
  const errorOutput = watch.errorOutput === true;
  return onTab([
    clusterConfig(url),
    { id: 'w', type: 'flink-job-watch', cluster: 'cluster', interval: 0.2, wires: errorOutput ? [['out'], ['err']] : [['out']], ...watch } as unknown as FlowNode,
    { id: 'out', type: 'helper' },
    { id: 'err', type: 'helper' },
    ...catchAll(),
  ]);
}

describe('flink-job-watch', function () {
  let flink: TestFlink;
  let jobName: string;
  let jobId: string;

  before(async function () {
    flink = await testFlink();
    await helper.startServer();
    jobName = uniqueName('nodes-watch');
    jobId = await flink.startJob({ name: jobName });
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await cancelJob(flink.url, jobId);
    await helper.stopServer();
  });

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
    await helper.load(FLINK_NODES, watchFlow(flink.url, { nameFilter: jobName, states: 'CANCELED' }));
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
    await new Promise((resolve) => setTimeout(resolve, 500));
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
