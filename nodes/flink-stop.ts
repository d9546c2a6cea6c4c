import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { booleanOverride } from './lib/properties';
import { savepointOptions, type SavepointSettings } from './lib/savepoint-options';
import type { NodeAPI } from './lib/red';

interface StopSettings extends FlowNodeSettings, SavepointSettings {
  /** Emit MAX_WATERMARK before stopping (for a job that will not be resumed). */
  drain?: boolean;
}

/** flink-stop: stop with a savepoint; msg.payload = { jobId, triggerId, location }; the job ends FINISHED. */
export = function (RED: NodeAPI): void {
  registerOperationNode<StopSettings>(RED, 'flink-stop', {
    activity: 'activity.stop',
    async run({ client, signal, msg, jobId: resolve }, settings, { t }) {
      const jobId = await resolve();
      let triggerId: string | undefined;
      const location = await client.stopWithSavepoint(jobId, {
        ...savepointOptions(settings, msg), signal,
        drain: booleanOverride(msg.drain) ?? settings.drain === true,
        onProgress: (progress) => { triggerId = progress.triggerId ?? triggerId; },
      });
      return { payload: { jobId, triggerId, location }, status: t('status.stopped') };
    },
  });
};
