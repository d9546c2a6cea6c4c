import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One node of a Node-RED flow file: only the keys this module reads are typed. */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  [key: string]: unknown;
}

export interface ExampleFlow {
  /** Path below `examples/` without `.json`, as Node-RED's Import > Examples menu labels it. */
  name: string;
  nodes: FlowNode[];
}

export const CLUSTER_NODE_TYPE = 'flink-cluster';

/** Every `*.json` below `dir` (sub-folders too), sorted by name; none when the folder is missing. */
export function readExampleFlows(dir: string): ExampleFlow[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const nodes: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      if (!Array.isArray(nodes)) throw new Error(`examples/${file} is not a flow (an array of nodes)`);
      return { name: file.replace(/\.json$/, ''), nodes: nodes as FlowNode[] };
    });
}

const newId = (): string => randomBytes(8).toString('hex');

/** Gives nodes whose id is already taken a new id, and follows it in wires, `z` and config references. */
function withFreeIds(nodes: FlowNode[], taken: Set<string>): FlowNode[] {
  const renamed = new Map<string, string>();
  for (const node of nodes) if (taken.has(node.id)) renamed.set(node.id, newId());
  if (renamed.size === 0) return nodes;
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string') return renamed.get(value) ?? value;
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rename(inner)]));
    }
    return value;
  };
  return nodes.map((node) => rename(node) as FlowNode);
}

/**
 * Puts an example's flow nodes on a tab of their own (labelled with the example's name) unless the
 * example brings its tab; config nodes without `z` stay global.
 */
function onItsOwnTab(example: ExampleFlow): FlowNode[] {
  const containers = new Set(example.nodes.filter((n) => n.type === 'tab' || n.type === 'subflow').map((n) => n.id));
  const homeless = (node: FlowNode): boolean =>
    !containers.has(node.id) && !(node.z && containers.has(node.z)) && (node.z !== undefined || 'x' in node);
  if (!example.nodes.some(homeless)) return example.nodes;
  const tab: FlowNode = { id: newId(), type: 'tab', label: example.name, disabled: false, info: '' };
  return [tab, ...example.nodes.map((node) => (homeless(node) ? { ...node, z: tab.id } : node))];
}

/** One flow file with every example on its own tab, each `flink-cluster` node pointed at `flinkUrl`. */
export function seedFlows(examples: ExampleFlow[], flinkUrl: string): FlowNode[] {
  const flows: FlowNode[] = [];
  const taken = new Set<string>();
  for (const example of examples) {
    const nodes = withFreeIds(onItsOwnTab(example), taken);
    for (const node of nodes) taken.add(node.id);
    flows.push(...nodes);
  }
  return flows.map((node) => (node.type === CLUSTER_NODE_TYPE ? { ...node, url: flinkUrl } : node));
}

/** Moves `flink-cluster` nodes that pointed at the previous run's Flink to this run's; returns how many. */
export function repointClusters(flows: FlowNode[], fromUrl: string, toUrl: string): number {
  let moved = 0;
  for (const node of flows) {
    if (node.type === CLUSTER_NODE_TYPE && node.url === fromUrl && fromUrl !== toUrl) {
      node.url = toUrl;
      moved += 1;
    }
  }
  return moved;
}
