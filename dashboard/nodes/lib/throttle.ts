/**
 * Calls `send` at most once per `spacingMs` on request: a request within the spacing is sent when it has passed
 * (once, however many came in between), so the last state always goes out. `flush` sends at once.
 */
export class Throttle {
  private lastSent = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;

  constructor(private readonly send: () => void, private readonly spacingMs = 1000) {}

  request(): void {
    if (this.timer) return;
    const wait = this.lastSent + this.spacingMs - Date.now();
    if (wait <= 0) this.fire();
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Sends now, whatever the spacing: what must not wait (an action's start and end). */
  flush(): void {
    this.stop();
    this.fire();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.lastSent = Date.now();
    this.send();
  }
}
