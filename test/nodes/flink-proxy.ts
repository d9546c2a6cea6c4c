import type http from 'node:http';
import type https from 'node:https';
import { answerWith, forward, startStubServer } from '../support/stub-server';

/**
 * An HTTP(S) proxy in front of the real Flink, for what Flink cannot do on demand: demand credentials or a
 * header, speak TLS, hold chosen requests unanswered (a savepoint that takes forever), and count the
 * connections clients keep open to it. Built on the tests' one stub server.
 */
export interface FlinkProxy {
  url: string;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  /** Requests held unanswered right now. */
  held(): number;
  /** Client connections open right now. */
  openConnections(): number;
  close(): Promise<void>;
}

/** One request the proxy saw, and Flink's answer once the proxy has passed it on. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The request's body, parsed when it is JSON. */
  body?: unknown;
  /** Flink's answer, set before the proxy sends it on (absent while the request is under way, held or refused). */
  answer?: { status: number; body: string };
  /** When the proxy had the whole request (Date.now()). */
  receivedAt: number;
  /** When the proxy had sent the whole answer on (Date.now()). */
  answeredAt?: number;
  /** When the client closed the connection before it had the whole answer: it gave up (its timeout) or was aborted. */
  abandonedAt?: number;
}

export interface ProxyOptions {
  /** Answer 401 (as a proxy would, in HTML) unless each of these headers has this value. */
  requireHeaders?: Record<string, string>;
  /** Hold (never answer) requests whose path matches. */
  hold?: RegExp;
  /** Pass the first request this picks on, then cut its connection instead of answering (an answer lost on the way back). */
  dropAnswerOnce?: (request: ProxiedRequest) => boolean;
  tls?: https.ServerOptions;
}

export async function startFlinkProxy(target: string, options: ProxyOptions = {}): Promise<FlinkProxy> {
  const stub = await startStubServer({ tls: options.tls });
  const heldResponses = new Set<http.ServerResponse>();
  const requests: FlinkProxy['requests'] = [];
  let dropped = false;
  stub.handle((request, res) => {
    const seen: ProxiedRequest = { method: request.method, path: request.url, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }), receivedAt: Date.now() };
    requests.push(seen);
    res.on('finish', () => { seen.answeredAt = Date.now(); });
    res.on('close', () => { if (!res.writableFinished) seen.abandonedAt = Date.now(); });
    const missing = Object.entries(options.requireHeaders ?? {}).some(([name, value]) => request.headers[name.toLowerCase()] !== value);
    if (missing) {
      res.writeHead(401, { 'content-type': 'text/html' }).end('<html><head><title>401 Authorization Required</title></head></html>');
      return;
    }
    if (options.hold?.test(request.url)) {
      heldResponses.add(res);
      res.on('close', () => heldResponses.delete(res));
      return;
    }
    const headers = { ...request.headers };
    delete headers.authorization;
    const dropAnswer = !dropped && options.dropAnswerOnce?.(seen) === true;
    if (dropAnswer) dropped = true;
    forward(target, request, headers).then((answer) => {
      seen.answer = { status: answer.status, body: answer.body.toString('utf8') };
      if (dropAnswer) res.destroy();
      else answerWith(res, answer);
    }, () => res.destroy());
  });
  return {
    url: stub.url,
    requests,
    held: () => heldResponses.size,
    openConnections: () => stub.openConnections(),
    close: () => stub.close(),
  };
}
