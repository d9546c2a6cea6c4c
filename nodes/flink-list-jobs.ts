import { jobSelector, type NameMatch } from './lib/jobs/job-filters';
import { summarizeJob } from './lib/jobs/job-summary';
import { summarizeApplication } from './lib/applications/application-summary';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import type { NodeAPI } from 'node-red';

interface ListJobsSettings extends FlowNodeSettings {
  /** Only jobs in these states (none: any). */
  states?: string[] | string;
  nameFilter?: string;
  nameMatch?: NameMatch;
  /** List the cluster's applications (Flink 2.3+) instead of its jobs. */
  applications?: boolean;
}

/**
 * flink-list-jobs: msg.payload = the cluster's jobs, newest first, optionally filtered by state and name; or its
 * applications (Flink 2.3+), filtered alike by their status and name.
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<ListJobsSettings>(RED, 'flink-list-jobs', {
    activity: 'activity.list',
    async run({ client, signal }, settings, { t }) {
      const kept = jobSelector(settings, t);
      if (settings.applications === true) {
        const applications = (await client.listApplications({ signal }))
          .filter((application) => kept(application.status, application.name))
          .sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0))
          .map(summarizeApplication);
        return { payload: applications, status: t('status.applications', { count: applications.length }) };
      }
      const jobs = (await client.listJobs({ signal }))
        .filter((job) => kept(job.state, job.jobName))
        .sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0))
        .map(summarizeJob);
      return { payload: jobs, status: t('status.jobs', { count: jobs.length }) };
    },
  });
};
