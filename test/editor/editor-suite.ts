import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { readExampleFlows } from '../../dev/example-flows';
import { FlinkClusterClient } from '../../src';
import { makeTestCertificates } from '../support/test-certificates';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { freePort } from '../../dev/flink/cluster';
import { cancelJob } from '../../dev/flink/job';
import { projectRoot } from '../../dev/paths';
import { requireSqlGateway } from '../flink/skips';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { testSqlGateway } from '../flink/test-sql-gateway';
import { startFlinkProxy, type FlinkProxy } from '../nodes/flink-proxy';
import { runEditor } from '../nodes/editor-sandbox';
import { readPackageJson } from '../package/package-json';
import type { PackedNodeRed } from '../package/packed-node-red';
import { launchChromium } from './browser';
import { readCredentialsFile } from './credentials-file';
import type { EditorRuntime } from './editor-runtimes';
import { NodeRedEditor } from './editor-page';
import { README_SCREENSHOTS, startShowcaseJobs, takeReadmeScreenshots } from './readme-screenshots';

/** The editor's global: used only inside page.evaluate, where it exists; untyped there, as the page is. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const RED: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const $: any;

const artifacts = path.join(projectRoot, '.cache', 'editor-test');

/** A property without a form field of its own: the number of outputs follows the error-output checkbox. */
const COMPUTED_PROPERTIES = new Set(['outputs']);

/** Texts that are message keys: a label or option whose locale entry is missing. */
const RAW_MESSAGE_KEY = /\bflink-[a-z-]+\.[a-zA-Z]+(\.[a-zA-Z]+)*\b/;

/** The user the auth proxy in front of Flink lets through, with its password. */
const PROXY_USER = 'flink-ops';
const PROXY_PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

/**
 * The editor suite on one Node-RED runtime; each runtime's suite is a test file of its own, so that the two run
 * side by side (each with its Chromium).
 */
