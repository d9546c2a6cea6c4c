import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import type { OperationContext } from './lib/flow/operation-runner';
import { choiceInput, timeoutSetting, triggerIdInput } from './lib/flow/message-input';
import type { Messages } from './lib/messages';
import { savepointResult } from './lib/flow/savepoint-result';
import type { NodeAPI } from 'node-red';
import { applicationIdInput } from './lib/applications/application-inputs';
import { applicationWithJobs } from './lib/applications/application-summary';
import { invalidArgument } from './lib/errors';

interface JobInfoSettings extends FlowNodeSettings {
  /** Which information: see INFO. */
  info?: string;
  /** For "result": how long to wait for the job to end, in seconds. */
  timeout?: number | string;
}

/** `timeoutMs`: the node's Timeout, undefined for the client's default. */
type JobInfoReader = (jobId: string, context: OperationContext, timeoutMs: number | undefined, t: Messages) => Promise<object>;
type InfoReader = (context: OperationContext, timeoutMs: number | undefined, t: Messages) => Promise<object>;

/** A reader of the job the message is about. */
const ofJob = (read: JobInfoReader): InfoReader => async (context, timeoutMs, t) => read(await context.resolveJobId(), context, timeoutMs, t);

/** What flink-job-info can read, each as the msg.payload it gives. */
const INFO: Record<string, InfoReader> = {
  details: ofJob((jobId, { client, signal }) => client.getJobDetails(jobId, { signal })),
  accumulators: ofJob(async (jobId, { client, signal }) => ({ jobId, accumulators: await client.getAccumulators(jobId, { signal }) })),
  exceptions: ofJob(async (jobId, { client, signal }) => {
    const { entries, truncated } = await client.getJobExceptions(jobId, { signal });
    return { jobId, exceptions: entries, truncated };
  }),
  checkpoints: ofJob(async (jobId, { client, signal }) => ({ jobId, statistics: await client.getCheckpointStatistics(jobId, { signal }) })),
  result: ofJob((jobId, { client, signal, onProgress }, timeoutMs) => client.getJobResult(jobId, { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) })),
  // The follow-up to a savepoint or stop whose error carried msg.triggerId: ask Flink instead of triggering again.
  savepoint: ofJob(async (jobId, { client, signal, msg }, _timeoutMs, t) => {
    const triggerId = triggerIdInput(msg, t);
    const status = await client.getSavepointStatus(jobId, triggerId, { signal });
    return status.state === 'COMPLETED'
      ? { ...savepointResult(jobId, triggerId, status.location), state: status.state }
      : { jobId, triggerId, state: status.state };
  }),
  // An application of msg.applicationId (Flink 2.3+), never a job's: its jobs and its exception history.
  application: async ({ client, signal, msg }, _timeoutMs, t) => {
    const applicationId = applicationIdInput(msg);
    if (!applicationId) throw invalidArgument(t('errors.noApplicationId'));
    const [application, exceptions] = await Promise.all([
      client.getApplication(applicationId, { signal }), client.getApplicationExceptions(applicationId, { signal }),
    ]);
    return { ...applicationWithJobs(application), timestamps: application.timestamps, exceptions };
  },
};

const INFO_KINDS = Object.keys(INFO);

/**
 * flink-job-info: one job's details, accumulators, exceptions, checkpoint statistics, final result, or a savepoint
 * trigger's status; or an application's jobs and exception history (Flink 2.3+).
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<JobInfoSettings>(RED, 'flink-job-info', {
    activity: 'activity.info',
    async run(context, settings, { t }) {
      const info = choiceInput(context.msg, 'info', settings.info, INFO_KINDS) ?? 'details';
      const timeoutMs = timeoutSetting(settings);
      return { payload: await INFO[info]!(context, timeoutMs, t), status: info };
    },
  });
};
