import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkClusterClient, FlinkError } from '../../src';
import type { LocalFlinkCluster } from '../../dev/flink/cluster';
import { runFixtureJob } from '../../dev/flink/job';
import { requireLocalRun, requireVersionLeg } from '../flink/skips';
import { acrossJobManagerRestart, CALL_TIMEOUT_MS, jobState, outcomeUnknown, sentTrigger, SNAPSHOT_MS, startCluster } from './jobmanager-restarts';

/** A JobManager restart without HA on a Flink of `version` (`undefined`: the run's default). */
export function describeRestartWithoutHa(version: string | undefined): void {
describe(`A JobManager restart without HA, Flink ${version ?? 'default'}`, function () {
  this.timeout(240_000);
  let cluster: LocalFlinkCluster | undefined;
  let jarId: string;
  let client: FlinkClusterClient;

  before(async function () {
    requireVersionLeg(this, version);
    requireLocalRun(this, 'kills and restarts the JobManager JVM');
    ({ cluster, jarId } = await startCluster(version, {
      config: {
        // Flink forgets a finished savepoint's result 3 s after it completed: a trigger that really expires.
        'rest.async.store-duration': '3s',
        // Without HA the TaskManager re-registers only when the old JobManager's heartbeat times out (50 s by default).
        'heartbeat.timeout': 10_000,
      },
    }));
    client = new FlinkClusterClient({ url: cluster.url });
  });

  after(async function () {
    await client?.close();
    await cluster?.stop();
  });

  it('reports a savepoint trigger whose result expired (rest.async.store-duration) as FLINK_OUTCOME_UNKNOWN of a RUNNING job', async function () {
    const jobId = await runFixtureJob(cluster!.url, jarId, { name: 'expiring-trigger' });
    const triggerId = await client.triggerDetachedSavepoint(jobId);
    let status = await client.getSavepointStatus(jobId, triggerId);
    for (let i = 0; status.state === 'IN_PROGRESS' && i < 300; i++) {
      await sleep(200);
      status = await client.getSavepointStatus(jobId, triggerId);
    }
    assert.equal(status.state, 'COMPLETED', 'Flink knew the trigger and completed it');
    await sleep(5000);
    let caught: unknown;
    await assert.rejects(client.getSavepointStatus(jobId, triggerId), (err: unknown) => { caught = err; return true; });
    assert.ok(caught instanceof FlinkError, String(caught));
    assert.equal(caught.code, 'FLINK_OUTCOME_UNKNOWN', `${caught.code}: ${caught.message}`);
    assert.equal(caught.triggerId, triggerId);
    assert.equal(caught.jobId, jobId);
    assert.equal(caught.jobState, 'RUNNING');
    assert.equal(await jobState(cluster!.url, jobId), 'RUNNING', 'the job still runs');
  });

  it('gives a stop-with-savepoint across a JobManager kill and restart one outcome, after it is back: FLINK_OUTCOME_UNKNOWN with the trigger id, the job gone', async function () {
    const jobId = await runFixtureJob(cluster!.url, jarId, { name: 'stopped-across-restart', slowSnapshotMs: SNAPSHOT_MS });
    const restarted = await acrossJobManagerRestart(cluster!, (onProgress) =>
      client.stopWithSavepoint(jobId, { onProgress, timeoutMs: CALL_TIMEOUT_MS }));
    const error = outcomeUnknown(restarted);
    assert.equal(error.triggerId, sentTrigger(restarted.progress));
    assert.equal(error.jobId, jobId);
    assert.equal(error.jobState, null);
    assert.equal(await jobState(cluster!.url, jobId), null, 'without HA the new JobManager has no such job');
  });
});
}
