import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FormData } from 'undici';
import { FlinkError, invalidArgument, isFlinkError, withFields } from './errors';
import { checkJarId, checkJobId, checkTriggerId, checkVertexId, newJobId, newTriggerId } from './ids';
import { JobClient } from './job-client';
import { failureOf, operationFailed } from './failures';
import { decodeJavaValue } from './java-values';
import { isRecovering, withDeadline, withOperationContext, type OperationState } from './operation';
import { pollUntilDone, rideOutOutage, type PollTarget } from './poll';
import { mayHaveActed, type AttemptFailure } from './retry';
import { endpoints } from './endpoints';
import { jarProgramBody, submitUnderOwnId } from './jar-run';
import { jobStatusMessageOf } from './job-listing';
import { ApplicationOperations } from './applications/applications';
import type { ApplicationDetails, ApplicationException, ApplicationOverview, RunJarApplicationOptions } from './applications/application-types';
import { checkResourceRequirements, schedulerRefusal } from './resource-requirements';
import * as rescales from './rescales/rescales';
import type { RescaleConfig, RescaleEntry, RescaleOverview, RescaleSummary } from './rescales/rescale-types';
import { FlinkRestApi } from './rest-api';
import type { CheckpointStatisticsEntry, RestoredCheckpointStatistics } from './schemas';
import { FlinkTransport } from './transport';
import type {
  AggregatedMetric, CallOptions, CheckpointConfig, MetricAggregation, CheckpointEntry, CheckpointOptions, CheckpointSummary, VertexBackpressure, FlinkClusterClientOptions, JarFile, JobResourceRequirements, OperationOptions, Progress, ClusterOverview, JobDetails, JobExceptions, JobExceptionsOptions, JobOperations, JobResult, JobResultOptions, JobStatus,
  JobStatusMessage, RestoredCheckpoint, RunJarOptions, SavepointOptions, SavepointStatus, StopOptions, TriggerOptions, WaitRunningOptions,
} from './types';
import { CHECKPOINT_TYPES, METRIC_AGGREGATIONS, SAVEPOINT_FORMAT_TYPES } from './types';
import { TERMINAL_JOB_STATES } from './job-states';
import { type FlinkVersion, requireFeature, SINCE } from './version';

const DEFAULT_OPERATION_TIMEOUT_MS = 10 * 60_000;

/**
 * A client for one Flink cluster's REST API: Flink's `ClusterClient`, with validated answers,
 * typed errors, retries that never duplicate a savepoint, and operations that wait for their result.
 */
export class FlinkClusterClient implements JobOperations {
  private readonly api: FlinkRestApi;
  private readonly operationTimeoutMs: number;
  private readonly applications: ApplicationOperations;

  constructor(options: FlinkClusterClientOptions) {
    if (!options || typeof options.url !== 'string') throw invalidArgument('FlinkClusterClient needs { url }');
    this.api = new FlinkRestApi(new FlinkTransport(options));
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.applications = new ApplicationOperations(this.api, (what, operationOptions, work) => this.runOperation(what, operationOptions, work));
  }

  /** A client bound to one job, as Flink's `JobClient`. */
  jobClient(jobId: string): JobClient {
    return new JobClient(this, checkJobId(jobId));
  }

  /** The REST endpoint's URL, which also serves Flink's web UI (never with credentials). */
  getWebInterfaceURL(): string {
    const { origin, basePath } = this.api.transport;
    return `${origin}${basePath}`;
  }

  // ---- cluster ----

  async getFlinkVersion(options: CallOptions = {}): Promise<string> {
    return (await this.api.version(options)).raw;
  }

  async getClusterOverview(options: CallOptions = {}): Promise<ClusterOverview> {
    const o = await this.api.call(endpoints.clusterOverview, {}, options);
    return {
      taskManagers: o.taskmanagers, slotsTotal: o['slots-total'], slotsAvailable: o['slots-available'],
      jobsRunning: o['jobs-running'], jobsFinished: o['jobs-finished'], jobsCancelled: o['jobs-cancelled'],
      jobsFailed: o['jobs-failed'], ...(o['flink-version'] ? { flinkVersion: o['flink-version'] } : {}),
    };
  }

  /** The JobManager's effective configuration (`GET /jobmanager/config`) as a key/value map. */
  async getFlinkConfiguration(options: CallOptions = {}): Promise<Record<string, string>> {
    const entries = await this.api.call(endpoints.jobManagerConfig, {}, options);
    return Object.fromEntries(entries.map(({ key, value }) => [key, value]));
  }

  /** Shuts the whole cluster down (`DELETE /cluster`). */
  async shutDownCluster(options: CallOptions = {}): Promise<void> {
    await this.api.call(endpoints.shutDownCluster, {}, options);
  }

  // ---- jobs ----

  async listJobs(options: CallOptions = {}): Promise<JobStatusMessage[]> {
    const { jobs } = await this.api.call(endpoints.jobsOverview, {}, options);
    return jobs.map(jobStatusMessageOf);
  }

  async getJobStatus(jobId: string, options: CallOptions = {}): Promise<JobStatus> {
    const jobid = checkJobId(jobId);
    if (!(await this.api.version(options)).atLeast(SINCE.jobStatusEndpoint)) {
      return (await this.getJobDetails(jobid, options)).state;
    }
    const { status } = await this.api.call(endpoints.jobStatus, { params: { jobid } }, options);
    return status;
  }

