/*
 * Rows per second of one bounded query through Flink's SQL Gateway, side by side in one run:
 *   - `flink-sql` streaming: the real node in an embedded Node-RED, each page of rows its own message (maxRows and
 *     the query time limit high enough), rows counted at a sink node; timed from the input message to the last one;
 *   - `flink-sql` whole: the same node without streaming, all rows in one message;
 *   - a bare loop: undici over the gateway's REST API (the highest version it lists), JSON.parse of each page,
 *     following nextResultUri until EOS (NOT_READY asked again after 50 ms), then the operation closed.
 * Neither waits after a page with no rows (the client does not either): the gateway answers at once with what it has.
 * Each contender has a session of its own with the same CREATE TABLE, opened before the timed runs. The query is
 * `SELECT * FROM <table>` over a datagen table of `rows` rows whose ids run 1..rows: each run checks it got every
 * row exactly (the count and the sum of the ids).
 *
 * Memory: heap used after a full gc, sampled every SAMPLE_MS during one untimed run of each contender at each of a
 * few row counts (20k, 100k, 300k); what counts is the peak's growth over the heap before the run, and how it grows
 * with the rows: flat for a contender that holds one page at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { heapAfterGc } from './heap';
import { deploy, startNodeRed, type EmbeddedRed } from './node-flows';
import { alternate, median } from './stats';

export const SQL_CONTENDERS = ['streaming', 'whole', 'bare'] as const;
export type SqlContender = (typeof SQL_CONTENDERS)[number];

/** One run's figures. */
export interface QueryRun {
  rows: number; idSum: number; ms: number; pages: number; notReady: number;
  /** The bare loop's pages with no rows. */
  emptyPages?: number;
  /** Rows of the largest page (in the whole node's one message, every row). */
  largestPage: number;
  /** CPU time of this process (user and system) during the run. */
  cpuMs?: number;
}
/** Peak growth of the heap after gc over the heap before the run, in bytes, per row count. */
export type HeapPeaks = Record<number, { bytes: number; largestPage: number }>;

export interface SqlRows {
  rows: number;
  rounds: number;
  apiVersion: string;
  /** Median rows/s per contender. */
  rowsPerSecond: Record<SqlContender, number>;
  /** Every timed run's rows/s, in run order. */
  samples: Record<SqlContender, number[]>;
  /** Pages of the bare loop's runs and those with no rows (medians), and NOT_READY answers it waited on (total). */
  barePages: number;
  bareEmptyPages: number;
  /** Median CPU time of this process per timed run. */
  cpuMs: Record<SqlContender, number>;
  bareNotReady: number;
  heapRows: number[];
  heap: Record<SqlContender, HeapPeaks>;
}

type Message = Record<string, unknown>;

const SAMPLE_MS = 100;
/** The bare loop's wait after a NOT_READY answer. */
const NOT_READY_WAIT_MS = 50;
/**
 * The node's row limit: its highest, above every row count here, so that it reads to EOS as the bare loop does (at
 * a limit equal to the row count it stops at the limit, one page before EOS, and says `limit`).
 */
const NODE_MAX_ROWS = 1_000_000;
const table = (rows: number): string => `bench_rows_${rows}`;

/** A datagen table of `rows` rows, ids 1..rows, as fast as the source makes them (datagen's default is 10,000 rows/s). */
function createTable(rows: number): string {
  return `CREATE TABLE ${table(rows)} (id BIGINT, amount INT, region STRING) WITH (
    'connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '1000000000',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}',
    'fields.amount.min' = '1', 'fields.amount.max' = '10000', 'fields.region.length' = '8')`;
}

/** Throws unless `count` rows with ids summing to 1 + 2 + ... + rows arrived. */
function checkRows(which: string, rows: number, count: number, idSum: number): void {
  const expected = (rows * (rows + 1)) / 2;
  if (count !== rows || idSum !== expected) throw new Error(`${which}: ${count} rows with ids summing to ${idSum}, expected ${rows} summing to ${expected}`);
}

/** The bare loop: a session of its own over undici, a query read page by page. */
class BareLoop {
  private readonly agent = new Agent({ connections: 4, keepAliveTimeout: 4_000 });
  private session = '';
  apiVersion = '';

  constructor(private readonly gatewayUrl: string) {}

