import assert from 'node:assert/strict';
import { SqlGatewayClient, type SqlQuery } from '../../src';
import { cancelJob, jobOverviews, waitForJobRunning } from '../../dev/flink/job';
import { requireSqlGateway } from '../flink/skips';
import { testFlink } from '../flink/test-cluster';
import { privateSqlGateway, testSqlGateway } from '../flink/test-sql-gateway';
import { startFlinkProxy } from '../nodes/flink-proxy';
import { eventually } from '../nodes/node-harness';
import { rejectsWithCode } from '../support/rejects';
import { allRows, asJob, PIPELINE_SETUP, sendsInsert, uniqueJobName, waitForListedJob } from './sql-client-suite';

describe('SqlGatewayClient when the gateway restarts or an answer is lost', function () {
  const started: string[] = [];
  let flinkUrl: string;

  before(async function () {
    flinkUrl = (await testFlink()).url;
  });

  afterEach(async function () {
    await Promise.all(started.splice(0).map((jobId) => cancelJob(flinkUrl, jobId)));
  });

  it('a gateway restarted between two statements: the second still runs, in a new session set up again', async function () {
    const gateway = await privateSqlGateway(this, await testFlink());
    const client = new SqlGatewayClient({ url: gateway.url });
    const session = client.session({ setup: PIPELINE_SETUP });
    try {
      const first = await session.execute('SELECT \'before the restart\' AS t') as SqlQuery;
      assert.deepEqual(await allRows(first), [{ kind: '+I', fields: ['before the restart'] }]);
      await gateway.restart();
      // `orders` lived in the forgotten session: it exists again only if the setup ran again.
      const jobName = uniqueJobName('sql-after-restart');
      const jobId = asJob(await session.execute('INSERT INTO sink SELECT * FROM orders', { jobName }));
      started.push(jobId);
      await waitForJobRunning(flinkUrl, jobId);
      assert.deepEqual((await jobOverviews(flinkUrl)).filter((job) => job.name === jobName).map((job) => job.jid), [jobId]);
    } finally {
      await session.close();
      await client.close();
    }
  });

  it('a session in use tells the gateway so: heartbeats at its interval while it is open, none once it is closed', async function () {
    const shared = await testSqlGateway();
    requireSqlGateway(this, shared);
    const proxy = await startFlinkProxy(shared.url);
    const client = new SqlGatewayClient({ url: proxy.url, heartbeatIntervalMs: 200 });
    const session = client.session();
    const heartbeatRequests = () => proxy.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/heartbeat'));
    const heartbeats = (): number => heartbeatRequests().length;
    // The proxy records a request before its answer: count the answered ones (the next may be under way).
    const answered = () => heartbeatRequests().filter((request) => request.answer !== undefined);
    try {
      await allRows(await session.execute('SELECT 1') as SqlQuery);
      await eventually(() => answered().length >= 3, 'three answered heartbeats');
      assert.deepEqual([...new Set(answered().map((request) => request.answer!.status))], [200], 'the gateway knew the session at every heartbeat');
      await session.close();
      const afterClose = heartbeats();
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.ok(heartbeats() <= afterClose + 1, 'no heartbeats after the close (one may have been under way)');
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('the answer to an INSERT lost after the gateway got it: FLINK_OUTCOME_UNKNOWN naming the job, not sent again, one job in Flink', async function () {
    const shared = await testSqlGateway();
    requireSqlGateway(this, shared);
    const proxy = await startFlinkProxy(shared.url, {
      dropAnswerOnce: sendsInsert,
    });
    const client = new SqlGatewayClient({ url: proxy.url });
    const session = client.session({ setup: PIPELINE_SETUP });
    try {
      const jobName = uniqueJobName('sql-lost-answer');
      const err = await rejectsWithCode(session.execute('INSERT INTO sink SELECT * FROM orders', { jobName }), 'FLINK_OUTCOME_UNKNOWN', /not sent again/);
      assert.match(err.jobId ?? '', /^[0-9a-f]{32}$/);
      started.push(err.jobId!);
      await waitForListedJob(flinkUrl, err.jobId!);
      const statementsSent = proxy.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/statements'));
      assert.equal(statementsSent.filter((request) => (request.body as { statement: string }).statement.startsWith('INSERT')).length, 1);
      assert.deepEqual((await jobOverviews(flinkUrl)).filter((job) => job.name === jobName).map((job) => job.jid), [err.jobId]);
    } finally {
      await session.close();
      await client.close();
      await proxy.close();
    }
  });
});
