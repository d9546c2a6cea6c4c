import { FlinkNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import type { OperationContext } from './lib/operation-runner';
import { nonEmptyString, secondsToMs } from './lib/properties';
import type { NodeAPI } from './lib/red';

interface JobInfoSettings extends FlowNodeSettings {
  /** Which information: see INFO. */
  info?: string;
  /** For "result": how long to wait for the job to end, in seconds. */
  timeout?: number | string;
}

type InfoReader = (jobId: string, context: OperationContext, settings: JobInfoSettings) => Promise<object>;

/** What flink-job-info can read, each as the msg.payload it gives. */
const INFO: Record<string, InfoReader> = {
  details: (jobId, { client, signal }) => client.getJobDetails(jobId, { signal }),
  accumulators: async (jobId, { client, signal }) => ({ jobId, accumulators: await client.getAccumulators(jobId, { signal }) }),
  exceptions: async (jobId, { client, signal }) => {
    const { entries, truncated } = await client.getJobExceptions(jobId, { signal });
    return { jobId, exceptions: entries, truncated };
  },
  checkpoints: async (jobId, { client, signal }) => ({ jobId, statistics: await client.getCheckpointStatistics(jobId, { signal }) }),
  result: (jobId, { client, signal }, settings) => {
    const timeoutMs = secondsToMs(settings.timeout);
    return client.getJobResult(jobId, { signal, ...(timeoutMs ? { timeoutMs } : {}) });
  },
};

/** flink-job-info: one job's details, accumulators, exceptions, checkpoint statistics or final result. */
export = function (RED: NodeAPI): void {
  registerOperationNode<JobInfoSettings>(RED, 'flink-job-info', {
    activity: 'activity.info',
    async run(context, settings, { t }) {
      const info = (nonEmptyString(context.msg.info) ?? nonEmptyString(settings.info) ?? 'details').toLowerCase();
      const read = Object.hasOwn(INFO, info) ? INFO[info] : undefined;
      if (!read) throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', t('errors.unknownInfo', { info, known: Object.keys(INFO).join(', ') }));
      const jobId = await context.jobId();
      return { payload: await read(jobId, context, settings), status: info };
    },
  });
};
