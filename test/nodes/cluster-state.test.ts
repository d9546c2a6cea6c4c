import assert from 'node:assert/strict';
import type { Node, NodeAPI } from 'node-red';
import { clusterState } from '../../nodes/lib/cluster/cluster-state';

type Storage = Record<string, unknown> | undefined;

/** A global context like Node-RED's: values per store and key, answered asynchronously (as the file store does). */
function fakeContext() {
  const values = new Map<string, unknown>();
  const global = {
    get(key: string, store: string | undefined, callback: (err: Error | null, value: unknown) => void) {
      setTimeout(() => callback(null, structuredClone(values.get(`${store ?? ''}|${key}`))), 1);
    },
    set(key: string, value: unknown, store: string | undefined, callback: (err?: Error | null) => void) {
      setTimeout(() => {
        if (value === undefined) values.delete(`${store ?? ''}|${key}`);
        else values.set(`${store ?? ''}|${key}`, structuredClone(value));
        callback(null);
      }, 1);
    },
  };
  return { values, node: { context: () => ({ global }) } as unknown as Node };
}

const red = (contextStorage: Storage) => ({ settings: { contextStorage } }) as unknown as NodeAPI;

describe('cluster state (the plugin\'s records in a context store)', function () {
  it('knows which stores keep their values across a restart, and refuses a store the settings do not list', function () {
    const { node } = fakeContext();
    const file = { module: 'localfilesystem' };
    const memory = { module: 'memory' };
    const persistent = (storage: Storage, store: string) => clusterState(red(storage), node, 'http://flink:8081', store).persistent;
    assert.equal(persistent(undefined, ''), false, 'no contextStorage: memory');
    assert.equal(persistent({ default: memory, file }, 'file'), true);
    assert.equal(persistent({ default: memory, file }, ''), false);
    assert.equal(persistent({ default: 'file', file, memory }, ''), true, 'default as an alias of file');
    assert.equal(persistent({ file, memory }, ''), true, 'no default: the first store is the default');
    assert.throws(() => clusterState(red({ default: memory }), node, 'http://flink:8081', 'file'),
      { code: 'FLINK_INVALID_ARGUMENT', message: /context store "file" is not in Node-RED's settings/ });
    assert.throws(() => clusterState(red(undefined), node, 'http://flink:8081', 'file'), { code: 'FLINK_INVALID_ARGUMENT' });
  });

  it('keeps each cluster URL\'s records under its own dot-free keys, the same with or without a trailing slash', async function () {
    const { node, values } = fakeContext();
    const storage = { default: { module: 'memory' }, file: { module: 'localfilesystem' } };
    await clusterState(red(storage), node, 'http://flink-a:8081', 'file').update('savepoints', () => ['a']);
    await clusterState(red(storage), node, 'http://flink-b:8081', 'file').update('savepoints', () => ['b']);
    assert.deepEqual(await clusterState(red(storage), node, 'http://flink-a:8081/', 'file').read('savepoints'), ['a']);
    const keys = [...values.keys()];
    assert.equal(keys.length, 2);
    for (const key of keys) assert.match(key, /^file\|flinkOps_[0-9a-f]{16}_savepoints$/);
  });

  it('runs concurrent updates of one section one after another, so none is lost, also across two configs of one cluster', async function () {
    const { node } = fakeContext();
    const first = clusterState(red(undefined), node, 'http://flink:8081', '');
    const second = clusterState(red(undefined), node, 'http://flink:8081', '');
    const increments = Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).update<number>('count', (n) => (n ?? 0) + 1));
    assert.deepEqual((await Promise.all(increments)).sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(await first.read('count'), 20);
  });

  it('deletes a section an update turns into undefined, and a failing update leaves the next one working', async function () {
    const { node, values } = fakeContext();
    const state = clusterState(red(undefined), node, 'http://flink:8081', '');
    await state.update('inFlight', () => ({ t: 1 }));
    await assert.rejects(state.update('inFlight', () => { throw new Error('broken change'); }), /broken change/);
    assert.deepEqual(await state.read('inFlight'), { t: 1 });
    await state.update('inFlight', () => undefined);
    assert.equal(values.size, 0);
  });
});
