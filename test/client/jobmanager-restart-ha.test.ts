import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { FlinkClusterClient, type Progress } from '../../src';
import type { LocalFlinkCluster } from '../../dev/flink/cluster';
import { waitForJobRunning, runFixtureJob } from '../../dev/flink/job';
import { localPath } from '../../dev/paths';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { requireLocalRun } from '../flink/skips';
import { startZooKeeper, type ZooKeeperServer } from '../flink/zookeeper';
import { acrossJobManagerRestart, CALL_TIMEOUT_MS, describeOutcome, jobState, log, outcomeUnknown, seconds, sentTrigger, SNAPSHOT_MS, startCluster } from './jobmanager-restarts';

describe('A JobManager restart with ZooKeeper HA', function () {
  this.timeout(240_000);
  let zookeeper: ZooKeeperServer | undefined;
  let haDir: string | undefined;
  let cluster: LocalFlinkCluster | undefined;
  let jarId: string;
  let client: FlinkClusterClient;
  let jobId: string;

  before(async function () {
    requireLocalRun(this, 'starts ZooKeeper and kills and restarts the JobManager JVM');
    const started = Date.now();
    zookeeper = await startZooKeeper(log);
    log(`ZooKeeper up at ${zookeeper.quorum} in ${seconds(started)}`);
    haDir = mkdtempSync(path.join(os.tmpdir(), 'flink-ha-'));
    ({ cluster, jarId } = await startCluster(undefined, {
      ha: { zookeeperQuorum: zookeeper.quorum, storageDir: pathToFileURL(haDir).href, clusterId: `restart-test-${process.pid}` },
    }));
    client = new FlinkClusterClient({ url: cluster.url });
    jobId = await runFixtureJob(cluster.url, jarId, { name: 'recovered-across-restart', slowSnapshotMs: SNAPSHOT_MS });
  });

  after(async function () {
    await client?.close();
    await cluster?.stop();
    await zookeeper?.stop();
    if (haDir) rmSync(haDir, { recursive: true, force: true });
  });

  it('recovers the job, and the same client reports the interrupted savepoint as FLINK_OUTCOME_UNKNOWN of the recovered job', async function () {
    const restarted = await acrossJobManagerRestart(cluster!, (onProgress) =>
      client.triggerSavepoint(jobId, { onProgress, timeoutMs: CALL_TIMEOUT_MS }));
    assert.equal(await jobState(cluster!.url, jobId), 'RUNNING', 'the new leader recovered the job under its id');
    const error = outcomeUnknown(restarted);
    assert.equal(error.triggerId, sentTrigger(restarted.progress));
    assert.equal(error.jobId, jobId);
    // The state the job had when the new leader first answered: RUNNING, or still INITIALIZING (seen) while it recovers it.
    assert.ok(['INITIALIZING', 'CREATED', 'RUNNING'].includes(error.jobState ?? ''), `the job exists and is not over: ${error.jobState}`);
  });

  it('takes a savepoint through the same client once the new leader is up, and its files exist', async function () {
    await waitForJobRunning(cluster!.url, jobId);
    const location = await client.triggerSavepoint(jobId, { timeoutMs: CALL_TIMEOUT_MS });
    assert.ok(existsSync(path.join(localPath(location), '_metadata')), `${location}/_metadata exists`);
    assert.equal(await jobState(cluster!.url, jobId), 'RUNNING');
  });

  it('stops the job with one savepoint when the stop is sent while the JobManager is down and the new leader comes up 3 s later', async function () {
    await waitForJobRunning(cluster!.url, jobId);
    await cluster!.killJobManager();
    const called = Date.now();
    const progress: Progress[] = [];
    const stopped = client.stopWithSavepoint(jobId, { timeoutMs: CALL_TIMEOUT_MS, onProgress: (p) => progress.push(structuredClone(p)) })
      .then((location) => ({ location }), (error: unknown) => ({ error }));
    await sleep(3000);
    const restarting = cluster!.startJobManager();
    const outcome = await stopped;
    await restarting;
    log(`stop sent while the JobManager was down: ${describeOutcome('location' in outcome ? { value: outcome.location } : outcome)} after ${seconds(called)}`);
    assert.ok('location' in outcome, describeOutcome('error' in outcome ? outcome : { value: outcome }));
    const { location } = outcome;
    const outages = progress.filter((p) => p.outage);
    assert.ok(outages.some((p) => p.outage!.code === 'FLINK_CONNECTION' && p.attempts === 0 && p.triggerId), 'the trigger was re-sent through the outage, and that was reported');
    assert.ok(existsSync(path.join(localPath(location), '_metadata')), `${location}/_metadata exists`);
    const savepoints = await fromCheckpointStatistics(client, jobId, (stats) => {
      const taken = stats.history.filter((entry) => entry.is_savepoint && entry.trigger_timestamp >= called);
      return taken.some((entry) => entry.status === 'COMPLETED') ? taken : undefined;
    });
    // A trigger the recovering leader refused started no savepoint: the history has exactly one, the one returned.
    assert.deepEqual(savepoints.map((entry) => [entry.status, entry.external_path]), [['COMPLETED', location]], 'exactly one savepoint, the one returned');
    assert.equal(await jobState(cluster!.url, jobId), 'FINISHED');
  });
});
