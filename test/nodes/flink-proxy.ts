import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP(S) proxy in front of the real Flink, for what Flink cannot do on demand: demand credentials or a
 * header, speak TLS, hold chosen requests unanswered (a savepoint that takes forever), and count the
 * connections clients keep open to it.
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
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const heldResponses = new Set<http.ServerResponse>();
  const requests: FlinkProxy['requests'] = [];

  const handler: http.RequestListener = (req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const missing = Object.entries(options.requireHeaders ?? {}).some(([name, value]) => req.headers[name.toLowerCase()] !== value);
    if (missing) {
      req.resume();
      res.writeHead(401, { 'content-type': 'text/html' }).end('<html><head><title>401 Authorization Required</title></head></html>');
      return;
    }
    if (options.hold?.test(req.url ?? '')) {
      req.resume();
      heldResponses.add(res);
      res.on('close', () => heldResponses.delete(res));
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  };

  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    held: () => heldResponses.size,
    openConnections: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
