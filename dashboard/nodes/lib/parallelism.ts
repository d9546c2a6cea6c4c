import type { JobSummary } from '../../../nodes/lib/companion/companion-api';

/**
 * Each job's parallelism, which Flink's job overview lacks: asked for (one `GET /jobs/:id`) when a job is first
 * listed and again after each change of its state, a few jobs at a time, so a table of 200 jobs costs 200 requests
 * once and then one per state change. A failed request keeps what was known; the job's next state change asks again.
 */
export class ParallelismTracker {
  private readonly known = new Map<string, { state: string; parallelism: number | null }>();
  private readonly queue: string[] = [];
  private running = 0;
  private stopped = false;

  constructor(private readonly ask: (jobId: string) => Promise<number>, private readonly found: (jobId: string, parallelism: number) => void,
    private readonly concurrency = 2) {}

  listed(jobs: JobSummary[]): void {
    const listed = new Set<string>();
    for (const job of jobs) {
      listed.add(job.jobId);
      const known = this.known.get(job.jobId);
      if (known?.state === job.state) continue;
      this.known.set(job.jobId, { state: job.state, parallelism: known?.parallelism ?? null });
      if (!this.queue.includes(job.jobId)) this.queue.push(job.jobId);
    }
    for (const jobId of this.known.keys()) if (!listed.has(jobId)) this.known.delete(jobId);
    this.next();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private next(): void {
    while (!this.stopped && this.running < this.concurrency && this.queue.length > 0) {
      const jobId = this.queue.shift()!;
      if (!this.known.has(jobId)) continue;
      this.running += 1;
      this.ask(jobId)
        .then((parallelism) => {
          const known = this.known.get(jobId);
          if (!known || this.stopped) return;
          known.parallelism = parallelism;
          this.found(jobId, parallelism);
        }, () => undefined)
        .finally(() => {
          this.running -= 1;
          this.next();
        });
    }
  }
}
