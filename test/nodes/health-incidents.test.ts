import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkClusterClient } from '../../src';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { startFlinkProxy } from './flink-proxy';
import { events, INTERVAL_S, namesOf, roundsAt } from './health-flows';
import { collect, eventually, FLINK_NODES, helper, listingsAt, nextRequests, statuses, testFlow, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Each kind off unless a node turns it on: a node here raises one kind of runtime incident. */
const ALL_OFF = { restartCount: 0, failedCheckpoints: 0, staleCheckpoints: 0, backpressureFor: 0 };


/** One read of the job's `numRestarts` (undefined: Flink has no value for the job yet): when it was sent, and answered. */
interface RestartsRead { value: number | undefined; sentAt: number; at: number }

/**
 * Reads `numRestarts` from Flink every 250 ms, to time the node's incident against: when a value was first seen,
 * and when the last read that still saw less was sent (Flink had not reported that value by then).
 */
function watchRestarts(flinkUrl: string, jobId: () => string | undefined): {
  firstSeen(atLeast: number): number | undefined; lastBelow(atLeast: number): RestartsRead | undefined; values(): Array<number | undefined>; stop(): void;
} {
  const reads: RestartsRead[] = [];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const id = jobId();
      if (id) {
        const sentAt = Date.now();
        try {
          const response = await fetch(`${flinkUrl}/jobs/${id}/metrics?get=numRestarts`, { signal: AbortSignal.timeout(5000) });
          const [metric] = await response.json() as Array<{ value: string }>;
          reads.push({ value: metric ? Number(metric.value) : undefined, sentAt, at: Date.now() });
        } catch {
          // the next read tells
        }
      }
      await sleep(250);
    }
  })();
  const first = (atLeast: number): number => reads.findIndex(({ value }) => value !== undefined && value >= atLeast);
  return {
    firstSeen: (atLeast) => reads[first(atLeast)]?.at,
    lastBelow: (atLeast) => {
      const index = first(atLeast);
      return index > 0 ? reads[index - 1] : undefined;
    },
    values: () => reads.map(({ value }) => value),
    stop: () => { stopped = true; },
  };
}

/**
 * The restart loop's fixture job fails 6 s after each start and is restarted 1 s later: about 7 s a restart, so
 * Flink, whose REST metrics are refreshed every 10 s (metrics.fetcher.update-interval), reports 1 or 2 restarts
 * before it reports 3, and an incident opened before the threshold would show. Restarts counted in a window of
 * 30 s (0.5 min): three fit in it with room to spare.
 */
const LOOP_FAILS_AFTER_MS = 6000;
const LOOP_RESTART_DELAY_MS = 1000;
const LOOP_WINDOW_MIN = 0.5;
/**
 * What the node's settings make the restart loop's incident take at most once Flink reports the threshold: its
 * next health round (the nodes' interval, INTERVAL_S), then the root cause from the exception history, which the
 * node asks for up to 4 times 1.5 s apart (Flink's REST cache of it); with a few seconds more for a slow machine.
 */
const ROUND_MS = INTERVAL_S * 1000;
const ROOT_CAUSE_WAIT_MS = 3 * 1500;
const SLOW_MACHINE_MS = 4000;
/** Listings over which the shared poller's pace is measured. */
const PACED_LISTINGS = 10;

