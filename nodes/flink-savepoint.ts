import { FlinkNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { savepointOptions, type SavepointSettings } from './lib/savepoint-options';
import type { NodeAPI } from './lib/red';

interface SavepointNodeSettings extends FlowNodeSettings, SavepointSettings {
  /** Emit { jobId, triggerId } as soon as Flink accepted the trigger. */
  detached?: boolean;
  /** Cancel the job once the savepoint is written. */
  cancelJob?: boolean;
}

/** flink-savepoint: msg.payload = { jobId, triggerId, location } (or { jobId, triggerId } when detached). */
export = function (RED: NodeAPI): void {
  registerOperationNode<SavepointNodeSettings>(RED, 'flink-savepoint', {
    activity: 'activity.savepoint',
    async run({ client, signal, msg, jobId: resolve }, settings, { t }) {
      if (settings.detached && settings.cancelJob) throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', t('errors.detachedCancel'));
      const jobId = await resolve();
      let triggerId: string | undefined;
      const options = {
        ...savepointOptions(settings, msg), signal,
        onProgress: (progress: { triggerId?: string }) => { triggerId = progress.triggerId ?? triggerId; },
      };
      if (settings.detached) {
        const detachedTriggerId = await client.triggerDetachedSavepoint(jobId, options);
        return { payload: { jobId, triggerId: detachedTriggerId }, status: t('status.triggered') };
      }
      const location = settings.cancelJob
        ? await client.cancelWithSavepoint(jobId, options)
        : await client.triggerSavepoint(jobId, options);
      return { payload: { jobId, triggerId, location }, status: t(settings.cancelJob ? 'status.savedAndCanceled' : 'status.saved') };
    },
  });
};
