import assert from 'node:assert/strict';
import { errorProperty, toNodeError, withOperation } from '../../nodes/lib/errors';
import { secretMasker } from '../../nodes/lib/secret-masker';
import { FlinkError } from '../../src';
import { JobStateTracker } from '../../nodes/lib/jobs/job-changes';
import { nameMatcher, stateList } from '../../nodes/lib/jobs/job-filters';
import type { JobSummary } from '../../nodes/lib/jobs/job-summary';
import { Poller } from '../../nodes/lib/jobs/poller';
import { formatElapsed, ActivityStatus } from '../../nodes/lib/flow/status';
import { OperationRunner } from '../../nodes/lib/flow/operation-runner';
import { evaluateProperty } from '../../nodes/lib/flow/properties';
import { isSavepointResult, savepointResult } from '../../nodes/lib/flow/savepoint-result';
import { checkBoolean, checkChoice, checkString, describeValue, MAX_TIMER_MS, settingSecondsToMs } from '../../nodes/lib/values';
import type { FlinkClusterClient } from '../../src';
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';

const HEX = 'a'.repeat(32);

function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function fakeNode(onStatus: (status: NodeStatus) => void = () => undefined): Node {
  return { id: 'n', type: 't', on() {}, send() {}, status: onStatus, error() {}, warn() {}, log() {} } as unknown as Node;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

function job(jobId: string, state: string): JobSummary {
  return { jobId, name: `job ${jobId}`, state: state as JobSummary['state'], startTime: 1, endTime: null, duration: 0 };
}

describe('node helpers', function () {
  it('JobStateTracker: a baseline first, then changes, new jobs from null, vanished jobs forgotten', function () {
    const tracker = new JobStateTracker();
    assert.deepEqual(tracker.update([job('a', 'RUNNING')]), []);
    assert.deepEqual(tracker.update([job('a', 'RUNNING')]), []);
    const changes = tracker.update([job('a', 'FAILED'), job('b', 'RUNNING')]);
    assert.deepEqual(changes.map((c) => [c.job.jobId, c.previousState, c.job.state]), [['a', 'RUNNING', 'FAILED'], ['b', null, 'RUNNING']]);
    assert.deepEqual(tracker.update([job('b', 'RUNNING')]), []);
    assert.deepEqual(tracker.update([job('a', 'FAILED'), job('b', 'RUNNING')]).map((c) => c.previousState), [null]);
    assert.deepEqual(new JobStateTracker().update([job('c', 'RUNNING')], true).map((c) => c.previousState), [null]);
  });

  it('Poller: one run at a time, and close aborts the run in flight and stops for good', async function () {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    let aborted = false;
    const poller = new Poller(async (signal) => {
      runs += 1;
      running += 1;
      overlapped ||= running > 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 30);
        signal.addEventListener('abort', () => { aborted = true; clearTimeout(timer); resolve(); });
      });
      running -= 1;
    }, 1);
    poller.start();
    while (runs < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await poller.close();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(overlapped, false);
    assert.equal(aborted, true);
    assert.equal(runs, after, 'no run after close');
  });

  it('secretMasker: masks secrets and their base64 forms, leaves short ones alone', function () {
    const mask = secretMasker(['s3cret-token', 'ops:pa55word', undefined, 'abc']);
    assert.equal(mask('Bearer s3cret-token failed'), 'Bearer *** failed');
    assert.equal(mask(`Basic ${Buffer.from('ops:pa55word').toString('base64')}`), 'Basic ***');
    assert.equal(mask('abc stays'), 'abc stays');
  });

  it('formatElapsed: short texts for a status', function () {
    assert.equal(formatElapsed(42), '42ms');
    assert.equal(formatElapsed(12_400), '12s');
    assert.equal(formatElapsed(185_000), '3m 05s');
  });

  it('values: malformed values fail naming the property and what they are; undefined timeouts take the default', function () {
    assert.throws(() => checkString('msg.jobName', ['a']), { code: 'FLINK_INVALID_ARGUMENT', message: 'msg.jobName must be a non-blank string, got an array' });
    assert.throws(() => checkString('msg.jobName', '  '), /got a blank string/);
    assert.throws(() => checkString('msg.jobName', new Date()), /got a Date/);
    assert.throws(() => checkString('msg.jobName', 5), /got the number 5/);
    assert.equal(checkString('msg.jobName', ' job '), 'job');
    assert.equal(checkChoice('msg.formatType', ' native', ['CANONICAL', 'NATIVE']), 'NATIVE');
    assert.throws(() => checkChoice('msg.formatType', 'YAML', ['CANONICAL', 'NATIVE']), /msg.formatType must be one of CANONICAL, NATIVE, got "YAML"/);
    assert.equal(checkBoolean('msg.wait', 'false'), false);
    assert.throws(() => checkBoolean('msg.wait', 1), /msg.wait must be true or false, got the number 1/);
    assert.equal(describeValue(Number.NaN), 'NaN');
    assert.equal(describeValue({}), 'an object');
    assert.equal(settingSecondsToMs('Timeout', ''), undefined);
    assert.equal(settingSecondsToMs('Timeout', undefined), undefined);
    assert.equal(settingSecondsToMs('Timeout', '2.5'), 2500);
    assert.equal(settingSecondsToMs('Timeout', 2147483.647), MAX_TIMER_MS);
    for (const bad of [2147483.648, 1e12, -1, 0, 'soon', Number.NaN, Infinity, [5], '  ']) {
      assert.equal(codeOf(() => settingSecondsToMs('Timeout', bad)), 'FLINK_INVALID_ARGUMENT', `Timeout ${String(bad)}`);
    }
    assert.throws(() => settingSecondsToMs('The node\'s Timeout', 3e6), /The node's Timeout must be a number of seconds from 0.001 to 2147483.647/);
  });

  it('isSavepointResult: only the marked full shape of a savepoint or stop node\'s result', function () {
    assert.equal(isSavepointResult(savepointResult(HEX, HEX, 'file:/sp/savepoint-1')), true);
    assert.equal(isSavepointResult({ location: 'file:/sp/savepoint-1' }), false);
    assert.equal(isSavepointResult({ jobId: HEX, triggerId: HEX, location: 'file:/x' }), false, 'no marker');
    assert.equal(isSavepointResult({ ...savepointResult(HEX, HEX, 'file:/x'), triggerId: HEX.slice(1) }), false, 'near-miss trigger id');
    assert.equal(isSavepointResult({ ...savepointResult(HEX, HEX, 'file:/x'), jobId: `${HEX.slice(1)}g` }), false, 'near-miss job id');
    assert.equal(isSavepointResult({ ...savepointResult(HEX, HEX, 'file:/x'), location: ' ' }), false);
    assert.equal(isSavepointResult([savepointResult(HEX, HEX, 'file:/x')]), false);
  });

  it('ActivityStatus: an outage shows as "JobManager unreachable, retrying" with its duration, then the activity again', async function () {
    const seen: NodeStatus[] = [];
    const status = new ActivityStatus(fakeNode((s) => seen.push(s)), 'savepoint', (elapsed) => `JobManager unreachable, retrying · ${elapsed}`);
    const token = status.begin();
    status.progress(token, { operation: 'savepoint', elapsedMs: 0, attempts: 1, outage: { forMs: 12_300, code: 'FLINK_CONNECTION', message: 'x' } });
    await endOfTurn();
    assert.deepEqual(seen[seen.length - 1], { fill: 'yellow', shape: 'ring', text: 'JobManager unreachable, retrying · 12s' });
    status.progress(token, { operation: 'savepoint', elapsedMs: 0, attempts: 2 });
    await endOfTurn();
    assert.match(seen[seen.length - 1]!.text!, /^savepoint \d+ms$/);
    status.succeeded(token, 'saved');
    assert.deepEqual(seen[seen.length - 1], { fill: 'green', shape: 'dot', text: 'saved' });
  });

  it('ActivityStatus: a burst of operations begun in one turn of the event loop shows one status, with their count', async function () {
    const seen: NodeStatus[] = [];
    const status = new ActivityStatus(fakeNode((s) => seen.push(s)), 'status', (elapsed) => elapsed);
    const tokens = Array.from({ length: 50 }, () => status.begin());
    assert.equal(seen.length, 0, 'nothing shown before the turn ends');
    await endOfTurn();
    assert.equal(seen.length, 1);
    assert.match(seen[0]!.text!, /^50× status \d+ms$/);
    for (const token of tokens) status.succeeded(token, 'RUNNING');
    assert.deepEqual(seen.slice(1), [{ fill: 'green', shape: 'dot', text: 'RUNNING' }], 'the last one ends with its result at once');
    await endOfTurn();
    assert.equal(seen.length, 2, 'no late activity status after the result');
  });

  it('OperationRunner: a status display that throws still leaves each message exactly one outcome', async function () {
    const node = fakeNode(() => { throw new Error('status broke'); });
    const outcomes: Array<{ sent?: NodeMessage; err?: Error }> = [];
    const runner = new OperationRunner({
      node, status: new ActivityStatus(node, 'x', (e) => e), errorOutput: false, redact: (text) => text, t: (key) => key,
      client: () => ({}) as FlinkClusterClient, resolveJob: async () => HEX,
    }, async ({ msg }) => {
      if (msg.fail) throw new Error('failed');
      return { payload: 1, status: 'ok' };
    });
    const sent: NodeMessage[] = [];
    for (const fail of [false, true]) {
      runner.handle({ fail }, (m) => { sent.push(m as NodeMessage); }, (err) => outcomes.push(err ? { err } : {}));
    }
    await runner.close();
    assert.equal(outcomes.length, 2);
    assert.equal(sent.length, 1);
    assert.equal((outcomes.find((o) => o.err)?.err as { code?: string }).code, 'FLINK_INTERNAL');
  });

  it('evaluateProperty: a context store that throws, errors or never answers (until closing) still settles', async function () {
    type Evaluate = (value: string, type: string, node: Node, msg: NodeMessage, callback: (err: Error | null, result?: unknown) => void) => void;
    const red = (impl: Evaluate): NodeAPI => ({ util: { evaluateNodeProperty: impl } }) as unknown as NodeAPI;
    await assert.rejects(evaluateProperty(red(() => { throw new Error('store threw'); }), fakeNode(), 'k', 'flow', {}), /store threw/);
    await assert.rejects(evaluateProperty(red((_v, _t, _n, _m, cb) => cb(new Error('store failed'))), fakeNode(), 'k', 'flow', {}), /store failed/);
    const controller = new AbortController();
    const silent = evaluateProperty(red(() => undefined), fakeNode(), 'k', 'flow', {}, controller.signal);
    controller.abort(new Error('closing'));
    await assert.rejects(silent, /closing/);
  });

  it('toNodeError and errorProperty keep triggerId, jobId and jobState; withOperation fills in what the node knows', function () {
    const flinkError = new FlinkError({
      code: 'FLINK_OUTCOME_UNKNOWN', message: 'token s3cret-token: the savepoint\'s outcome is unknown', triggerId: HEX, jobId: HEX, jobState: null,
    });
    const error = toNodeError(flinkError, secretMasker(['s3cret-token']));
    assert.equal(error.message, 'token ***: the savepoint\'s outcome is unknown');
    assert.deepEqual([error.code, error.triggerId, error.jobId, error.jobState], ['FLINK_OUTCOME_UNKNOWN', HEX, HEX, null]);
    const property = errorProperty(error, fakeNode());
    assert.deepEqual([property.triggerId, property.jobId, property.jobState], [HEX, HEX, null]);
    const bare = toNodeError(new FlinkError({ code: 'FLINK_ABORTED', message: 'closed' }), (text) => text);
    const filled = withOperation(bare, { triggerId: 'b'.repeat(32), jobId: HEX });
    assert.deepEqual([filled.code, filled.message, filled.triggerId, filled.jobId], ['FLINK_ABORTED', 'closed', 'b'.repeat(32), HEX]);
    assert.equal(withOperation(error, { triggerId: 'b'.repeat(32) }).triggerId, HEX, 'the client\'s trigger id wins');
    assert.equal('jobState' in errorProperty(bare, fakeNode()), false);
  });

  it('filters: an unknown job state or name match in a node\'s settings is refused, not ignored', function () {
    assert.deepEqual(stateList('failed, RESTARTING'), ['FAILED', 'RESTARTING']);
    assert.deepEqual(stateList(''), []);
    assert.throws(() => stateList(['RUNNING', 'SLEEPING']), { code: 'FLINK_INVALID_ARGUMENT', message: /The node's job states must be one of .*got "SLEEPING"/ });
    assert.throws(() => stateList([5]), /got the number 5/);
    assert.throws(() => nameMatcher('x', 'glob', (key) => key), /The node's name match must be exact or regex, got "glob"/);
    assert.equal(nameMatcher('x', 'exact', (key) => key)('x'), true);
  });
});
