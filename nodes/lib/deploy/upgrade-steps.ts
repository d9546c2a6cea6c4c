import { newJobId, type ClaimMode, type FlinkClusterClient, type Progress, type SavepointFormatType } from '../../../src';
import { realClock, type Clock } from '../clock';
import { FlinkNodeError, toNodeError } from '../errors';
import type { Redact } from '../secret-masker';
import { verifyJob, type VerifyClient } from './upgrade-verify';

/*
 * flink-upgrade's steps, as a machine that only talks to a client: stop with a savepoint, run the new jar (or SQL)
 * from it, verify the new job, and on a failed run or verification cancel the new job and run the previous jar (or
 * SQL) from the same savepoint. A failed stop ends it there (the old job keeps running); a retained checkpoint replaces
 * the savepoint only when the plan opts in.
 */

export type UpgradeClient = VerifyClient & Pick<FlinkClusterClient, 'stopWithSavepoint' | 'runJar' | 'cancel' | 'waitUntilRunning' | 'getCheckpointStatistics'>;

export type StepName = 'stop' | 'checkpointFallback' | 'run' | 'verify' | 'cancelNew' | 'rollback';

export interface StepRecord {
  step: StepName;
  startedAt: number;
  durationMs: number;
  result: 'ok' | 'failed';
  /** Why the step failed. */
  error?: string;
  code?: string;
  [detail: string]: unknown;
}

/** A jar and how it runs (the new one, or the previous one a rollback runs again). */
export interface JarRun {
  jarId: string;
  entryClass?: string;
  args?: string[];
  parallelism?: number;
}

/** SQL statements (after a session setup) that submit the job, run through the cluster's SQL Gateway. */
export interface SqlRun {
  sql: string;
  setup?: string;
}

/** What a deployment runs: a jar, or SQL. */
export type Deployment = JarRun | SqlRun;

export function isSqlRun(run: Deployment): run is SqlRun {
  return 'sql' in run;
}

/** Starts SQL from a snapshot as the job `jobId`, under the old job's name (the node's SQL Gateway session). */
export type SqlStarter = (run: SqlRun, options: { savepointPath: string; jobId: string; jobName: string; allowNonRestoredState?: boolean; signal: AbortSignal }) => Promise<void>;

export interface UpgradePlan {
  oldJobId: string;
  /** The old job's name: the new job (and a rollback's) gets it too. */
  jobName?: string;
  next: (JarRun & { allowNonRestoredState?: boolean; claimMode?: ClaimMode; flinkConfiguration?: Record<string, string> })
    | (SqlRun & { allowNonRestoredState?: boolean });
  /** The previous deployment, run again when the new one fails; undefined when rollback is off. */
  previous?: Deployment;
  stop: { savepointDir?: string; formatType?: SavepointFormatType; drain: boolean; timeoutMs?: number };
  verifyWindowMs: number;
  /** When the stop fails: cancel the old job and start from its latest retained checkpoint instead. */
  checkpointFallback: boolean;
}

export interface UpgradeReport {
  oldJobId: string;
  /** The job the new jar ran as (also when it failed and was rolled back). */
  newJobId?: string;
  /** The rollback's job, running the previous jar. */
  rollbackJobId?: string;
  /** The snapshot both runs started from. */
  savepoint?: string;
  /** `savepoint` (the stop's) or `checkpoint` (the opted-in fallback to the latest retained checkpoint). */
  snapshot?: 'savepoint' | 'checkpoint';
  steps: StepRecord[];
  rolledBack: boolean;
  rollbackReason?: string;
}

/** A finished upgrade: the new jar runs, or the previous one runs again (rolledBack). */
export interface UpgradeResult extends UpgradeReport {
  savepoint: string;
  snapshot: 'savepoint' | 'checkpoint';
  /** The job that runs now, and the jar or SQL it runs. */
  jobId: string;
  running: Deployment;
}

export interface UpgradeHooks {
  signal: AbortSignal;
  /** Called as each step begins (the node shows it in its status). */
  onStep?(step: StepName): void;
  /** The stop's progress (its trigger id; outages). */
  onProgress?(progress: Progress): void;
  redact?: Redact;
  clock?: Clock;
  /** How SQL runs, for a plan with SQL in it. */
  startSql?: SqlStarter;
}

/** The error of a failed upgrade: what failed, with the report of every step so far (and its job and trigger ids). */
function upgradeError(cause: FlinkNodeError, message: string, report: UpgradeReport, triggerId: string | undefined): FlinkNodeError {
  return new FlinkNodeError(cause.code, message, {
    ...(cause.failureClass ? { failureClass: cause.failureClass } : {}),
    ...(cause.details ? { details: cause.details } : {}),
    ...(triggerId ?? cause.triggerId ? { triggerId: triggerId ?? cause.triggerId } : {}),
    jobId: report.oldJobId,
    report: { ...report, steps: report.steps.map((step) => ({ ...step })), ...(triggerId ? { triggerId } : {}) },
  });
}

