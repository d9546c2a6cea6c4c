import type { JobStatus, Progress } from '../../../src';
import type { FlinkClusterNode } from '../cluster/cluster-node';
import { toNodeError, withOperation } from '../errors';
import type { NodeTools } from '../flow/flow-node';
import { cancelJob, DEFAULT_CANCEL_WAIT_MS } from '../jobs/cancel-job';
import { triggerIdOption } from '../savepoints/idempotency';
import { recordTaken } from '../savepoints/savepoint-recorder';

/** What a companion (the dashboard widget) may do to a job: what flink-savepoint, flink-stop and flink-cancel do. */
export const JOB_ACTIONS = ['savepoint', 'stop', 'cancel'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export interface JobActionRequest {
  action: JobAction;
  jobId: string;
  /**
   * One intent, however often it is asked for: savepoint and stop derive their Flink trigger id from it (as
   * msg.idempotencyKey does for the nodes), so two requests with one key make one savepoint.
   */
  idempotencyKey: string;
}

/** An action's failure, as safe to show as the nodes' errors: the code, the masked message, the trigger if one was sent. */
export interface JobActionError {
  code: string;
  message: string;
  triggerId?: string;
}

export type JobActionOutcome =
  | { outcome: 'ok'; action: JobAction; jobId: string; location?: string; triggerId?: string; state?: JobStatus }
  | { outcome: 'error'; action: JobAction; jobId: string; error: JobActionError };

/**
 * Runs one action on a job with the nodes' guarantees: one outcome (never a throw), the idempotency key's trigger
 * id, the catalog record, the trigger id on a failure after the trigger may have reached Flink, secrets masked.
 */
export async function runJobAction(cluster: FlinkClusterNode, tools: Pick<NodeTools, 'RED' | 'node'>, request: JobActionRequest,
  signal: AbortSignal): Promise<JobActionOutcome> {
  const { action, jobId, idempotencyKey } = request;
  let triggerId: string | undefined;
  const onProgress = (progress: Progress): void => { triggerId = progress.triggerId ?? triggerId; };
  try {
    const client = cluster.shared.get();
    if (action === 'cancel') {
      const state = await cancelJob(client, jobId, { signal, wait: true, timeoutMs: DEFAULT_CANCEL_WAIT_MS, onProgress });
      return { outcome: 'ok', action, jobId, state };
    }
    // savepoint and stop: the trigger, then the catalog record (which never fails the action: it warns on the node).
    const trigger = { ...triggerIdOption(idempotencyKey, jobId, action), signal, onProgress };
    const location = action === 'stop' ? await client.stopWithSavepoint(jobId, trigger) : await client.triggerSavepoint(jobId, trigger);
    await recordTaken(tools, { client, signal }, cluster.id, { kind: action, jobId, triggerId, location, formatType: undefined });
    return { outcome: 'ok', action, jobId, location, ...(triggerId ? { triggerId } : {}) };
  } catch (err) {
    const error = withOperation(toNodeError(err, cluster.redact), { triggerId, jobId });
    return {
      outcome: 'error', action, jobId,
      error: { code: error.code, message: error.message, ...(error.triggerId ? { triggerId: error.triggerId } : {}) },
    };
  }
}
