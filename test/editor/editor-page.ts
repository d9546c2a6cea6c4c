import type { Browser, Locator, Page } from 'playwright-core';

/** The editor's global: used only inside page.evaluate, where it exists; untyped there, as the page is. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const RED: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const $: any;

/** A node as the editor holds it, reduced to what the tests read. */
export interface EditorNode {
  id: string;
  type: string;
  /** The editor turns a node of a type it has no definition for into type "unknown". */
  unknown: boolean;
  z?: string;
}

const SHORT = 15_000;

/** Where an uncaught page error was thrown (its stack's first frame), to tell the editor's own code from the plugin's. */
const whereThrown = (error: Error): string => {
  const frame = error.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return frame ? ` (${frame.trim()})` : '';
};

/** The content of each sidebar tab the tests read: the same classes on Node-RED 4 and 5, in different layouts. */
const SIDEBAR_CONTENT = {
  info: '.red-ui-sidebar-info',
  help: '.red-ui-sidebar-help-stack',
  debug: '.red-ui-debug-content-list',
} as const;

/**
 * The Node-RED editor in a browser page, driven as a person would: the palette, the workspace, the
 * edit tray, the deploy button, the sidebar and the menu. Console errors and uncaught page errors
 * are collected for the tests to assert on.
 */
export class NodeRedEditor {
  private readonly errors: string[] = [];

  private constructor(readonly page: Page, readonly url: string) {
    page.on('console', (message) => { if (message.type() === 'error') this.errors.push(`console: ${message.text()}`); });
    page.on('pageerror', (error) => { this.errors.push(`page error: ${error.message}${whereThrown(error)}`); });
  }

