import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startMultipliedJobs } from '../../bench/multiplied-jobs';
import { localPath, projectRoot } from '../../dev/paths';
import { FlinkClusterClient } from '../../src';
import { launchChromium } from '../editor/browser';
import { fromCheckpointStatistics } from '../flink/checkpoint-history';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { eventually, uniqueName } from '../nodes/node-harness';
import { packCompanion } from '../package/pack';
import { startPackedNodeRed, type PackedNodeRed } from '../package/packed-node-red';
import type { NodeRedRuntime } from '../package/runtimes';
import { consoleErrors, dashboardFlow, LIGHT_THEME } from './dashboard-page';
import { DASHBOARD, DASHBOARD_SCREENSHOT, deployFlows, startDashboardShowcase, takeDashboardScreenshot } from './dashboard-screenshot';

/*
 * The widget as a user gets it: the packed tarballs of both packages and Dashboard 2.0 from the npm registry,
 * installed into a fresh Node-RED user dir as the palette manager does, the dashboard page opened in headless
 * Chromium, against the shared Flink. One suite per Node-RED runtime (dashboard-node-red-4/5.test.ts).
 */

const SECRET = 'dashboard-browser-secret-41c9';
/** The request header the stub auth add-on takes the user from (a real add-on reads its session). */
const USER_HEADER = 'x-flink-test-user';

/**
 * A Dashboard 2.0 auth add-on as FlowFuse's user add-on and the community's are: a Node-RED plugin of type
 * node-red-dashboard-2 whose onAddConnectionCredentials hook puts the connection's user in msg._client.user. Its
 * folder, installed into the user dir with the packages.
 */
function stubAuthAddOn(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flink-test-dashboard-auth-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'flink-test-dashboard-auth', version: '1.0.0', 'node-red': { plugins: { 'flink-test-dashboard-auth': 'plugin.js' } },
  }));
  writeFileSync(path.join(dir, 'plugin.js'), `module.exports = function (RED) {
  RED.plugins.registerPlugin('flink-test-dashboard-auth', {
    type: 'node-red-dashboard-2',
    hooks: {
      onAddConnectionCredentials (conn, msg) {
        const user = conn.handshake.headers[${JSON.stringify(USER_HEADER)}];
        msg._client = { ...msg._client, ...(user ? { user: { username: user } } : {}) };
        return msg;
      }
    }
  });
};
`);
  return dir;
}

/** The audit messages the flow logged (a function node logs each as one JSON line). */
function auditsIn(log: string): Array<Record<string, unknown>> {
  return [...log.matchAll(/AUDIT (\{.*\})$/gm)].map((match) => JSON.parse(match[1]!) as Record<string, unknown>);
}

/**
 * A dashboard at /dashboard with the page /ops, one group and the widget on the cluster (basic auth: its password is
 * the secret), showing the jobs named `nameFilter`; `widget` overrides settings of the widget.
 */
function opsDashboard(flinkUrl: string, nameFilter: string, widget: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return [
    { id: 'ops-tab', type: 'tab', label: 'Ops' },
    { id: 'ops-cluster', type: 'flink-cluster', name: 'flink', url: flinkUrl, authType: 'basic', credentials: { username: 'ops', password: SECRET } },
    ...dashboardFlow('ops-', [{
      id: 'ops-widget', z: 'ops-tab', cluster: 'ops-cluster', label: 'Jobs',
      nameFilter, interval: 1, actions: ['savepoint', 'stop', 'cancel'], wires: [['ops-audit']], ...widget,
    }], { colors: LIGHT_THEME, groupName: 'Flink jobs' }),
    { id: 'ops-audit', type: 'function', z: 'ops-tab', name: 'audit', func: 'node.log("AUDIT " + JSON.stringify(msg.payload));\nreturn null;', outputs: 1, wires: [[]] },
  ];
}

const deploy = (nodeRed: PackedNodeRed, flows: Array<Record<string, unknown>>): Promise<void> => deployFlows(nodeRed.editorUrl, flows);

/**
 * Everything the page received: documents, scripts, XHR (socket.io's polling) and websocket frames, as text.
 * `received()` waits for the responses still being read, so none escapes the check.
 */
function recordTraffic(page: Page): { received(): Promise<string[]> } {
  const frames: string[] = [];
  const responses: Array<Promise<string>> = [];
  page.on('response', (response) => { responses.push(response.text()); });
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => { frames.push(String(frame.payload)); });
  });
  return {
    async received() {
      const read = await Promise.allSettled(responses);
      return [...read.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])), ...frames];
    },
  };
}

