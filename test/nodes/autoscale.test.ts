import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import type { Decision } from '../../nodes/lib/autoscale/autoscaler';
import { cancelJob } from '../../dev/flink/job';
import { adaptiveTestFlink, type AdaptiveTestFlink } from '../flink/adaptive-cluster';
import { requireLocalRun } from '../flink/skips';
import { byName, CORE_NODES, example } from './example-flow';
import { collect, eventually, FLINK_NODES, helper, uniqueName, withNodeRed } from './node-harness';

/**
 * ControlledLoadJob's work vertex sleeps this long per record: 175 records/s keep one subtask 70 % busy, 300 saturate
 * it (and keep two at 60 %), 20 keep two at 4 %. Flink's busy time is a 60-second moving average, so the job starts
 * fairly busy (within the thresholds): from there the average crosses 80 % sooner than from idle.
 */
const COST_MS = 4;
const START_LOAD = 175;
const HIGH_LOAD = 300;
const LOW_LOAD = 20;

/**
 * The example's windows and cooldown are minutes (3 up, 10 down, 5 cooldown), which would not fit the suite's
 * budget: the test shortens them through the node's settings, and the metrics interval with them.
 */
const SHORTENED = { upWindow: 10, downWindow: 10, cooldown: 10 };
const METRICS_INTERVAL_S = 2;