  async getJobDetails(jobId: string, options: CallOptions = {}): Promise<JobDetails> {
    const d = await this.api.call(endpoints.jobDetails, { params: { jobid: checkJobId(jobId) } }, options);
    return {
      jobId: d.jid, jobName: d.name, state: d.state,
      ...(d.isStoppable === undefined ? {} : { isStoppable: d.isStoppable }),
      ...(d['application-id'] ? { applicationId: d['application-id'] } : {}),
      startTime: d['start-time'], endTime: d['end-time'], durationMs: d.duration,
      ...(d.maxParallelism === undefined ? {} : { maxParallelism: d.maxParallelism }),
      timestamps: d.timestamps ?? {},
      vertices: d.vertices.map((v) => ({
        id: v.id, name: v.name, parallelism: v.parallelism, status: v.status,
        startTime: v['start-time'], endTime: v['end-time'], durationMs: v.duration,
        ...(v.tasks ? { tasks: v.tasks } : {}),
      })),
      statusCounts: d['status-counts'] ?? {},
    };
  }

  /** Asks Flink to cancel the job; it is CANCELED soon after, not yet when this returns. */
  async cancel(jobId: string, options: CallOptions = {}): Promise<void> {
    await this.api.call(endpoints.cancelJob, { params: { jobid: checkJobId(jobId) }, query: { mode: 'CANCEL' } }, options);
  }

  /** User accumulators of the job, by name (values as Flink renders them). */
  async getAccumulators(jobId: string, options: CallOptions = {}): Promise<Record<string, string>> {
    const body = await this.api.call(endpoints.accumulators, { params: { jobid: checkJobId(jobId) }, query: { includeSerializedValue: 'false' } }, options);
    return Object.fromEntries(body['user-task-accumulators'].map(({ name, value }) => [name, value]));
  }

  async getJobExceptions(jobId: string, options: JobExceptionsOptions = {}): Promise<JobExceptions> {
    const body = await this.api.call(endpoints.exceptions, {
      params: { jobid: checkJobId(jobId) }, query: { maxExceptions: String(options.maxExceptions ?? 20) },
    }, options);
    return { entries: body.exceptionHistory.entries, truncated: body.exceptionHistory.truncated ?? false };
  }

  /** Checkpoint statistics (counts, summary, latest, history) as Flink reports them. */
  async getCheckpointStatistics(jobId: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.api.call(endpoints.checkpointStatistics, { params: { jobid: checkJobId(jobId) } }, options);
  }

  async getCheckpointSummary(jobId: string, options: CallOptions = {}): Promise<CheckpointSummary> {
    const { counts, latest, history } = await this.api.call(endpoints.checkpointStatistics, { params: { jobid: checkJobId(jobId) } }, options);
    return {
      completed: counts?.completed ?? 0, failed: counts?.failed ?? 0, inProgress: counts?.in_progress ?? 0,
      latestCompleted: latest?.completed ? checkpointEntry(latest.completed) : null,
      latestFailed: latest?.failed ? checkpointEntry(latest.failed) : null,
      restoredFrom: latest?.restored ? restoredCheckpoint(latest.restored) : null,
      history: (history ?? []).map(checkpointEntry),
    };
  }

  /** How the job checkpoints: its periodic interval (null when off) and whether checkpoints outlive a cancel. */
  async getCheckpointConfig(jobId: string, options: CallOptions = {}): Promise<CheckpointConfig> {
    const config = await this.api.call(endpoints.checkpointConfig, { params: { jobid: checkJobId(jobId) } }, options);
    const enabled = config.interval > 0 && config.interval < Number.MAX_SAFE_INTEGER;
    return {
      enabled, intervalMs: enabled ? config.interval : null,
      ...(config.timeout === undefined ? {} : { timeoutMs: config.timeout }),
      ...(config.tolerable_failed_checkpoints === undefined ? {} : { tolerableFailedCheckpoints: config.tolerable_failed_checkpoints }),
      retainedOnCancel: config.externalization?.enabled === true && !config.externalization.delete_on_cancellation,
    };
  }

  async getJobMetrics(jobId: string, metrics: string[], options: CallOptions = {}): Promise<Record<string, string>> {
    checkMetricIds(metrics);
    const values = await this.api.call(endpoints.jobMetrics, { params: { jobid: checkJobId(jobId) }, query: { get: metrics.join(',') } }, options);
    return Object.fromEntries(values.filter((metric) => metric.value !== undefined).map((metric) => [metric.id, metric.value as string]));
  }

  async getVertexMetricIds(jobId: string, vertexId: string, options: CallOptions = {}): Promise<string[]> {
    const params = { jobid: checkJobId(jobId), vertexid: checkVertexId(vertexId) };
    return (await this.api.call(endpoints.vertexSubtaskMetrics, { params }, options)).map((metric) => metric.id);
  }

