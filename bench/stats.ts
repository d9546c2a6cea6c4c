/** Small statistics for the benchmarks: medians and percentiles of samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (samples: number[]): number => percentile(samples, 50);

/**
 * Runs contenders in alternating batches so machine noise hits them alike: two as A B, B A, A B, ...; more in a
 * rotating order (A B C, B C A, C A B, ...). `batch` runs one batch of one contender and returns its measurements.
 */
export async function alternate<K extends string>(names: readonly K[], rounds: number, batch: (which: K) => Promise<number[]>): Promise<Record<K, number[]>> {
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const shift = round % names.length;
    for (const which of [...names.slice(shift), ...names.slice(0, shift)]) samples[which].push(...(await batch(which)));
  }
  return samples;
}
