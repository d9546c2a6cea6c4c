import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import type { FlinkClusterNode } from '../../nodes/lib/cluster/cluster-node';
import { lastDeployment } from '../../nodes/lib/deploy/deployments';
import { ensureFlinkInstalled } from '../../dev/flink/distribution';
import { buildFixtureJar, cancelJob, waitForJobRunning } from '../../dev/flink/job';
import { requireLocalFlink, requireVersionLeg } from '../flink/skips';
import { clientTestVersions, testFlink, type TestFlink } from '../flink/test-cluster';
import { answerWith, assertSpecAllowed, forward, startStubServer } from '../support/stub-server';
import { startFlinkProxy, type ProxiedRequest } from './flink-proxy';
import { clusterConfig, eventually, helper, FLINK_NODES, nextMessage, operationFlow, roundTrip, testFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('flink-run-job against a real Flink', function () {
  this.timeout(120_000);
  const suite = withNodeRed();
  let client: FlinkClusterClient;
  let jarPath: string;
  /** Jobs the tests ran through the node (cluster URL, job id): cancelled after each test. */
  const ran: Array<[string, string]> = [];
  /** The cluster the running test's node talks to. */
  let target: TestFlink;

  beforeEach(function () {
    target = suite.flink;
  });

  before(async function () {
    client = new FlinkClusterClient({ url: suite.flink.url });
    jarPath = await buildFixtureJar(await ensureFlinkInstalled(suite.flink.version));
  });

  afterEach(async function () {
    await Promise.all(ran.splice(0).map(([url, jobId]) => cancelJob(url, jobId)));
  });

  after(async function () {
    await client?.close();
  });

  /** Runs the node `n` on one message and returns what it sent, or fails with what a Catch node got. */
  async function run(msg: Message): Promise<Message> {
    const caught = nextMessage('caught', 110_000);
    const sent = nextMessage('out', 110_000);
    helper.getNode('n')!.receive(msg);
    const first = await Promise.race([sent, caught]);
    if (first.payload?.jobId) ran.push([target.url, first.payload.jobId as string]);
    if (first.error) {
      if (first.jobId) ran.push([target.url, first.jobId as string]);
      assert.fail(`the run failed: ${first.error.code} ${first.error.message}`);
    }
    return first;
  }

  /** The node's error for one message (sent to the Catch node), and the jobs Flink has after it. */
  async function failure(msg: Message): Promise<Message> {
    const caught = await roundTrip('n', msg, 'caught', 110_000);
    if (caught.jobId) ran.push([target.url, caught.jobId as string]);
    return caught;
  }

  async function assertRunningInFlink(jobId: string, name: string, flink = client): Promise<void> {
    const details = await flink.getJobDetails(jobId);
    assert.equal(details.jobName, name);
    assert.equal(details.state, 'RUNNING');
    assert.ok(details.vertices.length > 0 && details.vertices.every((vertex) => vertex.status === 'RUNNING'),
      `every vertex RUNNING: ${details.vertices.map((vertex) => vertex.status).join(', ')}`);
  }

  it('runs a jar from a file path once every vertex is RUNNING, with its arguments and parallelism, and records the deployment', async function () {
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', entryClass: 'EndlessJob' }));
    const name = uniqueName('run-path');
    const msg = await run({ jarPath, programArgs: [name], parallelism: 2 });
    const { jobId, jarId } = msg.payload;
    assert.deepEqual(msg.payload, { jobId, jobName: name, jarId, state: 'RUNNING', jarDeleted: false });
    assert.equal(msg.jobId, jobId);
    await assertRunningInFlink(jobId, name);
    assert.ok((await client.getJobDetails(jobId)).vertices.every((vertex) => vertex.parallelism === 2), 'every vertex at parallelism 2');
    assert.ok((await client.listJars()).some((jar) => jar.id === jarId), 'the uploaded jar is kept');
    const state = (helper.getNode('cluster') as unknown as FlinkClusterNode).state();
    const record = await lastDeployment(state, name);
    assert.ok(record && record.at <= Date.now());
    assert.deepEqual({ ...record, at: 0 }, {
      jobName: name, jobId, jarId, jarDeleted: false, entryClass: 'EndlessJob', programArgs: [name], parallelism: 2,
      at: 0,
    });
    await client.deleteJar(jarId);
  });

  it('runs a jar from a Buffer in msg.payload named by msg.filename, and deletes the jar it uploaded when told to', async function () {
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', deleteJar: true }));
    const name = uniqueName('run-buffer');
    const msg = await run({ payload: readFileSync(jarPath), filename: '/data/in/my-job.jar', programArgs: [name] });
    assert.equal(msg.payload.jarDeleted, true);
    assert.match(msg.payload.jarId, /_my-job\.jar$/, 'uploaded under msg.filename\'s name');
    await assertRunningInFlink(msg.payload.jobId, name);
    assert.ok(!(await client.listJars()).some((jar) => jar.id === msg.payload.jarId), 'Flink no longer lists the jar');
  });

  it('runs an uploaded jar given by id, which it never deletes, with the job\'s own Flink configuration', async function () {
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', deleteJar: true, jarId: suite.flink.jarId }));
    const name = uniqueName('run-id');
    const msg = await run({ programArgs: [name], flinkConfiguration: { 'pipeline.max-parallelism': 64 } });
    assert.equal(msg.payload.jarId, suite.flink.jarId);
    assert.equal(msg.payload.jarDeleted, false);
    await assertRunningInFlink(msg.payload.jobId, name);
    assert.ok((await client.listJars()).some((jar) => jar.id === suite.flink.jarId), 'the jar given by id is still there');
    const details = await fetch(`${suite.flink.url}/jobs/${msg.payload.jobId}`).then((r) => r.json()) as { vertices: Array<{ maxParallelism: number }> };
    assert.ok(details.vertices.every((vertex) => vertex.maxParallelism === 64), `every vertex has the max parallelism the job's configuration set: ${details.vertices.map((vertex) => vertex.maxParallelism).join(', ')}`);
  });

  for (const version of clientTestVersions()) {
    describe(`on Flink ${version ?? 'of the run'}`, function () {
      let leg: TestFlink;
      let legClient: FlinkClusterClient;

      before(async function () {
        requireVersionLeg(this, version);
        leg = await testFlink(version);
        legClient = new FlinkClusterClient({ url: leg.url });
      });

      beforeEach(function () {
        target = leg;
      });

      after(async function () {
        await legClient?.close();
      });

      it('runs from the savepoint a savepoint node wired before it took: Flink restored the new job from that location', async function () {
        const oldJobId = await target.startJob({ name: uniqueName('run-from-savepoint-old') });
        ran.push([target.url, oldJobId]);
        const name = uniqueName('run-from-savepoint');
        // Through a proxy that keeps every request, to check them against Flink's spec.
        const proxy = suite.closeAfterTest(await startStubServer());
        proxy.handle((request, response) => {
          forward(target.url, request).then((answer) => answerWith(response, answer), () => response.destroy());
        });
        await helper.load(FLINK_NODES, testFlow(proxy.url, [
          { id: 'n', type: 'flink-savepoint', cancelJob: true, wires: [['r']] },
          { id: 'r', type: 'flink-run-job', jarId: target.jarId, programArgs: JSON.stringify([name]), claimMode: 'NO_CLAIM', wires: [['out']] },
        ]));
        const locations: string[] = [];
        helper.getNode('r')!.on('input', (received: Message) => locations.push(received.payload.location as string));
        const caught = nextMessage('caught', 110_000);
        const sent = nextMessage('out', 110_000);
        helper.getNode('n')!.receive({ jobId: oldJobId });
        const msg = await Promise.race([sent, caught]);
        assert.ok(!msg.error, `no failure: ${JSON.stringify(msg.error)}`);
        ran.push([target.url, msg.payload.jobId]);
        const location = locations[0]!;
        assert.ok(location, 'the savepoint node sent its result on');
        assert.notEqual(msg.payload.jobId, oldJobId);
        await assertRunningInFlink(msg.payload.jobId, name, legClient);
        const restored = (await legClient.getCheckpointStatistics(msg.payload.jobId) as { latest?: { restored?: { external_path?: string; is_savepoint?: boolean } } }).latest?.restored;
        assert.equal(restored?.is_savepoint, true, 'Flink restored the job from a savepoint');
        assert.equal(restored?.external_path, location, 'the one the savepoint node took');
        const record = await lastDeployment((helper.getNode('cluster') as unknown as FlinkClusterNode).state(), name);
        assert.equal(record?.savepointPath, location);
        const runs = proxy.received.filter((request) => /^\/jars\/[^/]+\/run$/.test(request.url));
        assert.deepEqual(runs.map((request) => request.body), [{
          jobId: msg.payload.jobId, programArgsList: [name], savepointPath: location, allowNonRestoredState: false,
          claimMode: 'NO_CLAIM',
        }]);
        assertSpecAllowed(proxy, target.version);
      });

      it('a run whose answer is lost after Flink got it is sent again, and Flink has one job: the one the node reports', async function () {
        const stub = suite.closeAfterTest(await startStubServer());
        let runs = 0;
        stub.handle((request, response, socket) => {
          forward(target.url, request).then((answer) => {
            if (/^\/jars\/[^/]+\/run$/.test(request.url) && ++runs === 1) {
              socket.destroy(); // Flink ran the job; its answer never reaches the node
              return;
            }
            answerWith(response, answer);
          }, () => response.destroy());
        });
        const flow = operationFlow(clusterConfig(stub.url, { retries: 3 }), { type: 'flink-run-job', jarId: target.jarId });
        await helper.load(FLINK_NODES, flow);
        const name = uniqueName('run-retried');
        const msg = await run({ programArgs: [name] });
        assert.equal(runs, 2, 'the run request reached Flink twice');
        const named = (await legClient.listJobs()).filter((job) => job.jobName === name).map((job) => job.jobId);
        assert.deepEqual(named, [msg.payload.jobId], 'Flink has exactly one job of that name, the one reported');
        await assertRunningInFlink(msg.payload.jobId, name, legClient);
      });
    });
  }

  it('told not to wait, sends the state Flink reported right after accepting the job, which then runs', async function () {
    requireLocalFlink(this, suite.flink, 'the job\'s tasks wait for a file on this machine before they run');
    // HeldOpenJob's tasks stay INITIALIZING until the release file exists: a node that waited for every vertex to
    // run could not send before the test lets them, and would be asking Flink about the job again and again.
    const release = path.join(mkdtempSync(path.join(os.tmpdir(), 'held-open-')), 'release');
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    await helper.load(FLINK_NODES, operationFlow(proxy.url, { type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: 'HeldOpenJob', waitRunning: false }));
    const name = uniqueName('run-no-wait');
    try {
      const sent = nextMessage('out', 110_000);
      const caught = nextMessage('caught', 110_000);
      helper.getNode('n')!.receive({ programArgs: [name, release] });
      const runs = (): ProxiedRequest[] => proxy.requests.filter((request) => request.method === 'POST' && /^\/jars\/[^/]+\/run$/.test(request.path));
      await eventually(() => runs().length > 0, 'the run request', 110_000);
      const { jobId } = runs()[0]!.body as { jobId: string };
      ran.push([target.url, jobId]);
      const looks = (): ProxiedRequest[] => proxy.requests.filter((request) => request.method === 'GET' && request.path === `/jobs/${jobId}`);
      // What comes first: the node's message, or a second look at the job while its tasks cannot run (it is waiting).
      let decided = false;
      const lookedAgain = (async (): Promise<never> => {
        while (!decided) {
          if (looks().length > 1) throw new Error(`the node asked Flink about job ${jobId} again instead of sending: it waits for the job to run`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return new Promise<never>(() => undefined);
      })();
      for (const loser of [sent, caught, lookedAgain]) loser.catch(() => undefined);
      const msg = await Promise.race([sent, caught, lookedAgain]).finally(() => { decided = true; });
      assert.ok(!msg.error, `no failure: ${JSON.stringify(msg.error)}`);
      assert.equal(looks().length, 1, 'the node looked at the job once');
      const answered = JSON.parse(looks()[0]!.answer!.body) as { state: string };
      assert.deepEqual(msg.payload, { jobId, jobName: name, jarId: suite.flink.jarId, state: answered.state, jarDeleted: false },
        'the job of the node\'s run request, in the state of Flink\'s answer to the node');
      const held = await client.getJobDetails(jobId);
      assert.ok(held.vertices.every((vertex) => vertex.status !== 'RUNNING'), `sent while no vertex could run: ${held.vertices.map((vertex) => vertex.status).join(', ')}`);
      writeFileSync(release, '');
      await waitForJobRunning(suite.flink.url, jobId);
      await assertRunningInFlink(jobId, name);
      assert.equal(looks().length, 1, 'the node did not look at the job again');
    } finally {
      rmSync(path.dirname(release), { recursive: true, force: true });
    }
  });

  it('a job that fails before all its vertices run: FLINK_OPERATION_FAILED with Flink\'s root exception and the job id', async function () {
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: 'FailOnOpenJob' }));
    const caught = await failure({ programArgs: [uniqueName('run-fails')] });
    assert.equal(caught.error.code, 'FLINK_OPERATION_FAILED');
    assert.match(caught.error.message, new RegExp(`Job ${caught.jobId} ended FAILED before all its vertices were RUNNING: FailOnOpenJob fails as it opens`));
    assert.equal(await client.getJobStatus(caught.jobId), 'FAILED', 'Flink has the job, FAILED');
  });

  it('refuses malformed or conflicting inputs naming the property, and runs nothing', async function () {
    // Other files run jobs on the shared cluster side by side: what this node sent is read from a proxy of its own.
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    await helper.load(FLINK_NODES, operationFlow(proxy.url, { type: 'flink-run-job' }));
    const cases: Array<[Message, RegExp]> = [
      [{ jarId: suite.flink.jarId, jarPath }, /more than one jar \(msg\.jarId, msg\.jarPath\)/],
      [{ jarPath, payload: readFileSync(jarPath) }, /more than one jar \(msg\.jarPath, msg\.payload \(a Buffer\)\)/],
      [{}, /^No jar to run/],
      [{ payload: Buffer.from('not a jar') }, /^msg\.payload must be a jar file's bytes/],
      [{ payload: readFileSync(jarPath), filename: 'job.zip' }, /^msg\.filename must be a name ending in \.jar/],
      [{ jarPath: '/nonexistent/job.jar' }, /^msg\.jarPath: cannot read \/nonexistent\/job\.jar on the Node-RED host \(ENOENT\)/],
      [{ jarId: '../etc/passwd' }, /^msg\.jarId must be an uploaded jar's id/],
      [{ jarId: suite.flink.jarId, programArgs: 'a b' }, /^msg\.programArgs must be an array of strings/],
      [{ jarId: suite.flink.jarId, parallelism: 0 }, /^msg\.parallelism must be a whole number from 1 to 32768, got the number 0/],
      [{ jarId: suite.flink.jarId, claimMode: 'CLAIM' }, /^msg\.claimMode applies only to a run from a savepoint/],
      [{ jarId: suite.flink.jarId, claimMode: 'MINE', savepointPath: '/tmp/sp' }, /^msg\.claimMode must be one of CLAIM, NO_CLAIM, LEGACY/],
      [{ jarId: suite.flink.jarId, payload: { location: '/tmp/sp' } }, /^msg\.payload has a location but is not a savepoint or stop node's result/],
      [{ jarId: suite.flink.jarId, flinkConfiguration: { 'a.b': { nested: 1 } } }, /^msg\.flinkConfiguration\["a\.b"\] must be a string, a number or a boolean/],
    ];
    for (const [msg, message] of cases) {
      const caught = await failure(msg);
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT', JSON.stringify(msg).slice(0, 80));
      assert.match(caught.error.message.replace(/^FlinkNodeError: /, ''), message);
    }
    const sent = proxy.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`);
    assert.deepEqual(sent, [], 'nothing was uploaded or run');
  });

  it('a jar whose entry class Flink cannot run fails with the job id it was given', async function () {
    // Through a proxy that keeps every request: the id the node gave Flink is in its run request.
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    await helper.load(FLINK_NODES, operationFlow(proxy.url, { type: 'flink-run-job', jarId: suite.flink.jarId }));
    const caught = await failure({ entryClass: 'NoSuchJob', programArgs: [uniqueName('run-no-class')] });
    const runs = proxy.requests.filter((request) => request.method === 'POST' && /^\/jars\/[^/]+\/run$/.test(request.path));
    assert.equal(runs.length, 1, 'one run request');
    const given = (runs[0]!.body as { jobId: string }).jobId;
    assert.match(String(given), /^[0-9a-f]{32}$/, 'the node gave Flink a job id');
    assert.equal(caught.jobId, given, 'msg.jobId is the id the node sent');
    assert.match(caught.error.message, /NoSuchJob/);
    await assert.rejects(client.getJobStatus(caught.jobId), { code: 'FLINK_JOB_NOT_FOUND' }, 'Flink started no job');
  });
});
