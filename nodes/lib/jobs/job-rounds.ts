import type { FlinkClusterClient } from '../../../src';

/** Receives each job's round; it reports its own failures (a throw is ignored). */
export type RoundListener<R> = (jobId: string, result: R) => void;

/** A node's hold on the rounds: which jobs it needs measured, and what of each, until it leaves. */
export interface RoundsSubscription<W> {
  /** The jobs this subscriber needs measured from now on, and what of each (replaces the previous set). */
  want(jobs: ReadonlyMap<string, W>): void;
  /** Resolves once this subscriber is gone and, if it was the last, the rounds in flight are aborted. */
  unsubscribe(): Promise<void>;
}

interface Subscriber<W, R> {
  everyMs: number;
  listener: RoundListener<R>;
  jobs: ReadonlyMap<string, W>;
}

/** A job being measured: what its subscribers want of it, and what its rounds keep of it (`memo`). */
export interface RoundJob<W, M> {
  jobId: string;
  wish: W;
  everyMs: number;
  /** When its next round is due; Infinity while one is in flight. */
  dueAt: number;
  /** What does not change while a job runs, asked once by a round and kept for the next. */
  memo: Partial<M>;
}

/** Rounds in flight at once: rounds are spread over the interval, so more would only mean a burst. */
const MAX_CONCURRENT_ROUNDS = 2;

/**
 * Rounds of measurements of one cluster's jobs, shared by the nodes that want them: each job some node selects is
 * measured once per the shortest interval the nodes that select it ask for (however many nodes select it), and
 * the jobs' rounds are spread across the interval, so a cluster with hundreds of jobs is not asked in one burst.
 * A subclass says how wishes merge and what a round measures.
 */
export abstract class JobRounds<W, R, M = object> {
  protected readonly jobs = new Map<string, RoundJob<W, M>>();
  private readonly subscribers = new Map<symbol, Subscriber<W, R>>();
  private controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(protected readonly client: () => FlinkClusterClient, protected readonly now: () => number = Date.now) {}

  /** One wish for a job from what each of its subscribers wants of it. */
  protected abstract merge(wishes: W[]): W;
  /** One round of a job's measurements; a rejection drops the round (the next one asks again). */
  protected abstract measure(job: RoundJob<W, M>, at: number, signal: AbortSignal): Promise<R>;

  subscribe(everyMs: number, listener: RoundListener<R>): RoundsSubscription<W> {
    const key = Symbol('rounds subscriber');
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
    const wanted = new Map<string, { wishes: W[]; everyMs: number }>();
    for (const subscriber of this.subscribers.values()) {
      for (const [jobId, wish] of subscriber.jobs) {
        const entry = wanted.get(jobId) ?? { wishes: [], everyMs: Infinity };
        entry.wishes.push(wish);
        entry.everyMs = Math.min(entry.everyMs, subscriber.everyMs);
        wanted.set(jobId, entry);
      }
    }
    for (const jobId of this.jobs.keys()) if (!wanted.has(jobId)) this.jobs.delete(jobId);
    const fresh = [...wanted.keys()].filter((jobId) => !this.jobs.has(jobId));
    const now = this.now();
    for (const [jobId, { wishes, everyMs }] of wanted) {
      const job = this.jobs.get(jobId);
      if (job) Object.assign(job, { wish: this.merge(wishes), everyMs });
    }
    fresh.forEach((jobId, index) => {
      const { wishes, everyMs } = wanted.get(jobId) as { wishes: W[]; everyMs: number };
      this.jobs.set(jobId, { jobId, wish: this.merge(wishes), everyMs, dueAt: now + (index * everyMs) / fresh.length, memo: {} });
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

  private startRound(job: RoundJob<W, M>): void {
    job.dueAt = Infinity;
    const startedAt = this.now();
    const signal = this.controller.signal;
    const round: Promise<void> = this.measure(job, startedAt, signal)
      .then((result) => {
        if (signal.aborted || this.jobs.get(job.jobId) !== job) return;
        job.dueAt = startedAt + job.everyMs;
        this.deliver(job.jobId, result);
      })
      .catch(() => {
        // No client (the cluster config closes), or a part the round could not do without: the next one asks again.
        if (this.jobs.get(job.jobId) === job) job.dueAt = startedAt + job.everyMs;
      })
      .finally(() => {
        this.inFlight.delete(round);
        if (!signal.aborted) this.schedule();
      });
    this.inFlight.add(round);
  }

  private deliver(jobId: string, result: R): void {
    for (const subscriber of [...this.subscribers.values()]) {
      if (!subscriber.jobs.has(jobId)) continue;
      try {
        subscriber.listener(jobId, result);
      } catch {
        // A listener reports its own failures; one that throws must not keep the round from the others.
      }
    }
  }
}