  async getVertexMetrics(jobId: string, vertexId: string, metrics: string[], aggregations: MetricAggregation[],
    options: CallOptions = {}): Promise<Record<string, AggregatedMetric>> {
    checkMetricIds(metrics);
    if (!Array.isArray(aggregations) || aggregations.length === 0 || aggregations.some((agg) => !METRIC_AGGREGATIONS.includes(agg))) {
      throw invalidArgument(`aggregations must be a non-empty list of ${METRIC_AGGREGATIONS.join(', ')}`);
    }
    const params = { jobid: checkJobId(jobId), vertexid: checkVertexId(vertexId) };
    // The spec names the modes in upper case (its AggregationMode enum); Flink reads either.
    const query = { get: metrics.join(','), agg: [...new Set(aggregations)].map((agg) => agg.toUpperCase()).join(',') };
    const values = await this.api.call(endpoints.vertexSubtaskMetrics, { params, query }, options);
    const wanted = new Set(aggregations);
    // A value that is not a finite number ("NaN" before a subtask measured it) is left out, as a metric Flink lacks.
    const measured = (metric: (typeof values)[number]): Array<[MetricAggregation, number]> => METRIC_AGGREGATIONS
      .filter((agg) => wanted.has(agg) && typeof metric[agg] === 'number' && Number.isFinite(metric[agg]))
      .map((agg) => [agg, metric[agg] as number]);
    return Object.fromEntries(values.map((metric) => [metric.id, Object.fromEntries(measured(metric))] as const)
      .filter(([, aggregates]) => Object.keys(aggregates).length > 0));
  }

  async getVertexBackpressure(jobId: string, vertexId: string, options: CallOptions = {}): Promise<VertexBackpressure> {
    let body;
    try {
      body = await this.api.call(endpoints.vertexBackpressure, { params: { jobid: checkJobId(jobId), vertexid: checkVertexId(vertexId) } }, options);
    } catch (err) {
      // Flink's handler fails this way while its metric store lacks the vertex's task metrics: no measurement yet.
      if (isFlinkError(err) && err.status === 500 && /^No value present/.test(err.message)) return { level: null, measuredAt: null, subtasks: [] };
      throw err;
    }
    return {
      level: body.backpressureLevel ?? null,
      measuredAt: body['end-timestamp'] ?? null,
      subtasks: (body.subtasks ?? []).map((subtask) => ({ subtask: subtask.subtask, level: subtask.backpressureLevel ?? null, ratio: subtask.ratio ?? null })),
    };
  }

  /** Waits until the job has ended and returns its result, as `JobClient.getJobExecutionResult`. */
  async getJobResult(jobId: string, options: JobResultOptions = {}): Promise<JobResult> {
    const id = checkJobId(jobId);
    return this.runOperation(`job result of ${id}`, options, async (signal, state) => pollUntilDone({
      operation: 'job result',
      check: async (checkOptions) => {
        const body = await this.api.call(endpoints.executionResult, { params: { jobid: id } }, checkOptions);
        const result = body['job-execution-result'];
        if (body.status.id !== 'COMPLETED' || !result) return undefined;
        const failure = result['failure-cause'] ? failureOf(result['failure-cause']) : undefined;
        return {
          jobId: result.id, ...(result['application-id'] ? { applicationId: result['application-id'] } : {}), applicationStatus: result['application-status'], netRuntimeMs: result['net-runtime'],
          accumulators: Object.fromEntries(Object.entries(result['accumulator-results'] ?? {}).map(([name, value]) => [name, decodeJavaValue(value)])),
          ...(failure ? { failure } : {}),
        };
      },
    }, signal, options.onProgress, state));
  }

  // ---- savepoints, stop, checkpoints ----

  /** Triggers a savepoint and returns its trigger id at once; follow it with `getSavepointStatus`. */
  async triggerDetachedSavepoint(jobId: string, given: SavepointOptions = {}): Promise<string> {
    const id = checkJobId(jobId);
    const options = checkTriggerOptions(given);
    checkFormatType(options);
    // Flink accepts a trigger for any job id and only fails it later; ask first, so an unknown job is reported now.
    await this.getJobStatus(id, options);
    const state: OperationState = {};
    try {
      const trigger = this.savepointTrigger(id, 'savepoint', options, await this.api.version(options));
      if (trigger.triggerId) await options.beforeTrigger?.(trigger.triggerId);
      Object.assign(state, { sent: true, jobId: id, ...(trigger.triggerId ? { triggerId: trigger.triggerId } : {}) });
      return (await trigger.send(options))['request-id'];
    } catch (err) {
      throw withOperationContext(err, state);
    }
  }

  async getSavepointStatus(jobId: string, triggerId: string, options: CallOptions = {}): Promise<SavepointStatus> {
    const target = this.savepointTarget(checkJobId(jobId), checkTriggerId(triggerId), 'savepoint');
    // Not inside an operation: the caller decides what to do when Flink cannot be reached.
    const location = await target.check(options);
    return location === undefined ? { state: 'IN_PROGRESS' } : { state: 'COMPLETED', location };
  }

  async followSavepoint(jobId: string, triggerId: string, options: OperationOptions = {}): Promise<string> {
    const id = checkJobId(jobId);
    const trigger = checkTriggerId(triggerId);
    return this.runOperation(`savepoint ${trigger} of job ${id}`, options, (signal, state) => {
      // The trigger reached Flink earlier: every error names it.
      Object.assign(state, { sent: true, jobId: id, triggerId: trigger });
      return pollUntilDone(this.savepointTarget(id, trigger, 'savepoint'), signal, options.onProgress, state);
    });
  }

