/*
 * The Dashboard 2.0 jobs widget ui-flink-jobs (dashboard/) in the test helper's Node-RED with Dashboard 2.0's own
 * config nodes, its browsers socket.io clients as the widget's tests use (test/dashboard/dashboard-socket.ts):
 *   - latency: a job cancelled through Flink's REST API, until a browser receives its row CANCELED (and, for
 *     comparison, until Flink itself reports CANCELED to a client asking every 50 ms), at a listing interval of
 *     1 s and the default 5 s, the cancel at a random moment or right after a listing (the worst case);
 *   - requests: the JobManager requests the widget causes per listing interval (the default 5 s, health rounds
 *     every 30 s as the Ops dashboard example has them), counted by a proxy in front of Flink: 1 widget with 3
 *     browsers, and 3 widgets on one cluster config with 3 browsers.
 */
import { FlinkClusterClient } from '../src';
import { dashboardFlow } from '../test/dashboard/dashboard-page';
import { DASHBOARD_NODES } from '../test/dashboard/dashboard-runtime';
import { latestRow, openDashboardSocket, type DashboardSocket, type Table } from '../test/dashboard/dashboard-socket';
import type { TestFlink } from '../test/flink/test-cluster';
import { startFlinkProxy } from '../test/nodes/flink-proxy';
import { eventually, FLINK_NODES, helper } from '../test/nodes/node-harness';
import { median, percentile } from './stats';

/**
 * When the job is cancelled: right after the listing that showed it RUNNING reached the browser (the worst case:
 * the change waits a whole interval for the next listing), or at a random moment within the interval after it.
 */
export type CancelPhase = 'after a listing' | 'at random';
export interface DashboardLatency { intervalS: number; phase: CancelPhase; runs: number; browserMs: number[]; flinkMs: number[] }
export interface DashboardRequests {
  widgets: number; browsers: number; intervalS: number; seconds: number;
  /** Requests per listing interval: all, `GET /jobs/overview`, and those about one job. */
  perInterval: { all: number; listings: number; perJob: number };
  /** Each path (job ids as :id) with its count over the whole time. */
  paths: Record<string, number>;
}

const NODES = [...FLINK_NODES, ...DASHBOARD_NODES];
const DEFAULT_INTERVAL_S = 5;
const DEFAULT_HEALTH_S = 30;
/** Time for the deploy's first listing, parallelism requests and health round, left out of the count. */
const SETTLE_MS = 3000;

/** A dashboard at /dashboard with `widgets` jobs widgets on one cluster config, each on the jobs `nameFilter` matches. */
function benchFlow(clusterUrl: string, widgets: number, widget: Record<string, unknown>): Array<Record<string, unknown>> {
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'cluster', type: 'flink-cluster', name: 'bench', url: clusterUrl, retries: 0 },
    ...dashboardFlow('dashboard-', Array.from({ length: widgets }, (_, i) => ({ id: `widget-${i}`, z: 'tab', cluster: 'cluster', nameMatch: 'regex', wires: [[]], ...widget }))),
  ];
}

async function browsers(count: number, widgetId: string): Promise<DashboardSocket[]> {
  return Promise.all(Array.from({ length: count }, () => openDashboardSocket(helper.url(), widgetId)));
}

/** Resolves with the time (performance.now()) the browser receives a table in which `check` holds. */
function tableWhere(browser: DashboardSocket, check: (table: Table) => boolean): Promise<number> {
  return new Promise((resolve) => { browser.onTable = (table) => { if (check(table)) resolve(performance.now()); }; });
}

