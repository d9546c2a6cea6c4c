import type { Progress } from '../../../src';
import type { Node, NodeStatus } from 'node-red';

/** "850ms", "12s", "3m 05s": short enough for a node status. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

const TICK_MS = 1000;

interface Running {
  startedAt: number;
  /** When the outage the operation is polling through began (Flink unreachable or answering 5xx). */
  outageSince?: number;
  /** What this operation does now (a step of it), when it says so. */
  activity?: string;
}

/**
 * A node's status while operations run: a blue ring with what runs and for how long (ticking each second),
 * a yellow ring while an operation polls through an outage of the JobManager, then green with a short result or
 * red with the error code once the last one has finished. Status text never carries more than an activity, a
 * count, a duration, a state or a code. A failing status update never disturbs the operations.
 */
export class ActivityStatus {
  private readonly running = new Map<symbol, Running>();
  private ticker?: NodeJS.Timeout;
  /** A status update waiting for the end of this turn of the event loop. */
  private pending?: NodeJS.Immediate;

  /** `outageText(elapsed)`: e.g. "JobManager unreachable, retrying · 12s". */
  constructor(private readonly node: Node, private readonly activity: string,
    private readonly outageText: (elapsed: string) => string) {}

  begin(): symbol {
    const token = Symbol(this.activity);
    this.running.set(token, { startedAt: Date.now() });
    this.showSoon();
    this.ticker ??= setInterval(() => this.show(), TICK_MS);
    return token;
  }

  /** An operation's progress: an outage shows until a progress report without one arrives. */
  progress(token: symbol, progress: Progress): void {
    const running = this.running.get(token);
    if (!running) return;
    const outageSince = progress.outage ? (running.outageSince ?? Date.now() - progress.outage.forMs) : undefined;
    if (running.outageSince === outageSince) return;
    running.outageSince = outageSince;
    this.showSoon();
  }

  /** What one operation does now (e.g. an upgrade's step): shown instead of the node's activity while it alone runs. */
  describe(token: symbol, activity: string): void {
    const running = this.running.get(token);
    if (!running || running.activity === activity) return;
    running.activity = activity;
    this.showSoon();
  }

  /** `warning`: the result came with something to look at (yellow instead of green). */
  succeeded(token: symbol, text: string, warning = false): void {
    this.finish(token, { fill: warning ? 'yellow' : 'green', shape: 'dot', text });
  }

  failed(token: symbol, code: string): void {
    this.finish(token, { fill: 'red', shape: 'ring', text: code });
  }

  /** Stops the ticker for good (the node closes). */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    clearImmediate(this.pending);
    this.pending = undefined;
  }

  private finish(token: symbol, outcome: { fill: 'green' | 'yellow' | 'red'; shape: 'dot' | 'ring'; text: string }): void {
    this.running.delete(token);
    if (this.running.size > 0) return this.showSoon();
    this.stop();
    this.set(outcome);
  }

  /**
   * A burst of messages (a split into this node) begins and ends many operations in one turn of the event
   * loop: one status update for the burst, not one per message, which would cost more than the requests.
   */
  private showSoon(): void {
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      this.show();
    });
  }

  private show(): void {
    if (this.running.size === 0) return;
    const count = this.running.size > 1 ? `${this.running.size}× ` : '';
    const activity = this.running.size === 1 ? ([...this.running.values()][0]!.activity ?? this.activity) : this.activity;
    let oldest = Infinity;
    let outageSince = Infinity;
    for (const running of this.running.values()) {
      oldest = Math.min(oldest, running.startedAt);
      outageSince = Math.min(outageSince, running.outageSince ?? Infinity);
    }
    this.set(outageSince === Infinity
      ? { fill: 'blue', shape: 'ring', text: `${count}${activity} ${formatElapsed(Date.now() - oldest)}` }
      : { fill: 'yellow', shape: 'ring', text: `${count}${this.outageText(formatElapsed(Date.now() - outageSince))}` });
  }

  private set(status: NodeStatus): void {
    try {
      this.node.status(status);
    } catch {
      // The status is only a display: the message's outcome must not depend on it.
    }
  }
}
