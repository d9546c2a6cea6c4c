import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { FlinkClusterClient, FlinkError, type Progress } from '../../src';
import { startLocalCluster, type ClusterOptions, type LocalFlinkCluster } from '../../dev/flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { buildFixtureJar, runFixtureJob, uploadJar, waitForJobRunning } from '../../dev/flink/job';
import { localPath } from '../../dev/paths';
import { requireLocalRun, requireVersionLeg } from '../flink/skips';
import { clientTestVersions } from '../flink/test-cluster';
import { startZooKeeper, type ZooKeeperServer } from '../flink/zookeeper';

/** Every snapshot of the job under test takes this long, so a JobManager killed 2 s in is surely mid-savepoint. */
const SNAPSHOT_MS = 8000;
const KILL_AFTER_MS = 2000;
const DOWN_FOR_MS = 4000;
/** Far longer than the restart, so only Flink's answers can end the call. */
const CALL_TIMEOUT_MS = 180_000;

const log = (line: string): void => console.log(`      [restart] ${line}`);
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface Restarted {
  outcome: { value: unknown } | { error: unknown };
  progress: Progress[];
  /** When the new JobManager JVM was started, when the call settled, and progress reports after that. */
  restartedAt: number;
  settledAt: number;
  progressAfterOutcome: number;
}

/**
 * Starts `call`, kills the JobManager's process group 2 s in (mid-snapshot), starts a new one 4 s later and
 * waits for the call's outcome. Checks that the call did not end before the JobManager was back.
 */
async function acrossJobManagerRestart(cluster: LocalFlinkCluster,
  call: (onProgress: (progress: Progress) => void) => Promise<unknown>): Promise<Restarted> {
  const progress: Progress[] = [];
  let settledAt = 0;
  let reportsAtOutcome = 0;
  let triggered: () => void = () => {};
  const triggerSeen = new Promise<void>((resolve) => { triggered = resolve; });
  const started = Date.now();
  const outcome = call((report) => {
    progress.push(structuredClone(report));
    if (report.triggerId) triggered();
  }).then(
    (value) => { settledAt = Date.now(); reportsAtOutcome = progress.length; return { value }; },
    (error: unknown) => { settledAt = Date.now(); reportsAtOutcome = progress.length; return { error }; },
  );
  // Kill 2 s in, but only once Flink has accepted the trigger: a kill while the trigger request itself is
  // in flight is another case (whether the trigger reached Flink is then unknown).
  await Promise.race([triggerSeen, outcome, sleep(30_000)]);
  log(`trigger accepted ${seconds(started)} after the call`);
  await sleep(Math.max(0, started + KILL_AFTER_MS - Date.now()));
  const endedBeforeKill = settledAt !== 0;
  const killedAt = Date.now();
  await cluster.killJobManager();
  await sleep(DOWN_FOR_MS);
  const endedWhileDown = settledAt !== 0;
  const restartedAt = Date.now();
  await cluster.startJobManager(); // also after a failed check, so the next test finds a JobManager
  log(`JobManager killed and back in ${seconds(killedAt)} (new JVM ready in ${seconds(restartedAt)})`);
  const result = await outcome;
  const described = (): string => describeOutcome(result);
  assert.ok(!endedBeforeKill, `the call ended before the JobManager was killed: ${described()}`);
  assert.ok(!endedWhileDown, `the call ended while the JobManager was down: ${described()}`);
  await sleep(1000);
  return { outcome: result, progress, restartedAt, settledAt, progressAfterOutcome: progress.length - reportsAtOutcome };
}

function describeOutcome(outcome: Restarted['outcome']): string {
  if ('value' in outcome) return `succeeded with ${JSON.stringify(outcome.value)}`;
  const { error } = outcome;
  return error instanceof FlinkError ? `${error.code}: ${error.message} ${JSON.stringify(error.toJSON())}` : String(error);
}

/** The triggerId the call reported while polling: the one it sent to Flink. */
function sentTrigger(progress: Progress[]): string {
  const triggerId = progress.find((report) => report.triggerId)?.triggerId;
  assert.ok(triggerId, `no progress report named a trigger id: ${JSON.stringify(progress.slice(0, 3))}`);
  return triggerId;
}

function outcomeUnknown(restarted: Restarted): FlinkError {
  assert.ok('error' in restarted.outcome, `the call succeeded: ${JSON.stringify(restarted.outcome)}`);
  const { error } = restarted.outcome;
  assert.ok(error instanceof FlinkError, `expected a FlinkError, got ${String(error)}`);
  assert.equal(error.code, 'FLINK_OUTCOME_UNKNOWN', describeOutcome(restarted.outcome));
  assert.ok(restarted.settledAt >= restarted.restartedAt, 'the outcome came only after the JobManager was back');
  assert.equal(restarted.progressAfterOutcome, 0, 'no progress reported after the outcome');
  const outages = restarted.progress.filter((report) => report.outage);
  assert.ok(outages.length > 0, 'onProgress reported the outage while the JobManager was down');
  assert.ok(outages.every((report) => report.outage!.forMs >= 0 && report.outage!.code && report.outage!.message));
  return error;
}

async function jobState(url: string, jobId: string): Promise<string | null> {
  const response = await fetch(`${url}/jobs/${jobId}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return null;
  assert.equal(response.status, 200);
  return (await response.json() as { state: string }).state;
}

async function startCluster(version: string | undefined, options: ClusterOptions): Promise<{ cluster: LocalFlinkCluster; jarId: string }> {
  const dist = await ensureFlinkInstalled(await resolveFlinkVersion(version));
  const started = Date.now();
  const cluster = await startLocalCluster(dist, options);
  log(`Flink ${dist.version}${options.ha ? ' with ZooKeeper HA' : ''} up in ${seconds(started)}`);
  return { cluster, jarId: await uploadJar(cluster.url, await buildFixtureJar(dist)) };
}

for (const version of clientTestVersions()) describe(`A JobManager restart without HA, Flink ${version ?? 'default'}`, function () {
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
