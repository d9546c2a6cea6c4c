import { HEALTH_THRESHOLDS, isThresholdValue, type HealthThresholdSetting } from '../lib/health/defaults';
import { labelledRow, textInput } from './form-row';
import { ownLabels } from './i18n';
import type { Row } from './row';

const own = ownLabels('flink-job-health');

/** Why a value is refused, by unit (literal keys, as the locale check reads them). */
const REFUSAL = {
  count: () => RED._('@flink-ops/node-red-flink/flink-job-health:flink-job-health.errors.count'),
  minutes: () => RED._('@flink-ops/node-red-flink/flink-job-health:flink-job-health.errors.minutes'),
  seconds: () => RED._('@flink-ops/node-red-flink/flink-job-health:flink-job-health.errors.seconds'),
};

/**
 * A threshold of the health node: a count or a duration, 0 to turn its check off, empty for the default. The
 * unit after the field is the node's `unit.<property>` label.
 */
export const healthThreshold = (property: HealthThresholdSetting, icon: string): Row => ({
  defaults: {
    [property]: {
      value: HEALTH_THRESHOLDS[property].default,
      validate: (v, _options) => isThresholdValue(property, v) || REFUSAL[HEALTH_THRESHOLDS[property].unit](),
    },
  },
  html: () => labelledRow(property, icon, own(`label.${property}`),
    `${textInput(property, { width: '80px', placeholder: String(HEALTH_THRESHOLDS[property].default) })} <span data-i18n="${own(`unit.${property}`)}"></span>`),
});
