import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { FlinkError, type FlinkClusterClient } from '../../src';
import { specViolations, type SentRequest } from '../spec/flink-openapi';

export interface StubRequest extends SentRequest {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
}

export type StubHandler = (request: StubRequest, response: http.ServerResponse, socket: Socket) => void;

export interface StubServer {
  url: string;
  /** Every request received, in order. */
  received: StubRequest[];
  /** Replaces how the server answers. */
  handle(handler: StubHandler): void;
  /** How long `/config` takes to answer (default 0). */
  configDelayMs: number;
  /** Client connections open right now. */
  openConnections(): number;
  /** Stops listening, so that connections are refused, as a JobManager that is down. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

/** Answers `body` as JSON with `status`. */
export function json(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export interface StubOptions {
  /** Answer `GET /config` as this Flink version (unless the handler does); none: the handler answers it too. */
  flinkVersion?: string;
  tls?: https.ServerOptions;
}

/**
 * A local HTTP(S) server that plays Flink for faults a real cluster cannot produce on demand.
 * It answers `/config` as Flink `version` unless the handler does.
 */
export function startStub(version = '2.3.0', tls?: https.ServerOptions): Promise<StubServer> {
  return startStubServer({ flinkVersion: version, tls });
}

/**
 * The one local HTTP(S) server of the tests: records every request (body read), answers through the handler,
 * and counts its open connections. A stub for Flink's faults, or with `forward` a proxy in front of the real Flink.
 */
export async function startStubServer(options: StubOptions = {}): Promise<StubServer> {
  const { flinkVersion: version, tls } = options;
  let handler: StubHandler = (_req, res) => json(res, 404, { errors: ['Not found: no handler'] });
  const received: StubRequest[] = [];
  let configDelayMs = 0;
  const sockets = new Set<Socket>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if ((req.headers['content-type'] ?? '').includes('application/json') && rawBody) body = JSON.parse(rawBody);
      const request: StubRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, rawBody, ...(body === undefined ? {} : { body }) };
      received.push(request);
      if (version !== undefined && request.url.replace(/^\/[^/]*(?=\/config$)/, '') === '/config' && request.method === 'GET') {
        const answer = (): void => json(res, 200, { 'flink-version': version, 'flink-revision': 'stub', features: {} });
        if (configDelayMs > 0) setTimeout(answer, configDelayMs);
        else answer();
        return;
      }
      handler(request, res, req.socket);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = (): Promise<void> => new Promise<void>((resolve) => {
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    handle(next) { handler = next; },
    get configDelayMs() { return configDelayMs; },
    set configDelayMs(ms: number) { configDelayMs = ms; },
    openConnections: () => sockets.size,
    goDown: stop,
    comeBack: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

/** Flink's answer to a request a stub received, as `forward` got it. */
export interface ForwardedAnswer { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** Sends a request the stub received on to `target` (the real Flink) and resolves with its whole answer. */
export function forward(target: string, request: StubRequest, headers: http.OutgoingHttpHeaders = request.headers): Promise<ForwardedAnswer> {
  const upstream = new URL(target);
  return new Promise((resolve, reject) => {
    const sent = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url,
      headers: { ...headers, host: upstream.host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(request.rawBody);
  });
}

/** Answers with what `forward` got from Flink. */
export function answerWith(response: http.ServerResponse, answer: ForwardedAnswer): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** Sends the headers of a 200 with a body, then cuts the connection before any of the body. */
export function resetAfterHeaders(response: http.ServerResponse, socket: Socket): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': 200 });
  response.flushHeaders();
  setTimeout(() => socket.destroy(), 20);
}

/** Sends the headers and half of a JSON body, then cuts the connection. */
export function resetMidBody(response: http.ServerResponse, socket: Socket, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.write(text.slice(0, Math.floor(text.length / 2)));
  setTimeout(() => socket.destroy(), 20);
}

/** A 503 as a proxy or load balancer sends it: an HTML page, not Flink's JSON. */
export function proxyUnavailable(response: http.ServerResponse): void {
  response.writeHead(503, { 'content-type': 'text/html' });
  response.end('<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>');
}

/** Flink's own 503 while it has no leader. */
export function flinkUnavailable(response: http.ServerResponse): void {
  json(response, 503, { errors: ['Service temporarily unavailable due to an ongoing leader election. Please refresh.'] });
}

/**
 * Answers 200 with `body` one byte every `everyMs`; `done()` tells whether all of it was sent before the
 * client went away.
 */
export function drip(response: http.ServerResponse, body: unknown, everyMs: number): { done(): boolean } {
  const text = Buffer.from(JSON.stringify(body));
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed) { clearInterval(timer); return; }
    response.write(text.subarray(sent, sent + 1));
    sent += 1;
    if (sent === text.length) { clearInterval(timer); response.end(); }
  }, everyMs);
  response.on('close', () => clearInterval(timer));
  return { done: () => sent === text.length };
}

/** The FlinkError a call rejects with (fails the test if it resolves or throws anything else). */
export async function caught(promise: Promise<unknown>): Promise<FlinkError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FlinkError, `expected a FlinkError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

/** Every request the stub received is one Flink's spec of `version` allows. */
export function assertSpecAllowed(stub: StubServer, version: string): void {
  assert.deepEqual(stub.received.flatMap((request) => specViolations(version, request)), []);
}

/** A stub for each test of a suite; after each, the test's clients are closed and the stub's requests checked against the spec. */
export interface StubPerTest {
  readonly stub: StubServer;
  /** Closes `client` after the test. */
  track(client: FlinkClusterClient): FlinkClusterClient;
}

export function stubPerTest(version = '2.3.0'): StubPerTest {
  let stub: StubServer | undefined;
  const clients: FlinkClusterClient[] = [];
  beforeEach(async function () {
    stub = await startStub(version);
  });
  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stub!.close();
    assertSpecAllowed(stub!, version);
  });
  return {
    get stub() { return stub!; },
    track(client) { clients.push(client); return client; },
  };
}
