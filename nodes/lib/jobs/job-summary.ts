import type { JobStatus, JobStatusMessage } from '../../../src';

/** A job as the nodes show it in msg.payload. */
export interface JobSummary {
  jobId: string;
  name: string;
  state: JobStatus;
  startTime: number | null;
  /** null while the job runs. */
  endTime: number | null;
  /** Milliseconds the job has run (so far). */
  duration: number;
}

export function summarizeJob(job: JobStatusMessage): JobSummary {
  return { jobId: job.jobId, name: job.jobName, state: job.state, startTime: job.startTime, endTime: job.endTime, duration: job.durationMs };
}
