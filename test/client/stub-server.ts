import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SentRequest } from '../spec/flink-openapi';

export interface StubRequest extends SentRequest {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
}

export type StubHandler = (request: StubRequest, response: http.ServerResponse, socket: import('node:net').Socket) => void;

export interface StubServer {
  url: string;
  /** Every request received, in order. */
  received: StubRequest[];
  /** Replaces how the server answers. */
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

/** Answers `body` as JSON with `status`. */
export function json(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * A local HTTP(S) server that plays Flink for faults a real cluster cannot produce on demand.
 * It answers `/config` as Flink `version` unless the handler does.
 */
export async function startStub(version = '2.3.0', tls?: https.ServerOptions): Promise<StubServer> {
  let handler: StubHandler = (_req, res) => json(res, 404, { errors: ['Not found: no handler'] });
  const received: StubRequest[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if ((req.headers['content-type'] ?? '').includes('application/json') && rawBody) body = JSON.parse(rawBody);
      const request: StubRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, rawBody, ...(body === undefined ? {} : { body }) };
      received.push(request);
      if (request.url.replace(/^\/[^/]*(?=\/config$)/, '') === '/config' && request.method === 'GET') {
        json(res, 200, { 'flink-version': version, 'flink-revision': 'stub', features: {} });
        return;
      }
      handler(request, res, req.socket);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    handle(next) { handler = next; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
