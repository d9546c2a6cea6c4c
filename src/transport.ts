import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher, type FormData } from 'undici';
import { z } from 'zod';
import { InFlight, onAbort } from './aborts';
import { FlinkError } from './errors';
import { connectionSettings } from './connection-options';
import type { HttpMethod } from './endpoints';
import { httpError, isFlinkErrorBody, transportError, type RequestContext } from './http-errors';
import { ATTEMPT_TIMEOUT, DEFAULT_RETRY, mayHaveActed, mayRetry, retryDelay, type AttemptFailure, type RetryPolicy } from './retry';
import type { CallOptions, ConnectionOptions, RetryOptions } from './types';

export interface FlinkRequest<S extends z.ZodType> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  schema: S;
  retry: RetryPolicy;
  jobId?: string;
  /** For the status request of a savepoint, checkpoint or disposal: the trigger it asks about. */
  triggerId?: string;
  /** For an application's request (Flink 2.3+): the application it is about. */
  applicationId?: string;
  /**
   * For a retried request that Flink refuses because an earlier attempt already took effect (a job id
   * already submitted): the answer that earlier attempt would have given, or undefined to report the error.
   */
  resolveReplay?: (error: FlinkError) => z.output<S> | undefined;
  /** Told of every failed attempt, e.g. to know whether any of them may have reached Flink. */
  onFailedAttempt?: (failure: AttemptFailure) => void;
  /** Reads a successful answer's JSON text instead of `JSON.parse`. */
  parseJson?: (text: string) => unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** One complete answer: its status, content type and body. */
interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

type AttemptResult = { answer: Answer } | { failure: AttemptFailure; error: FlinkError };

/** One HTTP connection pool to one Flink cluster: auth, TLS, retries, limits, and error mapping. */
export class FlinkTransport {
  readonly origin: string;
  readonly basePath: string;
  readonly timeoutMs: number;
  /** Requests, pauses and operations in flight: close() aborts them. */
  readonly inFlight = new InFlight();
  private readonly dispatcher: Dispatcher;
  private readonly ownAgent?: Agent;
  private readonly headers: Record<string, string>;
  private readonly retry: RetryOptions;
  private isClosed = false;

  constructor(options: ConnectionOptions) {
    const { origin, basePath, headers, connect } = connectionSettings(options);
    this.origin = origin;
    this.basePath = basePath;
    this.headers = headers;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const maxResponseSize = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
    } else {
      this.ownAgent = new Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 4_000,
        connectTimeout: Math.min(10_000, this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        maxResponseSize,
        connect,
      });
      this.dispatcher = this.ownAgent;
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends one request and returns its validated JSON answer. Each attempt has one deadline for its
   * headers and body together; failed attempts are retried as `mayRetry` allows, with exponential backoff.
   */
  async send<S extends z.ZodType>(request: FlinkRequest<S>, options: CallOptions = {}): Promise<z.output<S>> {
    const ctx: RequestContext = {
      method: request.method, path: request.path, origin: this.origin,
      ...(request.jobId ? { jobId: request.jobId } : {}), ...(request.triggerId ? { triggerId: request.triggerId } : {}),
      ...(request.applicationId ? { applicationId: request.applicationId } : {}),
    };
    if (this.closed) {
      throw new FlinkError({ code: 'FLINK_CONNECTION', message: `This Flink client for ${this.origin} is closed`, method: ctx.method, path: ctx.path });
    }
    let earlierMayHaveActed = false;
    for (let retry = 0; ; retry += 1) {
      if (retry > 0) await this.pause(retryDelay(this.retry, retry), options.signal, ctx);
      const result = await this.attempt(request, options, ctx);
      if ('answer' in result) return this.validated(request, result.answer, ctx);
      request.onFailedAttempt?.(result.failure);
      if (retry < this.retry.maxRetries && mayRetry(result.failure, request.method, request.retry)) {
        earlierMayHaveActed ||= mayHaveActed(result.failure);
        continue;
      }
      const replayed = earlierMayHaveActed ? request.resolveReplay?.(result.error) : undefined;
      if (replayed !== undefined) return replayed;
      throw result.error;
    }
  }

  /**
   * Waits for a result that several calls share (the version probe) under this call's own signal and
   * timeout: one caller giving up ends its own wait, not the shared request.
   */
  async awaitShared<T>(shared: Promise<T>, what: { method: string; path: string }, options: CallOptions): Promise<T> {
    if (!options.signal && options.timeoutMs === undefined) return shared;
    const tracked = this.inFlight.start(options.signal, options.timeoutMs);
    const ctx: RequestContext = { ...what, origin: this.origin };
    let stopListening: (() => void) | undefined;
    const ended = new Promise<never>((_, reject) => {
      const end = (): void => reject(tracked.timedOut
        ? this.deadlinePassed(ctx, options.timeoutMs)
        : this.aborted(ctx, options.signal));
      if (tracked.signal.aborted) end();
      else stopListening = onAbort(tracked.signal, end);
    });
    try {
      return await Promise.race([shared, ended]);
    } finally {
      stopListening?.();
      tracked.release();
    }
  }

