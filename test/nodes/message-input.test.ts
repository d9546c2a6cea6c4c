import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { localPath } from '../../dev/paths';
import type { TestFlink } from '../flink/test-cluster';
import { startFlinkProxy } from './flink-proxy';
import { UNKNOWN_JOB_ID } from '../support/ids';
import {
  clusterConfig, collect, FLINK_NODES, helper, roundTrip, statuses, testFlow, withRunningJob,
} from './node-harness';

async function jobState(url: string, jobId: string): Promise<string> {
  const answer = await fetch(`${url}/jobs/${jobId}`);
  return ((await answer.json()) as { state: string }).state;
}

const MALFORMED_STRINGS: Array<[string, unknown]> = [
  ['a number', 42], ['an array', ['x']], ['an object', { name: 'x' }], ['a Date', new Date()], ['an empty string', ''],
  ['a blank string', '  '], ['a boolean', true],
];

describe('flow nodes refuse malformed input against the real Flink', function () {
  const suite = withRunningJob('nodes-input');
  let flink: TestFlink, jobName: string, jobId: string;
  before(function () { ({ flink, jobName, jobId } = suite); });

  it('cancel, stop and status configured with a job name never fall back from a malformed msg.jobName or msg.jobId', async function () {
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      ...['flink-cancel', 'flink-stop', 'flink-job-status'].map((type) => ({ id: `node-${type}`, type, jobName, wires: [['out']] })),
    ]));
    const out = collect('out');
    for (const type of ['flink-cancel', 'flink-stop', 'flink-job-status']) {
      for (const [what, value] of MALFORMED_STRINGS) {
        const caught = await roundTrip(`node-${type}`, { jobName: value }, 'caught');
        assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT', `${type}, msg.jobName ${what}`);
        assert.match(caught.error.message, /^FlinkNodeError: msg\.jobName must be a non-blank string, got /, `${type}, msg.jobName ${what}`);
      }
      for (const value of [42, ['x'], '', ' ', jobId.slice(1), { jobId }]) {
        const caught = await roundTrip(`node-${type}`, { jobId: value, jobName }, 'caught');
        assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
        assert.match(caught.error.message, /msg\.jobId must be a Flink job id/);
      }
    }
    assert.equal(out.length, 0, 'nothing succeeded');
    assert.equal(await jobState(flink.url, jobId), 'RUNNING', 'the configured job still runs');
  });

  it('refuses malformed overrides (wait, drain, formatType, savepointDir, checkpointType, info) before acting', async function () {
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'cancel', type: 'flink-cancel', wires: [['out']] },
      { id: 'stop', type: 'flink-stop', wires: [['out']] },
      { id: 'checkpoint', type: 'flink-checkpoint', wires: [['out']] },
      { id: 'info', type: 'flink-job-info', wires: [['out']] },
    ]));
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['cancel', { wait: 'yes' }, /msg\.wait must be true or false, got "yes"/],
      ['cancel', { wait: 0 }, /msg\.wait must be true or false, got the number 0/],
      ['stop', { drain: [] }, /msg\.drain must be true or false, got an array/],
      ['stop', { formatType: 'YAML' }, /msg\.formatType must be one of CANONICAL, NATIVE, got "YAML"/],
      ['stop', { savepointDir: '' }, /msg\.savepointDir must be a non-blank string, got an empty string/],
      ['checkpoint', { checkpointType: 7 }, /msg\.checkpointType must be one of CONFIGURED, FULL, INCREMENTAL, got the number 7/],
      ['info', { info: 'constructor' }, /msg\.info must be one of details, accumulators, exceptions, checkpoints, result/],
    ];
    for (const [node, overrides, message] of cases) {
      const caught = await roundTrip(node, { jobId, ...overrides }, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT', node);
      assert.match(caught.error.message, message);
    }
    assert.equal(await jobState(flink.url, jobId), 'RUNNING');
  });

  it('reads a job id from a flow context store that holds a blank value, throws or reports an error as FLINK_INVALID_ARGUMENT', async function () {
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'n', type: 'flink-cancel', jobId: 'target', jobIdType: 'flow', jobName, wires: [['out']] },
    ]));
    const node = helper.getNode('n')!;
    node.context().flow.set('target', ' ');
    const blank = await roundTrip('n', {}, 'caught');
    assert.match(blank.error.message, /flow\.target must be a Flink job id \(32 hex characters\), got a blank string/);
    // Node-RED reads a flow property through node.context().flow.get(key, store, callback): stand in a broken store.
    const withStore = (get: (...args: unknown[]) => void): void => {
      Object.defineProperty(node, 'context', { configurable: true, value: () => ({ flow: { get }, global: { get } }) });
    };
    withStore(() => { throw new Error('store is down'); });
    const threw = await roundTrip('n', {}, 'caught');
    assert.equal(threw.error.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(threw.error.message, /Cannot read the job id from flow\.target: store is down/);
    withStore((...args) => (args[args.length - 1] as (err: Error) => void)(new Error('store failed')));
    const failed = await roundTrip('n', {}, 'caught');
    assert.match(failed.error.message, /store failed/);
    assert.equal(await jobState(flink.url, jobId), 'RUNNING', 'never fell back to the node\'s job name');
  });

  it('flink-dispose-savepoint deletes only a designated path: never a payload that merely has a location', async function () {
    const written = await (async () => {
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'sp', type: 'flink-savepoint', wires: [['out']] },
      ], { noCatch: true }));
      const first = await roundTrip('sp', { jobId }, 'out', 60_000);
      const second = await roundTrip('sp', { jobId }, 'out', 60_000);
      await helper.unload();
      return [first.payload, second.payload];
    })();
    const [decoy, configured] = written as Array<{ kind: string; jobId: string; triggerId: string; location: string }>;
    assert.equal(decoy.kind, 'flink-savepoint', 'the savepoint node marks its result');
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'n', type: 'flink-dispose-savepoint', savepointPath: configured.location, wires: [['out']] },
    ]));
    const unrelated = [
      { location: decoy.location },
      { jobId: decoy.jobId, triggerId: decoy.triggerId, location: decoy.location },
      { ...decoy, triggerId: decoy.triggerId.slice(1) },
      { ...decoy, kind: 'something-else' },
    ];
    for (const payload of unrelated) {
      const caught = await roundTrip('n', { payload }, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(caught.error.message, /is not a savepoint or stop node's result/);
    }
    for (const savepointPath of ['', ' ', 5, [decoy.location], { location: decoy.location }]) {
      const caught = await roundTrip('n', { savepointPath, payload: decoy }, 'caught');
      assert.match(caught.error.message, /msg\.savepointPath must be a non-blank string/);
    }
    assert.ok(existsSync(localPath(decoy.location)), 'the payload\'s savepoint is still there');
    assert.ok(existsSync(localPath(configured.location)), 'the node\'s savepoint is still there');
    const disposed = await roundTrip('n', { payload: decoy }, 'out', 60_000);
    assert.equal(disposed.payload.savepointPath, decoy.location, 'a savepoint node\'s result is disposed of');
    assert.equal(existsSync(localPath(decoy.location)), false);
    await roundTrip('n', {}, 'out', 60_000);
    assert.equal(existsSync(localPath(configured.location)), false, 'with nothing else given, the node\'s path');
  });

  it('refuses a timeout or interval past what a timer can hold, at runtime', async function () {
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'n', type: 'flink-job-info', info: 'result', timeout: 2147484, wires: [['out']] },
      { id: 'w', type: 'flink-job-watch', interval: '1e9', wires: [['out']] },
    ]));
    const caught = await roundTrip('n', { jobId }, 'caught');
    assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(caught.error.message, /The node's Timeout must be a number of seconds from 0\.001 to 2147483\.647 \(what a timer can hold\), got the number 2147484/);
    // The watch node refuses its interval when it starts (before this test can listen): read the calls it made.
    const watch = helper.getNode('w')!;
    const errors = (watch.error as unknown as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> }).getCalls()
      .filter((call) => call.thisValue === watch).map((call) => String(call.args[0]));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /The node's Interval must be a number of seconds from 0\.1 to 2147483\.647/);
  });

  it('a success removes a stale msg.error; an outage shows in the status; a failure after a trigger carries triggerId and jobId (error output and Catch)', async function () {
    // The proxy holds the savepoint's status requests: the trigger reaches Flink, the wait times out.
    const proxy = await startFlinkProxy(flink.url, { hold: /\/savepoints\/[0-9a-f]{32}$/ });
    try {
      await helper.load(FLINK_NODES, testFlow(clusterConfig(proxy.url, { timeout: 1 }), [
        { id: 'status', type: 'flink-job-status', errorOutput: true, wires: [['out'], ['err']] },
        { id: 'statusCatch', type: 'flink-job-status', wires: [['out']] },
        { id: 'spOut', type: 'flink-savepoint', timeout: 2, errorOutput: true, wires: [['out'], ['err']] },
        { id: 'spCatch', type: 'flink-savepoint', timeout: 2, wires: [['out']] },
      ]));
      const failed = await roundTrip('status', { jobId: UNKNOWN_JOB_ID }, 'err');
      assert.equal(failed.error.code, 'FLINK_JOB_NOT_FOUND');
      const retried = await roundTrip('status', { ...failed, jobId }, 'out');
      assert.equal(retried.payload.state, 'RUNNING');
      assert.equal('error' in retried, false, 'the stale msg.error is gone');
      const caughtFailure = await roundTrip('statusCatch', { jobId: UNKNOWN_JOB_ID }, 'caught');
      assert.equal(caughtFailure.error.source.id, 'statusCatch');
      const caughtRetry = await roundTrip('statusCatch', { ...caughtFailure, jobId }, 'out');
      assert.equal('error' in caughtRetry, false, 'the msg.error a Catch node set for this node is gone too');
      const foreign = { message: 'an earlier node failed', source: { id: 'elsewhere' } };
      const passedOn = await roundTrip('status', { jobId, error: foreign }, 'out');
      assert.deepEqual(passedOn.error, foreign, 'another node\'s msg.error travels on');

      const seen = statuses('spOut');
      const timedOut = await roundTrip('spOut', { jobId }, 'err', 30_000);
      assert.equal(timedOut.error.code, 'FLINK_TIMEOUT');
      assert.match(timedOut.error.triggerId, /^[0-9a-f]{32}$/);
      assert.equal(timedOut.error.jobId, jobId);
      assert.ok(proxy.requests.some((r) => r.method === 'POST' && r.path === `/jobs/${jobId}/savepoints`), 'the trigger reached Flink');
      assert.ok(seen.some((s) => s.fill === 'yellow' && /^JobManager unreachable, retrying · \d+m?s$/.test(s.text ?? '')),
        `the status said the operation polls through an outage: ${JSON.stringify(seen)}`);

      const caught = await roundTrip('spCatch', { jobId }, 'caught', 30_000);
      assert.equal(caught.error.code, 'FLINK_TIMEOUT');
      assert.match(caught.triggerId, /^[0-9a-f]{32}$/, 'msg.triggerId for a Catch flow to follow up');
      assert.notEqual(caught.triggerId, timedOut.error.triggerId);
      assert.equal(caught.jobId, jobId);
    } finally {
      await helper.unload();
      await proxy.close();
    }
    assert.equal(await jobState(flink.url, jobId), 'RUNNING');
  });
});
