import assert from 'node:assert/strict';
import { HealthSampler } from '../../nodes/lib/health/health-sampler';
import type { JobHealthSample, SampleNeeds } from '../../nodes/lib/health/job-sample';
import type { FlinkClusterClient } from '../../src';

const jobIds = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(32));
const RESTARTS: SampleNeeds = { restarts: true, checkpoints: false, backpressure: false };
const EVERYTHING: SampleNeeds = { restarts: true, checkpoints: true, backpressure: true };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Call { method: string; jobId: string; at: number }

/** A client that answers the sampler's reads at once and records each call (no HTTP: the scheduling is under test). */
function recordingClient(): { client: FlinkClusterClient; calls: Call[] } {
  const calls: Call[] = [];
  const record = (method: string, jobId: string): void => { calls.push({ method, jobId, at: Date.now() }); };
  const client = {
    getJobMetrics: async (jobId: string) => { record('metrics', jobId); return { numRestarts: '2' }; },
    getCheckpointConfig: async (jobId: string) => { record('config', jobId); return { enabled: true, intervalMs: 1000 }; },
    getCheckpointSummary: async (jobId: string) => {
      record('checkpoints', jobId);
      return { completed: 1, failed: 0, inProgress: 0, latestCompleted: null, latestFailed: null, history: [] };
    },
    getJobDetails: async (jobId: string) => { record('details', jobId); return { vertices: [{ id: 'v'.repeat(32), name: 'source' }] }; },
    getVertexBackpressure: async (jobId: string) => { record('backpressure', jobId); return { level: 'high', measuredAt: 1, subtasks: [] }; },
  };
  return { client: client as unknown as FlinkClusterClient, calls };
}

describe('health sampler (one per cluster, shared by its health nodes)', function () {
  it('spreads the first rounds of many jobs over the interval instead of one burst', async function () {
    const { client, calls } = recordingClient();
    const sampler = new HealthSampler(() => client);
    const started = Date.now();
    const subscription = sampler.subscribe(800, () => undefined);
    subscription.want(new Map(jobIds.map((jobId) => [jobId, RESTARTS])));
    try {
      await sleep(900);
      // Timers never fire early: job k's first round starts no sooner than k quarters of the interval in.
      const first = jobIds.map((jobId) => calls.find((call) => call.jobId === jobId)!.at - started);
      first.forEach((at, k) => assert.ok(at >= k * 200 - 5, `job ${k} first measured ${at} ms in: ${JSON.stringify(first)}`));
    } finally {
      await subscription.unsubscribe();
    }
  });

  it('measures a job several nodes select once per the shortest interval, with what any of them needs, and delivers to each', async function () {
    const { client, calls } = recordingClient();
    const sampler = new HealthSampler(() => client);
    const received: Array<{ node: string; sample: JobHealthSample }> = [];
    const [one, two] = ['one', 'two'].map((node) => sampler.subscribe(node === 'one' ? 300 : 5000, (_jobId, sample) => received.push({ node, sample })));
    one!.want(new Map([[jobIds[0]!, RESTARTS]]));
    two!.want(new Map([[jobIds[0]!, EVERYTHING]]));
    try {
      await sleep(1000);
      const metrics = calls.filter((call) => call.method === 'metrics');
      assert.ok(metrics.length >= 1 && metrics.length <= 4, `${metrics.length} rounds in 1 s at one per 300 ms at most, shared by both nodes`);
      assert.equal(calls.filter((call) => call.method === 'config').length, 1, 'the checkpoint configuration is read once per job');
      assert.equal(calls.filter((call) => call.method === 'details').length, 1, 'the vertices are read once per job');
      assert.equal(calls.filter((call) => call.method === 'backpressure').length, metrics.length, 'one backpressure read per vertex and round');
      const last = received[received.length - 1]!.sample;
      assert.equal(last.restarts, 2);
      assert.deepEqual(last.checkpointing, { enabled: true, intervalMs: 1000 });
      assert.deepEqual(last.backpressure, [{ vertexId: 'v'.repeat(32), vertexName: 'source', level: 'high' }]);
      assert.equal(received.filter(({ node }) => node === 'one').length, received.filter(({ node }) => node === 'two').length, 'each round goes to both');

      await one!.unsubscribe();
      await two!.unsubscribe();
      const after = calls.length;
      await sleep(500);
      assert.equal(calls.length, after, 'no round once the last node has left');
      assert.deepEqual(sampler.sampledJobs, []);
    } finally {
      await sampler.close();
    }
  });

  it('stops measuring a job no node selects any more', async function () {
    const { client, calls } = recordingClient();
    const sampler = new HealthSampler(() => client);
    const subscription = sampler.subscribe(200, () => undefined);
    subscription.want(new Map([[jobIds[0]!, RESTARTS], [jobIds[1]!, RESTARTS]]));
    try {
      await sleep(300);
      subscription.want(new Map([[jobIds[1]!, RESTARTS]]));
      const after = calls.filter((call) => call.jobId === jobIds[0]).length;
      await sleep(500);
      assert.equal(calls.filter((call) => call.jobId === jobIds[0]).length, after);
      assert.deepEqual(sampler.sampledJobs, [jobIds[1]]);
    } finally {
      await subscription.unsubscribe();
    }
  });

  it('drops a round it has no client for (the config closing) and measures again at the next', async function () {
    const { client, calls } = recordingClient();
    let refused = 0;
    const sampler = new HealthSampler(() => {
      if (refused++ === 0) throw new Error('The Flink cluster config was closed');
      return client;
    });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => { rejections.push(reason); };
    process.on('unhandledRejection', onRejection);
    const subscription = sampler.subscribe(200, () => undefined);
    subscription.want(new Map([[jobIds[0]!, RESTARTS]]));
    try {
      await sleep(500);
      assert.ok(calls.length >= 1, 'measured at the next round');
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      await subscription.unsubscribe();
    }
  });
});
