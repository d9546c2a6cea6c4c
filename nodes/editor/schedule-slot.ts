import { shared } from './i18n';
import { labelledRow, textInput } from './form-row';
import { isUnset, type Row } from './row';

/** A week, as the runtime allows (nodes/lib/savepoints/idempotency.ts). */
const MAX_SLOT_MINUTES = 7 * 24 * 60;

/**
 * "One per schedule slot of N minutes": messages within one slot share an idempotency key, so two Node-RED
 * instances (or a retried message) get one savepoint, stop or checkpoint. Empty: off.
 */
export const scheduleSlot = (): Row => ({
  defaults: {
    slotMinutes: {
      value: '',
      validate: (v, _options) => isUnset(v) || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= MAX_SLOT_MINUTES) || RED._(shared('errors.slotMinutes')),
    },
  },
  html: () => labelledRow('slotMinutes', 'calendar-check-o', shared('label.slotMinutes'),
    `${textInput('slotMinutes', { width: '80px', placeholderKey: shared('placeholder.slotMinutes') })} <span data-i18n="${shared('label.minutes')}"></span>`),
});
