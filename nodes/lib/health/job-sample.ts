import type { BackpressureLevel, CheckpointSummary } from '../../../src';

/** What a health node needs measured for a job; the sampler asks Flink only for what some node needs. */
export interface SampleNeeds {
  restarts: boolean;
  checkpoints: boolean;
  backpressure: boolean;
}

export interface CheckpointSample {
  /** Completed and failed checkpoints since the job started (Flink's counts). */
  completed: number;
  failed: number;
  /** Failed checkpoints since the newest completed one, as far as Flink's checkpoint history reaches. */
  failedInARow: number;
  /** Whether the history reached a completed checkpoint (else `failedInARow` may be short of the truth). */
  runComplete: boolean;
  /** When the first failure of that run was triggered, if Flink's history still has it. */
  runStartedAt: number | null;
  /** When the newest completed checkpoint was acknowledged, null if none has completed. */
  lastCompletedAt: number | null;
  /** The newest failure's message, if Flink gave one. */
  lastFailure: string | null;
}

export interface VertexBackpressure {
  vertexId: string;
  vertexName: string;
  /** null while Flink has no measurement for the vertex yet. */
  level: BackpressureLevel | null;
}

/** One round of health measurements of one job, each part present when it was needed and Flink answered. */
export interface JobHealthSample {
  /** When the round began (ms since the epoch). */
  at: number;
  /** Flink's `numRestarts` job metric. */
  restarts?: number;
  /** Checkpointing configured for the job (false: no checkpoint statistics are read). */
  checkpointing?: { enabled: boolean; intervalMs: number | null };
  checkpoints?: CheckpointSample;
  backpressure?: VertexBackpressure[];
}

export function mergeNeeds(all: Iterable<SampleNeeds>): SampleNeeds {
  const merged: SampleNeeds = { restarts: false, checkpoints: false, backpressure: false };
  for (const needs of all) {
    merged.restarts ||= needs.restarts;
    merged.checkpoints ||= needs.checkpoints;
    merged.backpressure ||= needs.backpressure;
  }
  return merged;
}

/** The checkpoint part of a sample, from Flink's checkpoint statistics: savepoints and checkpoints in progress do not count. */
export function checkpointSample(summary: CheckpointSummary): CheckpointSample {
  let failedInARow = 0;
  let runStartedAt: number | null = null;
  let lastFailure: string | null = null;
  let runComplete = summary.completed === 0;
  const newestFirst = [...summary.history].sort((a, b) => b.id - a.id);
  for (const entry of newestFirst) {
    if (entry.isSavepoint || entry.status === 'IN_PROGRESS') continue;
    if (entry.status === 'COMPLETED') {
      runComplete = true;
      break;
    }
    failedInARow += 1;
    runStartedAt = entry.triggerTimestamp;
    lastFailure ??= entry.failureMessage;
  }
  // A job that never completed one: every failure is in the run, however many the history kept.
  if (summary.completed === 0) failedInARow = Math.max(failedInARow, summary.failed);
  return {
    completed: summary.completed, failed: summary.failed, failedInARow, runComplete, runStartedAt,
    lastCompletedAt: summary.latestCompleted?.latestAckTimestamp ?? null,
    lastFailure: lastFailure ?? summary.latestFailed?.failureMessage ?? null,
  };
}
