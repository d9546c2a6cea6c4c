import { JobRounds, type RoundJob, type RoundListener, type RoundsSubscription } from '../jobs/job-rounds';
import { checkpointSample, mergeNeeds, type JobHealthSample, type SampleNeeds } from './job-sample';

/** Receives each job's samples; it reports its own failures (a throw is ignored). */
export type SampleListener = RoundListener<JobHealthSample>;

/** A health node's hold on the sampler: which jobs it needs measured, until it leaves. */
export type SampleSubscription = RoundsSubscription<SampleNeeds>;

/** What does not change while a job runs, asked once. */
interface HealthMemo {
  checkpointing: NonNullable<JobHealthSample['checkpointing']>;
  vertices: Array<{ id: string; name: string }>;
}

/**
 * The health measurements of one cluster's jobs, shared by its health nodes (the rounds' schedule is JobRounds'):
 * each round asks only what the nodes selecting the job need of it.
 */
export class HealthSampler extends JobRounds<SampleNeeds, JobHealthSample, HealthMemo> {
  protected merge(wishes: SampleNeeds[]): SampleNeeds {
    return mergeNeeds(wishes);
  }

  /**
   * One round of a job's measurements. A part Flink does not answer is left out of the sample: a job that just
   * ended has no metrics, and an unreachable cluster is the job listing's to report, not each job's.
   */
  protected async measure(job: RoundJob<SampleNeeds, HealthMemo>, at: number, signal: AbortSignal): Promise<JobHealthSample> {
    const sample: JobHealthSample = { at };
    const client = this.client();
    const options = { signal };
    const { jobId, wish: needs, memo } = job;
    await Promise.all([
      needs.restarts && attempt(async () => {
        const { numRestarts } = await client.getJobMetrics(jobId, ['numRestarts'], options);
        if (numRestarts !== undefined && Number.isFinite(Number(numRestarts))) sample.restarts = Number(numRestarts);
      }),
      needs.checkpoints && attempt(async () => {
        if (!memo.checkpointing) {
          const { enabled, intervalMs } = await client.getCheckpointConfig(jobId, options);
          memo.checkpointing = { enabled, intervalMs };
        }
        sample.checkpointing = memo.checkpointing;
        if (memo.checkpointing.enabled) sample.checkpoints = checkpointSample(await client.getCheckpointSummary(jobId, options));
      }),
      needs.backpressure && attempt(async () => {
        memo.vertices ??= (await client.getJobDetails(jobId, options)).vertices.map(({ id, name }) => ({ id, name }));
        const levels = [];
        // One vertex after the other: Flink computes each answer on demand.
        for (const vertex of memo.vertices) {
          const { level } = await client.getVertexBackpressure(jobId, vertex.id, options);
          levels.push({ vertexId: vertex.id, vertexName: vertex.name, level });
        }
        sample.backpressure = levels;
      }),
    ]);
    return sample;
  }
}

async function attempt(part: () => Promise<void>): Promise<void> {
  try {
    await part();
  } catch {
    // Left out of this round's sample (see `measure`).
  }
}
