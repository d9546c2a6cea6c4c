import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_CATALOG } from '../../nodes/lib/messages';
import { projectRoot } from '../../dev/paths';

const nodesSrc = path.join(projectRoot, 'nodes');

function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value as Record<string, unknown>, `${prefix}${key}.`)));
}

/** The keys of a node type's `runtime` catalog section (none when it has none). */
function runtimeKeys(type: string): string[] {
  const catalog = JSON.parse(readFileSync(path.join(nodesSrc, 'locales', 'en-US', `${type}.json`), 'utf8')) as { runtime?: Record<string, unknown> };
  return keysOf(catalog.runtime ?? {});
}

/** The runtime message keys a source file asks for: t('...') and an operation node's activity. */
function askedIn(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\bt\('([\w.]+)'/g), ...source.matchAll(/activity: '([\w.]+)'/g)].map((m) => m[1]!);
}

describe('runtime messages: each in its node type\'s catalog, the shared ones in flink-cluster\'s', function () {
  const types = readdirSync(nodesSrc).filter((f) => /^flink-.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, ''));
  const libFiles = readdirSync(path.join(nodesSrc, 'lib'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(nodesSrc, 'lib', f));
  const shared = runtimeKeys(SHARED_CATALOG);

  it('a node type\'s file asks only for its own messages or shared ones', function () {
    for (const type of types) {
      const known = new Set([...runtimeKeys(type), ...shared]);
      assert.deepEqual(askedIn(path.join(nodesSrc, `${type}.ts`)).filter((key) => !known.has(key)), [], `${type} asks for messages it has not`);
    }
  });

  it('the shared modules ask only for messages some catalog has', function () {
    const all = new Set(types.flatMap(runtimeKeys));
    assert.deepEqual(libFiles.flatMap(askedIn).filter((key) => !all.has(key)), []);
  });

  it('every message a catalog defines is asked for, and has one home (not in a node\'s catalog and the shared one)', function () {
    const asked = new Set([...types.map((type) => path.join(nodesSrc, `${type}.ts`)), ...libFiles].flatMap(askedIn));
    for (const type of types) {
      assert.deepEqual(runtimeKeys(type).filter((key) => !asked.has(key)), [], `${type} defines messages nothing asks for`);
      if (type !== SHARED_CATALOG) assert.deepEqual(runtimeKeys(type).filter((key) => shared.includes(key)), [], `${type} repeats shared messages`);
    }
  });
});
