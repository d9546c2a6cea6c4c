export const FlinkErrorCodes = [
  'FLINK_INVALID_ARGUMENT',
  'FLINK_CONNECTION',
  'FLINK_TIMEOUT',
  'FLINK_ABORTED',
  'FLINK_AUTH',
  'FLINK_JOB_NOT_FOUND',
  'FLINK_BAD_REQUEST',
  'FLINK_CONFLICT',
  'FLINK_SERVER',
  'FLINK_OPERATION_FAILED',
  'FLINK_INVALID_RESPONSE',
  'FLINK_UNSUPPORTED',
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

  constructor(init: FlinkErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FlinkError';
    this.code = init.code;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.status !== undefined) this.status = init.status;
    if (init.details !== undefined) this.details = init.details;
    if (init.failureClass !== undefined) this.failureClass = init.failureClass;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name, code: this.code, message: this.message, method: this.method, path: this.path,
      status: this.status, failureClass: this.failureClass, details: this.details,
    };
  }
}

export function invalidArgument(message: string): FlinkError {
  return new FlinkError({ code: 'FLINK_INVALID_ARGUMENT', message });
}

export function isFlinkError(err: unknown, code?: FlinkErrorCode): err is FlinkError {
  return err instanceof FlinkError && (code === undefined || err.code === code);
}
