import { FlinkError, type FlinkErrorCode } from '../../src';
import type { Node } from 'node-red';
import type { Redact } from './secret-masker';

/**
 * The client's codes, plus two the nodes add:
 * - FLINK_JOB_AMBIGUOUS: a job name matched several RUNNING jobs;
 * - FLINK_INTERNAL: something other than Flink or the client failed (a bug, a context store error).
 */
export type NodeErrorCode = FlinkErrorCode | 'FLINK_JOB_AMBIGUOUS' | 'FLINK_INTERNAL';

const ERROR_FIELDS = ['status', 'method', 'path', 'failureClass', 'details', 'triggerId', 'jobId', 'applicationId', 'jobState', 'statement', 'line', 'column'] as const;
type ErrorField = (typeof ERROR_FIELDS)[number];

/**
 * The error a node reports (to Catch through `done(err)`, or on its error output). It carries the code and
 * what Flink said, with secrets masked, and deliberately no `cause`: a transport error can hold request details.
 */
export class FlinkNodeError extends Error {
  readonly code: NodeErrorCode;
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  readonly failureClass?: string;
  readonly details?: string;
  /** Set when the failure came after a savepoint, stop or checkpoint trigger may have reached Flink. */
  readonly triggerId?: string;
  readonly jobId?: string;
  /** Set when the failure came after an application's run (Flink 2.3+) may have reached Flink, or is about one. */
  readonly applicationId?: string;
  /** FLINK_OUTCOME_UNKNOWN: the job's state when Flink answered again (null: Flink no longer has the job). */
  readonly jobState?: string | null;
  /** SQL (flink-sql): the statement that failed, and the line and column in the script Flink's parser or validator names. */
  readonly statement?: string;
  readonly line?: number;
  readonly column?: number;
  /** What a multi-step operation (flink-upgrade) did before it failed: its steps, snapshot and job ids. */
  readonly report?: Record<string, unknown>;

  constructor(code: NodeErrorCode, message: string, extra: Partial<Pick<FlinkError, ErrorField>> & { report?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'FlinkNodeError';
    this.code = code;
    for (const key of ERROR_FIELDS) {
      if (extra[key] !== undefined) Object.defineProperty(this, key, { value: extra[key], enumerable: true });
    }
    if (extra.report !== undefined) Object.defineProperty(this, 'report', { value: extra.report, enumerable: true });
  }
}

/** FLINK_INVALID_ARGUMENT: a setting or input that cannot work, said in `message` (which names it). */
export function invalidArgument(message: string): FlinkNodeError {
  return new FlinkNodeError('FLINK_INVALID_ARGUMENT', message);
}

/** The same error with what the node knows about the operation added where the error lacks it. */
export function withOperation(err: FlinkNodeError, known: { triggerId?: string; jobId?: string; applicationId?: string }): FlinkNodeError {
  const triggerId = err.triggerId ?? known.triggerId;
  const jobId = err.jobId ?? known.jobId;
  const applicationId = err.applicationId ?? known.applicationId;
  if (triggerId === err.triggerId && jobId === err.jobId && applicationId === err.applicationId) return err;
  const copy = new FlinkNodeError(err.code, err.message, { ...pickFields(err), triggerId, jobId, applicationId, report: err.report });
  copy.stack = err.stack;
  return copy;
}

function pickFields(err: Pick<FlinkError, ErrorField>): Partial<Pick<FlinkError, ErrorField>> {
  return Object.fromEntries(ERROR_FIELDS.filter((key) => err[key] !== undefined).map((key) => [key, err[key]]));
}

/** A FlinkNodeError for whatever an operation threw, with every secret the cluster config knows masked. */
export function toNodeError(err: unknown, redact: Redact): FlinkNodeError {
  if (err instanceof FlinkNodeError) return err;
  if (err instanceof FlinkError) {
    return new FlinkNodeError(err.code, redact(err.message), {
      ...pickFields(err), details: err.details === undefined ? undefined : redact(err.details),
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FlinkNodeError('FLINK_INTERNAL', redact(message));
}

/** `msg.error` as the error output sends it: the shape a Catch node gives, plus Flink's specifics. */
export function errorProperty(err: FlinkNodeError, node: Node): Record<string, unknown> {
  const { method: _method, path: _path, ...shown } = pickFields(err); // the request itself stays out of flows
  return {
    message: err.toString(), code: err.code, ...shown, ...(err.report ? { report: err.report } : {}),
    source: { id: node.id, type: node.type, name: node.name },
  };
}