/** The dashboard page, once it shows the job RUNNING. */
async function openOps(page: Page, nodeRed: PackedNodeRed, jobId: string): Promise<void> {
  await page.goto(`${nodeRed.editorUrl}dashboard/ops`);
  await page.locator(`tr[data-job-id="${jobId}"][data-state="RUNNING"]`).waitFor({ timeout: 60_000 });
}

/** The rows a page of the table shows in the many-jobs test (the widget's default). */
const PAGE_SIZE = 25;

/** What the many-jobs test keeps in the page: the row elements before an update, to compare after it. */
interface TaggedRows { taggedRows: Element[] }

/**
 * The suite on one Node-RED runtime (its title names it); with `readmeScreenshot` it also takes the README's picture
 * of the widget, as `npm run screenshots` does (on Node-RED 4.1, as the editor's). With `manyJobs` it shows the
 * widget with 200 jobs: the table's paging, filter, sorting and patching are the component's, in the browser, the
 * same on every runtime, so one runtime runs it.
 */
export function describeDashboard(title: string, runtime: () => Promise<NodeRedRuntime>,
  options: { readmeScreenshot?: boolean; manyJobs?: boolean } = {}): void {
  describe(`ui-flink-jobs in Dashboard 2.0 from the packed tarballs (${title}, Chromium)`, function () {
    let flink: TestFlink;
    let nodeRed: PackedNodeRed;
    let browser: Browser;
    let addOn: string | undefined;
    const jobs: string[] = [];

    before(async function () {
      flink = await testFlink();
      const companion = await packCompanion();
      addOn = stubAuthAddOn();
      nodeRed = await startPackedNodeRed(await runtime(), undefined, [companion.tarball, DASHBOARD, addOn]);
      browser = await launchChromium();
    });

    after(async function () {
      await browser?.close();
      await nodeRed?.stop();
      if (addOn) rmSync(addOn, { recursive: true, force: true });
      const client = flink ? new FlinkClusterClient({ url: flink.url }) : undefined;
      try {
        for (const jobId of jobs) await client?.cancel(jobId).catch(() => undefined);
      } finally {
        await client?.close();
      }
    });

    it('shows the job with its state; cancel\'s Confirm stays disabled until the name is typed, then Flink cancels it and the audit names the auth add-on\'s user; no secret reaches the browser, no console error', async function () {
      const jobName = uniqueName('dash-browser');
      const jobId = await flink.startJob({ name: jobName });
      jobs.push(jobId);
      await deploy(nodeRed, opsDashboard(flink.url, jobName));

      for (const module of ['@flink-ops/node-red-dashboard-2-flink', '@flowfuse/node-red-dashboard']) {
        const loaded = await (await fetch(`${nodeRed.editorUrl}nodes/${module}`, { headers: { Accept: 'application/json' } })).json() as { path?: string };
        assert.ok(loaded.path?.startsWith(nodeRed.userDir), `${module} is loaded from the user dir it was installed into (${loaded.path})`);
      }

      const page = await browser.newPage({ extraHTTPHeaders: { [USER_HEADER]: 'alice' } });
      const traffic = recordTraffic(page);
      const errors = consoleErrors(page);
      try {
        await openOps(page, nodeRed, jobId);
        await page.getByRole('button', { name: `Savepoint ${jobName}` }).waitFor();

        await page.getByRole('button', { name: `Cancel ${jobName}` }).click();
        const dialog = page.getByRole('dialog');
        const confirm = dialog.getByRole('button', { name: /^Confirm cancel/ });
        assert.equal(await confirm.isDisabled(), true, 'Confirm is disabled before the name is typed');
        await dialog.getByRole('textbox').fill(jobName.slice(0, -1));
        assert.equal(await confirm.isDisabled(), true, 'a prefix of the name is not the name');
        await dialog.getByRole('textbox').fill(jobName);
        assert.equal(await confirm.isDisabled(), false);
        await confirm.click();

        const client = new FlinkClusterClient({ url: flink.url });
        try {
          await eventually(async () => await client.getJobStatus(jobId) === 'CANCELED', 'the job CANCELED in Flink', 60_000);
        } finally {
          await client.close();
        }
        await page.locator(`tr[data-job-id="${jobId}"][data-state="CANCELED"]`).waitFor({ timeout: 30_000 });
        await eventually(() => auditsIn(nodeRed.log()).some((audit) => audit.jobId === jobId), 'the audit message in Node-RED\'s log');
        const audit = auditsIn(nodeRed.log()).find((logged) => logged.jobId === jobId)!;
        assert.deepEqual({ ...audit, at: undefined }, {
          action: 'cancel', jobId, jobName, user: { username: 'alice' }, outcome: 'ok', state: 'CANCELED', at: undefined,
        });

        const received = await traffic.received();
        assert.ok(received.some((text) => text.includes(jobName)), 'the socket traffic with the table was captured');
        assert.deepEqual(received.filter((text) => text.includes(SECRET)), [], 'no page, script or frame the browser received holds the password');
        assert.deepEqual(errors, [], 'no console error');
      } finally {
        await page.close();
      }
    });

    it('turns a job cancelled behind its back (through Flink\'s REST API) CANCELED on the page, without a reload', async function () {
      const jobName = uniqueName('dash-behind');
      const jobId = await flink.startJob({ name: jobName });
      jobs.push(jobId);
      await deploy(nodeRed, opsDashboard(flink.url, jobName));
      const page = await browser.newPage();
      const errors = consoleErrors(page);
      try {
        await openOps(page, nodeRed, jobId);
        const client = new FlinkClusterClient({ url: flink.url });
        try {
          await client.cancel(jobId);
        } finally {
          await client.close();
        }
        await page.locator(`tr[data-job-id="${jobId}"][data-state="CANCELED"]`).waitFor({ timeout: 30_000 });
        assert.equal(await page.getByRole('button', { name: `Cancel ${jobName}` }).isDisabled(), true, 'an ended job offers no action');
        assert.deepEqual(errors, [], 'no console error');
      } finally {
        await page.close();
      }
    });

    it('a savepoint confirmed with a double click makes one savepoint; a second browser sees it running, then its location', async function () {
      const jobName = uniqueName('dash-savepoint');
      // Every snapshot of this job takes 3 s: the action runs long enough for the second browser to see it.
      const jobId = await flink.startJob({ name: jobName, slowSnapshotMs: 3000 });
      jobs.push(jobId);
      await deploy(nodeRed, opsDashboard(flink.url, jobName));

      const clicking = await browser.newPage();
      const watching = await browser.newPage();
      const errors = [...consoleErrors(clicking), ...consoleErrors(watching)];
      try {
        await openOps(clicking, nodeRed, jobId);
        await openOps(watching, nodeRed, jobId);
        await clicking.getByRole('button', { name: `Savepoint ${jobName}` }).click();
        await clicking.getByRole('dialog').getByRole('button', { name: /^Confirm savepoint/ }).dblclick();

        const watchedRow = watching.locator(`tr[data-job-id="${jobId}"]`);
        await watchedRow.and(watching.locator('[aria-busy="true"]')).waitFor({ timeout: 30_000 });
        assert.equal(await watching.getByRole('button', { name: `Stop ${jobName}` }).isDisabled(), true, 'the other browser\'s buttons are disabled while it runs');
        const result = watchedRow.locator('[role="status"]');
        await result.waitFor({ timeout: 120_000 });
        const text = await result.innerText();
        const location = /^Savepoint: (\S+)$/.exec(text)?.[1];
        assert.ok(location, `the row shows the savepoint's location: ${text}`);
        if (!process.env.FLINK_URL) assert.ok(existsSync(localPath(location)), `the savepoint's files exist at ${location}`);

        const client = new FlinkClusterClient({ url: flink.url });
        try {
          const history = await fromCheckpointStatistics(client, jobId, (stats) => (stats.history.some((entry) => entry.is_savepoint) ? stats.history : undefined));
          assert.equal(history.filter((entry) => entry.is_savepoint).length, 1, 'one savepoint in Flink\'s history');
        } finally {
          await client.close();
        }
        assert.deepEqual(errors, [], 'no console error');
      } finally {
        await clicking.close();
        await watching.close();
      }
    });

    if (options.manyJobs) it('keeps 200 jobs usable: one page of rows and pages to the rest, a filter, sorting by name, and a listing that changes every row patches the same row elements; no console error', async function () {
      const realJobId = await flink.startJob({ name: uniqueName('dash-many') });
      jobs.push(realJobId);
      // Flink's listing as the widget gets it: the one real job as bench-job-001 .. bench-job-200.
      const proxy = await startMultipliedJobs(flink.url, realJobId, 200);
      const page = await browser.newPage();
      const errors = consoleErrors(page);
      try {
        // No health rounds: they would ask about 200 jobs; parallelism is asked for once per job.
        await deploy(nodeRed, opsDashboard(proxy.url, '^bench-job-', { nameMatch: 'regex', pageSize: PAGE_SIZE, healthInterval: 0 }));
        await page.goto(`${nodeRed.editorUrl}dashboard/ops`);
        const rows = page.locator('.fj-table tbody tr');
        const names = (): Promise<string[]> => rows.locator('td:first-child').allInnerTexts();
        const ascending = [...proxy.names].sort();
        const pages = proxy.names.length / PAGE_SIZE;

        await page.getByText(`Page 1 of ${pages}`).waitFor({ timeout: 60_000 });
        assert.deepEqual(await names(), ascending.slice(0, PAGE_SIZE), 'the first page\'s rows, the only ones in the DOM');
        await page.getByRole('button', { name: 'Next page' }).click();
        await page.getByText(`Page 2 of ${pages}`).waitFor();
        assert.deepEqual(await names(), ascending.slice(PAGE_SIZE, 2 * PAGE_SIZE), 'the second page\'s rows');

        const filter = page.getByRole('searchbox', { name: 'Filter jobs' });
        await filter.fill('bench-job-17');
        await page.locator('.fj-pages').waitFor({ state: 'detached' });
        assert.deepEqual(await names(), ascending.filter((name) => name.includes('bench-job-17')), 'the filter leaves the matching rows');
        await filter.fill('');
        await page.getByText(`Page 1 of ${pages}`).waitFor();

        await page.getByRole('button', { name: 'Name', exact: true }).click();
        await page.locator('th[aria-sort="descending"]').waitFor();
        assert.deepEqual(await names(), [...ascending].reverse().slice(0, PAGE_SIZE), 'sorted by name the other way');

        // The row elements now, then a listing that changes every row (the real job cancelled: all 200 CANCELED).
        await rows.evaluateAll((elements) => { (window as unknown as TaggedRows).taggedRows = elements; });
        const client = new FlinkClusterClient({ url: flink.url });
        try {
          await client.cancel(realJobId);
        } finally {
          await client.close();
        }
        await page.waitForFunction((count) => {
          const shown = Array.from(document.querySelectorAll('.fj-table tbody tr'));
          return shown.length === count && shown.every((row) => row.getAttribute('data-state') === 'CANCELED');
        }, PAGE_SIZE, { timeout: 30_000 });
        const kept = await rows.evaluateAll((elements) => {
          const tagged = (window as unknown as TaggedRows).taggedRows;
          return elements.length === tagged.length && elements.every((row, index) => row === tagged[index]);
        });
        assert.equal(kept, true, 'the update patched the row elements it had, in their order, rather than making new ones');
        assert.deepEqual(await names(), [...ascending].reverse().slice(0, PAGE_SIZE), 'still sorted by name the other way');
        assert.deepEqual(errors, [], 'no console error');
      } finally {
        await page.close();
        await proxy.close();
      }
    });

    if (options.readmeScreenshot) it('takes the README screenshot (as npm run screenshots does): live rows, a restart loop\'s badge, the cancel dialog with the name typed; no console error', async function () {
      this.timeout(240_000);
      const showcase = await startDashboardShowcase(flink);
      try {
        const dir = path.join(projectRoot, '.cache', 'dashboard-test', 'screenshots');
        const { file, errors } = await takeDashboardScreenshot(browser, nodeRed.editorUrl, flink.url, showcase.jobs, dir);
        assert.equal(path.basename(file), DASHBOARD_SCREENSHOT);
        assert.equal(readFileSync(file).subarray(1, 4).toString(), 'PNG', file);
        assert.ok(statSync(file).size > 10_000, `${file} shows something`);
        assert.deepEqual(errors, [], 'no console error');
        const client = new FlinkClusterClient({ url: flink.url });
        try {
          assert.notEqual(await client.getJobStatus(showcase.jobs.typed), 'CANCELED', 'closing the dialog cancelled nothing');
        } finally {
          await client.close();
        }
      } finally {
        await showcase.stop();
      }
    });
  });
}
