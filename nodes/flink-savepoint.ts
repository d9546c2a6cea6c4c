import { invalidArgument } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { savepointInputs, type SavepointSettings } from './lib/message-input';
import type { NodeAPI } from 'node-red';
import { savepointResult } from './lib/savepoint-result';

interface SavepointNodeSettings extends FlowNodeSettings, SavepointSettings {
  /** Emit { jobId, triggerId } as soon as Flink accepted the trigger. */
  detached?: boolean;
  /** Cancel the job once the savepoint is written. */
  cancelJob?: boolean;
}

/** flink-savepoint: msg.payload = { kind, jobId, triggerId, location } (or { jobId, triggerId } when detached). */
export = function (RED: NodeAPI): void {
  registerOperationNode<SavepointNodeSettings>(RED, 'flink-savepoint', {
    activity: 'activity.savepoint',
    async run({ client, signal, msg, resolveJobId, onProgress, reportedTriggerId }, settings, { t }) {
      if (settings.detached && settings.cancelJob) throw invalidArgument(t('errors.detachedCancel'));
      const options = { ...savepointInputs(settings, msg), signal, onProgress };
      const jobId = await resolveJobId();
      if (settings.detached) {
        const detachedTriggerId = await client.triggerDetachedSavepoint(jobId, options);
        return { payload: { jobId, triggerId: detachedTriggerId }, status: t('status.triggered') };
      }
      const location = settings.cancelJob
        ? await client.cancelWithSavepoint(jobId, options)
        : await client.triggerSavepoint(jobId, options);
      return { payload: savepointResult(jobId, reportedTriggerId(), location), status: settings.cancelJob ? t('status.savedAndCanceled') : t('status.saved') };
    },
  });
};
