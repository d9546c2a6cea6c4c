import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkError, invalidArgument, isFlinkError, withFields } from '../errors';
import { checkJobId, newJobId } from '../ids';
import { mayHaveActed, type AttemptFailure } from '../retry';
import type { CallOptions } from '../types';
import type { SqlGatewayApi } from './gateway-api';
import { gatewayEndpoints, type ExecuteStatementBody } from './gateway-endpoints';
import { isSessionGone, statementError, type StatementContext } from './gateway-errors';
import type { FetchResultsAnswer } from './gateway-schemas';
import { columnOf, decodeRow, type SqlColumn, type SqlRow } from './rows';
import { bindParameters, splitStatements } from './sql-text';
import type { SqlQuery, SqlSessionOptions, StatementOptions, StatementResult } from './sql-types';

/** Fixes the id of the job a statement submits, so a lost answer can be looked up in Flink (and Flink refuses a second job with it). */
const FIXED_JOB_ID = '$internal.pipeline.job-id';
const NOT_READY_MAX_DELAY_MS = 500;
/**
 * The wait after a page without rows, doubled while pages stay empty: a query whose rows trickle in costs a few
 * requests a second, and one whose rows pour in waits at most a few milliseconds more than the rows did.
 */
const EMPTY_PAGE_MIN_DELAY_MS = 10;
const EMPTY_PAGE_MAX_DELAY_MS = 160;

/** How a session's host configures it: the API, its intervals, and the restore keys its Flink version spells. */
export interface SessionHost {
  api: SqlGatewayApi;
  heartbeatIntervalMs: number;
  statementTimeoutMs: number;
  /** `execution.state-recovery.*` (Flink 1.20+) or `execution.savepoint.*`. */
  restoreKeys(options: CallOptions): Promise<{ path: string; ignoreUnclaimed: string }>;
}

interface Operation { session: string; operation: string }

/**
 * A session on the SQL Gateway, opened on first use. When the gateway has forgotten it, the next statement opens a
 * new one and runs the setup statements again first; a statement is never sent twice once it may have arrived.
 */