  /** Triggers a savepoint and waits for it; returns its location. */
  async triggerSavepoint(jobId: string, options: SavepointOptions = {}): Promise<string> {
    return this.savepoint(checkJobId(jobId), 'savepoint', 'savepoint', options);
  }

  /** Takes a savepoint and cancels the job once it is written; returns its location. */
  async cancelWithSavepoint(jobId: string, options: SavepointOptions = {}): Promise<string> {
    return this.savepoint(checkJobId(jobId), 'savepoint', 'cancel with savepoint', options, true);
  }

  /** Stops the job gracefully with a final savepoint; the job ends FINISHED. Returns the location. */
  async stopWithSavepoint(jobId: string, options: StopOptions = {}): Promise<string> {
    return this.savepoint(checkJobId(jobId), 'stop', 'stop with savepoint', options);
  }

  /** Triggers a checkpoint (Flink 1.17+) and waits for it; returns the checkpoint id. */
  async triggerCheckpoint(jobId: string, given: CheckpointOptions = {}): Promise<number> {
    const id = checkJobId(jobId);
    const options = checkTriggerOptions(given);
    if (options.checkpointType !== undefined && !CHECKPOINT_TYPES.includes(options.checkpointType)) {
      throw invalidArgument(`checkpointType must be one of ${CHECKPOINT_TYPES.join(', ')}, not "${options.checkpointType}"`);
    }
    if (options.checkpointType === 'INCREMENTAL') {
      // The spec lists INCREMENTAL, but every Flink up to 2.3 answers it with a 500: refuse it without the round trip.
      throw new FlinkError({
        code: 'FLINK_UNSUPPORTED', jobId: id,
        message: 'Flink does not support triggering an INCREMENTAL checkpoint explicitly (FLINK-33723): use CONFIGURED, which is incremental when the job\'s state backend takes incremental checkpoints',
      });
    }
    return this.runOperation(`checkpoint of job ${id}`, options, async (signal, state) => {
      requireFeature(await this.operationVersion('checkpoint', signal, state, options.onProgress), SINCE.checkpointTrigger, 'Triggering a checkpoint over REST');
      const triggerId = options.triggerId ?? newTriggerId();
      const trigger = { triggerId, ...(options.checkpointType ? { checkpointType: options.checkpointType } : {}) };
      await this.sendTrigger('checkpoint', id, triggerId, (callOptions, onFailedAttempt) =>
        this.api.call(endpoints.checkpointTrigger, { params: { jobid: id }, body: trigger, onFailedAttempt }, callOptions), signal, state, options);
      return pollUntilDone({
        operation: 'checkpoint', triggerId,
        check: async (checkOptions) => {
          const body = await this.knownTrigger('checkpoint', id, triggerId, checkOptions,
            () => this.api.call(endpoints.checkpointStatus, { params: { jobid: id, triggerid: triggerId } }, checkOptions));
          if (body.status.id !== 'COMPLETED') return undefined;
          if (body.operation?.failureCause) throw operationFailed('Checkpoint', id, body.operation.failureCause);
          if (typeof body.operation?.checkpointId !== 'number') throw incomplete(`/jobs/${id}/checkpoints/${triggerId}`, 'checkpointId');
          return body.operation.checkpointId;
        },
      }, signal, options.onProgress, state);
    });
  }

  /** Deletes a savepoint's files through the cluster and waits until that is done. */
  async disposeSavepoint(savepointPath: string, options: OperationOptions = {}): Promise<void> {
    if (typeof savepointPath !== 'string' || savepointPath.trim() === '') throw invalidArgument('A savepoint path is required');
    await this.runOperation(`disposal of savepoint ${savepointPath}`, options, async (signal, state) => {
      Object.assign(state, { sent: true, subject: savepointPath });
      const { 'request-id': triggerId } = await this.api.call(endpoints.savepointDisposal, { body: { 'savepoint-path': savepointPath } }, { signal });
      state.triggerId = triggerId;
      return pollUntilDone({
        operation: 'savepoint disposal', triggerId,
        check: async (checkOptions) => {
          let body;
          try {
            body = await this.api.call(endpoints.savepointDisposalStatus, { params: { triggerid: triggerId } }, checkOptions);
          } catch (err) {
            if (!isFlinkError(err, 'FLINK_OUTCOME_UNKNOWN')) throw err;
            throw withFields(err, {
              triggerId,
              message: `Flink no longer knows disposal trigger ${triggerId} of savepoint ${savepointPath}: ${LOST_TRIGGER}. Whether the savepoint's files were deleted is unknown`,
            });
          }
          if (body.status.id !== 'COMPLETED') return undefined;
          if (body.operation?.['failure-cause']) throw operationFailed('Savepoint disposal', undefined, body.operation['failure-cause'], savepointPath);
          return true;
        },
      }, signal, options.onProgress, state);
    });
  }

  // ---- job submission ----

