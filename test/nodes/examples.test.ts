import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import { adaptiveTestFlink } from '../flink/adaptive-cluster';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { sampleAlert } from '../../dev/example-flows';
import { localPath, projectRoot } from '../../dev/paths';
import { type TestFlink } from '../flink/test-cluster';
import { restoredFrom } from '../flink/checkpoint-history';
import { requireLocalFlink, requireLocalRun, requireSqlGateway } from '../flink/skips';
import { testSqlGateway } from '../flink/test-sql-gateway';
import { startStubServer, json } from '../support/stub-server';
import { byName, CORE_NODES, example, EXAMPLES_DIR, type Example } from './example-flow';
import { collect, eventually, FLINK_NODES, helper, nextMessage, uniqueName, withNodeRed, type FlowNode } from './node-harness';


function byType(flow: Example, type: string): FlowNode {
  const node = flow.find((n) => n.type === type);
  if (!node) throw new Error(`the example has no ${type} node`);
  return node;
}

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Presses the loaded example's inject buttons: each press resolves with what arrives at the debug node `output`,
 * or fails with the first message the debug node `errorDebug` gets.
 */
function buttons(flow: Example, errorDebug: string, timeoutMs: number): (button: string, output: string) => Promise<Message> {
  const errors = collect(byName(flow, errorDebug, 'debug').id);
  return (button, output) => {
    const arrived = nextMessage(byName(flow, output, 'debug').id, timeoutMs);
    helper.getNode(byName(flow, button, 'inject').id)!.receive({});
    return Promise.race([arrived, eventually(() => errors.length > 0, errorDebug, timeoutMs).then(() => {
      throw new Error(`${button} failed: ${JSON.stringify(errors[0]!.error)}`);
    })]);
  };
}

