import helper from 'node-red-node-test-helper';
import flinkAutoscale from '../../nodes/flink-autoscale';
import flinkCancel from '../../nodes/flink-cancel';
import flinkCheckpoint from '../../nodes/flink-checkpoint';
import flinkCluster from '../../nodes/flink-cluster';
import flinkDisposeSavepoint from '../../nodes/flink-dispose-savepoint';
import flinkJobHealth from '../../nodes/flink-job-health';
import flinkJobMetrics from '../../nodes/flink-job-metrics';
import flinkJobInfo from '../../nodes/flink-job-info';
import flinkJobStatus from '../../nodes/flink-job-status';
import flinkJobWatch from '../../nodes/flink-job-watch';
import flinkListJobs from '../../nodes/flink-list-jobs';
import flinkRescale from '../../nodes/flink-rescale';
import flinkRunJob from '../../nodes/flink-run-job';
import flinkUpgrade from '../../nodes/flink-upgrade';
import flinkSavepoint from '../../nodes/flink-savepoint';
import flinkSavepoints from '../../nodes/flink-savepoints';
import flinkSql from '../../nodes/flink-sql';
import flinkStop from '../../nodes/flink-stop';
import { cancelJob, type RunOptions } from '../../dev/flink/job';
import { requireLocalRun } from '../flink/skips';
import type { FlinkProxy, ProxiedRequest } from './flink-proxy';
import { testFlink, type TestFlink, type TestFlinkOptions } from '../flink/test-cluster';
import { eventually } from '../support/eventually';
import { uniqueName } from '../support/ids';

helper.init(require.resolve('node-red'));

export { helper };
/** The node tests' wait and names; they live in test/support so that tests without Node-RED can import them. */
export { eventually, uniqueName };

/** Every node module of the package, as helper.load takes them. */
export const FLINK_NODES: unknown[] = [
  flinkCluster, flinkListJobs, flinkJobStatus, flinkCancel, flinkSavepoint, flinkStop, flinkCheckpoint,
  flinkDisposeSavepoint, flinkJobInfo, flinkJobWatch, flinkSavepoints, flinkJobHealth, flinkJobMetrics, flinkRunJob, flinkRescale, flinkAutoscale,
  flinkUpgrade, flinkSql,
];

export type FlowNode = Record<string, unknown> & { id: string; type: string };

const TAB = 'tab';

/**
 * A flow on one tab: every node gets `z` (Catch and Status nodes need it); config nodes stay global.
 * Node ids must differ from every property value (Node-RED takes such a value for a config node reference).
 */
function onTab(nodes: FlowNode[]): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'test' },
    ...nodes.map((node) => (node.type === 'flink-cluster' ? node : { z: TAB, ...node })),
  ];
}

export function clusterConfig(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'cluster', type: 'flink-cluster', name: 'test cluster', url, retries: 0, ...extra };
}

/** A Catch node for the whole tab, wired to a helper node `caught`. */
function catchAll(): FlowNode[] {
  return [
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The next message a node receives, or a rejection naming the node after `timeoutMs`. */
export function nextMessage(nodeId: string, timeoutMs = 30_000): Promise<Message> {
  const node = helper.getNode(nodeId);
  if (!node) throw new Error(`no node ${nodeId} in the flow`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.removeListener('input', onInput);
      reject(new Error(`node ${nodeId} received no message within ${timeoutMs} ms`));
    }, timeoutMs);
    function onInput(msg: Message): void {
      clearTimeout(timer);
      resolve(msg);
    }
    node.once('input', onInput);
  });
}

/** Collects the messages a node receives, from now on. */
export function collect(nodeId: string): Message[] {
  const node = helper.getNode(nodeId);
  if (!node) throw new Error(`no node ${nodeId} in the flow`);
  const messages: Message[] = [];
  node.on('input', (msg: Message) => messages.push(msg));
  return messages;
}

export interface StatusRecord { fill?: string; shape?: string; text?: string }

/** Records each status a node shows, from now on. */
export function statuses(nodeId: string): StatusRecord[] {
  const node = helper.getNode(nodeId);
  if (!node) throw new Error(`no node ${nodeId} in the flow`);
  const seen: StatusRecord[] = [];
  node.on('call:status', (call: { args: [StatusRecord] }) => seen.push(call.args[0]));
  return seen;
}

/** Sends a message into a node and returns what arrives at `outputId` (or throws after the timeout). */
export async function roundTrip(inputId: string, msg: Message, outputId: string, timeoutMs?: number): Promise<Message> {
  const arrived = nextMessage(outputId, timeoutMs);
  helper.getNode(inputId)!.receive(msg);
  return arrived;
}


/** The cluster's job listings the proxy saw (the shared poller's), in order. */
export const listingsAt = (proxy: FlinkProxy): ProxiedRequest[] => proxy.requests.filter((request) => request.path.split('?')[0] === '/jobs/overview');

