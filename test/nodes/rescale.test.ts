import assert from 'node:assert/strict';
import { FlinkClusterClient, type JobDetails } from '../../src';
import { adaptiveTestFlink, type AdaptiveTestFlink } from '../flink/adaptive-cluster';
import { cancelJob } from '../flink/job';
import { requireLocalRun, requireVersionLeg } from '../flink/skips';
import { clientTestVersions } from '../flink/test-cluster';
import { helper, FLINK_NODES, nextMessage, operationFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sends one message into the node `n`; resolves with what it sent, or with what the Catch node got. */
async function outcome(msg: Message): Promise<Message> {
  const caught = nextMessage('caught', 110_000);
  const sent = nextMessage('out', 110_000);
  helper.getNode('n')!.receive(msg);
  return Promise.race([sent, caught]);
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
        adaptive = await adaptiveTestFlink(version);
        client = new FlinkClusterClient({ url: adaptive.url });
        jobId = await adaptive.startJob({ name: jobName, parallelism: 1 });
      });

      after(async function () {
        if (jobId) await cancelJob(adaptive.url, jobId);
        await client?.close();
      });

      it('rescales the named job 1 → 2 (whole job) → 1 (by vertex name), each step read back from Flink\'s job vertices', async function () {
        await helper.load(FLINK_NODES, operationFlow(adaptive.url, { type: 'flink-rescale', jobName }));
        assert.deepEqual(parallelisms(await client.getJobDetails(jobId)).every((p) => p === 1), true, 'the job starts at 1');

        const up = await outcome({ parallelism: 2 });
        assert.ok(!up.error, `rescale to 2: ${JSON.stringify(up.error)}`);
        const atTwo = await client.getJobDetails(jobId);
        assert.equal(atTwo.state, 'RUNNING');
        assert.ok(atTwo.vertices.every((vertex) => vertex.parallelism === 2 && vertex.status === 'RUNNING'), `every vertex RUNNING at 2: ${JSON.stringify(atTwo.vertices)}`);
        assert.deepEqual(up.payload, { jobId, vertices: atTwo.vertices.map(({ id, name, parallelism }) => ({ id, name, parallelism })) });

        const down = await outcome({ parallelism: Object.fromEntries(atTwo.vertices.map((vertex) => [vertex.name, 1])) });
        assert.ok(!down.error, `rescale to 1: ${JSON.stringify(down.error)}`);
        const atOne = await client.getJobDetails(jobId);
        assert.ok(atOne.vertices.every((vertex) => vertex.parallelism === 1 && vertex.status === 'RUNNING'), `every vertex RUNNING at 1: ${JSON.stringify(atOne.vertices)}`);
        assert.equal(atOne.jobId, jobId, 'the same job, rescaled in place');
        assert.deepEqual(down.payload.vertices.map((vertex: { parallelism: number }) => vertex.parallelism), parallelisms(atOne));
      });

      it('a vertex name the job does not have is FLINK_INVALID_ARGUMENT listing its vertices, and the job is left as it was', async function () {
        await helper.load(FLINK_NODES, operationFlow(adaptive.url, { type: 'flink-rescale', jobName }));
        const before = await client.getResourceRequirements(jobId);
        const failed = await outcome({ parallelism: { 'no such vertex': 2 } });
        assert.equal(failed.error?.code, 'FLINK_INVALID_ARGUMENT');
        assert.match(failed.error.message, /msg\.parallelism names "no such vertex", which is not a vertex of the job; its vertices are "/);
        assert.deepEqual(await client.getResourceRequirements(jobId), before);
      });
    });
  }

  it('on the default scheduler: FLINK_UNSUPPORTED saying to use flink-upgrade with the new parallelism, and the job keeps running as it was', async function () {
    const { jobId, jobName } = await suite.startJob('rescale-default');
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-rescale', jobName, parallelism: '2' }));
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