  /** Uploads a job jar (a path, or its bytes and name); returns the jar id that `runJar` takes. */
  async uploadJar(file: string | { name: string; data: Uint8Array }, options: CallOptions = {}): Promise<string> {
    const { name, data } = typeof file === 'string' ? { name: path.basename(file), data: await readFile(file) } : file;
    if (!name.endsWith('.jar')) throw invalidArgument(`Flink only accepts .jar files, not "${name}"`);
    const form = new FormData();
    form.append('jarfile', new Blob([new Uint8Array(data)], { type: 'application/java-archive' }), name);
    const { filename } = await this.api.call(endpoints.jarUpload, { body: form }, options);
    return path.basename(filename);
  }

  /** Runs an uploaded jar's job (optionally from a savepoint); returns the new job's id. */
  async runJar(jarId: string, options: RunJarOptions = {}): Promise<string> {
    checkJarId(jarId);
    const requestedId = options.jobId === undefined ? undefined : checkJobId(options.jobId);
    const version = await this.api.version(options);
    if (requestedId) requireFeature(version, SINCE.jarRunJobId, 'Choosing the job id of a jar run');
    const program = jarProgramBody(options, version);
    const jobId = version.atLeast(SINCE.jarRunJobId) ? requestedId ?? newJobId() : undefined;
    const params = { jarid: jarId };
    if (!jobId) return (await this.api.call(endpoints.jarRun, { params, body: program }, options)).jobid;
    // With a job id of the client's own, a retry that finds the job submitted resolves to it.
    const { jobid } = await submitUnderOwnId({ kind: 'job', id: jobId }, { jobid: jobId },
      (resolveReplay) => this.api.call(endpoints.jarRun, { params, body: { jobId, ...program }, resolveReplay }, options));
    return jobid;
  }

  /** The jars uploaded to the cluster, as `GET /jars` lists them. */
  async listJars(options: CallOptions = {}): Promise<JarFile[]> {
    const { files } = await this.api.call(endpoints.jarList, {}, options);
    return files.map((file) => ({ id: file.id, name: file.name, uploaded: file.uploaded, entryClasses: (file.entry ?? []).map((entry) => entry.name) }));
  }

  /**
   * Deletes an uploaded jar. A jar id the cluster does not have is FLINK_INVALID_ARGUMENT; a retried request
   * whose earlier attempt may already have deleted the jar resolves instead.
   */
  async deleteJar(jarId: string, options: CallOptions = {}): Promise<void> {
    const jarid = checkJarId(jarId);
    try {
      await this.api.call(endpoints.jarDelete, { params: { jarid }, resolveReplay: (err) => (isUnknownJar(err) ? {} : undefined) }, options);
    } catch (err) {
      if (!isFlinkError(err) || !isUnknownJar(err)) throw err;
      throw withFields(err, { code: 'FLINK_INVALID_ARGUMENT', message: `Flink has no uploaded jar ${jarid} (never uploaded to this cluster, or already deleted)` });
    }
  }

  /**
   * Waits until the job and every one of its vertices are RUNNING, at `options.parallelism` if given; a job that
   * ends first (FAILED, CANCELED, FINISHED) is FLINK_OPERATION_FAILED with its root exception. Returns its details.
   */
  async waitUntilRunning(jobId: string, options: WaitRunningOptions = {}): Promise<JobDetails> {
    const id = checkJobId(jobId);
    const wanted = checkParallelismTarget(options.parallelism);
    return this.runOperation(`wait for job ${id} to run`, options, (signal, state) => {
      Object.assign(state, { sent: true, jobId: id });
      return pollUntilDone({
        operation: 'wait for running',
        check: async (checkOptions) => {
          const details = await this.getJobDetails(id, checkOptions);
          if (TERMINAL_JOB_STATES.includes(details.state)) throw await this.endedEarly(details, checkOptions);
          return isRunningAt(details, wanted) ? details : undefined;
        },
      }, signal, options.onProgress, state);
    });
  }

  // ---- rescaling (adaptive scheduler) ----

  /** The parallelism bounds of each of the job's vertices (Flink 1.18+, adaptive scheduler only: else FLINK_UNSUPPORTED). */
  async getResourceRequirements(jobId: string, options: CallOptions = {}): Promise<JobResourceRequirements> {
    const jobid = checkJobId(jobId);
    try {
      return await this.api.call(endpoints.resourceRequirements, { params: { jobid } }, options);
    } catch (err) {
      throw schedulerRefusal(err, jobid);
    }
  }

  /**
   * Sets the parallelism bounds of every one of the job's vertices (Flink 1.18+, adaptive scheduler only: else
   * FLINK_UNSUPPORTED). Flink wants all vertices; the scheduler rescales soon after, not yet when this returns.
   */
  async setResourceRequirements(jobId: string, requirements: JobResourceRequirements, options: CallOptions = {}): Promise<void> {
    const jobid = checkJobId(jobId);
    const body = checkResourceRequirements(requirements);
    try {
      await this.api.call(endpoints.setResourceRequirements, { params: { jobid }, body }, options);
    } catch (err) {
      throw schedulerRefusal(err, jobid);
    }
  }

  // ---- applications (Flink 2.3+: FLINK_UNSUPPORTED before) ----

  /** The cluster's applications: each run of a jar's `main()`, with how many of its jobs are in each state. */
  listApplications(options: CallOptions = {}): Promise<ApplicationOverview[]> {
    return this.applications.list(options);
  }

