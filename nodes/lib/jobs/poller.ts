/**
 * Runs a task now and then again `everyMs` after each run has finished: never two at once.
 * `everyMs` may be a function, asked after each run (the pause may change while the poller runs).
 * `close()` cancels the next run, aborts the one in flight and resolves once it has settled.
 */
export class Poller {
  private timer?: NodeJS.Timeout;
  private current?: { controller: AbortController; settled: Promise<void> };
  private closed = false;

  constructor(private readonly task: (signal: AbortSignal) => Promise<void>, private readonly everyMs: number | (() => number)) {}

  start(): void {
    this.schedule(0);
  }

  /** Runs the task now if it waits for its next run; a run in flight is soon enough. */
  runSoon(): void {
    if (this.current || this.closed) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current?.controller.abort();
    await this.current?.settled;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const controller = new AbortController();
      const settled = this.task(controller.signal)
        .catch(() => undefined) // the task reports its own failures
        .finally(() => {
          this.current = undefined;
          this.schedule(typeof this.everyMs === 'number' ? this.everyMs : this.everyMs());
        });
      this.current = { controller, settled };
    }, delayMs);
  }
}
