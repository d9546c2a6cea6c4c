/*
 * Benchmarks against a real Flink (a local one through the test harness, or FLINK_URL), side by side in one run:
 *   client  FlinkClusterClient.getJobStatus vs a bare undici request (latency, one call at a time)
 *   flows   msgs/s of a flink-job-status flow vs Node-RED's core http request node doing the same GET
 *   heap    heap after gc before and after many getJobStatus calls
 *   watch   JobManager requests per minute for many nodes watching many jobs on one cluster: watch nodes with a
 *           config each (0.1), watch nodes on one shared config, health nodes and metrics nodes on one shared config
 *   sql     rows/s of a bounded query through the flink-sql node (streaming pages, and all rows in one message)
 *           vs a bare undici loop over the SQL Gateway's REST pages, and the heap's peak during the runs
 *           (a SQL Gateway next to the local cluster, or FLINK_SQL_GATEWAY_URL under FLINK_URL)
 *   dashboard  the Dashboard 2.0 jobs widget: from a job cancelled through Flink's REST API until a browser (a
 *           socket.io client) gets its row CANCELED (median, p95), and the JobManager requests per listing interval
 *           for 1 widget with 3 browsers and 3 widgets with 3 browsers
 *
 *   npm run bench                               all of them
 *   node --expose-gc dist/bench/main.js sql     only the ones named (after `npm run build` or `npx tsc`)
 *   (BENCH_CALLS, BENCH_FLOW_BATCHES, BENCH_FLOW_BATCH, BENCH_HEAP_CALLS, BENCH_WATCHES, BENCH_WATCH_JOBS,
 *    BENCH_WATCH_SECONDS, BENCH_SQL_ROWS, BENCH_SQL_ROUNDS, BENCH_SQL_HEAP_ROWS, BENCH_DASHBOARD_RUNS,
 *    BENCH_DASHBOARD_JOBS, BENCH_DASHBOARD_SECONDS change the sizes)
 */
import { clientVsUndici } from './client-vs-undici';
import { dashboardBench, latencySummary } from './dashboard';
import { heapGrowth } from './heap';
import { nodeFlows } from './node-flows';
import { SQL_CONTENDERS, sqlRows } from './sql-rows';
import { watchRequests, type RequestRate } from './watch-requests';
import { stopClustersStartedHere } from '../test/flink/shared-clusters';
import { testFlink } from '../test/flink/test-cluster';
import { testSqlGateway } from '../test/flink/test-sql-gateway';

const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const BENCHES = ['client', 'flows', 'heap', 'watch', 'sql', 'dashboard'] as const;
type Bench = (typeof BENCHES)[number];
type Row = [string, string, string, string];

