import type { RetryOptions } from './types';

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, initialDelayMs: 200, maxDelayMs: 5000, multiplier: 2 };

/**
 * How a request may be retried:
 * - `idempotent`: sending it twice does what sending it once does (reads, cancel, triggers carrying a
 *   client-made id): retried on connection failures, timeouts and 502/503/504;
 * - `unsent`: no id of the client's own, so a second copy could act twice (disposal, jar upload, a jar
 *   run without a job id, cluster shutdown): retried only where the failure proves Flink never acted on it.
 */
export type RetryPolicy = 'idempotent' | 'unsent';

/** How one attempt of a request failed, as far as retrying is concerned. */
export type AttemptFailure =
  /** No answer: the connection failed or the deadline passed before the response headers. */
  | { stage: 'no-answer'; code: string }
  /** The headers arrived, then the body was cut off or too slow. */
  | { stage: 'body-lost'; code: string }
  /** A complete answer with an error status; `flinkJson` when its body is Flink's own `{"errors": [...]}`. */
  | { stage: 'answered'; status: number; flinkJson: boolean };

/** The attempt's deadline passed: our own code for it, next to undici's. */
export const ATTEMPT_TIMEOUT = 'ATTEMPT_TIMEOUT';

/** Failures in which the request provably never reached Flink. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures of the connection that say nothing about whether Flink got the request. */
const CONNECTION_LOST = new Set([
  'ECONNRESET', 'EPIPE', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT', ATTEMPT_TIMEOUT,
]);
const RETRY_STATUS = new Set([502, 503, 504]);

/**
 * Whether another attempt may be sent. Never once response headers arrived, except for a GET, which is
 * sent again as a fresh request (never resumed with a Range header: Flink has none). A 502/503/504 that
 * is not Flink's own JSON may come from a proxy after Flink acted, so an `unsent` request is retried
 * only on Flink's own 503 (no leader yet).
 */
export function mayRetry(failure: AttemptFailure, method: string, policy: RetryPolicy): boolean {
  switch (failure.stage) {
    case 'no-answer':
      return NEVER_SENT.has(failure.code) || (policy === 'idempotent' && CONNECTION_LOST.has(failure.code));
    case 'body-lost':
      return method === 'GET' && CONNECTION_LOST.has(failure.code);
    case 'answered':
      if (!RETRY_STATUS.has(failure.status)) return false;
      return policy === 'idempotent' || (failure.status === 503 && failure.flinkJson);
  }
}

/** Whether Flink may have acted on an attempt that failed this way (only then can a retry meet its effect). */
export function mayHaveActed(failure: AttemptFailure): boolean {
  if (failure.stage === 'no-answer') return !NEVER_SENT.has(failure.code);
  if (failure.stage === 'answered') return !(failure.status === 503 && failure.flinkJson);
  return true;
}

/** The wait before retry number `retry` (1 for the first): exponential, capped. */
export function retryDelay(options: RetryOptions, retry: number): number {
  return Math.min(options.initialDelayMs * options.multiplier ** (retry - 1), options.maxDelayMs);
}
