/*
 * Messages per second through two flows in one embedded Node-RED runtime, both asking Flink for the same job's
 * status: this package's `flink-job-status` node, and Node-RED's core `http request` node doing the same GET
 * (keep-alive on, JSON parsed). Each contender keeps `WINDOW` messages in flight; they alternate in batches.
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../dev/paths';
import { alternate, median } from './stats';

const WINDOW = 16;

export interface NodeFlows { batches: number; batchSize: number; flinkJobStatus: number; httpRequest: number }

type Message = Record<string, unknown>;
interface RuntimeNode { receive(msg: Message): void; on(event: string, listener: (...args: any[]) => void): void } // eslint-disable-line @typescript-eslint/no-explicit-any
export interface EmbeddedRed {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: {
    registerType(set: string, type: string, ctor: (this: RuntimeNode, config: Record<string, unknown>) => void): void;
    createNode(node: RuntimeNode, config: Record<string, unknown>): void;
    getNode(id: string): RuntimeNode | null;
  };
  runtime: { flows: { setFlows(opts: Record<string, unknown>): Promise<unknown> } };
}

/** A Node-RED runtime with this package installed in its user dir, as `npm install` would. */
export async function startNodeRed(userDir: string): Promise<EmbeddedRed> {
  const scope = path.join(userDir, 'node_modules', '@flink-ops');
  mkdirSync(scope, { recursive: true });
  symlinkSync(projectRoot, path.join(scope, 'node-red-flink'), 'dir');
  const RED = require('node-red') as EmbeddedRed; // eslint-disable-line @typescript-eslint/no-require-imports
  RED.init(createServer(), {
    userDir, flowFile: 'flows.json', credentialSecret: 'bench', httpAdminRoot: false, httpNodeRoot: false,
    logging: { console: { level: process.env.BENCH_NODE_RED_LOG ?? 'warn', metrics: false, audit: false } }, editorTheme: { tours: false },
  });
  await RED.start();
  return RED;
}

/** Deploys `flows` (a full deploy) and waits until the nodes `started` run. */
export async function deploy(RED: EmbeddedRed, started: string[], flows: Array<Record<string, unknown>>): Promise<void> {
  await RED.runtime.flows.setFlows({ deploymentType: 'full', flows: { flows } });
  // setFlows answers once the flows are saved; they start a moment later.
  for (let i = 0; started.some((id) => !RED.nodes.getNode(id)); i++) {
    if (i > 200) throw new Error('the bench flows did not start (is the package built?)');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function nodeFlows(flinkUrl: string, jobId: string, batches: number, batchSize: number): Promise<NodeFlows> {
  const userDir = mkdtempSync(path.join(tmpdir(), 'bench-node-red-'));
  const RED = await startNodeRed(userDir);
  try {
    const arrived: Record<string, (msg: Message) => void> = {};
    RED.nodes.registerType('bench', 'bench-sink', function (config) {
      RED.nodes.createNode(this, config);
      const id = config.id as string;
      this.on('input', (msg: Message, _send: unknown, done: () => void) => { arrived[id]?.(msg); done(); });
    });
    await deploy(RED, ['flink', 'http-sink'], [
      { id: 'bench-tab', type: 'tab', label: 'bench' },
      { id: 'cluster', type: 'flink-cluster', name: 'bench', url: flinkUrl },
      { id: 'flink', z: 'bench-tab', type: 'flink-job-status', cluster: 'cluster', jobId, jobIdType: 'str', wires: [['flink-sink']] },
      { id: 'flink-sink', z: 'bench-tab', type: 'bench-sink', wires: [] },
      {
        id: 'http', z: 'bench-tab', type: 'http request', method: 'GET', ret: 'obj', paytoqs: 'ignore', persist: true,
        url: `${flinkUrl}/jobs/${jobId}/status`, wires: [['http-sink']],
      },
      { id: 'http-sink', z: 'bench-tab', type: 'bench-sink', wires: [] },
      { id: 'catch-failures', z: 'bench-tab', type: 'catch', scope: null, uncaught: false, wires: [['failures']] },
      { id: 'failures', z: 'bench-tab', type: 'bench-sink', wires: [] },
    ]);
    const flows = {
      flinkJobStatus: { entry: 'flink', sink: 'flink-sink', ok: (msg: Message) => (msg.payload as { state?: string }).state === 'RUNNING' },
      httpRequest: { entry: 'http', sink: 'http-sink', ok: (msg: Message) => (msg.payload as { status?: string }).status === 'RUNNING' },
    };

    /** Sends `count` messages through a flow, WINDOW at a time; resolves with msgs/s. */
    const throughput = (which: keyof typeof flows, count: number): Promise<number> => new Promise((resolve, reject) => {
      const { entry, sink, ok } = flows[which];
      const node = RED.nodes.getNode(entry)!;
      let sent = 0;
      let done = 0;
      const started = performance.now();
      const sendOne = (): void => { sent++; node.receive({ payload: sent }); };
      arrived.failures = (msg) => reject(new Error(`${which}: ${JSON.stringify(msg.error)}`));
      arrived[sink] = (msg) => {
        if (!ok(msg)) return reject(new Error(`${which} gave ${JSON.stringify(msg.payload)}`));
        done++;
        if (done === count) resolve(count / ((performance.now() - started) / 1000));
        else if (sent < count) sendOne();
      };
      for (let i = 0; i < Math.min(WINDOW, count); i++) sendOne();
    });

    for (const which of ['flinkJobStatus', 'httpRequest'] as const) await throughput(which, 500); // warm-up
    const samples = await alternate(['flinkJobStatus', 'httpRequest'] as const, batches, async (which) => [await throughput(which, batchSize)]);
    return { batches, batchSize, flinkJobStatus: median(samples.flinkJobStatus), httpRequest: median(samples.httpRequest) };
  } finally {
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
  }
}
