import { setTimeout as sleep } from 'node:timers/promises';
import type { InFlight } from './aborts';
import { FlinkError, isFlinkError, withFields } from './errors';
import type { CallOptions } from './transport';

export interface Progress {
  /** What is being waited for, e.g. "savepoint". */
  operation: string;
  triggerId?: string;
  elapsedMs: number;
  /** Status requests made so far (0 while the trigger itself is being sent). */
  attempts: number;
  /**
   * Set while Flink cannot be reached or answers 5xx (a JobManager restarting, a leader election): the
   * operation keeps sending its trigger (when it carries a trigger id of the client's own) or polling,
   * until its own deadline. `forMs` is how long the outage has lasted so far.
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
/** Longest wait between status requests while Flink cannot be reached. */
export const OUTAGE_MAX_DELAY_MS = 3000;

export interface PollTarget<T> {
  operation: string;
  triggerId?: string;
  /** One status request; `undefined` while the operation is still in progress. */
  check(options: CallOptions): Promise<T | undefined>;
}

/** What an operation knows so far, for the error it may end with. */
export interface OperationState {
  /** Set once the trigger may have reached Flink: every error from then on names it. */
  sent?: boolean;
  triggerId?: string;
  jobId?: string;
  /** What the operation acts on besides a job, e.g. a savepoint path. */
  subject?: string;
  /**
   * Set once the trigger had to be sent again through an outage; `mayHaveArrived` when an earlier attempt
   * may have reached the JobManager that went away (a reset or a timeout, not a refused connection).
   */
  resent?: { mayHaveArrived: boolean };
  /** While Flink cannot be reached: since when, and the last failure. */
  outage?: { since: number; code: string; message: string };
}

/** Where operations run: the client's in-flight set (aborted by close) and whether it is closed. */
export interface OperationHost {
  readonly inFlight: InFlight;
  readonly closed: boolean;
}

/**
 * Runs `work` under one deadline, the caller's signal and the client's closing, turning an expired
 * deadline into FLINK_TIMEOUT and an abort or a close into FLINK_ABORTED, naming the operation; once a
 * trigger may have reached Flink, every error carries its trigger id and job id.
 */
export async function withDeadline<T>(operation: string, timeoutMs: number, options: OperationOptions,
  host: OperationHost, work: (signal: AbortSignal, state: OperationState) => Promise<T>): Promise<T> {
  const tracked = host.inFlight.start(options.signal, timeoutMs);
  const state: OperationState = {};
  try {
    return await work(tracked.signal, state);
  } catch (err) {
    throw withOperationContext(endOf(operation, timeoutMs, options, host, tracked.timedOut, state, jobLostInOutage(err, operation, state)), state);
  } finally {
    tracked.release();
  }
}

function endOf(operation: string, timeoutMs: number, options: OperationOptions, host: OperationHost,
  timedOut: boolean, state: OperationState, err: unknown): unknown {
  const mayFinish = state.sent ? '; Flink may still complete it' : '';
  if (options.signal?.aborted) {
    return new FlinkError({ code: 'FLINK_ABORTED', message: `${operation} was aborted${mayFinish}`, cause: options.signal.reason });
  }
  if (host.closed) {
    return new FlinkError({ code: 'FLINK_ABORTED', message: `${operation} was aborted: the client was closed${mayFinish}` });
  }
  if (timedOut && (!isFlinkError(err) || err.code === 'FLINK_ABORTED' || err.code === 'FLINK_TIMEOUT' || state.outage)) {
    const outage = state.outage
      ? `: Flink was unreachable for the last ${Math.round((Date.now() - state.outage.since) / 1000)} s (${state.outage.message})`
      : '';
    return new FlinkError({ code: 'FLINK_TIMEOUT', message: `${operation} did not complete within ${timeoutMs} ms${outage}${mayFinish}`, cause: err });
  }
  return err;
}

/**
 * A job Flink does not have once it answers again after the trigger was sent through an outage: the
 * JobManager restarted without HA and lost it. If an earlier attempt may have reached the old JobManager,
 * the operation's result is unknown (FLINK_OUTCOME_UNKNOWN, jobState null); otherwise it never started.
 */
function jobLostInOutage(err: unknown, operation: string, state: OperationState): unknown {
  if (!state.resent || !isFlinkError(err, 'FLINK_JOB_NOT_FOUND')) return err;
  const lost = `Flink could not be reached when the trigger of ${operation} was sent, and once it answered again it had no job ${state.jobId}: the JobManager restarted without high availability and lost the job (or it never existed)`;
  if (!state.resent.mayHaveArrived) return withFields(err, { message: `${lost}. The trigger never reached Flink: nothing was started` });
  return withFields(err, {
    code: 'FLINK_OUTCOME_UNKNOWN', jobState: null,
    message: `${lost}. An earlier attempt of trigger ${state.triggerId} may have reached the JobManager that went away: its result is unknown`,
  });
}

/** Names the trigger, job and subject in an error raised after the trigger may have reached Flink. */
export function withOperationContext(err: unknown, state: OperationState): unknown {
  if (!state.sent || !isFlinkError(err)) return err;
  const named = [
    state.jobId && !err.message.includes(state.jobId) ? `job ${state.jobId}` : undefined,
    state.triggerId && !err.message.includes(state.triggerId) ? `trigger id ${state.triggerId}` : undefined,
    state.subject && !err.message.includes(state.subject) ? `savepoint ${state.subject}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return withFields(err, {
    ...(named.length > 0 ? { message: `${err.message} (${named.join(', ')})` } : {}),
    ...(state.triggerId ? { triggerId: state.triggerId } : {}),
    ...(state.jobId ? { jobId: state.jobId } : {}),
  });
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
 * A savepoint that a new leader refused because it is still recovering the job (Flink's
 * UnavailableDispatcherOperationException, then "Not all required tasks are currently running" until its
 * tasks run again): nothing was started, and a new trigger can succeed later.
 */
export function isRecovering(err: unknown): err is FlinkError {
  return isFlinkError(err, 'FLINK_OPERATION_FAILED')
    && (err.failureClass === 'org.apache.flink.runtime.dispatcher.UnavailableDispatcherOperationException'
      || /Not all required tasks are currently running/.test(err.message));
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
