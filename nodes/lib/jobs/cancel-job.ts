import type { FlinkClusterClient, JobStatus, Progress } from '../../../src';

/** How long a cancel waits for the job's end unless told otherwise. */
export const DEFAULT_CANCEL_WAIT_MS = 60_000;

export interface CancelJobOptions {
  signal: AbortSignal;
  /** Wait until the job has ended. */
  wait: boolean;
  /** How long to wait for the end. */
  timeoutMs: number;
  onProgress?: (progress: Progress) => void;
}

/** Cancels a job and, when asked, waits until it has ended; the job's state afterwards. */
export async function cancelJob(client: FlinkClusterClient, jobId: string, { signal, wait, timeoutMs, onProgress }: CancelJobOptions): Promise<JobStatus> {
  await client.cancel(jobId, { signal });
  // The job result is there once the job has reached a terminal state.
  if (wait) await client.getJobResult(jobId, { signal, timeoutMs, ...(onProgress ? { onProgress } : {}) });
  return client.getJobStatus(jobId, { signal });
}
