import assert from 'node:assert/strict';
import { existsSync, renameSync } from 'node:fs';
import { FlinkClusterClient } from '../../src';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { cancelJob, waitForJobState } from '../../dev/flink/job';
import { localPath } from '../../dev/paths';
import { requireLocalFlink } from '../flink/skips';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { collector, fileBackedCluster, injectNode, NodeRedProcess, tab, type CollectedMessage, type FlowNode } from '../support/node-red-process';
import { FLINK_NODES, helper, roundTrip, testFlow, uniqueName } from './node-harness';

type Saved = { location: string; kind: string; jobId: string; disposal?: { attempts: number; code: string; message: string } };
type Payload = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const TAB = 'catalog-tab';
const CLUSTER = 'catalog-cluster';
/** A cluster config that keeps its records in Node-RED's default store, which these settings keep in memory. */
const MEMORY_CLUSTER = 'memory-cluster';

/**
 * One flow, driven by inject-with-properties: `take` → savepoint node, `stop` → stop node, `catalog` → a
 * flink-savepoints node (msg.action, msg.keepLast); what each sends reaches a collector, failures `caught`.
 */
function catalogFlow(flinkUrl: string): FlowNode[] {
  const flinkNode = (id: string, type: string, out: string, extra: Record<string, unknown> = {}): FlowNode =>
    ({ id, type, z: TAB, cluster: CLUSTER, jobId: 'jobId', jobIdType: 'msg', jobName: '', wires: [[out]], ...extra });
  return [
    tab(TAB),
    fileBackedCluster(CLUSTER, flinkUrl),
    injectNode('take', TAB, ['savepoint']),
    flinkNode('savepoint', 'flink-savepoint', 'taken'),
    injectNode('stop', TAB, ['stopper']),
    flinkNode('stopper', 'flink-stop', 'stopped'),
    injectNode('catalog', TAB, ['savepoints']),
    flinkNode('savepoints', 'flink-savepoints', 'answered', { action: 'list', keepLast: '', maxAgeDays: '' }),
    { id: MEMORY_CLUSTER, type: 'flink-cluster', name: 'records in memory', url: flinkUrl, stateStore: '' },
    injectNode('memory', TAB, ['memory-catalog']),
    flinkNode('memory-catalog', 'flink-savepoints', 'answered', { cluster: MEMORY_CLUSTER, action: 'list', keepLast: '', maxAgeDays: '' }),
    { id: 'catalog-status', type: 'status', z: TAB, name: '', scope: ['savepoints', 'memory-catalog'], wires: [['statuses']] },
    ...collector('statuses', TAB),
    ...collector('taken', TAB),
    ...collector('stopped', TAB),
    ...collector('answered', TAB),
    ...collector('caught', TAB, { catchAll: true }),
  ];
}