export class SqlSession {
  private opening?: Promise<string>;
  /** The handle of the open session, once open. */
  private current?: string;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly host: SessionHost, private readonly options: SqlSessionOptions = {}) {}

  /** Runs one statement and returns its result once the gateway has one (a query's rows follow through `pages`). */
  async execute(statement: string, options: StatementOptions = {}): Promise<StatementResult> {
    if (typeof statement !== 'string' || statement.trim() === '') throw invalidArgument('A SQL statement is required');
    const text = options.params ? bindParameters(statement, options.params) : statement;
    return this.run({ statement: text }, options);
  }

  /**
   * Runs a script's statements in order, yielding each result; the first failure ends it, naming the statement
   * and placing Flink's line and column in the script. A query's rows are read (or the query closed) before the next.
   */
  async *executeScript(script: string, options: StatementOptions = {}): AsyncGenerator<StatementResult> {
    // Bound before anything runs: a parameter missing from statement 3 stops the script before statement 1.
    const statements = splitStatements(options.params ? bindParameters(script, options.params) : script);
    if (statements.length === 0) throw invalidArgument('The SQL script has no statement');
    for (const [index, { text: statement, line, column }] of statements.entries()) {
      try {
        yield await this.run({ statement, start: { line, column } }, options);
      } catch (err) {
        if (!isFlinkError(err) || statements.length === 1) throw err;
        throw withFields(err, { message: `Statement ${index + 1} of ${statements.length} (line ${line}): ${err.message}` });
      }
    }
  }

  /** Stops the heartbeat and closes the session on the gateway (its INSERT jobs keep running). */
  async close(options: CallOptions = {}): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    const opening = this.opening;
    this.opening = undefined;
    this.current = undefined;
    const session = await opening?.catch(() => undefined);
    if (session) await this.host.api.call(gatewayEndpoints.closeSession, { params: { session_handle: session } }, options).catch(() => undefined);
  }

  private async run(context: StatementContext, options: StatementOptions): Promise<StatementResult> {
    const jobId = options.jobId === undefined ? newJobId() : checkJobId(options.jobId);
    const executionConfig = { ...await this.configOf(options), [FIXED_JOB_ID]: jobId };
    const submitted = await this.submit(context, executionConfig, jobId, options);
    return this.firstResult(submitted, { ...context, jobId }, options);
  }

  private async configOf(options: StatementOptions): Promise<Record<string, string>> {
    const config: Record<string, string> = { ...options.executionConfig };
    if (options.jobName !== undefined) config['pipeline.name'] = options.jobName;
    if (options.savepointPath !== undefined) {
      const keys = await this.host.restoreKeys(options);
      config[keys.path] = options.savepointPath;
      if (options.allowNonRestoredState !== undefined) config[keys.ignoreUnclaimed] = String(options.allowNonRestoredState);
    }
    return config;
  }

  /** Sends the statement once; a session the gateway no longer knows is opened again (and set up) first. */
  private async submit(context: StatementContext, executionConfig: Record<string, string>, jobId: string, options: CallOptions): Promise<Operation> {
    for (let reopened = false; ; reopened = true) {
      const session = await this.session(options);
      let lastFailure: AttemptFailure | undefined;
      try {
        return await this.send(session, { statement: context.statement, executionConfig }, options, (failure) => { lastFailure = failure; });
      } catch (err) {
        if (!reopened && isSessionGone(err)) { this.forget(session); continue; }
        if (lastFailure && answerLost(lastFailure)) throw outcomeUnknown(err, context.statement, jobId);
        throw statementError(err, context);
      }
    }
  }

  private async firstResult(submitted: Operation, context: StatementContext & { jobId: string }, options: CallOptions): Promise<StatementResult> {
    const deadline = AbortSignal.timeout(this.host.statementTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let page: FetchResultsAnswer;
    try {
      page = await this.fetchReady(submitted, 0, { ...options, signal });
    } catch (err) {
      if (deadline.aborted && !options.signal?.aborted) {
        await this.closeOperation(submitted);
        throw new FlinkError({
          code: 'FLINK_TIMEOUT', statement: context.statement, jobId: context.jobId,
          message: `The SQL Gateway gave no result for the statement within ${this.host.statementTimeoutMs} ms; it was cancelled (job id ${context.jobId}, if it started one)`,
        });
      }
      throw statementError(err, { ...context, jobId: undefined });
    }
    // A query, or a statement that answers with rows of its own (SHOW, DESCRIBE, EXPLAIN): rows to read.
    const hasRows = (page.isQueryResult ?? page.queryResult ?? false) || (page.resultKind === 'SUCCESS_WITH_CONTENT' && !page.jobID);
    if (hasRows) return this.query(submitted, context.statement, page);
    await this.closeOperation(submitted);
    return page.jobID ? { kind: 'job', statement: context.statement, jobId: page.jobID } : { kind: 'success', statement: context.statement };
  }

  /** The page at `token` once the gateway has it (NOT_READY is asked again, 50 ms, 100 ms, ... up to 500 ms later). */
  private async fetchReady({ session, operation }: Operation, token: number, options: CallOptions): Promise<FetchResultsAnswer> {
    for (let delay = 50; ; delay = Math.min(delay * 2, NOT_READY_MAX_DELAY_MS)) {
      const page = await this.host.api.call(gatewayEndpoints.fetchResults, {
        params: { session_handle: session, operation_handle: operation, token: String(token) }, query: { rowFormat: 'JSON' },
      }, options);
      if (page.resultType !== 'NOT_READY') return page;
      await sleep(delay, undefined, { signal: options.signal });
    }
  }

  private query(submitted: Operation, statement: string, first: FetchResultsAnswer): SqlQuery {
    const columns: SqlColumn[] = (first.results?.columns ?? []).map(columnOf);
    const jobId = first.jobID;
    let closed = false;
    const close = async (options: CallOptions = {}): Promise<void> => {
      if (closed) return;
      closed = true;
      await this.closeOperation(submitted, options);
    };
    const fetchReady = (token: number, options: CallOptions): Promise<FetchResultsAnswer> => this.fetchReady(submitted, token, options);
    return {
      kind: 'query', statement, columns, ...(jobId ? { jobId } : {}), close,
      async *pages(options: CallOptions = {}): AsyncGenerator<SqlRow[]> {
        let page = first;
        // The gateway answers at once with what it has, often nothing yet: asking again at once would spin.
        let emptyDelay = EMPTY_PAGE_MIN_DELAY_MS;
        for (;;) {
          const rows = (page.results?.data ?? []).map((row) => decodeRow(row, columns));
          if (rows.length > 0) yield rows;
          const token = nextToken(page);
          if (page.resultType === 'EOS' || token === undefined || closed) return;
          if (rows.length > 0) {
            emptyDelay = EMPTY_PAGE_MIN_DELAY_MS;
          } else {
            await sleep(emptyDelay, undefined, { signal: options.signal });
            emptyDelay = Math.min(emptyDelay * 2, EMPTY_PAGE_MAX_DELAY_MS);
          }
          try {
            page = await fetchReady(token, options);
          } catch (err) {
            throw statementError(err, { statement, ...(jobId ? { jobId } : {}) });
          }
        }
      },
    };
  }

  private async closeOperation({ session, operation }: Operation, options: CallOptions = {}): Promise<void> {
    await this.host.api.call(gatewayEndpoints.closeOperation, { params: { session_handle: session, operation_handle: operation } }, options)
      .catch(() => undefined); // a forgotten operation is closed already
  }

  private session(options: CallOptions): Promise<string> {
    if (this.closed) throw new FlinkError({ code: 'FLINK_ABORTED', message: 'This SQL session is closed' });
    if (!this.opening) {
      const opening = this.open(options);
      opening.catch(() => { if (this.opening === opening) this.opening = undefined; });
      this.opening = opening;
    }
    return this.opening;
  }

  private async open(options: CallOptions): Promise<string> {
    const { sessionHandle } = await this.host.api.call(gatewayEndpoints.openSession, {
      body: { properties: this.options.properties ?? {}, ...(this.options.name ? { sessionName: this.options.name } : {}) },
    }, options);
    const setup = splitStatements(this.options.setup ?? '');
    for (const [index, { text, line, column }] of setup.entries()) {
      try {
        const submitted = await this.send(sessionHandle, { statement: text }, options);
        const result = await this.firstResult(submitted, { statement: text, start: { line, column }, jobId: newJobId() }, options);
        if (result.kind === 'query') await result.close(options);
      } catch (err) {
        await this.host.api.call(gatewayEndpoints.closeSession, { params: { session_handle: sessionHandle } }, options).catch(() => undefined);
        throw isFlinkError(err) ? withFields(err, { message: `Session setup statement ${index + 1} (line ${line}) failed: ${err.message}` }) : err;
      }
    }
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => { void this.beat(sessionHandle); }, this.host.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.current = sessionHandle;
    return sessionHandle;
  }

  /** One statement request to a session (sent once: see the endpoint's retry policy). */
  private async send(session: string, body: ExecuteStatementBody, options: CallOptions,
    onFailedAttempt?: (failure: AttemptFailure) => void): Promise<Operation> {
    const { operationHandle } = await this.host.api.call(gatewayEndpoints.executeStatement, {
      params: { session_handle: session }, body, ...(onFailedAttempt ? { onFailedAttempt } : {}),
    }, options);
    return { session, operation: operationHandle };
  }

  private async beat(session: string): Promise<void> {
    try {
      await this.host.api.call(gatewayEndpoints.heartbeat, { params: { session_handle: session } });
    } catch (err) {
      if (isSessionGone(err)) this.forget(session);
    }
  }

  /** Drops a session the gateway no longer knows; the next statement opens a new one. */
  private forget(session: string): void {
    if (this.current !== session) return;
    this.current = undefined;
    this.opening = undefined;
    clearInterval(this.heartbeat);
  }
}

/** The token of the next page, from the gateway's `nextResultUri` (`.../result/<token>?rowFormat=JSON`). */
function nextToken(page: FetchResultsAnswer): number | undefined {
  const match = /\/result\/(\d+)/.exec(page.nextResultUri ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Whether the statement may have reached the gateway although no answer says what became of it. */
function answerLost(failure: AttemptFailure): boolean {
  if (failure.stage === 'answered') return !failure.flinkJson && failure.status >= 502 && failure.status <= 504;
  return mayHaveActed(failure);
}

function outcomeUnknown(err: unknown, statement: string, jobId: string): FlinkError {
  const reason = isFlinkError(err) ? err.message : String(err);
  return new FlinkError({
    code: 'FLINK_OUTCOME_UNKNOWN', statement, jobId, cause: err,
    message: `The SQL Gateway may have received the statement, but its answer was lost (${reason}); it was not sent again. A job it started has id ${jobId}: look for it before running the statement again`,
  });
}
