import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type { Node, NodeAPI } from 'node-red';
import { checkAction } from '../../dashboard/nodes/lib/action-request';
import { actionUser, type DashboardBase } from '../../dashboard/nodes/lib/action-user';
import { JobsTable } from '../../dashboard/nodes/lib/jobs-table';
import { ParallelismTracker } from '../../dashboard/nodes/lib/parallelism';
import { browserConfig, widgetSettings } from '../../dashboard/nodes/lib/widget-settings';
import type { JobRow, TableView } from '../../dashboard/nodes/lib/jobs-table';
import uiFlinkJobs from '../../dashboard/nodes/ui-flink-jobs';
import type { CompanionListing, CompanionUse, FlinkClusterCompanion, JobActionOutcome, JobSummary } from '../../nodes/lib/companion/companion-api';
import { projectRoot } from '../../dev/paths';
import type { FlinkClusterNode } from '../../nodes/lib/cluster/cluster-node';
import { clusterCompanion } from '../../nodes/lib/companion/companion-api';
import type { FlinkNodeError } from '../../nodes/lib/errors';
import { eventually } from './node-harness';

const t = (key: string, substitutions: Record<string, string | number> = {}): string => `${key} ${JSON.stringify(substitutions)}`;
const ID = 'a'.repeat(32);
const job = (state: string, name = 'orders'): JobSummary => ({ jobId: ID, name, state: state as JobSummary['state'], startTime: 1, endTime: null, duration: 5 });

/** The widget node started in a stand-in Node-RED, group and cluster: what it publishes, and a way to list jobs and act. */
interface StandInWidget {
  published: TableView[];
  /** How often the widget asked the cluster for each kind of work. */
  asked: { parallelism: number; savepoints: number; health: number };
  actions: Array<{ action: string; jobId: string; finish: (outcome: JobActionOutcome) => void }>;
  list(listing: CompanionListing): void;
  act(payload: Record<string, unknown>): void;
  shown(jobId: string): JobRow | undefined;
  close(): Promise<void>;
}

