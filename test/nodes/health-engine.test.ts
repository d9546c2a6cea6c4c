import assert from 'node:assert/strict';
import { HealthEngine, type HealthEngineOptions, type HealthThresholds } from '../../nodes/lib/health/health-engine';
import { incidentId, type Incident, type IncidentEvent } from '../../nodes/lib/health/incidents';
import { checkpointSample, type CheckpointSample } from '../../nodes/lib/health/job-sample';
import { rootCauseOf } from '../../nodes/lib/health/root-cause';
import { readThresholds } from '../../nodes/lib/health/thresholds';
import type { ApplicationOverview, ApplicationStatus, CheckpointEntry, JobStatus, JobStatusMessage } from '../../src';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const T0 = 1_700_000_000_000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const OFF: HealthThresholds = { restartCount: 0, restartWindowMs: MINUTE, failedCheckpoints: 0, staleCheckpointsMs: 0, backpressureForMs: 0 };

function engine(thresholds: Partial<HealthThresholds> = {}, options: Partial<HealthEngineOptions> = {}): HealthEngine {
  return new HealthEngine({ clusterId: 'cluster-1', thresholds: { ...OFF, ...thresholds }, watches: () => true, opensIn: () => true, ...options });
}

function job(jobId: string, state: JobStatus, extra: Partial<JobStatusMessage> = {}): JobStatusMessage {
  return { jobId, jobName: `job-${jobId.charAt(0)}`, state, startTime: T0, endTime: null, durationMs: 0, ...extra };
}

function application(applicationId: string, status: ApplicationStatus, extra: Partial<ApplicationOverview> = {}): ApplicationOverview {
  return { applicationId, name: 'OrdersApp', status, startTime: T0, endTime: status === 'RUNNING' ? null : T0 + SECOND, durationMs: 0, jobCounts: {}, ...extra };
}

/** The events as [kind, event] pairs, for compact assertions. */
const brief = (events: IncidentEvent[]): string[][] => events.map((event) => [event.kind, event.event]);

function checkpoints(extra: Partial<CheckpointSample>): CheckpointSample {
  return { completed: 5, failed: 0, failedInARow: 0, runComplete: true, runStartedAt: null, lastCompletedAt: T0, lastFailure: null, ...extra };
}

