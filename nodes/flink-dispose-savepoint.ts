import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { savepointPathInput, timeoutSetting } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import { forgetAfterDisposal } from './lib/savepoints/savepoint-recorder';

interface DisposeSettings extends FlowNodeSettings {
  savepointPath?: string;
  timeout?: number | string;
}

/** flink-dispose-savepoint: deletes a savepoint through the cluster; msg.payload = { savepointPath, disposed: true }. */
export = function (RED: NodeAPI): void {
  registerOperationNode<DisposeSettings>(RED, 'flink-dispose-savepoint', {
    activity: 'activity.dispose',
    async run({ client, signal, msg, onProgress }, settings, tools) {
      const { t } = tools;
      const savepointPath = savepointPathInput(msg, settings.savepointPath, t);
      const timeoutMs = timeoutSetting(settings);
      await client.disposeSavepoint(savepointPath, { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) });
      await forgetAfterDisposal(tools, settings.cluster, savepointPath);
      return { payload: { savepointPath, disposed: true }, status: t('status.disposed') };
    },
  });
};
