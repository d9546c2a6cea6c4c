/*
 * Side-by-side benchmark against a real Flink: FlinkClusterClient.getJobStatus versus a bare undici
 * request to the same endpoint (keep-alive pool, JSON.parse, nothing else). The two alternate in small
 * batches so that machine noise hits both alike; the ratio of medians is the figure to quote.
 *
 *   npm run bench            (starts a local Flink through the test harness, or uses FLINK_URL)
 *   BENCH_ROUNDS=4000 npm run bench
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { FlinkClusterClient } from '../src';
import { stopTestFlink, testFlink } from '../test/flink/test-cluster';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const BATCH = 20;
const WARMUP = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function main(): Promise<void> {
  process.env.FLINK_HARNESS_QUIET ??= '1';
  const flink = await testFlink();
  const jobId = await flink.startJob({ name: 'bench-status' });
  const client = new FlinkClusterClient({ url: flink.url });
  const agent = new Agent({ connections: 8, keepAliveTimeout: 4_000 });
  const statusUrl = `${flink.url}/jobs/${jobId}/status`;

  const ours = async (): Promise<void> => {
    if ((await client.getJobStatus(jobId)) !== 'RUNNING') throw new Error('job is not RUNNING');
  };
  const bare = async (): Promise<void> => {
    const response = await request(statusUrl, { dispatcher: agent, method: 'GET' });
    const body = JSON.parse(await response.body.text()) as { status: string };
    if (body.status !== 'RUNNING') throw new Error('job is not RUNNING');
  };

  for (let i = 0; i < WARMUP; i++) { await ours(); await bare(); }
  const samples = { ours: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round += BATCH) {
    const order = (round / BATCH) % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
    for (const which of order) {
      const run = which === 'ours' ? ours : bare;
      for (let i = 0; i < BATCH; i++) {
        const started = performance.now();
        await run();
        samples[which].push(performance.now() - started);
      }
    }
  }

  const o = summary(samples.ours);
  const b = summary(samples.bare);
  const fmt = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`getJobStatus against Flink ${flink.version}, ${ROUNDS} calls each, interleaved in batches of ${BATCH}`);
  console.log(`  bare undici request : median ${fmt(b.median)}, p99 ${fmt(b.p99)}`);
  console.log(`  FlinkClusterClient  : median ${fmt(o.median)}, p99 ${fmt(o.p99)}`);
  console.log(`  ratio (client / bare): median ${(o.median / b.median).toFixed(3)}, p99 ${(o.p99 / b.p99).toFixed(3)}`);

  await client.close();
  await agent.close();
  await stopTestFlink();
}

main().catch(async (err) => {
  console.error(err);
  await stopTestFlink();
  process.exitCode = 1;
});
