import type { FlinkClusterClient, JobDetails } from '../../../src';
import type { Clock } from '../clock';
import { FlinkNodeError } from '../errors';
import { fetchNewestException, outerException } from '../health/root-cause';

/** What the verify step reads from Flink. */
export type VerifyClient = Pick<FlinkClusterClient, 'getJobStatus' | 'getJobDetails' | 'getCheckpointSummary' | 'getCheckpointConfig' | 'getJobExceptions'>;

/** How often the verify step asks Flink. Checkpoint statistics are cached by Flink's REST layer for ~3 s anyway. */
export const VERIFY_POLL_MS = 500;

/** What a passed verification saw. */
export interface Verified {
  /** The first checkpoint the new job completed; absent for a job without periodic checkpoints. */
  checkpointId?: number;
  /** Where Flink says the job was restored from (its checkpoint summary's `restoredFrom`). */
  restoredFrom?: string;
  /** The job's checkpoint interval; null when it has no periodic checkpoints (then the whole window is watched). */
  checkpointIntervalMs: number | null;
}

/** States a new job must not reach during its verification: it failed, or Flink is restarting it. */
const FAILED_STATES = new Set(['FAILING', 'FAILED', 'RESTARTING', 'CANCELLING', 'CANCELED', 'FINISHED', 'SUSPENDED']);

function failure(message: string): FlinkNodeError {
  return new FlinkNodeError('FLINK_OPERATION_FAILED', message);
}

/** Whether Flink restarted the job at some point (a restart between two polls too: its timestamp stays). */
function restarted(details: JobDetails): boolean {
  return (details.timestamps.RESTARTING ?? 0) > 0 || (details.timestamps.FAILING ?? 0) > 0;
}

/** ": <the exception the job failed with>", as its exception history shows it; empty when that has none. */
async function failedWith(client: VerifyClient, jobId: string, signal: AbortSignal, clock: Clock): Promise<string> {
  const newest = await fetchNewestException(() => client, jobId, signal, clock);
  if (!newest) return '';
  const { exceptionClass, message } = outerException(newest);
  return `: ${exceptionClass}${message ? `: ${message}` : ''}`;
}

/**
 * Verifies a just-started job within `windowMs`: every vertex RUNNING and, for a job with periodic checkpoints,
 * one completed checkpoint (it passes as soon as that is seen); for a job without, no restart until the window
 * ends. A restart, a failure or the end of the window first is FLINK_OPERATION_FAILED saying which.
 */
export async function verifyJob(client: VerifyClient, jobId: string, windowMs: number, signal: AbortSignal, clock: Clock): Promise<Verified> {
  const deadline = clock.now() + windowMs;
  let intervalMs: number | null | undefined;
  let allRunning: boolean;
  const failed = async (what: string): Promise<never> => {
    throw failure(`The new job ${jobId} ${what} during verification${await failedWith(client, jobId, signal, clock)}`);
  };
  for (;;) {
    // The job's status first: Flink answers it fresh, while job details may be a few seconds old (its REST cache).
    const status = await client.getJobStatus(jobId, { signal });
    if (FAILED_STATES.has(status)) await failed(`went ${status}`);
    const details = await client.getJobDetails(jobId, { signal });
    if (FAILED_STATES.has(details.state)) await failed(`went ${details.state}`);
    if (restarted(details)) await failed('restarted');
    allRunning = details.state === 'RUNNING' && details.vertices.length > 0 && details.vertices.every((v) => v.status === 'RUNNING');
    if (allRunning) {
      intervalMs ??= (await client.getCheckpointConfig(jobId, { signal })).intervalMs;
      if (intervalMs !== null) {
        const summary = await client.getCheckpointSummary(jobId, { signal });
        if (summary.completed > 0) {
          const restoredFrom = summary.restoredFrom?.path;
          return {
            checkpointIntervalMs: intervalMs,
            ...(summary.latestCompleted ? { checkpointId: summary.latestCompleted.id } : {}),
            ...(restoredFrom ? { restoredFrom } : {}),
          };
        }
      }
    }
    const left = deadline - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(VERIFY_POLL_MS, left), signal);
  }
  if (allRunning && intervalMs === null) return { checkpointIntervalMs: null };
  const seconds = windowMs / 1000;
  throw failure(allRunning
    ? `The new job ${jobId} completed no checkpoint within the verify window (${seconds} s; its checkpoint interval is ${intervalMs} ms)`
    : `The new job ${jobId} did not have every vertex RUNNING within the verify window (${seconds} s)`);
}
