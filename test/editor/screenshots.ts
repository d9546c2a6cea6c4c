/**
 * `npm run screenshots`: refreshes the README's pictures in docs/ from the real editor: the packed
 * plugin installed in a fresh Node-RED 4.1, shown in headless Chromium, its flow run against a local Flink.
 */
import path from 'node:path';
import { projectRoot } from '../../dev/paths';
import { cancelJob } from '../../dev/flink/job';
import { stopClustersStartedHere } from '../flink/shared-clusters';
import { testFlink } from '../flink/test-cluster';
import { startPackedNodeRed } from '../package/packed-node-red';
import { nodeRed4 } from '../package/runtimes';
import { launchChromium } from './browser';
import { NodeRedEditor } from './editor-page';
import { startShowcaseJobs, takeReadmeScreenshots } from './readme-screenshots';

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
