/**
 * The health node's thresholds by setting, with their unit and default (the reasons are in the node's help):
 * one home for the runtime and the editor, so it has no imports.
 */
export const HEALTH_THRESHOLDS = {
  restartCount: { unit: 'count', default: 3 },
  restartWindow: { unit: 'minutes', default: 5 },
  failedCheckpoints: { unit: 'count', default: 3 },
  staleCheckpoints: { unit: 'seconds', default: 900 },
  backpressureFor: { unit: 'seconds', default: 300 },
} as const;

export type HealthThresholdSetting = keyof typeof HEALTH_THRESHOLDS;

/** The largest value of each unit: counts are bounded for sanity, durations by what a timer can hold (about 24.8 days). */
export const THRESHOLD_MAXIMUM = { count: 1_000_000, seconds: 2147483.647, minutes: 2147483.647 / 60 } as const;

/** Whether a threshold setting's value can work: empty (the default), 0 (off), or a number in its unit's range. */
export function isThresholdValue(setting: HealthThresholdSetting, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  const { unit } = HEALTH_THRESHOLDS[setting];
  const number = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(number) && number >= 0 && number <= THRESHOLD_MAXIMUM[unit] && (unit !== 'count' || Number.isInteger(number));
}
