import helper from 'node-red-node-test-helper';
import flinkCancel from '../../nodes/flink-cancel';
import flinkCheckpoint from '../../nodes/flink-checkpoint';
import flinkCluster from '../../nodes/flink-cluster';
import flinkDisposeSavepoint from '../../nodes/flink-dispose-savepoint';
import flinkJobInfo from '../../nodes/flink-job-info';
import flinkJobStatus from '../../nodes/flink-job-status';
import flinkJobWatch from '../../nodes/flink-job-watch';
import flinkListJobs from '../../nodes/flink-list-jobs';
import flinkSavepoint from '../../nodes/flink-savepoint';
import flinkStop from '../../nodes/flink-stop';
import { cancelJob } from '../flink/job';
import { testFlink, type TestFlink } from '../flink/test-cluster';

helper.init(require.resolve('node-red'));

export { helper };

/** Every node module of the package, as helper.load takes them. */
export const FLINK_NODES: unknown[] = [
  flinkCluster, flinkListJobs, flinkJobStatus, flinkCancel, flinkSavepoint, flinkStop, flinkCheckpoint,
  flinkDisposeSavepoint, flinkJobInfo, flinkJobWatch,
];

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export const TAB = 'tab';

/**
 * A flow on one tab: every node gets `z` (Catch and Status nodes need it); config nodes stay global.
 * Node ids must differ from every property value (Node-RED takes such a value for a config node reference).
 */
export function onTab(nodes: FlowNode[]): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'test' },
    ...nodes.map((node) => (node.type === 'flink-cluster' ? node : { z: TAB, ...node })),
  ];
}

export function clusterConfig(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'cluster', type: 'flink-cluster', name: 'test cluster', url, retries: 0, ...extra };
}

/** A Catch node for the whole tab, wired to a helper node `caught`. */
export function catchAll(): FlowNode[] {
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

/** Waits until `check` holds, asking every 50 ms. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A job id no cluster has. */
export const UNKNOWN_JOB_ID = 'deadbeefdeadbeefdeadbeefdeadbeef';

/** A job name that is unique to this run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Mocha hooks for a suite on the shared Flink: the test helper's server, one RUNNING job with a unique name
 * (cancelled afterwards), and the flow unloaded after each test. Read the fields inside tests and hooks.
 */
export function withRunningJob(prefix: string): { flink: TestFlink; jobName: string; jobId: string } {
  const suite = {} as { flink: TestFlink; jobName: string; jobId: string };
  before(async function () {
    suite.flink = await testFlink();
    await helper.startServer();
    suite.jobName = uniqueName(prefix);
    suite.jobId = await suite.flink.startJob({ name: suite.jobName });
  });
  afterEach(async function () {
    await helper.unload();
  });
  after(async function () {
    await cancelJob(suite.flink.url, suite.jobId);
    await helper.stopServer();
  });
  return suite;
}
