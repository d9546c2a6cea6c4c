import assert from 'node:assert/strict';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { FlinkClusterClient } from '../../src';
import {
  caught, drip, flinkUnavailable, json, proxyUnavailable, resetAfterHeaders, resetMidBody, stubPerTest, type StubRequest,
} from '../support/stub-server';

const JOB = '0123456789abcdef0123456789abcdef';
const RETRIES = 2;
const RETRY = { maxRetries: RETRIES, initialDelayMs: 5, maxDelayMs: 20, multiplier: 2 };
/** Long enough for a loaded machine to answer in, far shorter than the dripping body (about 6 s). */
const TIMEOUT_MS = 2000;

type Fault = (res: http.ServerResponse, socket: Socket) => void;

/** One request kind: how to send it, which received requests are it, and what it answers when all is well. */
interface Kind {
  name: string;
  send(client: FlinkClusterClient): Promise<unknown>;
  matches(request: StubRequest): boolean;
  answer: unknown;
}

const KINDS: Record<'get' | 'postWithId' | 'postWithoutId', Kind> = {
  get: {
    name: 'a GET (job list)',
    send: (client) => client.listJobs(),
    matches: (r) => r.method === 'GET' && r.url === '/jobs/overview',
    answer: { jobs: [] },
  },
  postWithId: {
    // Detached: one request, as the transport retries it (a waiting savepoint would re-send it through the outage).
    name: 'a POST with a client-made id (savepoint trigger)',
    send: (client) => client.triggerDetachedSavepoint(JOB),
    matches: (r) => r.method === 'POST' && r.url === `/jobs/${JOB}/savepoints`,
    answer: { 'request-id': 'ffffffffffffffffffffffffffffffff' },
  },
  postWithoutId: {
    name: 'a POST without a client-made id (savepoint disposal)',
    send: (client) => client.disposeSavepoint('/savepoints/sp-1', { timeoutMs: 60_000 }),
    matches: (r) => r.method === 'POST' && r.url === '/savepoint-disposal',
    answer: { 'request-id': 'ffffffffffffffffffffffffffffffff' },
  },
};

const FAULTS: Array<{ name: string; fault: (kind: Kind) => Fault; code: string; sent: Record<keyof typeof KINDS, number> }> = [
  {
    name: 'a reset after the response headers', code: 'FLINK_CONNECTION',
    fault: () => (res, socket) => resetAfterHeaders(res, socket),
    // A GET is sent again as a fresh request; a POST never once headers arrived.
    sent: { get: 1 + RETRIES, postWithId: 1, postWithoutId: 1 },
  },
  {
    name: 'a reset in the middle of the body', code: 'FLINK_CONNECTION',
    fault: (kind) => (res, socket) => resetMidBody(res, socket, kind.answer),
    sent: { get: 1 + RETRIES, postWithId: 1, postWithoutId: 1 },
  },
  {
    name: 'a proxy\'s 503 (HTML)', code: 'FLINK_SERVER',
    fault: () => (res) => proxyUnavailable(res),
    // A proxy may answer 503 after Flink acted: only a request with an id of the client's own is sent again.
    sent: { get: 1 + RETRIES, postWithId: 1 + RETRIES, postWithoutId: 1 },
  },
  {
    name: 'Flink\'s own 503 (JSON, no leader)', code: 'FLINK_SERVER',
    fault: () => (res) => flinkUnavailable(res),
    sent: { get: 1 + RETRIES, postWithId: 1 + RETRIES, postWithoutId: 1 + RETRIES },
  },
  {
    name: 'a body dripping slower than timeoutMs', code: 'FLINK_TIMEOUT',
    fault: (kind) => (res) => { drip(res, { ...(kind.answer as object), padding: 'x'.repeat(40) }, 100); },
    sent: { get: 1 + RETRIES, postWithId: 1, postWithoutId: 1 },
  },
];

