import assert from 'node:assert/strict';
import { Autoscaler, RESCALE_WAIT_MS, type Decision, type Observation } from '../../nodes/lib/autoscale/autoscaler';
import { busySample, type BusySample } from '../../nodes/lib/autoscale/busy-sample';
import { autoscaleRules, nextParallelism, type AutoscaleRules, type AutoscaleSettings } from '../../nodes/lib/autoscale/rules';
import flinkAutoscale from '../../nodes/flink-autoscale';
import { collect, eventually, helper, testFlow } from './node-harness';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const T0 = 1_700_000_000_000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The example's rules: up over 80 % for 3 min, down under 20 % for 10 min, 5 min cooldown, step 1, 1 to 4. */
const RULES = autoscaleRules({});

class FakeClock {
  constructor(public at = T0) {}
  now(): number { return this.at; }
}

/** A metrics round of a two-vertex job: a source at `busy` / 4 and the busiest vertex "work" at `busy` ms per second. */
function round(busy: number | undefined, parallelism = 1, jobId = A, at = T0): BusySample {
  const vertex = (name: string, ms: number | undefined) => ({ name, parallelism, ...(ms === undefined ? {} : { busyTimeMsPerSecond: { max: ms, avg: ms } }) });
  return busySample({ jobId, jobName: `job-${jobId.charAt(0)}`, at, vertices: [vertex('load', busy === undefined ? undefined : busy / 4), vertex('work', busy)] });
}

/** Feeds a round every `everyMs` from the clock's time for `forMs` (inclusive), returning every observation. */
function rounds(scaler: Autoscaler, clock: FakeClock, busy: number, forMs: number, everyMs = 10 * SECOND, parallelism = 1, jobId = A): Observation[] {
  const seen: Observation[] = [];
  for (let elapsed = 0; elapsed <= forMs; elapsed += everyMs) {
    seen.push(scaler.observe(round(busy, parallelism, jobId, clock.at)));
    if (elapsed + everyMs <= forMs) clock.at += everyMs;
  }
  return seen;
}

const told = (observations: Observation[]): Array<[string, string | undefined]> =>
  observations.flatMap((o) => o.decisions).map((d): [string, string | undefined] => [d.action, d.reason]);
const rescales = (observations: Observation[]) => observations.flatMap((o) => (o.rescale ? [o.rescale] : []));

function scaler(rules: Partial<AutoscaleRules> = {}): { scaler: Autoscaler; clock: FakeClock } {
  const clock = new FakeClock();
  return { scaler: new Autoscaler({ ...RULES, ...rules }, clock), clock };
}

