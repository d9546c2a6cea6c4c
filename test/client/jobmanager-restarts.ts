import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkError, type Progress } from '../../src';
import { startLocalCluster, type ClusterOptions, type LocalFlinkCluster } from '../../dev/flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { buildFixtureJar, uploadJar } from '../../dev/flink/job';

/* What the JobManager-restart suites share: a call across a killed and restarted JobManager, and its outcome. */

/** Every snapshot of the job under test takes this long, so a JobManager killed 2 s in is surely mid-savepoint. */
export const SNAPSHOT_MS = 8000;
const KILL_AFTER_MS = 2000;
const DOWN_FOR_MS = 4000;
/** Far longer than the restart, so only Flink's answers can end the call. */
export const CALL_TIMEOUT_MS = 180_000;

export const log = (line: string): void => console.log(`      [restart] ${line}`);
export const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

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
export async function acrossJobManagerRestart(cluster: LocalFlinkCluster,
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

export function describeOutcome(outcome: Restarted['outcome']): string {
  if ('value' in outcome) return `succeeded with ${JSON.stringify(outcome.value)}`;
  const { error } = outcome;
  return error instanceof FlinkError ? `${error.code}: ${error.message} ${JSON.stringify(error.toJSON())}` : String(error);
}

/** The triggerId the call reported while polling: the one it sent to Flink. */
export function sentTrigger(progress: Progress[]): string {
  const triggerId = progress.find((report) => report.triggerId)?.triggerId;
  assert.ok(triggerId, `no progress report named a trigger id: ${JSON.stringify(progress.slice(0, 3))}`);
  return triggerId;
}

export function outcomeUnknown(restarted: Restarted): FlinkError {
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

export async function jobState(url: string, jobId: string): Promise<string | null> {
  const response = await fetch(`${url}/jobs/${jobId}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return null;
  assert.equal(response.status, 200);
  return (await response.json() as { state: string }).state;
}

export async function startCluster(version: string | undefined, options: ClusterOptions): Promise<{ cluster: LocalFlinkCluster; jarId: string }> {
  const dist = await ensureFlinkInstalled(await resolveFlinkVersion(version));
  const started = Date.now();
  const cluster = await startLocalCluster(dist, options);
  log(`Flink ${dist.version}${options.ha ? ' with ZooKeeper HA' : ''} up in ${seconds(started)}`);
  return { cluster, jarId: await uploadJar(cluster.url, await buildFixtureJar(dist)) };
}

