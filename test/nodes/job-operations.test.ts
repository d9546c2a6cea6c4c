import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { type TestFlink } from '../flink/test-cluster';
import { localPath } from '../../dev/paths';
import { requireLocalFlink } from '../flink/skips';
import { fromCheckpointStatistics, type HistoryEntry } from '../flink/checkpoint-history';
import { FlinkClusterClient } from '../../src';
import { UNKNOWN_JOB_ID, UNKNOWN_TRIGGER_ID } from '../support/ids';
import {
  collect, eventually, FLINK_NODES, helper, nextMessage, operationFlow, roundTrip, statuses, testFlow, uniqueName, withRunningJob,
} from './node-harness';

describe('flink operation nodes against the real Flink', function () {
  const suite = withRunningJob('nodes-ops');
  let flink: TestFlink, jobName: string, jobId: string;
  before(function () { ({ flink, jobName, jobId } = suite); });

  describe('flink-list-jobs', function () {
    it('lists the jobs with id, name, state and times', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-list-jobs' }));
      const msg = await roundTrip('n', { topic: 'keep me' }, 'out');
      assert.equal(msg.topic, 'keep me');
      const job = (msg.payload as Array<Record<string, unknown>>).find((j) => j.jobId === jobId);
      assert.ok(job, 'the running test job is listed');
      assert.deepEqual(Object.keys(job).sort(), ['duration', 'endTime', 'jobId', 'name', 'startTime', 'state']);
      assert.equal(job.name, jobName);
      assert.equal(job.state, 'RUNNING');
      assert.equal(job.endTime, null);
      assert.equal(typeof job.startTime, 'number');
      assert.ok((job.duration as number) >= 0);
    });

    it('filters by state and by exact name or regular expression', async function () {
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'n-exact', type: 'flink-list-jobs', states: ['RUNNING'], nameFilter: jobName, nameMatch: 'exact', wires: [['out']] },
        { id: 'n-regex', type: 'flink-list-jobs', nameFilter: `^${jobName.replace(/-[^-]+$/, '')}-`, nameMatch: 'regex', wires: [['out']] },
        { id: 'n-ended', type: 'flink-list-jobs', states: 'FINISHED,CANCELED', nameFilter: jobName, wires: [['out']] },
      ], { noCatch: true }));
      const exact = await roundTrip('n-exact', {}, 'out');
      assert.deepEqual(exact.payload.map((j: { jobId: string }) => j.jobId), [jobId]);
      const regex = await roundTrip('n-regex', {}, 'out');
      assert.ok(regex.payload.some((j: { jobId: string }) => j.jobId === jobId));
      assert.ok(regex.payload.every((j: { name: string }) => j.name.startsWith(jobName.replace(/-[^-]+$/, ''))));
      const ended = await roundTrip('n-ended', {}, 'out');
      assert.deepEqual(ended.payload, []);
    });
  });

  describe('flink-job-status', function () {
    it('gives { jobId, state } for msg.jobId, keeping the other msg properties', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-status' }));
      const seen = statuses('n');
      const msg = await roundTrip('n', { jobId: jobId.toUpperCase(), topic: 't', extra: { a: 1 } }, 'out');
      assert.deepEqual(msg.payload, { jobId, state: 'RUNNING' });
      assert.equal(msg.jobId, jobId, 'msg.jobId is the normalized id acted on');
      assert.equal(msg.topic, 't');
      assert.deepEqual(msg.extra, { a: 1 });
      assert.deepEqual(seen[seen.length - 1], { fill: 'green', shape: 'dot', text: 'RUNNING' });
    });

    it('gives the full details when asked', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-status', details: true }));
      const msg = await roundTrip('n', { jobId }, 'out');
      assert.equal(msg.payload.state, 'RUNNING');
      assert.equal(msg.payload.details.jobName, jobName);
      assert.ok(msg.payload.details.vertices.length > 0);
    });

    it('takes the job id from flow context, a fixed string or env through the TypedInput', async function () {
      process.env.FLINK_NODES_TEST_JOB = jobId;
      try {
        await helper.load(FLINK_NODES, testFlow(flink.url, [
          { id: 'n-flow', type: 'flink-job-status', jobId: 'watched', jobIdType: 'flow', wires: [['out']] },
          { id: 'n-str', type: 'flink-job-status', jobId, jobIdType: 'str', wires: [['out']] },
          { id: 'n-env', type: 'flink-job-status', jobId: 'FLINK_NODES_TEST_JOB', jobIdType: 'env', wires: [['out']] },
        ], { noCatch: true }));
        helper.getNode('n-flow')!.context().flow.set('watched', jobId);
        for (const id of ['n-flow', 'n-str', 'n-env']) {
          const msg = await roundTrip(id, {}, 'out');
          assert.deepEqual(msg.payload, { jobId, state: 'RUNNING' }, `job id from ${id}`);
        }
      } finally {
        delete process.env.FLINK_NODES_TEST_JOB;
      }
    });

    it('resolves msg.jobName, or the node\'s job name, to the RUNNING job; an id wins over a name', async function () {
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'byMsg', type: 'flink-job-status', wires: [['out']] },
        { id: 'byNode', type: 'flink-job-status', jobName, wires: [['out']] },
      ]));
      assert.deepEqual((await roundTrip('byMsg', { jobName }, 'out')).payload, { jobId, state: 'RUNNING' });
      const named = await roundTrip('byNode', {}, 'out');
      assert.deepEqual(named.payload, { jobId, state: 'RUNNING' });
      assert.equal(named.jobId, jobId, 'the resolved id is set on the message');
      const idWins = await roundTrip('byNode', { jobId: 'not-an-id' }, 'caught');
      assert.equal(idWins.error.code, 'FLINK_INVALID_ARGUMENT');
    });

    it('reports an unknown job, a malformed id, an unknown name and a missing job to Catch with msg.error.code', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-status' }));
      const seen = statuses('n');
      const out = collect('out');
      const unknown = await roundTrip('n', { jobId: UNKNOWN_JOB_ID, topic: 'kept' }, 'caught');
      assert.equal(unknown.error.code, 'FLINK_JOB_NOT_FOUND');
      assert.equal(unknown.error.source.id, 'n');
      assert.equal(unknown.topic, 'kept', 'Catch gets the original message');
      assert.deepEqual(seen[seen.length - 1], { fill: 'red', shape: 'ring', text: 'FLINK_JOB_NOT_FOUND' });

      const malformed = await roundTrip('n', { jobId: 'abc' }, 'caught');
      assert.equal(malformed.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(malformed.error.message, /msg\.jobId must be a Flink job id \(32 hex characters\), got "abc"/);

      const unnamed = await roundTrip('n', { jobName: 'no such job, really' }, 'caught');
      assert.equal(unnamed.error.code, 'FLINK_JOB_NOT_FOUND');
      assert.match(unnamed.error.message, /No RUNNING job is named "no such job, really"/);

      const none = await roundTrip('n', { payload: 'nothing to go on' }, 'caught');
      assert.equal(none.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(none.error.message, /msg\.jobId/);
      assert.equal(out.length, 0, 'no failure was also sent on');
    });

    it('reports a name that several RUNNING jobs share as FLINK_JOB_AMBIGUOUS', async function () {
      const twin = await flink.startJob({ name: jobName });
      try {
        await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-status' }));
        const msg = await roundTrip('n', { jobName }, 'caught');
        assert.equal(msg.error.code, 'FLINK_JOB_AMBIGUOUS');
        assert.ok(msg.error.message.includes(jobId) && msg.error.message.includes(twin));
      } finally {
        await cancelJob(flink.url, twin);
      }
    });

    it('reports an unreachable cluster as FLINK_CONNECTION', async function () {
      await helper.load(FLINK_NODES, operationFlow('http://127.0.0.1:9', { type: 'flink-job-status' }));
      const msg = await roundTrip('n', { jobId }, 'caught');
      assert.equal(msg.error.code, 'FLINK_CONNECTION');
    });

    it('sends failures on the optional error output instead of to Catch', async function () {
      // A probe node without the error output fails after `n` did: its failure reaches Catch after any of `n`'s would.
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'n', type: 'flink-job-status', errorOutput: true, wires: [['out'], ['err']] },
        { id: 'probe', type: 'flink-job-status', wires: [['out']] },
      ]));
      const caught = collect('caught');
      const ok = await roundTrip('n', { jobId }, 'out');
      assert.equal(ok.payload.state, 'RUNNING');
      const failed = await roundTrip('n', { jobId: UNKNOWN_JOB_ID, topic: 'kept' }, 'err');
      assert.equal(failed.error.code, 'FLINK_JOB_NOT_FOUND');
      assert.equal(failed.error.source.id, 'n');
      assert.equal(failed.topic, 'kept');
      const probed = await roundTrip('probe', { jobId: UNKNOWN_JOB_ID, topic: 'probe' }, 'caught');
      assert.equal(probed.error.source.id, 'probe');
      assert.deepEqual(caught.map((msg) => msg.error.source.id), ['probe'], 'Catch is not involved when the error output is used');
    });

    it('reports a job id property that cannot be read as FLINK_INVALID_ARGUMENT', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-status', jobId: 'ids[', jobIdType: 'msg' }));
      const msg = await roundTrip('n', { ids: [jobId] }, 'caught');
      assert.equal(msg.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(msg.error.message, /Cannot read the job id from msg\.ids\[/);
    });

    it('fails each message clearly when no cluster is configured', async function () {
      await helper.load(FLINK_NODES, testFlow(undefined, [
        { id: 'n', type: 'flink-job-status', wires: [['out']] },
      ]));
      const msg = await roundTrip('n', { jobId }, 'caught');
      assert.equal(msg.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(msg.error.message, /No Flink cluster/);
    });
  });

  describe('flink-checkpoint', function () {
    it('triggers a checkpoint and gives { jobId, triggerId, checkpointId }; msg.checkpointType overrides', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-checkpoint' }));
      const first = await roundTrip('n', { jobName }, 'out');
      assert.equal(first.payload.jobId, jobId);
      assert.match(first.payload.triggerId, /^[0-9a-f]{32}$/);
      assert.equal(typeof first.payload.checkpointId, 'number');
      const full = await roundTrip('n', { jobId, checkpointType: 'FULL' }, 'out');
      assert.ok(full.payload.checkpointId > first.payload.checkpointId);
      const bad = await roundTrip('n', { jobId, checkpointType: 'SOMETIMES' }, 'caught');
      assert.equal(bad.error.code, 'FLINK_INVALID_ARGUMENT');
    });
  });

  describe('flink-savepoint and flink-dispose-savepoint', function () {
    it('writes a savepoint (status: blue ring while running, then green) and disposes it when wired after', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'sp', type: 'flink-savepoint', wires: [['dispose', 'saved']] },
        { id: 'saved', type: 'helper' },
        { id: 'dispose', type: 'flink-dispose-savepoint', wires: [['out']] },
      ], { noCatch: true }));
      const seen = statuses('sp');
      const saved = nextMessage('saved');
      const disposed = nextMessage('out');
      helper.getNode('sp')!.receive({ jobId });
      const savedMsg = await saved;
      assert.equal(savedMsg.payload.jobId, jobId);
      assert.match(savedMsg.payload.triggerId, /^[0-9a-f]{32}$/);
      const savepointPath = localPath(savedMsg.payload.location);
      assert.ok(existsSync(savepointPath), `the savepoint ${savepointPath} exists`);
      assert.equal(seen[0]?.fill, 'blue');
      assert.equal(seen[0]?.shape, 'ring');
      assert.match(seen[0]?.text ?? '', /^savepoint \d+ms$/);
      assert.deepEqual(seen[seen.length - 1], { fill: 'green', shape: 'dot', text: 'saved' });
      const disposedMsg = await disposed;
      assert.deepEqual(disposedMsg.payload, { savepointPath: savedMsg.payload.location, disposed: true });
      assert.equal(existsSync(savepointPath), false, 'the savepoint is gone');
    });

    it('takes msg.savepointDir and msg.formatType, and runs concurrent savepoints side by side', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      // Snapshots of 1.5 s each make "side by side" visible in Flink: each savepoint is triggered before the other completed.
      const slow = await flink.startJob({ name: uniqueName('nodes-side-by-side'), slowSnapshotMs: 1500 });
      try {
        await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-savepoint' }));
        const out = collect('out');
        const dir = path.join(flink.savepointDir!, 'from-msg');
        helper.getNode('n')!.receive({ jobId: slow, savepointDir: dir, formatType: 'native', seq: 1 });
        helper.getNode('n')!.receive({ jobId: slow, seq: 2 });
        await eventually(() => out.length === 2, 'two savepoints', 60_000);
        const first = out.find((m) => m.seq === 1)!;
        assert.ok(localPath(first.payload.location).startsWith(dir), `${first.payload.location} is under ${dir}`);
        const second = out.find((m) => m.seq === 2)!;
        assert.ok(!localPath(second.payload.location).startsWith(dir));
        const client = new FlinkClusterClient({ url: flink.url });
        try {
          const [a, b] = await fromCheckpointStatistics(client, slow, (stats) => {
            const found = [first, second].map((m) => stats.history.find((e) => e.external_path === m.payload.location));
            return found.every(Boolean) ? found as HistoryEntry[] : undefined;
          });
          assert.equal(a!.savepointFormat, 'NATIVE', 'msg.formatType reached Flink');
          assert.ok(a!.trigger_timestamp < b!.latest_ack_timestamp && b!.trigger_timestamp < a!.latest_ack_timestamp,
            `the two savepoints overlap in Flink: ${a!.trigger_timestamp}-${a!.latest_ack_timestamp} and ${b!.trigger_timestamp}-${b!.latest_ack_timestamp}`);
        } finally {
          await client.close();
        }
        const bad = await roundTrip('n', { jobId: slow, formatType: 'YAML' }, 'caught');
        assert.equal(bad.error.code, 'FLINK_INVALID_ARGUMENT');
      } finally {
        await cancelJob(flink.url, slow);
      }
    });

    it('emits { jobId, triggerId } at once when detached', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-savepoint', detached: true }));
      const msg = await roundTrip('n', { jobId }, 'out');
      assert.deepEqual(Object.keys(msg.payload).sort(), ['jobId', 'triggerId']);
      assert.match(msg.payload.triggerId, /^[0-9a-f]{32}$/);
    });

    it('takes the path from msg.savepointPath and reports a failed disposal with its code', async function () {
      requireLocalFlink(this, flink, 'names a path in the local savepoint dir');
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-dispose-savepoint' }));
      const nothing = await roundTrip('n', {}, 'caught');
      assert.equal(nothing.error.code, 'FLINK_INVALID_ARGUMENT');
      const missing = await roundTrip('n', { savepointPath: path.join(flink.savepointDir!, 'never-written') }, 'caught');
      assert.equal(missing.error.code, 'FLINK_OPERATION_FAILED');
    });
  });

  describe('flink-job-info', function () {
    it('reads details, accumulators, exceptions and checkpoint statistics; msg.info overrides', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-info', info: 'details' }));
      const details = await roundTrip('n', { jobId }, 'out');
      assert.equal(details.payload.jobId, jobId);
      assert.equal(details.payload.jobName, jobName);
      // Flink shows a job's accumulators once its tasks have reported them (with their heartbeats).
      let accumulators: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
      await eventually(async () => {
        accumulators = await roundTrip('n', { jobId, info: 'accumulators' }, 'out');
        return 'records' in accumulators.payload.accumulators;
      }, 'the fixture job\'s records accumulator', 30_000);
      assert.equal(accumulators.payload.jobId, jobId);
      const exceptions = await roundTrip('n', { jobId, info: 'exceptions' }, 'out');
      assert.ok(Array.isArray(exceptions.payload.exceptions));
      const checkpoints = await roundTrip('n', { jobId, info: 'checkpoints' }, 'out');
      assert.equal(typeof checkpoints.payload.statistics, 'object');
      const unknown = await roundTrip('n', { jobId, info: 'constructor' }, 'caught');
      assert.equal(unknown.error.code, 'FLINK_INVALID_ARGUMENT');
    });

    it('follows up on a savepoint trigger by msg.triggerId: in progress, then written, ready to dispose; no trigger id is an error', async function () {
      // A detached savepoint stands in for a savepoint whose node failed after the trigger reached Flink.
      await helper.load(FLINK_NODES, testFlow(flink.url, [
        { id: 'trigger', type: 'flink-savepoint', detached: true, wires: [['triggered']] },
        { id: 'n', type: 'flink-job-info', info: 'savepoint', wires: [['out']] },
        { id: 'triggered', type: 'helper' },
      ]));
      const { payload: { triggerId } } = await roundTrip('trigger', { jobId }, 'triggered');
      let status: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
      await eventually(async () => {
        status = (await roundTrip('n', { jobId, triggerId }, 'out')).payload;
        assert.ok(['IN_PROGRESS', 'COMPLETED'].includes(status.state), status.state);
        return status.state === 'COMPLETED';
      }, 'the savepoint to be written', 60_000);
      assert.equal(status.jobId, jobId);
      assert.equal(status.triggerId, triggerId);
      assert.equal(status.kind, 'flink-savepoint', 'a dispose node takes it as a savepoint result');
      const client = new FlinkClusterClient({ url: flink.url });
      try {
        const entry = await fromCheckpointStatistics(client, jobId, (stats) => stats.history.find((e) => e.external_path === status.location));
        assert.equal(entry.status, 'COMPLETED', 'Flink lists that savepoint as completed');
        assert.equal(entry.is_savepoint, true);
      } finally {
        await client.close();
      }
      const missing = await roundTrip('n', { jobId }, 'caught');
      assert.equal(missing.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(missing.error.message, /msg\.triggerId/);
      const malformed = await roundTrip('n', { jobId, triggerId: [triggerId] }, 'caught');
      assert.equal(malformed.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(malformed.error.message, /msg\.triggerId must be a Flink trigger id/);
      const unknown = await roundTrip('n', { jobId, triggerId: UNKNOWN_TRIGGER_ID }, 'caught');
      assert.equal(unknown.error.code, 'FLINK_OUTCOME_UNKNOWN');
      assert.equal(unknown.jobState, 'RUNNING');
    });

    it('waits for the job result within its timeout', async function () {
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-job-info', info: 'result', timeout: 0.5 }));
      const msg = await roundTrip('n', { jobId }, 'caught');
      assert.equal(msg.error.code, 'FLINK_TIMEOUT', 'a running job has no result yet');
    });
  });

  describe('ending jobs', function () {
    it('flink-cancel cancels and waits until the job has ended', async function () {
      const victim = await flink.startJob({ name: uniqueName('nodes-cancel') });
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-cancel' }));
      const msg = await roundTrip('n', { jobId: victim }, 'out');
      assert.deepEqual(msg.payload, { jobId: victim, state: 'CANCELED' });
      // Flink (2.x) accepts cancelling an ended job again: the node reports the state it ended in.
      const again = await roundTrip('n', { jobId: victim, wait: false }, 'out');
      assert.deepEqual(again.payload, { jobId: victim, state: 'CANCELED' });
    });

    it('flink-stop stops with a savepoint (drain from msg.drain); the job ends FINISHED', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const name = uniqueName('nodes-stop');
      const victim = await flink.startJob({ name });
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-stop', jobName: name }));
      const msg = await roundTrip('n', { drain: true }, 'out', 60_000);
      assert.equal(msg.payload.jobId, victim);
      assert.match(msg.payload.triggerId, /^[0-9a-f]{32}$/);
      assert.ok(existsSync(localPath(msg.payload.location)));
      assert.equal(await waitForJobState(flink.url, victim, ['FINISHED']), 'FINISHED');
    });

    it('flink-savepoint with "cancel the job" writes the savepoint and the job ends CANCELED', async function () {
      requireLocalFlink(this, flink, 'reads savepoint files from disk');
      const victim = await flink.startJob({ name: uniqueName('nodes-sp-cancel') });
      await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-savepoint', cancelJob: true }));
      const msg = await roundTrip('n', { jobId: victim }, 'out', 60_000);
      assert.ok(existsSync(localPath(msg.payload.location)));
      assert.equal(await waitForJobState(flink.url, victim, ['CANCELED']), 'CANCELED');
    });
  });
});
