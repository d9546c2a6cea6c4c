import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { fixturesDir } from '../../dev/paths';
import { eventually, FLINK_NODES, helper, nextMessage, statuses, withNodeRed, type FlowNode } from './node-harness';

/* eslint-disable @typescript-eslint/no-require-imports -- Node-RED core node files, without type definitions */
const CORE_NODES = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/21-debug.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The job name the 0.1.0 flow's buttons set. */
const SAVED_JOB_NAME = 'orders-pipeline';

/** test/fixtures/flow-0.1.0.json: every node type as 0.1.0 saved it (its cluster with inline TLS off). */
function flowSavedBy010(url: string, jobName: string): FlowNode[] {
  const text = readFileSync(path.join(fixturesDir, 'flow-0.1.0.json'), 'utf8').split(`"${SAVED_JOB_NAME}"`).join(JSON.stringify(jobName));
  const flow = JSON.parse(text) as FlowNode[];
  for (const node of flow) if (node.type === 'flink-cluster') node.url = url;
  return flow;
}

describe('a flow saved by 0.1.0', function () {
  const suite = withNodeRed();

  it('deploys unchanged and runs every node type against the real Flink', async function () {
    const { flink } = suite;
    const client = suite.closeAfterTest(new FlinkClusterClient({ url: flink.url }));
    const { jobId, jobName } = await suite.startJob('flow-010');
    const flow = flowSavedBy010(flink.url, jobName);
    const cluster = flow.find((node) => node.type === 'flink-cluster')!;
    assert.deepEqual([cluster.caPath, cluster.certPath, cluster.keyPath, cluster.verifyServer, cluster.tls], ['', '', '', true, undefined],
      'the fixture is a 0.1.0 cluster: inline TLS fields, no tls-config');
    const id = (name: string, type: string): string => flow.find((node) => node.name === name && node.type === type)!.id;
    await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
    const watchStatus = statuses(flow.find((node) => node.type === 'flink-job-watch')!.id);
    const press = async (button: string, output: string): Promise<Record<string, any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const arrived = nextMessage(id(output, 'debug'), 120_000);
      helper.getNode(id(button, 'inject'))!.receive({});
      return arrived;
    };

    const listed = await press('list jobs', 'jobs');
    assert.ok((listed.payload as Array<{ jobId: string; state: string }>).some((job) => job.jobId === jobId && job.state === 'RUNNING'));
    assert.deepEqual((await press('status', 'status')).payload, { jobId, state: 'RUNNING' });
    assert.equal((await press('accumulators', 'accumulators')).payload.jobId, jobId);

    const { checkpointId } = (await press('checkpoint', 'checkpoint')).payload as { checkpointId: number };
    await fromCheckpointStatistics(client, jobId, (stats) => stats.history.find((entry) => entry.id === checkpointId && entry.status === 'COMPLETED'));

    // The savepoint goes to its debug node and to the dispose node, which deletes it.
    const disposed = nextMessage(id('disposed', 'debug'), 120_000);
    const saved = (await press('savepoint', 'savepoint')).payload as { location: string; jobId: string };
    assert.equal(saved.jobId, jobId);
    const entry = await fromCheckpointStatistics(client, jobId, (stats) => stats.history.find((e) => e.is_savepoint && e.external_path === saved.location));
    assert.equal(entry.status, 'COMPLETED');
    assert.deepEqual((await disposed).payload, { savepointPath: saved.location, disposed: true });

    const stopped = (await press('stop', 'stopped')).payload as { jobId: string; location: string };
    assert.equal(stopped.jobId, jobId);
    assert.equal(await client.getJobStatus(jobId), 'FINISHED');

    const second = await flink.startJob({ name: jobName }); // a second job of the same name, for the cancel button
    suite.closeAfterTest({ close: () => cancelJob(flink.url, second) });
    assert.deepEqual((await press('cancel', 'canceled')).payload, { jobId: second, state: 'CANCELED' });
    assert.equal(await waitForJobState(flink.url, second, ['CANCELED']), 'CANCELED');

    await eventually(() => watchStatus.some((status) => status.fill === 'green' && /^jobs: \d+/.test(status.text ?? '')),
      'the watch node listing the cluster\'s jobs');
  });
});
