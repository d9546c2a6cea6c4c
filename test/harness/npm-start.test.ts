import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import { launchChromium } from '../editor/browser';
import { NodeRedEditor } from '../editor/editor-page';
import { fromCheckpointStatistics, restoredFrom } from '../flink/checkpoint-history';
import { freePort } from '../../dev/flink/cluster';
import { JOBS_WIDGET } from '../../dev/dashboard';
import { DEPLOYED_EXAMPLE_JOBS, EXAMPLE_JOBS, readExampleFlows, sampleAlert, type FlowNode } from '../../dev/example-flows';
import { EXAMPLE_DIRS } from '../../dev/node-red';
import { runFixtureJob, waitForJobState } from '../../dev/flink/job';
import { localPath, projectRoot } from '../../dev/paths';
import { latestRow, openDashboardSocket } from '../dashboard/dashboard-socket';
import { requireLocalRun } from '../flink/skips';
import { eventually } from '../nodes/node-harness';
import { FlowActivity } from './flow-activity';

const isAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

/** Child processes of `pid` with their command lines, read from /proc. */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [{ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') }] : [];
    } catch { return []; } // ended while we looked
  });
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  return await response.json() as T;
}

/** Node-RED's own warnings when it starts in a fresh user dir, which npm start has: not about this package or the dashboard. */
const NODE_RED_START_NOTES = [/\[warn\] Projects disabled : set editorTheme\.projects\.enabled=true to enable$/, /\[warn\] Encrypted credentials not found$/];

