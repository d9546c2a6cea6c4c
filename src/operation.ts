import type { InFlight } from './aborts';
import { FlinkError, isFlinkError, withFields } from './errors';
import type { OperationOptions } from './types';

/** What an operation knows so far, for the error it may end with. */
export interface OperationState {
  /** Set once the trigger may have reached Flink: every error from then on names it. */
  sent?: boolean;
  triggerId?: string;
  jobId?: string;
  /** The application (Flink 2.3+) the operation submitted or waits for. */
  applicationId?: string;
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

/** Names the trigger, job, application and subject in an error raised after the trigger may have reached Flink. */
export function withOperationContext(err: unknown, state: OperationState): unknown {
  if (!state.sent || !isFlinkError(err)) return err;
  const named = [
    state.jobId && !err.message.includes(state.jobId) ? `job ${state.jobId}` : undefined,
    state.applicationId && !err.message.includes(state.applicationId) ? `application ${state.applicationId}` : undefined,
    state.triggerId && !err.message.includes(state.triggerId) ? `trigger id ${state.triggerId}` : undefined,
    state.subject && !err.message.includes(state.subject) ? `savepoint ${state.subject}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return withFields(err, {
    ...(named.length > 0 ? { message: `${err.message} (${named.join(', ')})` } : {}),
    ...(state.triggerId ? { triggerId: state.triggerId } : {}),
    ...(state.jobId ? { jobId: state.jobId } : {}),
    ...(state.applicationId ? { applicationId: state.applicationId } : {}),
  });
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
