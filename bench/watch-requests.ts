/*
 * JobManager requests per minute for many flink-job-watch nodes watching one cluster, counted by a proxy in front
 * of Flink: each node with a cluster config of its own (one poller per node, as before the shared poller) against
 * every node on one config (one poller for all). The nodes poll at their default interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFlinkProxy } from '../test/nodes/flink-proxy';
import { deploy, startNodeRed } from './node-flows';

export interface WatchRequests { watches: number; seconds: number; separatePerMinute: number; sharedPerMinute: number }

/** Time for the deploy's first listings, left out of the count. */
const SETTLE_MS = 1000;

function watchFlow(flinkUrl: string, watches: number, configEach: boolean): Array<Record<string, unknown>> {
  const ids = Array.from({ length: watches }, (_, i) => i);
  const configs = (configEach ? ids : [0]).map((i) => ({ id: `cluster-${i}`, type: 'flink-cluster', name: `bench ${i}`, url: flinkUrl }));
  return [
    { id: 'bench-tab', type: 'tab', label: 'bench' },
    ...configs,
    ...ids.map((i) => ({ id: `watch-${i}`, z: 'bench-tab', type: 'flink-job-watch', cluster: `cluster-${configEach ? i : 0}`, wires: [] })),
  ];
}

export async function watchRequests(flinkUrl: string, watches: number, seconds: number): Promise<WatchRequests> {
  const proxy = await startFlinkProxy(flinkUrl);
  const userDir = mkdtempSync(path.join(tmpdir(), 'bench-node-red-'));
  const RED = await startNodeRed(userDir);
  try {
    const perMinute = async (configEach: boolean): Promise<number> => {
      await deploy(RED, [`watch-${watches - 1}`], watchFlow(proxy.url, watches, configEach));
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const before = proxy.requests.length;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      return ((proxy.requests.length - before) * 60) / seconds;
    };
    const separatePerMinute = await perMinute(true);
    const sharedPerMinute = await perMinute(false);
    await deploy(RED, [], []);
    return { watches, seconds, separatePerMinute, sharedPerMinute };
  } finally {
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
    await proxy.close();
  }
}
