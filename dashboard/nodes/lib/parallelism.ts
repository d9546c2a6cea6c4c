import type { JobSummary } from '../../../nodes/lib/companion/companion-api';

/**
 * Each job's parallelism, which Flink's job overview lacks: asked for (one `GET /jobs/:id`) when a job is first
 * listed and again after each change of its state, a few jobs at a time, so a table of 200 jobs costs 200 requests
 * once and then one per state change. A failed request keeps what was known; the job's next state change asks again.
 */
export class ParallelismTracker {
  /** Each listed job's state when it was last asked for. */
  private readonly known = new Map<string, string>();
  /** The jobs to ask for, in order (a Set keeps the order of insertion). */
  private readonly queue = new Set<string>();
  private running = 0;
  private stopped = false;

  constructor(private readonly ask: (jobId: string) => Promise<number>, private readonly found: (jobId: string, parallelism: number) => void,
    private readonly concurrency = 2) {}

  listed(jobs: JobSummary[]): void {
    const listed = new Set<string>();
    for (const job of jobs) {
      listed.add(job.jobId);
      if (this.known.get(job.jobId) === job.state) continue;
      this.known.set(job.jobId, job.state);
      this.queue.add(job.jobId);
    }
    for (const jobId of this.known.keys()) if (!listed.has(jobId)) this.known.delete(jobId);
    this.next();
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  private next(): void {
    for (const jobId of this.queue) {
      if (this.stopped || this.running >= this.concurrency) return;
      this.queue.delete(jobId);
      if (!this.known.has(jobId)) continue;
      this.running += 1;
      this.ask(jobId)
        .then((parallelism) => {
          if (this.known.has(jobId) && !this.stopped) this.found(jobId, parallelism);
        }, () => undefined)
        .finally(() => {
          this.running -= 1;
          this.next();
        });
    }
  }
}
