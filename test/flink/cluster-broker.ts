import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/**
 * The run's cluster broker: a small HTTP server in mocha's main process that starts each shared Flink cluster once
 * and hands its address to every worker process that asks, and hands out leases on resources that one test file at
 * a time may use (a cluster whose free slots a test measures, say). Workers find it through the environment, which
 * they inherit from the main process.
 */
const BROKER_ENV = 'NODE_RED_FLINK_TEST_BROKER';

export type BrokerHandler = (path: string, body: unknown) => Promise<unknown>;

export interface Broker { url: string; close(): Promise<void> }

export async function startBroker(handle: BrokerHandler): Promise<Broker> {
  const server = http.createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      handle(request.url ?? '/', text ? JSON.parse(text) : undefined).then(
        (answer) => { response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? null)); },
        (err: Error) => { response.writeHead(500, { 'content-type': 'text/plain' }).end(err.stack ?? err.message); },
      );
    });
  });
  // A cluster start or a lease can take minutes: no request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env[BROKER_ENV] = url;
  return {
    url,
    close: () => new Promise((resolve) => {
      delete process.env[BROKER_ENV];
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function brokerRunning(): boolean {
  return Boolean(process.env[BROKER_ENV]);
}

/** Asks the run's broker; waits as long as it takes (a cluster start, a lease another file holds). */
export async function askBroker<T>(path: string, body: unknown): Promise<T> {
  const response = await request(`${process.env[BROKER_ENV]}${path}`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    headersTimeout: 0, bodyTimeout: 0,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`the run's cluster broker (${path}): ${text}`);
  return JSON.parse(text) as T;
}

/** Leases: a resource has one holder at a time, the others queue; a holder may ask again for what it holds. */
export class Leases {
  private readonly holders = new Map<string, string>();
  private readonly queues = new Map<string, Array<{ holder: string; grant(): void }>>();

  acquire(resource: string, holder: string): Promise<void> {
    const current = this.holders.get(resource);
    if (current === undefined || current === holder) {
      this.holders.set(resource, holder);
      return Promise.resolve();
    }
    return new Promise((grant) => {
      const queue = this.queues.get(resource) ?? [];
      queue.push({ holder, grant });
      this.queues.set(resource, queue);
    });
  }

  releaseAll(holder: string): void {
    for (const [resource, current] of [...this.holders]) {
      if (current !== holder) continue;
      const next = this.queues.get(resource)?.shift();
      if (next) {
        this.holders.set(resource, next.holder);
        next.grant();
      } else {
        this.holders.delete(resource);
      }
    }
  }
}
