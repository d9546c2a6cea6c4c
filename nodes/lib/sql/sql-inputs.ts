import type { NodeMessage } from 'node-red';
import { invalidArgument } from '../errors';
import { booleanInput } from '../flow/message-input';
import { restorePathInput } from '../deploy/run-settings';
import { checkString, isGiven, malformed, settingSecondsToMs, settingString } from '../values';

/** The flink-sql node's settings besides the cluster, as the editor saves them. */
export interface SqlSettings {
  /** The statements to run when the message brings none in msg.sql. */
  sql?: string;
  /** Statements run once in every session the node opens (again after the gateway forgot one). */
  setup?: string;
  /** `pipeline.name` of the jobs the statements submit. */
  jobName?: string;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** Send a job statement's result once every vertex is RUNNING (default), or as soon as the gateway submitted it. */
  waitRunning?: boolean;
  /** A query's most rows (default 1000). */
  maxRows?: number | string;
  /** A query's most seconds (default 60). */
  queryTimeLimit?: number | string;
  /** Send each page of a query's rows as its own message, then a last one saying why it stopped. */
  streaming?: boolean;
}

export const DEFAULT_MAX_ROWS = 1000;
export const DEFAULT_QUERY_TIME_LIMIT_S = 60;
const MAX_ROWS_LIMIT = 1_000_000;

export interface SqlInputs {
  sql: string;
  params?: Record<string, unknown>;
  jobName?: string;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  waitRunning: boolean;
  maxRows: number;
  queryTimeLimitMs: number;
  streaming: boolean;
}

function checkMaxRows(property: string, value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > MAX_ROWS_LIMIT) {
    throw malformed(property, `a whole number from 1 to ${MAX_ROWS_LIMIT}`, value);
  }
  return number;
}

/** msg.params: an object of parameter names to values, each sent as a SQL literal. */
function paramsInput(msg: NodeMessage): Record<string, unknown> | undefined {
  if (!isGiven(msg.params)) return undefined;
  const params = msg.params;
  if (typeof params !== 'object' || Array.isArray(params) || Buffer.isBuffer(params) || params instanceof Date) {
    throw malformed('msg.params', 'an object of parameter names to values', params);
  }
  return params as Record<string, unknown>;
}

/**
 * What one message asks of a flink-sql node: its statements (msg.sql, else the node's SQL), their parameters, the
 * job name and restore, and a query's limits. Malformed input is FLINK_INVALID_ARGUMENT naming it, before anything
 * reaches the gateway.
 */
export function sqlInputs(settings: SqlSettings, msg: NodeMessage): SqlInputs {
  const sql = isGiven(msg.sql) ? checkString('msg.sql', msg.sql) : settingString(settings.sql);
  if (!sql) throw invalidArgument('No SQL to run: send it in msg.sql or write it in the node\'s SQL');
  const params = paramsInput(msg);
  const jobName = isGiven(msg.jobName) ? checkString('msg.jobName', msg.jobName) : settingString(settings.jobName);
  const savepointPath = restorePathInput(settings, msg);
  if (isGiven(msg.allowNonRestoredState) && !savepointPath) {
    throw invalidArgument('msg.allowNonRestoredState applies only to a run from a savepoint, and the message gives none (msg.savepointPath, or a savepoint or stop node\'s result in msg.payload) nor does the node');
  }
  const allowNonRestoredState = booleanInput(msg, 'allowNonRestoredState', settings.allowNonRestoredState === true);
  const maxRows = isGiven(msg.maxRows) ? checkMaxRows('msg.maxRows', msg.maxRows)
    : settingString(String(settings.maxRows ?? '')) === undefined ? DEFAULT_MAX_ROWS : checkMaxRows('The node\'s row limit', settings.maxRows);
  return {
    sql,
    ...(params ? { params } : {}),
    ...(jobName ? { jobName } : {}),
    ...(savepointPath ? { savepointPath, allowNonRestoredState } : {}),
    waitRunning: booleanInput(msg, 'waitRunning', settings.waitRunning !== false),
    maxRows,
    queryTimeLimitMs: settingSecondsToMs('The node\'s query time limit', settings.queryTimeLimit) ?? DEFAULT_QUERY_TIME_LIMIT_S * 1000,
    streaming: settings.streaming === true,
  };
}
