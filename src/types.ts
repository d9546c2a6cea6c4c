import type { JobStatus } from './schemas';
import type { OperationOptions } from './poll';
import type { CallOptions } from './transport';
import type { AccumulatorValue } from './java-values';

export type { JobStatus } from './schemas';
export type { AccumulatorValue, FailedValue, SimpleValue, UndecodableValue } from './java-values';
export type SavepointFormatType = 'CANONICAL' | 'NATIVE';
export type CheckpointType = 'CONFIGURED' | 'FULL' | 'INCREMENTAL';
export type ClaimMode = 'CLAIM' | 'NO_CLAIM' | 'LEGACY';

export const SAVEPOINT_FORMAT_TYPES: readonly SavepointFormatType[] = ['CANONICAL', 'NATIVE'];
export const CHECKPOINT_TYPES: readonly CheckpointType[] = ['CONFIGURED', 'FULL', 'INCREMENTAL'];

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
}

export interface SavepointOptions extends OperationOptions {
  /** Where to write it; Flink's configured default directory when left out. */
  savepointDir?: string;
  formatType?: SavepointFormatType;
}

export interface StopOptions extends SavepointOptions {
  /** Emit MAX_WATERMARK first, as for an end of input (use when the job will not be resumed). */
  drain?: boolean;
}

export interface CheckpointOptions extends OperationOptions {
  checkpointType?: CheckpointType;
}

export type SavepointStatus =
  | { state: 'IN_PROGRESS' }
  | { state: 'COMPLETED'; location: string };

export interface RunJarOptions extends CallOptions {
  entryClass?: string;
  args?: string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  claimMode?: ClaimMode;
  /**
   * The new job's id (32 hex characters; Flink 1.20+). Left out, the client makes one, so that a retried
   * submission is recognised by Flink instead of starting a second job.
   */
  jobId?: string;
}

export type JobResultOptions = OperationOptions;
