import { TERMINAL_JOB_STATES, type ApplicationOverview, type JobStatus, type JobStatusMessage } from '../../../src';
import { incidentId, incidentKey, SEVERITY, type Incident, type IncidentEvent, type IncidentKind } from './incidents';
import type { CheckpointSample, JobHealthSample, SampleNeeds } from './job-sample';

/** The node's thresholds, durations in ms; 0 turns a kind off. */
export interface HealthThresholds {
  /** A restart loop: at least this many restarts within `restartWindowMs`. */
  restartCount: number;
  restartWindowMs: number;
  /** Failing checkpoints: at least this many failed in a row. */
  failedCheckpoints: number;
  /** Stale checkpoints: none completed for longer than this (jobs with checkpointing on). */
  staleCheckpointsMs: number;
  /** Backpressure: a vertex HIGH for longer than this. */
  backpressureForMs: number;
}

export interface HealthEngineOptions {
  /** Names the cluster in incident ids (the cluster config's id). */
  clusterId: string;
  thresholds: HealthThresholds;
  /** Whether the node watches a listed job (its name filter). */
  watches(job: JobStatusMessage): boolean;
  /** Whether a watched job in this state may open an incident (its state filter; none: all); FAILED for an application. */
  opensIn(state: JobStatus): boolean;
  /** Whether the node watches an application of this name (Flink 2.3+; its name filter). Absent: no application incidents. */
  watchesApplication?(name: string): boolean;
  /** Incidents open when the node last ran (its context): adopted without a new "opened" message. */
  remembered?: Incident[];
}

/** An outage of the cluster's REST API, as the failing listing reported it. */
export interface Unreachable {
  code: string;
  message: string;
}

const isGloballyTerminal = (state: JobStatus): boolean => TERMINAL_JOB_STATES.includes(state);

/** A RUNNING job of the same name that started after the job `jobId` failed or was lost at `since`: its resubmission. */
function replacementOf(listed: JobStatusMessage[], jobId: string | null, name: string | null, since: number): JobStatusMessage | undefined {
  return listed.find((job) => job.state === 'RUNNING' && job.jobId !== jobId && job.jobName === name && (job.startTime ?? Infinity) >= since);
}

/** A RUNNING application of the same name that started after the application `applicationId` failed at `since`. */
function replacingApplication(listed: ApplicationOverview[], applicationId: string, name: string | null, since: number): ApplicationOverview | undefined {
  return listed.find((application) => application.status === 'RUNNING' && application.applicationId !== applicationId
    && application.name === name && (application.startTime ?? Infinity) >= since);
}

/** Runtime incidents: those that need the job running, resolved when it no longer runs. */
const RUNTIME_KINDS: IncidentKind[] = ['restart-loop', 'checkpoints-failing', 'checkpoints-stale', 'backpressure'];
/** A job missing from this many answered listings in a row is lost (one could be a listing cut short by a leader change). */
const LOST_AFTER_LISTINGS = 2;

interface RestartCount { at: number; count: number }

interface TrackedJob {
  jobId: string;
  name: string;
  state: JobStatus;
  startTime: number | null;
  lastSeenAt: number;
  /** Answered listings in a row without this job. */
  missing: number;
  restarts: RestartCount[];
  /** When `numRestarts` last went up. */
  lastRestartAt?: number;
  /** Completed count at the last sample, and the failed count when it last changed (failures in a row count from there). */
  completed?: number;
  failedAtLastCompletion?: number;
  /** Per vertex: since when it has been HIGH. */
  highSince: Map<string, number>;
}

/**
 * The incidents of the jobs a health node watches, from the observations it is fed: the cluster's job listings,
 * failed listings, and each job's health samples. Pure and synchronous (the clock is each observation's `now`):
 * every observation returns the incident events it caused, each opening and each resolution exactly once.
 */
export class HealthEngine {
  private readonly jobs = new Map<string, TrackedJob>();
  private readonly open = new Map<string, Incident>();
  private readonly thresholds: HealthThresholds;
  private watchedCount = 0;

  constructor(private readonly options: HealthEngineOptions) {
    this.thresholds = options.thresholds;
    for (const incident of options.remembered ?? []) this.open.set(incidentKey(incident.jobId, incident.kind), incident);
  }

  /** The jobs the last listing showed that the node watches. */
  get watched(): number {
    return this.watchedCount;
  }

  get incidents(): Incident[] {
    return [...this.open.values()];
  }

  get unreachable(): boolean {
    return this.open.has(incidentKey(null, 'cluster-unreachable'));
  }

