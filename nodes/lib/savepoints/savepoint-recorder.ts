import { clusterOf } from '../cluster/cluster-node';
import { toNodeError } from '../errors';
import type { NodeTools } from '../flow/flow-node';
import { jobNameOf } from '../flow/job-name';
import { runtimeMessages } from '../messages';
import type { OperationContext } from '../flow/operation-runner';
import { markDisposed, recordSavepoint, type SavepointKind } from './savepoint-catalog';

/** The node type whose catalog holds the recorder's messages. */
const CATALOG_NODE_TYPE = 'flink-savepoints';

export interface TakenSavepoint {
  kind: SavepointKind;
  jobId: string;
  triggerId: string | undefined;
  location: string;
  /** As requested; empty or undefined for Flink's default (canonical). */
  formatType: string | undefined;
}

/**
 * Records a savepoint a node has just taken in its cluster's savepoint catalog, under the job's name as Flink
 * reports it (an id given to the node may belong to a job submitted under any name). It never fails the message:
 * the savepoint exists, so the node still sends its result; a record that could not be written becomes a warning
 * naming the location and why, and `adopt` on a flink-savepoints node can add it later from Flink's history.
 */
export async function recordTaken({ RED, node }: Pick<NodeTools, 'RED' | 'node'>, { client, signal }: Pick<OperationContext, 'client' | 'signal'>, clusterId: unknown,
  taken: TakenSavepoint): Promise<void> {
  const cluster = clusterOf(RED, clusterId);
  if (!cluster) return;
  try {
    const jobName = await jobNameOf(client, { id: taken.jobId }, signal);
    await recordSavepoint(cluster.state(), {
      jobName, jobId: taken.jobId, ...(taken.triggerId ? { triggerId: taken.triggerId } : {}), location: taken.location,
      takenAt: new Date().toISOString(), formatType: taken.formatType || 'CANONICAL', kind: taken.kind,
    });
  } catch (err) {
    const t = runtimeMessages(RED, CATALOG_NODE_TYPE);
    node.warn(t('warnings.notRecorded', { location: taken.location, reason: toNodeError(err, cluster.redact).message }));
  }
}

/**
 * Drops the catalog's record of a savepoint a dispose node has just deleted, so a later retain does not try again.
 * Like recording, it never fails the message: the files are gone; a record left behind is a warning.
 */
export async function forgetAfterDisposal({ RED, node }: NodeTools, clusterId: unknown, location: string): Promise<void> {
  const cluster = clusterOf(RED, clusterId);
  if (!cluster) return;
  try {
    await markDisposed(cluster.state(), location);
  } catch (err) {
    const t = runtimeMessages(RED, CATALOG_NODE_TYPE);
    node.warn(t('warnings.notForgotten', { location, reason: toNodeError(err, cluster.redact).message }));
  }
}