export async function runUpgrade(client: UpgradeClient, plan: UpgradePlan, hooks: UpgradeHooks): Promise<UpgradeResult> {
  const { signal } = hooks;
  const clock = hooks.clock ?? realClock;
  const redact = hooks.redact ?? ((text: string) => text);
  const report: UpgradeReport = { oldJobId: plan.oldJobId, steps: [], rolledBack: false };
  let triggerId: string | undefined;

  /** Runs one step and records it; a failure is recorded and rethrown as a FlinkNodeError. */
  async function step<T>(name: StepName, work: () => Promise<T>, details: (value: T) => Record<string, unknown> = () => ({})): Promise<T> {
    hooks.onStep?.(name);
    const startedAt = clock.now();
    try {
      const value = await work();
      report.steps.push({ step: name, startedAt, durationMs: clock.now() - startedAt, result: 'ok', ...details(value) });
      return value;
    } catch (err) {
      const error = toNodeError(err, redact);
      report.steps.push({ step: name, startedAt, durationMs: clock.now() - startedAt, result: 'failed', error: error.message, code: error.code });
      throw error;
    }
  }

  // 1. The savepoint the new jar (and a rollback) starts from.
  let snapshot: { path: string; kind: 'savepoint' | 'checkpoint' };
  try {
    const path = await step('stop', () => client.stopWithSavepoint(plan.oldJobId, {
      ...plan.stop, signal,
      onProgress: (progress) => {
        triggerId = progress.triggerId ?? triggerId;
        hooks.onProgress?.(progress);
      },
    }), (location) => ({ savepoint: location, ...(triggerId ? { triggerId } : {}) }));
    snapshot = { path, kind: 'savepoint' };
  } catch (err) {
    const stopError = err as FlinkNodeError;
    if (!plan.checkpointFallback || signal.aborted) {
      throw upgradeError(stopError, `The stop with savepoint of job ${plan.oldJobId} failed, so nothing was upgraded (the old job keeps running): ${stopError.message}`, report, triggerId);
    }
    try {
      snapshot = { path: await step('checkpointFallback', () => cancelForCheckpoint(client, plan.oldJobId, signal, clock), (path) => ({ checkpoint: path })), kind: 'checkpoint' };
    } catch (fallbackErr) {
      const error = fallbackErr as FlinkNodeError;
      throw upgradeError(error, `The stop with savepoint of job ${plan.oldJobId} failed (${stopError.message}) and so did the fallback to its latest retained checkpoint: ${error.message}`, report, triggerId);
    }
  }
  report.savepoint = snapshot.path;
  report.snapshot = snapshot.kind;

  /** Runs a deployment from the snapshot as job `jobId`. */
  const start = (run: UpgradePlan['next'] | Deployment, jobId: string): Promise<unknown> => {
    if (!isSqlRun(run)) return client.runJar(run.jarId, { ...nextRunOptions(run), savepointPath: snapshot.path, jobId, signal });
    if (!hooks.startSql || !plan.jobName) throw new FlinkNodeError('FLINK_INTERNAL', 'An upgrade with SQL needs the SQL starter and the job name');
    const allowNonRestoredState = 'allowNonRestoredState' in run ? run.allowNonRestoredState : undefined;
    return hooks.startSql({ sql: run.sql, ...(run.setup ? { setup: run.setup } : {}) }, {
      savepointPath: snapshot.path, jobId, jobName: plan.jobName, signal, ...(allowNonRestoredState === undefined ? {} : { allowNonRestoredState }),
    });
  };
  const newWhat = isSqlRun(plan.next) ? 'SQL' : 'jar';

  // 2 and 3. The new jar or SQL from that snapshot, verified.
  const newId = newJobId();
  let reason: FlinkNodeError;
  try {
    await step('run', () => start(plan.next, newId), () => ({ jobId: newId }));
    report.newJobId = newId;
    await step('verify', () => verifyJob(client, newId, plan.verifyWindowMs, signal, clock), (verified) => ({ ...verified }));
    return { ...report, savepoint: snapshot.path, snapshot: snapshot.kind, jobId: newId, running: plainRun(plan.next) };
  } catch (err) {
    reason = err as FlinkNodeError;
    // A run whose answer was lost may still have started the job under the id this upgrade chose.
    report.newJobId = newId;
  }
  if (signal.aborted) throw upgradeError(reason, `The upgrade of job ${plan.oldJobId} was aborted: ${reason.message}`, report, triggerId);

  // 4. Back to the previous jar, from the same snapshot.
  report.rollbackReason = reason.message;
  await step('cancelNew', () => cancelAndWait(client, newId, signal, clock)).catch((err: unknown) => {
    throw upgradeError(err as FlinkNodeError, `The new ${newWhat} failed (${reason.message}) and its job ${newId} could not be canceled, so no rollback was started: ${(err as Error).message}`, report, triggerId);
  });
  if (!plan.previous) {
    throw upgradeError(reason, `The new ${newWhat} failed and rollback is off: no job of it runs now; start it again from ${snapshot.kind} ${snapshot.path}. ${reason.message}`, report, triggerId);
  }
  const previous = plan.previous;
  const rollbackId = newJobId();
  try {
    await step('rollback', async () => {
      await start(isSqlRun(previous) ? previous : { ...runOptions(previous), jarId: previous.jarId }, rollbackId);
      report.rollbackJobId = rollbackId;
      await client.waitUntilRunning(rollbackId, { signal, timeoutMs: Math.max(plan.verifyWindowMs, 60_000) });
    }, () => ({ jobId: rollbackId, ...(isSqlRun(previous) ? { sql: previous.sql } : { jarId: previous.jarId }) }));
  } catch (err) {
    report.rollbackJobId = rollbackId;
    const error = err as FlinkNodeError;
    const previousWhat = isSqlRun(previous) ? 'the previous SQL' : `jar ${previous.jarId}`;
    throw upgradeError(error, `The new ${newWhat} failed (${reason.message}) and so did the rollback to ${previousWhat}: ${error.message}. Start the job from ${snapshot.kind} ${snapshot.path}.`, report, triggerId);
  }
  report.rolledBack = true;
  return { ...report, savepoint: snapshot.path, snapshot: snapshot.kind, jobId: rollbackId, running: plainRun(previous) };
}