  /** One application with its jobs. An unknown one is FLINK_APPLICATION_NOT_FOUND. */
  getApplication(applicationId: string, options: CallOptions = {}): Promise<ApplicationDetails> {
    return this.applications.get(applicationId, options);
  }

  /** The application's exception history: failures of its jobs and of its `main()`, each with its root cause and first frames. */
  getApplicationExceptions(applicationId: string, options: CallOptions = {}): Promise<ApplicationException[]> {
    return this.applications.exceptions(applicationId, options);
  }

  /** Asks Flink to cancel the application and its jobs; see `waitUntilApplicationEnded`. */
  cancelApplication(applicationId: string, options: CallOptions = {}): Promise<void> {
    return this.applications.cancel(applicationId, options);
  }

  /** Runs an uploaded jar's `main()` as an application, under an application id of the client's own; returns it. */
  runJarApplication(jarId: string, options: RunJarApplicationOptions = {}): Promise<string> {
    return this.applications.run(jarId, options);
  }

  /** Waits until the application and every job its `main()` submitted run, the same jobs for `APPLICATION_SETTLE_MS`; one that ends first is FLINK_OPERATION_FAILED. */
  waitUntilApplicationRunning(applicationId: string, options: OperationOptions = {}): Promise<ApplicationDetails> {
    return this.applications.waitUntilRunning(applicationId, options);
  }

  /** Waits until the application and its jobs have ended; returns its details. */
  waitUntilApplicationEnded(applicationId: string, options: OperationOptions = {}): Promise<ApplicationDetails> {
    return this.applications.waitUntilEnded(applicationId, options);
  }

  // ---- rescale history (Flink 2.3+, adaptive scheduler; src/rescales/) ----

  /** The job's rescale settings; `rescaleHistoryMax` 0: the cluster keeps no history. Before Flink 2.3: FLINK_UNSUPPORTED. */
  getRescaleConfig(jobId: string, options: CallOptions = {}): Promise<RescaleConfig> {
    return rescales.getRescaleConfig(this.api, jobId, options);
  }

  /** The job's rescales, newest first, without their vertices (`getRescaleDetails` has them). Before Flink 2.3: FLINK_UNSUPPORTED. */
  getRescaleHistory(jobId: string, options: CallOptions = {}): Promise<RescaleEntry[]> {
    return rescales.getRescaleHistory(this.api, jobId, options);
  }

  /** The counts of the job's rescales and the latest of each outcome. Before Flink 2.3: FLINK_UNSUPPORTED. */
  getRescaleOverview(jobId: string, options: CallOptions = {}): Promise<RescaleOverview> {
    return rescales.getRescaleOverview(this.api, jobId, options);
  }

  /** The counts of the job's rescales and statistics of their durations. Before Flink 2.3: FLINK_UNSUPPORTED. */
  getRescaleSummary(jobId: string, options: CallOptions = {}): Promise<RescaleSummary> {
    return rescales.getRescaleSummary(this.api, jobId, options);
  }

  /** One rescale with its vertices' parallelism before and after, slots and scheduler states. Before Flink 2.3: FLINK_UNSUPPORTED. */
  getRescaleDetails(jobId: string, rescaleUuid: string, options: CallOptions = {}): Promise<RescaleEntry> {
    return rescales.getRescaleDetails(this.api, jobId, rescaleUuid, options);
  }

  /** Aborts in-flight requests and polls, and releases the connection pool. Later calls fail. */
  async close(): Promise<void> {
    await this.api.transport.close();
  }

  // ---- internals ----

  /** The error for a job that ended while it was awaited RUNNING, with the root cause Flink recorded, if any. */
  private async endedEarly(details: JobDetails, options: CallOptions): Promise<FlinkError> {
    const entry = details.state === 'FAILED'
      ? (await this.getJobExceptions(details.jobId, { ...options, maxExceptions: 1 }).catch(() => undefined))?.entries[0]
      : undefined;
    const cause = entry?.stacktrace ? failureOf({ 'stack-trace': entry.stacktrace, class: entry.exceptionName }) : undefined;
    return new FlinkError({
      code: 'FLINK_OPERATION_FAILED', jobId: details.jobId,
      message: `Job ${details.jobId} ended ${details.state} before all its vertices were RUNNING${cause ? `: ${cause.message}` : ''}`,
      ...(cause?.class ? { failureClass: cause.class } : {}),
      ...(cause?.stackTrace ? { details: cause.stackTrace } : {}),
    });
  }

  private runOperation<T>(what: string, options: OperationOptions, work: (signal: AbortSignal, state: OperationState) => Promise<T>): Promise<T> {
    return withDeadline(what, options.timeoutMs ?? this.operationTimeoutMs, options, this.api.transport, work);
  }

