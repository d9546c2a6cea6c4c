import assert from 'node:assert/strict';
import { FlinkClusterClient, SqlGatewayClient, type SqlQuery, type SqlRow, type SqlSession, type StatementResult } from '../../src';
import { cancelJob, jobOverviews, waitForJobRunning, waitForJobState } from '../../dev/flink/job';
import { requireSqlGateway, requireVersionLeg } from '../flink/skips';
import { testSqlGateway, type TestSqlGateway } from '../flink/test-sql-gateway';
import { gatewaySpecViolations, type GatewayApiVersion } from '../spec/flink-openapi';
import { recordingDispatcher } from '../spec/recording-dispatcher';
import type { ProxiedRequest } from '../nodes/flink-proxy';
import { rejectsWithCode } from '../support/rejects';

/** A datagen source and a blackhole sink: a streaming pipeline that needs nothing outside Flink. */
export const PIPELINE_SETUP = `
CREATE TABLE orders (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.amount.min' = '1', 'fields.amount.max' = '100');
CREATE TABLE sink (id BIGINT, amount INT) WITH ('connector' = 'blackhole');
`;

/** For a proxy's `dropAnswerOnce`: the request that sends an `INSERT` statement to the gateway. */
export const sendsInsert = (request: ProxiedRequest): boolean =>
  request.method === 'POST' && String((request.body as { statement?: unknown } | undefined)?.statement).startsWith('INSERT');