/** A run's entry class, arguments and parallelism, as far as it gives them. */
export function runOptions(run: JarRun): { entryClass?: string; args?: string[]; parallelism?: number } {
  return {
    ...(run.entryClass ? { entryClass: run.entryClass } : {}),
    ...(run.args ? { args: run.args } : {}),
    ...(run.parallelism ? { parallelism: run.parallelism } : {}),
  };
}

function plainRun(run: Deployment): Deployment {
  if (isSqlRun(run)) return { sql: run.sql, ...(run.setup ? { setup: run.setup } : {}) };
  return { jarId: run.jarId, ...runOptions(run) };
}

/** The new jar's run: its jar settings, and how it takes the state (only what was asked for). */
function nextRunOptions(next: Exclude<UpgradePlan['next'], SqlRun>): Omit<Exclude<UpgradePlan['next'], SqlRun>, 'jarId'> {
  return {
    ...runOptions(next),
    ...(next.allowNonRestoredState === undefined ? {} : { allowNonRestoredState: next.allowNonRestoredState }),
    ...(next.claimMode ? { claimMode: next.claimMode } : {}),
    ...(next.flinkConfiguration ? { flinkConfiguration: next.flinkConfiguration } : {}),
  };
}

const ENDED = new Set(['FAILED', 'CANCELED', 'FINISHED']);

/** Cancels a job (one Flink never got is fine) and waits until it has ended, so its slots are free for the rollback. */
async function cancelAndWait(client: UpgradeClient, jobId: string, signal: AbortSignal, clock: Clock): Promise<void> {
  try {
    await client.cancel(jobId, { signal });
  } catch (err) {
    if ((err as FlinkNodeError).code === 'FLINK_JOB_NOT_FOUND') return;
    // A job that has ended already cannot be canceled; anything else is a real failure.
    const state = await client.getJobStatus(jobId, { signal }).catch(() => undefined);
    if (state && ENDED.has(state)) return;
    throw err;
  }
  while (!ENDED.has(await client.getJobStatus(jobId, { signal }))) await clock.sleep(200, signal);
}

/** The opted-in fallback: the old job's latest completed checkpoint, if it outlives a cancel; then the cancel. */
async function cancelForCheckpoint(client: UpgradeClient, jobId: string, signal: AbortSignal, clock: Clock): Promise<string> {
  const config = await client.getCheckpointConfig(jobId, { signal });
  if (!config.retainedOnCancel) {
    throw new FlinkNodeError('FLINK_OPERATION_FAILED', `Job ${jobId} does not retain its checkpoints on cancellation (execution.checkpointing.externalized-checkpoint-retention), so none can stand in for the savepoint`);
  }
  const stats = await client.getCheckpointStatistics(jobId, { signal }) as { latest?: { completed?: { external_path?: string } | null } };
  const path = stats.latest?.completed?.external_path;
  if (!path) throw new FlinkNodeError('FLINK_OPERATION_FAILED', `Job ${jobId} has no completed checkpoint to start from`);
  await cancelAndWait(client, jobId, signal, clock);
  return path;
}
