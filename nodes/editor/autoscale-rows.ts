import { AUTOSCALE_DEFAULTS, MAX_AUTOSCALE_SECONDS } from '../lib/autoscale/defaults';
import { labelledRow, textInput } from './form-row';
import { ownLabels } from './i18n';
import { isUnset, type Row } from './row';

const own = ownLabels('flink-autoscale');

type Kind = 'percent' | 'seconds' | 'whole' | 'factor';

/** Why a value is refused, by kind (literal keys, as the locale check reads them). */
const REFUSAL: Record<Kind, () => string> = {
  percent: () => RED._('@flink-ops/node-red-flink/flink-autoscale:flink-autoscale.errors.percent'),
  seconds: () => RED._('@flink-ops/node-red-flink/flink-autoscale:flink-autoscale.errors.seconds'),
  whole: () => RED._('@flink-ops/node-red-flink/flink-autoscale:flink-autoscale.errors.whole'),
  factor: () => RED._('@flink-ops/node-red-flink/flink-autoscale:flink-autoscale.errors.factor'),
};

const ACCEPTS: Record<Kind, (n: number) => boolean> = {
  percent: (n) => n >= 0 && n <= 100,
  seconds: (n) => n >= 0 && n <= MAX_AUTOSCALE_SECONDS,
  whole: (n) => Number.isInteger(n) && n >= 1,
  factor: (n) => n > 1,
};

type Property = keyof typeof AUTOSCALE_DEFAULTS | 'factor';

/**
 * One rule of the autoscale node: a number with its unit after the field (the node's `unit.<property>` label), empty
 * for the default (the factor: empty to use the step).
 */
export const autoscaleSetting = (property: Property, kind: Kind, icon: string): Row => {
  const fallback = property === 'factor' ? undefined : AUTOSCALE_DEFAULTS[property];
  return {
    defaults: {
      [property]: {
        value: fallback ?? '',
        validate: (v, _options) => isUnset(v) || (ACCEPTS[kind](Number(v)) && String(v).trim() !== '') || REFUSAL[kind](),
      },
    },
    html: () => labelledRow(property, icon, own(`label.${property}`),
      `${textInput(property, { width: '80px', placeholder: fallback === undefined ? undefined : String(fallback) })} <span data-i18n="${own(`unit.${property}`)}"></span>`),
  };
};
