import type { CheckpointType } from '../src';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { nonEmptyString, secondsToMs } from './lib/properties';
import type { NodeAPI } from './lib/red';

interface CheckpointSettings extends FlowNodeSettings {
  /** CONFIGURED, FULL or INCREMENTAL; empty for Flink's default (CONFIGURED). */
  checkpointType?: string;
  timeout?: number | string;
}

/** flink-checkpoint: triggers a checkpoint and waits for it; msg.payload = { jobId, triggerId, checkpointId }. */
export = function (RED: NodeAPI): void {
  registerOperationNode<CheckpointSettings>(RED, 'flink-checkpoint', {
    activity: 'activity.checkpoint',
    async run({ client, signal, msg, jobId: resolve }, settings, { t }) {
      const jobId = await resolve();
      const checkpointType = nonEmptyString(msg.checkpointType) ?? nonEmptyString(settings.checkpointType);
      const timeoutMs = secondsToMs(settings.timeout);
      let triggerId: string | undefined;
      const checkpointId = await client.triggerCheckpoint(jobId, {
        signal,
        ...(checkpointType ? { checkpointType: checkpointType.toUpperCase() as CheckpointType } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        onProgress: (progress) => { triggerId = progress.triggerId ?? triggerId; },
      });
      return { payload: { jobId, triggerId, checkpointId }, status: t('status.checkpoint', { id: checkpointId }) };
    },
  });
};
