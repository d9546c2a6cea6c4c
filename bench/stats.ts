/** Small statistics for the benchmarks: medians and percentiles of samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (samples: number[]): number => percentile(samples, 50);

/**
 * Runs two contenders in alternating batches (A B, B A, A B, ...) so machine noise hits both alike;
 * `batch` runs one batch of one contender and returns its measurements.
 */
export async function alternate<K extends string>(names: readonly [K, K], rounds: number, batch: (which: K) => Promise<number[]>): Promise<Record<K, number[]>> {
  const samples = { [names[0]]: [] as number[], [names[1]]: [] as number[] } as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : ([names[1], names[0]] as const);
    for (const which of order) samples[which].push(...(await batch(which)));
  }
  return samples;
}
