import { TERMINAL_JOB_STATES, type FlinkClusterClient } from '../../../src';
import type { SavepointKind } from './savepoint-catalog';

/** A savepoint as a job's checkpoint history (`GET /jobs/{id}/checkpoints`) shows it. */
export interface HistorySavepoint {
  jobId: string;
  checkpointId: number;
  /** IN_PROGRESS, COMPLETED or FAILED. */
  status: string;
  /** Whether Flink has discarded its files (it never discards a savepoint on its own). */
  discarded: boolean;
  /** `external_path`; absent until it completes. */
  location?: string;
  /** ISO time of its last acknowledgement (its trigger time while none). */
  takenAt: string;
  formatType: string;
  kind: SavepointKind;
}

/** One live run of a job name: its id, what it was restored from, and the savepoints in its history. */
export interface JobRun {
  jobId: string;
  state: string;
  /** `latest.restored.external_path`: the checkpoint or savepoint this run started from, if any. */
  restoredFrom?: string;
  savepoints: HistorySavepoint[];
}

type Entry = Record<string, unknown>;
const asEntry = (value: unknown): Entry | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? value as Entry : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function historySavepoint(jobId: string, entry: Entry): HistorySavepoint | undefined {
  if (entry.is_savepoint !== true || typeof entry.id !== 'number') return undefined;
  const time = [entry.latest_ack_timestamp, entry.trigger_timestamp].find((ms) => typeof ms === 'number' && ms > 0) as number | undefined;
  const location = text(entry.external_path);
  return {
    jobId, checkpointId: entry.id, status: text(entry.status) ?? 'UNKNOWN', discarded: entry.discarded === true,
    ...(location ? { location } : {}),
    takenAt: new Date(time ?? 0).toISOString(),
    formatType: text(entry.savepointFormat) ?? 'CANONICAL',
    kind: entry.checkpoint_type === 'SYNC_SAVEPOINT' ? 'stop' : 'savepoint',
  };
}

/**
 * The live (not yet ended) runs of a job name, each with where it was restored from and its savepoints. A run that
 * is restarting counts: it may have to restore from that savepoint again. Failing to read a run's statistics fails
 * the whole call, so no caller decides about savepoints without knowing which one a run still depends on.
 */
export async function liveRuns(client: FlinkClusterClient, jobName: string, signal: AbortSignal): Promise<JobRun[]> {
  const live = (await client.listJobs({ signal }))
    .filter((job) => job.jobName === jobName && !TERMINAL_JOB_STATES.includes(job.state));
  return Promise.all(live.map(async (job) => {
    const statistics = await client.getCheckpointStatistics(job.jobId, { signal });
    const restored = asEntry(asEntry(statistics.latest)?.restored);
    const restoredFrom = text(restored?.external_path);
    const history = Array.isArray(statistics.history) ? statistics.history : [];
    const savepoints = history.map(asEntry).flatMap((entry) => {
      const savepoint = entry && historySavepoint(job.jobId, entry);
      return savepoint ? [savepoint] : [];
    });
    return { jobId: job.jobId, state: job.state, ...(restoredFrom ? { restoredFrom } : {}), savepoints };
  }));
}
