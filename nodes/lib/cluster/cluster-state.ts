import { createHash } from 'node:crypto';
import type { Node, NodeAPI } from 'node-red';
import { invalidArgument } from '../errors';

/**
 * What the plugin keeps about one Flink cluster across messages, redeploys and (with a persistent store)
 * Node-RED restarts: the savepoint catalog, in-flight operations, deployments. It lives in the global
 * context of the store chosen on the cluster config, under keys derived from the cluster's URL, so every
 * config pointing at the same cluster shares it and a re-created config finds it again.
 */
export interface ClusterState {
  /** The context store as chosen on the cluster config ('' is Node-RED's default store). */
  readonly storeName: string;
  /** Whether that store keeps its values across a Node-RED restart (false for memory). */
  readonly persistent: boolean;
  read<T>(section: string): Promise<T | undefined>;
  /**
   * Reads a section, changes it and writes it back (undefined deletes it). Updates of one section run one
   * after another within this Node-RED, so concurrent messages do not lose each other's writes.
   */
  update<T>(section: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined>;
}

interface StoreSetting { module?: unknown }
type ContextStorage = Record<string, StoreSetting | string | undefined>;

const MEMORY_MODULE = 'memory';

/** Pending updates per store and key: module-wide, so two configs of one cluster and a redeploy share them. */
const updateQueues = new Map<string, Promise<unknown>>();

/** The module behind a store name in settings.contextStorage ('' and 'default' mean the default store). */
function storeModule(storage: ContextStorage | undefined, name: string): unknown {
  if (!storage || Object.keys(storage).length === 0) return name === '' || name === 'default' || name === MEMORY_MODULE ? MEMORY_MODULE : undefined;
  const lookup = name === '' ? 'default' : name;
  let entry = storage[lookup];
  if (lookup === 'default' && entry === undefined) entry = storage[Object.keys(storage)[0]];
  if (typeof entry === 'string') entry = storage[entry];
  return typeof entry === 'object' ? entry.module : undefined;
}

/** A store that loses its values on restart: Node-RED's memory module, by name or as the module itself. */
function isMemory(module: unknown): boolean {
  return module === MEMORY_MODULE || (typeof module === 'function' && /memory/i.test(module.name));
}

/** Context keys may not contain dots (they are paths): a short hash of the URL names the cluster. */
function keyPrefix(url: string): string {
  return `flinkOps_${createHash('sha256').update(url.replace(/\/+$/, '')).digest('hex').slice(0, 16)}`;
}

/**
 * The state of the cluster a config node points at. An unknown store name is FLINK_INVALID_ARGUMENT: Node-RED
 * would otherwise fall back to its default store without a word, and the records would land where nobody looks.
 */
export function clusterState(RED: NodeAPI, configNode: Node, url: string, storeName: string | undefined): ClusterState {
  const name = storeName ?? '';
  const storage = (RED.settings as unknown as { contextStorage?: ContextStorage }).contextStorage;
  const module = storeModule(storage, name);
  if (module === undefined) {
    throw invalidArgument(`The cluster config's context store "${name}" is not in Node-RED's settings (contextStorage)`);
  }
  const context = configNode.context().global;
  const store = name === '' ? undefined : name;
  const prefix = keyPrefix(url);

  const read = <T>(section: string): Promise<T | undefined> => new Promise((resolve, reject) => {
    context.get(`${prefix}_${section}`, store as string, (err: Error | null | undefined, value: unknown) => (err ? reject(err) : resolve(value as T | undefined)));
  });
  const write = (section: string, value: unknown): Promise<void> => new Promise((resolve, reject) => {
    context.set(`${prefix}_${section}`, value, store as string, (err?: Error | null) => (err ? reject(err) : resolve()));
  });

  return {
    storeName: name,
    persistent: !isMemory(module),
    read,
    update<T>(section: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
      const queueKey = `${name}|${prefix}_${section}`;
      const previous = updateQueues.get(queueKey) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(async () => {
        const changed = change(await read<T>(section));
        await write(section, changed);
        return changed;
      });
      updateQueues.set(queueKey, next);
      void next.catch(() => undefined).finally(() => { if (updateQueues.get(queueKey) === next) updateQueues.delete(queueKey); });
      return next;
    },
  };
}
