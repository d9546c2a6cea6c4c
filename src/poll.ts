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
 * Runs `work` under one deadline and the caller's signal, turning an expired deadline into
 * FLINK_TIMEOUT and an abort into FLINK_ABORTED, both naming the operation.
 */
export async function withDeadline<T>(operation: string, timeoutMs: number, options: OperationOptions,
  work: (signal: AbortSignal) => Promise<T>, hint = ''): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  try {
    return await work(signal);
  } catch (err) {
    if (options.signal?.aborted) {
      throw new FlinkError({ code: 'FLINK_ABORTED', message: `${operation} was aborted${hint}`, cause: options.signal.reason });
    }
    if (deadline.aborted && (!isFlinkError(err) || err.code === 'FLINK_ABORTED' || err.code === 'FLINK_TIMEOUT')) {
      throw new FlinkError({ code: 'FLINK_TIMEOUT', message: `${operation} did not complete within ${timeoutMs} ms${hint}`, cause: err });
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
