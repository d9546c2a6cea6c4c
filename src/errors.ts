export const FlinkErrorCodes = [
  'FLINK_INVALID_ARGUMENT',
  'FLINK_CONNECTION',
  'FLINK_TIMEOUT',
  'FLINK_ABORTED',
  'FLINK_AUTH',
  'FLINK_JOB_NOT_FOUND',
  'FLINK_APPLICATION_NOT_FOUND',
  'FLINK_BAD_REQUEST',
  'FLINK_CONFLICT',
  'FLINK_SERVER',
  'FLINK_OPERATION_FAILED',
  'FLINK_INVALID_RESPONSE',
  'FLINK_UNSUPPORTED',
  'FLINK_OUTCOME_UNKNOWN',
  'FLINK_SQL_INVALID',
] as const;

export type FlinkErrorCode = (typeof FlinkErrorCodes)[number];

export interface FlinkErrorInit {
  code: FlinkErrorCode;
  message: string;
  method?: string;
  /** Request path below the base URL (never the host, never credentials). */
  path?: string;
  status?: number;
  /** Everything Flink said after its first line: the rest of the error, usually a Java stack trace. */
  details?: string;
  /** For a failed savepoint, checkpoint or disposal: the Java exception class Flink reported. */
  failureClass?: string;
  /**
   * Set on every error raised after a savepoint, stop or checkpoint trigger may have reached Flink:
   * follow up with `getSavepointStatus(jobId, triggerId)` instead of triggering again.
   */
  triggerId?: string;
  /** The job the failed call was about. */
  jobId?: string;
  /**
   * The application (Flink 2.3+) the failed call was about; set on every error raised after an application's
   * submission may have reached Flink: look it up instead of running it again.
   */
  applicationId?: string;
  /**
   * FLINK_OUTCOME_UNKNOWN only: the job's state when Flink answered again, or null when Flink no longer
   * has the job (a JobManager restarted without HA).
   */
  jobState?: string | null;
  /** SQL only: the statement that failed (one of a script's), and where Flink's parser or validator points in it. */
  statement?: string;
  line?: number;
  column?: number;
  cause?: unknown;
}

/** The one error type the client throws; `code` says what kind of failure it was. */
export class FlinkError extends Error {
  readonly code: FlinkErrorCode;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly details?: string;
  readonly failureClass?: string;
  readonly triggerId?: string;
  readonly jobId?: string;
  readonly applicationId?: string;
  readonly jobState?: string | null;
  readonly statement?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(init: FlinkErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FlinkError';
    this.code = init.code;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.status !== undefined) this.status = init.status;
    if (init.details !== undefined) this.details = init.details;
    if (init.failureClass !== undefined) this.failureClass = init.failureClass;
    if (init.triggerId !== undefined) this.triggerId = init.triggerId;
    if (init.jobId !== undefined) this.jobId = init.jobId;
    if (init.applicationId !== undefined) this.applicationId = init.applicationId;
    if (init.jobState !== undefined) this.jobState = init.jobState;
    if (init.statement !== undefined) this.statement = init.statement;
    if (init.line !== undefined) this.line = init.line;
    if (init.column !== undefined) this.column = init.column;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name, code: this.code, message: this.message, method: this.method, path: this.path,
      status: this.status, failureClass: this.failureClass, details: this.details,
      triggerId: this.triggerId, jobId: this.jobId, applicationId: this.applicationId, jobState: this.jobState,
      statement: this.statement, line: this.line, column: this.column,
    };
  }
}

export function invalidArgument(message: string): FlinkError {
  return new FlinkError({ code: 'FLINK_INVALID_ARGUMENT', message });
}

export function isFlinkError(err: unknown, code?: FlinkErrorCode): err is FlinkError {
  return err instanceof FlinkError && (code === undefined || err.code === code);
}

/** The optional fields of a FlinkError, which a copy keeps. */
const OPTIONAL_FIELDS = [
  'method', 'path', 'status', 'details', 'failureClass', 'triggerId', 'jobId', 'applicationId', 'jobState', 'statement', 'line', 'column', 'cause',
] as const;

/** The same error with some fields replaced or added (FlinkError's fields are read-only). */
export function withFields(err: FlinkError, fields: Partial<FlinkErrorInit>): FlinkError {
  const kept = Object.fromEntries(OPTIONAL_FIELDS.filter((key) => err[key] !== undefined).map((key) => [key, err[key]])) as Partial<FlinkErrorInit>;
  return new FlinkError({ code: err.code, message: err.message, ...kept, ...fields });
}