function standInWidget(config: Record<string, unknown> = {}): StandInWidget {
  let listener: ((listing: CompanionListing) => void) | undefined;
  let beforeSend: ((msg: Record<string, unknown>) => unknown) | undefined;
  const published: TableView[] = [];
  const actions: StandInWidget['actions'] = [];
  const asked = { parallelism: 0, savepoints: 0, health: 0 };
  const use = {
    watchJobs: (_everyMs: number, listen: (listing: CompanionListing) => void) => { listener = listen; },
    watchHealth: () => { asked.health += 1; },
    newestSavepoints: async () => { asked.savepoints += 1; return new Map(); },
    jobParallelism: () => { asked.parallelism += 1; return new Promise<number>(() => undefined); },
    runAction: (request) => new Promise<JobActionOutcome>((finish) => actions.push({ action: request.action, jobId: request.jobId, finish })),
    redact: (text: string) => text,
    close: async () => undefined,
  } as CompanionUse;
  const companion: FlinkClusterCompanion = { apiVersion: 1, attach: () => use, jobFilter: () => () => true };
  const base = { emit: (_event: string, msg: { payload: TableView }) => published.push(msg.payload), stores: { data: { save: () => undefined } } };
  const group = { register: (_node: unknown, _config: unknown, events: { beforeSend: typeof beforeSend }) => { beforeSend = events.beforeSend; }, getBase: () => base };
  let constructor: ((this: object, def: object) => void) | undefined;
  let onClose: ((removed: boolean, done: () => void) => void) | undefined;
  const RED = {
    _: (key: string) => key,
    plugins: { getByType: () => [] },
    nodes: {
      registerType: (_type: string, make: typeof constructor) => { constructor = make; },
      createNode: (node: Record<string, unknown>, def: { id: string }) => Object.assign(node, {
        id: def.id, on: (_event: 'close', handler: typeof onClose) => { onClose = handler; }, status: () => undefined, send: () => undefined, warn: () => undefined,
        error: (err: unknown) => { throw new Error(`the widget failed: ${String(err)}`); },
      }),
      getNode: (id: string) => ({ grp: group, cluster: { companion } } as Record<string, unknown>)[id] ?? null,
    },
  };
  uiFlinkJobs(RED as unknown as NodeAPI);
  constructor!.call({}, { id: 'widget', type: 'ui-flink-jobs', group: 'grp', cluster: 'cluster', ...config });
  return {
    published, actions, asked,
    list: (listing) => listener!(listing),
    act: (payload) => beforeSend!({ payload }),
    shown: (jobId) => published.at(-1)?.rows.find((row) => row.jobId === jobId),
    close: () => new Promise((done) => onClose!(true, done)),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ui-flink-jobs (Dashboard 2.0 widget, its parts)', function () {
  it('offers savepoint and stop unless told otherwise, takes the health node\'s thresholds, and refuses a setting it cannot use', function () {
    assert.deepEqual(widgetSettings({ id: 'w', type: 'ui-flink-jobs' }),
      { actions: ['savepoint', 'stop'], columns: ['name', 'state', 'health', 'uptime', 'parallelism', 'savepoint', 'actions'], intervalMs: 5000, pageSize: 25, healthIntervalMs: 30_000, healthThresholds: {} });
    assert.deepEqual(widgetSettings({ id: 'w', type: 'ui-flink-jobs', restartCount: '2', restartWindow: 0.5, backpressureFor: '' }).healthThresholds,
      { restartCount: '2', restartWindow: 0.5, backpressureFor: '' }, 'the health node\'s threshold settings, as saved (the cluster\'s interface checks them)');
    assert.deepEqual(widgetSettings({ id: 'w', type: 'ui-flink-jobs', actions: 'cancel,savepoint', interval: '2' }).actions, ['savepoint', 'cancel']);
    assert.deepEqual(widgetSettings({ id: 'w', type: 'ui-flink-jobs', actions: [] }).actions, [], 'no action ticked: none offered');
    assert.throws(() => widgetSettings({ id: 'w', type: 'ui-flink-jobs', actions: ['restart'] }), /actions setting has "restart"/);
    assert.throws(() => widgetSettings({ id: 'w', type: 'ui-flink-jobs', interval: '0.5' }), /interval setting is "0.5"/);
    assert.equal(widgetSettings({ id: 'w', type: 'ui-flink-jobs', healthInterval: 0 }).healthIntervalMs, null, 'health rounds off');
    const off = { id: 'w', type: 'ui-flink-jobs', healthInterval: '0' };
    assert.equal((browserConfig(off, widgetSettings(off)).columns as string[]).includes('health'), false, 'no Health column without health rounds');
  });

  it('refuses a malformed setting rather than using the default: a list that is not one, an interval a timer cannot hold, a fractional page size', function () {
    const settings = (extra: Record<string, unknown>) => () => widgetSettings({ id: 'w', type: 'ui-flink-jobs', ...extra });
    for (const value of [null, true, 5, {}]) {
      assert.throws(settings({ actions: value }), /actions setting is/, `actions ${JSON.stringify(value)}`);
      assert.throws(settings({ columns: value }), /columns setting is/, `columns ${JSON.stringify(value)}`);
    }
    for (const value of [true, [7], null, '2147484', 2_147_484]) {
      assert.throws(settings({ interval: value }), /interval setting is .*: use a number from 1 to 2147483\.647$/, `interval ${JSON.stringify(value)}`);
    }
    assert.throws(settings({ healthInterval: '3000000' }), /health interval setting is "3000000"/);
    assert.throws(settings({ pageSize: 2.5 }), /page size setting is 2\.5/);
    assert.throws(settings({ pageSize: '10.5' }), /page size setting is "10\.5"/);
    assert.deepEqual(widgetSettings({ id: 'w', type: 'ui-flink-jobs', interval: '2147483.647', healthInterval: 2_147_483, pageSize: '10' }),
      { ...widgetSettings({ id: 'w', type: 'ui-flink-jobs' }), intervalMs: 2 ** 31 - 1, healthIntervalMs: 2_147_483_000, pageSize: 10 }, 'the longest a timer holds');
    const example = (JSON.parse(readFileSync(path.join(projectRoot, 'dashboard', 'examples', 'Ops dashboard.json'), 'utf8')) as Array<Record<string, unknown>>)
      .find((node) => node.type === 'ui-flink-jobs') as { id: string; type: string };
    assert.deepEqual(widgetSettings({ ...example, interval: '5', pageSize: '25', healthInterval: '30' }), widgetSettings(example),
      'the example flow\'s settings work, and the editor\'s text fields save the same as strings');
  });

  it('refuses, at the cluster\'s companion interface, an interval a timer cannot hold', function () {
    const subscribed: number[] = [];
    const subscription = (everyMs: number) => { subscribed.push(everyMs); return { want: () => undefined, unsubscribe: async () => undefined }; };
    const shared = { register: () => undefined, jobList: { subscribe: subscription }, health: { subscribe: subscription } };
    const RED = { _: (key: string) => key } as unknown as NodeAPI;
    const companion = clusterCompanion(RED, { id: 'cluster', shared, redact: (text: string) => text } as unknown as FlinkClusterNode);
    for (const everyMs of [0, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY]) {
      const use = companion.attach({ id: 'w' } as Node);
      assert.throws(() => use.watchJobs(everyMs, () => undefined), (err: FlinkNodeError) => err.code === 'FLINK_INVALID_ARGUMENT' && /everyMs/.test(err.message));
      assert.throws(() => use.watchHealth(1000, everyMs, () => true, () => undefined), (err: FlinkNodeError) => err.code === 'FLINK_INVALID_ARGUMENT' && /sampleEveryMs/.test(err.message));
      assert.throws(() => use.watchHealth(everyMs, 1000, () => true, () => undefined), (err: FlinkNodeError) => err.code === 'FLINK_INVALID_ARGUMENT' && /listEveryMs/.test(err.message));
    }
    assert.deepEqual(subscribed, [], 'nothing watched');
    companion.attach({ id: 'w' } as Node).watchJobs(2 ** 31 - 1, () => undefined);
    assert.deepEqual(subscribed, [2 ** 31 - 1]);
  });

  it('gives the browser its layout and choices, never the cluster', function () {
    const config = { id: 'w', type: 'ui-flink-jobs', z: 'tab', group: 'g', cluster: 'c', nameFilter: 'orders', x: 10, y: 20, wires: [] };
    const props = browserConfig(config, widgetSettings(config));
    assert.equal('cluster' in props, false);
    assert.equal('nameFilter' in props, false);
    assert.equal(props.group, 'g');
    assert.notEqual(browserConfig(config, widgetSettings(config)), props, 'a fresh object each time: Dashboard deletes from it');
  });

  it('raises a row\'s version only when the job does something, and keeps the rows while the cluster cannot be listed', function () {
    const table = new JobsTable();
    assert.equal(table.listed({ jobs: [job('RUNNING')] }, new Map(), 1000), true);
    const first = table.view();
    assert.equal(table.listed({ jobs: [job('RUNNING')] }, new Map(), 2000), false, 'the same listing changes nothing');
    assert.equal(table.view().rows[0]!.version, first.rows[0]!.version);
    assert.equal(table.setParallelism(ID, 2), true, 'the table changes with the parallelism it learns');
    const savepoint = { jobId: ID, location: 'file:/sp/savepoint-1', takenAt: '2026-12-07T08:00:00.000Z', kind: 'savepoint' as const };
    table.listed({ jobs: [job('RUNNING')] }, new Map([['orders', savepoint]]), 2500);
    assert.deepEqual({ parallelism: table.view().rows[0]!.parallelism, savepoint: table.view().rows[0]!.savepoint?.location }, { parallelism: 2, savepoint: savepoint.location });
    assert.equal(table.view().rows[0]!.version, first.rows[0]!.version, 'what the row only learns about the job keeps its version');
    const known = table.view();
    assert.equal(table.listed({ error: { code: 'FLINK_CONNECTION', message: 'down' } }, undefined, 3000), true);
    assert.deepEqual({ staleSince: table.view().staleSince, rows: table.view().rows }, { staleSince: 3000, rows: known.rows });
    table.listed({ error: { code: 'FLINK_CONNECTION', message: 'down' } }, undefined, 4000);
    assert.equal(table.view().staleSince, 3000, 'stale since the first failure of the outage');
    table.listed({ jobs: [job('CANCELED')] }, new Map(), 5000);
    assert.equal(table.view().staleSince, null);
    assert.ok(table.view().rows[0]!.version > first.rows[0]!.version);
  });

  it('checks an action against the table: offered, same state and version, not busy, the name typed for cancel', function () {
    const table = new JobsTable();
    table.listed({ jobs: [job('RUNNING')] }, new Map(), 1);
    const { version } = table.view().rows[0]!;
    const ask = (extra: Record<string, unknown>, allowed = ['savepoint', 'stop', 'cancel'] as const) =>
      checkAction({ action: 'savepoint', jobId: ID, seenState: 'RUNNING', seenVersion: version, ...extra }, allowed, table, t);
    assert.equal(ask({}).ok, true);
    assert.match((ask({}, ['stop'] as never) as { refusal: string }).refusal, /notOffered/);
    assert.match((ask({ seenState: 'CREATED' }) as { refusal: string }).refusal, /stateChanged/);
    assert.match((ask({ seenVersion: version + 1 }) as { refusal: string }).refusal, /rowChanged/);
    assert.match((ask({ action: 'cancel', confirmName: 'order' }) as { refusal: string }).refusal, /nameMismatch/);
    assert.equal(ask({ action: 'cancel', confirmName: 'orders' }).ok, true);
    assert.match((ask({ jobId: 'b'.repeat(32) }) as { refusal: string }).refusal, /unknownJob/);
    assert.match((ask({ jobId: 'not-an-id' }) as { refusal: string }).refusal, /malformed/);
    table.start(ID, 'stop');
    assert.match((ask({ seenVersion: table.view().rows[0]!.version }) as { refusal: string }).refusal, /busy/);
  });

  it('keeps a row busy while its action runs when a second request for the job is refused', async function () {
    const widget = standInWidget();
    widget.list({ jobs: [job('RUNNING')] });
    await settle();
    const seen = widget.shown(ID)!;
    const ask = { action: 'savepoint', jobId: ID, seenState: 'RUNNING', seenVersion: seen.version };
    widget.act(ask);
    assert.equal(widget.shown(ID)?.busy, 'savepoint', 'the first request runs');
    widget.act(ask);
    assert.equal(widget.actions.length, 1, 'the second request is refused');
    await eventually(() => widget.shown(ID)?.result !== null, 'the refusal published');
    assert.deepEqual({ busy: widget.shown(ID)?.busy, outcome: widget.shown(ID)?.result?.outcome }, { busy: 'savepoint', outcome: 'refused' },
      'the refusal shows on the row, which stays busy while the first action runs');
    widget.act({ action: 'stop', jobId: ID, seenState: 'RUNNING', seenVersion: widget.shown(ID)!.version });
    assert.equal(widget.actions.length, 1, 'no second action starts on the job');
    widget.actions[0]!.finish({ outcome: 'ok', action: 'savepoint', jobId: ID, location: 'file:/sp/savepoint-1' });
    await settle();
    assert.deepEqual({ busy: widget.shown(ID)?.busy, result: widget.shown(ID)?.result }, { busy: null, result: { action: 'savepoint', outcome: 'ok', location: 'file:/sp/savepoint-1' } });
    await widget.close();
  });

  it('does no work for a column it does not show: no parallelism, savepoint catalog or health rounds', async function () {
    const all = standInWidget();
    all.list({ jobs: [job('RUNNING')] });
    await settle();
    assert.deepEqual(all.asked, { parallelism: 1, savepoints: 1, health: 1 });
    await all.close();
    const few = standInWidget({ columns: ['name', 'state', 'actions'] });
    few.list({ jobs: [job('RUNNING')] });
    await settle();
    assert.deepEqual(few.asked, { parallelism: 0, savepoints: 0, health: 0 });
    assert.equal(few.shown(ID)?.state, 'RUNNING', 'the table still shows the job');
    await few.close();
  });

  it('asks for a job\'s parallelism when it is first listed and after each change of its state, two jobs at a time', async function () {
    const asked: string[] = [];
    const pending: Array<() => void> = [];
    const found: Array<[string, number]> = [];
    const tracker = new ParallelismTracker((jobId) => {
      asked.push(jobId);
      return new Promise((resolve) => pending.push(() => resolve(4)));
    }, (jobId, parallelism) => found.push([jobId, parallelism]));
    const ids = ['1', '2', '3'].map((digit) => digit.repeat(32));
    const listing = (state: string) => ids.map((jobId, index) => ({ ...job(state, `job-${index}`), jobId }));
    tracker.listed(listing('RUNNING'));
    assert.equal(asked.length, 2, 'two at a time');
    tracker.listed(listing('RUNNING'));
    assert.equal(asked.length, 2, 'an unchanged listing asks for nothing more');
    pending.splice(0).forEach((resolve) => resolve());
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asked, ids, 'the third once a request is done');
    pending.splice(0).forEach((resolve) => resolve());
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(found.map(([jobId]) => jobId), ids);
    tracker.listed([{ ...job('RUNNING', 'job-0'), jobId: ids[0]! }, { ...job('RESTARTING', 'job-1'), jobId: ids[1]! }]);
    assert.deepEqual(asked.slice(3), [ids[1]], 'again only for the job whose state changed');
    tracker.stop();
  });

  it('takes the user from the connection through the dashboard\'s auth add-ons, never from the browser\'s message', function () {
    // Dashboard's own hook order: an add-on's onAddConnectionCredentials sets msg._client.user for a connection.
    const addOn = { hooks: { onAddConnectionCredentials: (conn: { user: string }, msg: Record<string, unknown>) => ({ ...msg, _client: { ...(msg._client as object), user: conn.user } }) } };
    const RED = { plugins: { getByType: (type: string) => (type === 'node-red-dashboard-2' ? [{}, addOn] : []) } } as unknown as NodeAPI;
    const base = { includeClientData: true, uiShared: { connections: { s1: { user: 'alice' } } } } as unknown as DashboardBase;
    const forged = { payload: {}, _client: { socketId: 's1', user: 'mallory' } };
    assert.equal(actionUser(RED, base, forged), 'alice');
    assert.equal(actionUser(RED, base, { _client: { socketId: 'gone', user: 'mallory' } }), null, 'no connection: no user');
    assert.equal(actionUser(RED, { ...base, includeClientData: false } as DashboardBase, forged), null, 'without client data Dashboard does not set the socket');
    const noAddOn = { plugins: { getByType: () => [] } } as unknown as NodeAPI;
    assert.equal(actionUser(noAddOn, base, forged), null, 'no add-on: no user');
  });

  it('builds a UMD bundle that puts the component where Dashboard 2.0 looks: window["ui-flink-jobs"].UIFlinkJobs', function () {
    const bundle = readFileSync(path.join(projectRoot, 'dashboard', 'resources', 'ui-flink-jobs.umd.js'), 'utf8');
    assert.doesNotMatch(bundle, /createApp|function createRenderer/, 'Vue is not bundled');
    const window: Record<string, unknown> = { Vue: require('vue'), vuex: {} }; // eslint-disable-line @typescript-eslint/no-require-imports
    window.globalThis = window;
    vm.runInNewContext(bundle, window);
    const component = (window['ui-flink-jobs'] as { UIFlinkJobs?: { name?: string; props?: object } } | undefined)?.UIFlinkJobs;
    assert.equal(component?.name, 'UIFlinkJobs');
    assert.deepEqual(Object.keys(component!.props!), ['id', 'props', 'state']);
  });
});
