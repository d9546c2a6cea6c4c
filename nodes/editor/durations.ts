import { shared } from './i18n';
import { labelledRow, textInput } from './form-row';
import { isUnset, type Row } from './row';

/** The longest a timer can hold, in seconds (about 24.8 days). */
const MAX_TIMER_SECONDS = 2147483.647;

const secondsInput = (property: string, placeholder?: number): string =>
  `${textInput(property, { width: '80px', placeholder: placeholder === undefined ? undefined : String(placeholder) })} <span data-i18n="${shared('label.seconds')}"></span>`;

/** A number of seconds a timer can hold, above 0; empty takes the node's default. */
const validSeconds = (v: string, _options: unknown): boolean | string =>
  isUnset(v) || (Number(v) > 0 && Number(v) <= MAX_TIMER_SECONDS) || RED._(shared('errors.timeout'));

/** How long an operation may take; empty for the node's default, shown as the placeholder. */
export const timeout = (defaultSeconds: number): Row => ({
  defaults: { timeout: { value: '', validate: validSeconds } },
  html: () => labelledRow('timeout', 'clock-o', shared('label.timeout'), secondsInput('timeout', defaultSeconds)),
});

/** Another limit of the node's in seconds, labelled by its own catalog, set to its default (empty takes it too). */
export const seconds = (property: string, icon: string, defaultSeconds: number): Row => ({
  defaults: { [property]: { value: defaultSeconds, validate: validSeconds } },
  html: (own) => labelledRow(property, icon, own(`label.${property}`), secondsInput(property, defaultSeconds)),
});

/**
 * How often a node polls: `interval` (required), or another interval of the node's, labelled by its own catalog
 * and optional (empty, or missing from an older flow, takes the node's default).
 */
export const interval = (defaultSeconds: number, property = 'interval', icon = 'repeat'): Row => ({
  defaults: {
    [property]: {
      value: defaultSeconds,
      required: property === 'interval',
      validate: (v, _options) => (property !== 'interval' && isUnset(v)) || (Number(v) >= 0.1 && Number(v) <= MAX_TIMER_SECONDS) || RED._(shared('errors.interval')),
    },
  },
  html: (own) => labelledRow(property, icon, own(`label.${property}`), secondsInput(property)),
});
