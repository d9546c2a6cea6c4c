import { FlinkNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { nonEmptyString, secondsToMs } from './lib/properties';
import type { NodeAPI, NodeMessage } from './lib/red';

interface DisposeSettings extends FlowNodeSettings {
  savepointPath?: string;
  timeout?: number | string;
}

/** The savepoint to dispose: msg.savepointPath, else msg.payload.location (a savepoint node's result), else the node's. */
function savepointPathOf(msg: NodeMessage, settings: DisposeSettings): string | undefined {
  const payload = msg.payload as { location?: unknown } | undefined;
  return nonEmptyString(msg.savepointPath)
    ?? (payload && typeof payload === 'object' ? nonEmptyString(payload.location) : undefined)
    ?? nonEmptyString(settings.savepointPath);
}

/** flink-dispose-savepoint: deletes a savepoint through the cluster; msg.payload = { savepointPath, disposed: true }. */
export = function (RED: NodeAPI): void {
  registerOperationNode<DisposeSettings>(RED, 'flink-dispose-savepoint', {
    activity: 'activity.dispose',
    async run({ client, signal, msg }, settings, { t }) {
      const savepointPath = savepointPathOf(msg, settings);
      if (!savepointPath) throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', t('errors.noSavepointPath'));
      const timeoutMs = secondsToMs(settings.timeout);
      await client.disposeSavepoint(savepointPath, { signal, ...(timeoutMs ? { timeoutMs } : {}) });
      return { payload: { savepointPath, disposed: true }, status: t('status.disposed') };
    },
  });
};