describe('the Autoscale example against a real Flink (adaptive scheduler)', function () {
  this.timeout(240_000);
  withNodeRed();
  let adaptive: AdaptiveTestFlink;
  let client: FlinkClusterClient;
  let jobId: string | undefined;
  let loadDir: string;

  before(async function () {
    requireLocalRun(this, 'starts a cluster with the adaptive scheduler');
    adaptive = await adaptiveTestFlink(this);
    client = new FlinkClusterClient({ url: adaptive.url });
    loadDir = mkdtempSync(path.join(os.tmpdir(), 'autoscale-load-'));
  });

  after(async function () {
    if (jobId) await cancelJob(adaptive.url, jobId);
    await client?.close();
    if (loadDir) rmSync(loadDir, { recursive: true, force: true });
  });

  it('scales the job up when its load rises and down after the window when it falls, each step read back from Flink', async function () {
    const loadFile = path.join(loadDir, 'records-per-second');
    const setLoad = (perSecond: number): void => writeFileSync(loadFile, String(perSecond));
    const jobName = uniqueName('autoscale');
    setLoad(START_LOAD);
    const started = Date.now();
    jobId = await adaptive.startJob({ name: jobName, parallelism: 1, fixture: { entryClass: 'ControlledLoadJob', args: [loadFile, String(COST_MS)] } });

    const flow = example('Autoscale.json', adaptive.url, jobName);
    Object.assign(byName(flow, 'autoscale', 'flink-autoscale'), SHORTENED);
    Object.assign(byName(flow, 'job metrics', 'flink-job-metrics'), { interval: METRICS_INTERVAL_S });
    await helper.load([...FLINK_NODES, ...CORE_NODES], flow);
    const decisions = collect(byName(flow, 'decisions', 'debug').id);
    const rescaled = collect(byName(flow, 'rescaled', 'debug').id);
    const failures = collect(byName(flow, 'failure', 'debug').id);

    const seconds = (at: number): string => `${((at - started) / 1000).toFixed(1)} s`;
    const timeline = (line: string, at = Date.now()): void => console.log(`      [autoscale] ${seconds(at)}  ${line}`);
    const told = (): Decision[] => decisions.map((msg) => msg.payload as Decision);
    const awaitDecision = async (what: string, check: (decision: Decision) => boolean, timeoutMs: number): Promise<Decision> => {
      await eventually(() => failures.length > 0 || told().some(check), what, timeoutMs);
      assert.deepEqual(failures.map((msg) => msg.error), [], 'no failure in the flow');
      return told().find(check)!;
    };
    const logDecision = (decision: Decision): void => timeline(`${decision.action}${decision.reason ? ` (${decision.reason})` : ''}: ${decision.why}`, decision.at);
    const parallelismsInFlink = async (): Promise<{ vertices: number[]; upperBounds: number[] }> => ({
      vertices: (await client.getJobDetails(jobId!)).vertices.map((vertex) => vertex.parallelism),
      upperBounds: Object.values(await client.getResourceRequirements(jobId!)).map((requirement) => requirement.parallelism.upperBound),
    });
    timeline(`job ${jobId} running at parallelism 1, load ${START_LOAD} records/s (${COST_MS} ms each on its work vertex)`);

    // Half busy: the node measures and holds. (A task that has just started may first read 100 % busy, until Flink's first measurement of it.)
    const first = await awaitDecision('a hold under the starting load', (decision) => decision.busy !== undefined && decision.busy.percent < 80, 60_000);
    logDecision(first);
    assert.equal(first.action, 'hold');

    // Load rises: over 80 % for the up window → up 1 → 2, flink-rescale rescales the job, the node sees it done.
    setLoad(HIGH_LOAD);
    const roseAt = Date.now();
    timeline(`load rose to ${HIGH_LOAD} records/s`);
    const up = await awaitDecision('scale up', (decision) => decision.action === 'up', 90_000);
    logDecision(up);
    assert.deepEqual(up.parallelism, { from: 1, to: 2 });
    assert.ok(up.busy!.percent > 80, `busy ${up.busy!.percent} %`);
    assert.equal(up.busy!.vertex, 'work');
    assert.ok(up.window!.forMs >= SHORTENED.upWindow * 1000, `sustained ${up.window!.forMs} ms`);
    assert.ok(up.at > roseAt);
    await eventually(() => failures.length > 0 || rescaled.length === 1, 'flink-rescale\'s output for the scale-up', 90_000);
    assert.deepEqual(failures.map((msg) => msg.error), []);
    timeline(`flink-rescale: every vertex at ${JSON.stringify(rescaled[0]!.payload.vertices.map((vertex: { parallelism: number }) => vertex.parallelism))}`);
    assert.deepEqual(await parallelismsInFlink(), { vertices: [2, 2, 2], upperBounds: [2, 2, 2] }, 'Flink runs the job at 2');
    const upDone = await awaitDecision('the scale-up seen done', (decision) => decision.action === 'rescaled' && decision.parallelism.to === 2, 60_000);
    logDecision(upDone);
    const inFlight = told().filter((decision) => decision.at > up.at && decision.at < upDone.at);
    assert.deepEqual(inFlight.map((decision) => [decision.action, decision.reason]).filter(([, reason]) => reason !== 'rescaling'), [], 'nothing but "rescaling" while in flight');

    // Load falls: under 20 % for the down window, after the cooldown → down 2 → 1.
    const cooling = await awaitDecision('the cooldown at 2', (decision) => decision.at > upDone.at && decision.reason === 'cooldown', 60_000);
    logDecision(cooling);
    setLoad(LOW_LOAD);
    const fellAt = Date.now();
    timeline(`load fell to ${LOW_LOAD} records/s`);
    const down = await awaitDecision('scale down', (decision) => decision.action === 'down', 90_000);
    logDecision(down);
    assert.deepEqual(down.parallelism, { from: 2, to: 1 });
    assert.ok(down.busy!.percent < 20, `busy ${down.busy!.percent} %`);
    assert.ok(down.window!.forMs >= SHORTENED.downWindow * 1000, `sustained ${down.window!.forMs} ms`);
    assert.ok(down.at > fellAt);
    assert.ok(down.at - upDone.at >= SHORTENED.cooldown * 1000, 'not within the cooldown after the scale-up');
    await eventually(() => failures.length > 0 || rescaled.length === 2, 'flink-rescale\'s output for the scale-down', 90_000);
    assert.deepEqual(failures.map((msg) => msg.error), []);
    assert.deepEqual(await parallelismsInFlink(), { vertices: [1, 1, 1], upperBounds: [1, 1, 1] }, 'Flink runs the job at 1');
    const downDone = await awaitDecision('the scale-down seen done', (decision) => decision.action === 'rescaled' && decision.parallelism.to === 1, 60_000);
    logDecision(downDone);
    console.log('      [autoscale] every decision told (holds only when their reason changed):');
    for (const decision of told()) timeline(`${decision.action}${decision.reason ? ` (${decision.reason})` : ''}, busy ${decision.busy?.percent ?? '-'} %`, decision.at);
    assert.equal((await client.getJobDetails(jobId)).jobId, jobId, 'the same job throughout, rescaled in place');
  });
});
