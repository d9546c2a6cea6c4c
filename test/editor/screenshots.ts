/**
 * `npm run screenshots`: refreshes the README's pictures in docs/ from the real editor: the packed
 * plugin installed in a fresh Node-RED 4.1, shown in headless Chromium, its flow run against a local Flink; and
 * the jobs widget's, from a second fresh Node-RED 4.1 with both packed packages and Dashboard 2.0.
 */
import path from 'node:path';
import { projectRoot } from '../../dev/paths';
import { cancelJob } from '../../dev/flink/job';
import { stopClustersStartedHere } from '../flink/shared-clusters';
import type { Browser } from 'playwright-core';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { DASHBOARD, startDashboardShowcase, takeDashboardScreenshot } from '../dashboard/dashboard-screenshot';
import { packCompanion } from '../package/pack';
import { startPackedNodeRed } from '../package/packed-node-red';
import { nodeRed4 } from '../package/runtimes';
import { launchChromium } from './browser';
import { NodeRedEditor } from './editor-page';
import { startShowcaseJobs, takeReadmeScreenshots } from './readme-screenshots';

async function dashboardScreenshot(browser: Browser, flink: TestFlink): Promise<void> {
  const companion = await packCompanion();
  const nodeRed = await startPackedNodeRed(nodeRed4(), undefined, [companion.tarball, DASHBOARD]);
  const showcase = await startDashboardShowcase(flink);
  try {
    const { file, errors } = await takeDashboardScreenshot(browser, nodeRed.editorUrl, flink.url, showcase.jobs, path.join(projectRoot, 'docs'));
    if (errors.length > 0) throw new Error(`the dashboard logged errors:\n${errors.join('\n')}`);
    console.log(`wrote ${path.relative(projectRoot, file)}`);
  } finally {
    await showcase.stop();
    await nodeRed.stop();
  }
}

async function main(): Promise<void> {
  const flink = await testFlink();
  const nodeRed = await startPackedNodeRed(nodeRed4()).catch(async (err: Error) => { await stopClustersStartedHere(); throw err; });
  const browser = await launchChromium().catch(async (err: Error) => { await nodeRed.stop(); await stopClustersStartedHere(); throw err; });
  try {
    const jobs = await startShowcaseJobs(flink);
    const editor = await NodeRedEditor.open(browser, nodeRed.editorUrl);
    const { files } = await takeReadmeScreenshots(editor, flink.url, path.join(projectRoot, 'docs'));
    const errors = editor.takeErrors();
    if (errors.length > 0) throw new Error(`the editor logged errors:\n${errors.join('\n')}`);
    for (const file of files) console.log(`wrote ${path.relative(projectRoot, file)}`);
    for (const id of jobs) await cancelJob(flink.url, id);
    await dashboardScreenshot(browser, flink);
  } finally {
    await browser.close();
    await nodeRed.stop();
    await stopClustersStartedHere();
  }
}

main().catch((err: Error) => {
  console.error(`npm run screenshots: ${err.message}`);
  process.exit(1);
});
