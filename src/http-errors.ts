import { FlinkError, type FlinkErrorCode } from './errors';
import { errorBody } from './schemas';

export interface RequestContext {
  method: string;
  path: string;
  /** Set for job-scoped requests: a missing job then reads FLINK_JOB_NOT_FOUND whatever the status. */
  jobId?: string;
  /**
   * Set for the status request of a savepoint, checkpoint or disposal: a 404 from Flink (not its router's
   * "Not found: /...") then means Flink no longer knows that trigger: FLINK_OUTCOME_UNKNOWN.
   */
  triggerId?: string;
  /** Set for application-scoped requests (Flink 2.3+): a missing application then reads FLINK_APPLICATION_NOT_FOUND. */
  applicationId?: string;
  /** Where the client points, for connection messages (never with credentials). */
  origin: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN',
  'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;
const JOB_NOT_FOUND = /FlinkJobNotFoundException|Could not find Flink job|Job [0-9a-f]{32} not found/;
/** Flink 2.3's answers for an application it does not have: 500 from a read, 404 from a cancel. */
const APPLICATION_NOT_FOUND = /FlinkApplicationNotFoundException|Application could not be found/;

/** A failure below HTTP (socket, DNS, TLS, undici timeouts) as a FlinkError. */
export function transportError(err: unknown, ctx: RequestContext): FlinkError {
  const code = (err as { code?: string }).code ?? '';
  const reason = (err as Error).message ?? String(err);
  const base = { method: ctx.method, path: ctx.path, cause: err };
  if (TIMEOUT_CODES.has(code)) {
    return new FlinkError({ ...base, code: 'FLINK_TIMEOUT', message: `Flink at ${ctx.origin} did not answer ${ctx.method} ${ctx.path} in time (${reason})` });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new FlinkError({ ...base, code: 'FLINK_INVALID_RESPONSE', message: `Flink's answer to ${ctx.method} ${ctx.path} is larger than the client's response size limit` });
  }
  if (TLS_CODE.test(code)) {
    return new FlinkError({ ...base, code: 'FLINK_CONNECTION', message: `TLS connection to Flink at ${ctx.origin} failed: ${reason}` });
  }
  if (CONNECTION_CODES.has(code) || code.startsWith('E')) {
    return new FlinkError({ ...base, code: 'FLINK_CONNECTION', message: `Cannot reach Flink at ${ctx.origin}: ${reason}` });
  }
  return new FlinkError({ ...base, code: 'FLINK_CONNECTION', message: `Request ${ctx.method} ${ctx.path} to Flink at ${ctx.origin} failed: ${reason}` });
}

/** Flink's message split into its first line (the message) and the rest (details, often a stack trace). */
export function splitFlinkMessage(errors: string[]): { message: string; details?: string } {
  const meaningful = errors.filter((line) => line.trim() !== '' && line.trim() !== 'Internal server error.');
  const text = (meaningful.length > 0 ? meaningful : errors).join('\n')
    .replace(/^<Exception on server side:\s*/, '')
    .replace(/\s*End of exception on server side>\s*$/, '');
  const [first = 'Flink reported an error without a message', ...rest] = text.split('\n');
  const details = rest.join('\n').trim();
  // "org.apache.flink...SomeException: what happened" reads better as "what happened".
  const message = first.replace(/^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): /, '').trim() || first;
  return details ? { message, details } : { message };
}

function codeForStatus(status: number, text: string, ctx: RequestContext): FlinkErrorCode {
  if (ctx.jobId && JOB_NOT_FOUND.test(text)) return 'FLINK_JOB_NOT_FOUND';
  if (ctx.applicationId && APPLICATION_NOT_FOUND.test(text)) return 'FLINK_APPLICATION_NOT_FOUND';
  if (status < 400) return 'FLINK_SERVER'; // a 2xx or 3xx carrying only Flink's `errors`
  if (status === 401 || status === 403) return 'FLINK_AUTH';
  if (status === 404) {
    if (/Not found: \//.test(text)) return 'FLINK_UNSUPPORTED';
    if (ctx.triggerId) return 'FLINK_OUTCOME_UNKNOWN';
    return ctx.jobId ? 'FLINK_JOB_NOT_FOUND' : 'FLINK_UNSUPPORTED';
  }
  if (status === 408) return 'FLINK_TIMEOUT';
  if (status === 409) return 'FLINK_CONFLICT';
  if (status >= 500) return 'FLINK_SERVER';
  return 'FLINK_BAD_REQUEST';
}

/** Whether a body is Flink's own error JSON, `{"errors": [...]}`, rather than a proxy's page. */
export function isFlinkErrorBody(bodyText: string): boolean {
  try {
    return errorBody.safeParse(JSON.parse(bodyText)).success;
  } catch {
    return false;
  }
}

function pageTitle(text: string): string | undefined {
  return /<title>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
}

/**
 * An error answer, a 2xx whose only content is `errors` (Flink's own client reads that as an error too),
 * or a 2xx that is not JSON at all.
 */
export function httpError(status: number, bodyText: string, contentType: string | undefined, ctx: RequestContext): FlinkError {
  let parsed: unknown;
  try { parsed = JSON.parse(bodyText); } catch { parsed = undefined; }
  const flinkErrors = errorBody.safeParse(parsed);
  const base = { method: ctx.method, path: ctx.path, status };
  if (flinkErrors.success) {
    const { message, details } = splitFlinkMessage(flinkErrors.data.errors);
    const code = codeForStatus(status, flinkErrors.data.errors.join('\n'), ctx);
    const shown = code === 'FLINK_JOB_NOT_FOUND' ? `Flink has no job ${ctx.jobId}`
      : code === 'FLINK_APPLICATION_NOT_FOUND' ? `Flink has no application ${ctx.applicationId}`
      : code === 'FLINK_OUTCOME_UNKNOWN' ? `Flink does not know trigger ${ctx.triggerId}: ${message}` : message;
    const unsupported = code === 'FLINK_UNSUPPORTED'
      ? `Flink has no endpoint ${ctx.method} ${ctx.path} (a wrong base path in the URL, or a Flink version without it)` : shown;
    return new FlinkError({
      ...base, code, message: unsupported, ...(details === undefined ? {} : { details }),
      ...(ctx.applicationId ? { applicationId: ctx.applicationId } : {}),
    });
  }
  // Not Flink's error format: a proxy, a load balancer or something else answered.
  const code = status < 400 ? 'FLINK_INVALID_RESPONSE' : codeForStatus(status, '', { ...ctx, jobId: undefined });
  const what = contentType?.split(';')[0] || 'no content type';
  const title = pageTitle(bodyText);
  const summary = title ? `a ${what} page "${title}"` : `${what} "${bodyText.slice(0, 120).trim()}"`;
  const prefix = code === 'FLINK_AUTH'
    ? `Not authorized: ${ctx.method} ${ctx.path} answered ${status}`
    : `${ctx.method} ${ctx.path} answered ${status}`;
  return new FlinkError({
    ...base,
    code: code === 'FLINK_UNSUPPORTED' ? 'FLINK_BAD_REQUEST' : code,
    message: `${prefix} with ${summary}, not Flink's JSON (is the URL pointing at Flink's REST API?)`,
    details: bodyText.slice(0, 2000),
  });
}
