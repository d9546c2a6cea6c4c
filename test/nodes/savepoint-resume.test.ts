import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NodeMessage } from 'node-red';
import { FlinkClusterClient } from '../../src';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { localPath } from '../../dev/paths';
import { requireLocalFlink, requireVersionLeg } from '../flink/skips';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import {
  collector, fileBackedCluster, injectNode, NodeRedProcess, tab, type CollectedMessage, type FlowNode,
} from '../support/node-red-process';
import { derivedTriggerId, idempotencyKeyInput } from '../../nodes/lib/savepoints/idempotency';
import { MAX_STORED_BUFFER_BYTES, resumedMessage, storableMessage, type InFlightRecord } from '../../nodes/lib/flow/in-flight';
import { uniqueName } from './node-harness';

const TAB = 'resume-tab';
const SLOT_MINUTES = 60;

/** The flow both instances run: inject → savepoint (one per hourly slot) / stop / checkpoint → one collector for outcomes and errors. */
function flow(flinkUrl: string): FlowNode[] {
  const node = (id: string, type: string, extra: Record<string, unknown> = {}): FlowNode => ({
    id, type, z: TAB, name: '', cluster: 'cluster', jobId: 'jobId', jobIdType: 'msg', jobName: '', wires: [['out']], ...extra,
  });
  return [
    tab(TAB), fileBackedCluster('cluster', flinkUrl),
    injectNode('fire-savepoint', TAB, ['savepoint']), node('savepoint', 'flink-savepoint', { slotMinutes: SLOT_MINUTES }),
    injectNode('fire-retry', TAB, ['retry']), node('retry', 'flink-savepoint'),
    injectNode('fire-checkpoint', TAB, ['checkpoint']), node('checkpoint', 'flink-checkpoint'),
    injectNode('fire-stop', TAB, ['stop']), node('stop', 'flink-stop'),
    ...collector('out', TAB, { catchAll: true }),
  ];
}

/** The savepoint directories Flink wrote for a job (their names start with the job id's first 6 characters). */
function savepointsOnDisk(flink: TestFlink, jobId: string): string[] {
  return readdirSync(flink.savepointDir!).filter((name) => name.startsWith(`savepoint-${jobId.slice(0, 6)}-`));
}

/** The in-flight records as the file-backed store holds them on disk (global context, the plugin's `_inFlight` key). */
function inFlightOnDisk(red: NodeRedProcess): InFlightRecord[] {
  const file = path.join(red.userDir, 'context', 'global', 'global.json');
  if (!existsSync(file)) return [];
  const global = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.entries(global).filter(([key]) => key.endsWith('_inFlight'))
    .flatMap(([, records]) => Object.values((records ?? {}) as Record<string, InFlightRecord>));
}

