import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import type { NodeAPI } from 'node-red';

interface JobStatusSettings extends FlowNodeSettings {
  /** Also give the job's details (vertices, timestamps, ...) as msg.payload.details. */
  details?: boolean;
}

/** flink-job-status: msg.payload = { jobId, state } (and the full details when asked). */
export = function (RED: NodeAPI): void {
  registerOperationNode<JobStatusSettings>(RED, 'flink-job-status', {
    activity: 'activity.status',
    async run({ client, signal, resolveJobId }, settings) {
      const jobId = await resolveJobId();
      if (settings.details) {
        const details = await client.getJobDetails(jobId, { signal });
        return { payload: { jobId, state: details.state, details }, status: details.state };
      }
      const state = await client.getJobStatus(jobId, { signal });
      return { payload: { jobId, state }, status: state };
    },
  });
};
