import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { booleanInput, timeoutSetting } from './lib/flow/message-input';
import { applicationIdInput } from './lib/applications/application-inputs';
import { applicationWithJobs } from './lib/applications/application-summary';
import type { NodeAPI } from 'node-red';
import { cancelJob, DEFAULT_CANCEL_WAIT_MS } from './lib/jobs/cancel-job';

interface CancelSettings extends FlowNodeSettings {
  /** Wait until the job has ended (default true). */
  wait?: boolean;
  /** How long to wait, in seconds. */
  timeout?: number | string;
}

/**
 * flink-cancel: cancels the job; msg.payload = { jobId, state }, by default once the job has ended. Given
 * msg.applicationId (Flink 2.3+), cancels that application and its jobs instead: msg.payload is the application.
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<CancelSettings>(RED, 'flink-cancel', {
    activity: 'activity.cancel',
    async run({ client, signal, msg, resolveJobId, onProgress }, settings) {
      const wait = booleanInput(msg, 'wait', settings.wait !== false);
      const timeoutMs = timeoutSetting(settings) ?? DEFAULT_CANCEL_WAIT_MS;
      const applicationId = applicationIdInput(msg);
      if (applicationId) {
        await client.cancelApplication(applicationId, { signal });
        const application = wait
          ? await client.waitUntilApplicationEnded(applicationId, { signal, timeoutMs, onProgress })
          : await client.getApplication(applicationId, { signal });
        return { payload: applicationWithJobs(application), status: application.status };
      }
      const jobId = await resolveJobId();
      const state = await cancelJob(client, jobId, { signal, wait, timeoutMs, onProgress });
      return { payload: { jobId, state }, status: state };
    },
  });
};
