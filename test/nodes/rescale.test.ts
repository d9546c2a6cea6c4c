import assert from 'node:assert/strict';
import { FlinkClusterClient, isFlinkError, type JobDetails } from '../../src';
import { FlinkVersion, SINCE } from '../../src/version';
import { adaptiveTestFlink, type AdaptiveTestFlink } from '../flink/adaptive-cluster';
import { cancelJob } from '../../dev/flink/job';
import { requireLocalRun, requireVersionLeg } from '../flink/skips';
import { clientTestVersions } from '../flink/test-cluster';
import { eventually, helper, FLINK_NODES, operationFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Sends messages into the node `n` of the loaded flow; each resolves with what it sent or what the Catch node got.
 * Listens once per flow, with listeners that stay: Node-RED skips a node's next input listener when a `once`
 * listener removes itself while the input is handed round, which left-over listeners of a race would do.
 */
function outcomes(): (msg: Message) => Promise<Message> {
  const arrived: Message[] = [];
  for (const id of ['out', 'caught']) helper.getNode(id)!.on('input', (msg: Message) => arrived.push(msg));
  return async (msg) => {
    const before = arrived.length;
    helper.getNode('n')!.receive(msg);
    await eventually(() => arrived.length > before, 'the rescale\'s outcome', 110_000);
    return arrived[before]!;
  };
}

function parallelisms(details: JobDetails): number[] {
  return details.vertices.map((vertex) => vertex.parallelism);
}

describe('flink-rescale against a real Flink', function () {
  this.timeout(180_000);
  const suite = withNodeRed();

  for (const version of clientTestVersions()) {
    describe(`on a cluster with the adaptive scheduler (Flink ${version ?? 'default'})`, function () {
      let adaptive: AdaptiveTestFlink;
      let client: FlinkClusterClient;
      let jobId: string;
      const jobName = uniqueName('rescale-node');

      before(async function () {
        requireLocalRun(this, 'starts a cluster with the adaptive scheduler');
        requireVersionLeg(this, version);
        adaptive = await adaptiveTestFlink(this, version);
        client = new FlinkClusterClient({ url: adaptive.url });
        jobId = await adaptive.startJob({ name: jobName, parallelism: 1 });
      });

      after(async function () {
        if (jobId) await cancelJob(adaptive.url, jobId);
        await client?.close();
      });

      it('rescales the named job 1 → 2 (whole job) → 1 (by vertex name), each step read back from Flink\'s job vertices', async function () {
        await helper.load(FLINK_NODES, operationFlow(adaptive.url, { type: 'flink-rescale', jobName }));
        const outcome = outcomes();
        assert.deepEqual(parallelisms(await client.getJobDetails(jobId)).every((p) => p === 1), true, 'the job starts at 1');

        const up = await outcome({ parallelism: 2 });
        assert.ok(!up.error, `rescale to 2: ${JSON.stringify(up.error)}`);
        const atTwo = await client.getJobDetails(jobId);
        assert.equal(atTwo.state, 'RUNNING');
        assert.ok(atTwo.vertices.every((vertex) => vertex.parallelism === 2 && vertex.status === 'RUNNING'), `every vertex RUNNING at 2: ${JSON.stringify(atTwo.vertices)}`);
        const { rescale, ...result } = up.payload;
        assert.deepEqual(result, { jobId, vertices: atTwo.vertices.map(({ id, name, parallelism }) => ({ id, name, parallelism })) });
        if (FlinkVersion.parse(adaptive.version).atLeast(SINCE.rescaleHistory)) {
          // The test cluster keeps a rescale history: the output carries Flink's entry of this rescale, as Flink answers it.
          assert.ok(rescale, 'msg.payload.rescale');
          assert.deepEqual(rescale, await client.getRescaleDetails(jobId, rescale.rescaleUuid));
          const listed = (await client.getRescaleHistory(jobId)).find((entry) => entry.rescaleUuid === rescale.rescaleUuid);
          assert.ok(listed, 'the entry is in the job\'s rescale history');
          assert.deepEqual([rescale.triggerCause, rescale.terminalState, rescale.terminatedReason], ['UPDATE_REQUIREMENT', 'COMPLETED', 'SUCCEEDED']);
          const byId = (a: unknown[], b: unknown[]): number => String(a[0]).localeCompare(String(b[0]));
          assert.deepEqual(Object.values(rescale.vertices).map((v: any) => [v.jobVertexId, v.preRescaleParallelism, v.postRescaleParallelism]).sort(byId), // eslint-disable-line @typescript-eslint/no-explicit-any
            atTwo.vertices.map((vertex) => [vertex.id, 1, 2]).sort(byId));
          console.log(`      [rescale history] Flink ${adaptive.version}: ${JSON.stringify(rescale)}`);
        } else {
          assert.equal(rescale, undefined, 'no rescale history before Flink 2.3');
          await assert.rejects(client.getRescaleHistory(jobId), (err: unknown) => isFlinkError(err, 'FLINK_UNSUPPORTED'));
        }

        const down = await outcome({ parallelism: Object.fromEntries(atTwo.vertices.map((vertex) => [vertex.name, 1])) });
        assert.ok(!down.error, `rescale to 1: ${JSON.stringify(down.error)}`);
        const atOne = await client.getJobDetails(jobId);
        assert.ok(atOne.vertices.every((vertex) => vertex.parallelism === 1 && vertex.status === 'RUNNING'), `every vertex RUNNING at 1: ${JSON.stringify(atOne.vertices)}`);
        assert.equal(atOne.jobId, jobId, 'the same job, rescaled in place');
        assert.deepEqual(down.payload.vertices.map((vertex: { parallelism: number }) => vertex.parallelism), parallelisms(atOne));
      });

      it('a vertex name the job does not have is FLINK_INVALID_ARGUMENT listing its vertices, and the job is left as it was', async function () {
        await helper.load(FLINK_NODES, operationFlow(adaptive.url, { type: 'flink-rescale', jobName }));
        const outcome = outcomes();
        const before = await client.getResourceRequirements(jobId);
        const failed = await outcome({ parallelism: { 'no such vertex': 2 } });
        assert.equal(failed.error?.code, 'FLINK_INVALID_ARGUMENT');
        assert.match(failed.error.message, /msg\.parallelism names "no such vertex", which is not a vertex of the job; its vertices are "/);
        assert.deepEqual(await client.getResourceRequirements(jobId), before);
      });

      // The slot limit is the harness's, not the version's: checked on the first version only.
      if (version === clientTestVersions()[0]) {
        it('more than the free slots: the job keeps running at what it gets, and the node fails with FLINK_TIMEOUT saying at what', async function () {
          await helper.load(FLINK_NODES, operationFlow(adaptive.url, { type: 'flink-rescale', jobName, timeout: 8 }));
          const outcome = outcomes();
          const slots = (await client.getClusterOverview()).slotsTotal;
          const failed = await outcome({ parallelism: slots * 2 });
          assert.equal(failed.error?.code, 'FLINK_TIMEOUT');
          assert.match(failed.error.message, new RegExp(`Job ${jobId} did not run at the new parallelism within 8 s \\(too few free task slots\\?\\): now "`));
          const details = await client.getJobDetails(jobId);
          assert.equal(details.state, 'RUNNING', 'the job still runs');
          const back = await outcome({ parallelism: 1 });
          assert.ok(!back.error, `back to 1: ${JSON.stringify(back.error)}`);
        });
      }
    });
  }

  it('on the default scheduler: FLINK_UNSUPPORTED saying to use flink-upgrade with the new parallelism, and the job keeps running as it was', async function () {
    const { jobId, jobName } = await suite.startJob('rescale-default');
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-rescale', jobName, parallelism: '2' }));
    const outcome = outcomes();
    const failed = await outcome({});
    assert.equal(failed.error?.code, 'FLINK_UNSUPPORTED');
    assert.match(failed.error.message, new RegExp(`Job ${jobId} runs on a scheduler that cannot rescale a job in place .*use flink-upgrade with the new parallelism instead`));
    assert.equal(failed.jobId, jobId);
    const client = suite.closeAfterTest(new FlinkClusterClient({ url: suite.flink.url }));
    const details = await client.getJobDetails(jobId);
    assert.equal(details.state, 'RUNNING');
    assert.ok(details.vertices.every((vertex) => vertex.parallelism === 1));
  });
});
