import { registerOperationNode, type FlowNodeSettings } from './lib/flow-node';
import { booleanInput, savepointInputs, type SavepointSettings } from './lib/message-input';
import type { NodeAPI } from 'node-red';
import { savepointResult } from './lib/savepoint-result';
import { recordTaken } from './lib/savepoint-recorder';

interface StopSettings extends FlowNodeSettings, SavepointSettings {
  /** Emit MAX_WATERMARK before stopping (for a job that will not be resumed). */
  drain?: boolean;
}

/** flink-stop: stop with a savepoint; msg.payload = { kind, jobId, triggerId, location }; the job ends FINISHED. */
export = function (RED: NodeAPI): void {
  registerOperationNode<StopSettings>(RED, 'flink-stop', {
    activity: 'activity.stop',
    async run(context, settings, tools) {
      const { client, signal, msg, resolveJobId, onProgress, reportedTriggerId } = context;
      const { t } = tools;
      const options = savepointInputs(settings, msg);
      const drain = booleanInput(msg, 'drain', settings.drain === true);
      const jobId = await resolveJobId();
      const location = await client.stopWithSavepoint(jobId, { ...options, signal, drain, onProgress });
      await recordTaken(tools, context, settings.cluster, { kind: 'stop', jobId, triggerId: reportedTriggerId(), location, formatType: options.formatType });
      return { payload: savepointResult(jobId, reportedTriggerId(), location), status: t('status.stopped') };
    },
  });
};