describe('npm start (dist/dev/start.js)', function () {
  this.timeout(180_000);
  let main: ChildProcess;
  let output = '';
  let userDir: string;
  let port: number;
  let children: { pid: number; cmdline: string }[] = [];
  let exit: Promise<number | string>;

  /** Resolves with the first match of `pattern` in main's output; fails if main exits first. */
  function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const match = pattern.exec(output);
        if (match) { clearInterval(timer); resolve(match); }
        else if (main.exitCode !== null || Date.now() > deadline) {
          clearInterval(timer);
          reject(new Error(`no ${pattern} in npm start's output (exit ${main.exitCode}):\n${output.slice(-3000)}`));
        }
      }, 200);
      const deadline = Date.now() + timeoutMs;
    });
  }

  before(async function () {
    requireLocalRun(this, 'npm start brings up a local Flink and its JVMs');
    userDir = mkdtempSync(path.join(os.tmpdir(), 'node-red-dev-'));
    port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_RED_USER_DIR: userDir };
    delete env.FLINK_URL;
    delete env.FLINK_JOB_JAR; // npm start's own default, the example jobs' jar
    main = spawn(process.execPath, [path.join(projectRoot, 'dist', 'dev', 'start.js')], { cwd: projectRoot, env });
    main.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    main.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    exit = new Promise((resolve) => main.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  });

  after(async function () {
    // Only matters when a test failed half-way: nothing of this run may outlive the suite.
    if (main === undefined) return; // skipped: nothing was started
    if (main.exitCode === null && main.signalCode === null) {
      children = [...children, ...childrenOf(main.pid!)];
      main.kill('SIGINT');
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      main.kill('SIGKILL');
    }
    for (const child of children) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(userDir, { recursive: true, force: true });
  });

  let flinkUrl: string;
  let editorUrl: string;
  /** The warnings and errors in Node-RED's log so far, but for its own start-up notes. */
  const warningsLogged = (): string[] => output.split('\n')
    .filter((line) => /\[(warn|error)\]/.test(line) && !NODE_RED_START_NOTES.some((note) => note.test(line)));

  it('brings up Flink with the example jobs RUNNING, its SQL gateway, and Node-RED with this package and the example flows', async function () {
    [, flinkUrl = ''] = await waitForOutput(/Flink web UI:\s+(http\S+?)\/?\s/, 150_000);
    [, editorUrl = ''] = await waitForOutput(/Node-RED editor:\s+(http\S+)/, 1000);
    const [, gatewayUrl = ''] = await waitForOutput(/SQL gateway:\s+(http\S+)\s+\(flink-sql-gateway \d+\.\d+\.\d+\)/, 1000);
    assert.equal(editorUrl, `http://127.0.0.1:${port}/`);
    children = childrenOf(main.pid!);

    const { jobs } = await getJson<{ jobs: { name: string; state: string }[] }>(`${flinkUrl}/jobs/overview`);
    for (const name of EXAMPLE_JOBS) {
      assert.equal(jobs.find((job) => job.name === name)?.state, 'RUNNING', `${name} in ${JSON.stringify(jobs)}`);
    }
    // The adaptive scheduler (the rescale example rescales in place) and slots for every example's job at once.
    const config = await getJson<{ key: string; value: string }[]>(`${flinkUrl}/jobmanager/config`);
    assert.equal(config.find((entry) => entry.key === 'jobmanager.scheduler')?.value, 'adaptive');
    assert.equal((await getJson<{ 'slots-total': number }>(`${flinkUrl}/overview`))['slots-total'], 8);
    const { 'flink-version': version } = await getJson<{ 'flink-version': string }>(`${flinkUrl}/config`);
    assert.equal((await getJson<{ version: string }>(`${gatewayUrl}/v1/info`)).version, version, 'the SQL gateway runs the same Flink');
    assert.match(output, /FLINK_JOB_JAR \.cache\/jobs\/[^/\s]+\/fixture-jobs\.jar \(the example jobs' jar\)/, 'npm start names the jar it gives the flows');

    const flows = await getJson<FlowNode[]>(`${editorUrl}flows`);
    const clusters = flows.filter((node) => node.type === 'flink-cluster');
    const exampleClusters = EXAMPLE_DIRS.flatMap((dir) => readExampleFlows(dir))
      .flatMap((example) => example.nodes).filter((node) => node.type === 'flink-cluster');
    assert.equal(clusters.length, exampleClusters.length, 'every example cluster node is in the flows');
    for (const cluster of clusters) assert.deepEqual([cluster.url, cluster.sqlGatewayUrl], [flinkUrl, gatewayUrl]);

    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: object } };
    const nodeSets = await getJson<{ module: string; name: string }[]>(`${editorUrl}nodes`, { accept: 'application/json' });
    assert.deepEqual(nodeSets.filter((set) => set.module === pkg.name).map((set) => set.name).sort(),
      Object.keys(pkg['node-red'].nodes).sort(), 'Node-RED loaded the node sets package.json lists');
  });

  it('serves the Ops dashboard (Dashboard 2.0 and the companion\'s widget) at the address it prints, its table listing the example jobs RUNNING; Node-RED logs no warning or error', async function () {
    assert.ok(editorUrl, 'npm start is up (the first test)');
    const [, dashboardUrl = '', version] = await waitForOutput(/Ops dashboard:\s+(http\S+)\s+\(Dashboard 2\.0 (\S+)\)/, 1000);
    const devDependencies = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    assert.equal(version, devDependencies['@flowfuse/node-red-dashboard'], 'the pinned Dashboard 2.0');
    assert.equal(dashboardUrl, `${editorUrl}dashboard/ops`);
    const page = await fetch(dashboardUrl, { signal: AbortSignal.timeout(10_000) });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    await page.arrayBuffer();

    // The page loads the widget as a third-party widget (its own component, not the ui-template fallback): its
    // config names the companion's bundle, which Node-RED serves.
    const widget = (await getJson<FlowNode[]>(`${editorUrl}flows`)).find((node) => node.type === JOBS_WIDGET);
    assert.ok(widget, `a ${JOBS_WIDGET} in the flows`);
    const browser = await openDashboardSocket(editorUrl, widget.id);
    try {
      const ui = await browser.config as unknown as { widgets: Record<string, { src?: { package: string; src: string; component: string } }> };
      const src = ui.widgets[widget.id]?.src;
      assert.deepEqual({ ...src, path: undefined }, {
        name: JOBS_WIDGET, package: '@flink-ops/node-red-dashboard-2-flink', src: 'ui-flink-jobs.umd.js', component: 'UIFlinkJobs', path: undefined,
      });
      const bundle = await fetch(`${editorUrl}resources/${src!.package}/${src!.src}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(bundle.status, 200, 'the widget\'s bundle is served');
      assert.match(await bundle.text(), /UIFlinkJobs/);

      const { jobs } = await getJson<{ jobs: { jid: string; name: string; state: string }[] }>(`${flinkUrl}/jobs/overview`);
      for (const name of EXAMPLE_JOBS) {
        const jobId = jobs.find((job) => job.name === name && job.state === 'RUNNING')?.jid;
        assert.ok(jobId, `${name} RUNNING in Flink`);
        await eventually(() => latestRow(browser, jobId)?.state === 'RUNNING', `${name} RUNNING in the widget's table`, 30_000);
        assert.equal(latestRow(browser, jobId)!.name, name);
      }
    } finally {
      browser.close();
    }
    assert.deepEqual(warningsLogged(), [], 'warnings and errors in Node-RED\'s log');
  });

  /**
   * The example tabs, by label: the test below has a part for each, so an example added to examples/ (or one that
   * went missing, the rescale example say) fails it until the test knows it.
   */
  const EXAMPLE_TABS = ['Alert-driven stop', 'Autoscale', 'Blue-green upgrade', 'Flink ops panel', 'Ops dashboard', 'SQL pipeline', 'Scheduled savepoints', 'Time-of-day rescale'];

  /** Flow nodes of this package that are meant to end without a status (tab/name), and why. */
  const NO_STATUS_EXPECTED: Record<string, string> = {
    'Alert-driven stop/cancel instead': 'the fallback runs only when the stop with savepoint fails; here the stop succeeds',
    'Autoscale/rescale': 'the autoscale windows are minutes long: the job it deploys is not rescaled within the test',
  };

  it('every example tab in the editor: every button pressed (some before what they need), the sample alert and a jar posted; no node ends red, no error in the debug sidebar, no warning in Node-RED\'s log, the effects in Flink', async function () {
    this.timeout(480_000);
    assert.ok(editorUrl && flinkUrl, 'npm start is up (the first test)');
    const flows = await getJson<FlowNode[]>(`${editorUrl}flows`);
    const examples = EXAMPLE_DIRS.flatMap((dir) => readExampleFlows(dir));
    const tabLabel = (id: unknown): string => String(flows.find((n) => n.id === id)?.label);
    const tabsOf = (nodes: FlowNode[]): string[] => nodes.filter((n) => n.type === 'tab').map((n) => String(n.label)).sort();
    assert.deepEqual(tabsOf(examples.flatMap((e) => e.nodes)), EXAMPLE_TABS, 'the tabs of examples/*.json and dashboard/examples/*.json are the ones this test drives');
    assert.deepEqual(tabsOf(flows), EXAMPLE_TABS, 'npm start seeded every example tab');

    // Every inject node of examples/*.json, as tab/name: the buttons this test must press, every one of them.
    const button = (tab: string, name: unknown): string => `${tab}/${String(name)}`;
    const buttons = examples.flatMap(({ nodes }) => {
      const tab = String(nodes.find((n) => n.type === 'tab')?.label);
      return nodes.filter((n) => n.type === 'inject').map((n) => button(tab, n.name));
    }).sort();
    const pressed = new Set<string>();

    const client = new FlinkClusterClient({ url: flinkUrl });
    const browser = await launchChromium();
    let editor: NodeRedEditor | undefined;
    const runningJob = async (name: string): Promise<string> => {
      const job = (await client.listJobs()).find((j) => j.jobName === name && j.state === 'RUNNING');
      assert.ok(job, `a RUNNING job ${name}`);
      return job.jobId;
    };
    const savepointInHistory = (jobId: string, location: string): Promise<unknown> => fromCheckpointStatistics(client, jobId,
      (stats) => stats.history.find((e) => e.external_path === location && e.is_savepoint && e.status === 'COMPLETED'));
    const parallelismInFlink = async (jobId: string): Promise<number[]> => {
      const details = await client.getJobDetails(jobId);
      assert.ok(details.state === 'RUNNING' && details.vertices.every((v) => v.status === 'RUNNING'), `${details.state}: ${JSON.stringify(details.vertices)}`);
      return [...new Set(details.vertices.map((v) => v.parallelism))];
    };
    try {
      editor = await NodeRedEditor.open(browser, editorUrl);
      const activity = await FlowActivity.watch(editor, flows);
      const press = (tab: string, inject: string, reaches: string[]): ReturnType<FlowActivity['press']> => {
        pressed.add(button(tab, inject));
        return activity.press(tab, inject, reaches);
      };

      // Scheduled savepoints, first: they need clickstream-sessions, which the blue-green upgrade (last) replaces.
      const SCHEDULED = 'Scheduled savepoints';
      const clickstream = await runningJob('clickstream-sessions');
      // Before any savepoint exists, disposing of the oldest disposes of nothing, and says so without an error.
      const [nothing] = await press(SCHEDULED, 'dispose the oldest', ['nothing disposed']);
      assert.deepEqual(nothing, { text: 'Nothing to dispose of: clickstream-sessions has no savepoint yet' });
      // Two presses in one schedule slot (an hour) give one savepoint; three later slots (msg.idempotencyKey, as the
      // editor's inject-with-properties sends it) make the catalog's retention (keep the last 3) dispose of the oldest.
      const injectWith = (name: string, props: Array<{ p: string; v: string }>) => async (): Promise<void> => {
        pressed.add(button(SCHEDULED, name));
        const response = await fetch(`${editorUrl}inject/${activity.node(SCHEDULED, name, 'inject').id}`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ __user_inject_props__: props.map((prop) => ({ ...prop, vt: 'str' })) }),
        });
        assert.equal(response.status, 200);
      };
      const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
      if (toNextHour < 60_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1000)); // both presses in one slot
      const [first, again] = [await press(SCHEDULED, 'every hour', ['savepoint taken', 'retention']),
        await press(SCHEDULED, 'every hour', ['savepoint taken', 'retention'])];
      assert.equal(again[0]!.location, first[0]!.location, 'a second press in the slot gets the same savepoint');
      const rounds = [first];
      for (const slot of [2, 3, 4]) {
        rounds.push(await activity.after(injectWith('every hour', [{ p: 'idempotencyKey', v: `slot ${slot}` }]), SCHEDULED, ['savepoint taken', 'retention']));
      }
      const locations = rounds.map(([taken]) => taken!.location as string);
      const retained = rounds[3]![1]!;
      assert.ok(rounds.every(([taken]) => taken!.jobId === clickstream), 'the savepoints are of clickstream-sessions');
      for (const location of locations) await savepointInHistory(clickstream, location);
      const named = (records: Array<{ location: string }>): string[] => records.map((record) => record.location);
      assert.deepEqual({ disposed: named(retained.disposed), kept: named(retained.kept), failed: retained.failed },
        { disposed: [locations[0]], kept: locations.slice(1).reverse(), failed: [] });
      assert.equal(existsSync(localPath(locations[0]!)), false, 'the oldest savepoint is gone from disk');
      for (const kept of locations.slice(1)) assert.ok(existsSync(localPath(kept)), `${kept} is kept`);
      const [listed] = await press(SCHEDULED, 'list', ['savepoints']);
      assert.deepEqual(named(listed!.savepoints), locations.slice(1), 'the catalog lists the 3 kept');
      // Now "dispose the oldest" disposes of the oldest of the 3, and the catalog forgets it.
      const [disposed] = await press(SCHEDULED, 'dispose the oldest', ['disposed']);
      assert.deepEqual(disposed, { savepointPath: locations[1], disposed: true });
      assert.equal(existsSync(localPath(locations[1]!)), false, 'the savepoint disposed of by hand is gone from disk');
      const [relisted] = await press(SCHEDULED, 'list', ['savepoints']);
      assert.deepEqual(named(relisted!.savepoints), locations.slice(2), 'the catalog lists the 2 left');

      // Time-of-day rescale: its job is one the tab deploys itself. Rescaling before the deploy rescales nothing and
      // says so; the deploy runs the jar npm start gives the flows (FLINK_JOB_JAR); a second deploy runs no second job.
      const RESCALE = 'Time-of-day rescale';
      const [pageviews] = DEPLOYED_EXAMPLE_JOBS;
      const jobsNamed = async (name: string): Promise<string[]> => (await client.listJobs()).filter((j) => j.jobName === name).map((j) => j.jobId);
      assert.deepEqual(await jobsNamed(pageviews), [], `npm start does not run ${pageviews}`);
      const [early] = await press(RESCALE, 'at 08:00: parallelism 4', ['not rescaled']);
      assert.deepEqual(early, { text: `${pageviews} does not run: not rescaled to 4 (deploy the job first)` });
      const [deployed] = await press(RESCALE, 'deploy the job', ['deployed']);
      assert.equal(deployed!.jobName, pageviews);
      assert.equal(deployed!.state, 'RUNNING');
      assert.match(deployed!.jarId as string, /_fixture-jobs\.jar$/, 'the example jobs\' jar, uploaded by the deploy');
      const deployedId = deployed!.jobId as string;
      assert.deepEqual(await parallelismInFlink(deployedId), [1]);
      const [redeploy] = await press(RESCALE, 'deploy the job', ['not deployed again']);
      assert.deepEqual(redeploy, { text: `${pageviews} runs already (${deployedId} RUNNING): not deployed again` });
      assert.deepEqual(await jobsNamed(pageviews), [deployedId], 'one job of the name');
      const [morning] = await press(RESCALE, 'at 08:00: parallelism 4', ['rescaled']);
      assert.equal(morning!.jobId, deployedId);
      assert.deepEqual(await parallelismInFlink(deployedId), [4], 'rescaled in place by the adaptive scheduler');
      const [evening] = await press(RESCALE, 'at 20:00: parallelism 1', ['rescaled']);
      assert.equal(evening!.jobId, deployedId);
      assert.deepEqual(await parallelismInFlink(deployedId), [1]);

      // The SQL pipeline through npm start's SQL gateway: deploy, query, upgrade from a savepoint, stop.
      const SQL = 'SQL pipeline';
      const [sqlDeployed] = await press(SQL, 'deploy', ['deployed']);
      assert.equal(sqlDeployed!.jobName, 'orders-sql');
      assert.equal(sqlDeployed!.state, 'RUNNING');
      const [rows] = await press(SQL, 'query', ['rows']);
      assert.ok(Array.isArray(rows) && rows.length >= 1 && rows.every((row: { amount: number }) => row.amount > 20), JSON.stringify(rows));
      const [sqlUpgraded] = await press(SQL, 'upgrade', ['upgraded']);
      assert.equal(sqlUpgraded!.rolledBack, false, JSON.stringify(sqlUpgraded));
      assert.equal(sqlUpgraded!.oldJobId, sqlDeployed!.jobId);
      assert.equal(await restoredFrom(flinkUrl, sqlUpgraded!.jobId as string), sqlUpgraded!.savepoint);
      const [sqlStopped] = await press(SQL, 'stop', ['stopped']);
      assert.equal(sqlStopped!.jobId, sqlUpgraded!.jobId);
      assert.equal(await waitForJobState(flinkUrl, sqlUpgraded!.jobId as string, ['FINISHED']), 'FINISHED');

      // The ops panel on orders-enrichment, stop last.
      const OPS = 'Flink ops panel';
      const orders = await runningJob('orders-enrichment');
      const [jobs] = await press(OPS, 'list jobs', ['jobs']);
      for (const name of [...EXAMPLE_JOBS, pageviews]) {
        assert.ok((jobs as Array<{ name: string; state: string }>).some((j) => j.name === name && j.state === 'RUNNING'), `${name} listed`);
      }
      assert.deepEqual((await press(OPS, 'status', ['status']))[0], { jobId: orders, state: 'RUNNING' });
      assert.equal((await press(OPS, 'accumulators', ['accumulators']))[0]!.jobId, orders);
      const [checkpoint] = await press(OPS, 'checkpoint', ['checkpoint']);
      await fromCheckpointStatistics(client, orders, (stats) => stats.history.find((e) => e.id === checkpoint!.checkpointId && !e.is_savepoint && e.status === 'COMPLETED'));
      const [savepoint] = await press(OPS, 'savepoint', ['savepoint']);
      await savepointInHistory(orders, savepoint!.location as string);
      assert.ok(existsSync(localPath(savepoint!.location as string)));
      const [stopped] = await press(OPS, 'stop', ['stopped']);
      assert.equal(stopped!.jobId, orders);
      assert.equal(await waitForJobState(flinkUrl, orders, ['FINISHED']), 'FINISHED');
      assert.ok(existsSync(localPath(stopped!.location as string)), 'the final savepoint exists');

      // As the ops panel's note says: run the job again from its final savepoint (Flink's Submit New Job). The jar
      // npm start uploaded is the first one; the deploy above uploaded the same file again.
      const { files } = await getJson<{ files: { id: string; uploaded: number }[] }>(`${flinkUrl}/jars`);
      const [startJar] = [...files].sort((a, b) => a.uploaded - b.uploaded);
      const restarted = await runFixtureJob(flinkUrl, startJar!.id, { name: 'orders-enrichment', savepointPath: stopped!.location as string });

      // The alert example's documented sample alert, posted to its webhook, stops it again.
      const ALERT = 'Alert-driven stop';
      const alert = sampleAlert(examples.find((e) => e.name === 'Alert-driven stop with savepoint')!.nodes);
      let answer: { status: number; body: unknown } | undefined;
      const [alertStopped] = await activity.after(async () => {
        const response = await fetch(`${editorUrl}flink/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert) });
        answer = { status: response.status, body: await response.json() };
      }, ALERT, ['stopped']);
      assert.deepEqual(answer, { status: 202, body: { stopping: ['orders-enrichment'] } });
      assert.equal(alertStopped!.jobId, restarted);
      assert.equal(await waitForJobState(flinkUrl, restarted, ['FINISHED']), 'FINISHED');
      assert.ok(existsSync(localPath(alertStopped!.location as string)), 'the final savepoint exists');

      // Blue-green upgrade, as its note says for npm start's clickstream-sessions: the jar as the raw body, and once
      // which uploaded jar and arguments the running job has. It stops the job with a savepoint and runs the new jar
      // from it (verified: every vertex RUNNING and a completed checkpoint, within a minute for the example jobs).
      const BLUE_GREEN = 'Blue-green upgrade';
      const jarFile = /FLINK_JOB_JAR (\S+) \(the example jobs' jar\)/.exec(output)![1]!;
      const query = new URLSearchParams({
        name: 'clickstream-sessions-v2.jar', previousJarId: startJar!.id, previousArgs: JSON.stringify(['clickstream-sessions', '0']),
      });
      let upgradeAnswer: { status: number; body: Record<string, unknown> } | undefined;
      const [upgraded] = await activity.after(async () => {
        const response = await fetch(`${editorUrl}flink/upgrade/raw?${query}`, {
          method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: readFileSync(path.join(projectRoot, jarFile)),
        });
        upgradeAnswer = { status: response.status, body: await response.json() as Record<string, unknown> };
      }, BLUE_GREEN, ['upgraded or rolled back'], 240_000);
      assert.equal(upgradeAnswer?.status, 200, JSON.stringify(upgradeAnswer?.body));
      assert.equal(upgradeAnswer.body.oldJobId, clickstream);
      assert.equal(upgradeAnswer.body.rolledBack, false);
      assert.deepEqual({ jobId: upgraded!.jobId, rolledBack: upgraded!.rolledBack }, { jobId: upgradeAnswer.body.jobId, rolledBack: false },
        'the debug node shows the result the response has');
      assert.equal(await waitForJobState(flinkUrl, clickstream, ['FINISHED']), 'FINISHED');
      assert.equal(await runningJob('clickstream-sessions'), upgradeAnswer.body.jobId, 'the new clickstream-sessions runs');

      // Autoscale: it deploys its own job; its windows are minutes long, so within the test it only tells its first
      // decisions (the node shows them, green) and rescales nothing.
      const AUTOSCALE = 'Autoscale';
      const [, , checkoutEvents] = DEPLOYED_EXAMPLE_JOBS;
      const [autoscaled, decision] = await press(AUTOSCALE, 'deploy the job', ['deployed', 'decisions']);
      assert.equal(autoscaled!.jobName, checkoutEvents);
      assert.equal(autoscaled!.state, 'RUNNING');
      assert.equal(decision!.jobId, autoscaled!.jobId);
      assert.equal(decision!.action, 'hold', JSON.stringify(decision));
      assert.deepEqual(await parallelismInFlink(autoscaled!.jobId as string), [1]);

      // Every button of examples/*.json was pressed: none left out.
      assert.deepEqual([...pressed].sort(), buttons, 'the buttons pressed are every inject node of examples/*.json');

      // No node on any tab ends red; each Flink node shows its green result, but for the named exceptions.
      const onTabs = flows.filter((n) => n.type !== 'tab' && EXAMPLE_TABS.includes(tabLabel(n.z)));
      const shown = await activity.statuses(onTabs.map((n) => n.id));
      const key = (node: FlowNode): string => `${tabLabel(node.z)}/${String(node.name || node.type)}`;
      assert.deepEqual(onTabs.filter((n) => shown[n.id]?.fill === 'red').map((n) => `${key(n)}: ${shown[n.id]!.text}`), [], 'nodes shown red');
      const flinkNodes = onTabs.filter((n) => n.type.startsWith('flink-'));
      for (const node of flinkNodes) {
        if (key(node) in NO_STATUS_EXPECTED) assert.equal(shown[node.id], undefined, `${key(node)} shows a status`);
        else assert.equal(shown[node.id]?.fill, 'green', `${key(node)} (${node.id}) shows ${JSON.stringify(shown[node.id])}`);
      }
      assert.deepEqual(Object.keys(NO_STATUS_EXPECTED).filter((k) => !flinkNodes.some((n) => key(n) === k)), [],
        'every exception names a node of the examples');
      assert.deepEqual(await activity.errors(), []);
      assert.deepEqual(await activity.sidebarErrors(), [], 'errors in the debug sidebar');
      assert.deepEqual(editor.takeErrors(), [], 'errors in the browser console');
      assert.deepEqual(warningsLogged(), [], 'warnings and errors in Node-RED\'s log (the Ops dashboard\'s widget saw every job these tabs started and ended)');
    } catch (err) {
      if (editor) {
        const file = path.join(projectRoot, '.cache', 'editor-test', 'failed-npm-start-examples.png');
        mkdirSync(path.dirname(file), { recursive: true });
        await editor.page.screenshot({ path: file }).catch(() => undefined);
        console.log(`      screenshot of the failure: ${path.relative(projectRoot, file)}`);
      }
      throw err;
    } finally {
      await browser.close();
      await client.close();
    }
  });

  it('stops Node-RED, both Flink JVMs and the SQL gateway in order on a Ctrl-C under npm (SIGINT twice: the terminal\'s and npm\'s forward) and leaves nothing behind', async function () {
    const savepointDir = /Savepoints land in (\S+)/.exec(output)?.[1];
    assert.ok(savepointDir && existsSync(savepointDir), 'the local Flink has its temp dir');
    const jvms = children.filter((child) => /StandaloneSessionClusterEntrypoint|TaskManagerRunner|table\.gateway\.SqlGateway/.test(child.cmdline));
    assert.equal(jvms.length, 3, `JobManager, TaskManager and SQL gateway among ${JSON.stringify(children)}`);
    assert.equal(children.length, 4, 'the three JVMs and Node-RED');
    assert.ok(children.every((child) => isAlive(child.pid)));

    // npm's forward follows the terminal's signal at once: the second goes out as soon as main logs the first
    // (not on a poll of the output), well within the second npm start takes for one key press.
    const stopping = /SIGINT: stopping Node-RED and Flink/;
    const secondSent = new Promise<number>((resolve, reject) => {
      const onData = (): void => {
        if (!stopping.test(output)) return; // `output` already has this chunk: its listener was added first
        main.stdout?.off('data', onData);
        clearTimeout(timer);
        main.kill('SIGINT');
        resolve(Date.now());
      };
      const timer = setTimeout(() => {
        main.stdout?.off('data', onData);
        reject(new Error(`no ${stopping} in npm start's output 10 s after the first SIGINT:\n${output.slice(-3000)}`));
      }, 10_000);
      main.stdout?.on('data', onData);
    });
    const firstSentAt = Date.now();
    main.kill('SIGINT');
    const gapMs = (await secondSent) - firstSentAt;
    const code = await Promise.race([exit, new Promise((resolve) => setTimeout(() => resolve('still running after 40 s'), 40_000))]);
    assert.equal(code, 0, `the second SIGINT went ${gapMs} ms after the first; npm start's output:\n${output.slice(-2000)}`);
    assert.doesNotMatch(output, /again: killing everything/, 'the two signals of one Ctrl-C are one stop, not a forced kill');
    assert.match(output, /stopping Flink \.\.\.[\s\S]*stopped/, 'the orderly stop ran to its end');
    assert.deepEqual(children.filter((child) => isAlive(child.pid)), [], 'a process outlived npm start');
    assert.equal(existsSync(savepointDir), false, 'Flink temp dir removed');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/settings`), 'Node-RED no longer answers');
  });

  it('fails at once with a clear message when the editor port is taken', async function () {
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_RED_USER_DIR: userDir, FLINK_URL: 'http://127.0.0.1:9' };
      const second = spawn(process.execPath, [path.join(projectRoot, 'dist', 'dev', 'start.js')], { cwd: projectRoot, env });
      let text = '';
      second.stderr.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      const code = await new Promise((resolve) => second.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(text, new RegExp(`port ${port} is already in use`));
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
