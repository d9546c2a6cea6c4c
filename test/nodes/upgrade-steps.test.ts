import assert from 'node:assert/strict';
import { FlinkError, type JobDetails } from '../../src';
import type { FlinkNodeError } from '../../nodes/lib/errors';
import { runUpgrade, type UpgradeClient, type UpgradePlan } from '../../nodes/lib/deploy/upgrade-steps';
import type { Clock } from '../../nodes/lib/clock';

/*
 * flink-upgrade's step machine against a scripted client: the order of steps and which calls each outcome makes.
 * (The real-Flink behaviour is in upgrade.test.ts; this covers the branches Flink cannot be made to take on demand.)
 */

const OLD = 'a'.repeat(32);
const SAVEPOINT = 'file:/savepoints/savepoint-1';

/** A clock that never waits: sleeping moves it forward. */
function fakeClock(): Clock {
  let now = 1_000;
  return { now: () => now, sleep: async (ms) => { now += ms; } };
}

type JobScript = { states: string[]; restarted?: boolean; checkpoints?: number };

/** A client whose jobs follow a script; every call is logged as "<method> <first argument>". */
function scriptedClient(options: {
  stopFails?: boolean;
  runFails?: (jarId: string) => boolean;
  jobs?: (jarId: string) => JobScript;
  intervalMs?: number | null;
  retainedOnCancel?: boolean;
}): { client: UpgradeClient; calls: string[] } {
  const calls: string[] = [];
  const scripts = new Map<string, JobScript>();
  const polls = new Map<string, number>();
  const client: Partial<UpgradeClient> = {
    async stopWithSavepoint(jobId, stopOptions) {
      calls.push(`stop ${jobId}`);
      stopOptions?.onProgress?.({ triggerId: 'b'.repeat(32) } as never);
      if (options.stopFails) throw new FlinkError({ code: 'FLINK_OPERATION_FAILED', message: 'savepoint failed' });
      return SAVEPOINT;
    },
    async runJar(jarId, runOptions) {
      calls.push(`run ${jarId} from ${runOptions?.savepointPath}`);
      if (options.runFails?.(jarId)) throw new FlinkError({ code: 'FLINK_BAD_REQUEST', message: 'main threw' });
      scripts.set(runOptions!.jobId!, options.jobs?.(jarId) ?? { states: ['RUNNING'], checkpoints: 1 });
      return runOptions!.jobId!;
    },
    async getJobStatus(jobId) {
      const script = scripts.get(jobId) ?? { states: ['RUNNING'] };
      return script.states[Math.min(polls.get(jobId) ?? 0, script.states.length - 1)]! as never;
    },
    async getJobDetails(jobId) {
      const script = scripts.get(jobId) ?? { states: ['RUNNING'] };
      const poll = polls.get(jobId) ?? 0;
      polls.set(jobId, poll + 1);
      const state = script.states[Math.min(poll, script.states.length - 1)]!;
      return {
        jobId, jobName: 'job', state, timestamps: { RESTARTING: script.restarted ? 5 : 0 },
        vertices: [{ id: 'v', name: 'v', parallelism: 1, status: state === 'RUNNING' ? 'RUNNING' : 'CREATED' }],
      } as unknown as JobDetails;
    },
    async getCheckpointConfig() {
      const intervalMs = options.intervalMs === undefined ? 500 : options.intervalMs;
      return { enabled: intervalMs !== null, intervalMs, retainedOnCancel: options.retainedOnCancel ?? false };
    },
    async getCheckpointSummary(jobId) {
      const completed = scripts.get(jobId)?.checkpoints ?? 0;
      return {
        completed, failed: 0, inProgress: 0, history: [], latestFailed: null,
        latestCompleted: completed ? { id: 7, status: 'COMPLETED', isSavepoint: false, triggerTimestamp: 1, latestAckTimestamp: 2, failureMessage: null } : null,
        restoredFrom: { id: 1, isSavepoint: true, restoreTimestamp: 1, path: SAVEPOINT },
      };
    },
    async getCheckpointStatistics() {
      return { counts: { completed: 1 }, latest: { completed: { id: 7, external_path: 'file:/chk-7' } } };
    },
    async getJobExceptions() {
      return { entries: [{ exceptionName: 'java.lang.IllegalStateException', stacktrace: 'java.lang.IllegalStateException: broken\n\tat X' }], truncated: false } as never;
    },
    async cancel(jobId) {
      calls.push(`cancel ${jobId}`);
      scripts.set(jobId, { states: ['CANCELED'] });
      polls.set(jobId, 0);
    },
    async waitUntilRunning(jobId) {
      calls.push(`wait ${jobId}`);
      return {} as JobDetails;
    },
  };
  return { client: client as UpgradeClient, calls };
}

