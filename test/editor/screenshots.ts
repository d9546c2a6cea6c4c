/**
 * `npm run screenshots`: refreshes the README's pictures in docs/ from the real editor: the packed
 * plugin installed in a fresh Node-RED 4.1, shown in headless Chromium. Needs no Flink.
 */
import path from 'node:path';
import { projectRoot } from '../flink/paths';
import { readPackageJson } from '../package/package-json';
import { startPackedNodeRed } from '../package/packed-node-red';
import { nodeRed4 } from '../package/runtimes';
import { launchChromium } from './browser';
import { NodeRedEditor } from './editor-page';
import { takeReadmeScreenshots } from './readme-screenshots';

async function main(): Promise<void> {
  const nodeRed = await startPackedNodeRed(nodeRed4());
  const browser = await launchChromium().catch(async (err: Error) => { await nodeRed.stop(); throw err; });
  try {
    const editor = await NodeRedEditor.open(browser, nodeRed.editorUrl);
    const files = await takeReadmeScreenshots(editor, readPackageJson().name, path.join(projectRoot, 'docs'));
    const errors = editor.takeErrors();
    if (errors.length > 0) throw new Error(`the editor logged errors:\n${errors.join('\n')}`);
    for (const file of files) console.log(`wrote ${path.relative(projectRoot, file)}`);
  } finally {
    await browser.close();
    await nodeRed.stop();
  }
}

main().catch((err: Error) => {
  console.error(`npm run screenshots: ${err.message}`);
  process.exit(1);
});
