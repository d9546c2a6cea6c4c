import type { JobStatus } from './job-states';
import type { Dispatcher } from 'undici';
import type { AccumulatorValue } from './java-values';
import type { RescaleConfig, RescaleEntry, RescaleOverview, RescaleSummary } from './rescales/rescale-types';

export type { JobStatus } from './job-states';
export type { AccumulatorValue, FailedValue, SimpleValue, UndecodableValue } from './java-values';
export type SavepointFormatType = 'CANONICAL' | 'NATIVE';
export type CheckpointType = 'CONFIGURED' | 'FULL' | 'INCREMENTAL';
export type ClaimMode = 'CLAIM' | 'NO_CLAIM' | 'LEGACY';

export const SAVEPOINT_FORMAT_TYPES: readonly SavepointFormatType[] = ['CANONICAL', 'NATIVE'];
export const CHECKPOINT_TYPES: readonly CheckpointType[] = ['CONFIGURED', 'FULL', 'INCREMENTAL'];

export type FlinkAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export interface FlinkTlsOptions {
  /** Extra trusted CA certificate(s), PEM; added to Node's default roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Verify the server's certificate (default true). */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** How to reach one Flink cluster's REST API. */
export interface ConnectionOptions {
  /** `http(s)://host:port[/base-path]` of Flink's REST API. */
  url: string;
  auth?: FlinkAuth;
  headers?: Record<string, string>;
  tls?: FlinkTlsOptions;
  /** Time limit of each attempt of a request (default 30 s): its response headers and body together. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Largest response body accepted (default 32 MiB). */
  maxResponseBytes?: number;
  /** Most connections kept to the cluster (default 8). */
  connections?: number;
  /** Use this dispatcher instead of the client's own pool (tests, proxies). The client does not close it. */
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Retries of one request (see `DEFAULT_RETRY`): attempts after the first, and the exponential backoff between them. */
export interface RetryOptions {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export interface FlinkClusterClientOptions extends ConnectionOptions {
  /** Default overall limit for savepoints, stops, checkpoints, disposals and job results (default 10 min). */
  operationTimeoutMs?: number;
}

export interface Progress {
  /** What is being waited for, e.g. "savepoint". */
  operation: string;
  triggerId?: string;
  elapsedMs: number;
  /** Status requests made so far (0 while the trigger itself is being sent). */
  attempts: number;
  /**
   * Set while Flink cannot be reached or answers 5xx (a JobManager restarting, a leader election): the
   * operation keeps sending its trigger (when it carries a trigger id of the client's own) or polling,
   * until its own deadline. `forMs` is how long the outage has lasted so far.
   */
  outage?: { forMs: number; code: string; message: string };
}

export interface OperationOptions {
  signal?: AbortSignal;
  /** Overall limit for the whole operation, trigger and polling included. */
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
}

/** One row of the job list, as Flink's `ClusterClient.listJobs` gives it, plus times. */
export interface JobStatusMessage {
  jobId: string;
  jobName: string;
  state: JobStatus;
  startTime: number | null;
  /** `null` while the job runs. */
  endTime: number | null;
  durationMs: number;
  lastModification?: number;
  /** The application that submitted the job, where Flink reports it (Flink 2.3+). */
  applicationId?: string;
}

export interface JobVertex {
  id: string;
  name: string;
  parallelism: number;
  status: string;
  startTime: number | null;
  endTime: number | null;
  durationMs: number;
  tasks?: Record<string, number>;
}

export interface JobDetails {
  jobId: string;
  jobName: string;
  state: JobStatus;
  isStoppable?: boolean;
  /** The application that submitted the job (Flink 2.3+). */
  applicationId?: string;
  startTime: number | null;
  endTime: number | null;
  durationMs: number;
  maxParallelism?: number;
  /** When each state was entered, by state name (ms since the epoch). */
  timestamps: Record<string, number>;
  vertices: JobVertex[];
  statusCounts: Record<string, number>;
}

export interface JobResult {
  jobId: string;
  /** The application that submitted the job (Flink 2.3+). */
  applicationId?: string;
  /** SUCCEEDED, FAILED, CANCELED or UNKNOWN. */
  applicationStatus: string;
  netRuntimeMs: number;
  /** Accumulator values decoded (numbers, strings, ...); see `AccumulatorValue` for what else a value can be. */
  accumulators: Record<string, AccumulatorValue>;
  failure?: FlinkFailure;
}

/** A Java exception as Flink reports it: its class, its message, and the stack trace. */
export interface FlinkFailure {
  class?: string;
  message: string;
  stackTrace?: string;
}

export interface ClusterOverview {
  taskManagers: number;
  slotsTotal: number;
  slotsAvailable: number;
  jobsRunning: number;
  jobsFinished: number;
  jobsCancelled: number;
  jobsFailed: number;
  flinkVersion?: string;
}

export interface JobException {
  exceptionName?: string;
  stacktrace?: string;
  timestamp?: number;
  taskName?: string | null;
  /** Labels Flink's failure enrichers attached (Flink 1.19+; empty without enrichers). */
  failureLabels?: Record<string, string>;
}

/** One checkpoint (or savepoint) as Flink's checkpoint statistics list it. */
export interface CheckpointEntry {
  id: number;
  /** IN_PROGRESS, COMPLETED or FAILED. */
  status: string;
  isSavepoint: boolean;
  triggerTimestamp: number | null;
  /** When the last task acknowledged it (for a completed one: when it completed). */
  latestAckTimestamp: number | null;
  failureMessage: string | null;
}

/** The checkpoint or savepoint a job's state was restored from, as Flink's checkpoint statistics report it. */
export interface RestoredCheckpoint {
  id: number;
  isSavepoint: boolean;
  /** When the job restored it; null when Flink did not say. */
  restoreTimestamp: number | null;
  /** Where it is (`external_path`); null when Flink knows no location of it. */
  path: string | null;
}

/** A job's checkpoint counts, newest completed and failed ones, what it was restored from, and recent history (newest first). */
export interface CheckpointSummary {
  completed: number;
  failed: number;
  inProgress: number;
  latestCompleted: CheckpointEntry | null;
  latestFailed: CheckpointEntry | null;
  /** null when the job started without state. */
  restoredFrom: RestoredCheckpoint | null;
  /** As many as Flink keeps (`web.checkpoints.history`, 10 by default). */
  history: CheckpointEntry[];
}

/** How a job checkpoints, from `/jobs/{jobid}/checkpoints/config`. */
export interface CheckpointConfig {
  /** false for a job without checkpointing (Flink then reports an interval of Long.MAX_VALUE). */
  enabled: boolean;
  /** Milliseconds between periodic checkpoints; null when checkpointing is off. */
  intervalMs: number | null;
  timeoutMs?: number;
  tolerableFailedCheckpoints?: number;
  /** Whether completed checkpoints stay when the job is canceled (externalized, RETAIN_ON_CANCELLATION). */
  retainedOnCancel: boolean;
}

export type BackpressureLevel = 'ok' | 'low' | 'high';

/** How Flink aggregates a metric over a vertex's subtasks. */
export type MetricAggregation = 'min' | 'max' | 'avg' | 'sum' | 'skew';
export const METRIC_AGGREGATIONS: readonly MetricAggregation[] = ['min', 'max', 'avg', 'sum', 'skew'];

/** One metric over a vertex's subtasks: the aggregations asked for that Flink computed. */
export type AggregatedMetric = Partial<Record<MetricAggregation, number>>;

/** A job vertex's backpressure, as Flink measured it. */
export interface VertexBackpressure {
  /** null while Flink has no measurement yet (its status `deprecated`). */
  level: BackpressureLevel | null;
  /** When the measurement was taken, null when there is none. */
  measuredAt: number | null;
  /** Per subtask: its level and the share of time it was back-pressured (0..1). */
  subtasks: Array<{ subtask: number; level: BackpressureLevel | null; ratio: number | null }>;
}

/**
 * The trigger of a savepoint, stop or checkpoint. Flink recognises a trigger id it already has for the job,
 * in progress or completed, for `rest.async.store-duration` after completion (5 min by default, on the
 * same JobManager): a second trigger with that id starts nothing and the call resolves to the first one's result.
 */
export interface TriggerOptions extends OperationOptions {
  /**
   * A trigger id of the caller's own (32 hex characters, Flink 1.15+), e.g. derived from an idempotency key, so
   * that two callers or a retried call get one savepoint; by default a fresh one for each call.
   */
  triggerId?: string;
  /**
   * Called with the trigger id before the trigger is first sent (and again should the client send a new trigger),
   * e.g. to record it where a restarted process finds it; the trigger waits for it, and its rejection ends the
   * operation with nothing sent. Not called on a Flink older than 1.15, which takes no trigger id of the client's.
   */
  beforeTrigger?: (triggerId: string) => Promise<void> | void;
}

export interface SavepointOptions extends TriggerOptions {
  /** Where to write it; Flink's configured default directory when left out. */
  savepointDir?: string;
  formatType?: SavepointFormatType;
}

export interface StopOptions extends SavepointOptions {
  /** Emit MAX_WATERMARK first, as for an end of input (use when the job will not be resumed). */
  drain?: boolean;
}

export interface CheckpointOptions extends TriggerOptions {
  checkpointType?: CheckpointType;
}

export type SavepointStatus =
  | { state: 'IN_PROGRESS' }
  | { state: 'COMPLETED'; location: string };

/** The program a jar run starts, for a job run (`runJar`) and an application run (`runJarApplication`) alike. */
export interface JarProgramOptions extends CallOptions {
  entryClass?: string;
  args?: string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  claimMode?: ClaimMode;
  /** Flink configuration for this job only (Flink 1.17+), e.g. `{ 'pipeline.max-parallelism': '128' }`. */
  flinkConfiguration?: Record<string, string>;
}

export interface RunJarOptions extends JarProgramOptions {
  /**
   * The new job's id (32 hex characters; Flink 1.20+). Left out, the client makes one, so that a retried
   * submission is recognised by Flink instead of starting a second job.
   */
  jobId?: string;
}

export interface WaitRunningOptions extends OperationOptions {
  /**
   * Also wait until the vertices run at this parallelism: one number for every vertex, or a number per vertex
   * id (the vertices not named may run at any parallelism).
   */
  parallelism?: number | Record<string, number>;
}

/** One jar uploaded to the cluster, as `GET /jars` lists it. */
export interface JarFile {
  /** What `runJar` and `deleteJar` take. */
  id: string;
  /** The file name it was uploaded with. */
  name: string;
  /** When it was uploaded (ms since the epoch). */
  uploaded: number;
  /** The entry classes Flink found in its manifest. */
  entryClasses: string[];
}

/** The parallelism the adaptive scheduler may give a vertex: at least `lowerBound`, at most `upperBound`. */
export interface ParallelismBounds {
  lowerBound: number;
  upperBound: number;
}

/** A job's resource requirements by job vertex id, as `/jobs/{jobid}/resource-requirements` has them. */
export type JobResourceRequirements = Record<string, { parallelism: ParallelismBounds }>;

export type JobResultOptions = OperationOptions;

export interface JobExceptionsOptions extends CallOptions {
  /** Most entries of the exception history to return (default 20). */
  maxExceptions?: number;
}

export interface JobExceptions {
  entries: JobException[];
  /** Whether Flink left older entries out. */
  truncated: boolean;
}

/**
 * The operations on one job that a cluster client offers, each taking the job's id first: what a `JobClient`
 * binds to one job, as Flink's `ClusterClientJobClientAdapter` binds a `ClusterClient`.
 */
export interface JobOperations {
  getJobStatus(jobId: string, options?: CallOptions): Promise<JobStatus>;
  getJobDetails(jobId: string, options?: CallOptions): Promise<JobDetails>;
  /** Asks Flink to cancel the job; it is CANCELED soon after, not yet when this returns. */
  cancel(jobId: string, options?: CallOptions): Promise<void>;
  /** User accumulators of the job, by name (values as Flink renders them). */
  getAccumulators(jobId: string, options?: CallOptions): Promise<Record<string, string>>;
  getJobExceptions(jobId: string, options?: JobExceptionsOptions): Promise<JobExceptions>;
  /** Checkpoint statistics (counts, summary, latest, history) as Flink reports them. */
  getCheckpointStatistics(jobId: string, options?: CallOptions): Promise<Record<string, unknown>>;
  /** The checkpoint counts, the newest completed and failed checkpoints and the recent history, typed. */
  getCheckpointSummary(jobId: string, options?: CallOptions): Promise<CheckpointSummary>;
  /** Whether the job checkpoints, and how often. */
  getCheckpointConfig(jobId: string, options?: CallOptions): Promise<CheckpointConfig>;
  /**
   * Job metrics by id (e.g. `numRestarts`, `numberOfFailedCheckpoints`), values as Flink renders them (strings);
   * a metric Flink does not have, or a job it does not know, is left out.
   */
  getJobMetrics(jobId: string, metrics: string[], options?: CallOptions): Promise<Record<string, string>>;
  /**
   * One vertex's backpressure. Flink measures it from task metrics it fetches every few seconds: until it has
   * them, and for a job or vertex it does not know, there is no measurement (level null), not an error.
   */
  getVertexBackpressure(jobId: string, vertexId: string, options?: CallOptions): Promise<VertexBackpressure>;
  /**
   * Task metrics of one vertex (e.g. `numRecordsOutPerSecond`, `busyTimeMsPerSecond`), each aggregated over the
   * vertex's subtasks as asked (`sum`, `max`, ...). One request. Flink answers from its metric store, which it
   * refreshes every `metrics.fetcher.update-interval` (10 s by default): a metric it has not measured yet (`NaN`),
   * or a job or vertex it does not know, is left out. Flink answers nothing at all when one of the metrics asked
   * for is unknown to it: ask only for ids the vertex has (`getVertexMetricIds`).
   */
  /** The ids of the metrics Flink has of a vertex's subtasks (operator metrics prefixed `<operator>.`); none until its metric store fills. */
  getVertexMetricIds(jobId: string, vertexId: string, options?: CallOptions): Promise<string[]>;
  getVertexMetrics(jobId: string, vertexId: string, metrics: string[], aggregations: MetricAggregation[], options?: CallOptions): Promise<Record<string, AggregatedMetric>>;
  /** Waits until the job has ended and returns its result, as `JobClient.getJobExecutionResult`. */
  getJobResult(jobId: string, options?: JobResultOptions): Promise<JobResult>;
  /** Triggers a savepoint and returns its trigger id at once; follow it with `getSavepointStatus`. */
  triggerDetachedSavepoint(jobId: string, options?: SavepointOptions): Promise<string>;
  getSavepointStatus(jobId: string, triggerId: string, options?: CallOptions): Promise<SavepointStatus>;
  /**
   * Waits for a savepoint, stop or cancel-with-savepoint triggered earlier (by this process or one that has since
   * restarted) and returns its location; FLINK_OUTCOME_UNKNOWN when Flink no longer knows the trigger.
   */
  followSavepoint(jobId: string, triggerId: string, options?: OperationOptions): Promise<string>;
  /** Triggers a savepoint and waits for it; returns its location. */
  triggerSavepoint(jobId: string, options?: SavepointOptions): Promise<string>;
  /** Takes a savepoint and cancels the job once it is written; returns its location. */
  cancelWithSavepoint(jobId: string, options?: SavepointOptions): Promise<string>;
  /** Stops the job gracefully with a final savepoint; the job ends FINISHED. Returns the location. */
  stopWithSavepoint(jobId: string, options?: StopOptions): Promise<string>;
  /** Triggers a checkpoint (Flink 1.17+) and waits for it; returns the checkpoint id. */
  triggerCheckpoint(jobId: string, options?: CheckpointOptions): Promise<number>;
  /** The parallelism bounds of each vertex (Flink 1.18+, adaptive scheduler only: else FLINK_UNSUPPORTED). */
  getResourceRequirements(jobId: string, options?: CallOptions): Promise<JobResourceRequirements>;
  /**
   * Sets the parallelism bounds of every vertex (Flink 1.18+, adaptive scheduler only: else FLINK_UNSUPPORTED);
   * the scheduler rescales the running job to them soon after, not yet when this returns.
   */
  setResourceRequirements(jobId: string, requirements: JobResourceRequirements, options?: CallOptions): Promise<void>;
  /**
   * Waits until the job and every one of its vertices are RUNNING (at the parallelism asked for, if any); a job
   * that ends first is FLINK_OPERATION_FAILED with its root exception. Returns the job's details then.
   */
  waitUntilRunning(jobId: string, options?: WaitRunningOptions): Promise<JobDetails>;
  /** The adaptive scheduler's rescale settings; `rescaleHistoryMax` 0: no history kept (Flink 2.3+: else FLINK_UNSUPPORTED). */
  getRescaleConfig(jobId: string, options?: CallOptions): Promise<RescaleConfig>;
  /** The job's rescales, newest first, without their vertices (Flink 2.3+: else FLINK_UNSUPPORTED). */
  getRescaleHistory(jobId: string, options?: CallOptions): Promise<RescaleEntry[]>;
  /** The counts of the job's rescales and the latest of each outcome (Flink 2.3+: else FLINK_UNSUPPORTED). */
  getRescaleOverview(jobId: string, options?: CallOptions): Promise<RescaleOverview>;
  /** The counts of the job's rescales and statistics of their durations (Flink 2.3+: else FLINK_UNSUPPORTED). */
  getRescaleSummary(jobId: string, options?: CallOptions): Promise<RescaleSummary>;
  /** One rescale with its vertices' parallelism before and after (Flink 2.3+: else FLINK_UNSUPPORTED). */
  getRescaleDetails(jobId: string, rescaleUuid: string, options?: CallOptions): Promise<RescaleEntry>;
}
