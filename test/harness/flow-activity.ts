import type { NodeRedEditor } from '../editor/editor-page';
import type { FlowNode } from '../../dev/example-flows';

/** The editor's global: used only inside page.evaluate, where it exists. */
declare const RED: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the editor global, untyped here
declare const window: { flowActivity: DebugMessage[] } & Record<string, unknown>;

/** A debug message as the runtime sends it to the editor (what the debug sidebar shows). */
export interface DebugMessage {
  /** The debug node, or for a node's error (level 20) or warning (30) the node that logged it. */
  id: string;
  name?: string;
  level?: number;
  /** The message property the debug node shows, as text (JSON for an object). */
  msg: string;
}

export interface NodeStatus { fill?: string; shape?: string; text?: string }

/**
 * What deployed flows do, as the open editor sees it: every debug message the sidebar receives (recorded from the
 * moment `watch` is called), and each node's status. Presses inject buttons as a person would and waits for the
 * debug nodes a press should reach; an error on the way (a node's error, or a message reaching a debug node that
 * shows `msg.error`) fails the press at once.
 */
export class FlowActivity {
  private constructor(private readonly editor: NodeRedEditor, private readonly flows: FlowNode[]) {}

  static async watch(editor: NodeRedEditor, flows: FlowNode[]): Promise<FlowActivity> {
    await editor.page.evaluate(() => {
      window.flowActivity = [];
      RED.comms.subscribe('debug', (_topic: string, msg: DebugMessage) => {
        window.flowActivity.push({ id: msg.id, name: msg.name, level: msg.level, msg: msg.msg });
      });
    });
    await editor.showSidebar('debug');
    return new FlowActivity(editor, flows);
  }

  /** The node of type `type` named `name` on the tab labelled `tab`. */
  node(tab: string, name: string, type?: string): FlowNode {
    const tabId = this.tabId(tab);
    const found = this.flows.filter((n) => n.z === tabId && n.name === name && (type === undefined || n.type === type));
    if (found.length !== 1) throw new Error(`${found.length} nodes named "${name}"${type ? ` of type ${type}` : ''} on tab "${tab}"`);
    return found[0]!;
  }

  tabId(label: string): string {
    const tab = this.flows.find((n) => n.type === 'tab' && n.label === label);
    if (!tab) throw new Error(`no tab "${label}" in ${this.flows.filter((n) => n.type === 'tab').map((n) => n.label).join(', ')}`);
    return tab.id;
  }

  /** Debug nodes that show `msg.error`: a message there is a failure the flow caught. */
  private errorDisplays(): string[] {
    return this.flows.filter((n) => n.type === 'debug' && n.complete === 'error').map((n) => n.id);
  }

  messages(): Promise<DebugMessage[]> {
    return this.editor.page.evaluate(() => window.flowActivity);
  }

  /** Errors so far: nodes' errors (level 20) and messages at debug nodes that show `msg.error`. */
  async errors(): Promise<DebugMessage[]> {
    const displays = this.errorDisplays();
    return (await this.messages()).filter((m) => m.level === 20 || displays.includes(m.id));
  }

  /** Shows the tab with a click on its label (not when it shows already: a second click would open its dialog). */
  async showTab(label: string): Promise<void> {
    const id = this.tabId(label);
    if (await this.editor.page.evaluate((tab) => RED.workspaces.active() === tab, id)) return;
    await this.editor.page.locator(`[id="red-ui-tab-${id}"] a.red-ui-tab-label`).click();
    await this.editor.page.waitForFunction((tab) => RED.workspaces.active() === tab, id);
  }

  /**
   * Runs `act` (a press, a POST), then waits until each debug node in `reaches` has one more message, and returns
   * those messages (the text each shows, parsed when it is JSON).
   */
  async after(act: () => Promise<void>, tab: string, reaches: string[], timeoutMs = 90_000): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const targets = reaches.map((name) => this.node(tab, name, 'debug').id);
    const seen = await this.messages();
    const counts = targets.map((id) => seen.filter((m) => m.id === id).length);
    const errorsBefore = (await this.errors()).length;
    await act();
    await this.editor.page.waitForFunction(({ ids, before, displays, errorCount }) => {
      const all = window.flowActivity;
      if (all.filter((m) => m.level === 20 || displays.includes(m.id)).length > errorCount) return true;
      return ids.every((id, i) => all.filter((m) => m.id === id).length > before[i]!);
    }, { ids: targets, before: counts, displays: this.errorDisplays(), errorCount: errorsBefore }, { timeout: timeoutMs, polling: 200 });
    const errors = (await this.errors()).slice(errorsBefore);
    if (errors.length > 0) throw new Error(`an error on tab "${tab}": ${JSON.stringify(errors)}`);
    const now = await this.messages();
    return targets.map((id, i) => {
      const text = now.filter((m) => m.id === id)[counts[i]!]!.msg;
      try { return JSON.parse(text) as Record<string, unknown>; } catch { return { text }; }
    });
  }

  /** Presses the inject button named `inject` on tab `tab` and waits for the debug nodes in `reaches`. */
  async press(tab: string, inject: string, reaches: string[]): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
    await this.showTab(tab);
    const id = this.node(tab, inject, 'inject').id;
    return this.after(() => this.editor.pressInject(id), tab, reaches);
  }

  /** The status each node shows in the editor (undefined when it shows none). */
  statuses(ids: string[]): Promise<Record<string, NodeStatus | undefined>> {
    return this.editor.page.evaluate((all) => Object.fromEntries(all.map((id) => {
      const status = RED.nodes.node(id)?.status as NodeStatus | undefined;
      return [id, status && status.fill ? { fill: status.fill, shape: status.shape, text: status.text } : undefined];
    })), ids);
  }

  /** What the debug sidebar itself shows as errors: messages at error level, and messages from `errorDisplays`' nodes. */
  async sidebarErrors(): Promise<string[]> {
    const sidebar = await this.editor.showSidebar('debug');
    const displayNames = this.flows.filter((n) => this.errorDisplays().includes(n.id)).map((n) => `${String(n.name ?? n.id)}`);
    const atErrorLevel = await sidebar.locator('.red-ui-debug-msg-level-20').allInnerTexts();
    const names = await sidebar.locator('.red-ui-debug-msg .red-ui-debug-msg-name').allInnerTexts();
    return [...atErrorLevel, ...names.filter((name) => displayNames.some((shown) => name.endsWith(`: ${shown}`)))];
  }
}
