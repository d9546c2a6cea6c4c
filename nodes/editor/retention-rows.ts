// The retention a flink-savepoints node applies: how many savepoints of a job to keep, and for how long.
import { labelledRow, textInput } from './form-row';
import { ownLabels } from './i18n';
import { isUnset, type Row } from './row';

const own = ownLabels('flink-savepoints');

/**
 * A number setting that may be left empty. The validator takes two parameters: Node-RED shows a returned message
 * only from a validator declared with two (a one-parameter one returning a string counts as valid).
 */
const optionalNumber = (property: string, icon: string, value: number | '', valid: (n: number) => boolean): Row => ({
  defaults: {
    [property]: {
      value,
      validate(this: { _: (key: string) => string }, v: string, _options?: unknown) {
        return isUnset(v) || valid(Number(v)) || this._(own(`errors.${property}`));
      },
    },
  },
  html: (labels) => labelledRow(property, icon, labels(`label.${property}`),
    `${textInput(property, { width: '80px' })} <span data-i18n="${labels(`unit.${property}`)}"></span>`),
});

/** Keep the last K savepoints (3 by default; empty: no count rule). */
export const keepLast = (): Row => optionalNumber('keepLast', 'list-ol', 3, (n) => Number.isInteger(n) && n >= 1);

/** Keep the savepoints younger than this many days (empty by default: no age rule). */
export const maxAgeDays = (): Row => optionalNumber('maxAgeDays', 'calendar', '', (n) => Number.isFinite(n) && n > 0);