  /**
   * What to measure of each watched job: restarts while it has not ended, checkpoints and backpressure while it
   * runs, each only when its threshold is on.
   */
  sampleNeeds(): Map<string, SampleNeeds> {
    const { restartCount, failedCheckpoints, staleCheckpointsMs, backpressureForMs } = this.thresholds;
    const needs = new Map<string, SampleNeeds>();
    for (const job of this.jobs.values()) {
      if (job.missing > 0 || isGloballyTerminal(job.state)) continue;
      const running = job.state === 'RUNNING';
      const wanted = {
        restarts: restartCount > 0,
        checkpoints: running && (failedCheckpoints > 0 || staleCheckpointsMs > 0),
        backpressure: running && backpressureForMs > 0,
      };
      if (wanted.restarts || wanted.checkpoints || wanted.backpressure) needs.set(job.jobId, wanted);
    }
    return needs;
  }

  /** A listing failed: the cluster is unreachable (once per outage); its jobs are left as they were. */
  listingFailed(error: Unreachable, now: number): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    this.openIncident(events, null, null, 'cluster-unreachable', now, { code: error.code, message: error.message });
    return events;
  }

  /** The cluster answered with its jobs. */
  listing(listed: JobStatusMessage[], now: number): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    this.resolve(events, null, 'cluster-unreachable', now, {});
    const watched = listed.filter((job) => this.options.watches(job));
    this.watchedCount = watched.length;
    const seen = new Set<string>();
    for (const job of watched) {
      seen.add(job.jobId);
      this.observeJob(events, job, now, watched);
    }
    for (const job of [...this.jobs.values()]) if (!seen.has(job.jobId)) this.observeMissing(events, job, now);
    this.resolveUnwatched(events, listed, now);
    return events;
  }

  /**
   * The cluster's applications (Flink 2.3+), listed with `jobs`: a FAILED one the node watches opens
   * application-failed, once; it is over when a RUNNING application of its name started after it failed, or once
   * Flink no longer lists it. A job run the plain way is an application of its own too, under the job's id
   * (`SingleJobApplication(<job name>)`): that one is left to the job's incidents, which already tell its failure.
   */
  applications(listed: ApplicationOverview[], jobs: JobStatusMessage[], now: number): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    const watchesApplication = this.options.watchesApplication;
    if (!watchesApplication) return events;
    const jobIds = new Set(jobs.map((job) => job.jobId));
    const watched = listed.filter((application) => !jobIds.has(application.applicationId) && watchesApplication(application.name));
    for (const application of watched) {
      const endedAt = application.endTime ?? now;
      if (application.status === 'FAILED' && this.options.opensIn('FAILED') && !replacingApplication(watched, application.applicationId, application.name, endedAt)) {
        this.openIncident(events, null, null, 'application-failed', endedAt, { status: application.status, endTime: application.endTime, jobCounts: application.jobCounts },
          { applicationId: application.applicationId, applicationName: application.name });
      }
    }
    for (const incident of this.incidents) {
      if (incident.kind !== 'application-failed' || !incident.applicationId) continue;
      const application = listed.find((candidate) => candidate.applicationId === incident.applicationId);
      const replacement = replacingApplication(watched, incident.applicationId, incident.applicationName ?? null, incident.since);
      const reason = !application ? { reason: 'no longer listed' }
        : replacement ? { replacedBy: replacement.applicationId }
          : !watchesApplication(application.name) ? { reason: 'no longer watched' } : undefined;
      if (reason) this.resolve(events, incident.applicationId, 'application-failed', now, reason);
    }
    return events;
  }

  /** A round of health measurements of one job. */
  sample(jobId: string, sample: JobHealthSample): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    const job = this.jobs.get(jobId);
    if (!job || job.missing > 0 || isGloballyTerminal(job.state) || this.unreachable) return events;
    if (sample.restarts !== undefined) this.observeRestarts(events, job, sample.restarts, sample.at);
    if (sample.checkpoints) this.observeCheckpoints(events, job, sample.checkpoints, sample.at);
    if (sample.checkpointing && sample.checkpoints) this.observeStaleness(events, job, sample.checkpoints, sample.checkpointing, sample.at);
    if (sample.checkpointing && !sample.checkpointing.enabled) this.resolve(events, job.jobId, 'checkpoints-stale', sample.at, {});
    if (sample.backpressure) this.observeBackpressure(events, job, sample.backpressure, sample.at);
    return events;
  }

  private observeJob(events: IncidentEvent[], listed: JobStatusMessage, now: number, watched: JobStatusMessage[]): void {
    let job = this.jobs.get(listed.jobId);
    if (!job) {
      job = { jobId: listed.jobId, name: listed.jobName, state: listed.state, startTime: listed.startTime, lastSeenAt: now, missing: 0, restarts: [], highSince: new Map() };
      this.jobs.set(job.jobId, job);
    }
    Object.assign(job, { name: listed.jobName, state: listed.state, startTime: listed.startTime, lastSeenAt: now, missing: 0 });
    this.resolve(events, job.jobId, 'job-lost', now, { state: job.state });
    const endedAt = listed.endTime ?? now;
    if (job.state === 'FAILED' && this.options.opensIn(job.state) && !replacementOf(watched, job.jobId, job.name, endedAt)) {
      this.openIncident(events, job.jobId, job.name, 'job-failed', endedAt, { state: job.state, endTime: listed.endTime });
    }
    if (job.state === 'RUNNING') {
      // The same job submitted again and running: the failure or loss of the earlier one is over.
      for (const incident of this.incidents) {
        if ((incident.kind === 'job-failed' || incident.kind === 'job-lost') && incident.jobId !== job.jobId
          && replacementOf([listed], incident.jobId, incident.jobName, incident.since)) {
          this.resolve(events, incident.jobId, incident.kind, now, { replacedBy: job.jobId });
        }
      }
    }
    if (isGloballyTerminal(job.state)) for (const kind of RUNTIME_KINDS) this.resolve(events, job.jobId, kind, now, { state: job.state });
  }

  private observeMissing(events: IncidentEvent[], job: TrackedJob, now: number): void {
    if (isGloballyTerminal(job.state)) {
      // An ended job leaves the listing when Flink's job store expires it: nothing was lost.
      this.resolve(events, job.jobId, 'job-failed', now, { reason: 'no longer listed' });
      this.jobs.delete(job.jobId);
      return;
    }
    job.missing += 1;
    if (job.missing < LOST_AFTER_LISTINGS) return;
    for (const kind of RUNTIME_KINDS) this.resolve(events, job.jobId, kind, now, { reason: 'job lost' });
    if (this.options.opensIn(job.state)) {
      this.openIncident(events, job.jobId, job.name, 'job-lost', job.lastSeenAt, { lastState: job.state, lastSeenAt: job.lastSeenAt });
    }
    this.jobs.delete(job.jobId);
  }

  /** Incidents of listed jobs the node no longer watches (its name filter changed since they opened) are over. */
  private resolveUnwatched(events: IncidentEvent[], listed: JobStatusMessage[], now: number): void {
    for (const job of listed) {
      if (this.options.watches(job)) continue;
      for (const incident of this.incidents) {
        if (incident.jobId === job.jobId) this.resolve(events, job.jobId, incident.kind, now, { reason: 'no longer watched' });
      }
    }
    // Remembered incidents of jobs that are gone and were never seen by this run: nothing can resolve them later.
    const listedIds = new Set(listed.map((job) => job.jobId));
    for (const incident of this.incidents) {
      if (incident.jobId === null || listedIds.has(incident.jobId) || this.jobs.has(incident.jobId)) continue;
      if (incident.kind === 'job-lost') continue; // resolved when the job, or one of its name, comes back
      this.resolve(events, incident.jobId, incident.kind, now, { reason: 'no longer listed' });
    }
  }

  private observeRestarts(events: IncidentEvent[], job: TrackedJob, count: number, at: number): void {
    const { restartCount, restartWindowMs } = this.thresholds;
    const previous = job.restarts[job.restarts.length - 1];
    if (previous && count > previous.count) job.lastRestartAt = at;
    job.restarts.push({ at, count });
    // Keep the window, plus the newest count from before it: the baseline the window's restarts count from.
    while (job.restarts.length > 1 && job.restarts[1].at <= at - restartWindowMs) job.restarts.shift();
    if (restartCount <= 0) return;
    const baseline = job.restarts[0];
    const inWindow = Math.max(0, count - baseline.count);
    const key = incidentKey(job.jobId, 'restart-loop');
    if (!this.open.has(key)) {
      if (inWindow >= restartCount && this.options.opensIn(job.state)) {
        const firstRise = job.restarts.find((entry) => entry.count > baseline.count) ?? { at };
        this.openIncident(events, job.jobId, job.name, 'restart-loop', firstRise.at, {
          restarts: inWindow, windowMinutes: restartWindowMs / 60_000, numRestarts: count,
        });
      }
      return;
    }
    // Over once the job has gone a whole window without restarting: no flapping around the threshold.
    const quietSince = job.lastRestartAt ?? job.restarts[0].at;
    const observedFor = at - job.restarts[0].at;
    if (at - quietSince >= restartWindowMs && observedFor >= restartWindowMs) {
      this.resolve(events, job.jobId, 'restart-loop', at, { restarts: 0, windowMinutes: restartWindowMs / 60_000, numRestarts: count });
    }
  }

  private failuresInARow(job: TrackedJob, checkpoints: CheckpointSample): number {
    if (job.completed !== checkpoints.completed || job.failedAtLastCompletion === undefined) {
      job.completed = checkpoints.completed;
      job.failedAtLastCompletion = checkpoints.failed - checkpoints.failedInARow;
    }
    if (checkpoints.runComplete) return checkpoints.failedInARow;
    // Flink's history is short (10 entries by default): past it, count the failures since the last completion seen.
    return Math.max(checkpoints.failedInARow, checkpoints.failed - job.failedAtLastCompletion);
  }

  private observeCheckpoints(events: IncidentEvent[], job: TrackedJob, checkpoints: CheckpointSample, at: number): void {
    const limit = this.thresholds.failedCheckpoints;
    const inARow = this.failuresInARow(job, checkpoints);
    if (limit <= 0) return;
    const values = { failedInARow: inARow, failed: checkpoints.failed, completed: checkpoints.completed, lastFailure: checkpoints.lastFailure };
    if (inARow >= limit && this.options.opensIn(job.state)) {
      this.openIncident(events, job.jobId, job.name, 'checkpoints-failing', checkpoints.runStartedAt ?? at, values);
    } else if (inARow === 0) {
      this.resolve(events, job.jobId, 'checkpoints-failing', at, values);
    }
  }

  private observeStaleness(events: IncidentEvent[], job: TrackedJob, checkpoints: CheckpointSample,
    checkpointing: NonNullable<JobHealthSample['checkpointing']>, at: number): void {
    const limit = this.thresholds.staleCheckpointsMs;
    if (limit <= 0 || !checkpointing.enabled || job.state !== 'RUNNING') return;
    // A job that never completed one counts from its start.
    const reference = Math.max(checkpoints.lastCompletedAt ?? 0, job.startTime ?? 0) || at;
    const age = at - reference;
    const values = { lastCompletedAt: checkpoints.lastCompletedAt, ageSeconds: Math.round(age / 1000), checkpointIntervalMs: checkpointing.intervalMs };
    if (age > limit && this.options.opensIn(job.state)) {
      this.openIncident(events, job.jobId, job.name, 'checkpoints-stale', reference + limit, values);
    } else if (age <= limit) {
      this.resolve(events, job.jobId, 'checkpoints-stale', at, values);
    }
  }

  private observeBackpressure(events: IncidentEvent[], job: TrackedJob, vertices: JobHealthSample['backpressure'] & object, at: number): void {
    const limit = this.thresholds.backpressureForMs;
    for (const vertex of vertices) {
      if (vertex.level === 'high') job.highSince.set(vertex.vertexId, job.highSince.get(vertex.vertexId) ?? at);
      else if (vertex.level !== null) job.highSince.delete(vertex.vertexId);
    }
    for (const vertexId of job.highSince.keys()) if (!vertices.some((vertex) => vertex.vertexId === vertexId)) job.highSince.delete(vertexId);
    if (limit <= 0) return;
    const high = vertices.filter((vertex) => job.highSince.has(vertex.vertexId)).map((vertex) => ({
      vertexId: vertex.vertexId, vertexName: vertex.vertexName, highForSeconds: Math.round((at - (job.highSince.get(vertex.vertexId) ?? at)) / 1000),
    }));
    const longest = Math.min(...[...job.highSince.values()]);
    if (high.length > 0 && at - longest > limit && this.options.opensIn(job.state)) {
      this.openIncident(events, job.jobId, job.name, 'backpressure', longest, { vertices: high });
    } else if (high.length === 0) {
      this.resolve(events, job.jobId, 'backpressure', at, { vertices: [] });
    }
  }

  /** Opens an incident of a job, of the cluster (no job), or of an application (no job, `application` given). */
  private openIncident(events: IncidentEvent[], jobId: string | null, jobName: string | null, kind: IncidentKind,
    since: number, values: Record<string, unknown>, application?: { applicationId: string; applicationName: string }): void {
    const subject = application?.applicationId ?? jobId;
    const key = incidentKey(subject, kind);
    if (this.open.has(key)) return;
    const incident: Incident = {
      incidentId: incidentId(this.options.clusterId, subject, kind, since), kind, severity: SEVERITY[kind], jobId, jobName, ...application, since, values,
    };
    this.open.set(key, incident);
    events.push({ ...incident, event: 'opened' });
  }

  /** Resolves the open incident of this kind of the job, the application (its id as `subject`) or the cluster (null). */
  private resolve(events: IncidentEvent[], subject: string | null, kind: IncidentKind, now: number, values: Record<string, unknown>): void {
    const key = incidentKey(subject, kind);
    const incident = this.open.get(key);
    if (!incident) return;
    this.open.delete(key);
    const { rootCause: _rootCause, ...resolved } = incident;
    events.push({ ...resolved, values, event: 'resolved', resolvedAt: now });
  }
}