/** Waits until Flink knows the trigger (its status answers): the trigger has surely been sent. */
async function flinkKnows(client: FlinkClusterClient, jobId: string, triggerId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.getSavepointStatus(jobId, triggerId);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'FLINK_OUTCOME_UNKNOWN' || Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a collected message is the outcome of: a savepoint (stop) of which job, a checkpoint, or an error. */
function outcomeOf({ msg }: CollectedMessage): string {
  const payload = (msg.payload ?? {}) as { checkpointId?: unknown; location?: unknown; jobId?: string };
  if (msg.error) return `error ${(msg.error as { code?: string }).code}`;
  if (typeof payload.checkpointId === 'number') return 'checkpoint';
  if (typeof payload.location === 'string') return `savepoint of ${payload.jobId}${msg.resumed === true ? ', resumed' : ''}`;
  return JSON.stringify(msg);
}

/** Waits past the end of the current hourly slot if it ends within a few seconds, so two instances fire in one slot. */
async function awayFromSlotEnd(): Promise<void> {
  const slotMs = SLOT_MINUTES * 60_000;
  const left = slotMs - (Date.now() % slotMs);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('idempotency keys and in-flight records (units)', function () {
  it('derives one trigger id per job, kind and key: 32 hex characters, as Flink\'s TriggerId', function () {
    const job = 'a'.repeat(32);
    const id = derivedTriggerId(job, 'savepoint', 'k');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(derivedTriggerId(job, 'savepoint', 'k'), id);
    assert.notEqual(derivedTriggerId(job, 'stop', 'k'), id, 'savepoint and stop share one cache in Flink: the kind tells them apart');
    assert.notEqual(derivedTriggerId('b'.repeat(32), 'savepoint', 'k'), id);
    assert.notEqual(derivedTriggerId(job, 'savepoint', 'k2'), id);
  });

  it('takes msg.idempotencyKey over the slot option; the slot key is the slot\'s start; a malformed key is FLINK_INVALID_ARGUMENT naming it', function () {
    const at = Date.parse('2026-11-22T13:59:59.900Z');
    assert.equal(idempotencyKeyInput({} as NodeMessage, { slotMinutes: 60 }, at), 'slot:2026-11-22T13:00:00.000Z');
    assert.equal(idempotencyKeyInput({} as NodeMessage, { slotMinutes: '15' }, at), 'slot:2026-11-22T13:45:00.000Z');
    assert.equal(idempotencyKeyInput({ idempotencyKey: 'mine' } as NodeMessage, { slotMinutes: 60 }, at), 'mine');
    assert.equal(idempotencyKeyInput({} as NodeMessage, { slotMinutes: '' }, at), undefined);
    for (const bad of [42, '', '  ', 'x'.repeat(1001), { a: 1 }]) {
      assert.throws(() => idempotencyKeyInput({ idempotencyKey: bad } as unknown as NodeMessage, {}),
        { code: 'FLINK_INVALID_ARGUMENT', message: /^msg\.idempotencyKey must be/ });
    }
    for (const bad of [0, 1.5, 'hourly', 10_081]) {
      assert.throws(() => idempotencyKeyInput({} as NodeMessage, { slotMinutes: bad }), { code: 'FLINK_INVALID_ARGUMENT', message: /schedule slot/ });
    }
  });

  it('stores the message\'s own properties that survive JSON, and gives them back marked resumed', function () {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const msg = {
      _msgid: 'm1', topic: 't', payload: Buffer.from('small'), big: Buffer.alloc(MAX_STORED_BUFFER_BYTES + 1), nested: { when: 1, b: Buffer.alloc(MAX_STORED_BUFFER_BYTES + 1) },
      req: { live: true }, res: { live: true }, fn: () => 1, cyclic, count: 10n,
    } as unknown as NodeMessage;
    const stored = storableMessage(msg);
    assert.deepEqual(Object.keys(stored).sort(), ['_msgid', 'nested', 'payload', 'topic']);
    assert.deepEqual(stored.nested, { when: 1 });
    const back = resumedMessage({ msg: stored } as unknown as InFlightRecord);
    assert.ok(Buffer.isBuffer(back.payload) && back.payload.toString() === 'small');
    assert.equal(back.resumed, true);
    assert.equal(back.topic, 't');
  });
});

describe('scheduled savepoints without duplicates, and operations that outlive Node-RED (real Node-RED processes)', function () {
  this.timeout(180_000);
  let flink: TestFlink, client: FlinkClusterClient;
  let first: NodeRedProcess | undefined, second: NodeRedProcess | undefined;
  let jobName: string, jobId: string, killedStopJob: string, redeployedStopJob: string;
  const jobs: string[] = [];
  /** The slow jobs' snapshots wait for these files: a stop stays in progress until its test has done what it must do during it. */
  const releases = mkdtempSync(path.join(os.tmpdir(), 'savepoint-resume-'));
  const release = (job: 'killed' | 'redeployed'): void => writeFileSync(path.join(releases, job), '');
  const heldSnapshots = (job: 'killed' | 'redeployed'): { fixture: { entryClass: string; args: string[] } } =>
    ({ fixture: { entryClass: 'SlowSnapshotJob', args: ['0', path.join(releases, job)] } });

  before(async function () {
    flink = await testFlink();
    requireLocalFlink(this, flink, 'the tests read the savepoints Flink wrote on disk');
    client = new FlinkClusterClient({ url: flink.url });
    jobName = uniqueName('scheduled-savepoint');
    // Everything starts at once; the slow jobs' snapshots wait until their test releases them.
    [first, second, jobId, killedStopJob, redeployedStopJob] = await Promise.all([
      NodeRedProcess.start(), NodeRedProcess.start(), flink.startJob({ name: jobName }),
      flink.startJob({ name: uniqueName('resume-stop'), ...heldSnapshots('killed') }),
      flink.startJob({ name: uniqueName('redeploy-stop'), ...heldSnapshots('redeployed') }),
    ]);
    jobs.push(jobId, killedStopJob, redeployedStopJob);
    await Promise.all([first.deploy(flow(flink.url)), second.deploy(flow(flink.url))]);
  });

  after(async function () {
    await Promise.all([first?.stop({ removeUserDir: true }), second?.stop({ removeUserDir: true })]);
    await Promise.all(jobs.map((id) => cancelJob(flink.url, id).catch(() => undefined)));
    await client?.close();
    rmSync(releases, { recursive: true, force: true });
  });

  it('two instances fire the same scheduled savepoint in the same second: Flink takes one, both outputs carry its location', async function () {
    await awayFromSlotEnd();
    await Promise.all([first!.inject('fire-savepoint', { jobName }), second!.inject('fire-savepoint', { jobName })]);
    const [[a], [b]] = await Promise.all([first!.waitForMessages('out', 1), second!.waitForMessages('out', 1)]);
    for (const { msg } of [a!, b!]) assert.equal(msg.error, undefined, `no error: ${JSON.stringify(msg.error)}`);
    const [pa, pb] = [a!.msg.payload, b!.msg.payload] as Array<{ location: string; triggerId: string; jobId: string }>;
    assert.equal(pa!.jobId, jobId);
    assert.equal(pa!.location, pb!.location, 'the same savepoint');
    assert.equal(pa!.triggerId, pb!.triggerId, 'one trigger id');
    assert.ok(existsSync(localPath(pa!.location)), 'the savepoint is on disk');
    const savepoints = await fromCheckpointStatistics(client, jobId, ({ history }) => {
      const taken = history.filter((entry) => entry.is_savepoint);
      return taken.some((entry) => entry.external_path === pa!.location) ? taken : undefined;
    });
    assert.equal(savepoints.length, 1, 'Flink\'s checkpoint history shows one savepoint');
    assert.deepEqual(savepointsOnDisk(flink, jobId), [path.basename(localPath(pa!.location))], 'one savepoint directory on disk');
  });

  it('a retried message with the same msg.idempotencyKey gets the same savepoint (and checkpoint); a malformed key fails naming it', async function () {
    const before = savepointsOnDisk(flink, jobId).length;
    const fire = async (node: string, properties: Record<string, unknown>, count: number): Promise<Record<string, unknown>> => {
      await first!.inject(`fire-${node}`, properties);
      const seen = await first!.waitForMessages('out', count);
      return seen[count - 1]!.msg;
    };
    let count = first!.messages('out').length;
    const once = await fire('retry', { jobId, idempotencyKey: 'nightly-2026-11-22' }, ++count);
    const again = await fire('retry', { jobId, idempotencyKey: 'nightly-2026-11-22' }, ++count);
    assert.equal((again.payload as { location: string }).location, (once.payload as { location: string }).location);
    assert.equal(savepointsOnDisk(flink, jobId).length, before + 1, 'one new savepoint for the two messages');

    const checkpoint = await fire('checkpoint', { jobId, idempotencyKey: 'ck-1' }, ++count);
    const checkpointAgain = await fire('checkpoint', { jobId, idempotencyKey: 'ck-1' }, ++count);
    assert.equal(typeof (checkpoint.payload as { checkpointId?: unknown }).checkpointId, 'number', JSON.stringify(checkpoint));
    assert.deepEqual(checkpointAgain.payload, checkpoint.payload, 'the same checkpoint id and trigger id');

    const malformed = await fire('retry', { jobId, idempotencyKey: 42 }, count + 1);
    assert.equal((malformed.error as { code?: string }).code, 'FLINK_INVALID_ARGUMENT');
    assert.match((malformed.error as { message: string }).message, /msg\.idempotencyKey/);
    assert.equal(savepointsOnDisk(flink, jobId).length, before + 1, 'nothing was triggered for the malformed key');
  });

  it('SIGKILL in the middle of a slow stop: started again, the node sends the stop\'s outcome with resumed: true; a restart with nothing in flight sends nothing', async function () {
    const red = first!;
    const slowJob = killedStopJob;
    const before = red.messages('out').length;
    await red.inject('fire-stop', { jobId: slowJob, topic: 'keep me', payload: { asked: 'stop' } });
    // The record is on disk before Flink gets the trigger: once it is there, the stop may be under way.
    const [record] = await waitFor('the in-flight record on disk', () => {
      const records = inFlightOnDisk(red).filter((entry) => entry.jobId === slowJob);
      return records.length > 0 && records;
    });
    assert.equal(record!.kind, 'stop');
    assert.equal(record!.nodeId, 'stop');
    assert.equal(record!.msg.topic, 'keep me');
    await flinkKnows(client, slowJob, record!.triggerId);
    await red.kill('SIGKILL');
    assert.equal(await client.getJobStatus(slowJob), 'RUNNING', 'killed while the stop was in progress');
    assert.equal(red.messages('out').length, before, 'no outcome before the kill');
    release('killed');

    await red.start();
    const [resumed] = await red.waitForMessages('out', 1, { where: (entry) => entry.start === red.startNumber });
    const msg = resumed!.msg;
    assert.equal(msg.error, undefined, `no error: ${JSON.stringify(msg.error)}`);
    assert.equal(msg.resumed, true);
    assert.equal(msg.topic, 'keep me', 'the message\'s own properties came back');
    const payload = msg.payload as { kind: string; jobId: string; triggerId: string; location: string };
    assert.deepEqual([payload.kind, payload.jobId, payload.triggerId], ['flink-savepoint', slowJob, record!.triggerId]);
    assert.ok(existsSync(localPath(payload.location)), 'the stop\'s savepoint is on disk');
    assert.equal(await waitForJobState(flink.url, slowJob, ['FINISHED']), 'FINISHED');
    assert.deepEqual(inFlightOnDisk(red), [], 'the record is gone once the outcome is sent');
    assert.equal(red.messages('out').length, before + 1, 'one outcome for the one message');

    await red.restart();
    // Nothing in flight: this start sends only the outcome of a checkpoint fired through it once its flows started,
    // which needs more of Flink's answers than a resumed outcome would (a trigger, then its status).
    const start = red.startNumber;
    await red.inject('fire-checkpoint', { jobId });
    await red.waitForMessages('out', 1, { where: (entry) => entry.start === start && outcomeOf(entry) === 'checkpoint' });
    assert.deepEqual(red.messages('out').filter((entry) => entry.start === start).map(outcomeOf), ['checkpoint'],
      'nothing in flight: nothing sent after a restart but the checkpoint fired through it');
  });

  it('a full redeploy in the middle of a slow stop hands it to the restarted node, which sends its one outcome', async function () {
    const red = second!;
    const slowJob = redeployedStopJob;
    const before = red.messages('out').length;
    await red.inject('fire-stop', { jobId: slowJob });
    const record = await waitFor('the in-flight record on disk', () => inFlightOnDisk(red).find((entry) => entry.jobId === slowJob));
    await flinkKnows(client, slowJob, record.triggerId);
    await red.deploy(flow(flink.url));
    assert.equal(await client.getJobStatus(slowJob), 'RUNNING', 'redeployed while the stop was in progress');
    release('redeployed');
    const [outcome] = await red.waitForMessages('out', before + 1).then((all) => all.slice(before));
    assert.equal(outcome!.msg.error, undefined, `no error: ${JSON.stringify(outcome!.msg.error)}`);
    assert.equal(outcome!.msg.resumed, true, 'sent by the restarted node');
    assert.ok(existsSync(localPath((outcome!.msg.payload as { location: string }).location)));
    assert.deepEqual(inFlightOnDisk(red), []);
    // A second outcome of the stop (from the node before the redeploy, or a second resume) would need one answer from
    // Flink: a checkpoint fired after the first outcome needs more, so its outcome comes after any such second one.
    const checkpointsBefore = red.messages('out').filter((entry) => outcomeOf(entry) === 'checkpoint').length;
    await red.inject('fire-checkpoint', { jobId });
    await red.waitForMessages('out', checkpointsBefore + 1, { where: (entry) => outcomeOf(entry) === 'checkpoint' });
    assert.deepEqual(red.messages('out').slice(before).map(outcomeOf), [`savepoint of ${slowJob}, resumed`, 'checkpoint'], 'exactly one outcome of the stop');
  });

  it('a record of a trigger Flink no longer knows: the started node fails it with FLINK_OUTCOME_UNKNOWN, its trigger id and msg.resumed', async function () {
    const red = second!;
    await red.stop();
    const forgotten = derivedTriggerId(redeployedStopJob, 'stop', 'never sent');
    const record: InFlightRecord = {
      id: 'r1', nodeId: 'stop', kind: 'stop', jobId: redeployedStopJob, triggerId: forgotten,
      startedAt: new Date().toISOString(), msg: { _msgid: 'm1', topic: 'lost' },
    };
    // Where the cluster state keeps the cluster's records (nodes/lib/cluster/cluster-state.ts): a hash of the REST URL.
    const key = `flinkOps_${createHash('sha256').update(flink.url.replace(/\/+$/, '')).digest('hex').slice(0, 16)}_inFlight`;
    const file = path.join(red.userDir, 'context', 'global', 'global.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(existsSync(file) ? readFileSync(file, 'utf8') : '{}') as object, [key]: { r1: record } }));
    const before = red.messages('out').length;
    await red.start();
    const [failed] = await red.waitForMessages('out', before + 1).then((all) => all.slice(before));
    const error = failed!.msg.error as { code?: string; message?: string };
    assert.equal(error.code, 'FLINK_OUTCOME_UNKNOWN', JSON.stringify(error));
    assert.match(error.message ?? '', new RegExp(forgotten));
    assert.equal(failed!.msg.triggerId, forgotten);
    assert.equal(failed!.msg.resumed, true);
    assert.equal(failed!.msg.topic, 'lost');
    assert.deepEqual(inFlightOnDisk(red), [], 'the record is gone with its outcome');
  });
});

describe('a caller\'s trigger id on Flink 1.20', function () {
  this.timeout(180_000);
  let flink: TestFlink, client: FlinkClusterClient, jobId: string | undefined;

  before(async function () {
    requireVersionLeg(this, '1.20');
    flink = await testFlink('1.20');
    client = new FlinkClusterClient({ url: flink.url });
  });

  after(async function () {
    if (jobId) await cancelJob(flink.url, jobId).catch(() => undefined);
    await client?.close();
  });

  it('two savepoints and two checkpoints with one trigger id each: Flink takes one of each; a malformed id is FLINK_INVALID_ARGUMENT', async function () {
    // CounterJob without periodic checkpoints: every checkpoint in Flink's history is one the test triggered.
    jobId = await flink.startJob({ name: uniqueName('trigger-id-1-20'), fixture: { entryClass: 'CounterJob', args: ['0'] } });
    const triggerId = derivedTriggerId(jobId, 'savepoint', 'k');
    const [a, b] = await Promise.all([client.triggerSavepoint(jobId, { triggerId }), client.triggerSavepoint(jobId, { triggerId })]);
    assert.equal(a, b);
    const checkpointTrigger = derivedTriggerId(jobId, 'checkpoint', 'k');
    const [c, d] = await Promise.all([client.triggerCheckpoint(jobId, { triggerId: checkpointTrigger }), client.triggerCheckpoint(jobId, { triggerId: checkpointTrigger })]);
    assert.equal(c, d);
    // One more checkpoint, of a trigger id of its own, after both calls returned: Flink takes snapshots one at a time
    // in the order they were asked for, so once its history shows this one, it shows whatever the two calls made.
    const last = await client.triggerCheckpoint(jobId);
    const history = await fromCheckpointStatistics(client, jobId, (stats) =>
      (stats.history.some((entry) => entry.id === last && entry.status === 'COMPLETED') ? stats.history : undefined));
    assert.deepEqual(history.filter((entry) => entry.is_savepoint).map((entry) => entry.external_path), [a], 'Flink took one savepoint for the two calls');
    assert.deepEqual(history.filter((entry) => !entry.is_savepoint).map((entry) => entry.id).sort((x, y) => x - y), [c, last],
      'Flink took one checkpoint for the two calls (and the one after them)');
    await assert.rejects(client.triggerSavepoint(jobId, { triggerId: 'not-hex' }), { code: 'FLINK_INVALID_ARGUMENT', message: /triggerId/ });
  });
});
