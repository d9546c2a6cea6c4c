import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { booleanOverride, secondsToMs } from './lib/properties';
import type { NodeAPI } from './lib/red';

interface CancelSettings extends FlowNodeSettings {
  /** Wait until the job has ended (default true). */
  wait?: boolean;
  /** How long to wait, in seconds. */
  timeout?: number | string;
}

const DEFAULT_CANCEL_WAIT_MS = 60_000;

/** flink-cancel: cancels the job; msg.payload = { jobId, state }, by default once the job has ended. */
export = function (RED: NodeAPI): void {
  registerOperationNode<CancelSettings>(RED, 'flink-cancel', {
    activity: 'activity.cancel',
    async run({ client, signal, msg, jobId: resolve }, settings) {
      const jobId = await resolve();
      await client.cancel(jobId, { signal });
      if (booleanOverride(msg.wait) ?? settings.wait !== false) {
        // The job result is there once the job has reached a terminal state.
        await client.getJobResult(jobId, { signal, timeoutMs: secondsToMs(settings.timeout) ?? DEFAULT_CANCEL_WAIT_MS });
      }
      const state = await client.getJobStatus(jobId, { signal });
      return { payload: { jobId, state }, status: state };
    },
  });
};
