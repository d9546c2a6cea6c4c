interface Subscribers {
  listener: () => void;
  callbacks: Set<() => void>;
}

const subscribed = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` when `signal` aborts; returns the way to stop listening. However many calls share one
 * signal, it carries one listener: many concurrent requests on a caller's signal add no
 * MaxListenersExceededWarning and leave nothing behind.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let entry = subscribed.get(signal);
  if (!entry) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      subscribed.delete(signal);
      for (const call of [...callbacks]) call();
    };
    entry = { listener, callbacks };
    subscribed.set(signal, entry);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { listener, callbacks } = entry;
  callbacks.add(callback);
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && subscribed.get(signal) === entry) {
      subscribed.delete(signal);
      signal.removeEventListener('abort', listener);
    }
  };
}

/** One request's or one operation's abort: by its deadline, its caller's signal, or the client closing. */
export interface Tracked {
  readonly signal: AbortSignal;
  /** The deadline passed (rather than an abort by the caller or the client). */
  readonly timedOut: boolean;
  /** Stops the deadline and the listening; call once the work has ended. */
  release(): void;
}

/**
 * What a client has in flight. The client's closing aborts each entry directly, so no listener is ever
 * added to a long-lived signal of the client's own (Node 20 keeps `AbortSignal.any` dependants: nodejs/node#55351).
 */
export class InFlight {
  private readonly controllers = new Set<AbortController>();

  /** Every controller in flight now; for tests that check nothing is left behind. */
  get current(): ReadonlySet<AbortController> {
    return this.controllers;
  }

  start(callerSignal: AbortSignal | undefined, timeoutMs?: number): Tracked {
    const controller = new AbortController();
    this.controllers.add(controller);
    let timedOut = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
    let unsubscribe: (() => void) | undefined;
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    else if (callerSignal) unsubscribe = onAbort(callerSignal, () => controller.abort(callerSignal.reason));
    return {
      signal: controller.signal,
      get timedOut() { return timedOut; },
      release: () => {
        if (timer) clearTimeout(timer);
        unsubscribe?.();
        this.controllers.delete(controller);
      },
    };
  }

  abortAll(): void {
    for (const controller of [...this.controllers]) controller.abort();
  }
}
