import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkError, isFlinkError } from './errors';
import type { CallOptions } from './transport';

export interface Progress {
  /** What is being waited for, e.g. "savepoint". */
  operation: string;
  triggerId?: string;
  elapsedMs: number;
  /** Status requests made so far. */
  attempts: number;
  /**
   * Set while Flink cannot be reached or answers 5xx (a JobManager restarting, a leader election): the
   * operation keeps polling until its own deadline. `forMs` is how long the outage has lasted so far.
   */
  outage?: { forMs: number; code: string; message: string };
}

export interface OperationOptions {
  signal?: AbortSignal;
  /** Overall limit for the whole operation, trigger and polling included. */
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
}

export const POLL_INITIAL_DELAY_MS = 50;
export const POLL_MAX_DELAY_MS = 2000;

export interface PollTarget<T> {
  operation: string;
  triggerId?: string;
  /** One status request; `undefined` while the operation is still in progress. */
  check(options: CallOptions): Promise<T | undefined>;
}

/**
 * Runs `work` under one deadline, the caller's signal and the client's own closing signal, turning an
 * expired deadline into FLINK_TIMEOUT and an abort or a close into FLINK_ABORTED, naming the operation.
 */
export async function withDeadline<T>(operation: string, timeoutMs: number, options: OperationOptions,
  clientClosing: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([deadline, clientClosing, ...(options.signal ? [options.signal] : [])]);
  try {
    return await work(signal);
  } catch (err) {
    if (options.signal?.aborted) {
      throw new FlinkError({ code: 'FLINK_ABORTED', message: `${operation} was aborted`, cause: options.signal.reason });
    }
    if (clientClosing.aborted) {
      throw new FlinkError({ code: 'FLINK_ABORTED', message: `${operation} was aborted: the client was closed` });
    }
    if (deadline.aborted && (!isFlinkError(err) || err.code === 'FLINK_ABORTED' || err.code === 'FLINK_TIMEOUT')) {
      throw new FlinkError({ code: 'FLINK_TIMEOUT', message: `${operation} did not complete within ${timeoutMs} ms`, cause: err });
    }
    throw err;
  }
}

/** Asks for a status until it is final, waiting 50 ms, 100 ms, ... up to 2 s between asks. */
export async function pollUntilDone<T>(target: PollTarget<T>, signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<T> {
  const started = Date.now();
  let delay = POLL_INITIAL_DELAY_MS;
  for (let attempts = 1; ; attempts += 1) {
    const result = await target.check({ signal });
    onProgress?.({ operation: target.operation, ...(target.triggerId ? { triggerId: target.triggerId } : {}), elapsedMs: Date.now() - started, attempts });
    if (result !== undefined) return result;
    await sleep(delay, undefined, { signal });
    delay = Math.min(delay * 2, POLL_MAX_DELAY_MS);
  }
}
