import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { booleanInput, savepointInputs, timeoutSetting, type SavepointSettings } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import { savepointResult } from './lib/flow/savepoint-result';
import { recordTaken } from './lib/savepoints/savepoint-recorder';
import { idempotencyKeyInput, triggerIdOption, type IdempotencySettings } from './lib/savepoints/idempotency';
import { runInFlight } from './lib/flow/in-flight';

interface StopSettings extends FlowNodeSettings, SavepointSettings, IdempotencySettings {
  /** Emit MAX_WATERMARK before stopping (for a job that will not be resumed). */
  drain?: boolean;
}

/** flink-stop: stop with a savepoint; msg.payload = { kind, jobId, triggerId, location }; the job ends FINISHED. */
export = function (RED: NodeAPI): void {
  registerOperationNode<StopSettings>(RED, 'flink-stop', {
    activity: 'activity.stop',
    async run({ client, signal, msg, resolveJobId, onProgress, reportedTriggerId }, settings, tools) {
      const options = savepointInputs(settings, msg);
      const drain = booleanInput(msg, 'drain', settings.drain === true);
      const key = idempotencyKeyInput(msg, settings);
      const jobId = await resolveJobId();
      const trigger = { ...options, ...triggerIdOption(key, jobId, 'stop'), signal, drain, onProgress };
      const location = await runInFlight(tools, { kind: 'stop', jobId, msg, jobNameSetting: settings.jobName }, signal,
        (beforeTrigger) => client.stopWithSavepoint(jobId, { ...trigger, beforeTrigger }));
      await recordTaken(tools, { client, signal }, settings.cluster, { kind: 'stop', jobId, triggerId: reportedTriggerId(), location, formatType: options.formatType });
      return { payload: savepointResult(jobId, reportedTriggerId(), location), status: tools.t('status.stopped') };
    },
    async resume({ client, signal, onProgress }, record, settings, tools) {
      const { t } = tools;
      const location = await client.followSavepoint(record.jobId, record.triggerId, { signal, onProgress, timeoutMs: timeoutSetting(settings) });
      await recordTaken(tools, { client, signal }, settings.cluster, { ...record, kind: 'stop', location, formatType: settings.formatType });
      return { payload: savepointResult(record.jobId, record.triggerId, location), status: t('status.stopped') };
    },
  });
};
