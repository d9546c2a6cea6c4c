import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { projectRoot } from '../../dev/paths';

/** A node definition as the editor scripts hand it to `RED.nodes.registerType`. */
export interface EditorDefinition {
  defaults: Record<string, { value: unknown; required?: boolean; type?: string; validate?: (this: unknown, value: unknown, options?: unknown) => unknown }>;
  paletteLabel?: string | ((this: unknown) => string);
  label?: string | ((this: unknown) => string);
  outputLabels?: string | string[] | ((this: unknown, index: number) => string);
  [key: string]: unknown;
}

/** What one node's editor HTML did when its scripts ran. */
export interface EditorRun {
  definition: EditorDefinition | undefined;
  /** HTML the scripts wrote into the page: the form a shared-script node builds into its template. */
  written: string[];
  /** Keys looked up through RED._, and `RED._`'s stand-in text for each: `text of <key>`. */
  asked: string[];
}

const nodesDir = path.join(projectRoot, 'nodes');

/** A jQuery stand-in that accepts any call and records the HTML given to `.text()` or `.html()`. */
function fakeJQuery(written: string[]): unknown {
  const jq: unknown = new Proxy(() => undefined, {
    get: (_target, property) => {
      if (property === 'text' || property === 'html') {
        return (value?: unknown) => { if (typeof value === 'string') written.push(value); return jq; };
      }
      return property === 'length' ? 1 : jq;
    },
    apply: () => jq,
  });
  return jq;
}

/**
 * Runs a node's editor HTML the way Node-RED's editor does (the shared editor script from resources/ first, then
 * the HTML's inline scripts), with `RED` and jQuery stubbed, and returns what it registered and looked up.
 */
export function runEditor(type: string): EditorRun {
  const html = readFileSync(path.join(nodesDir, `${type}.html`), 'utf8');
  const run: EditorRun = { definition: undefined, written: [], asked: [] };
  const jq = fakeJQuery(run.written);
  const red = {
    nodes: { registerType: (name: string, definition: EditorDefinition) => { if (name === type) run.definition = definition; } },
    validators: { number: () => () => true, typedInput: () => () => true, regex: () => () => true },
    _: (key: string) => { run.asked.push(key); return `text of ${key}`; },
  };
  const RED = new Proxy(red, { get: (target, property) => (property in target ? target[property as keyof typeof red] : jq) });
  const context = vm.createContext({ RED, $: jq, jQuery: jq, document: jq, console });
  context.window = context;
  for (const [, src] of html.matchAll(/<script src="resources\/[^/]+\/[^/]+\/([^"]+)"><\/script>/g)) {
    vm.runInContext(readFileSync(path.join(projectRoot, 'resources', src!), 'utf8'), context, { filename: src });
  }
  for (const [, script] of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) {
    vm.runInContext(script!, context, { filename: `${type}.html` });
  }
  return run;
}
