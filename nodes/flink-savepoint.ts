import { invalidArgument } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { savepointInputs, type SavepointSettings } from './lib/message-input';
import type { NodeAPI } from 'node-red';
import { savepointResult } from './lib/savepoint-result';
import { recordTaken } from './lib/savepoint-recorder';

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
    async run(context, settings, tools) {
      const { client, signal, msg, resolveJobId, onProgress, reportedTriggerId } = context;
      const { t } = tools;
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
      await recordTaken(tools, context, settings.cluster, { kind: settings.cancelJob ? 'cancel-with-savepoint' : 'savepoint', jobId, triggerId: reportedTriggerId(), location, formatType: options.formatType });
      return { payload: savepointResult(jobId, reportedTriggerId(), location), status: settings.cancelJob ? t('status.savedAndCanceled') : t('status.saved') };
    },
  });
};
