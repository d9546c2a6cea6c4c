import { checkJobId, type FlinkClusterClient } from '../../src';
import { FlinkNodeError } from './errors';
import type { Messages } from './messages';
import { evaluateProperty, nonEmptyString } from './properties';
import type { Node, NodeAPI, NodeMessage } from './red';

/** How a node's settings choose its job. */
export interface JobSettings {
  /** TypedInput value for the job id, `jobId` (of msg) by default. */
  jobId?: string;
  jobIdType?: string;
  /** A job name used when no id is given. */
  jobName?: string;
}

export type JobReference = { id: unknown } | { name: string };

/**
 * The job a message is about, in this order: the node's job id property (by default msg.jobId),
 * then msg.jobName, then the node's job name. An id always wins over a name: it is exact.
 */
export async function jobReference(RED: NodeAPI, node: Node, settings: JobSettings, msg: NodeMessage, t: Messages): Promise<JobReference> {
  const idType = settings.jobIdType || 'msg';
  const idValue = settings.jobId ?? (idType === 'msg' ? 'jobId' : '');
  const property = idType === 'str' ? 'the job id' : `${idType}.${idValue}`;
  let id: unknown;
  try {
    id = idValue === '' ? undefined : await evaluateProperty(RED, node, idValue, idType, msg);
  } catch (err) {
    throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', t('errors.jobIdProperty', { property, reason: (err as Error).message }));
  }
  if (id !== undefined && id !== null && id !== '') return { id };
  const name = nonEmptyString(msg.jobName) ?? nonEmptyString(settings.jobName);
  if (name) return { name };
  throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', t('errors.noJob', { property }));
}

/** The job id a reference stands for: a checked id, or the one RUNNING job with that name. */
export async function resolveJobId(client: FlinkClusterClient, reference: JobReference, signal: AbortSignal, t: Messages): Promise<string> {
  if ('id' in reference) return checkJobId(reference.id);
  const named = (await client.listJobs({ signal })).filter((job) => job.jobName === reference.name);
  const running = named.filter((job) => job.state === 'RUNNING');
  if (running.length === 1) return running[0]!.jobId;
  if (running.length > 1) {
    throw new FlinkNodeError('FLINK_JOB_AMBIGUOUS', t('errors.ambiguousName', {
      name: reference.name, count: running.length, ids: running.map((job) => job.jobId).join(', '),
    }));
  }
  const others = named.length === 0 ? '' : t('errors.notRunningStates', { states: [...new Set(named.map((job) => job.state))].join(', ') });
  throw new FlinkNodeError('FLINK_JOB_NOT_FOUND', t('errors.noRunningJob', { name: reference.name, others }));
}