  private async savepoint(jobId: string, kind: SavepointKind, what: string, given: StopOptions, cancelJob = false): Promise<string> {
    const options = checkTriggerOptions(given);
    checkFormatType(options);
    return this.runOperation(`${what} of job ${jobId}`, options, async (signal, state) => {
      const version = await this.operationVersion(what, signal, state, options.onProgress);
      // After an outage, a new leader still recovering the job fails the trigger without starting anything: trigger anew (a new id) later.
      return rideOutOutage(async () => {
        const trigger = this.savepointTrigger(jobId, kind, options, version, cancelJob);
        const triggerId = await this.sendTrigger(what, jobId, trigger.triggerId, trigger.send, signal, state, options);
        return pollUntilDone(this.savepointTarget(jobId, triggerId, what), signal, options.onProgress, state);
      }, signal, state, outageReporter(what, () => state.triggerId, options.onProgress),
      // A trigger id of the caller's own is not sent anew: Flink would answer with the refusal it keeps for that id.
      (err): err is FlinkError => state.resent !== undefined && options.triggerId === undefined && isRecovering(err));
    });
  }

  /** The trigger of a savepoint, stop or cancel-with-savepoint, with a trigger id of the client's (or caller's) own from Flink 1.15 on. */
  private savepointTrigger(jobId: string, kind: SavepointKind, options: StopOptions, version: FlinkVersion,
    cancelJob = false): { send: TriggerCall; triggerId?: string } {
    const modern = version.atLeast(SINCE.triggerIdAndFormatType);
    if (options.formatType && !modern) requireFeature(version, SINCE.triggerIdAndFormatType, 'Choosing a savepoint format');
    if (options.triggerId && !modern) requireFeature(version, SINCE.triggerIdAndFormatType, 'Choosing the trigger id of a savepoint or stop');
    // With a trigger id of our own, Flink recognises a retried trigger and starts nothing new.
    const triggerId = modern ? options.triggerId ?? newTriggerId() : undefined;
    const dir = options.savepointDir;
    const params = { jobid: jobId };
    const common = { ...(options.formatType ? { formatType: options.formatType } : {}), ...(triggerId ? { triggerId } : {}) };
    // The two endpoints spell their fields differently: kebab-case for savepoints, camelCase for stop.
    const send: TriggerCall = kind === 'savepoint'
      ? (callOptions, onFailedAttempt) => this.api.call(endpoints.savepointTrigger, {
        params, onFailedAttempt, body: { ...(dir ? { 'target-directory': dir } : {}), 'cancel-job': cancelJob, ...common },
      }, callOptions)
      : (callOptions, onFailedAttempt) => this.api.call(endpoints.stopWithSavepoint, {
        params, onFailedAttempt, body: { ...(dir ? { targetDirectory: dir } : {}), drain: options.drain ?? false, ...common },
      }, callOptions);
    return { send, ...(triggerId ? { triggerId } : {}) };
  }

  /**
   * Sends an operation's trigger and returns the trigger id Flink acknowledged; `state` knows the trigger
   * id and job from the moment the request may reach Flink. A trigger with a trigger id of the client's
   * own is sent again through an outage (Flink starts nothing new for an id it knows) until Flink answers
   * or the operation's deadline passes; one without is never sent again once it may have arrived.
   */
  private async sendTrigger(what: string, jobId: string, triggerId: string | undefined, send: TriggerCall, signal: AbortSignal,
    state: OperationState, { onProgress, beforeTrigger }: TriggerOptions): Promise<string> {
    if (triggerId) await beforeTrigger?.(triggerId);
    Object.assign(state, { sent: true, jobId, ...(triggerId ? { triggerId } : {}) });
    if (!triggerId) return this.acknowledged(await send({ signal }), state);
    const resent = { mayHaveArrived: false };
    const onFailedAttempt = (failure: AttemptFailure): void => { resent.mayHaveArrived ||= mayHaveActed(failure); };
    const report = outageReporter(what, () => triggerId, onProgress);
    const body = await rideOutOutage(() => send({ signal }, onFailedAttempt), signal, state, (outage) => {
      state.resent = resent;
      report(outage);
    });
    return this.acknowledged(body, state);
  }

  /** The cluster's version for an operation, asked again through an outage until the operation's deadline. */
  private operationVersion(what: string, signal: AbortSignal, state: OperationState, onProgress?: (progress: Progress) => void): Promise<FlinkVersion> {
    return rideOutOutage(() => this.api.version({ signal }), signal, state, outageReporter(what, () => undefined, onProgress));
  }

  private acknowledged(body: { 'request-id': string }, state: OperationState): string {
    state.triggerId = body['request-id'];
    return body['request-id'];
  }

  private savepointTarget(jobId: string, triggerId: string, what: string): PollTarget<string> {
    const statusPath = `/jobs/${jobId}/savepoints/${triggerId}`;
    return {
      operation: what,
      triggerId,
      check: async (checkOptions) => {
        const body = await this.knownTrigger(what, jobId, triggerId, checkOptions,
          () => this.api.call(endpoints.savepointStatus, { params: { jobid: jobId, triggerid: triggerId } }, checkOptions));
        if (body.status.id !== 'COMPLETED') return undefined;
        const failure = body.operation?.['failure-cause'];
        if (failure) throw operationFailed(capitalize(what), jobId, failure);
        if (!body.operation?.location) throw incomplete(statusPath, 'location');
        return body.operation.location;
      },
    };
  }