  /** Aborts what is in flight and releases the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.isClosed = true;
    this.inFlight.abortAll();
    await this.ownAgent?.destroy();
  }

  /** One attempt: an answer with an error status is a failure too, to be retried or reported. */
  private async attempt<S extends z.ZodType>(request: FlinkRequest<S>, options: CallOptions, ctx: RequestContext): Promise<AttemptResult> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const query = request.query ? `?${new URLSearchParams(request.query)}` : '';
    let headers = this.headers;
    let body: string | FormData | undefined;
    if (request.json !== undefined) {
      headers = { ...headers, 'content-type': 'application/json' };
      body = JSON.stringify(request.json);
    } else if (request.form) {
      body = request.form;
    }
    const tracked = this.inFlight.start(options.signal, timeoutMs);
    let stage: 'no-answer' | 'body-lost' = 'no-answer';
    try {
      const response = await this.dispatcher.request({
        origin: this.origin, method: request.method, path: `${this.basePath}${request.path}${query}`, headers, body,
        headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: tracked.signal,
      });
      stage = 'body-lost';
      const text = await response.body.text();
      const answer = { status: response.statusCode, contentType: headerValue(response.headers['content-type']), text };
      if (answer.status < 300) return { answer };
      return {
        failure: { stage: 'answered', status: answer.status, flinkJson: isFlinkErrorBody(text) },
        error: httpError(answer.status, text, answer.contentType, ctx),
      };
    } catch (err) {
      if (options.signal?.aborted || this.closed) throw this.aborted(ctx, options.signal);
      if (tracked.timedOut) {
        return {
          failure: { stage, code: ATTEMPT_TIMEOUT },
          error: this.deadlinePassed(ctx, timeoutMs),
        };
      }
      return { failure: { stage, code: (err as { code?: string }).code ?? '' }, error: transportError(err, ctx) };
    } finally {
      tracked.release();
    }
  }

  /** The wait before a retry, ended early by the caller's abort or the client closing. */
  private async pause(delayMs: number, signal: AbortSignal | undefined, ctx: RequestContext): Promise<void> {
    const tracked = this.inFlight.start(signal);
    try {
      await sleep(delayMs, undefined, { signal: tracked.signal });
    } catch {
      throw this.aborted(ctx, signal);
    } finally {
      tracked.release();
    }
  }

  private deadlinePassed(ctx: RequestContext, timeoutMs: number | undefined): FlinkError {
    return new FlinkError({ code: 'FLINK_TIMEOUT', message: `Flink at ${this.origin} did not answer ${ctx.method} ${ctx.path} within ${timeoutMs} ms`, method: ctx.method, path: ctx.path });
  }

  private aborted(ctx: RequestContext, signal: AbortSignal | undefined): FlinkError {
    if (signal?.aborted) {
      return new FlinkError({ code: 'FLINK_ABORTED', message: `${ctx.method} ${ctx.path} was aborted`, method: ctx.method, path: ctx.path, cause: signal.reason });
    }
    return new FlinkError({ code: 'FLINK_ABORTED', message: `${ctx.method} ${ctx.path} was aborted: the client was closed`, method: ctx.method, path: ctx.path });
  }

  private validated<S extends z.ZodType>(request: FlinkRequest<S>, answer: Answer, ctx: RequestContext): z.output<S> {
    let json: unknown;
    try {
      json = (request.parseJson ?? JSON.parse)(answer.text);
    } catch {
      throw httpError(answer.status, answer.text, answer.contentType, ctx);
    }
    const flinkErrors = (json as { errors?: unknown })?.errors;
    if (Array.isArray(flinkErrors) && Object.keys(json as object).length === 1) {
      throw httpError(answer.status, answer.text, answer.contentType, ctx);
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      throw new FlinkError({
        code: 'FLINK_INVALID_RESPONSE', method: ctx.method, path: ctx.path, status: answer.status,
        message: `Flink's answer to ${ctx.method} ${ctx.path} does not have the expected shape: ${summarizeIssues(parsed.error)}`,
        details: answer.text.slice(0, 2000),
      });
    }
    return parsed.data;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function summarizeIssues(error: z.ZodError): string {
  return z.prettifyError(error).replace(/\s*\n\s*/g, ' ');
}