describe('autoscale rules (lib/autoscale, fake clock, no Flink)', function () {
  describe('settings', function () {
    it('default to up over 80 % for 180 s, down under 20 % for 600 s, 300 s cooldown, step 1, parallelism 1 to 4', function () {
      assert.deepEqual(RULES, {
        upperBusyPercent: 80, upWindowMs: 180_000, lowerBusyPercent: 20, downWindowMs: 600_000, cooldownMs: 300_000,
        step: 1, minParallelism: 1, maxParallelism: 4,
      });
      assert.deepEqual(autoscaleRules({ upperBusy: '90', upWindow: '2.5', cooldown: 0, factor: '1.5', maxParallelism: '8' }), {
        ...RULES, upperBusyPercent: 90, upWindowMs: 2500, cooldownMs: 0, factor: 1.5, maxParallelism: 8,
      });
    });

    it('a setting that cannot work is FLINK_INVALID_ARGUMENT naming it', function () {
      const refused = (settings: AutoscaleSettings, message: RegExp) => assert.throws(() => autoscaleRules(settings), (err: { code?: string; message: string }) => {
        assert.equal(err.code, 'FLINK_INVALID_ARGUMENT');
        assert.match(err.message, message);
        return true;
      });
      refused({ upperBusy: '120' }, /^The node's Scale up above must be a per cent from 0 to 100, got "120"$/);
      refused({ upWindow: '-1' }, /^The node's Up after must be a number of seconds/);
      refused({ step: '1.5' }, /^The node's Step must be a whole number of at least 1, got "1\.5"$/);
      refused({ factor: '1' }, /^The node's Factor must be a number above 1/);
      refused({ minParallelism: '0' }, /^The node's Min parallelism must be a whole number of at least 1/);
      refused({ lowerBusy: '80', upperBusy: '80' }, /^The node's Scale down below \(80 %\) must be below its Scale up above \(80 %\)$/);
      refused({ minParallelism: '5' }, /^The node's Min parallelism \(5\) must not be above its Max parallelism \(4\)$/);
    });

    it('a step adds or removes, a factor multiplies (rounded up) or divides (rounded down), always within the bounds', function () {
      assert.equal(nextParallelism(RULES, 1, 'up'), 2);
      assert.equal(nextParallelism(RULES, 4, 'up'), 4);
      assert.equal(nextParallelism(RULES, 2, 'down'), 1);
      assert.equal(nextParallelism(RULES, 1, 'down'), 1);
      const byFactor = { ...RULES, factor: 1.5, maxParallelism: 10 };
      assert.equal(nextParallelism(byFactor, 3, 'up'), 5);
      assert.equal(nextParallelism(byFactor, 8, 'up'), 10);
      assert.equal(nextParallelism(byFactor, 5, 'down'), 3);
      assert.equal(nextParallelism({ ...byFactor, minParallelism: 2 }, 2, 'down'), 2);
    });
  });

  describe('input', function () {
    const refused = (payload: unknown, message: RegExp) => assert.throws(() => busySample(payload), (err: { code?: string; message: string }) => {
      assert.equal(err.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(err.message, message);
      return true;
    });
    const good = { jobId: A, jobName: 'j', at: T0, vertices: [{ name: 'v', parallelism: 1, busyTimeMsPerSecond: { max: 5, avg: 5 } }] };

    it('reads the busiest subtask of the busiest vertex that reports busy time, and every vertex\'s parallelism', function () {
      const sample = busySample({ ...good, vertices: [
        { name: 'source', parallelism: 2 },
        { name: 'work', parallelism: 2, busyTimeMsPerSecond: { max: 900, avg: 500 } },
        { name: 'sink', parallelism: 3, busyTimeMsPerSecond: { max: 100, avg: 50 } },
      ] });
      assert.deepEqual(sample, { jobId: A, jobName: 'j', at: T0, parallelisms: [2, 2, 3], busiest: { vertex: 'work', busyMsPerSecond: 900 } });
    });

    it('a malformed message is FLINK_INVALID_ARGUMENT naming the property', function () {
      refused(812, /^msg\.payload must be a flink-job-metrics message's payload \(one job per message, not one per series\), got the number 812$/);
      refused({ ...good, jobId: 'nope' }, /^msg\.payload\.jobId must be a Flink job id/);
      refused({ ...good, jobName: 3 }, /^msg\.payload\.jobName must be a string, got the number 3$/);
      refused({ ...good, at: '2024' }, /^msg\.payload\.at must be a time in ms since the epoch/);
      refused({ ...good, uptimeMs: -1 }, /^msg\.payload\.uptimeMs must be a number of ms from 0 \(or absent\), got the number -1$/);
      refused({ ...good, vertices: [] }, /^msg\.payload\.vertices must be a non-empty array of vertices, got an array$/);
      refused({ ...good, vertices: [good.vertices[0], { name: 'w', parallelism: 0 }] }, /^msg\.payload\.vertices\[1\]\.parallelism must be a whole number of at least 1, got the number 0$/);
      refused({ ...good, vertices: [{ name: 'w', parallelism: 1, busyTimeMsPerSecond: 800 }] }, /^msg\.payload\.vertices\[0\]\.busyTimeMsPerSecond must be \{ max, avg \}/);
      refused({ ...good, vertices: [{ name: 'w', parallelism: 1, busyTimeMsPerSecond: { max: '800' } }] }, /^msg\.payload\.vertices\[0\]\.busyTimeMsPerSecond\.max must be a number of ms per second from 0, got "800"$/);
    });
  });

  describe('decisions', function () {
    it('scales up only after the busiest vertex stayed over the threshold for the whole up window, telling the hold once', function () {
      const { scaler: s, clock } = scaler();
      const before = rounds(s, clock, 900, 170 * SECOND);
      assert.deepEqual(told(before), [['hold', 'busy-not-long-enough']]);
      assert.deepEqual(rescales(before), []);
      clock.at += 10 * SECOND;
      const up = s.observe(round(900, 1, A, clock.at));
      assert.deepEqual(up.rescale, { jobId: A, jobName: 'job-a', parallelism: 2 });
      const decision = up.decisions[0]!;
      assert.deepEqual({ ...decision, why: undefined }, {
        jobId: A, jobName: 'job-a', at: clock.at, action: 'up', parallelism: { from: 1, to: 2 }, why: undefined,
        busy: { vertex: 'work', msPerSecond: 900, percent: 90 },
        window: { condition: 'over', thresholdPercent: 80, forMs: 180_000, neededMs: 180_000 },
      });
      assert.equal(decision.why, 'scale job-a up 1 → 2: busiest vertex "work" 90 % busy for 180 s (over 80 % for 180 s reached)');
    });

    it('one round within the thresholds, or a gap of more than three intervals, starts the window again', function () {
      const { scaler: s, clock } = scaler();
      rounds(s, clock, 900, 120 * SECOND);
      clock.at += 10 * SECOND;
      assert.deepEqual(told([s.observe(round(500, 1, A, clock.at))]), [['hold', 'within-thresholds']]);
      clock.at += 10 * SECOND;
      assert.deepEqual(rescales(rounds(s, clock, 900, 170 * SECOND)), [], 'the window began again after the calm round');
      clock.at += 40 * SECOND; // rounds every 10 s, then none for 40 s
      const afterGap = rounds(s, clock, 900, 170 * SECOND);
      assert.deepEqual(rescales(afterGap), [], 'the window began again after the gap');
      clock.at += 10 * SECOND;
      assert.equal(s.observe(round(900, 1, A, clock.at)).rescale?.parallelism, 2);
    });

    it('holds while the rescale is in flight, counts nothing measured during it, and keeps the cooldown after it', function () {
      const { scaler: s, clock } = scaler();
      rounds(s, clock, 900, 180 * SECOND);
      clock.at += 10 * SECOND;
      // Still at 1 for a minute (the rescale runs), over the threshold all along: one "rescaling" hold, no rescale.
      const during = rounds(s, clock, 1000, MINUTE, 10 * SECOND, 1);
      assert.deepEqual(told(during), [['hold', 'rescaling']]);
      assert.deepEqual(rescales(during), []);
      clock.at += 10 * SECOND;
      const done = s.observe(round(1000, 2, A, clock.at));
      assert.deepEqual(told([done]), [['rescaled', undefined]]);
      assert.deepEqual(done.decisions[0]!.parallelism, { from: 1, to: 2 });
      assert.match(done.decisions[0]!.why, /^job-a runs at parallelism 2 after 80 s; the windows start again after a cooldown of 300 s$/);
      const rescaledAt = clock.at;
      // Busy all along at 2: the cooldown holds, and its rounds do not count (a restarted task reads 100 % busy at first).
      clock.at += 10 * SECOND;
      const cooling = rounds(s, clock, 1000, 280 * SECOND, 10 * SECOND, 2);
      assert.deepEqual(told(cooling), [['hold', 'cooldown']]);
      assert.match(cooling[0]!.decisions[0]!.why, /^job-a: cooldown for another 290 s: rounds during it are not counted$/);
      assert.deepEqual(rescales(cooling), []);
      clock.at += 10 * SECOND;
      assert.deepEqual(told([s.observe(round(900, 2, A, clock.at))]), [['hold', 'busy-not-long-enough']], 'the window starts after the cooldown');
      assert.equal(clock.at - rescaledAt, 300 * SECOND);
      clock.at += 10 * SECOND;
      const busy = rounds(s, clock, 900, 170 * SECOND, 10 * SECOND, 2);
      assert.deepEqual(rescales(busy), [{ jobId: A, jobName: 'job-a', parallelism: 3 }]);
      assert.equal(clock.at - rescaledAt, 480 * SECOND, 'cooldown, then the whole up window');
    });

    it('stops waiting for a rescale the job never reaches after flink-rescale\'s wait, and starts the cooldown then', function () {
      const { scaler: s, clock } = scaler({ cooldownMs: 0 });
      rounds(s, clock, 900, 180 * SECOND);
      clock.at += 10 * SECOND;
      const waiting = rounds(s, clock, 900, RESCALE_WAIT_MS);
      assert.deepEqual(told(waiting), [['hold', 'rescaling'], ['hold', 'rescale-not-seen']]);
      assert.deepEqual(rescales(waiting), []);
      clock.at += 10 * SECOND;
      assert.deepEqual(told([s.observe(round(900, 1, A, clock.at))]), [['hold', 'busy-not-long-enough']], 'the window starts again');
    });

    it('scales down after the down window, never below the min, never above the max', function () {
      const { scaler: s, clock } = scaler({ cooldownMs: 0 });
      const idle = rounds(s, clock, 100, 600 * SECOND, 10 * SECOND, 3);
      assert.deepEqual(rescales(idle), [{ jobId: A, jobName: 'job-a', parallelism: 2 }]);
      assert.deepEqual(told(idle), [['hold', 'idle-not-long-enough'], ['down', undefined]]);
      const atMin = scaler({ cooldownMs: 0 });
      const low = rounds(atMin.scaler, atMin.clock, 100, 700 * SECOND, 10 * SECOND, 1);
      assert.deepEqual(told(low), [['hold', 'idle-not-long-enough'], ['hold', 'at-min']]);
      const atMax = scaler({ cooldownMs: 0 });
      const high = rounds(atMax.scaler, atMax.clock, 950, 200 * SECOND, 10 * SECOND, 4);
      assert.deepEqual(told(high), [['hold', 'busy-not-long-enough'], ['hold', 'at-max']]);
      assert.match(high.flatMap((o) => o.decisions).at(-1)!.why, /at the max parallelism 4$/);
    });

    it('keeps a state per job, and forgets a job that sends no metrics for longer than any window, cooldown or rescale wait', function () {
      const { scaler: s, clock } = scaler({ upWindowMs: 20 * SECOND, downWindowMs: MINUTE, cooldownMs: 0 });
      rounds(s, clock, 900, 10 * SECOND, 10 * SECOND, 1, A);
      const b = rounds(s, clock, 900, 10 * SECOND, 10 * SECOND, 1, B);
      assert.deepEqual(rescales(b), [], 'B\'s own window (10 s), not A\'s (20 s)');
      assert.equal(s.jobCount, 2);
      clock.at += RESCALE_WAIT_MS + SECOND; // A and B fall silent
      const seen = s.observe(round(900, 1, B, clock.at));
      assert.deepEqual(seen.decisions.map((d: Decision) => [d.jobId, d.action]), [[A, 'forgotten']], 'B\'s window starts again (the gap), its hold unchanged');
      assert.equal(s.jobCount, 1);
      assert.match(seen.decisions[0]!.why, /^job-a: no metrics for 311 s: its autoscale state is dropped$/);
    });

    it('a job rescaled by someone else starts its window again at the new parallelism', function () {
      const { scaler: s, clock } = scaler({ upWindowMs: 30 * SECOND });
      rounds(s, clock, 900, 20 * SECOND, 10 * SECOND, 1);
      clock.at += 10 * SECOND;
      assert.deepEqual(rescales(rounds(s, clock, 900, 20 * SECOND, 10 * SECOND, 2)), [], 'rounds at 1 do not count at 2');
      clock.at += 10 * SECOND;
      assert.deepEqual(s.observe(round(900, 2, A, clock.at)).rescale?.parallelism, 3);
    });

    it('a job that (re)started less than a cooldown ago (its uptime) cools down first: a task that just started reads 100 % busy', function () {
      const { scaler: s, clock } = scaler({ upWindowMs: 20 * SECOND, cooldownMs: MINUTE });
      const young = (uptimeMs: number): BusySample => ({ ...round(1000, 1, A, clock.at), uptimeMs });
      assert.deepEqual(told([s.observe(young(5 * SECOND))]), [['hold', 'cooldown']]);
      for (let uptime = 15; uptime < 60; uptime += 10) {
        clock.at += 10 * SECOND;
        assert.deepEqual(s.observe(young(uptime * SECOND)), { decisions: [] }, `uptime ${uptime} s: still cooling down, told once`);
      }
      clock.at += 10 * SECOND; // uptime 65 s: the window starts
      assert.deepEqual(told([s.observe(young(65 * SECOND))]), [['hold', 'busy-not-long-enough']]);
      clock.at += 20 * SECOND;
      assert.equal(s.observe(young(85 * SECOND)).rescale?.parallelism, 2);
    });

    it('a round where no vertex reports busy time holds and starts the window again', function () {
      const { scaler: s, clock } = scaler({ upWindowMs: 20 * SECOND });
      rounds(s, clock, 900, 10 * SECOND);
      clock.at += 10 * SECOND;
      assert.deepEqual(told([s.observe(round(undefined, 1, A, clock.at))]), [['hold', 'no-busy-time']]);
      clock.at += 10 * SECOND;
      assert.deepEqual(rescales(rounds(s, clock, 900, 10 * SECOND)), []);
    });
  });
});

describe('flink-autoscale in Node-RED (no Flink)', function () {
  before(async function () { await helper.startServer(); });
  afterEach(async function () { await helper.unload(); });
  after(async function () { await helper.stopServer(); });

  const metrics = (busy: number, parallelism = 1) => ({
    topic: 'flink/job-a/metrics', jobId: A,
    payload: { jobId: A, jobName: 'job-a', at: T0, vertices: [{ id: 'v', name: 'work', parallelism, busyTimeMsPerSecond: { max: busy, avg: busy } }] },
  });

  it('one outcome per message: a rescale on output 1 and the decision on output 2 when it acts, a malformed message to Catch naming the property', async function () {
    await helper.load([flinkAutoscale], testFlow(undefined, [
      { id: 'n', type: 'flink-autoscale', upWindow: '0', maxParallelism: '3', wires: [['out'], ['err']] },
    ]));
    const rescales = collect('out');
    const decisions = collect('err');
    const caught = collect('caught');
    const node = helper.getNode('n')!;
    node.receive(metrics(900));
    await eventually(() => rescales.length === 1 && decisions.length === 1, 'the rescale and its decision');
    assert.deepEqual([rescales[0]!.jobId, rescales[0]!.parallelism, rescales[0]!.payload.action], [A, 2, 'up']);
    assert.equal(decisions[0]!.topic, 'flink/job-a/autoscale');
    node.receive(metrics(900));
    node.receive(metrics(900));
    await eventually(() => decisions.length === 2, 'the in-flight hold, once');
    assert.deepEqual([decisions[1]!.payload.action, decisions[1]!.payload.reason], ['hold', 'rescaling']);
    node.receive({ payload: { ...metrics(900).payload, vertices: [{ name: 'work', parallelism: '2' }] } });
    await eventually(() => caught.length === 1, 'the malformed message at Catch');
    assert.equal(caught[0]!.error.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(caught[0]!.error.message, /msg\.payload\.vertices\[0\]\.parallelism must be a whole number of at least 1, got "2"$/);
    assert.equal(decisions.length, 2, 'the in-flight hold, once: the second metrics while rescaling decided nothing more');
    assert.equal(rescales.length, 1);
  });

  it('a setting that cannot work fails each message with FLINK_INVALID_ARGUMENT naming it', async function () {
    await helper.load([flinkAutoscale], testFlow(undefined, [
      { id: 'n', type: 'flink-autoscale', lowerBusy: '90', wires: [['out'], ['err']] },
    ]));
    const caught = collect('caught');
    const node = helper.getNode('n')!;
    node.receive(metrics(900));
    node.receive(metrics(900));
    await eventually(() => caught.length >= 2, 'the refusal of both messages at Catch');
    assert.equal(caught.length, 2, 'one refusal per message');
    for (const refusal of caught) {
      assert.equal(refusal.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(refusal.error.message, /The node's Scale down below \(90 %\) must be below its Scale up above \(80 %\)$/);
    }
  });
});
