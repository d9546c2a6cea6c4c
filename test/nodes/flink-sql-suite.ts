import assert from 'node:assert/strict';
import { cancelJob, jobOverviews, waitForJobState } from '../../dev/flink/job';
import { restoredFrom } from '../flink/checkpoint-history';
import { requireSqlGateway, requireVersionLeg } from '../flink/skips';
import { testSqlGateway, type TestSqlGateway } from '../flink/test-sql-gateway';
import { sendsInsert, waitForListedJob } from '../sql/sql-client-suite';
import { startFlinkProxy } from './flink-proxy';
import { clusterConfig, collect, eventually, FLINK_NODES, helper, nextMessage, roundTrip, testFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Checkpoints every second: an upgrade's verification passes at the new job's first one, and Flink reports what a job was restored from. */
export const SESSION_SETUP = `
SET 'execution.checkpointing.interval' = '1 s';
CREATE TABLE orders (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.amount.min' = '1', 'fields.amount.max' = '100');
CREATE TABLE sink (id BIGINT, amount INT) WITH ('connector' = 'blackhole');
`;
const DEPLOYED = 'INSERT INTO sink SELECT id, amount FROM orders WHERE amount > 10';
/** The same pipeline with another threshold: the same operators, so the savepoint's state maps onto it. */
const CHANGED = 'INSERT INTO sink SELECT id, amount FROM orders WHERE amount > 20';
/** Divides by zero on every row, once it runs. */
const FAILS_AT_RUN_TIME = 'INSERT INTO sink SELECT id, amount / (amount - amount) FROM orders WHERE amount > 10';

/** Sends `msg` into node `id` and returns what comes out: its result at `out`, or the error a Catch saw at `caught`. */
async function outcome(id: string, msg: Message, timeoutMs = 90_000): Promise<{ result?: Message; error?: Message }> {
  const result = nextMessage('out', timeoutMs).then((message) => ({ result: message }));
  const error = nextMessage('caught', timeoutMs).then((message) => ({ error: message }));
  helper.getNode(id)!.receive(msg);
  return Promise.race([result, error]);
}

/** flink-sql, flink-stop and flink-upgrade against a real Flink and its real SQL Gateway of `version`. */
export function describeFlinkSqlNode(version: string | undefined): void {
  describe(`flink-sql and SQL upgrades on a real SQL Gateway (Flink ${version ?? 'of the run'})`, function () {
    withNodeRed();
    let gateway: TestSqlGateway;
    const started = new Set<string>();

    before(async function () {
      requireVersionLeg(this, version);
      const shared = await testSqlGateway(version);
      requireSqlGateway(this, shared);
      gateway = shared;
    });

    afterEach(async function () {
      await Promise.all([...started].map((jobId) => cancelJob(gateway.cluster.url, jobId)));
      started.clear();
    });

    function flow(url = gateway.url, sql: Record<string, unknown> = {}): ReturnType<typeof testFlow> {
      return testFlow(clusterConfig(gateway.cluster.url, { sqlGatewayUrl: url }), [
        { id: 'sql', type: 'flink-sql', setup: SESSION_SETUP, wires: [['out']], ...sql },
        { id: 'stop', type: 'flink-stop', wires: [['stopped']] },
        { id: 'up', type: 'flink-upgrade', verifyWindow: 30, wires: [['upgraded']] },
      ], { helpers: ['out', 'stopped', 'upgraded'] });
    }

    async function deploy(jobName: string, sql = DEPLOYED, extra: Message = {}): Promise<Message> {
      const { result, error } = await outcome('sql', { sql, jobName, ...extra });
      assert.ok(result, `flink-sql failed: ${JSON.stringify(error?.error)}`);
      started.add(result.payload.jobId);
      return result;
    }

    it('CREATE TABLE and INSERT INTO with a job name: one RUNNING job of that name, whose id is the output\'s jobId', async function () {
      await helper.load(FLINK_NODES, flow());
      const jobName = uniqueName('sql-deploy');
      const msg = await deploy(jobName);
      assert.deepEqual(msg.payload, { jobId: msg.jobId, jobName, state: 'RUNNING' });
      const jobs = (await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName);
      assert.deepEqual(jobs.map((job) => [job.jid, job.state]), [[msg.jobId, 'RUNNING']]);
    });

    it('a bounded SELECT: its exact rows keyed by column name, with the columns\' names and types', async function () {
      await helper.load(FLINK_NODES, flow());
      const { payload, columns, rowKinds, stopped } = await roundTrip('sql', {
        sql: 'SELECT * FROM (VALUES (1, \'north\', CAST(2.50 AS DECIMAL(5, 2))), (2, \'south\', CAST(7.25 AS DECIMAL(5, 2)))) AS t(n, region, price)',
      }, 'out', 60_000);
      // A streaming query of VALUES may send its rows in either order.
      const byN = (rows: Message[]): Message[] => [...rows].sort((x, y) => x.n - y.n);
      assert.deepEqual(byN(payload), [{ n: 1, region: 'north', price: 2.5 }, { n: 2, region: 'south', price: 7.25 }]);
      assert.deepEqual(columns, [{ name: 'n', type: 'INT NOT NULL' }, { name: 'region', type: 'CHAR(5) NOT NULL' }, { name: 'price', type: 'DECIMAL(5, 2) NOT NULL' }]);
      assert.deepEqual(rowKinds, ['+I', '+I']);
      assert.equal(stopped, 'eos');
    });

    it('an unbounded SELECT with msg.maxRows 5: 5 rows, and Flink reports the query\'s job CANCELED', async function () {
      await helper.load(FLINK_NODES, flow());
      // Other files run queries on the shared cluster side by side: a tag of this test's own names its query's job.
      const tag = uniqueName('max-rows');
      const msg = await roundTrip('sql', { sql: `SELECT id, amount, '${tag}' AS tag FROM orders`, maxRows: 5 }, 'out', 90_000);
      assert.equal(msg.payload.length, 5);
      assert.equal(msg.stopped, 'limit');
      const queryJobs = (await jobOverviews(gateway.cluster.url)).filter((job) => job.name.includes(tag));
      assert.equal(queryJobs.length, 1, JSON.stringify(queryJobs));
      assert.equal(await waitForJobState(gateway.cluster.url, queryJobs[0]!.jid, ['CANCELED', 'FAILED', 'FINISHED']), 'CANCELED');
    });

    it('streaming: each page of rows its own message, then one that says the row limit stopped it', async function () {
      await helper.load(FLINK_NODES, flow(gateway.url, { streaming: true, maxRows: 12 }));
      const messages = collect('out');
      helper.getNode('sql')!.receive({ sql: 'SELECT id FROM orders' });
      await eventually(() => messages.some((msg) => msg.payload?.stopped), 'the last message', 90_000);
      const last = messages.at(-1)!;
      const pages = messages.slice(0, -1);
      assert.deepEqual(last.payload, { stopped: 'limit', rowCount: 12 });
      assert.ok(pages.length >= 1);
      assert.equal(pages.reduce((sum, msg) => sum + msg.payload.length, 0), 12);
      for (const page of pages) assert.deepEqual(page.columns, [{ name: 'id', type: 'BIGINT' }]);
    });

    it('a syntax error: FLINK_SQL_INVALID with the line and column, and no job submitted', async function () {
      await helper.load(FLINK_NODES, flow());
      // Other files submit jobs to the shared cluster side by side: this statement's own job name is what must not appear.
      const jobName = uniqueName('sql-invalid');
      const { error } = await outcome('sql', { sql: 'INSERT INTO sink\nSELECT id amount FROM orders WHERE', jobName });
      assert.equal(error?.error.code, 'FLINK_SQL_INVALID', JSON.stringify(error?.error));
      assert.match(error!.error.message, /line 2, column \d+/);
      assert.deepEqual((await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName), []);
    });

    it('malformed input is FLINK_INVALID_ARGUMENT naming it, and nothing reaches the gateway', async function () {
      const proxy = await startFlinkProxy(gateway.url);
      try {
        await helper.load(FLINK_NODES, flow(proxy.url));
        for (const [msg, property] of [
          [{ sql: '   ' }, 'msg.sql'], [{ sql: 42 }, 'msg.sql'], [{ sql: 'SELECT 1', maxRows: 0 }, 'msg.maxRows'],
          [{ sql: 'SELECT 1', maxRows: '5x' }, 'msg.maxRows'], [{ sql: 'SELECT :a', params: 'a=1' }, 'msg.params'],
          [{ sql: 'INSERT INTO sink SELECT * FROM orders', allowNonRestoredState: true }, 'msg.allowNonRestoredState'],
          [{ sql: 'SELECT :a', params: { b: 1 } }, ':a'],
        ] as const) {
          const { error } = await outcome('sql', msg);
          assert.equal(error?.error.code, 'FLINK_INVALID_ARGUMENT', JSON.stringify(msg));
          assert.ok(error!.error.message.includes(property), `${error!.error.message} names ${property}`);
        }
        assert.deepEqual(proxy.requests.map((request) => request.path), []);
      } finally {
        await proxy.close();
      }
    });

    it('hostile values in msg.params never change the statement: they come back as data', async function () {
      await helper.load(FLINK_NODES, flow());
      const hostile = '\'); DROP TABLE orders; SELECT (\'';
      const msg = await roundTrip('sql', { sql: 'SELECT :v AS v, CHAR_LENGTH(:v) AS n', params: { v: hostile } }, 'out', 60_000);
      assert.deepEqual(msg.payload, [{ v: hostile, n: hostile.length }]);
      const tables = await roundTrip('sql', { sql: 'SHOW TABLES' }, 'out', 60_000);
      assert.ok(tables.payload.some((row: Message) => Object.values(row).includes('orders')), JSON.stringify(tables.payload));
    });

    it('stopped with a savepoint, the same SQL run from the stop node\'s result: Flink reports the new job restored from that path; a missing savepoint starts nothing', async function () {
      await helper.load(FLINK_NODES, flow());
      const jobName = uniqueName('sql-restore');
      const first = await deploy(jobName);
      const stopped = await roundTrip('stop', { jobId: first.jobId }, 'stopped', 90_000);
      assert.equal(stopped.payload.kind, 'flink-savepoint');
      const second = await deploy(jobName, DEPLOYED, { payload: stopped.payload });
      assert.equal(await restoredFrom(gateway.cluster.url, second.jobId), stopped.payload.location);

      const missingName = uniqueName('sql-missing');
      const missing = await outcome('sql', { sql: DEPLOYED, jobName: missingName, savepointPath: `${stopped.payload.location}-gone` });
      assert.ok(missing.error, 'a run from a savepoint that does not exist fails');
      assert.ok(['FLINK_OPERATION_FAILED', 'FLINK_SERVER'].includes(missing.error.error.code), JSON.stringify(missing.error.error));
      const jobs = await jobOverviews(gateway.cluster.url);
      assert.ok(!jobs.some((job) => job.name === missingName && job.state === 'RUNNING'), JSON.stringify(jobs));
    });

    it('an upgrade to SQL that fails at run time rolls back: the old SQL runs again, restored from the same savepoint', async function () {
      await helper.load(FLINK_NODES, flow());
      const jobName = uniqueName('sql-rollback');
      const deployed = await deploy(jobName);
      const { payload } = await roundTrip('up', { jobId: deployed.jobId, sql: FAILS_AT_RUN_TIME }, 'upgraded', 180_000);
      for (const id of [payload.newJobId, payload.rollbackJobId]) if (id) started.add(id);
      assert.equal(payload.rolledBack, true, JSON.stringify(payload.steps));
      assert.deepEqual(payload.steps.map((step: Message) => `${step.step}:${step.result}`), ['stop:ok', 'run:ok', 'verify:failed', 'cancelNew:ok', 'rollback:ok']);
      assert.match(payload.rollbackReason, /by zero|ArithmeticException/i);
      assert.equal(await restoredFrom(gateway.cluster.url, payload.rollbackJobId), payload.savepoint);
      const running = (await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName && job.state === 'RUNNING');
      assert.deepEqual(running.map((job) => job.jid), [payload.rollbackJobId]);
      assert.equal(await waitForJobState(gateway.cluster.url, payload.newJobId, ['CANCELED', 'FAILED']), 'CANCELED');
    });

    it('an upgrade to good SQL: the new SQL runs from the stop\'s savepoint under the job\'s name', async function () {
      await helper.load(FLINK_NODES, flow());
      const jobName = uniqueName('sql-upgrade');
      const deployed = await deploy(jobName);
      const { payload } = await roundTrip('up', { jobId: deployed.jobId, sql: CHANGED }, 'upgraded', 180_000);
      started.add(payload.jobId);
      assert.equal(payload.rolledBack, false, JSON.stringify(payload.steps));
      assert.equal(await restoredFrom(gateway.cluster.url, payload.jobId), payload.savepoint);
      const running = (await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName && job.state === 'RUNNING');
      assert.deepEqual(running.map((job) => job.jid), [payload.jobId]);
    });

    it('the answer to an INSERT lost on its way back: FLINK_OUTCOME_UNKNOWN with the job\'s id and Flink\'s state of it, and one job only', async function () {
      const proxy = await startFlinkProxy(gateway.url, {
        dropAnswerOnce: sendsInsert,
      });
      try {
        await helper.load(FLINK_NODES, flow(proxy.url));
        const jobName = uniqueName('sql-lost');
        const { error } = await outcome('sql', { sql: DEPLOYED, jobName });
        assert.equal(error?.error.code, 'FLINK_OUTCOME_UNKNOWN', JSON.stringify(error?.error));
        assert.match(error!.jobId, /^[0-9a-f]{32}$/);
        started.add(error!.jobId);
        assert.ok(['CREATED', 'INITIALIZING', 'RUNNING'].includes(error!.jobState), `msg.jobState is Flink's state of the job: ${error!.jobState}`);
        assert.match(error!.error.message, /Flink has that job/);
        await waitForListedJob(gateway.cluster.url, error!.jobId);
        assert.deepEqual((await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName).map((job) => job.jid), [error!.jobId]);
      } finally {
        await proxy.close();
      }
    });
  });
}