  /** Opens the editor in a new page and waits until the palette has loaded the flink category. */
  static async open(browser: Browser, url: string): Promise<NodeRedEditor> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.setDefaultTimeout(SHORT);
    const editor = new NodeRedEditor(page, url);
    await page.goto(url, { timeout: 60_000 }); // the editor's first load is the heaviest page, on a machine running tests side by side
    await page.waitForSelector('#red-ui-palette-container-flink .red-ui-palette-node', { timeout: 60_000 });
    await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes.getType('flink-cluster') !== undefined);
    // Node-RED's rotating info-sidebar tips can throw from their own timer on a slow machine ("reading 'html'" in
    // red.min.js, seen once on Node-RED 5): the tests have no use for them.
    await page.evaluate(() => RED.actions.invoke('core:toggle-show-tips', false));
    return editor;
  }

  /** Console errors and page errors since the last call. */
  takeErrors(): string[] {
    return this.errors.splice(0);
  }

  /** The node types the palette shows in `category`, in palette order. */
  paletteTypes(category: string): Promise<string[]> {
    return this.page.locator(`#red-ui-palette-container-${category} .red-ui-palette-node`)
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-palette-type') ?? ''));
  }

  /** Every node of the open editor (config nodes too). */
  nodes(): Promise<EditorNode[]> {
    return this.page.evaluate(() => {
      const all: EditorNode[] = [];
      const add = (node: EditorNode): void => { all.push({ id: node.id, type: node.type, z: node.z, unknown: node.type === 'unknown' }); };
      RED.nodes.eachNode(add);
      RED.nodes.eachConfig(add);
      return all;
    });
  }

  /** Opens a new, empty flow tab (the action of the tab bar's +, which Node-RED 5 moved to the header); returns its id. */
  async addFlow(): Promise<string> {
    const before = await this.page.evaluate(() => RED.workspaces.active());
    await this.action('core:add-flow');
    await this.page.waitForFunction((old) => RED.workspaces.active() !== old, before);
    return this.page.evaluate(() => RED.workspaces.active());
  }

  /** Shows flow tab `tab`, as a click on its tab does. */
  async showFlow(tab: string): Promise<void> {
    await this.page.evaluate((id) => RED.workspaces.show(id), tab);
    await this.page.waitForFunction((id) => RED.workspaces.active() === id, tab);
  }

  /** Deletes flow tab `tab` with its nodes (Menu > Flows > Delete); config nodes stay. */
  async removeFlow(tab: string): Promise<void> {
    await this.showFlow(tab);
    await this.action('core:remove-flow');
    await this.page.waitForFunction((id) => !RED.nodes.workspace(id), tab);
  }

  /** Deletes config node `id` in the Configuration nodes sidebar: select its entry, delete the selection. */
  async removeConfigNode(id: string): Promise<void> {
    await this.action('core:show-config-tab');
    const selected = await this.page.evaluate((nodeId) => {
      RED.sidebar.config.refresh();
      return $('#red-ui-sidebar-node-config .red-ui-sidebar-node-config-list li')
        .filter(function (this: HTMLElement) { return $(this).data('data-node-id') === nodeId; })
        .children('.red-ui-palette-node').trigger('click').length as number;
    }, id);
    if (selected !== 1) throw new Error(`the Configuration nodes sidebar has no entry for ${id}`);
    await this.action('core:delete-config-selection');
    await this.page.waitForFunction((nodeId) => !RED.nodes.node(nodeId), id);
  }

  /**
   * Removes what a test added since `before` (flow tabs, config nodes: see ids()) and deploys, so the
   * next test starts from a clean, deployed editor.
   */
  async removeAddedSince(before: Set<string>, options: { confirmWarnings?: boolean } = {}): Promise<void> {
    const added = (await this.page.evaluate(() => {
      const found: Array<{ id: string; config: boolean }> = [];
      RED.nodes.eachWorkspace((ws: EditorNode) => { found.push({ id: ws.id, config: false }); });
      RED.nodes.eachConfig((node: EditorNode) => { found.push({ id: node.id, config: true }); });
      return found;
    })).filter((item) => !before.has(item.id));
    // Node-RED keeps one flow tab: on a page opened before the first deploy, the initial tab is new too.
    const flows = await this.page.evaluate(() => RED.workspaces.count()) as number;
    const addedFlows = added.filter((entry) => !entry.config).slice(0, flows - 1);
    for (const item of addedFlows) await this.removeFlow(item.id);
    for (const item of added.filter((entry) => entry.config)) await this.removeConfigNode(item.id);
    await this.deploy(options);
  }

  /** Ids of every flow tab and node the editor holds. */
  async ids(): Promise<Set<string>> {
    return new Set(await this.page.evaluate(() => {
      const all: string[] = [];
      RED.nodes.eachWorkspace((ws: EditorNode) => { all.push(ws.id); });
      RED.nodes.eachConfig((node: EditorNode) => { all.push(node.id); });
      RED.nodes.eachNode((node: EditorNode) => { all.push(node.id); });
      return all;
    }));
  }

  /** What would keep the next test from starting clean: an open tray or modal, undeployed changes. */
  leftovers(): Promise<string[]> {
    return this.page.evaluate(() => [
      ...(document.querySelectorAll('.red-ui-tray').length > 0 ? ['an edit tray is open'] : []),
      ...(RED.nodes.dirty() ? ['undeployed changes'] : []),
      ...(document.querySelector('#red-ui-full-shade:not(.hide)') ? ['a modal dialog is open'] : []),
    ]);
  }

  /**
   * Invokes one of the editor's actions (`core:...`): what its menu entry, button or keyboard
   * shortcut does. Node-RED 4 and 5 lay their tab bar, sidebar and menus out differently but share
   * the actions, so the driver reaches those controls through them.
   */
  async action(name: string): Promise<void> {
    const known = await this.page.evaluate((action) => RED.actions.get(action) !== undefined, name);
    if (!known) throw new Error(`the editor has no action ${name}`);
    await this.page.evaluate((action) => RED.actions.invoke(action), name);
  }

  /** A new flow tab with inject → `type` → debug, dragged from the palette and wired as a user does. */
  async addInjectFlow(type: string, debugX = 600): Promise<{ inject: string; node: string; debug: string }> {
    await this.addFlow();
    const inject = await this.addFromPalette('inject', 120, 120);
    const node = await this.addFromPalette(type, 340, 120);
    const debug = await this.addFromPalette('debug', debugX, 120);
    await this.wire(inject, node);
    await this.wire(node, debug);
    return { inject, node, debug };
  }

  /** Drags a node from the palette onto the workspace at (x, y) of the workspace; returns its id. */
  async addFromPalette(type: string, x: number, y: number): Promise<string> {
    const known = new Set((await this.nodes()).map((node) => node.id));
    const source = this.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
    await source.hover(); // scrolls the palette to it and waits until it stops moving
    const from = await box(source);
    const chart = await box(this.page.locator('#red-ui-workspace-chart'));
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 3 });
    await this.page.mouse.move(chart.x + x, chart.y + y, { steps: 12 });
    await this.page.mouse.up();
    const added = await this.page.waitForFunction(({ type: wanted, ids }) => {
      let found: string | undefined;
      RED.nodes.eachNode((node: EditorNode) => { if (node.type === wanted && !ids.includes(node.id)) found = node.id; });
      return found;
    }, { type, ids: [...known] });
    return (await added.jsonValue()) as string;
  }

  /** The node's shape on the workspace. */
  node(id: string): Locator {
    return this.page.locator(`g.red-ui-flow-node-group[id="${id}"]`);
  }

  /** Drags a wire from `from`'s output port to `to`'s input port. */
  async wire(from: string, to: string, port = 0): Promise<void> {
    const out = await box(this.node(from).locator('.red-ui-flow-port-output .red-ui-flow-port').nth(port));
    const into = await box(this.node(to).locator('.red-ui-flow-port-input .red-ui-flow-port'));
    await this.page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(into.x + into.width / 2, into.y + into.height / 2, { steps: 12 });
    await this.page.mouse.up();
    await this.page.waitForFunction(({ source, target }) =>
      RED.nodes.filterLinks({ source: RED.nodes.node(source), target: RED.nodes.node(target) }).length === 1, { source: from, target: to });
  }

  /** Double-clicks the node and waits for its edit tray. */
  async openEditDialog(id: string): Promise<void> {
    await this.node(id).locator('.red-ui-flow-node').dblclick();
    await this.page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300); // the tray's slide-in animation
  }

  /** Ids of the elements inside the open edit tray (the topmost, when a config node's tray is stacked on it). */
  async dialogFieldIds(): Promise<string[]> {
    return this.page.locator('.red-ui-tray').last().locator('[id]').evaluateAll((elements) => elements.map((element) => element.id));
  }

  /**
   * Message keys (`data-i18n`) in the open tray whose text or attribute came out empty or as the key
   * itself: a label, option or placeholder missing from the locale files.
   */
  untranslated(): Promise<string[]> {
    return this.page.locator('.red-ui-tray').last().locator('[data-i18n]').evaluateAll((elements) => elements.flatMap((element) =>
      (element.getAttribute('data-i18n') ?? '').split(';').filter(Boolean).flatMap((entry) => {
        const match = /^\[([a-z-]+)\](.*)$/.exec(entry);
        const target = match ? match[1]! : 'text';
        const key = match ? match[2]! : entry;
        const shown = ['text', 'html', 'append', 'prepend'].includes(target) ? element.textContent ?? '' : element.getAttribute(target) ?? '';
        const bare = key.replace(/^.*:/, '');
        return shown.trim() === '' || shown.includes(bare) ? [`${key} (${target})`] : [];
      })));
  }

  async confirmDialog(): Promise<void> {
    await this.page.locator('#node-dialog-ok').click();
    await this.page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
  }

  async cancelDialog(): Promise<void> {
    await this.page.locator('#node-dialog-cancel').click();
    await this.page.locator('#node-dialog-cancel').waitFor({ state: 'detached' });
  }

  /**
   * In the open tray, the + beside a config property: the dialog of a new config node of that type, stacked on it
   * (`prefix` node-config-input for a property of a config node).
   */
  async openNewConfigDialog(property: string, prefix = 'node-input'): Promise<void> {
    await this.page.locator(`[id="${prefix}-btn-${property}-add"]`).click();
    await this.page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300); // the tray's slide-in animation
  }

  /** In the open tray, the pencil beside a config property: the dialog of the selected config node, stacked on it. */
  async openConfigDialog(property: string, prefix = 'node-input'): Promise<void> {
    await this.page.locator(`[id="${prefix}-btn-${property}-edit"]`).click();
    await this.page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300); // the tray's slide-in animation
  }

  /** Adds a config node for `property` of the open node: +, fill its dialog, Add. */
  async addConfigNode(property: string, fill: (tray: Locator) => Promise<void>, prefix = 'node-input'): Promise<void> {
    await this.openNewConfigDialog(property, prefix);
    const tray = this.page.locator('.red-ui-tray').last();
    const shown = await tray.elementHandle();
    await fill(tray);
    await tray.locator('#node-config-dialog-ok').click();
    // Its tray closes; the one below it (maybe another config node's, with its own Add button) comes back.
    await this.page.waitForFunction((element) => !element?.isConnected, shown);
  }

  async cancelConfigDialog(): Promise<void> {
    await this.page.locator('#node-config-dialog-cancel').click();
    await this.page.locator('#node-config-dialog-cancel').waitFor({ state: 'detached' });
  }

  /**
   * In the open tray, the job picker's button beside the job `field` ('name' or 'id'): waits for the list of
   * the cluster's jobs and chooses `jobId`.
   */
  async pickJob(field: 'name' | 'id', jobId: string): Promise<void> {
    await this.openJobPicker(field);
    const entry = this.page.locator(`.flink-job-picker-menu .flink-job-picker-job[data-job-id="${jobId}"]`);
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await entry.click();
    await entry.waitFor({ state: 'detached' });
  }

  /** In the open tray, presses the job picker's button beside the job `field`; returns the jobs it lists, once listed. */
  async openJobPicker(field: 'name' | 'id'): Promise<string[]> {
    await this.page.locator(`.red-ui-tray .flink-job-picker-button[data-field="${field}"]`).click();
    const jobs = this.page.locator('.flink-job-picker-menu .flink-job-picker-job');
    await jobs.first().waitFor({ state: 'visible', timeout: 30_000 });
    return jobs.evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-job-id') ?? ''));
  }

  /** The open tray's job picker message (no cluster, cannot be reached), once shown. */
  async jobPickerMessage(): Promise<string> {
    const message = this.page.locator('.red-ui-tray .flink-job-picker-message:not([data-kind="loading"])');
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    return message.innerText();
  }

  /** Presses Test connection in the open flink-cluster dialog; returns its outcome and text. */
  async testConnection(): Promise<{ outcome: string; text: string }> {
    await this.page.locator('#node-config-flink-test').click();
    const result = this.page.locator('#node-config-flink-test-result:is([data-outcome="ok"], [data-outcome="failed"])');
    await result.waitFor({ state: 'visible', timeout: 60_000 });
    return { outcome: await result.getAttribute('data-outcome') ?? '', text: (await result.innerText()).trim() };
  }

  /**
   * The status under a node on the workspace, once its text matches `pattern` (and its colour is `fill`,
   * if given); with its colour and shape (dot or ring).
   */
  async waitForStatus(id: string, pattern: RegExp, timeoutMs: number, fill?: string): Promise<{ text: string; fill: string; shape: string }> {
    const label = this.node(id).locator('.red-ui-flow-node-status-label');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await label.textContent().catch(() => '') ?? '';
      const status = await this.page.evaluate((nodeId) => {
        const shown = RED.nodes.node(nodeId)?.status;
        return { fill: String(shown?.fill ?? ''), shape: String(shown?.shape ?? '') };
      }, id);
      if (pattern.test(text) && (!fill || status.fill === fill)) return { text, ...status };
      if (Date.now() > deadline) throw new Error(`the status of ${id} shows "${text}" (${status.fill}), not ${pattern}${fill ? ` (${fill})` : ''}`);
      await this.page.waitForTimeout(200);
    }
  }

  /**
   * Presses Deploy and waits until the editor has no undeployed changes. Fails if Node-RED asks for
   * confirmation first (nodes that are not properly configured, unknown types): a test leaves no such
   * nodes. With `confirmWarnings` (to clean up after a failed test), it confirms instead.
   */
  async deploy(options: { confirmWarnings?: boolean } = {}): Promise<void> {
    await this.page.locator('#red-ui-header-button-deploy').click();
    const confirm = this.page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
    await this.page.waitForFunction(() => !RED.nodes.dirty() || document.querySelector('#red-ui-deploy-dialog-confirm-deploy-deploy') !== null, undefined, { timeout: 30_000 });
    if (await confirm.count() > 0 && options.confirmWarnings) {
      await confirm.click();
      await this.page.waitForFunction(() => !RED.nodes.dirty(), undefined, { timeout: 30_000 });
    } else if (await confirm.count() > 0) {
      const text = await this.page.locator('.red-ui-notification', { has: confirm }).innerText();
      throw new Error(`Node-RED asks before deploying: ${text.replace(/\s+/g, ' ')}`);
    }
  }

  /** Clicks the button on the left of an inject node. */
  async pressInject(id: string): Promise<void> {
    await this.node(id).locator('.red-ui-flow-node-button').click();
  }

  /** Shows a sidebar tab ('info', 'help' or 'debug') with its action; returns its content. */
  async showSidebar(tab: 'info' | 'help' | 'debug'): Promise<Locator> {
    await this.action(`core:show-${tab}-tab`);
    const content = this.page.locator(SIDEBAR_CONTENT[tab]).first();
    await content.waitFor({ state: 'visible' });
    return content;
  }

  /**
   * Waits for a message in the debug sidebar whose text matches `pattern`, expanding its collapsed
   * objects and arrays (their previews shorten long strings) as a person would with clicks on their carets.
   */
  async waitForDebugMessage(pattern: RegExp, timeoutMs: number): Promise<string> {
    const sidebar = await this.showSidebar('debug');
    const message = sidebar.locator('.red-ui-debug-msg').last();
    const deadline = Date.now() + timeoutMs;
    await message.waitFor({ state: 'visible', timeout: timeoutMs });
    for (;;) {
      const collapsed = message.locator('.collapsed > .red-ui-debug-msg-expandable > .red-ui-debug-msg-object-handle');
      let text = await message.innerText();
      for (let clicks = 0; !pattern.test(text) && clicks < 30 && await collapsed.count() > 0; clicks += 1) {
        await collapsed.first().click();
        text = await message.innerText();
      }
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`the debug sidebar shows no message matching ${pattern}; the last one: ${text}`);
      await this.page.waitForTimeout(200); // a newer message may still come
    }
  }

  /** Selects the node on the workspace and returns the help the help sidebar shows under its palette label. */
  async helpFor(id: string): Promise<string> {
    const label = await this.page.evaluate((nodeId) => { const node = RED.nodes.node(nodeId); return RED.utils.getPaletteLabel(node.type, node._def); }, id);
    await this.node(id).locator('.red-ui-flow-node').click();
    await this.showSidebar('help');
    return this.shownHelp(label);
  }

  /** Clicks `label` in the help sidebar's list of node types and returns the help it shows. */
  async helpFromList(label: string): Promise<string> {
    const sidebar = await this.showSidebar('help');
    await sidebar.locator('.red-ui-sidebar-help-toc .red-ui-node-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first().click();
    return this.shownHelp(label);
  }

  /** The help text in the sidebar, once its title is `title`. */
  private async shownHelp(title: string): Promise<string> {
    const help = this.page.locator(`${SIDEBAR_CONTENT.help} .red-ui-help`).first();
    const deadline = Date.now() + SHORT;
    for (;;) {
      const text = await help.innerText();
      if (text.trim().split('\n')[0]?.trim() === title) return text;
      if (Date.now() > deadline) throw new Error(`the help sidebar shows "${text.slice(0, 80)}", not the help of ${title}`);
      await this.page.waitForTimeout(100);
    }
  }

  /**
   * Import > Examples (the menu entry's action) > `module` > `example`, into a new flow; returns the
   * nodes it added and shows their flow.
   */
  async importExample(module: string, example: string): Promise<EditorNode[]> {
    await this.action('core:show-examples-import-dialog');
    const tree = this.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await tree.waitFor({ state: 'visible' });
    const moduleItem = tree.locator('.red-ui-treeList-label', { hasText: module }).first();
    await moduleItem.click();
    const parts = example.split('/');
    const itemOf = (part: string): Locator => tree.locator('.red-ui-treeList-label-text', { hasText: new RegExp(`^${escapeRegExp(part)}$`) }).first();
    for (const [index, part] of parts.entries()) {
      await itemOf(part).click();
      if (index < parts.length - 1) await this.page.waitForTimeout(200);
    }
    // Import is enabled once the dialog has loaded the example; a click that landed while the tree was still
    // drawing selected nothing, so it is clicked again.
    for (let attempt = 1; ; attempt += 1) {
      const loaded = await this.page.waitForFunction(() => !(document.querySelector('#red-ui-clipboard-dialog-ok') as HTMLButtonElement | null)?.disabled,
        undefined, { timeout: 5000 }).then(() => true, () => false);
      if (loaded) break;
      if (attempt === 3) throw new Error(`Import > Examples > ${module} > ${example}: the Import button stayed disabled`);
      await itemOf(parts.at(-1)!).click();
    }
    await this.page.locator('#red-ui-clipboard-dialog-import-opt-new').click();
    return this.finishImport();
  }

  /** Import (the menu entry's action) of flow JSON pasted into the dialog; returns the nodes it added and shows their flow. */
  async importFlow(flow: object[]): Promise<EditorNode[]> {
    await this.action('core:show-import-dialog');
    const text = this.page.locator('#red-ui-clipboard-dialog-import-text');
    await text.waitFor({ state: 'visible' });
    await text.fill(JSON.stringify(flow));
    await text.press('End'); // the dialog checks the text on a key press
    return this.finishImport();
  }

  /** The import dialog's Import button; a click on the workspace drops imported nodes that follow the mouse. */
  private async finishImport(): Promise<EditorNode[]> {
    const before = new Set((await this.nodes()).map((node) => node.id));
    await this.page.locator('#red-ui-clipboard-dialog-ok').click();
    await this.page.locator('#red-ui-clipboard-dialog-ok').waitFor({ state: 'hidden' });
    const chart = await box(this.page.locator('#red-ui-workspace-chart'));
    await this.page.mouse.move(chart.x + 60, chart.y + 60, { steps: 4 });
    await this.page.mouse.click(chart.x + 60, chart.y + 60);
    await this.page.waitForTimeout(300);
    const added = (await this.nodes()).filter((node) => !before.has(node.id));
    const tab = added.find((node) => node.z)?.z;
    if (tab) await this.showFlow(tab);
    return added;
  }

  /** Texts of the notifications on screen. */
  notifications(): Promise<string[]> {
    return this.page.locator('.red-ui-notification').allInnerTexts();
  }

  /** Closes the notifications on screen as a click on each does (Node-RED removes them itself). */
  async closeNotifications(): Promise<void> {
    await this.page.evaluate(() => {
      document.querySelectorAll('.red-ui-notification').forEach((element) => { (element as HTMLElement & { close?: () => void }).close?.(); });
    });
    await this.page.waitForFunction(() => document.querySelectorAll('.red-ui-notification').length === 0);
  }
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`not on screen: ${String(locator)}`);
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
