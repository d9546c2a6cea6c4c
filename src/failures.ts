import { FlinkError } from './errors';
import type { SerializedThrowable } from './schemas';
import type { FlinkFailure } from './types';

const JOB_NOT_FOUND = /FlinkJobNotFoundException|Could not find Flink job/;

/**
 * A Java exception as Flink serialized it, reduced to its root cause: the last "Caused by:"
 * in the stack trace says what went wrong; the wrappers around it rarely do.
 */
export function failureOf(cause: SerializedThrowable): FlinkFailure {
  const stackTrace = cause['stack-trace'];
  const headlines = (stackTrace ?? '').split('\n')
    .filter((line, index) => index === 0 || line.startsWith('Caused by: '))
    .map((line) => line.replace(/^Caused by: /, '').trim())
    .filter(Boolean);
  const root = headlines[headlines.length - 1] ?? cause.class ?? 'unknown failure';
  const match = /^((?:[a-z][\w$]*\.)+[A-Z][\w$]*)(?::\s*(.*))?$/.exec(root);
  const rootClass = match?.[1] ?? cause.class;
  const message = match ? (match[2] || match[1]) : root;
  return {
    ...(rootClass ? { class: rootClass } : {}),
    message: message ?? 'unknown failure',
    ...(stackTrace ? { stackTrace } : {}),
  };
}

/** A savepoint, stop, checkpoint or disposal that Flink reports failed. */
export function operationFailed(what: string, jobId: string | undefined, cause: SerializedThrowable, subject?: string): FlinkError {
  const failure = failureOf(cause);
  if (jobId && JOB_NOT_FOUND.test(cause['stack-trace'] ?? '')) {
    return new FlinkError({ code: 'FLINK_JOB_NOT_FOUND', message: `Flink has no job ${jobId}`, details: failure.stackTrace, failureClass: failure.class });
  }
  const on = subject ?? (jobId ? `job ${jobId}` : 'the cluster');
  return new FlinkError({
    code: 'FLINK_OPERATION_FAILED',
    message: `${what} of ${on} failed: ${failure.message}`,
    ...(failure.class ? { failureClass: failure.class } : {}),
    ...(failure.stackTrace ? { details: failure.stackTrace } : {}),
  });
}

/** The first `count` stack frames ("at ..." lines) of the root cause: those after the last "Caused by:". */
export function rootCauseFrames(stackTrace: string, count = 5): string[] {
  const lines = stackTrace.split('\n');
  let rootStart = 0;
  lines.forEach((line, index) => { if (line.startsWith('Caused by: ')) rootStart = index + 1; });
  return lines.slice(rootStart).map((line) => line.trim()).filter((line) => line.startsWith('at ')).slice(0, count);
}