function chosenBenches(): Set<Bench> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}: choose among ${BENCHES.join(', ')} (none: all)`);
  return new Set(names.length > 0 ? names as Bench[] : BENCHES);
}

const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const signedMb = (bytes: number): string => `${bytes < 0 ? '-' : '+'}${mb(Math.abs(bytes))}`;
const perMinute = (rate: RequestRate): string => `${rate.perMinute.toFixed(0)} (${rate.listingsPerMinute.toFixed(0)} listings)`;

async function main(): Promise<void> {
  process.env.FLINK_HARNESS_QUIET ??= '1';
  const chosen = chosenBenches();
  const flink = await testFlink();
  const needsJob = ['client', 'flows', 'heap', 'watch'].some((name) => chosen.has(name as Bench));
  const jobId = needsJob ? await flink.startJob({ name: 'bench-status' }) : '';
  const rows: Row[] = [];
  const notes: string[] = [];

  if (chosen.has('client')) {
    const latency = await clientVsUndici(flink.url, jobId, size('BENCH_CALLS', 2000));
    rows.push(
      [`getJobStatus latency, median (${latency.calls} calls each)`, `client ${us(latency.client.median)}`, `bare undici ${us(latency.bare.median)}`,
        `client/bare ${(latency.client.median / latency.bare.median).toFixed(2)}×`],
      ['getJobStatus latency, p99', `client ${us(latency.client.p99)}`, `bare undici ${us(latency.bare.p99)}`,
        `client/bare ${(latency.client.p99 / latency.bare.p99).toFixed(2)}×`],
    );
  }
  if (chosen.has('flows')) {
    const flows = await nodeFlows(flink.url, jobId, size('BENCH_FLOW_BATCHES', 6), size('BENCH_FLOW_BATCH', 1000));
    rows.push([`flow msgs/s, median of ${flows.batches} batches of ${flows.batchSize}`, `flink-job-status ${flows.flinkJobStatus.toFixed(0)}`,
      `http request ${flows.httpRequest.toFixed(0)}`, `flink/http ${(flows.flinkJobStatus / flows.httpRequest).toFixed(2)}×`]);
  }
  if (chosen.has('heap')) {
    const heap = await heapGrowth(flink.url, jobId, size('BENCH_HEAP_CALLS', 100_000));
    rows.push([`heap after gc, ${heap.calls} getJobStatus calls`, `before ${mb(heap.beforeBytes)}`, `after ${mb(heap.afterBytes)}`,
      `after/before ${(heap.afterBytes / heap.beforeBytes).toFixed(2)}×`]);
  }
  if (chosen.has('watch')) {
    const watch = await watchRequests(flink.url, jobId, size('BENCH_WATCHES', 20), size('BENCH_WATCH_JOBS', 50), size('BENCH_WATCH_SECONDS', 30));
    rows.push(
      [`JobManager requests/min, ${watch.nodes} watch nodes, ${watch.jobs} jobs (${watch.seconds} s)`, `one config ${perMinute(watch.sharedWatch)}`,
        `a config each (0.1) ${perMinute(watch.separateWatch)}`, `one/each ${(watch.sharedWatch.perMinute / watch.separateWatch.perMinute).toFixed(2)}×`],
      [`JobManager requests/min, ${watch.nodes} health nodes, ${watch.jobs} jobs (${watch.seconds} s)`, `one config ${perMinute(watch.sharedHealth)}`,
        `watch, a config each (0.1) ${perMinute(watch.separateWatch)}`, `health/0.1 watch ${(watch.sharedHealth.perMinute / watch.separateWatch.perMinute).toFixed(2)}×`],
      [`JobManager requests/min, ${watch.nodes} metrics nodes, ${watch.jobs} jobs (${watch.seconds} s)`, `one config ${perMinute(watch.sharedMetrics)}`,
        `health, one config ${perMinute(watch.sharedHealth)}`, `metrics/health ${(watch.sharedMetrics.perMinute / watch.sharedHealth.perMinute).toFixed(2)}×`],
    );
  }
  if (chosen.has('sql')) {
    const gateway = await testSqlGateway();
    if (!gateway) {
      notes.push('sql: skipped, no SQL Gateway (under FLINK_URL, set FLINK_SQL_GATEWAY_URL)');
    } else {
      const heapRows = (process.env.BENCH_SQL_HEAP_ROWS ?? '20000,100000,300000').split(',').map(Number);
      const sql = await sqlRows(gateway.cluster.url, gateway.url, size('BENCH_SQL_ROWS', 100_000), size('BENCH_SQL_ROUNDS', 7), heapRows);
      const rate = (value: number): string => `${value.toFixed(0)} rows/s`;
      const bare = `bare REST loop ${rate(sql.rowsPerSecond.bare)}`;
      rows.push(
        [`${sql.rows}-row query, median of ${sql.rounds} runs`, `flink-sql streaming ${rate(sql.rowsPerSecond.streaming)}`, bare,
          `streaming/bare ${(sql.rowsPerSecond.streaming / sql.rowsPerSecond.bare).toFixed(2)}×`],
        [`${sql.rows}-row query, median of ${sql.rounds} runs`, `flink-sql whole ${rate(sql.rowsPerSecond.whole)}`, bare,
          `whole/bare ${(sql.rowsPerSecond.whole / sql.rowsPerSecond.bare).toFixed(2)}×`],
      );
      const [small, large] = [Math.min(...sql.heapRows), Math.max(...sql.heapRows)];
      const names = { streaming: 'flink-sql streaming', whole: 'flink-sql whole', bare: 'bare REST loop' };
      for (const which of SQL_CONTENDERS) {
        const [a, b] = [sql.heap[which][small]!, sql.heap[which][large]!];
        rows.push([`heap peak over before (after gc), ${names[which]}`, `${small} rows ${signedMb(a.bytes)}`,
          `${large} rows ${signedMb(b.bytes)}`, `${signedMb(((b.bytes - a.bytes) * 100_000) / (large - small))} per 100k more rows`]);
      }
      const runs = (samples: number[]): string => samples.map((value) => value.toFixed(0)).join(', ');
      notes.push(
        `sql: SQL Gateway ${gateway.version} (REST ${sql.apiVersion}) at ${gateway.url}; the bare loop read ${sql.barePages} pages a run `
          + `(${sql.bareEmptyPages} of them empty; medians) and waited on ${sql.bareNotReady} NOT_READY answers in all`,
        `sql: CPU time of this process per run (median): ${SQL_CONTENDERS.map((which) => `${names[which]} ${sql.cpuMs[which].toFixed(0)} ms`).join(', ')}`,
        ...SQL_CONTENDERS.map((which) => `sql: ${names[which]} rows/s per run: ${runs(sql.samples[which])}`),
        ...(sql.heapRows.length > 2 ? SQL_CONTENDERS.map((which) => `sql: heap peak over before, ${names[which]}: `
          + sql.heapRows.map((n) => `${n} rows ${signedMb(sql.heap[which][n]!.bytes)}`).join(', ')) : []),
        `sql: largest page in the heap runs (rows): ${SQL_CONTENDERS.filter((which) => which !== 'whole')
          .map((which) => `${names[which]} ${sql.heapRows.map((n) => `${sql.heap[which][n]!.largestPage} of ${n}`).join(', ')}`).join('; ')}`,
      );
    }
  }

  if (chosen.has('dashboard')) {
    const dashboard = await dashboardBench(flink, size('BENCH_DASHBOARD_RUNS', 8), size('BENCH_DASHBOARD_JOBS', 2), size('BENCH_DASHBOARD_SECONDS', 60));
    const ms = (value: number): string => `${value.toFixed(0)} ms`;
    for (const measured of dashboard.latency) {
      const [browser, flinkSide] = [latencySummary(measured.browserMs), latencySummary(measured.flinkMs)];
      rows.push([`widget: cancel via REST ${measured.phase} → browser row CANCELED, listing every ${measured.intervalS} s (${measured.runs} runs)`,
        `median ${ms(browser.median)}`, `p95 ${ms(browser.p95)}`, `Flink reports CANCELED: median ${ms(flinkSide.median)}, p95 ${ms(flinkSide.p95)}`]);
      notes.push(`dashboard: latency runs at ${measured.intervalS} s, cancel ${measured.phase}: browser ${measured.browserMs.map(ms).join(', ')}; Flink ${measured.flinkMs.map(ms).join(', ')}`);
    }
    for (const counted of dashboard.requests) {
      const per = (value: number): string => value.toFixed(2);
      rows.push([`widget: JobManager requests per ${counted.intervalS} s interval, ${counted.widgets} widget(s), ${counted.browsers} browsers, ${dashboard.jobs} jobs (${counted.seconds} s)`,
        `all ${per(counted.perInterval.all)}`, `GET /jobs/overview ${per(counted.perInterval.listings)}`, `per-job requests ${per(counted.perInterval.perJob)}`]);
      notes.push(`dashboard: ${counted.widgets} widget(s), ${counted.browsers} browsers, requests in ${counted.seconds} s: `
        + Object.entries(counted.paths).map(([path, count]) => `${path} ${count}`).join(', '));
    }
  }

  console.log(`Flink ${flink.version} at ${flink.url}, Node ${process.version}`);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' │ '));
  for (const note of notes) console.log(note);
}

main()
  .catch((err) => { console.error(err); process.exitCode = 1; })
  .finally(() => stopClustersStartedHere());
