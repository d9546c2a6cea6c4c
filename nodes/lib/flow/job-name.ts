import type { FlinkClusterClient } from '../../../src';
import type { JobReference } from './message-input';

/**
 * The name a job reference stands for: the name itself, or the name Flink has for the id (a job ended a while
 * ago included, while Flink still lists it). The savepoint catalog is kept by name: a job's id changes with every
 * submission, its name stays.
 */
export async function jobNameOf(client: FlinkClusterClient, reference: JobReference, signal: AbortSignal): Promise<string> {
  if ('name' in reference) return reference.name;
  return (await client.getJobDetails(reference.id, { signal })).jobName;
}
