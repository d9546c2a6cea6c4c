import type { FlinkClusterClient } from '../../src';

/** One entry of a job's checkpoint history (`GET /jobs/{id}/checkpoints`), the fields tests read. */
export interface HistoryEntry {
  id: number; status: string; is_savepoint: boolean; savepointFormat: string | null; external_path?: string | null;
  state_size: number; checkpointed_size: number;
  trigger_timestamp: number; latest_ack_timestamp: number;
}
interface RestoredEntry { id: number; is_savepoint: boolean; external_path: string | null }

export interface CheckpointStatistics {
  history: HistoryEntry[];
  latest: { restored: RestoredEntry | null };
  counts: { restored: number };
}

/**
 * Polls the job's checkpoint statistics until `pick` finds what it looks for: Flink's REST layer caches them
 * for a few seconds, so a savepoint that just completed appears in the history a moment later.
 */
export async function fromCheckpointStatistics<T>(client: FlinkClusterClient, jobId: string,
  pick: (stats: CheckpointStatistics) => T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = pick(await client.getCheckpointStatistics(jobId) as never);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`job ${jobId}'s checkpoint statistics never showed what the test waits for`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Where Flink says the job was restored from (its checkpoint statistics; cached by Flink for a few seconds). Throws
 * when Flink never says: a job restored from nothing is not one restored from an undefined savepoint.
 */
export async function restoredFrom(flinkUrl: string, jobId: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${flinkUrl}/jobs/${jobId}/checkpoints`, { signal: AbortSignal.timeout(10_000) });
    const stats = await response.json() as { latest?: { restored?: { external_path?: string } | null } };
    const path = stats.latest?.restored?.external_path;
    if (path) return path;
    if (Date.now() > deadline) throw new Error(`Flink's checkpoint statistics of job ${jobId} never said what it was restored from`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
