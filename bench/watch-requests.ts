/*
 * JobManager requests per minute for many watching nodes on one cluster with many jobs, counted by a proxy in
 * front of Flink that shows one real job as `jobs` jobs (multiplied-jobs.ts):
 *   - today's flow as 0.1 ran it: flink-job-watch nodes each with a cluster config of their own (one poller each);
 *   - the same watch nodes on one cluster config (one shared poller);
 *   - flink-job-health nodes on one cluster config, each selecting every job (listing plus per-job health requests);
 *   - flink-job-metrics nodes on one cluster config, each selecting every job (listing plus per-job metrics rounds).
 * Every node polls every 5 s (the watch node's default interval).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMultipliedJobs, type MultipliedJobs } from './multiplied-jobs';
import { deploy, startNodeRed, type EmbeddedRed } from './node-flows';

export interface RequestRate { perMinute: number; listingsPerMinute: number }
export interface WatchRequests {
  nodes: number; jobs: number; seconds: number;
  separateWatch: RequestRate; sharedWatch: RequestRate; sharedHealth: RequestRate; sharedMetrics: RequestRate;
}

const INTERVAL_S = 5;
/** Time for the deploy's first listings and samples, left out of the count. */
const SETTLE_MS = 2000;

function nodesFlow(flinkUrl: string, type: 'flink-job-watch' | 'flink-job-health' | 'flink-job-metrics', nodes: number, configEach: boolean): Array<Record<string, unknown>> {
  const ids = Array.from({ length: nodes }, (_, i) => i);
  const configs = (configEach ? ids : [0]).map((i) => ({ id: `cluster-${i}`, type: 'flink-cluster', name: `bench ${i}`, url: flinkUrl }));
  return [
    { id: 'bench-tab', type: 'tab', label: 'bench' },
    ...configs,
    ...ids.map((i) => ({ id: `node-${i}`, z: 'bench-tab', type, interval: INTERVAL_S, cluster: `cluster-${configEach ? i : 0}`, wires: [] })),
  ];
}

async function rate(RED: EmbeddedRed, proxy: MultipliedJobs, flow: Array<Record<string, unknown>>, lastId: string, seconds: number): Promise<RequestRate> {
  await deploy(RED, [lastId], flow);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const before = proxy.requests.length;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const counted = proxy.requests.slice(before);
  const perMinute = (count: number): number => (count * 60) / seconds;
  return {
    perMinute: perMinute(counted.length),
    listingsPerMinute: perMinute(counted.filter((request) => request.path.split('?')[0] === '/jobs/overview').length),
  };
}

export async function watchRequests(flinkUrl: string, realJobId: string, nodes: number, jobs: number, seconds: number): Promise<WatchRequests> {
  const proxy = await startMultipliedJobs(flinkUrl, realJobId, jobs);
  const userDir = mkdtempSync(path.join(tmpdir(), 'bench-node-red-'));
  const RED = await startNodeRed(userDir);
  const last = `node-${nodes - 1}`;
  try {
    const separateWatch = await rate(RED, proxy, nodesFlow(proxy.url, 'flink-job-watch', nodes, true), last, seconds);
    const sharedWatch = await rate(RED, proxy, nodesFlow(proxy.url, 'flink-job-watch', nodes, false), last, seconds);
    const sharedHealth = await rate(RED, proxy, nodesFlow(proxy.url, 'flink-job-health', nodes, false), last, seconds);
    const sharedMetrics = await rate(RED, proxy, nodesFlow(proxy.url, 'flink-job-metrics', nodes, false), last, seconds);
    await deploy(RED, [], []);
    return { nodes, jobs, seconds, separateWatch, sharedWatch, sharedHealth, sharedMetrics };
  } finally {
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
    await proxy.close();
  }
}