describe('health engine (incidents from observations, fake clock)', function () {
  describe('application failed (Flink 2.3)', function () {
    const watchingApplications = (names: string[]): Partial<HealthEngineOptions> => ({ watchesApplication: (name) => names.includes(name) });
    const NO_JOBS: JobStatusMessage[] = [];

    it('opens once for a FAILED application it watches, named by the application; resolves once Flink no longer lists it', function () {
      const health = engine({}, watchingApplications(['OrdersApp']));
      assert.deepEqual(health.applications([application(A, 'RUNNING')], NO_JOBS, T0), []);
      const opened = health.applications([application(A, 'FAILED'), application(B, 'FAILED', { name: 'OtherApp' })], NO_JOBS, T0 + 2 * SECOND);
      assert.deepEqual(brief(opened), [['application-failed', 'opened']]);
      assert.deepEqual({ ...opened[0], incidentId: '' }, {
        incidentId: '', kind: 'application-failed', event: 'opened', severity: 'critical', jobId: null, jobName: null,
        applicationId: A, applicationName: 'OrdersApp', since: T0 + SECOND, values: { status: 'FAILED', endTime: T0 + SECOND, jobCounts: {} },
      });
      assert.equal(opened[0]!.incidentId, incidentId('cluster-1', A, 'application-failed', T0 + SECOND));
      assert.deepEqual(health.applications([application(A, 'FAILED')], NO_JOBS, T0 + 3 * SECOND), [], 'once per application');
      assert.deepEqual(health.listing([], T0 + 4 * SECOND), [], 'a job listing leaves it alone');
      const resolved = health.applications([], NO_JOBS, T0 + 5 * SECOND);
      assert.deepEqual(brief(resolved), [['application-failed', 'resolved']]);
      assert.deepEqual(resolved[0]!.values, { reason: 'no longer listed' });
    });

    it('resolves when an application of its name runs again, started after the failure, and does not open again for it', function () {
      const health = engine({}, watchingApplications(['OrdersApp']));
      assert.deepEqual(brief(health.applications([application(A, 'FAILED')], NO_JOBS, T0 + 2 * SECOND)), [['application-failed', 'opened']]);
      const replaced = health.applications([application(A, 'FAILED'), application(B, 'RUNNING', { startTime: T0 + 3 * SECOND })], NO_JOBS, T0 + 4 * SECOND);
      assert.deepEqual(brief(replaced), [['application-failed', 'resolved']]);
      assert.deepEqual(replaced[0]!.values, { replacedBy: B });
      assert.deepEqual(health.applications([application(A, 'FAILED'), application(B, 'RUNNING', { startTime: T0 + 3 * SECOND })], NO_JOBS, T0 + 5 * SECOND), []);
    });

    it('leaves a plain job run\'s own application (under the job\'s id) to the job\'s incidents', function () {
      const health = engine({}, watchingApplications(['SingleJobApplication(job-a)']));
      const wrapper = application(A, 'FAILED', { name: 'SingleJobApplication(job-a)' });
      assert.deepEqual(brief(health.listing([job(A, 'FAILED', { endTime: T0 + SECOND })], T0 + 2 * SECOND)), [['job-failed', 'opened']]);
      assert.deepEqual(health.applications([wrapper], [job(A, 'FAILED')], T0 + 2 * SECOND), []);
    });

    it('without an application filter, or outside the state filter, opens nothing', function () {
      assert.deepEqual(engine().applications([application(A, 'FAILED')], NO_JOBS, T0), []);
      assert.deepEqual(engine({}, { ...watchingApplications(['OrdersApp']), opensIn: (state) => state === 'RUNNING' }).applications([application(A, 'FAILED')], NO_JOBS, T0), []);
    });
  });

  describe('restart loop', function () {
    it('opens once when the restarts within the window reach the threshold, and resolves once after a quiet window', function () {
      const health = engine({ restartCount: 3, restartWindowMs: MINUTE });
      health.listing([job(A, 'RUNNING')], T0);
      const counts = [[0, 0], [10, 1], [20, 2], [25, 2]];
      for (const [s, count] of counts) assert.deepEqual(health.sample(A, { at: T0 + s! * SECOND, restarts: count! }), [], `${count} restarts`);
      const opened = health.sample(A, { at: T0 + 30 * SECOND, restarts: 3 });
      assert.deepEqual(brief(opened), [['restart-loop', 'opened']]);
      assert.deepEqual(opened[0]!.values, { restarts: 3, windowMinutes: 1, numRestarts: 3 });
      assert.equal(opened[0]!.since, T0 + 10 * SECOND, 'since the first restart in the window');
      assert.equal(opened[0]!.severity, 'critical');
      assert.deepEqual(health.sample(A, { at: T0 + 40 * SECOND, restarts: 5 }), [], 'an open incident is not announced again');
      assert.deepEqual(health.sample(A, { at: T0 + 90 * SECOND, restarts: 5 }), [], 'quiet for less than a window');
      const resolved = health.sample(A, { at: T0 + 101 * SECOND, restarts: 5 });
      assert.deepEqual(brief(resolved), [['restart-loop', 'resolved']]);
      assert.equal(resolved[0]!.incidentId, opened[0]!.incidentId);
      assert.equal(resolved[0]!.resolvedAt, T0 + 101 * SECOND);
      assert.deepEqual(health.sample(A, { at: T0 + 200 * SECOND, restarts: 5 }), []);
    });

    it('counts only restarts within the window, not those before the first sample', function () {
      const health = engine({ restartCount: 3, restartWindowMs: MINUTE });
      health.listing([job(A, 'RUNNING')], T0);
      assert.deepEqual(health.sample(A, { at: T0, restarts: 40 }), [], 'restarts from before the node ran');
      assert.deepEqual(health.sample(A, { at: T0 + 50 * SECOND, restarts: 42 }), []);
      assert.deepEqual(health.sample(A, { at: T0 + 120 * SECOND, restarts: 43 }), [], 'two of the three fell out of the window');
      assert.deepEqual(brief(health.sample(A, { at: T0 + 130 * SECOND, restarts: 45 })), [['restart-loop', 'opened']]);
    });

    it('is off at a threshold of 0', function () {
      const health = engine({ restartCount: 0 });
      health.listing([job(A, 'RUNNING')], T0);
      health.sample(A, { at: T0, restarts: 0 });
      assert.deepEqual(health.sample(A, { at: T0 + SECOND, restarts: 100 }), []);
      assert.deepEqual(health.sampleNeeds(), new Map(), 'and nothing is measured');
    });
  });

  describe('failed, cancelled and lost jobs', function () {
    it('opens job-failed once, since the job ended, and resolves it when a job of the same name runs again', function () {
      const health = engine();
      const failed = job(A, 'FAILED', { endTime: T0 + 5 * SECOND });
      const opened = health.listing([failed], T0 + 6 * SECOND);
      assert.deepEqual(brief(opened), [['job-failed', 'opened']]);
      assert.equal(opened[0]!.since, T0 + 5 * SECOND);
      assert.equal(opened[0]!.incidentId, incidentId('cluster-1', A, 'job-failed', T0 + 5 * SECOND));
      assert.deepEqual(health.listing([failed], T0 + 7 * SECOND), []);
      const resubmitted = job(B, 'RUNNING', { jobName: failed.jobName, startTime: T0 + 7 * SECOND });
      const resolved = health.listing([failed, resubmitted], T0 + 8 * SECOND);
      assert.deepEqual(brief(resolved), [['job-failed', 'resolved']]);
      assert.deepEqual(resolved[0]!.values, { replacedBy: B });
      assert.deepEqual(health.listing([failed, resubmitted], T0 + 9 * SECOND), [], 'the failed job, still listed, does not open it again');
      assert.deepEqual(engine().listing([failed, resubmitted], T0 + 10 * SECOND), [], 'nor does a node that starts after the resubmission');
    });

    it('keeps job-failed open beside an older running job of the same name', function () {
      const health = engine();
      const older = job(B, 'RUNNING', { jobName: 'job-a', startTime: T0 - MINUTE });
      assert.deepEqual(brief(health.listing([job(A, 'FAILED', { endTime: T0 }), older], T0 + SECOND)), [['job-failed', 'opened']]);
      assert.deepEqual(health.listing([job(A, 'FAILED', { endTime: T0 }), older], T0 + 2 * SECOND), []);
    });

    it('raises nothing for jobs that are cancelled or finish', function () {
      const health = engine({ restartCount: 1, failedCheckpoints: 1, staleCheckpointsMs: SECOND, backpressureForMs: SECOND });
      health.listing([job(A, 'RUNNING'), job(B, 'RUNNING')], T0);
      assert.deepEqual(health.listing([job(A, 'CANCELLING'), job(B, 'RUNNING')], T0 + SECOND), []);
      assert.deepEqual(health.listing([job(A, 'CANCELED', { endTime: T0 }), job(B, 'FINISHED', { endTime: T0 })], T0 + 2 * SECOND), []);
      assert.deepEqual(health.listing([], T0 + 3 * SECOND), [], 'an ended job leaving the listing was not lost');
      assert.deepEqual(health.listing([], T0 + 4 * SECOND), []);
    });

    it('opens job-lost for a running job missing from two answered listings, and resolves it when the job is back', function () {
      const health = engine();
      health.listing([job(A, 'RUNNING')], T0);
      assert.deepEqual(health.listing([], T0 + SECOND), [], 'one listing without it could be a leader change');
      const lost = health.listing([], T0 + 2 * SECOND);
      assert.deepEqual(brief(lost), [['job-lost', 'opened']]);
      assert.equal(lost[0]!.since, T0, 'since it was last seen');
      assert.deepEqual(lost[0]!.values, { lastState: 'RUNNING', lastSeenAt: T0 });
      assert.deepEqual(health.listing([], T0 + 3 * SECOND), []);
      assert.deepEqual(brief(health.listing([job(A, 'RUNNING')], T0 + 4 * SECOND)), [['job-lost', 'resolved']]);
    });

    it('opens only for jobs in the chosen states', function () {
      const health = engine({}, { opensIn: (state) => state === 'RUNNING' });
      assert.deepEqual(health.listing([job(A, 'FAILED', { endTime: T0 })], T0), []);
    });

    it('watches only the jobs its filter selects, and resolves the incidents of a job it no longer selects', function () {
      const remembered: Incident = {
        incidentId: 'x', kind: 'job-failed', severity: 'critical', jobId: A, jobName: 'job-a', since: T0, values: {},
      };
      const health = engine({}, { watches: (listed) => listed.jobId === B, remembered: [remembered] });
      const events = health.listing([job(A, 'FAILED', { endTime: T0 }), job(B, 'RUNNING')], T0 + SECOND);
      assert.deepEqual(brief(events), [['job-failed', 'resolved']]);
      assert.deepEqual(events[0]!.values, { reason: 'no longer watched' });
      assert.equal(health.watched, 1);
    });
  });

  describe('cluster outage', function () {
    it('is one cluster-unreachable incident, and no job incident, through a JobManager outage', function () {
      const health = engine({ restartCount: 1, failedCheckpoints: 1 });
      health.listing([job(A, 'RUNNING'), job(B, 'RUNNING')], T0);
      const opened = health.listingFailed({ code: 'FLINK_CONNECTION', message: 'connection refused' }, T0 + SECOND);
      assert.deepEqual(brief(opened), [['cluster-unreachable', 'opened']]);
      assert.equal(opened[0]!.jobId, null);
      assert.equal(opened[0]!.jobName, null);
      assert.deepEqual(opened[0]!.values, { code: 'FLINK_CONNECTION', message: 'connection refused' });
      assert.ok(health.unreachable);
      for (let i = 2; i < 10; i++) assert.deepEqual(health.listingFailed({ code: 'FLINK_TIMEOUT', message: 'timed out' }, T0 + i * SECOND), []);
      assert.deepEqual(health.sample(A, { at: T0 + 5 * SECOND, restarts: 9, checkpoints: checkpoints({ failedInARow: 3, failed: 3, runComplete: true }) }), [],
        'measurements during the outage raise nothing');
      const back = health.listing([job(A, 'RUNNING'), job(B, 'RUNNING')], T0 + 10 * SECOND);
      assert.deepEqual(brief(back), [['cluster-unreachable', 'resolved']]);
      assert.equal(back[0]!.incidentId, opened[0]!.incidentId);
      assert.deepEqual(health.listing([job(A, 'RUNNING'), job(B, 'RUNNING')], T0 + 11 * SECOND), []);
    });

    it('reads jobs gone after the outage (a JobManager restarted without HA) as lost, once the cluster answers twice', function () {
      const health = engine();
      health.listing([job(A, 'RUNNING')], T0);
      health.listingFailed({ code: 'FLINK_CONNECTION', message: 'down' }, T0 + SECOND);
      assert.deepEqual(brief(health.listing([], T0 + 2 * SECOND)), [['cluster-unreachable', 'resolved']]);
      assert.deepEqual(brief(health.listing([], T0 + 3 * SECOND)), [['job-lost', 'opened']]);
    });
  });

  describe('checkpoints', function () {
    it('opens checkpoints-failing at K failed in a row, once, and resolves it when one completes', function () {
      const health = engine({ failedCheckpoints: 3 });
      health.listing([job(A, 'RUNNING')], T0);
      assert.deepEqual(health.sample(A, { at: T0, checkpoints: checkpoints({ failed: 2, failedInARow: 2 }) }), []);
      const opened = health.sample(A, { at: T0 + SECOND, checkpoints: checkpoints({ failed: 3, failedInARow: 3, runStartedAt: T0 - 5 * SECOND, lastFailure: 'boom' }) });
      assert.deepEqual(brief(opened), [['checkpoints-failing', 'opened']]);
      assert.equal(opened[0]!.since, T0 - 5 * SECOND, 'since the first failure of the run');
      assert.equal(opened[0]!.severity, 'warning');
      assert.deepEqual(opened[0]!.values, { failedInARow: 3, failed: 3, completed: 5, lastFailure: 'boom' });
      assert.deepEqual(health.sample(A, { at: T0 + 2 * SECOND, checkpoints: checkpoints({ failed: 4, failedInARow: 4 }) }), []);
      assert.deepEqual(brief(health.sample(A, { at: T0 + 3 * SECOND, checkpoints: checkpoints({ completed: 6, failed: 4, failedInARow: 0 }) })),
        [['checkpoints-failing', 'resolved']]);
    });

    it('counts failures in a row past the end of Flink\'s short history from the failed count', function () {
      const health = engine({ failedCheckpoints: 12 });
      health.listing([job(A, 'RUNNING')], T0);
      // The history (10 entries) holds only failures; 2 failures happened before the last completion.
      assert.deepEqual(health.sample(A, { at: T0, checkpoints: checkpoints({ failed: 12, failedInARow: 10, runComplete: false }) }), []);
      assert.deepEqual(brief(health.sample(A, { at: T0 + SECOND, checkpoints: checkpoints({ failed: 14, failedInARow: 10, runComplete: false }) })),
        [['checkpoints-failing', 'opened']]);
    });

    it('opens checkpoints-stale when none completed for longer than T, only with checkpointing on, and resolves it on a completion', function () {
      const health = engine({ staleCheckpointsMs: 10 * SECOND });
      health.listing([job(A, 'RUNNING'), job(B, 'RUNNING')], T0);
      const off = { enabled: false, intervalMs: null };
      assert.deepEqual(health.sample(B, { at: T0 + MINUTE, checkpointing: off }), [], 'a job without checkpointing is ignored');
      const on = { enabled: true, intervalMs: MINUTE };
      assert.deepEqual(health.sample(A, { at: T0 + 10 * SECOND, checkpointing: on, checkpoints: checkpoints({ lastCompletedAt: T0 + 2 * SECOND }) }), []);
      const opened = health.sample(A, { at: T0 + 13 * SECOND, checkpointing: on, checkpoints: checkpoints({ lastCompletedAt: T0 + 2 * SECOND }) });
      assert.deepEqual(brief(opened), [['checkpoints-stale', 'opened']]);
      assert.equal(opened[0]!.since, T0 + 12 * SECOND, 'since the last completion plus T');
      assert.deepEqual(opened[0]!.values, { lastCompletedAt: T0 + 2 * SECOND, ageSeconds: 11, checkpointIntervalMs: MINUTE });
      assert.deepEqual(health.sample(A, { at: T0 + 14 * SECOND, checkpointing: on, checkpoints: checkpoints({ lastCompletedAt: T0 + 2 * SECOND }) }), []);
      const resolved = health.sample(A, { at: T0 + 15 * SECOND, checkpointing: on, checkpoints: checkpoints({ lastCompletedAt: T0 + 14 * SECOND }) });
      assert.deepEqual(brief(resolved), [['checkpoints-stale', 'resolved']]);
      assert.equal(resolved[0]!.values.lastCompletedAt, T0 + 14 * SECOND);
    });

    it('counts from the job\'s start when no checkpoint has completed', function () {
      const health = engine({ staleCheckpointsMs: 10 * SECOND });
      health.listing([job(A, 'RUNNING', { startTime: T0 })], T0);
      const on = { enabled: true, intervalMs: MINUTE };
      const opened = health.sample(A, { at: T0 + 11 * SECOND, checkpointing: on, checkpoints: checkpoints({ completed: 0, lastCompletedAt: null }) });
      assert.equal(opened[0]!.since, T0 + 10 * SECOND);
    });

    it('resolves its runtime incidents when the job ends, naming the state', function () {
      const health = engine({ failedCheckpoints: 1 });
      health.listing([job(A, 'RUNNING')], T0);
      health.sample(A, { at: T0, checkpoints: checkpoints({ failed: 1, failedInARow: 1 }) });
      const events = health.listing([job(A, 'CANCELED', { endTime: T0 + SECOND })], T0 + SECOND);
      assert.deepEqual(brief(events), [['checkpoints-failing', 'resolved']]);
      assert.deepEqual(events[0]!.values, { state: 'CANCELED' });
    });
  });

  describe('backpressure', function () {
    const vertex = (level: 'ok' | 'low' | 'high' | null, vertexId = 'v1') => ({ vertexId, vertexName: `vertex ${vertexId}`, level });

    it('opens when a vertex has been HIGH for longer than T, and resolves when none is HIGH', function () {
      const health = engine({ backpressureForMs: 5 * SECOND });
      health.listing([job(A, 'RUNNING')], T0);
      assert.deepEqual(health.sample(A, { at: T0, backpressure: [vertex('high'), vertex('ok', 'v2')] }), []);
      assert.deepEqual(health.sample(A, { at: T0 + 3 * SECOND, backpressure: [vertex(null), vertex('ok', 'v2')] }), [], 'no measurement keeps the clock');
      assert.deepEqual(health.sample(A, { at: T0 + 5 * SECOND, backpressure: [vertex('high'), vertex('low', 'v2')] }), []);
      const opened = health.sample(A, { at: T0 + 6 * SECOND, backpressure: [vertex('high'), vertex('ok', 'v2')] });
      assert.deepEqual(brief(opened), [['backpressure', 'opened']]);
      assert.equal(opened[0]!.since, T0);
      assert.deepEqual(opened[0]!.values, { vertices: [{ vertexId: 'v1', vertexName: 'vertex v1', highForSeconds: 6 }] });
      assert.deepEqual(health.sample(A, { at: T0 + 7 * SECOND, backpressure: [vertex('high'), vertex('ok', 'v2')] }), []);
      assert.deepEqual(brief(health.sample(A, { at: T0 + 8 * SECOND, backpressure: [vertex('low'), vertex('ok', 'v2')] })), [['backpressure', 'resolved']]);
    });

    it('starts the clock again when the vertex was not HIGH in between', function () {
      const health = engine({ backpressureForMs: 5 * SECOND });
      health.listing([job(A, 'RUNNING')], T0);
      health.sample(A, { at: T0, backpressure: [vertex('high')] });
      health.sample(A, { at: T0 + 3 * SECOND, backpressure: [vertex('ok')] });
      assert.deepEqual(health.sample(A, { at: T0 + 7 * SECOND, backpressure: [vertex('high')] }), []);
    });
  });

  describe('across a redeploy', function () {
    it('adopts the incidents its context remembers without announcing them again, and resolves those that ended', function () {
      const first = engine({ restartCount: 1, restartWindowMs: MINUTE });
      const failedJob = job(A, 'FAILED', { endTime: T0 });
      first.listing([failedJob, job(B, 'RUNNING')], T0);
      first.sample(B, { at: T0, restarts: 0 });
      first.sample(B, { at: T0 + SECOND, restarts: 1 });
      const remembered = JSON.parse(JSON.stringify(first.incidents)) as Incident[];
      assert.deepEqual(remembered.map((incident) => incident.kind).sort(), ['job-failed', 'restart-loop']);

      const second = engine({ restartCount: 1, restartWindowMs: MINUTE }, { remembered });
      assert.deepEqual(second.listing([failedJob, job(B, 'RUNNING')], T0 + 2 * SECOND), [], 'nothing announced again');
      assert.deepEqual(second.sample(B, { at: T0 + 3 * SECOND, restarts: 2 }), []);
      assert.equal(second.incidents.length, 2);

      const third = engine({ restartCount: 1 }, { remembered });
      const events = third.listing([job(B, 'CANCELED', { endTime: T0 })], T0 + 4 * SECOND);
      assert.deepEqual(brief(events).sort(), [['job-failed', 'resolved'], ['restart-loop', 'resolved']]);
      assert.deepEqual(events.map((event) => event.incidentId).sort(), remembered.map((incident) => incident.incidentId).sort());
    });

    it('gives an incident the same id wherever it is computed from the same facts', function () {
      const failedJob = job(A, 'FAILED', { endTime: T0 });
      const [one] = engine().listing([failedJob], T0 + SECOND);
      const [other] = engine().listing([failedJob], T0 + MINUTE);
      assert.equal(one!.incidentId, other!.incidentId);
      const [elsewhere] = engine({}, { clusterId: 'cluster-2' }).listing([failedJob], T0 + SECOND);
      assert.notEqual(elsewhere!.incidentId, one!.incidentId);
    });
  });

  describe('what it asks Flink to measure', function () {
    it('restarts while a job has not ended, checkpoints and backpressure while it runs, each only when its threshold is on', function () {
      const health = engine({ restartCount: 3, staleCheckpointsMs: SECOND });
      health.listing([job(A, 'RUNNING'), job(B, 'RESTARTING'), job('c'.repeat(32), 'FAILED', { endTime: T0 })], T0);
      assert.deepEqual(health.sampleNeeds(), new Map([
        [A, { restarts: true, checkpoints: true, backpressure: false }],
        [B, { restarts: true, checkpoints: false, backpressure: false }],
      ]));
    });
  });
});