describe('the example flows', function () {
  const suite = withNodeRed();
  let flink: TestFlink;
  before(function () { ({ flink } = suite); });

  it('are flat arrays of nodes that use every non-config node type of the package', function () {
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 7);
    const used = new Set<string>();
    for (const file of files) {
      const flow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as unknown[];
      assert.ok(Array.isArray(flow) && flow.every((n) => typeof n === 'object' && n && !Array.isArray(n)), `${file} is a flat array`);
      for (const node of flow as FlowNode[]) used.add(node.type);
    }
    const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
    const types = Object.keys(packageJson['node-red'].nodes).filter((type) => type !== 'flink-cluster');
    assert.deepEqual(types.filter((type) => !used.has(type)), [], 'node types missing from the examples');
  });

  it('give each node an id no other example uses, so a user can import them all into one Node-RED', function () {
    const owner = new Map<string, string>();
    const shared: string[] = [];
    for (const file of readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'))) {
      for (const { id } of JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as FlowNode[]) {
        const first = owner.get(id);
        if (first !== undefined) shared.push(`${id} in ${first} and ${file}`);
        owner.set(id, file);
      }
    }
    assert.deepEqual(shared, []);
  });

  it('scheduled savepoint with retention: takes savepoints of the named job, its catalog keeps the last 3 and disposes older ones; list; dispose of the oldest by hand, never the newest', async function () {
    requireLocalFlink(this, flink, 'reads savepoint files from disk');
    const { jobId, jobName } = await suite.startJob('example-retention');
    const flow = example('Scheduled savepoint with retention.json', flink.url, jobName);
    assert.ok(!flow.some((node) => node.type === 'function'), 'no function node');
    await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
    const taken = collect(byName(flow, 'savepoint taken').id);
    const retention = collect(byName(flow, 'retention').id);
    const failures = collect(byName(flow, 'failure').id);
    const trigger = helper.getNode(byName(flow, 'every hour').id)!;
    const savepointNode = helper.getNode(byType(flow, 'flink-savepoint').id)!;
    const press = buttons(flow, 'failure', 60_000);
    // Before the job has a savepoint, "dispose the oldest" disposes of nothing and says so, as no error.
    assert.equal((await press('dispose the oldest', 'nothing disposed')).payload, `Nothing to dispose of: ${jobName} has no savepoint yet`);
    const round = async (count: number, send: () => void) => {
      send();
      await eventually(() => retention.length === count || failures.length > 0, `savepoint ${count} and its retention`, 60_000);
      assert.deepEqual(failures.map((m) => m.error), []);
    };
    // Two presses within one schedule slot (an hour): one savepoint, one record, as two instances would get.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 60_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1000)); // both presses in one slot
    await round(1, () => trigger.receive({}));
    await round(2, () => trigger.receive({}));
    assert.equal(taken[1]!.payload.location, taken[0]!.payload.location, 'the second press in the slot gets the same savepoint');
    assert.deepEqual(retention[1]!.payload.kept.map((r: { location: string }) => r.location), [taken[0]!.payload.location], 'recorded once');
    taken.splice(1, 1);
    retention.splice(1, 1);
    // Later slots, as msg.idempotencyKey gives them (it overrides the slot).
    for (let later = 2; later <= 4; later += 1) await round(later, () => savepointNode.receive({ idempotencyKey: `slot ${later}` }));
    const locations = taken.map((m) => m.payload.location as string);
    assert.equal(new Set(locations).size, 4);
    assert.ok(taken.every((m) => m.payload.jobId === jobId), 'the name resolved to the test job');
    const outcome = (m: Record<string, any>) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
      job: m.payload.job,
      kept: m.payload.kept.map((r: { location: string }) => r.location),
      disposed: m.payload.disposed.map((r: { location: string }) => r.location),
      failed: m.payload.failed,
    });
    assert.deepEqual(retention.slice(0, 3).map((m) => outcome(m).disposed), [[], [], []], 'nothing disposed while 3 or fewer');
    assert.deepEqual(outcome(retention[3]!), { job: jobName, kept: locations.slice(1).reverse(), disposed: [locations[0]], failed: [] });
    assert.equal(existsSync(localPath(locations[0]!)), false, 'the oldest savepoint is gone');
    for (const kept of locations.slice(1)) assert.ok(existsSync(localPath(kept)), `${kept} is kept`);

    const listed = nextMessage(byName(flow, 'savepoints').id, 30_000);
    helper.getNode(byName(flow, 'list', 'inject').id)!.receive({});
    const list = (await listed).payload;
    assert.deepEqual(list.running, [jobId]);
    assert.deepEqual(list.savepoints.filter((s: { catalogued: boolean }) => s.catalogued).map((s: { location: string }) => s.location), locations.slice(1));

    // "dispose the oldest" disposes of the oldest listed savepoint, one per press, until only the newest is left.
    assert.deepEqual((await press('dispose the oldest', 'disposed')).payload, { savepointPath: locations[1], disposed: true });
    assert.equal(existsSync(localPath(locations[1]!)), false);
    const relisted = nextMessage(byName(flow, 'savepoints').id, 30_000);
    helper.getNode(byName(flow, 'list', 'inject').id)!.receive({});
    assert.deepEqual((await relisted).payload.savepoints.map((s: { location: string }) => s.location), locations.slice(2),
      'the record of the savepoint disposed by hand is gone, and Flink\'s history does not bring it back');
    assert.deepEqual((await press('dispose the oldest', 'disposed')).payload, { savepointPath: locations[2], disposed: true });
    assert.equal((await press('dispose the oldest', 'nothing disposed')).payload,
      `Nothing to dispose of: ${jobName} has only savepoints that are kept (its newest one, and the one its running job was restored from)`);
    assert.ok(existsSync(localPath(locations[3]!)), 'the newest savepoint is kept');
    assert.deepEqual(failures.map((m) => m.error), []);
  });

  describe('alert-driven stop', function () {
    const FILE = 'Alert-driven stop with savepoint.json';
    let server: http.Server | undefined;

    /** Node-RED's HTTP-in routes, served on a port of their own. */
    function captureHttpNode(): (red: { httpNode: http.RequestListener }) => void {
      return (red) => {
        server = http.createServer(red.httpNode);
      };
    }

    /** A webhook receiver standing in for the notification service: the bodies posted to it, in order. */
    async function startWebhook(): Promise<{ url: string; bodies: Array<Record<string, any>>; close(): Promise<void> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const stub = await startStubServer();
      const bodies: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      stub.handle((request, res) => {
        bodies.push(request.body as Record<string, unknown>);
        json(res, 200, {});
      });
      return { url: `${stub.url}/notify`, bodies, close: () => stub.close() };
    }

    /** The example on the tab's job `jobName`, its notifications going to `webhookUrl` (the tab's NOTIFY_WEBHOOK_URL). */
    function alertExample(jobName: string, webhookUrl: string): Example {
      return example(FILE, flink.url, jobName).map((node) => (node.type !== 'tab' ? node : {
        ...node, env: (node.env as Array<{ name: string; value: string }>).map((entry) => (entry.name === 'NOTIFY_WEBHOOK_URL' ? { ...entry, value: webhookUrl } : entry)),
      }));
    }

    async function postAlert(jobNames: string[]): Promise<{ status: number; body: unknown }> {
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server!.address() as AddressInfo;
      // The sample alert the example documents, for these jobs, and a resolved one it must leave alone.
      const sample = sampleAlert(example(FILE, '')) as { alerts: Array<{ labels: object }> };
      const [firing] = sample.alerts;
      const body = {
        ...sample,
        alerts: [
          ...jobNames.map((name) => ({ ...firing, labels: { ...firing!.labels, job_name: name } })),
          { ...firing, status: 'resolved', labels: { ...firing!.labels, job_name: 'resolved-one' } },
        ],
      };
      const response = await fetch(`http://127.0.0.1:${port}/flink/alerts`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    }

    afterEach(async function () {
      if (server?.listening) await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    });

    it('on failing checkpoints of the tab\'s job: tries a stop with savepoint, cancels when it fails, notifies the webhook of each step, and the resolution closes the incident', async function () {
      const webhook = suite.closeAfterTest(await startWebhook());
      // Its checkpoints fail and so does a savepoint: the incident takes the cancel path.
      const { jobId, jobName } = await suite.startJob('example-health', { fixture: { entryClass: 'FailingCheckpointJob', args: ['1000'] } });
      const flow = alertExample(jobName, webhook.url);
      Object.assign(byType(flow, 'flink-job-health'), { interval: 1, sampleInterval: 1 });
      await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
      const canceled = nextMessage(byName(flow, 'canceled').id, 90_000);
      const stopped = collect(byName(flow, 'stopped').id);
      const msg = await canceled;
      assert.deepEqual(msg.payload, { jobId, state: 'CANCELED' });
      assert.equal(msg.error.code, 'FLINK_OPERATION_FAILED', 'the stop\'s failure travels with the message');
      assert.equal(msg.incident.kind, 'checkpoints-failing');
      assert.equal(await waitForJobState(flink.url, jobId, ['CANCELED']), 'CANCELED');
      await eventually(() => webhook.bodies.some((body) => body.action === 'resolved'), 'the resolution posted to the webhook', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // nothing more is posted
      const actions = webhook.bodies.map((body) => body.action as string);
      assert.equal(actions[0], 'opened');
      assert.deepEqual([...actions].sort(), ['canceled', 'opened', 'resolved'], JSON.stringify(webhook.bodies));
      assert.equal(new Set(webhook.bodies.map((body) => body.incidentId)).size, 1, 'one incident, named alike in each notification');
      for (const body of webhook.bodies) {
        assert.equal(body.jobId, jobId);
        assert.equal(body.kind, 'checkpoints-failing');
        assert.match(body.text, new RegExp(jobName));
      }
      assert.equal(stopped.length, 0);
    });

    it('stops the alerting job with a savepoint', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const webhook = suite.closeAfterTest(await startWebhook());
      const { jobId, jobName } = await suite.startJob('example-alert');
      const flow = alertExample(jobName, webhook.url);
      await helper.load([...FLINK_NODES, ...CORE_NODES, captureHttpNode()], flow);
      const stopped = nextMessage(byName(flow, 'stopped').id, 60_000);
      const answer = await postAlert([jobName]);
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { stopping: [jobName] });
      const msg = await stopped;
      assert.equal(msg.payload.jobId, jobId);
      assert.ok(existsSync(localPath(msg.payload.location)), 'the final savepoint exists');
      assert.equal(await waitForJobState(flink.url, jobId, ['FINISHED']), 'FINISHED');
      await eventually(() => webhook.bodies.length > 0, 'the stop posted to the webhook');
      assert.equal(webhook.bodies[0]!.action, 'stopped');
      assert.equal(webhook.bodies[0]!.incidentId, null, 'an alert, not an incident');
    });

    it('cancels the job when the stop with savepoint fails', async function () {
      const webhook = suite.closeAfterTest(await startWebhook());
      const { jobId, jobName } = await suite.startJob('example-alert-fallback');
      const flow = alertExample(jobName, webhook.url);
      // A directory Flink cannot write makes the savepoint, and so the stop, fail.
      byType(flow, 'flink-stop').savepointDir = 'file:///proc/flink-cannot-write-here';
      await helper.load([...FLINK_NODES, ...CORE_NODES, captureHttpNode()], flow);
      const canceled = nextMessage(byName(flow, 'canceled').id, 90_000);
      const stopped = collect(byName(flow, 'stopped').id);
      assert.equal((await postAlert([jobName])).status, 202);
      const msg = await canceled;
      assert.deepEqual(msg.payload, { jobId, state: 'CANCELED' });
      assert.equal(msg.error.code, 'FLINK_OPERATION_FAILED', 'the stop\'s failure travels with the message');
      assert.equal(stopped.length, 0);
    });
  });

  it('ops panel: each button acts on the named job, and the watch reports a job that fails', async function () {
    requireLocalFlink(this, flink, 'reads savepoint files from disk');
    const { jobId, jobName } = await suite.startJob('example-ops');
    const flow = example('Ops panel.json', flink.url, jobName);
    byType(flow, 'flink-job-watch').interval = 0.2;
    await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
    const press = buttons(flow, 'error', 60_000);
    const failures = collect(byName(flow, 'job failure').id);

    const jobs = await press('list jobs', 'jobs');
    assert.ok(jobs.payload.some((j: { jobId: string; name: string }) => j.jobId === jobId && j.name === jobName));
    assert.deepEqual((await press('status', 'status')).payload, { jobId, state: 'RUNNING' });
    const accumulators = await press('accumulators', 'accumulators');
    assert.equal(accumulators.payload.jobId, jobId);
    assert.equal(typeof accumulators.payload.accumulators, 'object');
    assert.equal(typeof (await press('checkpoint', 'checkpoint')).payload.checkpointId, 'number');
    const savepoint = await press('savepoint', 'savepoint');
    assert.ok(existsSync(localPath(savepoint.payload.location)));

    const { jobId: failingId } = await suite.startJob('example-ops-failing', { failAfterMs: 2000, noWait: true });
    await eventually(() => failures.some((m) => m.payload.jobId === failingId), 'the watch to report the failed job', 60_000);
    const failure = failures.find((m) => m.payload.jobId === failingId)!;
    assert.equal(failure.payload.state, 'FAILED');
    assert.ok(['RUNNING', 'FAILING', 'RESTARTING', null].includes(failure.payload.previousState));
    assert.equal(failure.jobId, failingId);

    const stop = await press('stop', 'stopped');
    assert.equal(stop.payload.jobId, jobId);
    assert.equal(await waitForJobState(flink.url, jobId, ['FINISHED']), 'FINISHED');
  });

  it('SQL pipeline: deploys the SQL under the tab\'s job name, queries the sample, upgrades the SQL from a savepoint and stops it, read back from Flink', async function () {
    const gateway = await testSqlGateway();
    requireSqlGateway(this, gateway);
    const jobName = uniqueName('example-sql');
    const flow = example('SQL pipeline.json', flink.url, jobName, gateway.url);
    assert.ok(!flow.some((node) => node.type === 'function'), 'no function node');
    await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
    const press = buttons(flow, 'error', 180_000);
    const started: string[] = [];
    try {
      const deployed = await press('deploy', 'deployed');
      started.push(deployed.payload.jobId);
      assert.deepEqual(deployed.payload, { jobId: deployed.payload.jobId, jobName, state: 'RUNNING' });

      const { payload: rows, columns } = await press('query', 'rows');
      assert.deepEqual(columns, [{ name: 'id', type: 'INT' }, { name: 'region', type: 'STRING' }, { name: 'amount', type: 'INT' }]);
      assert.ok(rows.length >= 1 && rows.length <= 10, `${rows.length} rows of the 10-row sample`);
      for (const row of rows) assert.ok(row.amount > 20 && row.id >= 1 && row.id <= 10, JSON.stringify(row));

      const upgraded = await press('upgrade', 'upgraded');
      started.push(upgraded.payload.jobId);
      assert.equal(upgraded.payload.rolledBack, false, JSON.stringify(upgraded.payload.steps));
      assert.equal(upgraded.payload.oldJobId, deployed.payload.jobId);
      assert.equal(await restoredFrom(flink.url, upgraded.payload.jobId), upgraded.payload.savepoint);
      assert.equal(await waitForJobState(flink.url, deployed.payload.jobId, ['FINISHED']), 'FINISHED');

      const stopped = await press('stop', 'stopped');
      assert.equal(stopped.payload.jobId, upgraded.payload.jobId);
      assert.equal(await waitForJobState(flink.url, upgraded.payload.jobId, ['FINISHED']), 'FINISHED');
    } finally {
      await Promise.all(started.map((jobId) => cancelJob(flink.url, jobId)));
    }
  });

  describe('time-of-day rescale (on a cluster with the adaptive scheduler)', function () {
    let deployed: string | undefined;
    const jarEnv = process.env.FLINK_JOB_JAR;

    afterEach(async function () {
      if (jarEnv === undefined) delete process.env.FLINK_JOB_JAR;
      else process.env.FLINK_JOB_JAR = jarEnv;
      if (deployed) await cancelJob((await adaptiveTestFlink(this)).url, deployed);
      deployed = undefined;
    });

    it('deploys the named job from the jar in Node-RED\'s FLINK_JOB_JAR once (a second press runs no second job), then rescales it to 4 at 08:00 and back to 1 at 20:00, read back from Flink; a rescale before the deploy rescales nothing and says so', async function () {
      requireLocalRun(this, 'starts a cluster with the adaptive scheduler');
      this.timeout(180_000);
      const adaptive = await adaptiveTestFlink(this);
      const jobName = `example-rescale-${process.pid}`;
      // The tab's FLINK_JOB_JAR reads Node-RED's environment, which npm start sets to this jar.
      process.env.FLINK_JOB_JAR = adaptive.jarPath;
      const flow = example('Time-of-day rescale.json', adaptive.url, jobName);
      assert.equal(byName(flow, 'at 08:00: parallelism 4', 'inject').crontab, '00 08 * * *');
      assert.equal(byName(flow, 'at 20:00: parallelism 1', 'inject').crontab, '00 20 * * *');
      await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
      const press = buttons(flow, 'failure', 120_000);
      const client = suite.closeAfterTest(new FlinkClusterClient({ url: adaptive.url }));
      const parallelismInFlink = async (jobId: string): Promise<number[]> => {
        const details = await client.getJobDetails(jobId);
        assert.ok(details.state === 'RUNNING' && details.vertices.every((v) => v.status === 'RUNNING'), `${details.state}: ${JSON.stringify(details.vertices)}`);
        return [...new Set(details.vertices.map((v) => v.parallelism))];
      };
      const jobsNamed = async (): Promise<string[]> => (await client.listJobs()).filter((j) => j.jobName === jobName).map((j) => j.jobId);

      assert.equal((await press('at 08:00: parallelism 4', 'not rescaled')).payload, `${jobName} does not run: not rescaled to 4 (deploy the job first)`);
      const run = await press('deploy the job', 'deployed');
      deployed = run.payload.jobId as string;
      assert.equal(run.payload.jobName, jobName);
      assert.equal(run.payload.state, 'RUNNING');
      assert.deepEqual(await parallelismInFlink(deployed), [1]);
      assert.equal((await press('deploy the job', 'not deployed again')).payload, `${jobName} runs already (${deployed} RUNNING): not deployed again`);
      assert.deepEqual(await jobsNamed(), [deployed], 'one job of the name');

      const morning = await press('at 08:00: parallelism 4', 'rescaled');
      assert.equal(morning.payload.jobId, deployed);
      assert.deepEqual(await parallelismInFlink(deployed), [4]);
      const evening = await press('at 20:00: parallelism 1', 'rescaled');
      assert.equal(evening.payload.jobId, deployed);
      assert.deepEqual(await parallelismInFlink(deployed), [1]);
    });

    it('without FLINK_JOB_JAR in Node-RED\'s environment (an imported example not set up yet), the deploy fails with FLINK_INVALID_ARGUMENT naming msg.jarPath, and runs nothing', async function () {
      delete process.env.FLINK_JOB_JAR;
      const jobName = uniqueName('example-no-jar');
      const flow = example('Time-of-day rescale.json', flink.url, jobName);
      await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
      const failures = collect(byName(flow, 'failure', 'debug').id);
      const deployedMessages = collect(byName(flow, 'deployed', 'debug').id);
      helper.getNode(byName(flow, 'deploy the job', 'inject').id)!.receive({});
      await eventually(() => failures.length > 0, 'the failure at the Catch node', 30_000);
      assert.equal(failures[0]!.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(failures[0]!.error.message, /msg\.jarPath/);
      assert.equal(failures[0]!.error.source.id, byType(flow, 'flink-run-job').id);
      assert.equal(deployedMessages.length, 0);
      const client = suite.closeAfterTest(new FlinkClusterClient({ url: flink.url }));
      assert.deepEqual((await client.listJobs()).filter((j) => j.jobName === jobName), []);
    });
  });

  describe('blue-green upgrade', function () {
    let server: http.Server | undefined;
    const started = new Set<string>();
    const uploaded = new Set<string>();

    afterEach(async function () {
      if (server?.listening) await new Promise((resolve) => server!.close(resolve));
      server = undefined;
      await Promise.all([...started].map((jobId) => cancelJob(flink.url, jobId)));
      await Promise.all([...uploaded].map((jarId) => fetch(`${flink.url}/jars/${jarId}`, { method: 'DELETE' }).then((r) => r.arrayBuffer())));
      started.clear();
      uploaded.clear();
    });

    /** Loads the example with Node-RED's HTTP-in routes served on a port of their own; returns its base URL. */
    async function serve(flow: Example): Promise<string> {
      await helper.load([...FLINK_NODES, ...CORE_NODES, (red: { httpNode: http.RequestListener }) => {
        server = http.createServer(red.httpNode);
      }], flow);
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/flink/upgrade`;
    }

    async function post(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const response = await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(120_000) });
      const body = await response.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const id of [body.newJobId, body.rollbackJobId]) if (id) started.add(id as string);
      for (const id of [body.jarId, body.newJarId]) if (id && id !== flink.jarId) uploaded.add(id as string);
      return { status: response.status, body };
    }

    it('upgrades the tab\'s job from a raw-body jar, then rolls back from a broken multipart one, answering each request', async function () {
      requireLocalFlink(this, flink, 'reads the fixture jar from disk');
      const { jobId, jobName } = await suite.startJob('example-upgrade', { fixture: { entryClass: 'CounterJob', args: ['500'] } });
      const flow = example('Blue-green upgrade.json', flink.url, jobName);
      const url = await serve(flow);
      const results = collect(byName(flow, 'upgraded or rolled back', 'debug').id);
      const jar = readFileSync(path.join(projectRoot, '.cache', 'jobs', flink.version, 'fixture-jobs.jar'));

      // A job `npm start` ran, not this plugin: the first upgrade says which jar it came from.
      const previous = new URLSearchParams({ previousJarId: flink.jarId, previousEntryClass: 'CounterJob', previousArgs: JSON.stringify([jobName, '500']) });
      const first = await post(`${url}/raw?name=counter-v2.jar&${previous}`, { headers: { 'content-type': 'application/octet-stream' }, body: jar });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.oldJobId, jobId);
      assert.equal(first.body.rolledBack, false);
      assert.equal(await waitForJobState(flink.url, jobId, ['FINISHED']), 'FINISHED');
      assert.equal((await (await fetch(`${flink.url}/jobs/${first.body.jobId}`)).json() as { state: string }).state, 'RUNNING');

      // The second upgrade finds the first one's record; its jar breaks at once, so the first one's jar runs again.
      const form = new FormData();
      form.append('jarfile', new Blob([jar], { type: 'application/java-archive' }), 'counter-broken.jar');
      const second = await post(`${url}?entryClass=BrokenCounterJob`, { body: form });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal(second.body.oldJobId, first.body.jobId);
      assert.equal(second.body.rolledBack, true);
      assert.match(second.body.rollbackReason, /BrokenCounterJob fails on its first record/);
      assert.equal(second.body.jarId, first.body.jarId, 'the previous (first upgrade\'s) jar runs again');
      assert.equal((await (await fetch(`${flink.url}/jobs/${second.body.jobId}`)).json() as { state: string; name: string }).state, 'RUNNING');
      assert.deepEqual(results.map((m) => m.payload.rolledBack), [false, true], 'both results went to the debug node');
    });

    it('answers 400 when the request has no jar, before touching the job', async function () {
      const flow = example('Blue-green upgrade.json', flink.url, 'no-such-job');
      const url = await serve(flow);
      const answer = await post(`${url}/raw`, { headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array() });
      assert.equal(answer.status, 400);
      assert.match(answer.body.error, /POST the jar/);
    });
  });
});
