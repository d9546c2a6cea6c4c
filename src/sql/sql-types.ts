import type { CallOptions, ConnectionOptions } from '../types';
import type { SqlGatewayApiVersion } from './gateway-api';
import type { SqlColumn, SqlRow } from './rows';

export type { ChangeKind, SqlColumn, SqlRow } from './rows';
export type { SqlGatewayApiVersion } from './gateway-api';

export interface SqlGatewayClientOptions extends ConnectionOptions {
  /** How often an open session tells the gateway it is still in use (default 60 s; the gateway forgets idle sessions after 10 min). */
  heartbeatIntervalMs?: number;
  /** How long a statement may take to give its first result: a DDL's success, an INSERT's job id, a query's first rows (default 5 min). */
  statementTimeoutMs?: number;
}

export interface SqlGatewayInfo {
  productName: string;
  /** The Flink version the gateway runs. */
  version: string;
  /** The REST API version the client speaks with it. */
  apiVersion: SqlGatewayApiVersion;
}

export interface SqlSessionOptions {
  /** Session configuration, as `SET` would give it. */
  properties?: Record<string, string>;
  /**
   * Statements run once in every session this object opens (`CREATE CATALOG`, `CREATE TABLE`, `SET`): again in a
   * new one when the gateway has forgotten the first (it restarted, or the session expired).
   */
  setup?: string;
  name?: string;
}

export interface StatementOptions extends CallOptions {
  /** `pipeline.name`: the job's name, so job operations can find it by name. */
  jobName?: string;
  /** Start the statement's job from this savepoint or retained checkpoint (Flink fails the statement if it is missing). */
  savepointPath?: string;
  /** With `savepointPath`: start even if some of its state belongs to no operator of the new job. */
  allowNonRestoredState?: boolean;
  /**
   * The id of the job the statement submits (32 hex characters); by default a new one per statement. Flink refuses a
   * second job with the same id, so a script with this set submits at most one job.
   */
  jobId?: string;
  /** More configuration for this statement only. */
  executionConfig?: Record<string, string>;
  /** Values for the statement's `:name` placeholders, sent as SQL literals, never as SQL text. */
  params?: Record<string, unknown>;
}

/** A statement that started no job and returns no rows: DDL, `SET`, `USE`... */
export interface SqlSuccess {
  kind: 'success';
  statement: string;
}

/** An `INSERT` or `EXECUTE STATEMENT SET`: its job was submitted. */
export interface SqlJobSubmitted {
  kind: 'job';
  statement: string;
  jobId: string;
}

/** A query (or SHOW, DESCRIBE, EXPLAIN): its columns, and its rows page by page until the end of the result or `close()`. */
export interface SqlQuery {
  kind: 'query';
  statement: string;
  /** The job computing the rows, when the query needs one. */
  jobId?: string;
  columns: SqlColumn[];
  /** The rows, each page as the gateway sends it; ends at the end of the result (a bounded query's). */
  pages(options?: CallOptions): AsyncGenerator<SqlRow[]>;
  /** Ends the query; the gateway cancels its job. Safe to call twice. */
  close(options?: CallOptions): Promise<void>;
}

export type StatementResult = SqlSuccess | SqlJobSubmitted | SqlQuery;
