import type { JobStatus } from '../../../src';
import type { JobSummary } from './job-summary';

export interface JobChange {
  job: JobSummary;
  /** null for a job not seen before. */
  previousState: JobStatus | null;
}

/** Remembers each job's last seen state and tells, for each new listing, which jobs changed. */
export class JobStateTracker {
  private readonly known = new Map<string, JobStatus>();
  private primed = false;

  /**
   * The jobs whose state differs from the previous listing, jobs seen for the first time included.
   * The first listing only sets the baseline unless `reportInitial`. Jobs no longer listed are forgotten.
   */
  update(jobs: JobSummary[], reportInitial = false): JobChange[] {
    const changes: JobChange[] = [];
    const report = this.primed || reportInitial;
    const seen = new Set<string>();
    for (const job of jobs) {
      seen.add(job.jobId);
      const previousState = this.known.get(job.jobId) ?? null;
      if (previousState !== job.state) {
        this.known.set(job.jobId, job.state);
        if (report) changes.push({ job, previousState });
      }
    }
    for (const jobId of this.known.keys()) if (!seen.has(jobId)) this.known.delete(jobId);
    this.primed = true;
    return changes;
  }
}
