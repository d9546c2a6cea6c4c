/* Heap after gc before and after many getJobStatus calls on one client: a leak shows as growth. */
import { FlinkClusterClient } from '../src';

export interface HeapGrowth { calls: number; beforeBytes: number; afterBytes: number }

/** Heap used after `times` full garbage collections. */
export function heapAfterGc(times = 3): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < times; i++) gc();
  return process.memoryUsage().heapUsed;
}

export async function heapGrowth(flinkUrl: string, jobId: string, calls: number, concurrency = 16): Promise<HeapGrowth> {
  const client = new FlinkClusterClient({ url: flinkUrl });
  try {
    for (let i = 0; i < 500; i++) await client.getJobStatus(jobId); // pool, version probe and JIT settled first
    const beforeBytes = heapAfterGc();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await client.getJobStatus(jobId);
    }));
    return { calls, beforeBytes, afterBytes: heapAfterGc() };
  } finally {
    await client.close();
  }
}
