import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../dev/paths';
import { runEditor, type EditorDefinition } from './editor-sandbox';

/*
 * Every catalog key is used, and every key used is in a catalog.
 *
 * Catalog nodes/locales/en-US/<set>.json belongs to node set <set> (namespace `@flink-ops/node-red-flink/<set>`):
 * - its keys outside `runtime` are the editor's: the keys the set's HTML uses (data-i18n, RED._, this._, node._),
 *   found by running the HTML with the shared editor script (so the rows and labels it builds count) and by reading
 *   the literal keys in the HTML and in nodes/editor/ (`shared('x')` is `flink-cluster:flink.x`,
 *   `clusterText('x')` is `flink-cluster:flink-cluster.x`). A key without a
 *   namespace is the set's own.
 * Its `runtime` keys are checked by runtime-messages.test.ts.
 */

const PACKAGE = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { name: string }).name;
const SHARED_SET = 'flink-cluster';
const nodesDir = path.join(projectRoot, 'nodes');
const localesDir = path.join(nodesDir, 'locales', 'en-US');
const sets = readdirSync(localesDir).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length)).sort();

type Tree = { [key: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([key, value]) =>
  (typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`)));
const catalog = (set: string): Tree => JSON.parse(readFileSync(path.join(localesDir, `${set}.json`), 'utf8')) as Tree;

const editorKeys = (set: string): string[] => {
  const { runtime: _runtime, ...editor } = catalog(set);
  return keysOf(editor);
};

/** `set:key` for a key as the editor looks it up from `set`; undefined for a key of another module (Node-RED's own). */
function qualify(set: string, key: string): string | undefined {
  const colon = key.indexOf(':');
  if (colon === -1) return `${set}:${key}`;
  const namespace = key.slice(0, colon);
  return namespace.startsWith(`${PACKAGE}/`) ? `${namespace.slice(PACKAGE.length + 1)}:${key.slice(colon + 1)}` : undefined;
}

/** The keys of data-i18n attributes (`[placeholder]key;key2`); one built in a template literal is found by running it. */
const dataI18nKeys = (html: string): string[] => [...html.matchAll(/data-i18n="([^"]+)"/g)]
  .flatMap(([, value]) => value!.split(';')).map((entry) => entry.replace(/^\[[^\]]*\]/, '')).filter((key) => !key.includes('${'));
/** Literal string keys passed to `call(` in source text. */
const literalCalls = (source: string, call: string): string[] =>
  [...source.matchAll(new RegExp(`${call}\\(\\s*(['"])([^'"$]+)\\1`, 'g'))].map((match) => match[2]!);

/** The labels functions of a definition ask for through `this._`, with a job name and without. */
function labelKeys(definition: EditorDefinition): string[] {
  const asked: string[] = [];
  const node = (jobName: string) => ({ _: (key: string) => { asked.push(key); return `text of ${key}`; }, name: '', jobName, outputs: 2 });
  for (const jobName of ['', 'a job']) {
    for (const label of [definition.paletteLabel, definition.label]) if (typeof label === 'function') label.call(node(jobName));
    if (typeof definition.outputLabels === 'function') for (const index of [0, 1]) definition.outputLabels.call(node(jobName), index);
  }
  for (const property of Object.values(definition.defaults)) {
    for (const bad of ['', 'soon', '-1']) property.validate?.call(node(''), bad);
  }
  return asked;
}

/** Every editor key used, as `set:key`. */
function usedEditorKeys(): Set<string> {
  const used = new Set<string>();
  const add = (set: string, keys: string[]) => keys.forEach((key) => { const full = qualify(set, key); if (full) used.add(full); });
  for (const set of sets) {
    const html = readFileSync(path.join(nodesDir, `${set}.html`), 'utf8');
    add(set, [...dataI18nKeys(html), ...literalCalls(html, 'RED\\._'), ...literalCalls(html, '(?:this|node)\\._')]);
    const run = runEditor(set);
    add(set, [...run.written.flatMap(dataI18nKeys), ...run.asked]);
    if (run.definition) add(set, labelKeys(run.definition));
  }
  const editorSources = readdirSync(path.join(nodesDir, 'editor'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  for (const file of editorSources) {
    const source = readFileSync(path.join(nodesDir, 'editor', file), 'utf8');
    add(SHARED_SET, [...dataI18nKeys(source), ...literalCalls(source, 'RED\\._'), ...literalCalls(source, 'shared').map((key) => `${PACKAGE}/${SHARED_SET}:flink.${key}`),
      ...literalCalls(source, 'clusterText').map((key) => `${PACKAGE}/${SHARED_SET}:flink-cluster.${key}`)]);
  }
  return used;
}

describe('editor locale catalogs (nodes/locales/en-US)', function () {
  it('the editor uses every editor key of every catalog, and finds every key it uses', function () {
    const used = usedEditorKeys();
    const defined = new Set(sets.flatMap((set) => editorKeys(set).map((key) => `${set}:${key}`)));
    assert.ok(used.size > 40, `found only ${used.size} keys in use: the scan is broken`);
    assert.deepEqual({ missing: [...used].filter((key) => !defined.has(key)).sort(), unused: [...defined].filter((key) => !used.has(key)).sort() },
      { missing: [], unused: [] });
  });

});
