import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeAPI } from 'node-red';

/** A runtime message by key, with `__name__` placeholders filled in. */
export type Messages = (key: string, substitutions?: Record<string, string | number>) => string;

const PACKAGE_NAME = '@flink-ops/node-red-dashboard-2-flink';

/** The catalog's en-US runtime messages, read from the file: Node-RED's i18n has none loaded under the test helper. */
function english(type: string): Record<string, unknown> {
  const file = path.join(__dirname, '..', 'locales', 'en-US', `${type}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { runtime?: Record<string, unknown> }>)[type]?.runtime ?? {};
}

function lookup(tree: Record<string, unknown>, key: string): string | undefined {
  const value = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
  return typeof value === 'string' ? value : undefined;
}

/** The node type's runtime messages (`<type>.runtime` of its catalog): Node-RED's translation when it has one, else English. */
export function runtimeMessages(RED: NodeAPI, type: string): Messages {
  let fallback: Record<string, unknown> | undefined;
  return (key, substitutions = {}) => {
    const fullKey = `${PACKAGE_NAME}/${type}:${type}.runtime.${key}`;
    const translated = RED._(fullKey, substitutions);
    if (translated && translated !== fullKey && !translated.endsWith(`runtime.${key}`)) return translated;
    fallback ??= english(type);
    const template = lookup(fallback, key) ?? key;
    return template.replace(/__(\w+)__/g, (whole, name: string) => (name in substitutions ? String(substitutions[name]) : whole));
  };
}
