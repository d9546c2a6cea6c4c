import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FlinkClusterClient, FlinkError } from '../../src';
import type { InFlight } from '../../src/aborts';
import { caught, drip, json, stubPerTest } from '../support/stub-server';

const JOB = '0123456789abcdef0123456789abcdef';
const RETRY = { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 20, multiplier: 2 };

/** The client's set of requests and operations in flight (not public API: tests look inside). */
function inFlightOf(client: FlinkClusterClient): InFlight {
  return (client as unknown as { api: { transport: { inFlight: InFlight } } }).api.transport.inFlight;
}

describe('Client concurrency and resources (stub server)', function () {
  const t = stubPerTest();

  describe('1,000 concurrent operations on one client with one shared signal', function () {
    it('print no warning, leave no listener and no in-flight entry behind, and keep the heap flat after gc', async function () {
      t.stub.handle((req, res) => {
        if (req.url === `/jobs/${JOB}/status`) json(res, 200, { status: 'RUNNING' });
        else if (req.method === 'POST') json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
        else json(res, 200, { status: { id: 'COMPLETED' }, operation: { location: 'file:/savepoints/sp' } });
      });
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => { warnings.push(warning); };
      process.on('warning', onWarning);
      const c = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const inFlight = inFlightOf(c);
      const shared = new AbortController();

      const batch = async (): Promise<{ controllers: Set<AbortController>; listeners: Set<unknown> }> => {
        const controllers = new Set<AbortController>();
        const listeners = new Set<unknown>();
        const sample = (): void => {
          for (const controller of inFlight.current) controllers.add(controller);
          for (const listener of getEventListeners(shared.signal, 'abort')) listeners.add(listener);
        };
        const operations = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0
          ? c.getJobStatus(JOB, { signal: shared.signal })
          : c.triggerSavepoint(JOB, { signal: shared.signal, onProgress: sample })));
        await new Promise((resolve) => setImmediate(resolve));
        sample();
        const results = await Promise.all(operations);
        assert.equal(results.filter((r) => r === 'RUNNING').length, 500);
        assert.equal(results.filter((r) => r === 'file:/savepoints/sp').length, 500);
        return { controllers, listeners };
      };

      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as () => void;
      try {
        const first = await batch();
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        const second = await batch();
        gc();
        const heapAfter = process.memoryUsage().heapUsed;

        assert.deepEqual(warnings.map(String), [], 'no process warning');
        for (const run of [first, second]) {
          assert.ok(run.controllers.size >= 1000, `the requests and operations were in flight together (${run.controllers.size})`);
          assert.equal(run.listeners.size, 1, 'the shared signal carried one listener however many calls used it');
          for (const controller of run.controllers) assert.ok(!inFlight.current.has(controller), 'no controller left in flight');
          const now = getEventListeners(shared.signal, 'abort');
          for (const listener of run.listeners) assert.ok(!now.includes(listener as never), 'no listener left on the shared signal');
        }
        assert.equal(inFlight.current.size, 0);
        const grownMb = (heapAfter - heapBefore) / 1024 / 1024;
        assert.ok(grownMb < 5, `heap grew ${grownMb.toFixed(1)} MB over the second 1,000 operations`);
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('close() aborts every request and operation in flight through the in-flight set', async function () {
      t.stub.handle(() => { /* never answers */ });
      const c = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const shared = new AbortController();
      const pending = Array.from({ length: 50 }, (_, i) => caught(i % 2 === 0
        ? c.listJobs({ signal: shared.signal })
        : c.triggerSavepoint(JOB, { signal: shared.signal })));
      while (t.stub.received.length < 8) await new Promise((resolve) => setTimeout(resolve, 10)); // every connection busy
      const inFlight = [...inFlightOf(c).current];
      assert.ok(inFlight.length >= 50);
      await c.close();
      const errors = await Promise.all(pending);
      assert.deepEqual([...new Set(errors.map((e) => e.code))], ['FLINK_ABORTED']);
      for (const controller of inFlight) assert.ok(controller.signal.aborted);
      assert.equal(inFlightOf(c).current.size, 0);
      assert.deepEqual(getEventListeners(shared.signal, 'abort'), []);
    });
  });

  describe('the shared version probe', function () {
    const serveStatus = (): void => t.stub.handle((req, res) => {
      if (req.url === `/jobs/${JOB}/status`) json(res, 200, { status: 'RUNNING' });
      else json(res, 404, { errors: [`Not found: ${req.url}`] });
    });
    const configRequests = (): number => t.stub.received.filter((r) => r.url === '/config').length;

    it('does not take the first caller\'s signal: the first aborts, the second still gets its answer from one /config request', async function () {
      serveStatus();
      t.stub.configDelayMs = 300;
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const first = new AbortController();
      const aborted = caught(client.getJobStatus(JOB, { signal: first.signal }));
      const second = client.getJobStatus(JOB);
      setTimeout(() => first.abort(), 50);
      assert.equal((await aborted).code, 'FLINK_ABORTED');
      assert.equal(await second, 'RUNNING');
      assert.equal(configRequests(), 1);
    });

    it('does not take the first caller\'s deadline either', async function () {
      serveStatus();
      t.stub.configDelayMs = 300;
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const hurried = caught(client.getJobStatus(JOB, { timeoutMs: 50 }));
      const patient = client.getJobStatus(JOB);
      const err = await hurried;
      assert.equal(err.code, 'FLINK_TIMEOUT');
      assert.match(err.message, /GET \/config within 50 ms/);
      assert.equal(await patient, 'RUNNING');
      assert.equal(configRequests(), 1);
    });
  });

  it('bounds a slowly dripping body by timeoutMs (headers and body together)', async function () {
    let dripping: { done(): boolean } | undefined;
    let closedEarly = false;
    t.stub.handle((_req, res) => {
      dripping = drip(res, { status: 'RUNNING', padding: 'x'.repeat(60) }, 100);
      res.on('close', () => { closedEarly = !dripping!.done(); });
    });
    const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: { maxRetries: 0 }, timeoutMs: 500 }));
    await client.getFlinkVersion();
    const err = await caught(client.getJobStatus(JOB));
    assert.equal(err.code, 'FLINK_TIMEOUT');
    assert.match(err.message, /within 500 ms/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(closedEarly, 'the client hung up before the body was complete');
  });

  describe('a malformed URL with credentials', function () {
    const SECRET = 's3cr';
    const urls = [
      `http://admin:${SECRET}/t@host:8081`,
      `http://admin:${SECRET}#t@host:8081`,
      `http://admin:${SECRET}?t@host:8081`,
      `http://admin:${SECRET}@t@host:99999`,
      `https://admin:${SECRET}/t@`,
      `admin:${SECRET}/t@host:8081`,
      `ftp://admin:${SECRET}/t@host`,
      `http://admin:%zz${SECRET}@host:8081`,
      `http://ad/min:${SECRET}@host:8081/flink`,
    ];
    for (const url of urls) {
      it(`refuses ${url.replace(SECRET, '<secret>')} without showing the password`, function () {
        let err: unknown;
        try {
          t.track(new FlinkClusterClient({ url }));
        } catch (thrown) {
          err = thrown;
        }
        assert.ok(err instanceof FlinkError, `expected a FlinkError, got ${String(err)}`);
        assert.equal(err.code, 'FLINK_INVALID_ARGUMENT');
        const everything = `${err.message}\n${String(err.stack)}\n${JSON.stringify(err)}\n${String(err.details)}\n${String(err.cause)}`;
        assert.doesNotMatch(everything, new RegExp(SECRET));
      });
    }
  });
});
