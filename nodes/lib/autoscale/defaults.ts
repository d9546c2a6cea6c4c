/** Each autoscale setting's default, in the editor's units (per cent, seconds, parallelism). Shared with the editor: no imports. */
export const AUTOSCALE_DEFAULTS = {
  upperBusy: 80, upWindow: 180, lowerBusy: 20, downWindow: 600, cooldown: 300, step: 1, minParallelism: 1, maxParallelism: 4,
} as const;

/** The longest window or cooldown, in seconds: what a Node.js timer can hold (2^31−1 ms). */
export const MAX_AUTOSCALE_SECONDS = 2147483.647;
