import { rootCertificates } from 'node:tls';
import { Agent, interceptors, type Dispatcher, type FormData } from 'undici';
import { z } from 'zod';
import { FlinkError, invalidArgument } from './errors';
import { httpError, transportError, type RequestContext } from './http-errors';

export type FlinkAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export interface FlinkTlsOptions {
  /** Extra trusted CA certificate(s), PEM; added to Node's default roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Verify the server's certificate (default true). */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface RetryOptions {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export interface TransportOptions {
  /** `http(s)://host:port[/base-path]` of Flink's REST API. */
  url: string;
  auth?: FlinkAuth;
  headers?: Record<string, string>;
  tls?: FlinkTlsOptions;
  /**
   * Time limit of one request (default 30 s): for Flink's answer to each attempt, and, when the call
   * passes a signal, for all attempts together.
   */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Largest response body accepted (default 32 MiB). */
  maxResponseBytes?: number;
  /** Most connections kept to the cluster (default 8). */
  connections?: number;
  /** Use this dispatcher instead of the client's own pool (tests, proxies). The client does not close it. */
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * How a request may be retried:
 * - `idempotent`: on connection failures and 502/503/504 (reads, cancel, triggers carrying a triggerId);
 * - `unsent`: only where the failure proves Flink never got it (refused, DNS, connect timeout, 503);
 */
export type RetryPolicy = 'idempotent' | 'unsent';

export interface FlinkRequest<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  schema: S;
  retry: RetryPolicy;
  jobId?: string;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, initialDelayMs: 200, maxDelayMs: 5000, multiplier: 2 };
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const RETRY_STATUS = [502, 503, 504];
const UNSENT_ERROR_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'];
const IDEMPOTENT_ERROR_CODES = [...UNSENT_ERROR_CODES, 'ECONNRESET', 'EPIPE', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_SOCKET'];

function parseBaseUrl(raw: string): { origin: string; basePath: string; userinfo?: FlinkAuth } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidArgument(`"${String(raw).replace(/\/\/[^@/]*@/, '//***@')}" is not a URL: expected http(s)://host:port[/base-path]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`Flink's REST URL must start with http:// or https://, not ${url.protocol}//`);
  }
  const userinfo: FlinkAuth | undefined = url.username
    ? { type: 'basic', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), ...(userinfo ? { userinfo } : {}) };
}

function authorization(auth: FlinkAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.type === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  throw invalidArgument(`auth.type must be "basic" or "bearer"`);
}

function tlsConnectOptions(tls: FlinkTlsOptions | undefined): Agent.Options['connect'] {
  if (!tls) return undefined;
  const extraCa = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  return {
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

/** One HTTP connection pool to one Flink cluster: auth, TLS, retries, limits, and error mapping. */
export class FlinkTransport {
  readonly origin: string;
  readonly basePath: string;
  readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownAgent?: Agent;
  private readonly headers: Record<string, string>;
  private readonly retry: RetryOptions;
  private readonly closing = new AbortController();

  constructor(options: TransportOptions) {
    const { origin, basePath, userinfo } = parseBaseUrl(options.url);
    this.origin = origin;
    this.basePath = basePath;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const auth = authorization(options.auth ?? userinfo);
    this.headers = {
      accept: 'application/json',
      ...options.headers,
      ...(auth ? { authorization: auth } : {}),
    };
    const maxResponseSize = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let base = options.dispatcher;
    if (!base) {
      this.ownAgent = new Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 4_000,
        connectTimeout: Math.min(10_000, this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        maxResponseSize,
        connect: tlsConnectOptions(options.tls),
      });
      base = this.ownAgent;
    }
    this.dispatcher = base.compose(interceptors.retry({
      maxRetries: this.retry.maxRetries,
      minTimeout: this.retry.initialDelayMs,
      maxTimeout: this.retry.maxDelayMs,
      timeoutFactor: this.retry.multiplier,
      statusCodes: RETRY_STATUS,
      errorCodes: IDEMPOTENT_ERROR_CODES,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      // Hand back the last answer (with its body) when retries run out, so its message is not lost.
      throwOnError: false,
    }));
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Aborted when the transport is closed, so long operations above it can end too. */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  /** Sends one request and returns its validated JSON answer. */
  async send<S extends z.ZodType>(request: FlinkRequest<S>, options: CallOptions = {}): Promise<z.output<S>> {
    const path = `${this.basePath}${request.path}`;
    const ctx: RequestContext = { method: request.method, path: request.path, origin: this.origin, ...(request.jobId ? { jobId: request.jobId } : {}) };
    if (this.closed) {
      throw new FlinkError({ code: 'FLINK_CONNECTION', message: `This Flink client for ${this.origin} is closed`, method: ctx.method, path: ctx.path });
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // Linking signals costs as much as the rest of the client on a fast call, so a call without a signal
    // relies on undici's own per-attempt timeouts, and close() destroys the pool to end it.
    const abort = options.signal ? linkedAbort(timeoutMs, this.closing.signal, options.signal) : undefined;
    const query = request.query ? `?${new URLSearchParams(request.query)}` : '';
    let headers = this.headers;
    let body: string | FormData | undefined;
    if (request.json !== undefined) {
      headers = { ...headers, 'content-type': 'application/json' };
      body = JSON.stringify(request.json);
    } else if (request.form) {
      body = request.form;
    }
    const retryOptions = request.retry === 'unsent'
      ? { errorCodes: UNSENT_ERROR_CODES, statusCodes: [503] }
      : {};
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await this.dispatcher.request({
        origin: this.origin, method: request.method, path: `${path}${query}`, headers, body,
        headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(abort ? { signal: abort.signal } : {}),
        // Per-request retry options are honoured by undici's retry interceptor, but not in its types.
        ...({ retryOptions } as object),
      } as Dispatcher.RequestOptions);
      text = await response.body.text();
    } catch (err) {
      if (options.signal?.aborted) {
        throw new FlinkError({ code: 'FLINK_ABORTED', message: `${ctx.method} ${ctx.path} was aborted`, method: ctx.method, path: ctx.path, cause: options.signal.reason });
      }
      if (this.closing.signal.aborted) {
        throw new FlinkError({ code: 'FLINK_ABORTED', message: `${ctx.method} ${ctx.path} was aborted: the client was closed`, method: ctx.method, path: ctx.path });
      }
      if (abort?.timedOut) {
        throw new FlinkError({ code: 'FLINK_TIMEOUT', message: `Flink at ${this.origin} did not answer ${ctx.method} ${ctx.path} within ${timeoutMs} ms`, method: ctx.method, path: ctx.path });
      }
      throw transportError(err, ctx);
    } finally {
      abort?.release();
    }
    const contentType = headerValue(response.headers['content-type']);
    if (response.statusCode >= 300) throw httpError(response.statusCode, text, contentType, ctx);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw httpError(response.statusCode, text, contentType, ctx);
    }
    const flinkErrors = (json as { errors?: unknown })?.errors;
    if (Array.isArray(flinkErrors) && Object.keys(json as object).length === 1) {
      throw httpError(response.statusCode, text, contentType, ctx);
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      throw new FlinkError({
        code: 'FLINK_INVALID_RESPONSE', method: ctx.method, path: ctx.path, status: response.statusCode,
        message: `Flink's answer to ${ctx.method} ${ctx.path} does not have the expected shape: ${summarizeIssues(parsed.error)}`,
        details: text.slice(0, 2000),
      });
    }
    return parsed.data;
  }

  /** Aborts what is in flight and releases the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    await this.ownAgent?.destroy();
  }
}

/**
 * One signal for one request: aborted by its deadline, by the client closing, or by the caller.
 * A plain timer and listeners cost less than AbortSignal.timeout + AbortSignal.any on this hot path.
 */
function linkedAbort(timeoutMs: number, ...sources: Array<AbortSignal | undefined>): { signal: AbortSignal; readonly timedOut: boolean; release(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  const onAbort = (): void => controller.abort();
  const linked = sources.filter((source): source is AbortSignal => source !== undefined);
  for (const source of linked) {
    if (source.aborted) controller.abort();
    else source.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    get timedOut() { return timedOut; },
    release() {
      clearTimeout(timer);
      for (const source of linked) source.removeEventListener('abort', onAbort);
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function summarizeIssues(error: z.ZodError): string {
  return z.prettifyError(error).replace(/\s*\n\s*/g, ' ');
}