  private async call(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await request(`${this.gatewayUrl}${route}`, {
      dispatcher: this.agent, method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`bare loop: ${method} ${route} answered ${response.statusCode}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }

  async open(setup: string[]): Promise<void> {
    const { versions } = await this.call('GET', '/api_versions') as { versions: string[] };
    this.apiVersion = `v${Math.max(...versions.map((v) => Number(/^V(\d+)$/i.exec(v)?.[1])).filter(Number.isInteger))}`;
    this.session = (await this.call('POST', `/${this.apiVersion}/sessions`, { properties: {} })).sessionHandle;
    for (const statement of setup) await this.query(statement, () => undefined);
  }

  /** Runs a statement and reads its result to EOS, handing each page's rows to `onRows`; closes the operation. */
  async query(statement: string, onRows: (data: Array<{ fields: unknown[] }>) => void): Promise<{ pages: number; emptyPages: number; notReady: number; largestPage: number }> {
    const sessionPath = `/${this.apiVersion}/sessions/${this.session}`;
    const { operationHandle } = await this.call('POST', `${sessionPath}/statements`, { statement });
    let next = `${sessionPath}/operations/${operationHandle}/result/0?rowFormat=JSON`;
    let pages = 0;
    let notReady = 0;
    let emptyPages = 0;
    let largestPage = 0;
    for (;;) {
      const page = await this.call('GET', next) as { resultType: string; nextResultUri?: string; results?: { data?: Array<{ fields: unknown[] }> } };
      if (page.resultType === 'NOT_READY') {
        notReady++;
        await sleep(NOT_READY_WAIT_MS);
        continue;
      }
      pages++;
      largestPage = Math.max(largestPage, page.results?.data?.length ?? 0);
      if (page.results?.data?.length) onRows(page.results.data);
      else emptyPages++;
      if (page.resultType === 'EOS' || !page.nextResultUri) break;
      next = page.nextResultUri;
    }
    await this.call('DELETE', `${sessionPath}/operations/${operationHandle}/close`);
    return { pages, emptyPages, notReady, largestPage };
  }

  async close(): Promise<void> {
    if (this.session) await this.call('DELETE', `/${this.apiVersion}/sessions/${this.session}`).catch(() => undefined);
    await this.agent.close();
  }
}

/** The flink-sql nodes (streaming and whole) in a Node-RED runtime, their messages counted at sink nodes. */
async function sqlNodes(RED: EmbeddedRed, clusterUrl: string, gatewayUrl: string, setup: string, maxRows: number): Promise<(which: 'streaming' | 'whole', rows: number) => Promise<QueryRun>> {
  const arrived: Record<string, (msg: Message) => void> = {};
  RED.nodes.registerType('bench-sql', 'bench-sql-sink', function (config) {
    RED.nodes.createNode(this, config);
    const id = config.id as string;
    this.on('input', (msg: Message, _send: unknown, done: () => void) => { arrived[id]?.(msg); done(); });
  });
  const node = (id: string, streaming: boolean): Record<string, unknown> => ({
    id, z: 'bench-tab', type: 'flink-sql', cluster: 'cluster', setup, streaming, maxRows, queryTimeLimit: 600, wires: [[`${id}-sink`]],
  });
  await deploy(RED, ['streaming', 'whole'], [
    { id: 'bench-tab', type: 'tab', label: 'bench' },
    { id: 'cluster', type: 'flink-cluster', name: 'bench', url: clusterUrl, sqlGatewayUrl: gatewayUrl },
    node('streaming', true), { id: 'streaming-sink', z: 'bench-tab', type: 'bench-sql-sink', wires: [] },
    node('whole', false), { id: 'whole-sink', z: 'bench-tab', type: 'bench-sql-sink', wires: [] },
    { id: 'catch-failures', z: 'bench-tab', type: 'catch', scope: null, uncaught: false, wires: [['failures']] },
    { id: 'failures', z: 'bench-tab', type: 'bench-sql-sink', wires: [] },
  ]);
  return (which, rows) => new Promise((resolve, reject) => {
    let count = 0;
    let idSum = 0;
    let pages = 0;
    let largestPage = 0;
    const add = (payload: Array<{ id: number }>): void => {
      pages++;
      largestPage = Math.max(largestPage, payload.length);
      count += payload.length;
      for (const row of payload) idSum += row.id;
    };
    arrived.failures = (msg) => reject(new Error(`flink-sql ${which}: ${JSON.stringify(msg.error)}`));
    arrived[`${which}-sink`] = (msg) => {
      const payload = msg.payload as Array<{ id: number }> | { stopped: string; rowCount: number };
      if (which === 'streaming' && !Array.isArray(payload)) {
        const ms = performance.now() - started;
        if (payload.stopped !== 'eos' || payload.rowCount !== count) reject(new Error(`flink-sql streaming ended with ${JSON.stringify(payload)} after ${count} rows`));
        resolve({ rows: count, idSum, ms, pages, notReady: 0, largestPage });
        return;
      }
      if (!Array.isArray(payload)) return reject(new Error(`flink-sql ${which} sent ${JSON.stringify(payload).slice(0, 200)}`));
      add(payload);
      if (which === 'whole') {
        const ms = performance.now() - started;
        if (msg.stopped !== 'eos') reject(new Error(`flink-sql whole stopped by ${String(msg.stopped)}`));
        resolve({ rows: count, idSum, ms, pages, notReady: 0, largestPage });
      }
    };
    const started = performance.now();
    RED.nodes.getNode(which)!.receive({ sql: `SELECT * FROM ${table(rows)}` });
  });
}

/** Runs `run` while sampling the heap after gc every SAMPLE_MS: the peak's growth over the heap before it. */
async function heapPeak(run: () => Promise<QueryRun>): Promise<{ bytes: number; largestPage: number }> {
  const before = heapAfterGc();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, heapAfterGc(1)); }, SAMPLE_MS);
  let largestPage: number;
  try {
    ({ largestPage } = await run());
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, heapAfterGc(1));
  return { bytes: peak - before, largestPage };
}

export async function sqlRows(clusterUrl: string, gatewayUrl: string, rows: number, rounds: number, heapRows: number[]): Promise<SqlRows> {
  const sizes = [...new Set([rows, ...heapRows])];
  const setupStatements = sizes.map(createTable);
  const userDir = mkdtempSync(path.join(tmpdir(), 'bench-node-red-'));
  const RED = await startNodeRed(userDir);
  const bare = new BareLoop(gatewayUrl);
  try {
    await bare.open(setupStatements);
    const nodeRun = await sqlNodes(RED, clusterUrl, gatewayUrl, setupStatements.join(';\n'), NODE_MAX_ROWS);
    const barePages: number[] = [];
    const bareEmptyPages: number[] = [];
    let bareNotReady = 0;
    const cpuMs: Record<SqlContender, number[]> = { streaming: [], whole: [], bare: [] };
    const runOnce = async (which: SqlContender, size: number): Promise<QueryRun> => {
      const cpu = process.cpuUsage();
      const run = which === 'bare' ? await bareRun(size) : await nodeRun(which, size);
      const { user, system } = process.cpuUsage(cpu);
      checkRows(which, size, run.rows, run.idSum);
      return { ...run, cpuMs: (user + system) / 1000 };
    };
    const bareRun = async (size: number): Promise<QueryRun> => {
      let count = 0;
      let idSum = 0;
      const started = performance.now();
      const { pages, emptyPages, notReady, largestPage } = await bare.query(`SELECT * FROM ${table(size)}`, (data) => {
        count += data.length;
        for (const row of data) idSum += row.fields[0] as number;
      });
      return { rows: count, idSum, ms: performance.now() - started, pages, emptyPages, notReady, largestPage };
    };

    for (const which of SQL_CONTENDERS) await runOnce(which, rows); // warm-up: sessions opened, JIT settled
    const samples = await alternate(SQL_CONTENDERS, rounds, async (which) => {
      const run = await runOnce(which, rows);
      cpuMs[which].push(run.cpuMs!);
      if (which === 'bare') { barePages.push(run.pages); bareEmptyPages.push(run.emptyPages!); bareNotReady += run.notReady; }
      return [run.rows / (run.ms / 1000)];
    });

    const heap = { streaming: {}, whole: {}, bare: {} } as Record<SqlContender, HeapPeaks>;
    for (const size of heapRows) {
      for (const which of SQL_CONTENDERS) heap[which][size] = await heapPeak(() => runOnce(which, size));
    }
    return {
      rows, rounds, apiVersion: bare.apiVersion, samples, heapRows, heap, bareNotReady,
      barePages: median(barePages), bareEmptyPages: median(bareEmptyPages),
      cpuMs: { streaming: median(cpuMs.streaming), whole: median(cpuMs.whole), bare: median(cpuMs.bare) },
      rowsPerSecond: { streaming: median(samples.streaming), whole: median(samples.whole), bare: median(samples.bare) },
    };
  } finally {
    await bare.close();
    await deploy(RED, [], []).catch(() => undefined);
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
  }
}
