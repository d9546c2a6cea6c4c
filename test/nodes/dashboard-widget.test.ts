import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import { projectRoot } from '../../dev/paths';
import { dashboardFlow } from '../dashboard/dashboard-page';
import { DASHBOARD_NODES } from '../dashboard/dashboard-runtime';
import { latestRow, loadWidget as loadStored, openDashboardSocket, type DashboardSocket, type Row } from '../dashboard/dashboard-socket';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { CORE_NODES } from './example-flow';
import { clusterConfig, collect, eventually, FLINK_NODES, helper, statuses, withNodeRed, type FlowNode } from './node-harness';

/*
 * The runtime side of the Dashboard 2.0 widget ui-flink-jobs (dashboard/), in the test helper's Node-RED with
 * Dashboard 2.0's own ui-base, ui-page, ui-group and ui-theme nodes from npm, against the shared Flink. The
 * "browsers" are socket.io clients speaking the dashboard's protocol (ui-config, widget-load, msg-input,
 * widget-action): what the Vue component does, without a browser.
 */

const NODES = [...FLINK_NODES, ...DASHBOARD_NODES, ...CORE_NODES];
/** The companion's example flows (Import > Examples of the companion package). */
const COMPANION_EXAMPLES = path.join(projectRoot, 'dashboard', 'examples');
const WIDGET = 'widget';
const SECRET = 'dashboard-test-secret-7f3a';
/** Every prop the browser may get: the widget's whitelist, and what Dashboard adds (`z`, its state store's). */
const BROWSER_PROPS = ['name', 'label', 'group', 'width', 'height', 'order', 'actions', 'columns', 'pageSize', 'z', 'enabled', 'visible', 'class'];

/** The dashboard (ui-base at /dashboard, a page, a group) with the widget wired to the helper `audit`. */
function widgetFlow(cluster: FlowNode, widget: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab', label: 'test' },
    cluster,
    ...dashboardFlow('dashboard-', [{ id: WIDGET, z: 'tab', cluster: cluster.id, interval: 1, wires: [['audit']], ...widget }]) as FlowNode[],
    { id: 'audit', type: 'helper', z: 'tab' },
  ];
}

type Browser = DashboardSocket;
const openBrowser = (widgetId = WIDGET): Promise<Browser> => openDashboardSocket(helper.url(), widgetId);
const loadWidget = (browser: Browser, widgetId = WIDGET): ReturnType<typeof loadStored> => loadStored(browser, widgetId);

async function rowOnceRunning(browser: Browser, jobId: string): Promise<Row> {
  await eventually(() => latestRow(browser, jobId)?.state === 'RUNNING', 'the job RUNNING in the browser\'s table', 30_000);
  return latestRow(browser, jobId)!;
}

