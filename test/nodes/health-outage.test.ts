import assert from 'node:assert/strict';
import { waitForJobState } from '../../dev/flink/job';
import { requireLocalFlink } from '../flink/skips';
import { startFlinkProxy } from './flink-proxy';
import { events, INTERVAL_S, namesOf, roundsAt } from './health-flows';
import { clusterConfig, collect, eventually, FLINK_NODES, helper, listingsAt, nextRequests, statuses, testFlow, withNodeRed } from './node-harness';

/** The JobManager of this suite's cluster is paused: a cluster of its own, so that other test files run on beside it. */
describe('flink-job-health against the real Flink, through a JobManager outage', function () {
  const suite = withNodeRed({ dedicatedTo: 'the JobManager outage of flink-job-health' });

  it('raises a failed job with its root cause; a stopped JobManager is one cluster-unreachable incident and one resolution, and no job incident', async function () {
    requireLocalFlink(this, suite.flink, 'stops and continues the JobManager JVM');
    this.timeout(240_000);
    // The proxy counts the node's listings and health rounds, and sees it give up on each listing of the outage.
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    const config = clusterConfig(proxy.url, { timeout: 2 });
    await helper.load(FLINK_NODES, testFlow(config, [
      { id: 'health', type: 'flink-job-health', interval: INTERVAL_S, sampleInterval: INTERVAL_S, ...namesOf('health-outage-running', 'health-outage-failing'), wires: [['out']] },
    ]));
    const out = collect('out');
    const shown = statuses('health');
    const [running, failing] = await Promise.all([
      suite.startJob('health-outage-running'),
      suite.startJob('health-outage-failing', { failAfterMs: 3000, noWait: true }),
    ]);

    await eventually(() => out.length > 0, 'the job-failed incident', 60_000);
    const failed = out[0]!;
    assert.deepEqual(events(out), [['job-failed', 'opened']]);
    assert.equal(failed.payload.jobId, failing.jobId);
    assert.equal(failed.payload.rootCause?.exceptionClass, 'java.lang.IllegalStateException');
    assert.match(failed.payload.rootCause?.message ?? '', /EndlessJob was asked to fail after 3000 ms/);
    assert.equal(typeof failed.payload.rootCause?.timestamp, 'number');

    // SIGSTOP the JobManager: its REST API stops answering while the TaskManager runs the job on.
    const [jobManager] = suite.flink.local!.pids;
    process.kill(-jobManager!, 'SIGSTOP');
    try {
      await eventually(() => out.length > 1, 'the cluster-unreachable incident', 60_000);
      // Three failed listings more (the node gave up on each; it had each failure once the next listing began): still one incident.
      const failing = await nextRequests(() => listingsAt(proxy), 3, 'listings');
      assert.deepEqual(failing.map((listing) => listing.abandonedAt !== undefined && listing.answer === undefined), [true, true, true],
        'the three listings failed (the node gave up on them unanswered)');
      assert.deepEqual(events(out), [['job-failed', 'opened'], ['cluster-unreachable', 'opened']], 'still one cluster-unreachable incident');
      assert.ok(shown.some((status) => status.fill === 'red'), 'the status is red while the cluster is unreachable');
    } finally {
      process.kill(-jobManager!, 'SIGCONT');
    }
    await eventually(() => out.length > 2, 'the cluster-unreachable resolution', 60_000);
    // Three health rounds of the running job after the outage: no job incident from it.
    await nextRequests(() => roundsAt(proxy, running.jobId), 3, `health rounds of ${running.jobId}`);
    assert.deepEqual(events(out), [['job-failed', 'opened'], ['cluster-unreachable', 'opened'], ['cluster-unreachable', 'resolved']]);
    const [, unreachable, back] = out;
    assert.equal(unreachable!.topic, 'flink/cluster/cluster-unreachable');
    assert.equal(unreachable!.payload.jobId, null);
    assert.equal(back!.payload.incidentId, unreachable!.payload.incidentId);
    assert.equal(await waitForJobState(suite.flink.url, running.jobId, ['RUNNING']), 'RUNNING', 'the job ran on through the outage');
    assert.equal(shown[shown.length - 1]?.fill, 'yellow', 'one incident open (the failed job)');

    // The failed job's incident is over when a job of its name runs again.
    const again = await suite.startJob('health-outage-failing', { name: failing.jobName });
    await eventually(() => out.length > 3, 'the job-failed resolution', 60_000);
    assert.deepEqual(events(out.slice(3)), [['job-failed', 'resolved']]);
    assert.equal(out[3]!.payload.incidentId, failed.payload.incidentId);
    assert.equal(out[3]!.payload.values.replacedBy, again.jobId);
  });
});
