import assert from 'node:assert/strict';
import { FlinkClusterClient, type FlinkClusterClientOptions } from '../../src';
import { freePort } from '../../dev/flink/cluster';
import { assertSpecAllowed, caught, json, startStub, type StubServer } from '../support/stub-server';

const JOB = '0123456789abcdef0123456789abcdef';
const TRIGGER_PATH = new RegExp(`^/jobs/${JOB}/savepoints/([0-9a-f]{32})$`);
const FAST_RETRY = { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20, multiplier: 2 };

describe('FlinkClusterClient against faults Flink cannot produce on demand', function () {
  let stub: StubServer;
  let client: FlinkClusterClient;
  const clientFor = (options: Partial<FlinkClusterClientOptions> = {}): FlinkClusterClient => {
    client = new FlinkClusterClient({ url: stub.url, retry: FAST_RETRY, timeoutMs: 5000, ...options });
    return client;
  };

  beforeEach(async function () {
    stub = await startStub('2.3.0');
  });

  afterEach(async function () {
    await client?.close();
    await stub.close();
    // Whatever the test did, the client only sent what Flink's spec allows.
    assertSpecAllowed(stub, '2.3.0');
  });

  it('reports a refused connection as FLINK_CONNECTION, naming where it tried', async function () {
    const port = await freePort();
    client = new FlinkClusterClient({ url: `http://127.0.0.1:${port}`, retry: FAST_RETRY });
    const err = await caught(client.listJobs());
    assert.equal(err.code, 'FLINK_CONNECTION');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(err.message, /ECONNREFUSED/);
  });

  it('retries a savepoint trigger whose connection was reset with the same triggerId, and gets one savepoint', async function () {
    let triggers = 0;
    stub.handle((req, res, socket) => {
      if (req.method === 'POST' && req.url === `/jobs/${JOB}/savepoints`) {
        triggers += 1;
        if (triggers === 1) { socket.destroy(); return; } // the request arrived, the answer is lost
        json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
        return;
      }
      const poll = TRIGGER_PATH.exec(req.url);
      if (poll) { json(res, 200, { status: { id: 'COMPLETED' }, operation: { location: 'file:/savepoints/sp-1' } }); return; }
      json(res, 404, { errors: ['Not found: ' + req.url] });
    });
    const location = await clientFor().triggerSavepoint(JOB);
    assert.equal(location, 'file:/savepoints/sp-1');
    const posts = stub.received.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 2);
    const ids = posts.map((r) => (r.body as { triggerId: string }).triggerId);
    assert.match(ids[0]!, /^[0-9a-f]{32}$/);
    assert.equal(ids[1], ids[0], 'the retry carries the same triggerId');
  });

  it('does not retry a disposal whose request may have arrived', async function () {
    stub.handle((req, _res, socket) => {
      if (req.method === 'POST') socket.destroy();
    });
    const err = await caught(clientFor().disposeSavepoint('/savepoints/sp-1'));
    assert.equal(err.code, 'FLINK_CONNECTION');
    assert.equal(stub.received.filter((r) => r.method === 'POST').length, 1);
  });

  it('gives up on slow headers with FLINK_TIMEOUT', async function () {
    stub.handle(() => { /* never answers */ });
    const err = await caught(clientFor({ timeoutMs: 300 }).listJobs());
    assert.equal(err.code, 'FLINK_TIMEOUT');
    assert.match(err.message, /GET \/jobs\/overview/);
  });

  it('retries 503 (no leader yet) and then succeeds', async function () {
    let calls = 0;
    stub.handle((_req, res) => {
      calls += 1;
      if (calls < 3) json(res, 503, { errors: ['Service temporarily unavailable due to an ongoing leader election. Please refresh.'] });
      else json(res, 200, { jobs: [] });
    });
    assert.deepEqual(await clientFor().listJobs(), []);
    assert.equal(calls, 3);
  });

  it('reports a 503 that outlasts the retries with Flink\'s message', async function () {
    stub.handle((_req, res) => json(res, 503, { errors: ['Service temporarily unavailable due to an ongoing leader election. Please refresh.'] }));
    const err = await caught(clientFor().listJobs());
    assert.equal(err.code, 'FLINK_SERVER');
    assert.equal(err.status, 503);
    assert.match(err.message, /leader election/);
    assert.equal(stub.received.length, 1 + FAST_RETRY.maxRetries);
  });

  it('reports a proxy\'s 401 as FLINK_AUTH without the password', async function () {
    stub.handle((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="flink"' });
      res.end('<html><head><title>401 Authorization Required</title></head><body>nginx</body></html>');
    });
    const err = await caught(clientFor({ auth: { type: 'basic', username: 'ops', password: 's3cret-pw' } }).listJobs());
    assert.equal(err.code, 'FLINK_AUTH');
    assert.equal(err.status, 401);
    assert.match(err.message, /401 Authorization Required/);
    assert.equal(stub.received[0]!.headers.authorization, `Basic ${Buffer.from('ops:s3cret-pw').toString('base64')}`);
    const everything = JSON.stringify(err) + err.message + String(err.stack) + String(err.details);
    assert.doesNotMatch(everything, /s3cret-pw/);
    assert.doesNotMatch(everything, new RegExp(Buffer.from('ops:s3cret-pw').toString('base64')));
  });

  it('reports an HTML page where JSON was expected as FLINK_INVALID_RESPONSE', async function () {
    stub.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Sign in - Corporate SSO</title></head><body></body></html>');
    });
    const err = await caught(clientFor().getJobStatus(JOB));
    assert.equal(err.code, 'FLINK_INVALID_RESPONSE');
    assert.match(err.message, /text\/html/);
    assert.match(err.message, /Sign in - Corporate SSO/);
  });

  it('names the field when an answer does not fit the expected shape', async function () {
    stub.handle((_req, res) => json(res, 200, { jobs: [{ jid: JOB, name: 'a', state: 7, 'start-time': 1, 'end-time': -1, duration: 1 }] }));
    const err = await caught(clientFor().listJobs());
    assert.equal(err.code, 'FLINK_INVALID_RESPONSE');
    assert.match(err.message, /jobs\[0\]\.state/);
  });

  it('accepts unknown extra fields from newer Flink versions', async function () {
    stub.handle((_req, res) => json(res, 200, { jobs: [{ jid: JOB, name: 'a', state: 'RUNNING', 'start-time': 1, 'end-time': -1, duration: 1, 'brand-new': { x: 1 } }], more: true }));
    const [job] = await clientFor().listJobs();
    assert.equal(job?.state, 'RUNNING');
    assert.equal(job?.endTime, null);
  });

  it('refuses an oversized body', async function () {
    stub.handle((_req, res) => json(res, 200, { jobs: [], padding: 'x'.repeat(200_000) }));
    const err = await caught(clientFor({ maxResponseBytes: 10_000 }).listJobs());
    assert.equal(err.code, 'FLINK_INVALID_RESPONSE');
    assert.match(err.message, /size limit/);
  });

  it('aborts mid-poll with FLINK_ABORTED, naming the trigger id, and stops polling', async function () {
    stub.handle((req, res) => {
      if (req.method === 'POST') json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
      else json(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null });
    });
    const controller = new AbortController();
    const polls = (): number => stub.received.filter((r) => TRIGGER_PATH.test(r.url)).length;
    const pending = clientFor().triggerSavepoint(JOB, {
      signal: controller.signal,
      onProgress: ({ attempts }) => { if (attempts === 3) controller.abort(); },
    });
    const err = await caught(pending);
    assert.equal(err.code, 'FLINK_ABORTED');
    assert.match(err.message, /trigger id [0-9a-f]{32}/);
    const seen = polls();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(polls(), seen, 'no poll after the abort');
    assert.equal(seen, 3);
  });

  it('ends a poll that outlasts its deadline with FLINK_TIMEOUT', async function () {
    stub.handle((req, res) => {
      if (req.method === 'POST') json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
      else json(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null });
    });
    const err = await caught(clientFor().stopWithSavepoint(JOB, { timeoutMs: 400 }));
    assert.equal(err.code, 'FLINK_TIMEOUT');
    assert.match(err.message, /within 400 ms.*trigger id/);
  });

  it('reports a savepoint that Flink failed with its root cause', async function () {
    stub.handle((req, res) => {
      if (req.method === 'POST') { json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId }); return; }
      json(res, 200, {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': {
          class: 'java.util.concurrent.CompletionException',
          'stack-trace': 'java.util.concurrent.CompletionException: wrapper\n\tat x\nCaused by: org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is suspending.\n\tat y',
        } },
      });
    });
    const err = await caught(clientFor().triggerSavepoint(JOB));
    assert.equal(err.code, 'FLINK_OPERATION_FAILED');
    assert.equal(err.failureClass, 'org.apache.flink.runtime.checkpoint.CheckpointException');
    assert.match(err.message, /Checkpoint Coordinator is suspending/);
    assert.match(err.details ?? '', /Caused by/);
  });

  it('puts Flink\'s first error line in the message and the stack trace in details', async function () {
    stub.handle((_req, res) => json(res, 500, { errors: ['Internal server error.', '<Exception on server side:\norg.apache.flink.SomeException: the real reason\n\tat a.b(C.java:1)\n\nEnd of exception on server side>'] }));
    const err = await caught(clientFor().getClusterOverview());
    assert.equal(err.code, 'FLINK_SERVER');
    assert.equal(err.message, 'the real reason');
    assert.match(err.details ?? '', /at a\.b/);
    assert.equal(err.method, 'GET');
    assert.equal(err.path, '/overview');
  });

  it('sends bearer auth and extra headers on every request, below the base path', async function () {
    stub.handle((req, res) => json(res, 200, req.url.endsWith('/status') ? { status: 'RUNNING' } : { jobs: [] }));
    const c = new FlinkClusterClient({ url: `${stub.url}/flink/`, auth: { type: 'bearer', token: 't0ken' }, headers: { 'x-tenant': 'ops' } });
    client = c;
    await c.listJobs();
    assert.equal(await c.getJobStatus(JOB), 'RUNNING');
    assert.deepEqual(stub.received.map((r) => r.url), ['/flink/jobs/overview', '/flink/config', `/flink/jobs/${JOB}/status`]);
    for (const request of stub.received) {
      assert.equal(request.headers.authorization, 'Bearer t0ken');
      assert.equal(request.headers['x-tenant'], 'ops');
    }
    assert.equal(c.getWebInterfaceURL(), `${stub.url}/flink`);
    stub.received.splice(0); // the base path is not part of Flink's own spec paths
  });

  it('takes credentials from the URL without ever showing them', async function () {
    const port = await freePort();
    client = new FlinkClusterClient({ url: `http://admin:hunter2@127.0.0.1:${port}`, retry: { maxRetries: 0 } });
    assert.doesNotMatch(client.getWebInterfaceURL(), /hunter2|admin/);
    const err = await caught(client.listJobs());
    assert.doesNotMatch(err.message + String(err.stack), /hunter2/);
  });

  it('fails calls after close() clearly and ends polls in flight', async function () {
    stub.handle((req, res) => {
      if (req.method === 'POST') json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
      else json(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null });
    });
    const c = clientFor();
    const polling = caught(c.triggerSavepoint(JOB, { onProgress: ({ attempts }) => { if (attempts === 2) void c.close(); } }));
    const err = await polling;
    assert.equal(err.code, 'FLINK_ABORTED');
    const after = await caught(c.listJobs());
    assert.equal(after.code, 'FLINK_CONNECTION');
    assert.match(after.message, /closed/);
  });

  it('waits for an application\'s job submitted 1 s after the first one runs, as a main() still building its second job does', async function () {
    const application = 'fedcba9876543210fedcba9876543210';
    const job = (jid: string, name: string): Record<string, unknown> => ({
      jid, name, state: 'RUNNING', 'start-time': 1, 'end-time': -1, duration: 1, 'application-id': application,
    });
    let firstAsked: number | undefined;
    /** The answers that listed the first job alone. */
    let firstAlone = 0;
    stub.handle((_req, res) => {
      firstAsked ??= Date.now();
      const secondSubmitted = Date.now() - firstAsked >= 1000;
      if (!secondSubmitted) firstAlone += 1;
      json(res, 200, {
        id: application, name: 'TwoJobs', status: 'RUNNING', 'start-time': 1, 'end-time': -1, duration: 1, timestamps: { RUNNING: 1 },
        jobs: [job(JOB, 'first'), ...(secondSubmitted ? [job('11112222333344445555666677778888', 'second')] : [])],
      });
    });
    const details = await clientFor().waitUntilApplicationRunning(application);
    assert.deepEqual(details.jobs.map((entry) => entry.jobName), ['first', 'second']);
    assert.ok(firstAlone >= 2, 'the first job was seen running alone more than once');
    assert.ok(stub.received.filter((req) => req.url === `/applications/${application}`).length > firstAlone, 'and the two jobs after it');
  });

  describe('version awareness', function () {
    it('sends neither triggerId nor formatType to Flink 1.14, and refuses a checkpoint there', async function () {
      await stub.close();
      stub = await startStub('1.14.6');
      stub.handle((req, res) => {
        if (req.method === 'POST') json(res, 202, { 'request-id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
        else json(res, 200, { status: { id: 'COMPLETED' }, operation: { location: 'file:/sp' } });
      });
      const c = clientFor();
      assert.equal(await c.triggerSavepoint(JOB), 'file:/sp');
      const post = stub.received.find((r) => r.method === 'POST');
      assert.deepEqual(post?.body, { 'cancel-job': false });
      const err = await caught(c.triggerCheckpoint(JOB));
      assert.equal(err.code, 'FLINK_UNSUPPORTED');
      assert.match(err.message, /1\.17/);
      assert.match(err.message, /1\.14\.6/);
      const format = await caught(c.triggerSavepoint(JOB, { formatType: 'NATIVE' }));
      assert.equal(format.code, 'FLINK_UNSUPPORTED');
    });

    it('reads job status from the details endpoint before 1.16 and sends restoreMode before 1.20', async function () {
      await stub.close();
      stub = await startStub('1.15.4');
      stub.handle((req, res) => {
        if (req.url === `/jobs/${JOB}`) json(res, 200, { jid: JOB, name: 'x', state: 'RUNNING', 'start-time': 1, 'end-time': -1, duration: 5, vertices: [] });
        else json(res, 200, { jobid: JOB });
      });
      const c = clientFor();
      assert.equal(await c.getJobStatus(JOB), 'RUNNING');
      await c.runJar('abc_job.jar', { savepointPath: '/sp', claimMode: 'NO_CLAIM' });
      const run = stub.received.find((r) => r.method === 'POST');
      assert.deepEqual(run?.body, { savepointPath: '/sp', restoreMode: 'NO_CLAIM' });
      assert.ok(!stub.received.some((r) => r.url.endsWith('/status')));
      // Specs for these old lines are not shipped; 1.20's names were checked by hand above.
      stub.received.splice(0);
    });
  });
});
