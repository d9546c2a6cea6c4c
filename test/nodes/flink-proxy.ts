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
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  /** Requests held unanswered right now. */
  held(): number;
  /** Client connections open right now. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Answer 401 (as a proxy would, in HTML) unless each of these headers has this value. */
  requireHeaders?: Record<string, string>;
  /** Hold (never answer) requests whose path matches. */
  hold?: RegExp;
  tls?: https.ServerOptions;
}

export async function startFlinkProxy(target: string, options: ProxyOptions = {}): Promise<FlinkProxy> {
  const stub = await startStubServer({ tls: options.tls });
  const heldResponses = new Set<http.ServerResponse>();
  const requests: FlinkProxy['requests'] = [];
  stub.handle((request, res) => {
    requests.push({ method: request.method, path: request.url, headers: request.headers });
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
    forward(target, request, headers).then((answer) => answerWith(res, answer), () => res.destroy());
  });
  return {
    url: stub.url,
    requests,
    held: () => heldResponses.size,
    openConnections: () => stub.openConnections(),
    close: () => stub.close(),
  };
}
