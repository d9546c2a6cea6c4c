/*
 * Benchmarks against a real Flink (a local one through the test harness, or FLINK_URL), side by side in one run:
 *   1. FlinkClusterClient.getJobStatus vs a bare undici request (latency, one call at a time)
 *   2. msgs/s of a flink-job-status flow vs Node-RED's core http request node doing the same GET
 *   3. heap after gc before and after many getJobStatus calls
 *   4. JobManager requests per minute for many nodes watching many jobs on one cluster: watch nodes with a config
 *      each (0.1), watch nodes on one shared config, health nodes on one shared config
 *
 *   npm run bench        (BENCH_CALLS, BENCH_FLOW_BATCHES, BENCH_FLOW_BATCH, BENCH_HEAP_CALLS, BENCH_WATCHES,
 *                         BENCH_WATCH_JOBS, BENCH_WATCH_SECONDS change the sizes)
 */
import { clientVsUndici } from './client-vs-undici';
import { heapGrowth } from './heap';
import { nodeFlows } from './node-flows';
import { watchRequests, type RequestRate } from './watch-requests';
import { stopClustersStartedHere } from '../test/flink/shared-clusters';
import { testFlink } from '../test/flink/test-cluster';

const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  process.env.FLINK_HARNESS_QUIET ??= '1';
  const flink = await testFlink();
  const jobId = await flink.startJob({ name: 'bench-status' });

  const latency = await clientVsUndici(flink.url, jobId, size('BENCH_CALLS', 2000));
  const flows = await nodeFlows(flink.url, jobId, size('BENCH_FLOW_BATCHES', 6), size('BENCH_FLOW_BATCH', 1000));
  const heap = await heapGrowth(flink.url, jobId, size('BENCH_HEAP_CALLS', 100_000));
  const watch = await watchRequests(flink.url, jobId, size('BENCH_WATCHES', 20), size('BENCH_WATCH_JOBS', 50), size('BENCH_WATCH_SECONDS', 30));

  const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const perMinute = (rate: RequestRate): string => `${rate.perMinute.toFixed(0)} (${rate.listingsPerMinute.toFixed(0)} listings)`;
  const rows: Array<[string, string, string, string]> = [
    [`getJobStatus latency, median (${latency.calls} calls each)`, `client ${us(latency.client.median)}`, `bare undici ${us(latency.bare.median)}`,
      `client/bare ${(latency.client.median / latency.bare.median).toFixed(2)}×`],
    ['getJobStatus latency, p99', `client ${us(latency.client.p99)}`, `bare undici ${us(latency.bare.p99)}`,
      `client/bare ${(latency.client.p99 / latency.bare.p99).toFixed(2)}×`],
    [`flow msgs/s, median of ${flows.batches} batches of ${flows.batchSize}`, `flink-job-status ${flows.flinkJobStatus.toFixed(0)}`,
      `http request ${flows.httpRequest.toFixed(0)}`, `flink/http ${(flows.flinkJobStatus / flows.httpRequest).toFixed(2)}×`],
    [`heap after gc, ${heap.calls} getJobStatus calls`, `before ${mb(heap.beforeBytes)}`, `after ${mb(heap.afterBytes)}`,
      `after/before ${(heap.afterBytes / heap.beforeBytes).toFixed(2)}×`],
    [`JobManager requests/min, ${watch.nodes} watch nodes, ${watch.jobs} jobs (${watch.seconds} s)`, `one config ${perMinute(watch.sharedWatch)}`,
      `a config each (0.1) ${perMinute(watch.separateWatch)}`, `one/each ${(watch.sharedWatch.perMinute / watch.separateWatch.perMinute).toFixed(2)}×`],
    [`JobManager requests/min, ${watch.nodes} health nodes, ${watch.jobs} jobs (${watch.seconds} s)`, `one config ${perMinute(watch.sharedHealth)}`,
      `watch, a config each (0.1) ${perMinute(watch.separateWatch)}`, `health/0.1 watch ${(watch.sharedHealth.perMinute / watch.separateWatch.perMinute).toFixed(2)}×`],
  ];
  console.log(`Flink ${flink.version} at ${flink.url}, Node ${process.version}`);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' │ '));
}

main()
  .catch((err) => { console.error(err); process.exitCode = 1; })
  .finally(() => stopClustersStartedHere());
