import assert from 'node:assert/strict';
import { jobLevelMetrics, seriesOf, vertexMetrics, wantedVertexMetrics } from '../../nodes/lib/metrics/job-metrics';
import { MetricsSampler } from '../../nodes/lib/metrics/metrics-sampler';
import type { JobMetrics } from '../../nodes/lib/metrics/job-metrics';
import type { FlinkClusterClient } from '../../src';
import { eventually } from '../support/eventually';

const JOB = 'a'.repeat(32);
const VERTICES = [{ id: '1'.repeat(32), name: 'source', parallelism: 2 }, { id: '2'.repeat(32), name: 'sink', parallelism: 2 }];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that answers the sampler's reads at once and records each call (no HTTP: the sharing is under test). */
function recordingClient(): { client: FlinkClusterClient; calls: string[]; vertices: typeof VERTICES } {
  const calls: string[] = [];
  const vertices = structuredClone(VERTICES);
  const client = {
    getJobDetails: async () => { calls.push('details'); return { vertices }; },
    getJobMetrics: async () => { calls.push('job'); return { uptime: '5000', numRestarts: '1', lastCheckpointDuration: '-1', lastCheckpointSize: '-1', lastCheckpointCompletedTimestamp: '-1' }; },
    getVertexMetricIds: async (_job: string, vertexId: string) => {
      calls.push(`ids ${vertexId[0]}`);
      return ['numRecordsOutPerSecond', 'busyTimeMsPerSecond', 'numBytesOut', ...(vertexId === VERTICES[0]!.id ? ['Source__s.pendingRecords'] : [])];
    },
    getVertexMetrics: async (_job: string, vertexId: string, names: string[]) => {
      calls.push(`metrics ${vertexId[0]} ${names.join(',')}`);
      return { numRecordsOutPerSecond: { sum: 10, max: 5, avg: 5, min: 5 }, busyTimeMsPerSecond: { max: 700, avg: 400, sum: 800, min: 100 } };
    },
  };
  return { client: client as unknown as FlinkClusterClient, calls, vertices };
}

describe('metrics sampler (one per cluster, shared by its metrics nodes) and the metrics message', function () {
  it('measures a job two nodes select once per round, asks only for the metrics each vertex lists, and delivers to both', async function () {
    const { client, calls, vertices } = recordingClient();
    const sampler = new MetricsSampler(() => client);
    const received: Array<[string, JobMetrics]> = [];
    const [one, two] = ['one', 'two'].map((node) => sampler.subscribe(node === 'one' ? 200 : 5000, (_jobId, metrics) => received.push([node, metrics])));
    one!.want(new Map([[JOB, 'job']]));
    two!.want(new Map([[JOB, 'job']]));
    try {
      const jobRounds = (): number => calls.filter((call) => call === 'job').length;
      await eventually(() => jobRounds() >= 3, 'three rounds at one per 200 ms', 5000);
      // A round runs to its end within one turn of the event loop (the client answers at once): the counts below agree.
      const rounds = jobRounds();
      assert.ok(rounds <= 5, `${rounds} rounds when the third was seen: one per 200 ms, shared by both nodes`);
      assert.equal(calls.filter((call) => call === 'details').length, rounds, 'the vertices are read each round');
      assert.deepEqual(calls.filter((call) => call.startsWith('ids')).sort(), ['ids 1', 'ids 2'], 'each vertex\'s metric ids are read once');
      assert.equal(calls.filter((call) => call.startsWith('metrics 1')).length, rounds, 'one request per vertex and round');
      assert.ok(calls.includes('metrics 1 Source__s.pendingRecords,busyTimeMsPerSecond,numRecordsOutPerSecond'), calls.join('\n'));
      assert.ok(calls.includes('metrics 2 busyTimeMsPerSecond,numRecordsOutPerSecond'), 'never a metric the vertex lacks');
      assert.equal(received.filter(([node]) => node === 'one').length, rounds);
      assert.equal(received.filter(([node]) => node === 'two').length, rounds);
      const [, metrics] = received[0]!;
      assert.deepEqual(metrics.vertices[1], { id: VERTICES[1]!.id, name: 'sink', parallelism: 2, recordsOutPerSecond: 10, busyTimeMsPerSecond: { max: 700, avg: 400 } });
      assert.equal(metrics.uptimeMs, 5000);
      assert.equal(metrics.numRestarts, 1);
      assert.equal(metrics.lastCheckpoint, undefined, 'Flink\'s -1 before the first checkpoint: no last checkpoint');
      vertices[0]!.parallelism = 4; // the job is rescaled
      const seen = received.length;
      await eventually(() => received.length > seen + 1, 'a round after the rescale', 5000);
      assert.equal(received.at(-1)![1].vertices[0]!.parallelism, 4, 'the next rounds report the new parallelism');
      assert.deepEqual(calls.filter((call) => call.startsWith('ids')).sort(), ['ids 1', 'ids 2'], 'the metric ids are still read once');
    } finally {
      await Promise.all([one!.unsubscribe(), two!.unsubscribe()]);
    }
    const after = calls.length;
    await sleep(300); // an absence: no event to wait for, only time for a round (one per 200 ms) to have come
    assert.equal(calls.length, after, 'nothing is asked once the last node left');
  });

  it('leaves out what Flink does not report, never 0, and names each series', function () {
    const vertex = { id: 'v', name: 'map', parallelism: 1 };
    assert.deepEqual(vertexMetrics(vertex, {}, 0), vertex);
    assert.deepEqual(vertexMetrics(vertex, { currentInputWatermark: { min: -9223372036854775808 } }, 1000), vertex, 'no watermark yet');
    assert.deepEqual(vertexMetrics(vertex, { currentInputWatermark: { min: 400 }, 'Source__s.pendingRecords': { sum: 7 } }, 1000),
      { ...vertex, watermarkLagMs: 600, pendingRecords: 7 });
    assert.deepEqual(vertexMetrics(vertex, { busyTimeMsPerSecond: { max: 3 } }, 0), vertex, 'a share needs its max and average');
    assert.deepEqual(jobLevelMetrics({ uptime: '12', lastCheckpointDuration: '30', lastCheckpointSize: '2048', lastCheckpointCompletedTimestamp: '99' }),
      { uptimeMs: 12, lastCheckpoint: { durationMs: 30, sizeBytes: 2048, at: 99 } });
    assert.deepEqual(wantedVertexMetrics(['numBytesIn', 'idleTimeMsPerSecond', 'x.watermarkLag']), ['idleTimeMsPerSecond', 'x.watermarkLag']);
    const series = seriesOf({ jobId: JOB, jobName: 'j', at: 1, uptimeMs: 5, vertices: [{ ...vertex, recordsOutPerSecond: 2, idleTimeMsPerSecond: { max: 9, avg: 4 } }] });
    assert.deepEqual(series, [
      { series: 'j/uptimeMs', value: 5 }, { series: 'j/map/recordsOutPerSecond', value: 2 },
      { series: 'j/map/idleTimeMsPerSecond.max', value: 9 }, { series: 'j/map/idleTimeMsPerSecond.avg', value: 4 },
    ]);
  });
});
