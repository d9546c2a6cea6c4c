import type { FlinkClusterClient } from '../../../src';
import { FlinkNodeError } from '../errors';
import type { JobReference } from './message-input';
import type { Messages } from '../messages';

/** The job id a reference stands for: its (checked) id, or the one RUNNING job with that name. */
export async function findJobId(client: FlinkClusterClient, reference: JobReference, signal: AbortSignal, t: Messages): Promise<string> {
  if ('id' in reference) return reference.id;
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
