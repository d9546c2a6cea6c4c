import type { FlinkClusterClient } from './cluster-client';
import type { CallOptions } from './transport';
import type { CheckpointOptions, JobDetails, JobResult, JobResultOptions, JobStatus, SavepointOptions, StopOptions } from './types';

/** One job's operations, bound to its id: Flink's `JobClient`. Get one from `FlinkClusterClient.jobClient`. */
export class JobClient {
  constructor(private readonly cluster: FlinkClusterClient, readonly jobId: string) {}

  getJobStatus(options?: CallOptions): Promise<JobStatus> {
    return this.cluster.getJobStatus(this.jobId, options);
  }

  getJobDetails(options?: CallOptions): Promise<JobDetails> {
    return this.cluster.getJobDetails(this.jobId, options);
  }

  cancel(options?: CallOptions): Promise<void> {
    return this.cluster.cancel(this.jobId, options);
  }

  stopWithSavepoint(options?: StopOptions): Promise<string> {
    return this.cluster.stopWithSavepoint(this.jobId, options);
  }

  triggerSavepoint(options?: SavepointOptions): Promise<string> {
    return this.cluster.triggerSavepoint(this.jobId, options);
  }

  triggerCheckpoint(options?: CheckpointOptions): Promise<number> {
    return this.cluster.triggerCheckpoint(this.jobId, options);
  }

  getAccumulators(options?: CallOptions): Promise<Record<string, string>> {
    return this.cluster.getAccumulators(this.jobId, options);
  }

  getJobResult(options?: JobResultOptions): Promise<JobResult> {
    return this.cluster.getJobResult(this.jobId, options);
  }
}
