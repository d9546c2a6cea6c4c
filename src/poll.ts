import { setTimeout as sleep } from 'node:timers/promises';
import { type FlinkError, isFlinkError } from './errors';
import type { OperationState } from './operation';
import type { CallOptions, Progress } from './types';

export const POLL_INITIAL_DELAY_MS = 50;
export const POLL_MAX_DELAY_MS = 2000;
/** Longest wait between status requests while Flink cannot be reached. */
export const OUTAGE_MAX_DELAY_MS = 3000;

export interface PollTarget<T> {
  operation: string;
  triggerId?: string;
  /** One status request; `undefined` while the operation is still in progress. */
  check(options: CallOptions): Promise<T | undefined>;
}

/** Errors that say Flink is not answering for now (a JobManager restarting, no leader yet), not that the operation failed. */
export function isOutage(err: unknown): err is FlinkError {
  if (!isFlinkError(err)) return false;
  return err.code === 'FLINK_CONNECTION' || err.code === 'FLINK_TIMEOUT' || (err.code === 'FLINK_SERVER' && (err.status ?? 0) >= 500);
}

/**
 * Calls `ask` until it gets an answer that is not an outage: while Flink cannot be reached or answers 5xx,
 * notes the outage in `state`, reports it, and asks again after 50 ms, 100 ms, ... up to 3 s, until the
 * operation's signal ends the wait. Errors of any other kind end it at once.
 */
export async function rideOutOutage<T>(ask: () => Promise<T>, signal: AbortSignal, state: OperationState,
  onOutage: (outage: NonNullable<Progress['outage']>) => void, isTransient: (err: unknown) => err is FlinkError = isOutage): Promise<T> {
  for (let delay = POLL_INITIAL_DELAY_MS; ; delay = Math.min(delay * 2, OUTAGE_MAX_DELAY_MS)) {
    try {
      const answer = await ask();
      delete state.outage;
      return answer;
    } catch (err) {
      if (signal.aborted || !isTransient(err)) throw err;
      const since = state.outage?.since ?? Date.now();
      state.outage = { since, code: err.code, message: err.message };
      onOutage({ forMs: Date.now() - since, code: err.code, message: err.message });
      await sleep(delay, undefined, { signal });
    }
  }
}

/**
 * Asks for a status until it is final, waiting 50 ms, 100 ms, ... up to 2 s between asks, and riding out
 * outages (`rideOutOutage`) until the operation's signal ends it.
 */
export async function pollUntilDone<T>(target: PollTarget<T>, signal: AbortSignal, onProgress?: (p: Progress) => void,
  state: OperationState = {}): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  const progress = (): Progress => ({
    operation: target.operation, ...(target.triggerId ? { triggerId: target.triggerId } : {}), elapsedMs: Date.now() - started, attempts,
  });
  for (let delay = POLL_INITIAL_DELAY_MS; ; delay = Math.min(delay * 2, POLL_MAX_DELAY_MS)) {
    const result = await rideOutOutage(() => {
      attempts += 1;
      return target.check({ signal });
    }, signal, state, (outage) => onProgress?.({ ...progress(), outage }));
    onProgress?.(progress());
    if (result !== undefined) return result;
    await sleep(delay, undefined, { signal });
  }
}
