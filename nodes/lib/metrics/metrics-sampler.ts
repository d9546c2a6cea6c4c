import type { FlinkClusterClient } from '../../../src';
import { JOB_METRICS, jobLevelMetrics, VERTEX_METRICS, vertexMetrics, wantedVertexMetrics, type JobMetrics } from './job-metrics';

/** Receives each job's metrics; it reports its own failures (a throw is ignored). */
export type MetricsListener = (jobId: string, metrics: JobMetrics) => void;

/** A metrics node's hold on the sampler: which jobs it needs measured, until it leaves. */
export interface MetricsSubscription {
  /** The jobs (id to name) this subscriber needs measured from now on (replaces the previous set). */
  want(jobs: ReadonlyMap<string, string>): void;
  /** Resolves once this subscriber is gone and, if it was the last, the rounds in flight are aborted. */
  unsubscribe(): Promise<void>;
}

interface Subscriber {
  everyMs: number;
  listener: MetricsListener;
  jobs: ReadonlyMap<string, string>;
}

interface Vertex {
  id: string;
  name: string;
  parallelism: number;
  /** The metric ids a round asks of it; unknown until Flink's metric store lists the vertex's task metrics. */
  metrics?: string[];
}

interface SampledJob {
  jobId: string;
  jobName: string;
  everyMs: number;
  /** When its next round is due; Infinity while one is in flight. */
  dueAt: number;
  /** The job's vertices, asked once (what a round asks of each, once Flink lists it). */
  vertices?: Vertex[];
}

/** Rounds in flight at once: rounds are spread over the interval, so more would only mean a burst. */
const MAX_CONCURRENT_ROUNDS = 2;
const AGGREGATIONS = ['min', 'max', 'avg', 'sum'] as const;

/**
 * The metrics of one cluster's jobs, shared by its metrics nodes (as the health sampler is by the health nodes):
 * each job some node selects is measured once per the shortest interval the nodes that select it ask for, however
 * many nodes select it, and the jobs' rounds are spread across the interval. A round costs one request for the
 * job's metrics and one per vertex for its subtasks' aggregates (plus, once per job, its vertices, and once per
 * vertex, the ids of its metrics: Flink answers nothing at all when asked for a metric a vertex does not have).
 */
