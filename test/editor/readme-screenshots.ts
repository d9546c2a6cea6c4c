import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestFlink } from '../flink/test-cluster';
import type { NodeRedEditor } from './editor-page';

/** The README's pictures, in `docs/`. */
export const README_SCREENSHOTS = ['palette.png', 'live-status.png', 'job-picker.png'] as const;

/** The jobs the pictures show: a steady one, and one whose savepoints take long enough to be seen in progress. */
export const SHOWCASE_JOBS = { steady: 'orders-enrichment', slow: 'clickstream-sessions' } as const;
const SLOW_SNAPSHOT_MS = 60_000;

/** Starts the showcase jobs on `flink`; returns their ids (for the caller to cancel). */
export async function startShowcaseJobs(flink: TestFlink): Promise<string[]> {
  return [
    await flink.startJob({ name: SHOWCASE_JOBS.steady }),
    await flink.startJob({ name: SHOWCASE_JOBS.slow, slowSnapshotMs: SLOW_SNAPSHOT_MS }),
  ];
}

/** The status each pictured Flink node showed when live-status.png was taken. */
export interface ShowcaseStatuses {
  listJobs: Status;
  jobStatus: Status;
  savepoint: Status;
  slowSavepoint: Status;
}
type Status = { text: string; fill: string; shape: string };

const ID = {
  tab: 'd0c5f10e00000001', cluster: 'd0c5f10e000000c1',
  listJobs: 'd0c5f10e00000011', jobStatus: 'd0c5f10e00000021', savepoint: 'd0c5f10e00000031', slowSavepoint: 'd0c5f10e00000041',
} as const;

/** One row of the pictured flow: inject → `node` → debug, at height `y`. */
function row(key: keyof typeof ID, y: number, button: string, node: Record<string, unknown>): object[] {
  const id = ID[key];
  return [
    { id: `${id}-in`, type: 'inject', z: ID.tab, name: button, props: [{ p: 'payload' }], repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', payload: '', payloadType: 'date', x: 130, y, wires: [[id]] },
    { id, z: ID.tab, cluster: ID.cluster, errorOutput: false, outputs: 1, x: 390, y, wires: [[`${id}-out`]], ...node },
    { id: `${id}-out`, type: 'debug', z: ID.tab, name: '', active: true, tosidebar: true, console: false, tostatus: false, complete: 'payload', targetType: 'msg', x: 650, y, wires: [] },
  ];
}

/** A flow a user would build: list the jobs, a job's status, a savepoint of each showcase job. */
function showcaseFlow(flinkUrl: string): object[] {
  const jobNode = { jobId: 'jobId', jobIdType: 'msg' };
  const savepoint = { ...jobNode, type: 'flink-savepoint', savepointDir: '', formatType: '', detached: false, cancelJob: false, timeout: '' };
  return [
    { id: ID.tab, type: 'tab', label: 'Flink jobs', disabled: false, info: '' },
    { id: ID.cluster, type: 'flink-cluster', name: 'local Flink', url: flinkUrl, authType: 'none', headers: [], caPath: '', certPath: '', keyPath: '', servername: '', verifyServer: true, timeout: 30, retries: 3 },
    ...row('listJobs', 80, 'list jobs', { type: 'flink-list-jobs', name: '', states: '', nameFilter: '', nameMatch: 'exact' }),
    ...row('jobStatus', 150, 'status', { ...jobNode, type: 'flink-job-status', name: `${SHOWCASE_JOBS.steady} status`, jobName: SHOWCASE_JOBS.steady, details: false }),
    ...row('savepoint', 220, 'savepoint', { ...savepoint, name: `savepoint ${SHOWCASE_JOBS.steady}`, jobName: SHOWCASE_JOBS.steady }),
    ...row('slowSavepoint', 290, 'savepoint', { ...savepoint, name: `savepoint ${SHOWCASE_JOBS.slow}`, jobName: SHOWCASE_JOBS.slow }),
  ];
}

/**
 * Takes the README's screenshots in an open editor, with the showcase jobs running on Flink at
 * `flinkUrl`: the palette filtered to "flink"; a flow imported, deployed and run, its nodes' live status
 * (green results, a blue ring on the savepoint still in progress) and the debug sidebar; the job picker open
 * in a savepoint node's dialog. Leaves the flow in place (deployed), the dialog closed.
 */
export async function takeReadmeScreenshots(editor: NodeRedEditor, flinkUrl: string, dir: string): Promise<{ files: string[]; statuses: ShowcaseStatuses; pickedJobs: string[] }> {
  mkdirSync(dir, { recursive: true });
  const [palettePng, livePng, pickerPng] = README_SCREENSHOTS.map((file) => path.join(dir, file)) as [string, string, string];
  const page = editor.page;

  const filter = page.locator('#red-ui-palette-search input');
  await filter.pressSequentially('flink', { delay: 30 });
  await page.locator('#red-ui-palette-container-common').waitFor({ state: 'hidden' });
  await page.waitForTimeout(300);
  const palette = await page.locator('#red-ui-palette').boundingBox();
  const category = await page.locator('#red-ui-palette-container-flink').boundingBox();
  if (!palette || !category) throw new Error('the palette is not on screen');
  await page.screenshot({ path: palettePng, clip: { ...palette, height: category.y + category.height + 8 - palette.y } });
  await filter.fill('');
  await filter.press('Backspace');

  await editor.importFlow(showcaseFlow(flinkUrl));
  await editor.closeNotifications();
  await editor.deploy();
  await editor.closeNotifications();
  await editor.showSidebar('debug');
  await editor.action('core:clear-debug-messages');
  for (const key of ['listJobs', 'jobStatus', 'savepoint'] as const) await editor.pressInject(`${ID[key]}-in`);
  const statuses = {
    listJobs: await editor.waitForStatus(ID.listJobs, /jobs: \d+/, 30_000),
    jobStatus: await editor.waitForStatus(ID.jobStatus, /RUNNING/, 30_000),
    savepoint: await editor.waitForStatus(ID.savepoint, /./, 60_000, 'green'),
    slowSavepoint: { text: '', fill: '', shape: '' },
  };
  await editor.pressInject(`${ID.slowSavepoint}-in`);
  // A few seconds in, the ring shows how long the savepoint has been running.
  statuses.slowSavepoint = await editor.waitForStatus(ID.slowSavepoint, /[3-9]s\b/, 30_000, 'blue');
  await page.evaluate(() => { (window as unknown as { RED: { view: { select: (s: unknown) => void } } }).RED.view.select({ nodes: [] }); });
  await editor.closeNotifications();
  await page.screenshot({ path: livePng });

  await editor.openEditDialog(ID.savepoint);
  const pickedJobs = await editor.openJobPicker('name');
  await page.waitForTimeout(300);
  await page.screenshot({ path: pickerPng });
  await page.keyboard.press('Escape');
  await page.locator('.flink-job-picker-menu').waitFor({ state: 'detached' }).catch(() => undefined);
  if (await page.locator('.red-ui-tray').count() > 0) await editor.cancelDialog();
  return { files: [palettePng, livePng, pickerPng], statuses, pickedJobs };
}
