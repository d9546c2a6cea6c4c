import { JobRounds, type RoundJob, type RoundListener, type RoundsSubscription } from '../jobs/job-rounds';
import { JOB_METRICS, jobLevelMetrics, VERTEX_METRICS, vertexMetrics, wantedVertexMetrics, type JobMetrics } from './job-metrics';

/** Receives each job's metrics; it reports its own failures (a throw is ignored). */
export type MetricsListener = RoundListener<JobMetrics>;

/** A metrics node's hold on the sampler: which jobs (id to name) it needs measured, until it leaves. */
export type MetricsSubscription = RoundsSubscription<string>;

/** What a round asks of each vertex, by vertex id, once Flink's metric store lists the vertex's task metrics. */
interface MetricsMemo {
  metricIds: Map<string, string[]>;
}

type MetricsJob = RoundJob<string, MetricsMemo>;

const AGGREGATIONS = ['min', 'max', 'avg', 'sum'] as const;

/**
 * The metrics of one cluster's jobs, shared by its metrics nodes (the rounds' schedule is JobRounds'). A round
 * costs one request for the job's vertices (their parallelism changes when the job is rescaled), one for the job's
 * metrics and one per vertex for its subtasks' aggregates, plus, once per vertex, the ids of its metrics (Flink
 * answers nothing at all when asked for a metric a vertex does not have).
 */
export class MetricsSampler extends JobRounds<string, JobMetrics, MetricsMemo> {
  /** A job's name, as its nodes' listings have it. */
  protected merge(jobNames: string[]): string {
    return jobNames[0] as string;
  }

  /**
   * Measures a job now, outside its schedule (a node's input asks to read now); what is known of its vertices is
   * shared with the scheduled rounds. Throws what the client throws for the job (e.g. FLINK_JOB_NOT_FOUND).
   */
  async readNow(jobId: string, jobName: string, signal: AbortSignal): Promise<JobMetrics> {
    const job = this.jobs.get(jobId) ?? { jobId, wish: jobName, everyMs: Infinity, dueAt: Infinity, memo: {} };
    return this.read(job, this.now(), signal, true);
  }

  protected measure(job: MetricsJob, at: number, signal: AbortSignal): Promise<JobMetrics> {
    return this.read(job, at, signal, false);
  }

  /**
   * One round of a job's measurements. In a scheduled round a part Flink does not answer is left out (a job that
   * just ended has no metrics; an unreachable cluster is the listing's to report); `strict` (read now) throws it.
   */
  private async read(job: MetricsJob, at: number, signal: AbortSignal, strict: boolean): Promise<JobMetrics> {
    const client = this.client();
    const options = { signal };
    const { jobId, memo } = job;
    const part = async (read: () => Promise<void>): Promise<void> => {
      try {
        await read();
      } catch (err) {
        if (strict || signal.aborted) throw err;
      }
    };
    const result: JobMetrics = { jobId, jobName: job.wish, at, vertices: [] };
    const metricIds = (memo.metricIds ??= new Map());
    const [details] = await Promise.all([
      client.getJobDetails(jobId, options),
      part(async () => {
        Object.assign(result, jobLevelMetrics(await client.getJobMetrics(jobId, [...JOB_METRICS], options)));
      }),
    ]);
    await Promise.all(details.vertices.map(async (vertex, index) => {
      let values = {};
      await part(async () => {
        let ids = metricIds.get(vertex.id);
        if (!ids) {
          const listed = wantedVertexMetrics(await client.getVertexMetricIds(jobId, vertex.id, options));
          // Until Flink's metric store has the vertex's task metrics, it lists none of them: ask again next round.
          if (!listed.some((id) => (VERTEX_METRICS as readonly string[]).includes(id))) return;
          ids = listed;
          metricIds.set(vertex.id, ids);
        }
        values = await client.getVertexMetrics(jobId, vertex.id, ids, [...AGGREGATIONS], options);
      });
      result.vertices[index] = vertexMetrics(vertex, values, at);
    }));
    return result;
  }
}
