import { invalidArgument } from '../errors';
import { isGiven, malformed } from '../values';
import { AUTOSCALE_DEFAULTS, MAX_AUTOSCALE_SECONDS } from './defaults';

/** The autoscale node's rules, durations in ms. */
export interface AutoscaleRules {
  /** Scale up when the busiest vertex is busier than this share of the time (per cent)... */
  upperBusyPercent: number;
  /** ...for this long without a break. */
  upWindowMs: number;
  /** Scale down when the busiest vertex is busy less than this share of the time (per cent)... */
  lowerBusyPercent: number;
  /** ...for this long without a break. */
  downWindowMs: number;
  /** No decision for this long after a rescale has completed (and none while one is in flight). */
  cooldownMs: number;
  /** A rescale adds or removes `step`, or multiplies or divides by `factor` when one is set. */
  step: number;
  factor?: number;
  minParallelism: number;
  maxParallelism: number;
}

/** The node's settings as the editor saves them (numbers or numeric strings; empty takes the default). */
export interface AutoscaleSettings {
  upperBusy?: number | string;
  upWindow?: number | string;
  lowerBusy?: number | string;
  downWindow?: number | string;
  cooldown?: number | string;
  step?: number | string;
  factor?: number | string;
  minParallelism?: number | string;
  maxParallelism?: number | string;
}

const LABELS: Record<keyof AutoscaleSettings, string> = {
  upperBusy: 'Scale up above', upWindow: 'Up after', lowerBusy: 'Scale down below', downWindow: 'Down after', cooldown: 'Cooldown',
  step: 'Step', factor: 'Factor', minParallelism: 'Min parallelism', maxParallelism: 'Max parallelism',
};

const isEmpty = (value: unknown): boolean => !isGiven(value) || (typeof value === 'string' && value.trim() === '');

function numberSetting(settings: AutoscaleSettings, key: keyof AutoscaleSettings, expected: string, accepts: (n: number) => boolean): number | undefined {
  const value = settings[key];
  if (isEmpty(value)) return undefined;
  const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || !accepts(n)) throw malformed(`The node's ${LABELS[key]}`, expected, value);
  return n;
}

const percent = (settings: AutoscaleSettings, key: 'upperBusy' | 'lowerBusy'): number =>
  numberSetting(settings, key, 'a per cent from 0 to 100', (n) => n >= 0 && n <= 100) ?? AUTOSCALE_DEFAULTS[key];

const durationMs = (settings: AutoscaleSettings, key: 'upWindow' | 'downWindow' | 'cooldown'): number => {
  const seconds = numberSetting(settings, key, `a number of seconds from 0 to ${MAX_AUTOSCALE_SECONDS}`, (n) => n >= 0 && n <= MAX_AUTOSCALE_SECONDS);
  return Math.round((seconds ?? AUTOSCALE_DEFAULTS[key]) * 1000);
};

const wholeNumber = (settings: AutoscaleSettings, key: 'step' | 'minParallelism' | 'maxParallelism'): number =>
  numberSetting(settings, key, 'a whole number of at least 1', (n) => Number.isInteger(n) && n >= 1) ?? AUTOSCALE_DEFAULTS[key];

/** The rules the settings say; FLINK_INVALID_ARGUMENT naming the setting that cannot work. */
export function autoscaleRules(settings: AutoscaleSettings): AutoscaleRules {
  const rules: AutoscaleRules = {
    upperBusyPercent: percent(settings, 'upperBusy'),
    upWindowMs: durationMs(settings, 'upWindow'),
    lowerBusyPercent: percent(settings, 'lowerBusy'),
    downWindowMs: durationMs(settings, 'downWindow'),
    cooldownMs: durationMs(settings, 'cooldown'),
    step: wholeNumber(settings, 'step'),
    minParallelism: wholeNumber(settings, 'minParallelism'),
    maxParallelism: wholeNumber(settings, 'maxParallelism'),
  };
  const factor = numberSetting(settings, 'factor', 'a number above 1 (or empty, to use the step)', (n) => n > 1);
  if (factor !== undefined) rules.factor = factor;
  if (rules.lowerBusyPercent >= rules.upperBusyPercent) {
    throw invalidArgument(`The node's ${LABELS.lowerBusy} (${rules.lowerBusyPercent} %) must be below its ${LABELS.upperBusy} (${rules.upperBusyPercent} %)`);
  }
  if (rules.minParallelism > rules.maxParallelism) {
    throw invalidArgument(`The node's ${LABELS.minParallelism} (${rules.minParallelism}) must not be above its ${LABELS.maxParallelism} (${rules.maxParallelism})`);
  }
  return rules;
}

/** The parallelism one step up or down from `from`, within the bounds. */
export function nextParallelism(rules: AutoscaleRules, from: number, direction: 'up' | 'down'): number {
  const moved = rules.factor === undefined
    ? from + (direction === 'up' ? rules.step : -rules.step)
    : (direction === 'up' ? Math.ceil(from * rules.factor) : Math.floor(from / rules.factor));
  return Math.min(rules.maxParallelism, Math.max(rules.minParallelism, moved));
}
