/*
 * FlinkClusterClient.getJobStatus versus a bare undici request to the same endpoint (keep-alive pool,
 * JSON.parse, nothing else), one call at a time, alternating in batches.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { FlinkClusterClient } from '../src';
import { alternate, median, percentile } from './stats';

export interface ClientVsUndici { calls: number; client: { median: number; p99: number }; bare: { median: number; p99: number } }

export async function clientVsUndici(flinkUrl: string, jobId: string, calls: number): Promise<ClientVsUndici> {
  const BATCH = 20;
  const client = new FlinkClusterClient({ url: flinkUrl });
  const agent = new Agent({ connections: 8, keepAliveTimeout: 4_000 });
  const statusUrl = `${flinkUrl}/jobs/${jobId}/status`;
  const contenders = {
    client: async (): Promise<void> => {
      if ((await client.getJobStatus(jobId)) !== 'RUNNING') throw new Error('job is not RUNNING');
    },
    bare: async (): Promise<void> => {
      const response = await request(statusUrl, { dispatcher: agent, method: 'GET' });
      const body = JSON.parse(await response.body.text()) as { status: string };
      if (body.status !== 'RUNNING') throw new Error('job is not RUNNING');
    },
  };
  try {
    for (let i = 0; i < 200; i++) { await contenders.client(); await contenders.bare(); }
    const samples = await alternate(['client', 'bare'] as const, Math.ceil(calls / BATCH), async (which) => {
      const times: number[] = [];
      for (let i = 0; i < BATCH; i++) {
        const started = performance.now();
        await contenders[which]();
        times.push(performance.now() - started);
      }
      return times;
    });
    const sum = (s: number[]): { median: number; p99: number } => ({ median: median(s), p99: percentile(s, 99) });
    return { calls, client: sum(samples.client), bare: sum(samples.bare) };
  } finally {
    await client.close();
    await agent.close();
  }
}
