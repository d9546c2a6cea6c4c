import type { FlinkClusterClient } from '../../../src';
import { checkpointSample, mergeNeeds, type JobHealthSample, type SampleNeeds } from './job-sample';

/** Receives each job's samples; it reports its own failures (a throw is ignored). */
export type SampleListener = (jobId: string, sample: JobHealthSample) => void;

/** A health node's hold on the sampler: which jobs it needs measured, until it leaves. */
export interface SampleSubscription {
  /** The jobs this subscriber needs measured from now on, and what of each (replaces the previous set). */
  want(jobs: ReadonlyMap<string, SampleNeeds>): void;
  /** Resolves once this subscriber is gone and, if it was the last, the rounds in flight are aborted. */
  unsubscribe(): Promise<void>;
}

interface Subscriber {
  everyMs: number;
  listener: SampleListener;
  jobs: ReadonlyMap<string, SampleNeeds>;
}

interface SampledJob {
  jobId: string;
  needs: SampleNeeds;
  everyMs: number;
  /** When its next round is due; Infinity while one is in flight. */
  dueAt: number;
  /** What does not change while a job runs, asked once. */
  checkpointing?: NonNullable<JobHealthSample['checkpointing']>;
  vertices?: Array<{ id: string; name: string }>;
}

/** Rounds in flight at once: rounds are spread over the interval, so more would only mean a burst. */
const MAX_CONCURRENT_ROUNDS = 2;

/**
 * The health measurements of one cluster's jobs, shared by its health nodes: each job some node selects is
 * measured once per the shortest interval the nodes that select it ask for (however many nodes select it), and
 * the jobs' rounds are spread across the interval, so a cluster with hundreds of jobs is not asked in one burst.
 */
export class HealthSampler {
  private readonly subscribers = new Map<symbol, Subscriber>();
  private readonly jobs = new Map<string, SampledJob>();
  private controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly client: () => FlinkClusterClient, private readonly now: () => number = Date.now) {}

  subscribe(everyMs: number, listener: SampleListener): SampleSubscription {
    const key = Symbol('health subscriber');
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
    const wanted = new Map<string, { needs: SampleNeeds[]; everyMs: number }>();
    for (const subscriber of this.subscribers.values()) {
      for (const [jobId, needs] of subscriber.jobs) {
        const entry = wanted.get(jobId) ?? { needs: [], everyMs: Infinity };
        entry.needs.push(needs);
        entry.everyMs = Math.min(entry.everyMs, subscriber.everyMs);
        wanted.set(jobId, entry);
      }
    }
    for (const jobId of this.jobs.keys()) if (!wanted.has(jobId)) this.jobs.delete(jobId);
    const fresh = [...wanted.keys()].filter((jobId) => !this.jobs.has(jobId));
    const now = this.now();
    for (const [jobId, { needs, everyMs }] of wanted) {
      const job = this.jobs.get(jobId);
      if (job) Object.assign(job, { needs: mergeNeeds(needs), everyMs });
    }
    fresh.forEach((jobId, index) => {
      const { needs, everyMs } = wanted.get(jobId) as { needs: SampleNeeds[]; everyMs: number };
      this.jobs.set(jobId, { jobId, needs: mergeNeeds(needs), everyMs, dueAt: now + (index * everyMs) / fresh.length });
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
    const round: Promise<void> = this.measure(job, startedAt, signal)
      .then((sample) => {
        if (signal.aborted || this.jobs.get(job.jobId) !== job) return;
        job.dueAt = startedAt + job.everyMs;
        this.deliver(job.jobId, sample);
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

  private deliver(jobId: string, sample: JobHealthSample): void {
    for (const subscriber of [...this.subscribers.values()]) {
      if (!subscriber.jobs.has(jobId)) continue;
      try {
        subscriber.listener(jobId, sample);
      } catch {
        // A listener reports its own failures; one that throws must not keep the sample from the others.
      }
    }
  }

  /**
   * One round of a job's measurements. A part Flink does not answer is left out of the sample: a job that just
   * ended has no metrics, and an unreachable cluster is the job listing's to report, not each job's.
   */
  private async measure(job: SampledJob, at: number, signal: AbortSignal): Promise<JobHealthSample> {
    const sample: JobHealthSample = { at };
    const client = this.client();
    const options = { signal };
    const { jobId, needs } = job;
    await Promise.all([
      needs.restarts && attempt(async () => {
        const { numRestarts } = await client.getJobMetrics(jobId, ['numRestarts'], options);
        if (numRestarts !== undefined && Number.isFinite(Number(numRestarts))) sample.restarts = Number(numRestarts);
      }),
      needs.checkpoints && attempt(async () => {
        if (!job.checkpointing) {
          const { enabled, intervalMs } = await client.getCheckpointConfig(jobId, options);
          job.checkpointing = { enabled, intervalMs };
        }
        sample.checkpointing = job.checkpointing;
        if (job.checkpointing.enabled) sample.checkpoints = checkpointSample(await client.getCheckpointSummary(jobId, options));
      }),
      needs.backpressure && attempt(async () => {
        job.vertices ??= (await client.getJobDetails(jobId, options)).vertices.map(({ id, name }) => ({ id, name }));
        const levels = [];
        // One vertex after the other: Flink computes each answer on demand.
        for (const vertex of job.vertices) {
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