async function latency(flink: TestFlink, client: FlinkClusterClient, prefix: string, intervalS: number, phase: CancelPhase, runs: number): Promise<DashboardLatency> {
  await helper.load(NODES, benchFlow(flink.url, 1, { nameFilter: `^${prefix}`, interval: intervalS, healthInterval: 0 }));
  const [browser] = await browsers(1, 'widget-0');
  const result: DashboardLatency = { intervalS, phase, runs, browserMs: [], flinkMs: [] };
  try {
    for (let run = 0; run < runs; run++) {
      const jobId = await flink.startJob({ name: `${prefix}${intervalS}s-${phase === 'at random' ? 'r' : 'l'}${run}` });
      await eventually(() => latestRow(browser!, jobId)?.state === 'RUNNING', 'the job RUNNING in the browser', 60_000);
      if (phase === 'at random') await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalS * 1000));
      const shown = tableWhere(browser!, (table) => table.rows.some((row) => row.jobId === jobId && row.state === 'CANCELED'));
      const start = performance.now();
      await client.cancel(jobId);
      let flinkAt: number | undefined;
      while (flinkAt === undefined) {
        if (await client.getJobStatus(jobId) === 'CANCELED') flinkAt = performance.now();
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      result.browserMs.push(await shown - start);
      result.flinkMs.push(flinkAt - start);
    }
  } finally {
    browser!.close();
    await helper.unload();
  }
  return result;
}

async function requests(flink: TestFlink, prefix: string, widgets: number, browserCount: number, seconds: number): Promise<DashboardRequests> {
  const proxy = await startFlinkProxy(flink.url);
  try {
    await helper.load(NODES, benchFlow(proxy.url, widgets, { nameFilter: `^${prefix}`, interval: DEFAULT_INTERVAL_S, healthInterval: DEFAULT_HEALTH_S }));
    const open = await browsers(browserCount, 'widget-0');
    try {
      await eventually(() => open.every((browser) => browser.tables.some((table) => table.rows.length > 0)), 'the jobs in every browser', 60_000);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const before = proxy.requests.length;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const counted = proxy.requests.slice(before).map((request) => request.path.split('?')[0]!.replace(/[0-9a-f]{32}/g, ':id'));
      const paths: Record<string, number> = {};
      for (const path of counted) paths[path] = (paths[path] ?? 0) + 1;
      const intervals = seconds / DEFAULT_INTERVAL_S;
      return {
        widgets, browsers: browserCount, intervalS: DEFAULT_INTERVAL_S, seconds, paths,
        perInterval: {
          all: counted.length / intervals,
          listings: counted.filter((path) => path === '/jobs/overview').length / intervals,
          perJob: counted.filter((path) => path.startsWith('/jobs/:id')).length / intervals,
        },
      };
    } finally {
      for (const browser of open) browser.close();
      await helper.unload();
    }
  } finally {
    await proxy.close();
  }
}

export interface DashboardBench { latency: DashboardLatency[]; requests: DashboardRequests[]; jobs: number }

export async function dashboardBench(flink: TestFlink, runs: number, jobs: number, seconds: number): Promise<DashboardBench> {
  const prefix = `bench-dash-${process.pid}-`;
  const client = new FlinkClusterClient({ url: flink.url });
  const steady: string[] = [];
  await helper.startServer();
  try {
    const measured: DashboardLatency[] = [];
    for (const intervalS of [1, DEFAULT_INTERVAL_S]) {
      for (const phase of ['at random', 'after a listing'] as const) measured.push(await latency(flink, client, prefix, intervalS, phase, runs));
    }
    for (let i = 0; i < jobs; i++) steady.push(await flink.startJob({ name: `${prefix}steady-${i}` }));
    const counted = [await requests(flink, `${prefix}steady-`, 1, 3, seconds), await requests(flink, `${prefix}steady-`, 3, 3, seconds)];
    return { latency: measured, requests: counted, jobs };
  } finally {
    for (const jobId of steady) await client.cancel(jobId).catch(() => undefined);
    await client.close();
    await helper.stopServer();
  }
}

export const latencySummary = (samples: number[]): { median: number; p95: number } => ({ median: median(samples), p95: percentile(samples, 95) });
