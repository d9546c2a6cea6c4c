import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeAPI } from 'node-red';

/** A runtime message by key, with `__name__` placeholders filled in. */
export type Messages = (key: string, substitutions?: Record<string, string | number>) => string;

const PACKAGE_NAME = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { name: string }).name;
/** Runtime messages shared by every node live in the flink-cluster catalog, under `runtime`. */
const NAMESPACE = `${PACKAGE_NAME}/flink-cluster`;

let english: Record<string, string> | undefined;

function flatten(tree: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.entries(tree).reduce<Record<string, string>>((all, [key, value]) => (
    typeof value === 'string'
      ? { ...all, [`${prefix}${key}`]: value }
      : { ...all, ...flatten(value as Record<string, unknown>, `${prefix}${key}.`) }), {});
}

/** The en-US catalog, read directly: used where Node-RED's i18n has no catalog loaded (as under the test helper). */
function englishCatalog(): Record<string, string> {
  english ??= flatten((JSON.parse(readFileSync(path.join(__dirname, '..', 'locales', 'en-US', 'flink-cluster.json'), 'utf8')) as { runtime: Record<string, unknown> }).runtime);
  return english;
}

function fill(template: string, substitutions: Record<string, unknown>): string {
  return template.replace(/__(\w+)__/g, (whole, name: string) => (name in substitutions ? String(substitutions[name]) : whole));
}

/** Runtime messages in the editor's language when Node-RED has the catalog, in English otherwise. */
export function runtimeMessages(RED: NodeAPI): Messages {
  return (key, substitutions = {}) => {
    const fullKey = `${NAMESPACE}:runtime.${key}`;
    const translated = RED._(fullKey, substitutions);
    if (translated && translated !== fullKey && translated !== `runtime.${key}`) return translated;
    return fill(englishCatalog()[key] ?? key, substitutions);
  };
}
