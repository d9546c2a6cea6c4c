import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { checkpointTypeInput, timeoutSetting } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import { idempotencyKeyInput, triggerIdOption, type IdempotencySettings } from './lib/savepoints/idempotency';

interface CheckpointSettings extends FlowNodeSettings, IdempotencySettings {
  /** CONFIGURED or FULL (INCREMENTAL is refused: FLINK-33723); empty for Flink's default (CONFIGURED). */
  checkpointType?: string;
  timeout?: number | string;
}

/** flink-checkpoint: triggers a checkpoint and waits for it; msg.payload = { jobId, triggerId, checkpointId }. */
export = function (RED: NodeAPI): void {
  registerOperationNode<CheckpointSettings>(RED, 'flink-checkpoint', {
    activity: 'activity.checkpoint',
    async run({ client, signal, msg, resolveJobId, onProgress, reportedTriggerId }, settings, { t }) {
      const checkpointType = checkpointTypeInput(msg, settings.checkpointType);
      const timeoutMs = timeoutSetting(settings);
      const key = idempotencyKeyInput(msg, settings);
      const jobId = await resolveJobId();
      const checkpointId = await client.triggerCheckpoint(jobId, {
        signal, onProgress, ...triggerIdOption(key, jobId, 'checkpoint'),
        ...(checkpointType ? { checkpointType } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
      return { payload: { jobId, triggerId: reportedTriggerId(), checkpointId }, status: t('status.checkpoint', { id: checkpointId }) };
    },
  });
};
