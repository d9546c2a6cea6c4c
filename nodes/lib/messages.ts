import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeAPI } from 'node-red';

/** A runtime message by key, with `__name__` placeholders filled in. */
export type Messages = (key: string, substitutions?: Record<string, string | number>) => string;

const PACKAGE_NAME = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { name: string }).name;

/**
 * Each node type's own runtime messages are in its catalog, under `runtime`; those several node types use (job
 * resolution, outages, closing, the cluster) are in the cluster config's catalog.
 */
export const SHARED_CATALOG = 'flink-cluster';

const english = new Map<string, Record<string, string>>();

function flatten(tree: Record<string, unknown>, prefix = ''): Record<string, string> {
  return Object.entries(tree).reduce<Record<string, string>>((all, [key, value]) => (
    typeof value === 'string'
      ? { ...all, [`${prefix}${key}`]: value }
      : { ...all, ...flatten(value as Record<string, unknown>, `${prefix}${key}.`) }), {});
}

/** A catalog's en-US runtime messages, read directly: used where Node-RED's i18n has none loaded (as under the test helper). */
function englishCatalog(catalog: string): Record<string, string> {
  let messages = english.get(catalog);
  if (!messages) {
    const file = path.join(__dirname, '..', 'locales', 'en-US', `${catalog}.json`);
    messages = flatten((JSON.parse(readFileSync(file, 'utf8')) as { runtime?: Record<string, unknown> }).runtime ?? {});
    english.set(catalog, messages);
  }
  return messages;
}

function fill(template: string, substitutions: Record<string, string | number>): string {
  return template.replace(/__(\w+)__/g, (whole, name: string) => (name in substitutions ? String(substitutions[name]) : whole));
}

/**
 * The runtime messages of node type `type`, in the editor's language when Node-RED has the catalog, in English
 * otherwise: the type's own catalog first, then the shared one.
 */
export function runtimeMessages(RED: NodeAPI, type: string): Messages {
  const catalogs = type === SHARED_CATALOG ? [type] : [type, SHARED_CATALOG];
  return (key, substitutions = {}) => {
    for (const catalog of catalogs) {
      const fullKey = `${PACKAGE_NAME}/${catalog}:runtime.${key}`;
      const translated = RED._(fullKey, substitutions);
      if (translated && translated !== fullKey && translated !== `runtime.${key}`) return translated;
    }
    const template = catalogs.map((catalog) => englishCatalog(catalog)[key]).find((text) => text !== undefined);
    return fill(template ?? key, substitutions);
  };
}