describe('ui-flink-jobs (Dashboard 2.0 widget, runtime)', function () {
  const suite = withNodeRed();
  const browsers: Browser[] = [];
  const browser = async (widgetId?: string): Promise<Browser> => {
    const opened = await openBrowser(widgetId);
    browsers.push(opened);
    return opened;
  };
  afterEach(function () {
    for (const opened of browsers.splice(0)) opened.close();
  });

  it('sends every browser a secret-free table of the chosen jobs, and a browser that loads the widget gets it at once', async function () {
    const { jobId, jobName } = await suite.startJob('dash-table');
    const cluster = clusterConfig(suite.flink.url, { authType: 'basic' });
    await helper.load(NODES, widgetFlow(cluster, { nameFilter: jobName }), { cluster: { username: 'ops', password: SECRET } });
    const first = await browser();
    const ui = await first.config;
    const props = ui.widgets[WIDGET]!.props;
    assert.deepEqual(Object.keys(props).filter((key) => !BROWSER_PROPS.includes(key)), [], 'only the whitelisted settings reach the browser');
    assert.deepEqual(props.actions, ['savepoint', 'stop'], 'cancel is opt-in');

    const row = await rowOnceRunning(first, jobId);
    assert.equal(row.name, jobName);
    await eventually(() => latestRow(first, jobId)?.parallelism === 1, 'the job\'s parallelism (1, as the fixture runs) on its row');
    assert.deepEqual(first.tables[first.tables.length - 1]!.rows.map((shown) => shown.jobId), [jobId], 'only the jobs the filter chose');

    const second = await browser();
    const loaded = await loadWidget(second);
    assert.equal(loaded?.rows.find((shown) => shown.jobId === jobId)?.state, 'RUNNING', 'the stored table, without waiting for a change');
    for (const opened of [first, second]) assert.ok(!opened.received.some((frame) => frame.includes(SECRET)), 'no secret in what the browser received');
  });

  it('refuses an action it does not offer, on a job that changed since the user saw it, or a cancel without the typed name, and audits each', async function () {
    const { jobId, jobName } = await suite.startJob('dash-refuse');
    await helper.load(NODES, widgetFlow(clusterConfig(suite.flink.url), { nameFilter: jobName, actions: ['savepoint', 'cancel'] }));
    const audits = collect('audit');
    const page = await browser();
    const row = await rowOnceRunning(page, jobId);
    const seen = { jobId, seenState: row.state, seenVersion: row.version };
    const asks: Array<[Record<string, unknown>, RegExp]> = [
      [{ action: 'stop', ...seen }, /does not offer stop/],
      [{ action: 'savepoint', ...seen, seenState: 'CREATED' }, /RUNNING now, not CREATED/],
      [{ action: 'savepoint', ...seen, seenVersion: row.version + 1000 }, /changed since you saw it/],
      [{ action: 'cancel', ...seen, confirmName: `${jobName}x` }, /typed name is not the job's name/],
    ];
    for (const [payload] of asks) page.socket.emit('widget-action', WIDGET, { payload, _client: { user: 'mallory' } });
    page.socket.emit('widget-action', WIDGET, { payload: 'hello' });
    await eventually(() => audits.length === asks.length + 1, 'an audit message for each request');
    asks.forEach(([payload, reason], index) => {
      const audit = audits[index]!.payload;
      assert.equal(audit.outcome, 'refused');
      assert.equal(audit.action, payload.action);
      assert.equal(audit.jobId, jobId);
      assert.equal(audit.jobName, jobName);
      assert.match(audit.error.message, reason);
      assert.equal(audit.user, null, 'a user the browser names is not taken');
    });
    assert.deepEqual({ ...audits[asks.length]!.payload, at: undefined }, {
      action: null, jobId: null, jobName: null, user: null, outcome: 'refused', at: undefined,
      error: { code: 'REFUSED', message: 'Not an action this widget understands' },
    });
    const client = new FlinkClusterClient({ url: suite.flink.url });
    try {
      assert.equal(await client.getJobStatus(jobId), 'RUNNING');
    } finally {
      await client.close();
    }
  });

  // The add-on's user is not tested here: the test helper's Node-RED mocks the plugin API (registerPlugin does
  // nothing, getByType finds none), so its audits name no user; dashboard-widget-lib tests the user's derivation.
  it('takes one savepoint for a double click, shows it running in every browser, then its location, and audits it', async function () {
    const { jobId, jobName } = await suite.startJob('dash-savepoint');
    await helper.load(NODES, widgetFlow(clusterConfig(suite.flink.url), { nameFilter: jobName }));
    const audits = collect('audit');
    const clicking = await browser();
    const watching = await browser();
    const row = await rowOnceRunning(clicking, jobId);
    await rowOnceRunning(watching, jobId);
    const ask = { payload: { action: 'savepoint', jobId, seenState: 'RUNNING', seenVersion: row.version } };
    clicking.socket.emit('widget-action', WIDGET, ask);
    clicking.socket.emit('widget-action', WIDGET, ask);

    for (const [shownIn, what] of [[clicking, 'the browser that clicked'], [watching, 'the other browser']] as const) {
      await eventually(() => shownIn.tables.some((table) => table.rows.some((shown) => shown.jobId === jobId && shown.busy === 'savepoint')),
        `the row busy in ${what}`);
    }
    await eventually(() => audits.some((audit) => audit.payload.outcome === 'ok'), 'the savepoint\'s audit', 120_000);
    const done = audits.find((audit) => audit.payload.outcome === 'ok')!.payload;
    assert.deepEqual({ ...done, at: undefined, location: undefined }, {
      action: 'savepoint', jobId, jobName, user: null, outcome: 'ok', at: undefined, location: undefined,
    });
    assert.match(done.location, /savepoint-/);
    const refused = audits.filter((audit) => audit.payload.outcome === 'refused');
    assert.equal(refused.length, 1, 'the second click is refused while the first runs');
    assert.match(refused[0]!.payload.error.message, /An action \(savepoint\) runs on this job/);

    await eventually(() => latestRow(watching, jobId)?.result?.location === done.location, 'the location on the other browser\'s row');
    await eventually(() => latestRow(watching, jobId)?.savepoint?.location === done.location, 'the catalog\'s newest savepoint on the row', 30_000);
    const client = new FlinkClusterClient({ url: suite.flink.url });
    try {
      const history = await fromCheckpointStatistics(client, jobId, (stats) => (stats.history.some((entry) => entry.is_savepoint) ? stats.history : undefined));
      assert.equal(history.filter((entry) => entry.is_savepoint).length, 1, 'one savepoint in Flink\'s history');
    } finally {
      await client.close();
    }
  });

  it('cancels a job once its name is typed, and its row turns CANCELED', async function () {
    const { jobId, jobName } = await suite.startJob('dash-cancel');
    await helper.load(NODES, widgetFlow(clusterConfig(suite.flink.url), { nameFilter: jobName, actions: ['cancel'] }));
    const audits = collect('audit');
    const page = await browser();
    const row = await rowOnceRunning(page, jobId);
    page.socket.emit('widget-action', WIDGET, { payload: { action: 'cancel', jobId, seenState: 'RUNNING', seenVersion: row.version, confirmName: jobName } });
    await eventually(() => audits.length === 1, 'the cancel\'s audit', 90_000);
    assert.deepEqual({ ...audits[0]!.payload, at: undefined }, { action: 'cancel', jobId, jobName, user: null, outcome: 'ok', state: 'CANCELED', at: undefined });
    await eventually(() => latestRow(page, jobId)?.state === 'CANCELED', 'the row CANCELED', 30_000);
  });

  it('shows a job\'s restart loop as an incident on its row, from health rounds of its own (no health node in the flow) with its thresholds, and clears it once the loop ends', async function () {
    this.timeout(300_000);
    // RestartLoopJob fails 6 s after each start and restarts 1 s later, until its flag file exists.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dash-loop-'));
    const flagFile = path.join(dir, 'stop-failing');
    try {
      const { jobId, jobName } = await suite.startJob('dash-loop', { noWait: true, fixture: { entryClass: 'RestartLoopJob', args: [flagFile, '6000', '1000'] } });
      // The health node's settings: 3 restarts within half a minute, so that the loop's end shows within the test.
      await helper.load(NODES, widgetFlow(clusterConfig(suite.flink.url), { nameFilter: jobName, healthInterval: 1, restartCount: 3, restartWindow: 0.5 }));
      const page = await browser();
      const looping = (): boolean => latestRow(page, jobId)?.incidents.some((incident) => incident.kind === 'restart-loop') === true;
      // 3 restarts as Flink's metrics (refreshed every 10 s) report them.
      await eventually(looping, 'a restart-loop incident on the row', 150_000);
      const incident = latestRow(page, jobId)!.incidents.find((shown) => shown.kind === 'restart-loop')!;
      assert.deepEqual(Object.keys(incident).sort(), ['kind', 'severity', 'since'], 'the row shows the kind, severity and start, nothing measured');
      assert.equal(incident.severity, 'critical');

      writeFileSync(flagFile, ''); // the job stops failing: the incident resolves after a restart window without restarts
      await eventually(() => !looping() && latestRow(page, jobId)?.state === 'RUNNING', 'the badge gone, the job RUNNING', 150_000);
      assert.deepEqual(latestRow(page, jobId)!.incidents, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a health threshold it cannot use, naming it', async function () {
    await helper.load(NODES, widgetFlow(clusterConfig(suite.flink.url), { restartWindow: 'soon' }));
    const errors = helper.log().getCalls().map((call) => call.args[0] as { level: number; id?: string; msg: unknown })
      .filter((entry) => entry.level === 20 && entry.id === WIDGET).map((entry) => String(entry.msg));
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]!, /Restart window.*soon/);
  });

  it('deploys the Ops dashboard example as shipped (its cluster pointed at Flink) and shows the cluster\'s jobs', async function () {
    const { jobId, jobName } = await suite.startJob('dash-example');
    const flow = JSON.parse(readFileSync(path.join(COMPANION_EXAMPLES, 'Ops dashboard.json'), 'utf8')) as FlowNode[];
    for (const node of flow) if (node.type === 'flink-cluster') node.url = suite.flink.url;
    const widget = flow.find((node) => node.type === 'ui-flink-jobs')!;
    await helper.load(NODES, flow);
    const page = await browser(widget.id);
    await eventually(() => page.tables.some((table) => table.rows.some((row) => row.jobId === jobId && row.name === jobName && row.state === 'RUNNING')),
      'the job in the example\'s table', 30_000);
  });

  it('shows the table stale, with the error code, when the cluster cannot be reached', async function () {
    await helper.load(NODES, widgetFlow(clusterConfig('http://127.0.0.1:9')));
    const seen = statuses(WIDGET);
    const page = await browser();
    await eventually(() => page.tables.some((table) => table.staleSince !== null), 'a stale table', 30_000);
    const table = page.tables.find((shown) => shown.staleSince !== null)!;
    assert.equal(table.error?.code, 'FLINK_CONNECTION');
    assert.deepEqual(table.rows, []);
    await eventually(() => seen.some((status) => status.fill === 'red' && status.text === 'FLINK_CONNECTION'), 'the red status');
  });
});
