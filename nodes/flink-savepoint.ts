import { invalidArgument } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { savepointInputs, timeoutSetting, type SavepointSettings } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import { savepointResult } from './lib/flow/savepoint-result';
import { recordTaken } from './lib/savepoints/savepoint-recorder';
import { idempotencyKeyInput, triggerIdOption, type IdempotencySettings } from './lib/savepoints/idempotency';
import { runInFlight } from './lib/flow/in-flight';

interface SavepointNodeSettings extends FlowNodeSettings, SavepointSettings, IdempotencySettings {
  /** Emit { jobId, triggerId } as soon as Flink accepted the trigger. */
  detached?: boolean;
  /** Cancel the job once the savepoint is written. */
  cancelJob?: boolean;
}

/** flink-savepoint: msg.payload = { kind, jobId, triggerId, location } (or { jobId, triggerId } when detached). */
export = function (RED: NodeAPI): void {
  registerOperationNode<SavepointNodeSettings>(RED, 'flink-savepoint', {
    activity: 'activity.savepoint',
    async run({ client, signal, msg, resolveJobId, onProgress, reportedTriggerId }, settings, tools) {
      const { t } = tools;
      if (settings.detached && settings.cancelJob) throw invalidArgument(t('errors.detachedCancel'));
      const key = idempotencyKeyInput(msg, settings);
      const options = { ...savepointInputs(settings, msg), signal, onProgress };
      const jobId = await resolveJobId();
      const kind = settings.cancelJob ? 'cancel-with-savepoint' : 'savepoint';
      const trigger = { ...options, ...triggerIdOption(key, jobId, kind) };
      if (settings.detached) {
        const detachedTriggerId = await client.triggerDetachedSavepoint(jobId, trigger);
        return { payload: { jobId, triggerId: detachedTriggerId }, status: t('status.triggered') };
      }
      const location = await runInFlight(tools, { kind, jobId, msg, jobNameSetting: settings.jobName }, signal, (beforeTrigger) => (settings.cancelJob
        ? client.cancelWithSavepoint(jobId, { ...trigger, beforeTrigger })
        : client.triggerSavepoint(jobId, { ...trigger, beforeTrigger })));
      await recordTaken(tools, { client, signal }, settings.cluster, { kind, jobId, triggerId: reportedTriggerId(), location, formatType: options.formatType });
      return { payload: savepointResult(jobId, reportedTriggerId(), location), status: settings.cancelJob ? t('status.savedAndCanceled') : t('status.saved') };
    },
    async resume({ client, signal, onProgress }, record, settings, tools) {
      const { t } = tools;
      const location = await client.followSavepoint(record.jobId, record.triggerId, { signal, onProgress, timeoutMs: timeoutSetting(settings) });
      await recordTaken(tools, { client, signal }, settings.cluster, { ...record, kind: record.kind === 'cancel-with-savepoint' ? 'cancel-with-savepoint' : 'savepoint', location, formatType: settings.formatType });
      return { payload: savepointResult(record.jobId, record.triggerId, location), status: record.kind === 'cancel-with-savepoint' ? t('status.savedAndCanceled') : t('status.saved') };
    },
  });
};