export function describeEditor(runtime: EditorRuntime): void {
describe('the editor in headless Chromium, with the packed plugin installed in Node-RED', function () {
  this.timeout(120_000);
  const pkg = readPackageJson();
  // Each node type's category, as its editor HTML (with the shared editor script) registers it.
  const nodeTypes = Object.keys(pkg['node-red'].nodes).map((type) => ({ type, category: runEditor(type).definition?.category }));
  const flowTypes = nodeTypes.filter((node) => node.category !== 'config').map((node) => node.type);
  const configTypes = nodeTypes.filter((node) => node.category === 'config').map((node) => node.type);
  let flink: TestFlink;
  let browser: Browser | undefined;
  let authProxy: FlinkProxy | undefined;
  let tlsProxy: FlinkProxy | undefined;
  let certDir: string | undefined;
  let caFile: string;

  before(async function () {
    this.timeout(300_000);
    flink = await testFlink(); // first: Flink's ports are chosen free a moment before it binds them
    const basic = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    authProxy = await startFlinkProxy(flink.url, { requireHeaders: { authorization: basic } });
    const certs = makeTestCertificates();
    tlsProxy = await startFlinkProxy(flink.url, { tls: { cert: certs.serverCert, key: certs.serverKey } });
    certDir = mkdtempSync(path.join(os.tmpdir(), 'editor-tls-'));
    caFile = path.join(certDir, 'ca.pem');
    writeFileSync(caFile, certs.ca);
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
    await authProxy?.close();
    await tlsProxy?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  describe(`on ${runtime.title}`, function () {
    let nodeRed: PackedNodeRed;
    let editor: NodeRedEditor;
    const jobName = `editor-savepoint-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(9).toString('hex')}`;
    let clusterId: string | undefined;
    let jobId: string | undefined;

    before(async function () {
      this.timeout(300_000);
      nodeRed = await runtime.start();
      jobId = await flink.startJob({ name: jobName });
      editor = await NodeRedEditor.open(browser!, nodeRed.editorUrl);
    });

    /** The flow tabs and nodes before the test: each test removes what it added (finish()), deployed. */
    let start = new Set<string>();
    beforeEach(async function () {
      start = await editor.ids();
    });

    /** The end of a test: its flow tabs and config nodes removed (but `keep`), deployed, no dialog open. */
    async function finish(keep: string[] = []): Promise<void> {
      await editor.removeAddedSince(new Set([...start, ...keep]));
      assert.deepEqual(await editor.leftovers(), []);
    }

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && editor) {
        mkdirSync(artifacts, { recursive: true });
        const file = path.join(artifacts, `failed-${runtime.title}-${this.currentTest.title}`.replace(/\W+/g, '-').slice(0, 80) + '.png');
        await editor.page.screenshot({ path: file }).catch(() => undefined);
        console.log(`      screenshot of the failure: ${path.relative(projectRoot, file)}`);
        // A fresh page drops open dialogs and undeployed changes; what the test deployed goes too.
        await editor.page.close();
        editor = await NodeRedEditor.open(browser!, nodeRed.editorUrl);
        await editor.removeAddedSince(start, { confirmWarnings: true });
        editor.takeErrors();
      }
    });

    after(async function () {
      await editor?.page.close();
      if (jobId) await cancelJob(flink.url, jobId); // the shared cluster's slots are for the next tests
      if (nodeRed) await runtime.stop(nodeRed);
    });

    it('shows the "flink" palette category with every flow node, and knows the flink-cluster config node', async function () {
      assert.deepEqual((await editor.paletteTypes('flink')).sort(), [...flowTypes].sort());
      assert.equal(await editor.page.locator('#red-ui-palette-header-flink').innerText(), 'flink');
      for (const type of configTypes) {
        assert.equal(await editor.page.evaluate((t) => RED.nodes.getType(t)?.category, type), 'config', type);
      }
      assert.deepEqual(editor.takeErrors(), []);
    });

    it('inject → savepoint (new flink-cluster with a password, job picked from the picker) → debug: deploy, press inject, the location shows in the debug sidebar', async function () {
      const { inject, node: savepoint } = await editor.addInjectFlow('flink-savepoint', 760);

      await editor.openEditDialog(savepoint);
      await editor.page.locator('.red-ui-tray .flink-job-picker-button[data-field="name"]').click();
      assert.match(await editor.jobPickerMessage(), /select a flink cluster/i, 'no cluster selected yet');
      await editor.addConfigNode('cluster', async (tray) => {
        await tray.locator('#node-config-input-name').fill('test flink');
        await tray.locator('#node-config-input-url').fill(flink.url);
        await tray.locator('#node-config-input-authType').selectOption('basic');
        await tray.locator('#node-config-input-username').fill('flink-admin');
        await tray.locator('#node-config-input-password').fill(password);
      });
      clusterId = await editor.page.locator('#node-input-cluster').inputValue();
      assert.match(clusterId, /^[0-9a-f]{16}$/, 'the new cluster is selected');
      // The cluster is not deployed yet: the runtime reaches it with the settings and password typed in this session.
      await editor.pickJob('id', jobId!);
      assert.deepEqual(await editor.page.evaluate(() => [$('#node-input-jobId').typedInput('type'), $('#node-input-jobId').typedInput('value')]), ['str', jobId]);
      await editor.pickJob('name', jobId!);
      assert.equal(await editor.page.locator('#node-input-jobName').inputValue(), jobName);
      await editor.confirmDialog();

      await editor.deploy();
      await editor.showSidebar('debug');
      await editor.action('core:clear-debug-messages'); // the sidebar's trash button
      await editor.pressInject(inject);
      const message = await editor.waitForDebugMessage(/savepoint-[0-9a-f]{6}-[0-9a-f]{12}/, 90_000);
      const location = /(file:\S*savepoint-[0-9a-f]{6}-[0-9a-f]{12})/.exec(message)?.[1];
      assert.ok(location, `a savepoint location in: ${message}`);
      // Flink itself lists it as a completed savepoint of the job (on an external cluster too).
      const client = new FlinkClusterClient({ url: flink.url });
      try {
        const entry = await fromCheckpointStatistics(client, jobId!, (stats) => stats.history.find((e) => e.external_path === location));
        assert.equal(entry.status, 'COMPLETED');
        assert.equal(entry.is_savepoint, true);
      } finally {
        await client.close();
      }
      if (flink.local) { // and on a local cluster, its files are on this disk
        const folder = fileURLToPath(location.replace(/^file:\/(?!\/)/, 'file:///'));
        assert.ok(folder.startsWith(flink.savepointDir!), `${folder} is in ${flink.savepointDir}`);
        assert.ok(existsSync(path.join(folder, '_metadata')), `${folder}/_metadata written by Flink`);
      }
      assert.match(message, /jobId/);
      assert.deepEqual(editor.takeErrors(), []);
      await finish([clusterId]); // the next test reads how its password was stored
    });

    it('stored the password as a credential: not in the admin API\'s flows nor the flow file, encrypted in flows_cred.json', async function () {
      assert.ok(clusterId, 'the previous test made a flink-cluster node and deployed it');
      const response = await fetch(`${nodeRed.editorUrl}flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
      const flowsText = await response.text();
      const { flows } = JSON.parse(flowsText) as { flows: Array<Record<string, unknown>> };
      const cluster = flows.find((node) => node.id === clusterId);
      assert.equal(cluster?.type, 'flink-cluster');
      assert.equal(cluster?.authType, 'basic');
      assert.equal(cluster?.url, flink.url);
      assert.ok(!flowsText.includes(password), 'GET /flows has no password');
      assert.ok(!('password' in cluster!) && !('credentials' in cluster!), 'the node has no password property');

      const flowFile = readFileSync(path.join(nodeRed.userDir, 'flows.json'), 'utf8');
      assert.match(flowFile, new RegExp(clusterId));
      assert.ok(!flowFile.includes(password), 'flows.json has no password');

      const credentialsFile = path.join(nodeRed.userDir, 'flows_cred.json');
      assert.ok(!readFileSync(credentialsFile, 'utf8').includes(password), 'flows_cred.json is encrypted');
      const credentials = readCredentialsFile(credentialsFile, nodeRed.credentialSecret);
      assert.deepEqual(credentials[clusterId], { username: 'flink-admin', password });

      const forEditor = await (await fetch(`${nodeRed.editorUrl}credentials/flink-cluster/${clusterId}`)).json() as Record<string, unknown>;
      assert.equal(forEditor.has_password, true);
      assert.equal(forEditor.username, 'flink-admin');
      assert.ok(!('password' in forEditor), 'the editor is only told that there is a password');
      await editor.removeConfigNode(clusterId);
      await finish();
    });

    /** Fills the open flink-cluster dialog's `fields` (url, authType, username, password) and presses Test connection. */
    async function testConnectionWith(fields: Record<string, string>): Promise<{ outcome: string; text: string }> {
      const tray = editor.page.locator('.red-ui-tray').last();
      for (const [field, value] of Object.entries(fields)) {
        const input = tray.locator(`#node-config-input-${field}`);
        if (field === 'authType') await input.selectOption(value);
        else await input.fill(value);
      }
      return editor.testConnection();
    }

    it('Test connection in a new flink-cluster dialog: Flink\'s version, TaskManagers and slots for a good cluster; FLINK_AUTH for a wrong password; FLINK_CONNECTION for an unreachable URL, also in the job picker', async function () {
      await editor.addFlow();
      const jobStatus = await editor.addFromPalette('flink-job-status', 200, 120);
      await editor.openEditDialog(jobStatus);

      await editor.openNewConfigDialog('cluster');
      const good = await testConnectionWith({ url: authProxy!.url, authType: 'basic', username: PROXY_USER, password: PROXY_PASSWORD });
      const overview = await (await fetch(`${flink.url}/overview`)).json() as Record<string, number | string>;
      assert.equal(good.outcome, 'ok', good.text);
      assert.ok(good.text.includes(`Flink ${String(overview['flink-version'])}`), good.text);
      assert.ok(good.text.includes(`TaskManagers: ${overview.taskmanagers}`), good.text);
      assert.ok(good.text.includes(`of ${overview['slots-total']}`), good.text);
      assert.match(good.text, /running jobs: [1-9]/, good.text);
      const wrong = await testConnectionWith({ password: `${PROXY_PASSWORD}-wrong` });
      assert.equal(wrong.outcome, 'failed');
      assert.match(wrong.text, /^FLINK_AUTH: /, wrong.text);
      assert.ok(!wrong.text.includes(PROXY_PASSWORD), 'the password is not shown');
      await editor.cancelConfigDialog();

      const unreachable = `http://127.0.0.1:${await freePort()}`;
      await editor.openNewConfigDialog('cluster');
      const refused = await testConnectionWith({ url: unreachable });
      assert.equal(refused.outcome, 'failed');
      assert.match(refused.text, /^FLINK_CONNECTION: /, refused.text);
      await editor.page.locator('#node-config-dialog-ok').click();
      await editor.page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
      await editor.page.locator('.red-ui-tray .flink-job-picker-button[data-field="id"]').click();
      assert.match(await editor.jobPickerMessage(), /FLINK_CONNECTION/);
      await editor.cancelDialog();
      // The browser logs each refused probe (a 502 from the admin endpoint); nothing else may go wrong.
      assert.deepEqual(editor.takeErrors().filter((error) => !/status of 502 \(Bad Gateway\)/.test(error)), []);
      await finish();
    });

    it('TLS through a tls-config node: a list-jobs node reads the jobs from Flink behind a TLS proxy, with the CA uploaded in Node-RED\'s TLS configuration', async function () {
      const { inject, node: listJobs } = await editor.addInjectFlow('flink-list-jobs');
      await editor.openEditDialog(listJobs);
      let beforeDeploy = { outcome: '', text: '' };
      await editor.addConfigNode('cluster', async (tray) => {
        await tray.locator('#node-config-input-name').fill('flink over TLS');
        await tray.locator('#node-config-input-url').fill(tlsProxy!.url);
        await editor.addConfigNode('tls', async (tlsTray) => {
          await tlsTray.locator('#node-config-input-cafile').setInputFiles(caFile);
          await tlsTray.locator('#node-config-input-name').fill('test CA');
        }, 'node-config-input');
        beforeDeploy = await editor.testConnection();
      });
      // The runtime takes TLS from the deployed tls-config node: a new one is used once deployed, and says so until then.
      assert.equal(beforeDeploy.outcome, 'failed', beforeDeploy.text);
      assert.match(beforeDeploy.text, /deploy/i);
      await editor.confirmDialog();
      const seen = tlsProxy!.requests.length;
      await editor.deploy();

      await editor.openEditDialog(listJobs);
      await editor.openConfigDialog('cluster');
      const afterDeploy = await editor.testConnection();
      assert.equal(afterDeploy.outcome, 'ok', afterDeploy.text);
      assert.match(afterDeploy.text, new RegExp(`^Flink ${flink.version.replace(/\./g, '\\.')}`));
      await editor.cancelConfigDialog();
      await editor.cancelDialog();

      await editor.showSidebar('debug');
      await editor.action('core:clear-debug-messages'); // the sidebar's trash button
      await editor.pressInject(inject);
      const status = await editor.waitForStatus(listJobs, /jobs: \d+/, 30_000);
      assert.equal(status.fill, 'green', status.text);
      // The list in the debug sidebar is Flink's: it has the job this suite started, under its name.
      const message = await editor.waitForDebugMessage(new RegExp(jobId!), 30_000);
      assert.ok(message.includes(jobName), message);
      assert.ok(tlsProxy!.requests.slice(seen).some((request) => request.path.startsWith('/jobs/overview')), 'the jobs were read through the TLS proxy');
      // The browser logs the refused probe before deploying (a 400 from the admin endpoint); nothing else may go wrong.
      assert.deepEqual(editor.takeErrors().filter((error) => !/status of 400 \(Bad Request\)/.test(error)), []);
      await finish();
    });

    it('opens every node\'s edit dialog with a field for each property and no missing label, and its help with its sections', async function () {
      this.timeout(240_000);
      await editor.addFlow();
      const problems: string[] = [];
      let clusterNode: string | undefined;
      for (const [index, type] of flowTypes.entries()) {
        const id = await editor.addFromPalette(type, 140 + (index % 3) * 240, 80 + Math.floor(index / 3) * 90);
        await editor.openEditDialog(id);
        const definition = await editor.page.evaluate((t) => {
          const def = RED.nodes.getType(t);
          return { properties: Object.keys(def.defaults), credentials: Object.keys(def.credentials ?? {}), inputs: def.inputs ?? 0, outputs: def.outputs ?? 0 };
        }, type);
        problems.push(...missingFields(type, 'node-input', [...definition.properties, ...definition.credentials], await editor.dialogFieldIds()));
        problems.push(...(await editor.untranslated()).map((key) => `${type}: no text for ${key}`));

        if (definition.properties.includes('cluster') && !clusterNode) {
          // The config node's own dialog, stacked on this one, as the pencil opens it.
          await editor.openNewConfigDialog('cluster');
          for (const configType of configTypes) {
            const config = await editor.page.evaluate((t) => {
              const def = RED.nodes.getType(t);
              return [...Object.keys(def.defaults), ...Object.keys(def.credentials ?? {})];
            }, configType);
            problems.push(...missingFields(configType, 'node-config-input', config, await editor.dialogFieldIds()));
            problems.push(...(await editor.untranslated()).map((key) => `${configType}: no text for ${key}`));
          }
          await editor.cancelConfigDialog();
          clusterNode = type;
        }
        await editor.cancelDialog();

        const help = await editor.helpFor(id);
        const sections = [...(definition.inputs > 0 ? ['Inputs'] : []), ...(definition.outputs > 0 ? ['Outputs'] : []), 'Details'];
        for (const section of sections) if (!new RegExp(`^${section}$`, 'm').test(help)) problems.push(`${type}: help has no ${section} section`);
        if (RAW_MESSAGE_KEY.test(help)) problems.push(`${type}: help shows a message key`);
      }
      for (const type of configTypes) {
        const help = await editor.helpFromList(type);
        if (!/^Details$/m.test(help)) problems.push(`${type}: help has no Details section`);
        if (RAW_MESSAGE_KEY.test(help)) problems.push(`${type}: help shows a message key`);
      }
      assert.ok(clusterNode, 'a node with a cluster property opened the flink-cluster dialog');
      assert.deepEqual(problems, []);
      assert.deepEqual(editor.takeErrors(), []);
      await finish();
    });

    it('inject → flink-sql → debug: SQL typed into the node\'s code editor, on a new flink-cluster with a SQL Gateway URL: deploy, press inject, the query\'s row shows in the debug sidebar', async function () {
      const gateway = await testSqlGateway();
      requireSqlGateway(this, gateway);
      const { inject, node } = await editor.addInjectFlow('flink-sql', 760);
      await editor.openEditDialog(node);
      await editor.addConfigNode('cluster', async (tray) => {
        await tray.locator('#node-config-input-name').fill('flink with its sql gateway');
        await tray.locator('#node-config-input-url').fill(gateway.cluster.url);
        await tray.locator('#node-config-input-sqlGatewayUrl').fill(gateway.url);
      });
      await editor.page.locator('#node-input-sql-editor').click();
      await editor.page.keyboard.type('SELECT 40 + 2 AS answer');
      await editor.confirmDialog();
      // Node-RED 4.1's code editor wrapper disposes of the model before the editor, and monaco (after typing) then
      // throws "Model is disposed!" from its own observers: in the console only, the SQL is saved (checked below).
      // Node-RED 5 does not. Any other error still fails the test.
      const errors = editor.takeErrors().filter((error) => !(runtime.title.includes('4.1') && /^page error: Model is disposed!/.test(error)));
      assert.equal(await editor.page.evaluate((id) => (RED.nodes.node(id) as unknown as { sql: string }).sql, node), 'SELECT 40 + 2 AS answer');

      await editor.deploy();
      await editor.showSidebar('debug');
      await editor.action('core:clear-debug-messages');
      await editor.pressInject(inject);
      const message = await editor.waitForDebugMessage(/answer/, 90_000);
      assert.match(message, /answer\W+42/, message);
      assert.deepEqual([...errors, ...editor.takeErrors()], []);
      await finish();
    });

    it('imports every example from Menu > Import > Examples without unknown node types', async function () {
      this.timeout(180_000);
      const examples = readExampleFlows(path.join(projectRoot, 'examples'));
      assert.ok(examples.length >= 1, 'examples/ has at least one flow');
      for (const example of examples) {
        const imported = await editor.importExample(pkg.name, example.name);
        const notes = await editor.notifications();
        await editor.closeNotifications();
        assert.equal(imported.length, example.nodes.filter((node) => node.type !== 'tab').length, `${example.name}: every node imported`);
        assert.deepEqual(imported.filter((node) => node.unknown).map((node) => node.id), [], `${example.name}: unknown node types`);
        assert.ok(!notes.some((note) => /unrecognised/i.test(note)), `${example.name}: ${notes.join(' | ')}`);
      }
      assert.deepEqual(editor.takeErrors(), []);
      await finish();
    });

    if (runtime.readmeScreenshots) it('takes the README screenshots (as npm run screenshots does): the palette; a deployed flow with live status, green results and a blue ring mid-savepoint; the job picker open', async function () {
      const showcaseJobs = await startShowcaseJobs(flink);
      try {
        const taken = await takeReadmeScreenshots(editor, flink.url, path.join(artifacts, 'screenshots', runtime.title.replace(/\W+/g, '-')));
        assert.deepEqual(taken.files.map((file) => path.basename(file)), [...README_SCREENSHOTS]);
        for (const file of taken.files) {
          const png = readFileSync(file);
          assert.equal(png.subarray(1, 4).toString(), 'PNG', file);
          assert.ok(statSync(file).size > 10_000, `${file} shows something`);
        }
        const { listJobs, jobStatus, savepoint, slowSavepoint } = taken.statuses;
        assert.deepEqual([listJobs.fill, jobStatus.fill, savepoint.fill], ['green', 'green', 'green'], JSON.stringify(taken.statuses));
        assert.equal(jobStatus.text, 'RUNNING');
        assert.deepEqual([slowSavepoint.fill, slowSavepoint.shape], ['blue', 'ring'], slowSavepoint.text);
        for (const id of showcaseJobs) assert.ok(taken.pickedJobs.includes(id), `the picker lists ${id}`);
        assert.deepEqual(editor.takeErrors(), []);
        await finish();
      } finally {
        for (const id of showcaseJobs) await cancelJob(flink.url, id);
      }
    });
  });
});
}

/** Properties of `type` without an element `#<prefix>-<property>` (or `#<prefix>-<property>-...`) in its dialog. */
function missingFields(type: string, prefix: string, properties: string[], ids: string[]): string[] {
  return properties
    .filter((property) => !COMPUTED_PROPERTIES.has(property))
    .filter((property) => !ids.some((id) => id === `${prefix}-${property}` || id.startsWith(`${prefix}-${property}-`)))
    .map((property) => `${type}: no field for ${property}`);
}
