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

/** The long-running jobs `npm start` submits: the ones the example flows act on. */
export const EXAMPLE_JOBS = ['orders-enrichment', 'clickstream-sessions'] as const;

/**
 * The jobs examples deploy themselves (the rescale and autoscale examples' *deploy the job*, the SQL pipeline's *deploy*), which
 * `npm start` does not submit.
 */
export const DEPLOYED_EXAMPLE_JOBS = ['pageview-counts', 'orders-sql', 'checkout-events'] as const;

/**
 * The flow environment variable (on the example's tab) that names the job an example acts on; its Flink
 * nodes have `${FLINK_JOB_NAME}` as job name, which Node-RED replaces with the value when it starts them.
 */
export const JOB_NAME_ENV = 'FLINK_JOB_NAME';

interface EnvEntry { name: string; value: string; type: string }

/** The tab's `FLINK_JOB_NAME`: the job the example acts on, or undefined for an example without one. */
export function exampleJobName(nodes: FlowNode[]): string | undefined {
  const env = nodes.find((node) => node.type === 'tab')?.env as EnvEntry[] | undefined;
  return env?.find((entry) => entry.name === JOB_NAME_ENV)?.value;
}

/** The example with its tab's `FLINK_JOB_NAME` set to `jobName`, as a user edits it in the tab's dialog. */
export function withExampleJobName(nodes: FlowNode[], jobName: string): FlowNode[] {
  return nodes.map((node) => {
    if (node.type !== 'tab') return node;
    const env = (node.env as EnvEntry[] | undefined) ?? [];
    if (!env.some((entry) => entry.name === JOB_NAME_ENV)) throw new Error(`tab ${node.id} has no ${JOB_NAME_ENV}`);
    return { ...node, env: env.map((entry) => (entry.name === JOB_NAME_ENV ? { ...entry, value: jobName } : entry)) };
  });
}

/** The Alertmanager webhook body an example's comment documents (the JSON after `-d` in its curl line). */
export function sampleAlert(nodes: FlowNode[]): unknown {
  for (const node of nodes) {
    const match = node.type === 'comment' ? /curl -X POST \S+ .*-d '(\{.*\})'/.exec(String(node.info ?? '')) : null;
    if (match) return JSON.parse(match[1]!);
  }
  return undefined;
}

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

/** Where `npm start` points the examples' `flink-cluster` nodes: Flink's REST API and its SQL Gateway (none: empty). */
export interface ClusterAddresses {
  flinkUrl: string;
  sqlGatewayUrl?: string;
}

/** One flow file with every example on its own tab, each `flink-cluster` node pointed at `to`. */
export function seedFlows(examples: ExampleFlow[], to: ClusterAddresses): FlowNode[] {
  const flows: FlowNode[] = [];
  const taken = new Set<string>();
  for (const example of examples) {
    const nodes = withFreeIds(onItsOwnTab(example), taken);
    for (const node of nodes) taken.add(node.id);
    flows.push(...nodes);
  }
  return flows.map((node) => (node.type === CLUSTER_NODE_TYPE
    ? { ...node, url: to.flinkUrl, sqlGatewayUrl: to.sqlGatewayUrl ?? '' } : node));
}

/**
 * Moves `flink-cluster` nodes that pointed at the previous run's Flink to this run's, and their SQL gateway to this
 * run's when it was the previous run's or none (as in flows seeded before `npm start` had one); returns how many.
 */
export function repointClusters(flows: FlowNode[], from: ClusterAddresses, to: ClusterAddresses): number {
  const [fromGateway, toGateway] = [from.sqlGatewayUrl ?? '', to.sqlGatewayUrl ?? ''];
  let moved = 0;
  for (const node of flows) {
    if (node.type !== CLUSTER_NODE_TYPE || node.url !== from.flinkUrl) continue;
    const gateway = typeof node.sqlGatewayUrl === 'string' ? node.sqlGatewayUrl : '';
    const movesGateway = (gateway === fromGateway || gateway === '') && gateway !== toGateway;
    if (from.flinkUrl === to.flinkUrl && !movesGateway) continue;
    node.url = to.flinkUrl;
    if (movesGateway) node.sqlGatewayUrl = toGateway;
    moved += 1;
  }
  return moved;
}

/**
 * The paths (below Node-RED's root) of the Dashboard 2.0 pages that show a widget of `widgetType`, e.g.
 * `/dashboard/ops`: its `ui-group`'s `ui-page` under that page's `ui-base`.
 */
export function dashboardPagesWith(flows: FlowNode[], widgetType: string): string[] {
  const byId = new Map(flows.map((node) => [node.id, node]));
  const pages = new Set<string>();
  for (const widget of flows.filter((node) => node.type === widgetType)) {
    const group = byId.get(String(widget.group));
    const page = group && byId.get(String(group.page));
    const base = page && byId.get(String(page.ui));
    if (typeof base?.path === 'string' && typeof page?.path === 'string') pages.add(`/${base.path}/${page.path}`.replace(/\/{2,}/g, '/'));
  }
  return [...pages].sort();
}
