import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { cancelJob } from '../../dev/flink/job';
import type { TestFlink } from '../flink/test-cluster';
import { consoleErrors, dashboardFlow, LIGHT_THEME } from './dashboard-page';

/** Dashboard 2.0 from the npm registry, as a palette install gets it (the version pinned in package.json). */
export const DASHBOARD = '@flowfuse/node-red-dashboard@1.31.0';

/** The README's picture of the jobs widget, in `docs/` (beside the editor's, README_SCREENSHOTS). */
export const DASHBOARD_SCREENSHOT = 'dashboard.png';

/** The jobs the picture shows: two steady ones (the cancel dialog is on `typed`), and one in a restart loop. */
const SHOWCASE = { steady: 'orders-enrichment', typed: 'clickstream-sessions', looping: 'payments-scoring' } as const;
type ShowcaseJobs = Record<keyof typeof SHOWCASE, string>;

/** Deploys `flows` to the Node-RED at `editorUrl` (a full deploy, as the editor's Deploy button). */
export async function deployFlows(editorUrl: string, flows: Array<Record<string, unknown>>): Promise<void> {
  const response = await fetch(`${editorUrl}flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
    body: JSON.stringify(flows),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
}

/**
 * The Ops dashboard of the picture: the widget on the showcase jobs that have not ended (older ones of the same
 * names may be on the cluster), every action offered, health rounds every second with a restart loop at 2 restarts.
 */
function showcaseFlow(flinkUrl: string): Array<Record<string, unknown>> {
  return [
    { id: 'shot-tab', type: 'tab', label: 'Ops dashboard' },
    { id: 'shot-cluster', type: 'flink-cluster', name: 'local Flink', url: flinkUrl, authType: 'none' },
    ...dashboardFlow('shot-', [{
      id: 'shot-widget', z: 'shot-tab', cluster: 'shot-cluster', label: 'Jobs',
      nameFilter: `^(${Object.values(SHOWCASE).join('|')})$`, nameMatch: 'regex', states: 'CREATED,INITIALIZING,RUNNING,FAILING,RESTARTING',
      actions: ['savepoint', 'stop', 'cancel'], interval: 1, healthInterval: 1, restartCount: 2, wires: [[]],
    }], { colors: LIGHT_THEME, groupName: 'Flink jobs' }),
  ];
}

/** Starts the showcase jobs on `flink`; `stop()` cancels them. */
export async function startDashboardShowcase(flink: TestFlink): Promise<{ jobs: ShowcaseJobs; stop(): Promise<void> }> {
  // RestartLoopJob fails 6 s after each start and restarts 1 s later, until a flag file exists (never here).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dashboard-showcase-'));
  const jobs: Partial<ShowcaseJobs> = {};
  const stop = async (): Promise<void> => {
    for (const jobId of Object.values(jobs)) await cancelJob(flink.url, jobId).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    jobs.looping = await flink.startJob({ name: SHOWCASE.looping, noWait: true, fixture: { entryClass: 'RestartLoopJob', args: [path.join(dir, 'never'), '6000', '1000'] } });
    jobs.steady = await flink.startJob({ name: SHOWCASE.steady });
    jobs.typed = await flink.startJob({ name: SHOWCASE.typed });
  } catch (err) {
    await stop();
    throw err;
  }
  return { jobs: jobs as ShowcaseJobs, stop };
}

/**
 * Deploys the showcase dashboard to the Node-RED at `editorUrl` (with Dashboard 2.0 and the companion installed)
 * and takes the README's picture in `dir`: live rows, the restart loop's badge, the cancel dialog with the job's
 * name typed (closed again afterwards, nothing cancelled). Returns the file and the page's console errors.
 */
export async function takeDashboardScreenshot(browser: Browser, editorUrl: string, flinkUrl: string, jobs: ShowcaseJobs, dir: string): Promise<{ file: string; errors: string[] }> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, DASHBOARD_SCREENSHOT);
  await deployFlows(editorUrl, showcaseFlow(flinkUrl));
  // Tall enough for the dialog (centred) to leave the table in view (the picture ends below the dialog); no service
  // worker, whose "App is offline ready" toast Dashboard 2.0 shows once it has installed.
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'block' });
  const errors = consoleErrors(page);
  try {
    await page.goto(`${editorUrl}dashboard/ops`);
    const row = (jobId: string): ReturnType<typeof page.locator> => page.locator(`tr[data-job-id="${jobId}"]`);
    for (const jobId of [jobs.steady, jobs.typed]) await row(jobId).and(page.locator('[data-state="RUNNING"]')).waitFor({ timeout: 60_000 });
    // Two restarts as Flink's metrics (refreshed every 10 s) report them.
    await row(jobs.looping).locator('[aria-label^="Incident: restart loop"]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: `Cancel ${SHOWCASE.typed}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill(SHOWCASE.typed);
    await dialog.getByRole('button', { name: /^Confirm cancel/ }).and(page.locator(':enabled')).waitFor();
    const box = await dialog.boundingBox();
    if (!box) throw new Error('the dialog is not on screen');
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(box.y + box.height + 24) } });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  } finally {
    await page.close();
  }
  return { file, errors };
}
