import type { JobOperations } from './types';

/** An operation of `JobOperations` with the job's id already given. */
type WithoutJobId<Operation> = Operation extends (jobId: string, ...rest: infer Rest) => infer Result ? (...rest: Rest) => Result : never;

export type JobBoundOperations = { readonly [Name in keyof JobOperations]: WithoutJobId<JobOperations[Name]> };

/** Every job-scoped operation, listed once: the compiler checks that none of `JobOperations` is missing. */
const OPERATION_NAMES: Record<keyof JobOperations, true> = {
  getJobStatus: true, getJobDetails: true, cancel: true, getAccumulators: true, getJobExceptions: true,
  getCheckpointStatistics: true, getCheckpointSummary: true, getCheckpointConfig: true, getJobMetrics: true,
  getVertexBackpressure: true, getVertexMetricIds: true, getVertexMetrics: true, getJobResult: true, triggerDetachedSavepoint: true, getSavepointStatus: true, followSavepoint: true,
  triggerSavepoint: true, cancelWithSavepoint: true, stopWithSavepoint: true, triggerCheckpoint: true,
  getResourceRequirements: true, setResourceRequirements: true, waitUntilRunning: true,
  getRescaleConfig: true, getRescaleHistory: true, getRescaleOverview: true, getRescaleSummary: true, getRescaleDetails: true,
};

class BoundJob {
  constructor(readonly operations: JobOperations, readonly jobId: string) {}
}

for (const name of Object.keys(OPERATION_NAMES) as Array<keyof JobOperations>) {
  Object.defineProperty(BoundJob.prototype, name, {
    value(this: BoundJob, ...args: unknown[]): unknown {
      const operation = this.operations[name] as (jobId: string, ...rest: unknown[]) => unknown;
      return operation.call(this.operations, this.jobId, ...args);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * One job's operations, bound to its id: Flink's `JobClient`. Get one from `FlinkClusterClient.jobClient`;
 * it depends only on `JobOperations`, not on the cluster client.
 */
export type JobClient = JobBoundOperations & { readonly jobId: string };
export const JobClient = BoundJob as unknown as new (operations: JobOperations, jobId: string) => JobClient;
