import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { FlinkClusterClient, FlinkError, type Progress } from '../../src';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { buildFixtureJar, cancelJob, waitForJobRunning, waitForJobState } from '../../dev/flink/job';
import { ensureFlinkInstalled } from '../../dev/flink/distribution';
import { specViolations } from '../spec/flink-openapi';
import { recordingDispatcher } from '../spec/recording-dispatcher';
import { localPath } from '../../dev/paths';
import { requireLocalFlink, requireVersionLeg } from '../flink/skips';
import { fromCheckpointStatistics, type HistoryEntry } from '../flink/checkpoint-history';
import { eventually } from '../support/eventually';
import { rejectsWithCode } from '../support/rejects';
import { UNKNOWN_JOB_ID as UNKNOWN_JOB } from '../support/ids';


/** The client against a real Flink of `version` (`undefined`: the run's default). */
export function describeRealFlink(version: string | undefined): void {
describe(`FlinkClusterClient against a real Flink ${version ?? ''}`.trim(), function () {
  let flink: TestFlink;
  let client: FlinkClusterClient;
  let jobId: string;
  const recorder = recordingDispatcher();

  before(async function () {
    requireVersionLeg(this, version);
    flink = await testFlink(version);
    client = new FlinkClusterClient({ url: flink.url, dispatcher: recorder.dispatcher });
    jobId = await flink.startJob({ name: 'client-main' });
  });

  after(async function () {
    await client?.close();
    await recorder.close();
  });

  describe('cluster', function () {
    it('reports the version, overview, configuration and web UI URL', async function () {
      assert.equal(await client.getFlinkVersion(), flink.version);
      const overview = await client.getClusterOverview();
      assert.ok(overview.taskManagers >= 1);
      assert.ok(overview.jobsRunning >= 1);
      const config = await client.getFlinkConfiguration();
      assert.equal(config['rest.address'], '127.0.0.1');
      assert.equal(client.getWebInterfaceURL(), flink.url);
    });
  });

  describe('jobs', function () {
    it('lists jobs with names, states and times', async function () {
      const jobs = await client.listJobs();
      const mine = jobs.find((job) => job.jobId === jobId);
      assert.ok(mine, 'the started job is listed');
      assert.equal(mine.jobName, 'client-main');
      assert.equal(mine.state, 'RUNNING');
      assert.equal(mine.endTime, null);
      assert.ok((mine.startTime ?? 0) > 0);
      assert.ok(mine.durationMs >= 0);
    });

    it('reads status, details and accumulators', async function () {
      assert.equal(await client.getJobStatus(jobId), 'RUNNING');
      const details = await client.getJobDetails(jobId);
      assert.equal(details.jobId, jobId);
      assert.equal(details.jobName, 'client-main');
      assert.ok(details.vertices.length >= 1);
      assert.ok(details.vertices.every((v) => v.status === 'RUNNING'));
      assert.ok(details.timestamps.RUNNING! > 0);
      // Tasks report accumulators with their heartbeats, so the first value may take a moment.
      let accumulators = await client.getAccumulators(jobId);
      for (let i = 0; accumulators.records === undefined && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        accumulators = await client.getAccumulators(jobId);
      }
      assert.match(accumulators.records ?? '', /^\d+$/);
    });

    it('binds a JobClient to one job, with its exceptions, checkpoint statistics and a detached savepoint', async function () {
      const job = client.jobClient(jobId.toUpperCase());
      assert.equal(job.jobId, jobId);
      assert.equal(await job.getJobStatus(), 'RUNNING');
      assert.equal((await job.getJobDetails()).jobId, jobId);
      assert.deepEqual((await job.getJobExceptions({ maxExceptions: 5 })).entries, (await client.getJobExceptions(jobId, { maxExceptions: 5 })).entries);
      const triggerId = await job.triggerDetachedSavepoint();
      let status = await job.getSavepointStatus(triggerId);
      for (let i = 0; status.state === 'IN_PROGRESS' && i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await job.getSavepointStatus(triggerId);
      }
      assert.equal(status.state, 'COMPLETED');
      const location = status.state === 'COMPLETED' ? status.location : '';
      // The job's own checkpoint statistics, read through the JobClient, list that savepoint.
      const stats = await job.getCheckpointStatistics() as { history: Array<{ external_path?: string; is_savepoint: boolean }> };
      const entry = stats.history.find((e) => e.external_path === location)
        ?? (await fromCheckpointStatistics(client, jobId, (s) => s.history.find((e) => e.external_path === location)));
      assert.equal(entry.is_savepoint, true);
    });
  });

  describe('savepoints and checkpoints', function () {
    it('takes a savepoint that exists on disk, then disposes it', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const progress: Progress[] = [];
      const location = await client.triggerSavepoint(jobId, { onProgress: (p) => progress.push(p) });
      assert.ok(existsSync(localPath(location)), `${location} exists`);
      assert.ok(progress.length >= 1);
      assert.equal(progress[0]!.operation, 'savepoint');
      assert.match(progress[0]!.triggerId ?? '', /^[0-9a-f]{32}$/);
      await client.disposeSavepoint(location);
      assert.equal(existsSync(localPath(location)), false, 'disposed savepoint is gone');
    });

    it('writes a savepoint to a chosen directory in NATIVE format (as Flink\'s checkpoint history reports it)', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const dir = `${flink.savepointDir}/chosen`;
      const location = await client.triggerSavepoint(jobId, { savepointDir: dir, formatType: 'NATIVE' });
      assert.ok(localPath(location).startsWith(dir), `${location} is under ${dir}`);
      assert.ok(readdirSync(localPath(location)).includes('_metadata'));
      const entry = await fromCheckpointStatistics(client, jobId, (stats) => stats.history.find((e) => e.external_path === location));
      assert.equal(entry.status, 'COMPLETED');
      assert.equal(entry.is_savepoint, true);
      assert.equal(entry.savepointFormat, 'NATIVE');
    });

    it('follows a detached savepoint to completion', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const triggerId = await client.triggerDetachedSavepoint(jobId);
      assert.match(triggerId, /^[0-9a-f]{32}$/);
      let status = await client.getSavepointStatus(jobId, triggerId);
      for (let i = 0; status.state === 'IN_PROGRESS' && i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await client.getSavepointStatus(jobId, triggerId);
      }
      assert.equal(status.state, 'COMPLETED');
      assert.ok(status.state === 'COMPLETED' && existsSync(localPath(status.location)));
    });

    // Flink's history says CHECKPOINT for a FULL checkpoint too, so what shows it was full is its size: KeyedStateJob
    // keeps 200 random 4 KiB values in RocksDB with incremental checkpoints. A full checkpoint uploads all of it
    // (checkpointed_size == state_size), an incremental one only the files written since the last (2.3.0: 22 KB of 880 KB;
    // 1.20.5: 20 KB of 890 KB). Flink refuses checkpointType INCREMENTAL (FLINK-33723): the job's default is incremental.
    it('takes a FULL checkpoint that uploads all the job\'s keyed state, and a default (incremental) one after it only what changed', async function () {
      const keys = 200;
      const valueBytes = 4096;
      const keyedStateBytes = keys * valueBytes;
      const keyed = await client.runJar(flink.jarId, { entryClass: 'KeyedStateJob', args: ['client-keyed-state', String(keys), String(valueBytes)], parallelism: 1 });
      try {
        await waitForJobRunning(flink.url, keyed);
        const first = await client.triggerCheckpoint(keyed);
        const full = await client.jobClient(keyed).triggerCheckpoint({ checkpointType: 'FULL' });
        const incremental = await client.triggerCheckpoint(keyed);
        assert.ok(first > 0 && full > first && incremental > full, `ids ${first} < ${full} < ${incremental}`);
        const [fullEntry, incrementalEntry] = await fromCheckpointStatistics(client, keyed, (stats) => {
          const found = [full, incremental].map((id) => stats.history.find((e) => e.id === id));
          return found.every(Boolean) ? found as HistoryEntry[] : undefined;
        });
        for (const entry of [fullEntry!, incrementalEntry!]) {
          assert.equal(entry.status, 'COMPLETED');
          assert.equal(entry.is_savepoint, false);
        }
        assert.ok(fullEntry!.state_size >= keyedStateBytes, `the FULL checkpoint holds all keyed state: ${fullEntry!.state_size} bytes`);
        assert.equal(fullEntry!.checkpointed_size, fullEntry!.state_size, 'the FULL checkpoint uploaded all of its state');
        assert.ok(incrementalEntry!.state_size >= keyedStateBytes);
        assert.ok(incrementalEntry!.checkpointed_size < incrementalEntry!.state_size / 4,
          `the incremental checkpoint after it uploaded only new files: ${incrementalEntry!.checkpointed_size} of ${incrementalEntry!.state_size} bytes`);
      } finally {
        await cancelJob(flink.url, keyed);
      }
    });

    it('refuses an INCREMENTAL checkpoint trigger, which Flink answers with a 500 (FLINK-33723), without sending it', async function () {
      const before = recorder.sent.length;
      await rejectsWithCode(client.triggerCheckpoint(jobId, { checkpointType: 'INCREMENTAL' }), 'FLINK_UNSUPPORTED', /FLINK-33723/);
      assert.equal(recorder.sent.length, before, 'nothing was sent');
      assert.equal(await client.getJobStatus(jobId), 'RUNNING');
    });

    it('reports a disposal of a missing savepoint as a failed operation', async function () {
      requireLocalFlink(this, flink, 'names a path in the local savepoint dir');
      await rejectsWithCode(client.disposeSavepoint(`${flink.savepointDir}/does-not-exist`), 'FLINK_OPERATION_FAILED', /disposal/i);
    });

    it('reports a trigger id Flink never issued for this job as an unknown trigger, naming it', async function () {
      const neverIssued = '0123456789abcdef0123456789abcdef';
      const caught = await rejectsWithCode(client.getSavepointStatus(jobId, neverIssued), 'FLINK_OUTCOME_UNKNOWN');
      assert.equal(caught.triggerId, neverIssued);
      assert.equal(caught.jobState, 'RUNNING');
      assert.match(caught.message, new RegExp(neverIssued));
      assert.match(caught.message, /no longer knows|unknown|does not know/);
    });
  });

  describe('ending jobs', function () {
    it('stops with a savepoint (FINISHED) and the savepoint restores the job', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const stopping = await flink.startJob({ name: 'client-stop' });
      const location = await client.jobClient(stopping).stopWithSavepoint({ drain: false });
      assert.ok(existsSync(localPath(location)));
      assert.equal(await waitForJobState(flink.url, stopping, ['FINISHED', 'FAILED', 'CANCELED']), 'FINISHED');
      const result = await client.getJobResult(stopping);
      assert.equal(result.applicationStatus, 'SUCCEEDED');
      await rejectsWithCode(client.cancel(stopping), 'FLINK_CONFLICT', /already reached another terminal state \(FINISHED\)/);
      assert.ok(result.netRuntimeMs > 0);

      const runAt = Date.now();
      const restored = await client.runJar(flink.jarId, { entryClass: 'EndlessJob', args: ['client-restored', '0'], savepointPath: location, claimMode: 'NO_CLAIM' });
      await waitForJobState(flink.url, restored, ['RUNNING']);
      const details = await client.getJobDetails(restored);
      assert.equal(details.jobName, 'client-restored');
      // Flink's own record of where the running job's state came from: exactly this savepoint.
      const from = await fromCheckpointStatistics(client, restored, (stats) => stats.latest.restored ? stats : undefined);
      assert.equal(from.latest.restored?.external_path, location);
      assert.equal(from.latest.restored?.is_savepoint, true);
      assert.equal(from.counts.restored, 1);
      const { restoredFrom } = await client.getCheckpointSummary(restored);
      assert.deepEqual(restoredFrom, { id: from.latest.restored!.id, isSavepoint: true, path: location, restoreTimestamp: restoredFrom?.restoreTimestamp },
        'the summary reports the same savepoint');
      assert.ok(restoredFrom!.restoreTimestamp! >= runAt && restoredFrom!.restoreTimestamp! <= Date.now(), `restored at ${restoredFrom!.restoreTimestamp}, as the job started`);
      await client.cancel(restored);
      assert.equal(await waitForJobState(flink.url, restored, ['CANCELED', 'FAILED']), 'CANCELED');
    });

    it('cancels with a savepoint', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const victim = await flink.startJob({ name: 'client-cancel-with-savepoint' });
      const location = await client.jobClient(victim).cancelWithSavepoint();
      assert.ok(existsSync(localPath(location)));
      assert.equal(await waitForJobState(flink.url, victim, ['CANCELED', 'FAILED', 'FINISHED']), 'CANCELED');
      const result = await client.getJobResult(victim);
      assert.equal(result.applicationStatus, 'CANCELED');
    });

    it('cancels, and cancelling a cancelled job again is harmless', async function () {
      const victim = await flink.startJob({ name: 'client-cancel' });
      await client.cancel(victim);
      assert.equal(await waitForJobState(flink.url, victim, ['CANCELED', 'FAILED']), 'CANCELED');
      assert.equal(await client.getJobStatus(victim), 'CANCELED');
      await client.cancel(victim);
      assert.equal(await client.getJobStatus(victim), 'CANCELED');
    });

    it('returns the failure cause of a failed job', async function () {
      const failing = await flink.startJob({ name: 'client-failing', failAfterMs: 500, noWait: true });
      const result = await client.getJobResult(failing, { timeoutMs: 60_000 });
      assert.equal(result.applicationStatus, 'FAILED');
      assert.match(result.failure?.message ?? '', /asked to fail/);
      assert.equal(result.failure?.class, 'java.lang.IllegalStateException');
      const exceptions = await client.getJobExceptions(failing);
      assert.ok(exceptions.entries.length >= 1);
    });

    it('decodes the accumulators of a bounded job to its exact totals', async function () {
      const n = 3000 + Math.floor(Math.random() * 1000);
      const bounded = await client.runJar(flink.jarId, { entryClass: 'BoundedCountersJob', args: [String(n), 'client-bounded'], parallelism: 1 });
      const result = await client.getJobResult(bounded, { timeoutMs: 120_000 });
      assert.equal(result.applicationStatus, 'SUCCEEDED');
      assert.deepEqual(result.accumulators, {
        records: n, sum: (n * (n + 1)) / 2, halves: (n * (n + 1)) / 4, label: `counted ${n}`,
        point: { undecodable: true, javaClass: 'BoundedCountersJob$Point', reason: 'not one of the value types this client decodes' },
        unserializable: { failure: { class: 'java.io.NotSerializableException', message: 'java.lang.Object' } },
      });
      // Flink's own rendering of the same finished job agrees on every counter.
      const rendered = await client.getAccumulators(bounded);
      assert.equal(rendered.records, String(n));
      assert.equal(rendered.sum, String((n * (n + 1)) / 2));
      assert.equal(Number(rendered.halves), (n * (n + 1)) / 4);
    });

    it('uploads a jar and runs it', async function () {
      const jar = await buildFixtureJar(await ensureFlinkInstalled(flink.version));
      const jarId = await client.uploadJar(jar);
      assert.match(jarId, /fixture-jobs\.jar$/);
      const started = await client.runJar(jarId, { entryClass: 'EndlessJob', args: ['client-uploaded'], parallelism: 1 });
      assert.match(started, /^[0-9a-f]{32}$/);
      await waitForJobState(flink.url, started, ['RUNNING']);
      await client.cancel(started);
      await waitForJobState(flink.url, started, ['CANCELED']);
    });
  });

  describe('health reads', function () {
    it('reads a running job\'s restarts, checkpoint configuration and summary, and each vertex\'s backpressure', async function () {
      assert.deepEqual(await client.getJobMetrics(jobId, ['numRestarts', 'noSuchMetric']), { numRestarts: '0' });
      assert.deepEqual(await client.getJobMetrics(UNKNOWN_JOB, ['numRestarts']), {}, 'Flink answers an unknown job with no metrics');
      // EndlessJob checkpoints every minute; BoundedCountersJob has checkpointing off (Flink reports Long.MAX_VALUE).
      const config = await client.getCheckpointConfig(jobId);
      assert.equal(config.enabled, true);
      assert.equal(config.intervalMs, 60_000);
      assert.equal(typeof config.timeoutMs, 'number');
      assert.equal(config.retainedOnCancel, false, 'Flink\'s default retention: no externalized checkpoints');
      const unchecked = await client.runJar(flink.jarId, { entryClass: 'BoundedCountersJob', args: ['100000000000', 'client-no-checkpoints'], parallelism: 1 });
      try {
        assert.deepEqual({ ...(await client.getCheckpointConfig(unchecked)), timeoutMs: 0, tolerableFailedCheckpoints: 0 },
          { enabled: false, intervalMs: null, timeoutMs: 0, tolerableFailedCheckpoints: 0, retainedOnCancel: false });
      } finally {
        await client.cancel(unchecked);
      }
      await client.triggerCheckpoint(jobId);
      // Flink's REST layer caches checkpoint statistics for a few seconds.
      let summary = await client.getCheckpointSummary(jobId);
      for (let i = 0; !summary.latestCompleted && i < 60; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        summary = await client.getCheckpointSummary(jobId);
      }
      assert.ok(summary.completed >= 1);
      assert.equal(summary.latestCompleted!.status, 'COMPLETED');
      assert.ok(summary.latestCompleted!.latestAckTimestamp! > 0);
      assert.ok(summary.history.some((entry) => entry.id === summary.latestCompleted!.id));
      assert.equal(summary.restoredFrom, null, 'a job started without a savepoint was restored from nothing');
      for (const vertex of (await client.getJobDetails(jobId)).vertices) {
        const backpressure = await client.getVertexBackpressure(jobId, vertex.id);
        assert.ok(backpressure.level === null || ['ok', 'low', 'high'].includes(backpressure.level), JSON.stringify(backpressure));
        assert.ok(backpressure.subtasks.length === 0 || backpressure.subtasks.length === vertex.parallelism);
      }
      assert.deepEqual(await client.getVertexBackpressure(UNKNOWN_JOB, UNKNOWN_JOB), { level: null, measuredAt: null, subtasks: [] },
        'Flink has no measurement of a job it does not know');
    });

    it('reads a vertex\'s task metrics aggregated over its subtasks, only the aggregations asked for', async function () {
      const [vertex] = (await client.getJobDetails(jobId)).vertices;
      const names = ['busyTimeMsPerSecond', 'numRecordsOutPerSecond'];
      // Flink's metric store fills within its fetch interval (10 s by default) of the job's start.
      let metrics: Awaited<ReturnType<FlinkClusterClient['getVertexMetrics']>> = {};
      await eventually(async () => {
        metrics = await client.getVertexMetrics(jobId, vertex!.id, names, ['max', 'avg', 'sum']);
        return metrics.busyTimeMsPerSecond !== undefined;
      }, `the vertex's busyTimeMsPerSecond in Flink's metric store`, 30_000);
      assert.deepEqual(Object.keys(metrics).sort(), ['busyTimeMsPerSecond', 'numRecordsOutPerSecond']);
      for (const value of Object.values(metrics)) {
        assert.deepEqual(Object.keys(value).sort(), ['avg', 'max', 'sum']);
        assert.ok(Object.values(value).every((n) => Number.isFinite(n) && n >= 0), JSON.stringify(metrics));
      }
      assert.ok(metrics.busyTimeMsPerSecond!.max! <= 1000);
      assert.deepEqual(await client.getVertexMetrics(jobId, vertex!.id, [...names, 'noSuchMetric'], ['max']), {},
        'Flink answers nothing at all when one metric asked for is unknown to it');
      const ids = await client.getVertexMetricIds(jobId, vertex!.id);
      assert.ok(names.every((name) => ids.includes(name)), ids.join());
      const onlyMax = await client.getVertexMetrics(jobId, vertex!.id, ['busyTimeMsPerSecond'], ['max']);
      assert.deepEqual(Object.keys(onlyMax.busyTimeMsPerSecond ?? {}), ['max']);
      assert.deepEqual(await client.getVertexMetrics(UNKNOWN_JOB, UNKNOWN_JOB, ['busyTimeMsPerSecond'], ['max']), {},
        'Flink has no metrics of a job it does not know');
      await rejectsWithCode(client.getVertexMetrics(jobId, vertex!.id, [], ['max']), 'FLINK_INVALID_ARGUMENT');
      await rejectsWithCode(client.getVertexMetrics(jobId, vertex!.id, ['a,b'], ['max']), 'FLINK_INVALID_ARGUMENT');
      await rejectsWithCode(client.getVertexMetrics(jobId, vertex!.id, ['busyTimeMsPerSecond'], ['median' as 'max']), 'FLINK_INVALID_ARGUMENT');
    });
  });

  describe('unknown jobs and malformed ids', function () {
    const operations: Array<[string, (c: FlinkClusterClient, id: string) => Promise<unknown>]> = [
      ['getJobStatus', (c, id) => c.getJobStatus(id)],
      ['getJobDetails', (c, id) => c.getJobDetails(id)],
      ['cancel', (c, id) => c.cancel(id)],
      ['triggerSavepoint', (c, id) => c.triggerSavepoint(id)],
      ['triggerDetachedSavepoint', (c, id) => c.triggerDetachedSavepoint(id)],
      ['cancelWithSavepoint', (c, id) => c.cancelWithSavepoint(id)],
      ['stopWithSavepoint', (c, id) => c.stopWithSavepoint(id)],
      ['triggerCheckpoint', (c, id) => c.triggerCheckpoint(id)],
      ['getAccumulators', (c, id) => c.getAccumulators(id)],
      ['getJobResult', (c, id) => c.getJobResult(id)],
      ['getJobExceptions', (c, id) => c.getJobExceptions(id)],
      ['getCheckpointStatistics', (c, id) => c.getCheckpointStatistics(id)],
      ['getCheckpointSummary', (c, id) => c.getCheckpointSummary(id)],
      ['getCheckpointConfig', (c, id) => c.getCheckpointConfig(id)],
    ];

    for (const [name, call] of operations) {
      it(`${name} of an unknown job is FLINK_JOB_NOT_FOUND`, async function () {
        await rejectsWithCode(call(client, UNKNOWN_JOB), 'FLINK_JOB_NOT_FOUND', new RegExp(UNKNOWN_JOB));
      });
    }

    it('rejects malformed ids before sending anything', async function () {
      const offlineRecorder = recordingDispatcher();
      const offline = new FlinkClusterClient({ url: 'http://127.0.0.1:9', retry: { maxRetries: 0 }, dispatcher: offlineRecorder.dispatcher });
      try {
        for (const bad of ['', 'abc', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', `${UNKNOWN_JOB}0`, undefined as unknown as string]) {
          for (const [, call] of operations) {
            await rejectsWithCode(call(offline, bad), 'FLINK_INVALID_ARGUMENT');
          }
        }
        assert.throws(() => offline.jobClient('nope'), (err: FlinkError) => err.code === 'FLINK_INVALID_ARGUMENT');
        assert.deepEqual(offlineRecorder.sent, [], 'no request was sent');
      } finally {
        await offline.close();
        await offlineRecorder.close();
      }
    });
  });

  // Last in this file, so every request above has been sent by now.
  describe('wire conformance', function () {
    it('every request it sent is allowed by the Flink REST spec of that version', function () {
      assert.ok(recorder.sent.length > 30, `only ${recorder.sent.length} requests were recorded`);
      const problems = recorder.sent.flatMap((request) => specViolations(flink.version, request));
      assert.deepEqual(problems, []);
    });
  });
});
}
