import type { HealthThresholds } from './health-engine';
import { HEALTH_THRESHOLDS, isThresholdValue, THRESHOLD_MAXIMUM, type HealthThresholdSetting } from './defaults';
import { checkBoolean, isGiven, malformed } from '../values';

/** The health node's settings as the editor saves them: numbers or numeric strings, empty for the default. */
export type ThresholdSettings = Partial<Record<HealthThresholdSetting, number | string>> & { sendResolved?: boolean | string };

const LABELS: Record<HealthThresholdSetting, string> = {
  restartCount: 'Restarts', restartWindow: 'Restart window', failedCheckpoints: 'Failed checkpoints',
  staleCheckpoints: 'Stale checkpoints', backpressureFor: 'Backpressure',
};

function read(settings: ThresholdSettings, setting: HealthThresholdSetting): number {
  const value = settings[setting];
  const { unit, default: fallback } = HEALTH_THRESHOLDS[setting];
  if (!isThresholdValue(setting, value)) {
    throw malformed(`The node's ${LABELS[setting]}`, `${unit === 'count' ? 'a whole number' : `a number of ${unit}`} from 0 (off) to ${THRESHOLD_MAXIMUM[unit]}`, value);
  }
  return !isGiven(value) || value === '' ? fallback : Number(value);
}

/** The node's thresholds in ms and counts; 0 turns a kind off. Throws FLINK_INVALID_ARGUMENT naming the setting. */
export function readThresholds(settings: ThresholdSettings): HealthThresholds {
  const restartCount = read(settings, 'restartCount');
  const windowMinutes = read(settings, 'restartWindow');
  if (restartCount > 0 && windowMinutes === 0) throw malformed('The node\'s Restart window', 'more than 0 minutes while restarts are counted', settings.restartWindow);
  return {
    restartCount,
    restartWindowMs: Math.round(windowMinutes * 60_000),
    failedCheckpoints: read(settings, 'failedCheckpoints'),
    staleCheckpointsMs: Math.round(read(settings, 'staleCheckpoints') * 1000),
    backpressureForMs: Math.round(read(settings, 'backpressureFor') * 1000),
  };
}

/** Resolutions are sent unless the setting says otherwise. */
export function readSendResolved(value: unknown): boolean {
  return !isGiven(value) || value === '' ? true : checkBoolean('The node\'s Send resolved', value);
}
