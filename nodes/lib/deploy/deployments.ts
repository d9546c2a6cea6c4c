import type { JobDetails } from '../../../src';
import type { ClusterState } from '../cluster/cluster-state';
import { FlinkNodeError } from '../errors';
import type { RunInputs } from './run-settings';

/*
 * Flink does not record which jar or SQL a job came from. A deploying node (flink-run-job, flink-sql,
 * flink-upgrade) records each job it runs, by job name, so that an upgrade can run the previous jar or SQL
 * again when the new one fails.
 */

/** What a deploying node ran from a jar, as it asked Flink to run it. */
export interface JarDeploymentRecord {
  jobName: string;
  jobId: string;
  /** The uploaded jar the job runs from. */
  jarId: string;
  /** True when the node deleted the jar after the run: a rollback then needs the jar again (in the message). */
  jarDeleted: boolean;
  entryClass?: string;
  programArgs?: string[];
  parallelism?: number;
  savepointPath?: string;
  /** When the job was run (ms since the epoch). */
  at: number;
}

/** What flink-sql (or an upgrade) ran through the SQL Gateway: the statements, and the session setup before them. */
export interface SqlDeploymentRecord {
  jobName: string;
  jobId: string;
  sql: string;
  setup?: string;
  savepointPath?: string;
  at: number;
}

export type DeploymentRecord = JarDeploymentRecord | SqlDeploymentRecord;

export function isSqlDeployment(record: DeploymentRecord): record is SqlDeploymentRecord {
  return 'sql' in record;
}

/** The record of a job a node ran from `jarId` with `inputs`, now. */
export function deploymentRecord(job: Pick<JobDetails, 'jobId' | 'jobName'>, jarId: string, inputs: RunInputs, jarDeleted: boolean): JarDeploymentRecord {
  return {
    jobName: job.jobName, jobId: job.jobId, jarId, jarDeleted,
    ...(inputs.entryClass ? { entryClass: inputs.entryClass } : {}),
    ...(inputs.args ? { programArgs: inputs.args } : {}),
    ...(inputs.parallelism ? { parallelism: inputs.parallelism } : {}),
    ...(inputs.savepointPath ? { savepointPath: inputs.savepointPath } : {}),
    at: Date.now(),
  };
}

/** The record of a job a node ran from SQL statements (after `setup`), now. */
export function sqlDeploymentRecord(job: Pick<JobDetails, 'jobId' | 'jobName'>, run: { sql: string; setup?: string }, savepointPath?: string): SqlDeploymentRecord {
  return {
    jobName: job.jobName, jobId: job.jobId, sql: run.sql, ...(run.setup ? { setup: run.setup } : {}),
    ...(savepointPath ? { savepointPath } : {}), at: Date.now(),
  };
}

/** The cluster state's section that holds the records: one per job name. */
const SECTION = 'deployments';

type Records = Record<string, DeploymentRecord>;

/** Records what was run for the job's name, replacing the record of its previous deployment. */
export async function recordDeployment(state: ClusterState, record: DeploymentRecord): Promise<void> {
  await state.update<Records>(SECTION, (records) => ({ ...records, [record.jobName]: { ...record } }));
}

/** The last deployment recorded for the job name, or undefined when this plugin has deployed none. */
export async function lastDeployment(state: ClusterState, jobName: string): Promise<DeploymentRecord | undefined> {
  const records = await state.read<Records>(SECTION);
  const stored: unknown = records && Object.hasOwn(records, jobName) ? records[jobName] : undefined;
  if (stored === undefined || stored === null) return undefined;
  if (!isDeploymentRecord(stored) || stored.jobName !== jobName) {
    throw new FlinkNodeError('FLINK_INTERNAL', `The deployment record of job "${jobName}" in the cluster's context store is not one this plugin wrote`);
  }
  return stored;
}

function isDeploymentRecord(value: unknown): value is DeploymentRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const optional = (key: string, check: (field: unknown) => boolean): boolean => record[key] === undefined || check(record[key]);
  const common = typeof record.jobName === 'string' && typeof record.jobId === 'string' && typeof record.at === 'number'
    && optional('savepointPath', (field) => typeof field === 'string');
  if (typeof record.sql === 'string') return common && optional('setup', (field) => typeof field === 'string');
  return common && typeof record.jarId === 'string'
    && typeof record.jarDeleted === 'boolean'
    && optional('entryClass', (field) => typeof field === 'string')
    && optional('programArgs', (field) => Array.isArray(field) && field.every((arg) => typeof arg === 'string'))
    && optional('parallelism', (field) => typeof field === 'number');
}
