import { nameMatcher, stateList, type NameMatch } from './lib/jobs/job-filters';
import { summarizeJob } from './lib/jobs/job-summary';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import type { NodeAPI } from 'node-red';

interface ListJobsSettings extends FlowNodeSettings {
  /** Only jobs in these states (none: any). */
  states?: string[] | string;
  nameFilter?: string;
  nameMatch?: NameMatch;
}

/** flink-list-jobs: msg.payload = the cluster's jobs, newest first, optionally filtered by state and name. */
export = function (RED: NodeAPI): void {
  registerOperationNode<ListJobsSettings>(RED, 'flink-list-jobs', {
    activity: 'activity.list',
    async run({ client, signal }, settings, { t }) {
      const states = stateList(settings.states);
      const nameMatches = nameMatcher(settings.nameFilter, settings.nameMatch, t);
      const jobs = (await client.listJobs({ signal }))
        .filter((job) => (states.length === 0 || states.includes(job.state)) && nameMatches(job.jobName))
        .sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0))
        .map(summarizeJob);
      return { payload: jobs, status: t('status.jobs', { count: jobs.length }) };
    },
  });
};