/**
 * Waits until `count` more of the requests `of` lists have reached the proxy after this call, and one more after
 * them; returns those `count`. Listings run one at a time, as do one job's health rounds, so the one after them
 * shows that the nodes have had the answers (or failures) of all `count`: the window they make is what a
 * "nothing more happens" check needs, however slow the machine.
 */
export async function nextRequests(of: () => ProxiedRequest[], count: number, what: string, timeoutMs = 90_000): Promise<ProxiedRequest[]> {
  const from = of().length;
  await eventually(() => of().length > from + count, `${count} more ${what} and the one after them`, timeoutMs);
  return of().slice(from, from + count);
}

export interface FlowOptions {
  /** Add no Catch node (default: a Catch for the tab, wired to `caught`). */
  noCatch?: boolean;
  /** Helper nodes to add (default: `out` and `err`); ids a node under test is wired to. */
  helpers?: string[];
}

/**
 * The one flow builder of the node tests: the cluster config node `cluster` (a URL makes `clusterConfig(url)`;
 * none leaves it out), the nodes (each flink node gets `cluster: 'cluster'` unless it says otherwise), helper
 * nodes `out` and `err`, and a Catch for the tab wired to `caught`.
 */
export function testFlow(cluster: string | FlowNode | undefined, nodes: Array<Record<string, unknown>>, options: FlowOptions = {}): FlowNode[] {
  const config = typeof cluster === 'string' ? clusterConfig(cluster) : cluster;
  return onTab([
    ...(config ? [config] : []),
    ...nodes.map((node) => (String(node.type).startsWith('flink-') && config ? { cluster: config.id, ...node } : node) as FlowNode),
    ...(options.helpers ?? ['out', 'err']).map((id) => ({ id, type: 'helper' })),
    ...(options.noCatch ? [] : catchAll()),
  ]);
}

/** A flow with one node under test, `n`, wired to `out` (and to `err` when it has the error output). */
export function operationFlow(cluster: string | FlowNode, node: Record<string, unknown>): FlowNode[] {
  return testFlow(cluster, [{ id: 'n', wires: node.errorOutput === true ? [['out'], ['err']] : [['out']], ...node }]);
}

export interface NodeRedSuite {
  /** The run's shared Flink (set once the suite's `before` ran). */
  readonly flink: TestFlink;
  /** Starts the fixture job under a unique name; cancelled after the test that started it (after the suite from a `before`). */
  startJob(prefix: string, options?: Partial<RunOptions>): Promise<{ jobId: string; jobName: string }>;
  /** Closes `resource` after the running test, once its flow is unloaded. */
  closeAfterTest<T extends { close(): Promise<unknown> }>(resource: T): T;
}

/**
 * The one set of Mocha hooks for a suite of node tests: the shared Flink and the test helper's Node-RED before it,
 * each test's flow unloaded (and its resources closed) after the test, the suite's jobs cancelled and Node-RED
 * stopped after the suite. Read the fields inside tests and hooks.
 */
export function withNodeRed(options: TestFlinkOptions = {}): NodeRedSuite {
  let flink: TestFlink | undefined;
  const suiteJobs: string[] = [];
  const testJobs: string[] = [];
  let jobs = suiteJobs;
  const resources: Array<{ close(): Promise<unknown> }> = [];
  const cancelAll = (ids: string[]): Promise<unknown> => Promise.all(ids.splice(0).map((jobId) => cancelJob(flink!.url, jobId)));
  before(async function () {
    if (options.dedicatedTo) requireLocalRun(this, `a cluster of its own for ${options.dedicatedTo}`);
    flink = await testFlink(undefined, options);
    await helper.startServer();
  });
  beforeEach(function () {
    jobs = testJobs;
  });
  afterEach(async function () {
    jobs = suiteJobs;
    await helper.unload();
    await Promise.all(resources.splice(0).map((resource) => resource.close()));
    await cancelAll(testJobs);
  });
  after(async function () {
    if (flink) await cancelAll(suiteJobs);
    await helper.stopServer();
  });
  return {
    get flink() {
      if (!flink) throw new Error('the suite\'s before hook has not run yet');
      return flink;
    },
    async startJob(prefix, options = {}) {
      const jobName = uniqueName(prefix);
      const jobId = await this.flink.startJob({ name: jobName, ...options });
      jobs.push(jobId);
      return { jobId, jobName };
    },
    closeAfterTest(resource) {
      resources.push(resource);
      return resource;
    },
  };
}

/** `withNodeRed()` with one RUNNING job of a unique name, started before the suite. */
export function withRunningJob(prefix: string): NodeRedSuite & { jobName: string; jobId: string } {
  const suite = withNodeRed();
  const job = { jobName: '', jobId: '' };
  before(async function () {
    Object.assign(job, await suite.startJob(prefix));
  });
  return Object.defineProperties(suite, {
    jobName: { get: () => job.jobName },
    jobId: { get: () => job.jobId },
  }) as NodeRedSuite & typeof job;
}