describe('savepoint catalog in a real Node-RED with a file-backed context store, against the real Flink', function () {
  this.timeout(180_000);
  let flink: TestFlink;
  let red: NodeRedProcess | undefined;
  const jobs: string[] = [];
  const jobName = uniqueName('catalogued');
  /** Every savepoint taken, oldest first. */
  const locations: string[] = [];

  /** Fires an inject node with these message properties and returns the next message at `collectorName`. */
  async function send(inject: string, properties: Payload, collectorName: string): Promise<Payload> {
    const before = red!.messages(collectorName).length;
    const caught = red!.messages('caught').length;
    await red!.inject(inject, properties);
    const deadline = Date.now() + 90_000;
    for (;;) {
      // A message still being written (partial) is read again on the next round, once whole.
      const errors = red!.messages('caught').slice(caught).filter((entry) => !entry.partial);
      if (errors.length > 0) throw new Error(`the flow failed: ${JSON.stringify(errors[0]!.msg.error)}`);
      const arrived = red!.messages(collectorName).slice(before).filter((entry) => !entry.partial);
      if (arrived.length > 0) return arrived[0]!.msg;
      if (Date.now() > deadline) throw new Error(`nothing reached ${collectorName}\n${red!.log().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const take = async (): Promise<string> => {
    const location = (await send('take', { jobName }, 'taken')).payload.location as string;
    locations.push(location);
    return location;
  };
  const catalog = async (properties: Payload): Promise<Payload> => (await send('catalog', { jobName, ...properties }, 'answered')).payload;
  const retain = (keepLast: number): Promise<Payload> => catalog({ action: 'retain', keepLast });
  const named = (records: Saved[]): string[] => records.map((record) => record.location);
  const onDisk = (location: string): boolean => existsSync(localPath(location));

  before(async function () {
    flink = await testFlink();
    requireLocalFlink(this, flink, 'reads and moves savepoint files on disk');
    [red] = await Promise.all([NodeRedProcess.start(), flink.startJob({ name: jobName }).then((id) => { jobs.push(id); })]);
    await red!.deploy(catalogFlow(flink.url));
  });

  after(async function () {
    await red?.stop({ removeUserDir: true });
    if (flink) await Promise.all(jobs.map((id) => cancelJob(flink.url, id)));
  });

  it('take 5 savepoints of a named job, restart Node-RED, retain 3: the 2 oldest are disposed (files gone), the records of the 3 newest remain', async function () {
    for (let i = 0; i < 5; i += 1) await take();
    assert.equal(new Set(locations).size, 5);
    await red!.restart();
    const retained = await retain(3);
    assert.deepEqual({ job: retained.job, kept: named(retained.kept), disposed: named(retained.disposed), failed: retained.failed },
      { job: jobName, kept: locations.slice(2).reverse(), disposed: locations.slice(0, 2), failed: [] });
    assert.deepEqual(locations.map(onDisk), [false, false, true, true, true], 'the files of the 2 oldest are gone');
    const listed = await catalog({ action: 'list' });
    assert.deepEqual(named(listed.savepoints.filter((s: { catalogued: boolean }) => s.catalogued)), locations.slice(2));
    assert.ok(listed.savepoints.every((s: Saved) => s.kind === 'savepoint' && s.jobId === jobs[0]));
  });

  it('a disposal that fails (its files gone from where the record says) keeps the record, marked failed; the next retain tries again', async function () {
    await take(); // records: #3 to #6
    const victim = locations[2]!;
    renameSync(localPath(victim), `${localPath(victim)}.moved`);
    const failing = await retain(3);
    assert.deepEqual(named(failing.disposed), []);
    assert.deepEqual(named(failing.failed), [victim]);
    assert.equal(failing.failed[0].disposal.attempts, 1);
    assert.equal(failing.failed[0].disposal.code, 'FLINK_OPERATION_FAILED');
    const marked = (await catalog({ action: 'list' })).savepoints.find((s: Saved) => s.location === victim);
    assert.equal(marked?.disposal?.attempts, 1, 'the record stays, marked');

    const again = await retain(3);
    assert.equal(again.failed[0]?.disposal.attempts, 2, 'tried again, failed again while the files are away');
    renameSync(`${localPath(victim)}.moved`, localPath(victim));
    const retried = await retain(3);
    assert.deepEqual({ disposed: named(retried.disposed), failed: retried.failed }, { disposed: [victim], failed: [] });
    assert.equal(onDisk(victim), false);
    assert.deepEqual(named((await catalog({ action: 'list' })).savepoints), locations.slice(3));
  });

  it('the savepoint the running job was restored from is kept even when it is among the oldest', async function () {
    const final = (await send('stop', { jobName }, 'stopped')).payload.location as string;
    locations.push(final);
    assert.equal(await waitForJobState(flink.url, jobs[0]!, ['FINISHED']), 'FINISHED');
    const restoredFrom = locations[3]!; // the oldest record: #4 (then #5, #6 and the stop's)
    jobs.push(await flink.startJob({ name: jobName, savepointPath: restoredFrom }));
    const retained = await retain(1);
    assert.deepEqual(Object.fromEntries(retained.kept.map((r: Saved & { keptBecause: string[] }) => [r.location, r.keptBecause])),
      { [final]: ['newest', 'count'], [restoredFrom]: ['restored'] });
    assert.deepEqual(named(retained.disposed), [locations[4], locations[5]]);
    assert.deepEqual([restoredFrom, locations[4]!, locations[5]!, final].map(onDisk), [true, false, false, true]);
    const listed = await catalog({ action: 'list' });
    assert.deepEqual(listed.running, [jobs[1]]);
    assert.deepEqual(listed.savepoints.filter((s: { catalogued: boolean }) => s.catalogued)
      .map((s: Saved & { restoredFrom: boolean }) => [s.location, s.kind, s.restoredFrom]),
    [[restoredFrom, 'savepoint', true], [final, 'stop', false]]);
  });

  it('adopt records a savepoint taken outside the plugin that the running job\'s history shows, and only when asked', async function () {
    const client = new FlinkClusterClient({ url: flink.url });
    try {
      const outside = await client.triggerSavepoint(jobs[1]!);
      await fromCheckpointStatistics(client, jobs[1]!, (stats) => stats.history.find((e) => e.external_path === outside && e.status === 'COMPLETED'));
      const before = (await catalog({ action: 'list' })).savepoints.find((s: Saved) => s.location === outside);
      assert.deepEqual({ catalogued: before?.catalogued, history: before?.history?.jobId }, { catalogued: false, history: jobs[1] },
        'listed from Flink\'s history, not yet in the catalog');
      const { adopted } = await catalog({ action: 'adopt' });
      assert.deepEqual(adopted.map((s: Saved) => [s.location, s.jobId, s.kind]), [[outside, jobs[1], 'savepoint']],
        'only the savepoint nobody recorded: not the disposed ones Flink\'s history still shows');
      const after = (await catalog({ action: 'list' })).savepoints.find((s: Saved) => s.location === outside);
      assert.equal(after?.catalogued, true);
      assert.deepEqual((await catalog({ action: 'adopt' })).adopted, [], 'adopting again adds nothing');
    } finally {
      await client.close();
    }
  });

  it('warns in its status (yellow) when its cluster keeps the records in a memory store', async function () {
    // The same list by two flink-savepoints nodes: one whose cluster keeps the records in the file store, one in memory.
    type Shown = { fill?: string; shape?: string; text?: string; source?: { id?: string } };
    /** The status the node shows once its list is done: the first after the list's message that is not the blue activity ring. */
    const listedStatus = async (inject: string, nodeId: string): Promise<{ count: number; shown: Shown }> => {
      const done = (entry: CollectedMessage): boolean => {
        const status = entry.msg.status as Shown | undefined;
        return status?.source?.id === nodeId && status.fill !== 'blue';
      };
      const before = red!.messages('statuses').filter(done).length;
      const listed = await send(inject, { jobName, action: 'list' }, 'answered');
      const shown = (await red!.waitForMessages('statuses', before + 1, { where: done, timeoutMs: 30_000 }))[before]!.msg.status as Shown;
      return { count: (listed.payload.savepoints as unknown[]).length, shown };
    };
    const file = await listedStatus('catalog', 'savepoints');
    assert.deepEqual({ fill: file.shown.fill, shape: file.shown.shape, text: file.shown.text },
      { fill: 'green', shape: 'dot', text: `${file.count} savepoints` }, 'records in the file store: no warning');
    const memory = await listedStatus('memory', 'memory-catalog');
    assert.deepEqual({ fill: memory.shown.fill, shape: memory.shown.shape, text: memory.shown.text },
      { fill: 'yellow', shape: 'dot', text: `${memory.count} savepoints (memory only)` }, 'records in memory: the warning');
  });

  it('a savepoint whose record cannot be written is still sent on, with a warning naming its location and why', async function () {
    await helper.startServer();
    try {
      await helper.load(FLINK_NODES, testFlow(flink.url, [{ id: 'n', type: 'flink-savepoint', jobName, wires: [['out']] }]));
      const cluster = helper.getNode('cluster') as unknown as { state(): unknown };
      cluster.state = () => ({
        storeName: '', persistent: false, read: async () => undefined,
        update: async () => { throw new Error('the context store is full'); },
      });
      const warnings: unknown[] = [];
      helper.getNode('n')!.on('call:warn', (call: { args: unknown[] }) => warnings.push(call.args[0]));
      const msg = await roundTrip('n', {}, 'out', 60_000);
      assert.equal(msg.payload.jobId, jobs[1]);
      assert.ok(onDisk(msg.payload.location), 'the savepoint exists');
      assert.equal(warnings.length, 1);
      assert.match(String(warnings[0]), new RegExp(`${msg.payload.location}.*not recorded.*the context store is full`));
    } finally {
      await helper.unload();
      await helper.stopServer();
    }
  });
});

describe('flink-savepoints: malformed input', function () {
  before(async function () { await helper.startServer(); });
  afterEach(async function () { await helper.unload(); });
  after(async function () { await helper.stopServer(); });

  it('is FLINK_INVALID_ARGUMENT naming the property, before anything is sent to Flink (its cluster does not even answer)', async function () {
    await helper.load(FLINK_NODES, testFlow('http://127.0.0.1:9', [
      { id: 'n', type: 'flink-savepoints', action: 'retain', keepLast: '', maxAgeDays: '', wires: [['out']] },
    ]));
    const cases: Array<[Payload, RegExp]> = [
      [{ action: 'purge' }, /msg\.action must be one of list, retain, adopt, got "purge"/],
      [{ keepLast: 'three' }, /msg\.keepLast must be a whole number from 1, got "three"/],
      [{ keepLast: 0 }, /msg\.keepLast must be a whole number from 1, got the number 0/],
      [{ keepLast: 2.5 }, /msg\.keepLast must be a whole number from 1/],
      [{ maxAgeDays: -1 }, /msg\.maxAgeDays must be a number of days above 0, got the number -1/],
      [{ maxAgeDays: '' }, /msg\.maxAgeDays must be a number of days above 0, got an empty string/],
      [{}, /Retain needs a rule/],
    ];
    for (const [properties, message] of cases) {
      const caught = await roundTrip('n', { jobName: 'some-job', ...properties }, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT', JSON.stringify(properties));
      assert.match(caught.error.message, message);
    }
  });
});
