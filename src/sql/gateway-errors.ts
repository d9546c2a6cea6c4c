import { isFlinkError, withFields, type FlinkError } from '../errors';

/*
 * The gateway reports a failed statement as a 500 whose text is a Java exception chain ("Failed to fetchResults"
 * on the outside). What happened is in its causes: a parser or validator's complaint, a missing session, or the
 * exception the statement's planning or its job ran into.
 */

interface Cause { className: string; message: string }

const CAUSE_LINE = /^(?:Caused by: )?((?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)):? ?(.*)$/;
const INVALID_SQL = /(?:SqlParserException|SqlParseException|ValidationException|SqlValidateException|SqlValidatorException)$/;
const WRAPPERS = /(?:SqlGatewayException|SqlExecutionException|RestHandlerException|CompletionException|ExecutionException)$/;
const SESSION_GONE = /Session '[^']+' does not exist/;

function causesOf(err: FlinkError): Cause[] {
  const text = [err.message, err.details ?? ''].join('\n');
  return text.split('\n')
    .map((line) => CAUSE_LINE.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ className: match[1]!, message: match[2]!.trim() }));
}

/** Whether the gateway no longer knows the session (it restarted, or the session expired). */
export function isSessionGone(err: unknown): boolean {
  return isFlinkError(err) && SESSION_GONE.test(`${err.message}\n${err.details ?? ''}`);
}

export interface StatementContext {
  statement: string;
  /** The job the statement started, once known. */
  jobId?: string;
  /** Where the statement starts in its script (1-based), to give Flink's line and column in the script's. */
  start?: { line: number; column: number };
}

function inScript(line: number, column: number, start = { line: 1, column: 1 }): { line: number; column: number } {
  return { line: line + start.line - 1, column: line === 1 ? column + start.column - 1 : column };
}

/**
 * The gateway's error about a statement as the error a caller can act on: FLINK_SQL_INVALID with the
 * line and column for SQL that does not parse or validate, FLINK_OPERATION_FAILED with the innermost
 * cause for one that failed to plan or run. Others (connection, timeouts, auth) pass unchanged.
 */
export function statementError(err: unknown, context: StatementContext): unknown {
  if (!isFlinkError(err) || err.code !== 'FLINK_SERVER') return isFlinkError(err) ? withFields(err, { statement: context.statement }) : err;
  const causes = causesOf(err);
  const invalid = causes.find((cause) => INVALID_SQL.test(cause.className));
  if (invalid) {
    const position = /line (\d+), column (\d+)/.exec(invalid.message);
    return withFields(err, {
      code: 'FLINK_SQL_INVALID', message: `Flink refused the SQL: ${invalid.message}`, statement: context.statement,
      ...(position ? inScript(Number(position[1]), Number(position[2]), context.start) : {}),
    });
  }
  const root = causes.filter((cause) => !WRAPPERS.test(cause.className)).at(-1) ?? causes.at(-1);
  const reason = root ? `${root.className.split('.').at(-1)}: ${root.message}` : err.message;
  return withFields(err, {
    code: 'FLINK_OPERATION_FAILED', message: `The SQL statement failed: ${reason}`, statement: context.statement,
    ...(root ? { failureClass: root.className } : {}), ...(context.jobId ? { jobId: context.jobId } : {}),
  });
}
