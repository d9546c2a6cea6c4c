import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { readExampleFlows } from '../flink/example-flows';
import { projectRoot } from '../flink/paths';
import type { NodeRedEditor } from './editor-page';

/** The README's pictures, in `docs/`. */
export const README_SCREENSHOTS = ['palette.png', 'example-flow.png', 'edit-dialog.png'] as const;

/** The example with the most kinds of flink nodes: the one that shows the most in one picture. */
export function showcaseExample(): string {
  const examples = readExampleFlows(path.join(projectRoot, 'examples'));
  const kinds = (nodes: { type: string }[]): number => new Set(nodes.map((n) => n.type).filter((t) => t.startsWith('flink-'))).size;
  const best = [...examples].sort((a, b) => kinds(b.nodes) - kinds(a.nodes) || a.name.localeCompare(b.name))[0];
  if (!best) throw new Error('examples/ has no flows to show');
  return best.name;
}

/**
 * Takes the README's screenshots in an open editor: the palette filtered to "flink", the showcase
 * example imported into its own flow, and the edit dialog of a savepoint node of that example.
 */
export async function takeReadmeScreenshots(editor: NodeRedEditor, module: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const [palettePng, flowPng, dialogPng] = README_SCREENSHOTS.map((file) => path.join(dir, file));
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

  const imported = await editor.importExample(module, showcaseExample());
  await editor.closeNotifications();
  await page.evaluate(() => { (window as unknown as { RED: { view: { select: (s: unknown) => void } } }).RED.view.select({ nodes: [] }); });
  await editor.showSidebar('info');
  await page.waitForTimeout(300);
  await page.screenshot({ path: flowPng });

  const savepoint = imported.find((node) => node.type === 'flink-savepoint')
    ?? imported.find((node) => node.type.startsWith('flink-') && node.type !== 'flink-cluster');
  if (!savepoint) throw new Error(`${showcaseExample()} has no flink node to open`);
  await editor.openEditDialog(savepoint.id);
  await page.screenshot({ path: dialogPng });
  await editor.cancelDialog();
  return [palettePng!, flowPng!, dialogPng!];
}