export class MetricsSampler {
  private readonly subscribers = new Map<symbol, Subscriber>();
  private readonly jobs = new Map<string, SampledJob>();
  private controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly client: () => FlinkClusterClient, private readonly now: () => number = Date.now) {}

  subscribe(everyMs: number, listener: MetricsListener): MetricsSubscription {
    const key = Symbol('metrics subscriber');
    if (!this.closed) this.subscribers.set(key, { everyMs, listener, jobs: new Map() });
    return {
      want: (jobs) => {
        const subscriber = this.subscribers.get(key);
        if (!subscriber) return;
        subscriber.jobs = jobs;
        this.refresh();
      },
      unsubscribe: () => this.unsubscribe(key),
    };
  }

  /** The jobs being measured now. */
  get sampledJobs(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Measures a job now, outside its schedule (a node's input asks to read now); what is known of its vertices is
   * shared with the scheduled rounds. Throws what the client throws for the job (e.g. FLINK_JOB_NOT_FOUND).
   */
  async readNow(jobId: string, jobName: string, signal: AbortSignal): Promise<JobMetrics> {
    const job = this.jobs.get(jobId) ?? { jobId, jobName, everyMs: Infinity, dueAt: Infinity };
    return this.measure(job, this.now(), signal, true);
  }

  /** The cluster config closes: stop for good. */
  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    await this.stop();
  }

  private async unsubscribe(key: symbol): Promise<void> {
    if (!this.subscribers.delete(key)) return;
    if (this.subscribers.size > 0) this.refresh();
    else await this.stop();
  }

  private async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.pending);
    this.timer = undefined;
    this.pending = undefined;
    this.jobs.clear();
    this.controller.abort();
    this.controller = new AbortController();
    await Promise.all([...this.inFlight]);
  }

  /** Recomputes the jobs to measure from every subscriber's wishes; new jobs get their first rounds spread over the interval. */
  private refresh(): void {
    const wanted = new Map<string, { jobName: string; everyMs: number }>();
    for (const subscriber of this.subscribers.values()) {
      for (const [jobId, jobName] of subscriber.jobs) {
        const entry = wanted.get(jobId) ?? { jobName, everyMs: Infinity };
        entry.everyMs = Math.min(entry.everyMs, subscriber.everyMs);
        wanted.set(jobId, entry);
      }
    }
    for (const jobId of this.jobs.keys()) if (!wanted.has(jobId)) this.jobs.delete(jobId);
    const fresh = [...wanted.keys()].filter((jobId) => !this.jobs.has(jobId));
    const now = this.now();
    for (const [jobId, { jobName, everyMs }] of wanted) {
      const job = this.jobs.get(jobId);
      if (job) Object.assign(job, { jobName, everyMs });
    }
    fresh.forEach((jobId, index) => {
      const { jobName, everyMs } = wanted.get(jobId) as { jobName: string; everyMs: number };
      this.jobs.set(jobId, { jobId, jobName, everyMs, dueAt: now + (index * everyMs) / fresh.length });
    });
    // Every node gets a listing in the same turn of the event loop: their wishes are merged before a round starts.
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      this.schedule();
    });
  }

  /** Starts the rounds that are due (as many as may run at once) and sets a timer for the next one. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed && this.subscribers.size === 0 && this.jobs.size === 0) return;
    const now = this.now();
    const byDue = [...this.jobs.values()].filter((job) => job.dueAt !== Infinity).sort((a, b) => a.dueAt - b.dueAt);
    for (const job of byDue) {
      if (this.inFlight.size >= MAX_CONCURRENT_ROUNDS) return;
      if (job.dueAt > now) {
        this.timer = setTimeout(() => this.schedule(), job.dueAt - now);
        return;
      }
      this.startRound(job);
    }
  }

  private startRound(job: SampledJob): void {
    job.dueAt = Infinity;
    const startedAt = this.now();
    const signal = this.controller.signal;
    const round: Promise<void> = this.measure(job, startedAt, signal, false)
      .then((metrics) => {
        if (signal.aborted || this.jobs.get(job.jobId) !== job) return;
        job.dueAt = startedAt + job.everyMs;
        this.deliver(job.jobId, metrics);
      })
      .catch(() => {
        // No client (the cluster config closes): the round is dropped; the next one asks again.
        if (this.jobs.get(job.jobId) === job) job.dueAt = startedAt + job.everyMs;
      })
      .finally(() => {
        this.inFlight.delete(round);
        if (!signal.aborted) this.schedule();
      });
    this.inFlight.add(round);
  }

  private deliver(jobId: string, metrics: JobMetrics): void {
    for (const subscriber of [...this.subscribers.values()]) {
      if (!subscriber.jobs.has(jobId)) continue;
      try {
        subscriber.listener(jobId, metrics);
      } catch {
        // A listener reports its own failures; one that throws must not keep the metrics from the others.
      }
    }
  }

  /**
   * One round of a job's measurements. In a scheduled round a part Flink does not answer is left out (a job that
   * just ended has no metrics; an unreachable cluster is the listing's to report); `strict` (read now) throws it.
   */
  private async measure(job: SampledJob, at: number, signal: AbortSignal, strict: boolean): Promise<JobMetrics> {
    const client = this.client();
    const options = { signal };
    const { jobId } = job;
    const part = async (read: () => Promise<void>): Promise<void> => {
      try {
        await read();
      } catch (err) {
        if (strict || signal.aborted) throw err;
      }
    };
    const result: JobMetrics = { jobId, jobName: job.jobName, at, vertices: [] };
    job.vertices ??= (await client.getJobDetails(jobId, options)).vertices.map(({ id, name, parallelism }) => ({ id, name, parallelism }));
    const vertices = job.vertices;
    await Promise.all([
      part(async () => {
        Object.assign(result, jobLevelMetrics(await client.getJobMetrics(jobId, [...JOB_METRICS], options)));
      }),
      ...vertices.map(async (vertex, index) => {
        let values = {};
        await part(async () => {
          if (!vertex.metrics) {
            const listed = wantedVertexMetrics(await client.getVertexMetricIds(jobId, vertex.id, options));
            // Until Flink's metric store has the vertex's task metrics, it lists none of them: ask again next round.
            if (!listed.some((id) => (VERTEX_METRICS as readonly string[]).includes(id))) return;
            vertex.metrics = listed;
          }
          values = await client.getVertexMetrics(jobId, vertex.id, vertex.metrics, [...AGGREGATIONS], options);
        });
        result.vertices[index] = vertexMetrics(vertex, values, at);
      }),
    ]);
    return result;
  }
}
