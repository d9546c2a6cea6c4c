import assert from 'node:assert/strict';
import { startFlinkProxy } from './flink-proxy';
import { collect, eventually, FLINK_NODES, helper, nextRequests, operationFlow, testFlow, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Waits for the next message (of those `out` collects from now on) that `check` accepts; the messages are the
 * node's own pace, so waits are on them, never sleeps: Flink refreshes the metrics it serves every 10 s.
 */
async function messageWhere(out: Message[], check: (msg: Message) => boolean, what: string, timeoutMs: number): Promise<Message> {
  let found: Message | undefined;
  await eventually(() => (found = out.find(check)) !== undefined, what, timeoutMs);
  return found!;
}

const vertexOf = (msg: Message, name: string): Message | undefined =>
  (msg.payload.vertices as Message[]).find((vertex) => vertex.name.includes(name));

describe('flink-job-metrics against a real Flink', function () {
  const suite = withNodeRed();
  const rate = 200;
  let rated: { jobId: string; jobName: string };
  // Flink's rates are 60-second moving averages: the rated job starts first and runs its minute while the other tests run.
  before(async function () {
    rated = await suite.startJob('metrics-rate', { fixture: { entryClass: 'RatedJob', args: [String(rate)] } });
  });

  it('reports backpressured time above 500 ms per second on the back-pressured vertex, not on the slow one', async function () {
    const { jobName } = await suite.startJob('metrics-backpressure', { fixture: { entryClass: 'BackpressuredJob', args: ['50'] } });
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { id: 'n', type: 'flink-job-metrics', interval: 1, nameFilter: jobName }));
    const out = collect('out');
    const msg = await messageWhere(out, (m) => (vertexOf(m, 'sequence')?.backPressuredTimeMsPerSecond?.max ?? 0) > 500,
      'the source back-pressured more than 500 ms per second', 120_000);
    const source = vertexOf(msg, 'sequence')!;
    const slow = vertexOf(msg, 'slow consumer')!;
    assert.ok(source.backPressuredTimeMsPerSecond.avg > 500, JSON.stringify(source));
    assert.ok(slow.busyTimeMsPerSecond.max > 500, `the slow consumer is busy: ${JSON.stringify(slow)}`);
    assert.ok(slow.backPressuredTimeMsPerSecond.max < 500, `the slow consumer is not back-pressured: ${JSON.stringify(slow)}`);
  });

  it('shares one round per job among the cluster\'s metrics nodes, and sends one message per series for a chart', async function () {
    const { jobId, jobName } = await suite.startJob('metrics-shared');
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    await helper.load(FLINK_NODES, testFlow(proxy.url, [
      { id: 'whole', type: 'flink-job-metrics', interval: 1, nameFilter: jobName, wires: [['out']] },
      { id: 'series', type: 'flink-job-metrics', interval: 1, nameFilter: jobName, series: true, wires: [['err']] },
    ]));
    const whole = collect('out');
    const points = collect('err');
    const jobMetricsRequests = () => proxy.requests.filter((request) => request.path.startsWith(`/jobs/${jobId}/metrics`));
    // A round asks the job's metrics once and ends in one message of each node; a job has one round in flight at
    // most (JobRounds), so shared rounds are the messages and the one under way. Nodes polling on their own would
    // ask twice per message of one node: after 10 requests, 10 <= 5 + 1 fails.
    await nextRequests(jobMetricsRequests, 10, 'rounds of the job', 60_000);
    const rounds = jobMetricsRequests().length;
    const messages = whole.length;
    assert.ok(rounds <= messages + 1, `${rounds} requests of the job's metrics for ${messages} messages of one node: shared by both nodes`);
    const vertexRequests = proxy.requests.filter((request) => request.path.startsWith(`/jobs/${jobId}/vertices/`) && request.path.includes('get=')).length;
    const vertices = (whole[0]!.payload.vertices as Message[]).length;
    assert.ok(vertexRequests <= (messages + 1) * vertices, `${vertexRequests} vertex requests for ${messages} rounds of ${vertices} vertices`);
    await eventually(() => points.some((msg) => String(msg.topic).endsWith('/busyTimeMsPerSecond.max')), 'a busy-time series point', 60_000);
    for (const point of points) {
      assert.equal(typeof point.payload, 'number', JSON.stringify(point));
      assert.ok(String(point.topic).startsWith(`${jobName}/`), point.topic);
      assert.equal(typeof point.timestamp, 'number');
    }
    assert.ok(points.some((msg) => msg.topic === `${jobName}/uptimeMs`));
  });

  it('reads now on input, for the job a message names; a malformed msg.jobId or msg.jobName is FLINK_INVALID_ARGUMENT naming it, once', async function () {
    const { jobId, jobName } = await suite.startJob('metrics-input');
    // An interval long enough that every message seen comes from an input.
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { id: 'n', type: 'flink-job-metrics', interval: 3600, nameFilter: 'nothing-is-named-so' }));
    const out = collect('out');
    const caught = collect('caught');
    const node = helper.getNode('n')!;
    node.receive({ jobId: 'nope', topic: 'a' });
    node.receive({ jobName: 42, topic: 'b' });
    node.receive({ jobId: '0'.repeat(32), topic: 'c' });
    node.receive({ jobId, topic: 'd', keep: 'me' });
    node.receive({ jobName, topic: 'e' });
    await eventually(() => caught.length + out.length >= 5, 'an outcome for each input', 60_000);
    assert.deepEqual(caught.map((msg) => [msg.topic, msg.error.code]).sort(), [
      ['a', 'FLINK_INVALID_ARGUMENT'], ['b', 'FLINK_INVALID_ARGUMENT'], ['c', 'FLINK_JOB_NOT_FOUND'],
    ]);
    assert.match(caught.find((msg) => msg.topic === 'a')!.error.message, /msg\.jobId must be a Flink job id/);
    assert.match(caught.find((msg) => msg.topic === 'b')!.error.message, /msg\.jobName must be a non-blank string, got the number 42/);
    assert.equal(out.length, 2, 'one message for each of the two inputs that name a job');
    for (const msg of out) {
      assert.equal(msg.topic, `flink/${jobName}/metrics`);
      assert.equal(msg.payload.jobId, jobId);
    }
    assert.ok(out.some((msg) => msg.keep === 'me'), 'built on the input message');
  });

  it('reports the records per second of a job that processes a known rate within 20 %, one message per round', async function () {
    const { jobId, jobName } = rated;
    await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { id: 'n', type: 'flink-job-metrics', interval: 1, nameFilter: jobName }));
    const out = collect('out');
    const first = await messageWhere(out, () => true, 'a first metrics message', 30_000);
    assert.equal(first.topic, `flink/${jobName}/metrics`);
    assert.equal(first.jobId, jobId);
    assert.equal(first.payload.jobId, jobId);
    assert.equal(first.payload.jobName, jobName);
    assert.equal(typeof first.payload.at, 'number');
    assert.deepEqual(first.payload.vertices.map((vertex: Message) => [vertex.name, vertex.parallelism]).sort(),
      [['Source: sequence', 1], ['paced', 1], ['discard: Writer', 1]].sort(), JSON.stringify(first.payload.vertices.map((v: Message) => v.name)));
    // Flink's rates are 60-second moving averages counted from the job's start: read them once a minute has gone by.
    const settled = await messageWhere(out, (msg) => msg.payload.uptimeMs > 70_000 && vertexOf(msg, 'paced')?.recordsOutPerSecond !== undefined,
      'a message after more than a minute of uptime', 150_000);
    const paced = vertexOf(settled, 'paced')!;
    assert.ok(Math.abs(paced.recordsOutPerSecond - rate) <= rate * 0.2, `recordsOutPerSecond ${paced.recordsOutPerSecond}, expected ${rate} ± 20 %`);
    assert.ok(Math.abs(paced.recordsInPerSecond - rate) <= rate * 0.2, `recordsInPerSecond ${paced.recordsInPerSecond}`);
    assert.deepEqual(Object.keys(paced.busyTimeMsPerSecond).sort(), ['avg', 'max']);
    assert.ok(paced.busyTimeMsPerSecond.max >= 0 && paced.busyTimeMsPerSecond.max <= 1000);
    assert.equal(vertexOf(settled, 'sequence')!.recordsInPerSecond, 0, 'a source reads nothing from the network');
    assert.equal(settled.payload.numRestarts, 0);
    assert.equal(settled.payload.lastCheckpoint, undefined, 'RatedJob does not checkpoint: no last checkpoint, not zeros');
    // One message per round: rounds are a second apart, so the messages are too (not one per listing and node).
    const ats = out.map((msg) => msg.payload.at as number);
    assert.ok(ats.every((at, i) => i === 0 || at - ats[i - 1]! >= 500), `rounds at ${ats.join(', ')}`);
  });
});