describe('Client retries never replay a side effect (stub server)', function () {
  const t = stubPerTest();

  for (const { name, fault, code, sent } of FAULTS) {
    describe(`on ${name}`, function () {
      for (const [key, kind] of Object.entries(KINDS) as Array<[keyof typeof KINDS, Kind]>) {
        it(`sends ${kind.name} ${sent[key]} time(s) and reports ${code}`, async function () {
          const inject = fault(kind);
          t.stub.handle((req, res, socket) => {
            if (kind.matches(req)) inject(res, socket);
            else if (req.method === 'GET' && req.url === `/jobs/${JOB}/status`) json(res, 200, { status: 'RUNNING' });
            else json(res, 500, { errors: [`unexpected ${req.method} ${req.url}`] });
          });
          const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: TIMEOUT_MS }));
          const err = await caught(kind.send(client));
          assert.equal(err.code, code, err.message);
          const requests = t.stub.received.filter((r) => kind.matches(r));
          assert.equal(requests.length, sent[key]);
          for (const request of requests) assert.equal(request.headers.range, undefined, 'never a Range header');
          if (key === 'postWithId') {
            const ids = requests.map((r) => (r.body as { triggerId: string }).triggerId);
            assert.ok(ids.every((id) => id === ids[0]), 'every copy carries the same trigger id');
            assert.equal(err.triggerId, ids[0]);
            assert.equal(err.jobId, JOB);
          }
        });
      }
    });
  }

  describe('runJar with a job id of the client\'s own', function () {
    const JAR = 'aaaa_job.jar';
    const duplicate = (res: http.ServerResponse, version: '1.20' | '2.3'): void => json(res, 400, { errors: [
      'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x\n'
      + 'Caused by: org.apache.flink.util.FlinkException: Failed to execute job \'dup\'.\n'
      + (version === '2.3'
        ? 'Caused by: org.apache.flink.runtime.client.DuplicateApplicationSubmissionException: Application has already been submitted.\n\tat y'
        : 'Caused by: org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.\n\tat y'),
    ] });
    const runs = (): StubRequest[] => t.stub.received.filter((r) => r.method === 'POST' && r.url === `/jars/${JAR}/run`);

    for (const version of ['2.3', '1.20'] as const) {
      it(`resolves a retried submission that Flink ${version} calls a duplicate to the job it started`, async function () {
        t.stub.handle((_req, res, socket) => {
          if (runs().length === 1) socket.destroy(); // the job was submitted, the answer lost
          else duplicate(res, version);
        });
        const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: TIMEOUT_MS }));
        const jobId = await client.runJar(JAR, { entryClass: 'EndlessJob' });
        const ids = runs().map((r) => (r.body as { jobId: string }).jobId);
        assert.equal(ids.length, 2);
        assert.match(ids[0]!, /^[0-9a-f]{32}$/);
        assert.equal(ids[1], ids[0], 'the retry carries the same job id');
        assert.equal(jobId, ids[0]);
      });
    }

    it('does not take a duplicate for its own job when the earlier attempt provably never reached Flink (its 503)', async function () {
      t.stub.handle((_req, res) => {
        if (runs().length === 1) flinkUnavailable(res);
        else duplicate(res, '2.3');
      });
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: TIMEOUT_MS }));
      const err = await caught(client.runJar(JAR, { entryClass: 'EndlessJob' }));
      assert.equal(err.code, 'FLINK_CONFLICT');
      assert.equal(runs().length, 2);
    });

    it('sends the caller\'s job id, and reports it taken (FLINK_CONFLICT) when the first attempt is a duplicate', async function () {
      t.stub.handle((_req, res) => duplicate(res, '2.3'));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: TIMEOUT_MS }));
      const err = await caught(client.runJar(JAR, { jobId: JOB.toUpperCase() }));
      assert.equal(err.code, 'FLINK_CONFLICT');
      assert.equal(err.jobId, JOB);
      assert.match(err.message, new RegExp(`already has a job with id ${JOB}`));
      assert.deepEqual(runs().map((r) => (r.body as { jobId: string }).jobId), [JOB]);
    });

    it('refuses a malformed job id before sending anything', async function () {
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.runJar(JAR, { jobId: 'not-an-id' }));
      assert.equal(err.code, 'FLINK_INVALID_ARGUMENT');
      assert.equal(t.stub.received.length, 0);
    });
  });
});