function plan(extra: Partial<UpgradePlan> = {}): UpgradePlan {
  return {
    oldJobId: OLD,
    next: { jarId: 'new.jar', entryClass: 'New', parallelism: 2 },
    previous: { jarId: 'old.jar', entryClass: 'Old', args: ['x'] },
    stop: { drain: false },
    verifyWindowMs: 10_000,
    checkpointFallback: false,
    ...extra,
  };
}

const hooks = (): { signal: AbortSignal; clock: Clock } => ({ signal: new AbortController().signal, clock: fakeClock() });
const steps = (report: { steps: Array<{ step: string; result: string }> }): string[] => report.steps.map((s) => `${s.step}:${s.result}`);

async function failure(promise: Promise<unknown>): Promise<FlinkNodeError & { report: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await promise;
  } catch (err) {
    return err as FlinkNodeError & { report: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  throw new Error('expected the upgrade to fail');
}

describe('flink-upgrade\'s steps (scripted client)', function () {
  it('a failed stop ends it: nothing runs, the error keeps the trigger and the old job id', async function () {
    const { client, calls } = scriptedClient({ stopFails: true });
    const error = await failure(runUpgrade(client, plan(), hooks()));
    assert.deepEqual(calls, [`stop ${OLD}`]);
    assert.equal(error.code, 'FLINK_OPERATION_FAILED');
    assert.equal(error.jobId, OLD);
    assert.equal(error.triggerId, 'b'.repeat(32));
    assert.deepEqual(steps(error.report as never), ['stop:failed']);
  });

  it('a run that fails rolls back: the new job id is canceled (if Flink has it) and the previous jar runs from the savepoint', async function () {
    const { client, calls } = scriptedClient({ runFails: (jar) => jar === 'new.jar' });
    const result = await runUpgrade(client, plan(), hooks());
    assert.deepEqual(steps(result), ['stop:ok', 'run:failed', 'cancelNew:ok', 'rollback:ok']);
    assert.equal(result.rolledBack, true);
    assert.match(result.rollbackReason!, /main threw/);
    assert.deepEqual(calls, [`stop ${OLD}`, `run new.jar from ${SAVEPOINT}`, `cancel ${result.newJobId}`, `run old.jar from ${SAVEPOINT}`, `wait ${result.rollbackJobId}`]);
    assert.deepEqual(result.running, { jarId: 'old.jar', entryClass: 'Old', args: ['x'] });
  });

  it('a restart during verification fails it at once, with the root exception, and rolls back', async function () {
    const { client } = scriptedClient({ jobs: (jar) => (jar === 'new.jar' ? { states: ['RUNNING', 'RESTARTING'], restarted: true } : { states: ['RUNNING'] }) });
    const result = await runUpgrade(client, plan(), hooks());
    assert.deepEqual(steps(result), ['stop:ok', 'run:ok', 'verify:failed', 'cancelNew:ok', 'rollback:ok']);
    assert.match(result.rollbackReason!, /IllegalStateException: broken/);
  });

  it('a checkpointing job passes as soon as a checkpoint completed; without checkpoints, only after a window with no restart', async function () {
    const checkpointing = scriptedClient({});
    const clock = fakeClock();
    const fast = await runUpgrade(checkpointing.client, plan(), { signal: new AbortController().signal, clock });
    assert.equal(fast.rolledBack, false);
    assert.equal(fast.steps[2]!.durationMs, 0, 'no waiting for the window');
    assert.equal(fast.steps[2]!.restoredFrom, SAVEPOINT);

    const plain = scriptedClient({ intervalMs: null, jobs: () => ({ states: ['RUNNING'] }) });
    const watched = await runUpgrade(plain.client, plan(), hooks());
    assert.equal(watched.rolledBack, false);
    assert.equal(watched.steps[2]!.durationMs, 10_000, 'watched for the whole window');
    assert.equal(watched.steps[2]!.checkpointIntervalMs, null);
  });

  it('a checkpointing job with no completed checkpoint within the window fails verification', async function () {
    const { client } = scriptedClient({ jobs: (jar) => (jar === 'new.jar' ? { states: ['RUNNING'], checkpoints: 0 } : { states: ['RUNNING'] }) });
    const result = await runUpgrade(client, plan(), hooks());
    assert.match(result.rollbackReason!, /completed no checkpoint within the verify window \(10 s/);
  });

  it('with rollback off, a failed new jar is canceled and the error says which savepoint to start from', async function () {
    const { client, calls } = scriptedClient({ runFails: () => true });
    const error = await failure(runUpgrade(client, plan({ previous: undefined }), hooks()));
    assert.match(error.message, /rollback is off.*savepoint file:\/savepoints\/savepoint-1/);
    assert.deepEqual(steps(error.report as never), ['stop:ok', 'run:failed', 'cancelNew:ok']);
    assert.equal(calls.filter((call) => call.startsWith('run')).length, 1, 'nothing else was run');
  });

  it('a failed rollback is an error that keeps every job id and the savepoint', async function () {
    const { client } = scriptedClient({ runFails: () => true });
    const error = await failure(runUpgrade(client, plan(), hooks()));
    assert.deepEqual(steps(error.report as never), ['stop:ok', 'run:failed', 'cancelNew:ok', 'rollback:failed']);
    assert.equal(error.report.savepoint, SAVEPOINT);
    assert.match(error.report.newJobId as string, /^[0-9a-f]{32}$/);
    assert.match(error.report.rollbackJobId as string, /^[0-9a-f]{32}$/);
    assert.match(error.message, /so did the rollback to jar old\.jar/);
  });

  it('the checkpoint fallback is opt-in, needs retained checkpoints, and the result says which snapshot was used', async function () {
    const refused = scriptedClient({ stopFails: true, retainedOnCancel: false });
    const error = await failure(runUpgrade(refused.client, plan({ checkpointFallback: true }), hooks()));
    assert.match(error.message, /does not retain its checkpoints/);
    assert.deepEqual(refused.calls, [`stop ${OLD}`], 'the old job was not canceled');

    const retained = scriptedClient({ stopFails: true, retainedOnCancel: true });
    // The old job's latest checkpoint as its statistics show it.
    (retained.client as { getCheckpointStatistics: unknown }).getCheckpointStatistics = async () => (
      { counts: { completed: 3 }, latest: { completed: { id: 3, external_path: 'file:/chk-3' } } });
    const result = await runUpgrade(retained.client, plan({ checkpointFallback: true }), hooks());
    assert.deepEqual(steps(result), ['stop:failed', 'checkpointFallback:ok', 'run:ok', 'verify:ok']);
    assert.equal(result.snapshot, 'checkpoint');
    assert.equal(result.savepoint, 'file:/chk-3');
    assert.deepEqual(retained.calls.slice(0, 3), [`stop ${OLD}`, `cancel ${OLD}`, 'run new.jar from file:/chk-3']);
  });
});
