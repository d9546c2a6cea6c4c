import type { z } from 'zod';
import type { jobOverviewEntry } from './schemas';
import type { JobStatusMessage } from './types';

/** A job as Flink lists it (the jobs overview, an application's jobs) in the client's terms. */
export function jobStatusMessageOf(job: z.output<typeof jobOverviewEntry>): JobStatusMessage {
  return {
    jobId: job.jid, jobName: job.name, state: job.state,
    startTime: job['start-time'], endTime: job['end-time'], durationMs: job.duration,
    ...(job['last-modification'] === undefined ? {} : { lastModification: job['last-modification'] }),
    ...(job['application-id'] ? { applicationId: job['application-id'] } : {}),
  };
}