  /**
   * A status request of a job's savepoint, stop or checkpoint; when Flink no longer knows the trigger,
   * FLINK_OUTCOME_UNKNOWN saying what is known: the trigger, and whether the job exists and its state.
   */
  private async knownTrigger<T>(what: string, jobId: string, triggerId: string, options: CallOptions, ask: () => Promise<T>): Promise<T> {
    try {
      return await ask();
    } catch (err) {
      if (!isFlinkError(err, 'FLINK_OUTCOME_UNKNOWN')) throw err;
      let jobState: JobStatus | null;
      try {
        jobState = await this.getJobStatus(jobId, options);
      } catch (statusErr) {
        if (!isFlinkError(statusErr, 'FLINK_JOB_NOT_FOUND')) throw statusErr;
        jobState = null;
      }
      const job = jobState === null ? `Flink has no job ${jobId} now` : `the job is ${jobState}`;
      throw withFields(err, {
        triggerId, jobId, jobState,
        message: `Flink no longer knows ${what} trigger ${triggerId} of job ${jobId}: ${LOST_TRIGGER}. The result of that ${what} is unknown; ${job}`,
      });
    }
  }
}

/** A savepoint (which may cancel the job) or a stop with savepoint: two endpoints. */
type SavepointKind = 'savepoint' | 'stop';

/** Sends an operation's trigger once more; `onFailedAttempt` hears of each failed attempt. */
type TriggerCall = (options: CallOptions, onFailedAttempt?: (failure: AttemptFailure) => void) => Promise<{ 'request-id': string }>;

/** Reports an outage before the first status request: while the version is asked or the trigger sent. */
function outageReporter(operation: string, triggerId: () => string | undefined, onProgress?: (progress: Progress) => void): (outage: NonNullable<Progress['outage']>) => void {
  const started = Date.now();
  return (outage) => {
    const id = triggerId();
    onProgress?.({ operation, ...(id ? { triggerId: id } : {}), elapsedMs: Date.now() - started, attempts: 0, outage });
  };
}

const LOST_TRIGGER = 'the JobManager lost it (it restarted without high availability, a new leader took over, or the result expired after rest.async.store-duration)';

/** Flink's answer to deleting a jar it does not have: a 400 "File <id> does not exist in <upload dir>." */
function isUnknownJar(err: FlinkError): boolean {
  return err.status === 400 && /^File \S+ does not exist in /.test(err.message);
}

/** Whether the job and all its vertices run, each at the parallelism wanted for it (if any). */
function isRunningAt(details: JobDetails, wanted: number | Record<string, number> | undefined): boolean {
  if (details.state !== 'RUNNING' || details.vertices.length === 0) return false;
  return details.vertices.every((vertex) => {
    const parallelism = typeof wanted === 'number' ? wanted : wanted?.[vertex.id];
    return vertex.status === 'RUNNING' && (parallelism === undefined || vertex.parallelism === parallelism);
  });
}

function checkParallelismTarget(target: unknown): number | Record<string, number> | undefined {
  const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;
  if (target === undefined || isCount(target)) return target;
  if (typeof target === 'object' && target !== null && !Array.isArray(target) && Object.values(target).every(isCount)) {
    return target as Record<string, number>;
  }
  throw invalidArgument('parallelism must be a whole number of at least 1, or one per vertex id: { [vertexId]: number }');
}

/** The options with their trigger id checked and lowered; a malformed one is FLINK_INVALID_ARGUMENT. */
function checkTriggerOptions<T extends TriggerOptions>(options: T): T {
  if (options.triggerId === undefined) return options;
  try {
    return { ...options, triggerId: checkTriggerId(options.triggerId) };
  } catch (err) {
    throw withFields(err as FlinkError, { message: `The triggerId option: ${(err as FlinkError).message}` });
  }
}

function checkFormatType(options: SavepointOptions): void {
  if (options.formatType !== undefined && !SAVEPOINT_FORMAT_TYPES.includes(options.formatType)) {
    throw invalidArgument(`formatType must be one of ${SAVEPOINT_FORMAT_TYPES.join(', ')}, not "${options.formatType}"`);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function incomplete(statusPath: string, field: string): FlinkError {
  return new FlinkError({ code: 'FLINK_INVALID_RESPONSE', method: 'GET', path: statusPath, message: `Flink reported GET ${statusPath} COMPLETED without a ${field} or a failure cause` });
}

function checkpointEntry(entry: CheckpointStatisticsEntry): CheckpointEntry {
  return {
    id: entry.id, status: entry.status, isSavepoint: entry.is_savepoint ?? false,
    triggerTimestamp: entry.trigger_timestamp ?? null, latestAckTimestamp: entry.latest_ack_timestamp ?? null,
    failureMessage: entry.failure_message ?? null,
  };
}

function restoredCheckpoint(restored: RestoredCheckpointStatistics): RestoredCheckpoint {
  return {
    id: restored.id, isSavepoint: restored.is_savepoint ?? false,
    restoreTimestamp: restored.restore_timestamp ?? null, path: restored.external_path ?? null,
  };
}

function checkMetricIds(metrics: string[]): void {
  if (!Array.isArray(metrics) || metrics.length === 0 || metrics.some((name) => typeof name !== 'string' || !/^[\w.-]+$/.test(name))) {
    throw invalidArgument('metrics must be a non-empty list of metric ids (letters, digits, ".", "_", "-")');
  }
}