/** Waits until Flink lists the job (a submission takes a moment) and it runs. */
export async function waitForListedJob(flinkUrl: string, jobId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await jobOverviews(flinkUrl)).some((job) => job.jid === jobId)) {
    if (Date.now() > deadline) throw new Error(`Flink did not list job ${jobId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await waitForJobRunning(flinkUrl, jobId, timeoutMs);
}

export async function allRows(query: SqlQuery): Promise<SqlRow[]> {
  const rows: SqlRow[] = [];
  for await (const page of query.pages()) rows.push(...page);
  return rows;
}

export function asJob(result: StatementResult): string {
  assert.equal(result.kind, 'job', `expected a job statement's result, got ${JSON.stringify(result)}`);
  return (result as { jobId: string }).jobId;
}

let counter = 0;
export const uniqueJobName = (prefix: string): string => `${prefix}-${process.pid}-${++counter}`;

/** The SQL client against a real SQL Gateway of Flink `version` (`undefined`: the run's default). */
export function describeSqlClient(version: string | undefined): void {
  describe(`SqlGatewayClient against a real SQL Gateway (Flink ${version ?? 'of the run'})`, function () {
    let gateway: TestSqlGateway;
    let client: SqlGatewayClient;
    let flink: FlinkClusterClient;
    let session: SqlSession;
    const recorder = recordingDispatcher();
    const started: string[] = [];

    before(async function () {
      requireVersionLeg(this, version);
      const shared = await testSqlGateway(version);
      requireSqlGateway(this, shared);
      gateway = shared;
      client = new SqlGatewayClient({ url: gateway.url, dispatcher: recorder.dispatcher });
      flink = new FlinkClusterClient({ url: gateway.cluster.url });
      session = client.session({ setup: PIPELINE_SETUP });
    });

    afterEach(async function () {
      await Promise.all(started.splice(0).map((jobId) => cancelJob(gateway.cluster.url, jobId)));
    });

    after(async function () {
      await session?.close();
      await client?.close();
      await flink?.close();
      await recorder.close();
    });

    it('reports the gateway\'s Flink version and speaks v4 with a 2.x gateway, v3 with a 1.20 one', async function () {
      const info = await client.getInfo();
      assert.equal(info.version, gateway.cluster.version);
      assert.equal(info.apiVersion, gateway.apiVersion === 'v4' ? 'v4' : 'v3');
    });

    it('DDL succeeds; an INSERT with a job name submits one RUNNING job of that name whose id it returns, and the name stays with that statement only', async function () {
      assert.deepEqual(await session.execute('CREATE TEMPORARY VIEW big_orders AS SELECT * FROM orders WHERE amount > 50'), {
        kind: 'success', statement: 'CREATE TEMPORARY VIEW big_orders AS SELECT * FROM orders WHERE amount > 50',
      });
      const jobName = uniqueJobName('sql-insert');
      const named = asJob(await session.execute('INSERT INTO sink SELECT * FROM big_orders', { jobName }));
      started.push(named);
      await waitForJobRunning(gateway.cluster.url, named);
      const unnamed = asJob(await session.execute('INSERT INTO sink SELECT * FROM orders'));
      started.push(unnamed);
      const jobs = await jobOverviews(gateway.cluster.url);
      assert.deepEqual(jobs.filter((job) => job.name === jobName).map((job) => job.jid), [named]);
      const other = jobs.find((job) => job.jid === unnamed);
      assert.ok(other && other.name !== jobName, `the second INSERT ran as ${other?.name}`);
    });

    it('a bounded SELECT gives its exact rows, column names and types, a BIGINT past 2^53 exactly', async function () {
      const result = await session.execute(
        'SELECT * FROM (VALUES (1, \'a\', CAST(9007199254740993 AS BIGINT), CAST(12.5 AS DECIMAL(10, 2))), (2, \'b\', CAST(-3 AS BIGINT), CAST(0.25 AS DECIMAL(10, 2)))) AS t(n, label, big, price)');
      assert.equal(result.kind, 'query');
      const query = result as SqlQuery;
      assert.deepEqual(query.columns.map(({ name, type }) => ({ name, type })), [
        { name: 'n', type: 'INT NOT NULL' }, { name: 'label', type: 'CHAR(1) NOT NULL' },
        { name: 'big', type: 'BIGINT NOT NULL' }, { name: 'price', type: 'DECIMAL(10, 2) NOT NULL' },
      ]);
      // A streaming query of VALUES may send its rows in either order.
      const rows = (await allRows(query)).sort((x, y) => Number(x.fields[0]) - Number(y.fields[0]));
      assert.deepEqual(rows, [
        { kind: '+I', fields: [1, 'a', '9007199254740993', 12.5] },
        { kind: '+I', fields: [2, 'b', -3, 0.25] },
      ]);
      await query.close();
    });

    it('SHOW TABLES answers with rows, as a query does: the session setup\'s tables', async function () {
      const result = await session.execute('SHOW TABLES');
      assert.equal(result.kind, 'query');
      const names = (await allRows(result as SqlQuery)).map((row) => row.fields[0]);
      assert.ok(names.includes('orders') && names.includes('sink'), JSON.stringify(names));
    });

    it('an unbounded SELECT read to 5 rows and closed: Flink reports its job CANCELED', async function () {
      const query = await session.execute('SELECT id, amount FROM orders') as SqlQuery;
      assert.equal(query.kind, 'query');
      assert.ok(query.jobId, 'the query names its job');
      let read = 0;
      for await (const page of query.pages()) {
        read += page.length;
        if (read >= 5) break;
      }
      assert.ok(read >= 5);
      await query.close();
      assert.equal(await waitForJobState(gateway.cluster.url, query.jobId, ['CANCELED', 'FAILED', 'FINISHED']), 'CANCELED');
    });

    it('SQL that does not parse is FLINK_SQL_INVALID with its line and column in the script, and submits no job', async function () {
      // Other files submit jobs to the shared cluster side by side: this script's own job name is what must not appear.
      const jobName = uniqueJobName('sql-invalid');
      const script = 'CREATE TEMPORARY VIEW v1 AS SELECT * FROM orders;\nINSERT INTO sink\nSELECT id, amount FROM orders WHERE amount >> 3';
      const err = await rejectsWithCode((async () => { for await (const result of session.executeScript(script, { jobName })) assert.notEqual(result.kind, 'job'); })(),
        'FLINK_SQL_INVALID', /Statement 2 of 2 \(line 2\)/);
      assert.equal(err.line, 3);
      assert.equal(err.column, script.split('\n')[2]!.indexOf('>>') + 1, 'the column of ">>", where the parser stops');
      assert.match(err.statement ?? '', /^INSERT INTO sink/);
      assert.deepEqual((await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName), []);
    });

    it('a table that does not exist is FLINK_SQL_INVALID naming it, with its position', async function () {
      const err = await rejectsWithCode(session.execute('SELECT *\nFROM no_such_table'), 'FLINK_SQL_INVALID', /no_such_table/);
      assert.deepEqual([err.line, err.column], [2, 6]);
    });

    it('an INSERT from a savepoint that does not exist fails and starts no job, never one from empty state', async function () {
      const jobName = uniqueJobName('sql-missing-savepoint');
      await assert.rejects(session.execute('INSERT INTO sink SELECT * FROM orders', { jobName, savepointPath: 'file:///tmp/no-such-savepoint-dir' }),
        (err: Error & { code?: string }) => ['FLINK_OPERATION_FAILED', 'FLINK_SERVER'].includes(err.code ?? '') && /savepoint|no-such-savepoint-dir/i.test(err.message));
      const jobs = (await jobOverviews(gateway.cluster.url)).filter((job) => job.name === jobName);
      assert.ok(jobs.every((job) => job.state !== 'RUNNING'), JSON.stringify(jobs));
    });

    it('stopped with a savepoint and run again from it: Flink reports the new job restored from that path', async function () {
      const jobName = uniqueJobName('sql-restore');
      // Checkpoint statistics (where Flink says what a job was restored from) need checkpointing on.
      const executionConfig = { 'execution.checkpointing.interval': '60 s' };
      const first = asJob(await session.execute('INSERT INTO sink SELECT * FROM orders', { jobName, executionConfig }));
      started.push(first);
      await waitForJobRunning(gateway.cluster.url, first);
      const savepoint = await flink.stopWithSavepoint(first, {});
      const second = asJob(await session.execute('INSERT INTO sink SELECT * FROM orders', { jobName, savepointPath: savepoint, executionConfig }));
      started.push(second);
      await waitForJobRunning(gateway.cluster.url, second);
      assert.equal((await flink.getCheckpointSummary(second)).restoredFrom?.path, savepoint);
    });

    it(':name parameters go in as SQL literals: hostile values come back as the data they are, a :name in a string stays text', async function () {
      const hostile = 'x\'); DROP TABLE orders; --';
      const query = await session.execute('SELECT :text AS t, :n AS n, :flag AS f, CAST(:nothing AS STRING) AS z, \':text\' AS literal', {
        params: { text: hostile, n: -12.5, flag: true, nothing: null },
      }) as SqlQuery;
      // A streaming query of VALUES may send its rows in either order.
      const rows = (await allRows(query)).sort((x, y) => Number(x.fields[0]) - Number(y.fields[0]));
      assert.deepEqual(rows, [{ kind: '+I', fields: [hostile, -12.5, true, null, ':text'] }]);
      await query.close();
      const stillThere = await session.execute('SELECT COUNT(*) FROM (SELECT * FROM orders LIMIT 1)') as SqlQuery;
      assert.equal(stillThere.kind, 'query', 'the orders table still exists');
      await allRows(stillThere);
      await rejectsWithCode(session.execute('SELECT :missing', { params: { other: 1 } }), 'FLINK_INVALID_ARGUMENT', /:missing/);
    });

    it('every request it sent is one the gateway\'s REST spec of its API version allows', function () {
      const apiVersion = gateway.apiVersion as GatewayApiVersion;
      assert.ok(recorder.sent.length > 10);
      assert.deepEqual(recorder.sent.flatMap((request) => gatewaySpecViolations(apiVersion, request)), []);
    });
  });
}
