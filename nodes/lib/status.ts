import type { Node } from './red';

/** "850ms", "12s", "3m 05s": short enough for a node status. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

const TICK_MS = 1000;

/**
 * A node's status while operations run: a blue ring with what runs and for how long (ticking each second),
 * then green with a short result or red with the error code once the last one has finished.
 * Status text never carries more than an activity, a count, a duration, a state or a code.
 */
export class ActivityStatus {
  private readonly running = new Map<symbol, number>();
  private ticker?: NodeJS.Timeout;

  constructor(private readonly node: Node, private readonly activity: string) {}

  begin(): symbol {
    const token = Symbol(this.activity);
    this.running.set(token, Date.now());
    this.show();
    this.ticker ??= setInterval(() => this.show(), TICK_MS);
    return token;
  }

  succeeded(token: symbol, text: string): void {
    this.finish(token, { fill: 'green', shape: 'dot', text });
  }

  failed(token: symbol, code: string): void {
    this.finish(token, { fill: 'red', shape: 'ring', text: code });
  }

  /** Stops the ticker for good (the node closes). */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private finish(token: symbol, outcome: { fill: 'green' | 'red'; shape: 'dot' | 'ring'; text: string }): void {
    this.running.delete(token);
    if (this.running.size > 0) return this.show();
    this.stop();
    this.node.status(outcome);
  }

  private show(): void {
    if (this.running.size === 0) return;
    const oldest = Math.min(...this.running.values());
    const count = this.running.size > 1 ? `${this.running.size}× ` : '';
    this.node.status({ fill: 'blue', shape: 'ring', text: `${count}${this.activity} ${formatElapsed(Date.now() - oldest)}` });
  }
}