describe('health measurements and settings', function () {
  const entry = (id: number, status: string, extra: Partial<CheckpointEntry> = {}): CheckpointEntry => ({
    id, status, isSavepoint: false, triggerTimestamp: T0 + id, latestAckTimestamp: T0 + id, failureMessage: null, ...extra,
  });
  const summary = { completed: 3, failed: 4, inProgress: 1, latestCompleted: entry(3, 'COMPLETED'), latestFailed: null, restoredFrom: null };

  it('counts the failed checkpoints since the newest completed one, skipping savepoints and checkpoints in progress', function () {
    const history = [entry(9, 'IN_PROGRESS'), entry(8, 'FAILED', { failureMessage: 'newest' }), entry(7, 'COMPLETED', { isSavepoint: true }),
      entry(6, 'FAILED'), entry(5, 'FAILED'), entry(3, 'COMPLETED'), entry(2, 'FAILED')];
    assert.deepEqual(checkpointSample({ ...summary, history }), {
      completed: 3, failed: 4, failedInARow: 3, runComplete: true, runStartedAt: T0 + 5, lastCompletedAt: T0 + 3, lastFailure: 'newest',
    });
    assert.equal(checkpointSample({ ...summary, history: [entry(3, 'COMPLETED')] }).failedInARow, 0);
    const never = checkpointSample({ ...summary, completed: 0, failed: 15, latestCompleted: null, history: [entry(15, 'FAILED')] });
    assert.equal(never.failedInARow, 15, 'a job that never completed one: every failure counts');
    assert.equal(never.lastCompletedAt, null);
  });

  it('takes the innermost cause of an exception-history entry as the root cause', function () {
    const wrapped = rootCauseOf({
      exceptionName: 'org.apache.flink.runtime.JobException', timestamp: T0, failureLabels: { type: 'user' },
      stacktrace: 'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n\tat x.y(Z.java:1)\n'
        + 'Caused by: java.lang.RuntimeException: outer\n\tat a.b(C.java:2)\nCaused by: java.lang.IllegalStateException: the real reason: here\n\tat d.e(F.java:3)',
    });
    assert.deepEqual(wrapped, { exceptionClass: 'java.lang.IllegalStateException', message: 'the real reason: here', failureLabels: { type: 'user' }, timestamp: T0 });
    assert.deepEqual(rootCauseOf({ exceptionName: 'java.lang.OutOfMemoryError', stacktrace: 'java.lang.OutOfMemoryError\n\tat x' }),
      { exceptionClass: 'java.lang.OutOfMemoryError', message: '', failureLabels: {}, timestamp: null });
  });

  it('reads the thresholds with their defaults, 0 as off, and refuses what cannot work, naming the setting', function () {
    assert.deepEqual(readThresholds({}), { restartCount: 3, restartWindowMs: 5 * MINUTE, failedCheckpoints: 3, staleCheckpointsMs: 900 * SECOND, backpressureForMs: 300 * SECOND });
    assert.deepEqual(readThresholds({ restartCount: '0', restartWindow: 0, failedCheckpoints: 1, staleCheckpoints: '0.5', backpressureFor: 2 }),
      { restartCount: 0, restartWindowMs: 0, failedCheckpoints: 1, staleCheckpointsMs: 500, backpressureForMs: 2000 });
    assert.deepEqual(readThresholds({ restartWindow: 0.2 }).restartWindowMs, 12 * SECOND);
    for (const [settings, named] of [[{ restartCount: 2.5 }, /Restarts must be a whole number/], [{ staleCheckpoints: -1 }, /Stale checkpoints/],
      [{ backpressureFor: 'soon' }, /Backpressure/], [{ restartWindow: 0 }, /Restart window must be more than 0 minutes/]] as const) {
      assert.throws(() => readThresholds(settings), (err: Error & { code?: string }) => err.code === 'FLINK_INVALID_ARGUMENT' && named.test(err.message));
    }
  });
});
