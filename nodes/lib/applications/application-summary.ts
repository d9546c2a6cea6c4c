import type { ApplicationDetails, ApplicationOverview, ApplicationStatus } from '../../../src';
import { summarizeJob, type JobSummary } from '../jobs/job-summary';

/** An application (Flink 2.3+) as the nodes show it in msg.payload, named and timed as a job summary is. */
export interface ApplicationSummary {
  applicationId: string;
  /** Flink names an application after the class whose main() it runs. */
  name: string;
  status: ApplicationStatus;
  startTime: number | null;
  /** null while the application runs. */
  endTime: number | null;
  duration: number;
}

function summaryOf(application: ApplicationOverview | ApplicationDetails): ApplicationSummary {
  const { applicationId, name, status, startTime, endTime, durationMs } = application;
  return { applicationId, name, status, startTime, endTime, duration: durationMs };
}

/** An application as flink-list-jobs lists it: how many of its jobs are in each state. */
export function summarizeApplication(application: ApplicationOverview): ApplicationSummary & { jobCounts: ApplicationOverview['jobCounts'] } {
  return { ...summaryOf(application), jobCounts: application.jobCounts };
}

/** An application with its jobs, as flink-run-job and flink-job-info give it. */
export function applicationWithJobs(application: ApplicationDetails): ApplicationSummary & { jobIds: string[]; jobs: JobSummary[] } {
  return { ...summaryOf(application), jobIds: application.jobs.map((job) => job.jobId), jobs: application.jobs.map(summarizeJob) };
}