describe('flink-job-health against the real Flink', function () {
  const suite = withNodeRed();
  let dir: string | undefined;
  afterEach(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('raises a restart loop, failing and stale checkpoints and backpressure once each and resolves each once; twenty health and watch nodes cost one listing per interval', async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'health-incidents-'));
    const flagFile = path.join(dir, 'stop-failing');
    const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
    const listings = (): number => listingsAt(proxy).length;
    const kinds = {
      loop: { kind: 'restart-loop', thresholds: { restartCount: 3, restartWindow: LOOP_WINDOW_MIN } },
      checkpoints: { kind: 'checkpoints-failing', thresholds: { failedCheckpoints: 3 } },
      stale: { kind: 'checkpoints-stale', thresholds: { staleCheckpoints: 8 } },
      backpressure: { kind: 'backpressure', thresholds: { backpressureFor: 2 } },
    } as const;
    const names = Object.keys(kinds) as Array<keyof typeof kinds>;
    const healthNodes = names.map((name) => ({
      id: `health-${name}`, type: 'flink-job-health', interval: INTERVAL_S, sampleInterval: INTERVAL_S, ...namesOf(`health-${name}`), ...ALL_OFF,
      ...kinds[name].thresholds, wires: [[`out-${name}`]],
    }));
    // Sixteen more nodes on the same cluster: eight watch nodes and eight health nodes with the default thresholds.
    const others = Array.from({ length: 16 }, (_, i) => ({
      id: `other-${i}`, type: i % 2 ? 'flink-job-watch' : 'flink-job-health', interval: INTERVAL_S * (1 + (i % 3)), sampleInterval: INTERVAL_S * (1 + (i % 3)),
      ...namesOf(...names.map((name) => `health-${name}`)), wires: [[]],
    }));
    // The nodes run before the jobs do: every job's first sample counts from its start (no restarts yet).
    await helper.load(FLINK_NODES, testFlow(proxy.url, [...healthNodes, ...others], { helpers: names.map((name) => `out-${name}`) }));
    const out = Object.fromEntries(names.map((name) => [name, collect(`out-${name}`)])) as Record<keyof typeof kinds, Message[]>;
    const loopArrivals: number[] = [];
    helper.getNode('out-loop')!.on('input', () => loopArrivals.push(Date.now()));
    const shown = statuses('health-checkpoints');

    let loopId: string | undefined;
    const restarts = watchRestarts(suite.flink.url, () => loopId);
    try {
      const [loop, checkpoints, stale, backpressure] = await Promise.all([
        // Watched from the moment Flink has the job: before it can have restarted.
        suite.startJob('health-loop', { noWait: true, fixture: { entryClass: 'RestartLoopJob', args: [flagFile, String(LOOP_FAILS_AFTER_MS), String(LOOP_RESTART_DELAY_MS)] } })
          .then((job) => { loopId = job.jobId; return job; }),
        suite.startJob('health-checkpoints', { fixture: { entryClass: 'FailingCheckpointJob', args: ['1000'] } }),
        suite.startJob('health-stale', { fixture: { entryClass: 'StaleCheckpointJob' } }),
        suite.startJob('health-backpressure', { fixture: { entryClass: 'BackpressuredJob', args: ['50'] } }),
      ]);
      const jobs = { loop, checkpoints, stale, backpressure };

      // The shared poller: one listing per shortest interval for all twenty nodes. It lists again one interval after
      // each listing has been answered, so the time between one listing's answer and the next listing, summed over
      // PACED_LISTINGS listings, is about PACED_LISTINGS intervals: no more than 1.5 listings per interval, and at
      // least PACED_LISTINGS - 2 (the listings keep coming, as often as the shortest interval says).
      await eventually(() => listings() > 3, 'the first listings');
      const paced = await nextRequests(() => listingsAt(proxy), PACED_LISTINGS + 1, 'listings', 60_000);
      assert.ok(paced.every((listing) => listing.answeredAt !== undefined), 'every listing was answered');
      const waited = paced.slice(1).reduce((sum, listing, i) => sum + (listing.receivedAt - paced[i]!.answeredAt!), 0);
      const perInterval = PACED_LISTINGS / (waited / (INTERVAL_S * 1000));
      assert.ok(perInterval <= 1.5, `${perInterval.toFixed(2)} listings per interval for twenty nodes (${waited} ms between ${PACED_LISTINGS + 1} listings): one poller at the shortest interval (${INTERVAL_S} s)`);
      assert.ok(waited <= (PACED_LISTINGS + 2) * INTERVAL_S * 1000,
        `${PACED_LISTINGS} listings took ${waited} ms of waiting, more than ${PACED_LISTINGS + 2} intervals: the shared poller lists less often than every ${INTERVAL_S} s`);
      console.log(`      [health] ${PACED_LISTINGS + 1} listings for twenty nodes, ${waited} ms of waiting between them`);
      const jobRequests = proxy.requests.filter((request) => /^\/jobs\/[0-9a-f]{32}/.test(request.path));
      const ids = new Set(Object.values(jobs).map(({ jobId }) => jobId));
      assert.deepEqual(jobRequests.filter((request) => !ids.has(request.path.split('/')[2]!)).map((r) => r.path), [],
        'per-job requests only for the jobs the health nodes select');

      const opened = async (name: keyof typeof kinds): Promise<Message> => {
        await eventually(() => out[name].length > 0, `the ${kinds[name].kind} incident`, 60_000);
        return out[name][0]!;
      };

      // Restart loop: opened only once Flink's numRestarts reached the threshold, and then at its next health round;
      // with the root cause.
      const loopOpened = await opened('loop');
      const receivedAt = loopArrivals[0]!;
      // Our own reads of the metric may see the threshold a moment after the node's did.
      await eventually(() => restarts.firstSeen(3) !== undefined, 'Flink\'s numRestarts at 3', 60_000);
      const reached = restarts.firstSeen(3)!;
      const below = restarts.lastBelow(3);
      assert.ok(below !== undefined, `Flink reported fewer than 3 restarts first: ${JSON.stringify(restarts.values())}`);
      assert.ok(restarts.values().some((value) => value === 1 || value === 2),
        `Flink reported 1 or 2 restarts before 3, so an incident opened early would show: ${JSON.stringify(restarts.values())}`);
      // An opening asks for the job's exception history (its root cause) at once: the first such request is when a
      // node first opened the incident.
      const rootCauseAsked = proxy.requests.find((request) => request.path.split('?')[0] === `/jobs/${loop.jobId}/exceptions`);
      assert.ok(rootCauseAsked, 'the node asked for the root cause when it opened the incident');
      const openedAt = rootCauseAsked.receivedAt;
      assert.ok(openedAt > below.sentAt, `the incident opened ${below.sentAt - openedAt} ms before Flink reported 3 restarts (it still said ${below.value})`);
      assert.ok(openedAt - reached <= ROUND_MS + SLOW_MACHINE_MS, `the incident opened ${openedAt - reached} ms after numRestarts reached 3: within the node's next health round (${ROUND_MS} ms)`);
      assert.ok(receivedAt - reached <= ROUND_MS + ROOT_CAUSE_WAIT_MS + SLOW_MACHINE_MS,
        `the incident came ${receivedAt - reached} ms after numRestarts reached 3: its health round (${ROUND_MS} ms) and the root cause (up to ${ROOT_CAUSE_WAIT_MS} ms)`);
      console.log(`      [health] restart loop: Flink reported ${JSON.stringify(restarts.values().filter((v, i, all) => v !== all[i - 1]))}; opened ${openedAt - reached} ms, message ${receivedAt - reached} ms after 3 was reported`);
      assert.equal(loopOpened.topic, `flink/${loop.jobName}/restart-loop`);
      assert.equal(loopOpened.payload.jobId, loop.jobId);
      assert.equal(loopOpened.payload.jobName, loop.jobName);
      assert.equal(loopOpened.payload.severity, 'critical');
      assert.ok(loopOpened.payload.values.restarts >= 3, JSON.stringify(loopOpened.payload.values));
      assert.equal(loopOpened.payload.rootCause?.exceptionClass, 'java.lang.IllegalStateException');
      assert.match(loopOpened.payload.rootCause?.message ?? '', new RegExp(`RestartLoopJob fails ${LOOP_FAILS_AFTER_MS} ms after each start`));
      writeFileSync(flagFile, ''); // the job stops failing

      const checkpointsOpened = await opened('checkpoints');
      assert.ok(checkpointsOpened.payload.values.failedInARow >= 3, JSON.stringify(checkpointsOpened.payload.values));
      assert.equal(checkpointsOpened.payload.jobId, checkpoints.jobId);
      assert.ok(shown.some((status) => status.text === '1 job · 1 incident'), `status ${JSON.stringify(shown.slice(-3))}`);

      // Stale checkpoints: opened; resolved by a checkpoint that completes.
      const staleOpened = await opened('stale');
      assert.equal(staleOpened.payload.jobId, stale.jobId);
      assert.ok(staleOpened.payload.values.ageSeconds >= 8, JSON.stringify(staleOpened.payload.values));
      // A checkpoint every 2 s from the first until the job is cancelled: however slow the machine, the job is never
      // 8 s old again while it runs, so the incident opens once and resolves once.
      const client = new FlinkClusterClient({ url: suite.flink.url });
      let cancelling = false;
      let cancelled = false;
      const checkpointing = (async () => {
        while (!cancelled) {
          await client.triggerCheckpoint(stale.jobId).catch((err: Error) => { if (!cancelling) throw err; });
          await sleep(2000);
        }
      })();
      try {
        await eventually(() => out.stale.length > 1, 'the stale incident resolved by a completed checkpoint', 60_000);
      } finally {
        cancelling = true; // a checkpoint of the job being cancelled may fail
        await cancelJob(suite.flink.url, stale.jobId).finally(() => { cancelled = true; });
        await checkpointing.finally(() => client.close());
      }

      const backpressureOpened = await opened('backpressure');
      assert.equal(backpressureOpened.payload.jobId, backpressure.jobId);
      assert.ok(backpressureOpened.payload.values.vertices.some((vertex: { vertexName: string }) => /sequence/.test(vertex.vertexName)),
        `the source is back-pressured: ${JSON.stringify(backpressureOpened.payload.values)}`);

      // The restart loop is over once a whole window (30 s) passed without a restart.
      await eventually(() => out.loop.length > 1, 'the restart loop resolved after the flag file', 120_000);
      assert.equal(await waitForJobState(suite.flink.url, loop.jobId, ['RUNNING']), 'RUNNING');

      // The other incidents end with their jobs.
      await Promise.all([checkpoints, backpressure].map(({ jobId }) => cancelJob(suite.flink.url, jobId)));
      await eventually(() => out.checkpoints.length > 1 && out.backpressure.length > 1, 'incidents resolved when their jobs were cancelled', 60_000);
      // Three more listings (the ended jobs in them) and health rounds of the job still running: nothing is announced again.
      await Promise.all([
        nextRequests(() => listingsAt(proxy), 3, 'listings'),
        nextRequests(() => roundsAt(proxy, loop.jobId), 3, `health rounds of ${loop.jobId}`),
      ]);

      for (const name of names) {
        const [first, second] = out[name];
        assert.deepEqual(events(out[name]), [[kinds[name].kind, 'opened'], [kinds[name].kind, 'resolved']], `${name}: one opening, one resolution`);
        assert.equal(second!.payload.incidentId, first!.payload.incidentId, `${name}: the resolution names the incident`);
        assert.equal(second!.payload.jobId, jobs[name].jobId);
        assert.ok(second!.payload.resolvedAt >= first!.payload.since);
      }
      assert.ok(out.stale[1]!.payload.values.lastCompletedAt >= staleOpened.payload.since, 'the stale incident ended with a new checkpoint');
      assert.equal(out.checkpoints[1]!.payload.values.state, 'CANCELED');
    } finally {
      restarts.stop();
    }
  });
});
