// The flink-sql node's limits of a query's rows, labelled from its own catalog, checked as its runtime checks them.
import { labelledRow, textInput } from './form-row';
import { isUnset, type Row } from './row';

/** A query's most rows, as the runtime accepts them. */
const MAX_ROWS_LIMIT = 1_000_000;

/** The most rows a query returns: a whole number from 1 to 1,000,000, 1000 by default (empty takes the default). */
export const maxRows = (defaultRows = 1000): Row => ({
  defaults: {
    maxRows: {
      value: defaultRows,
      validate: (v, _options) => isUnset(v) || (/^\s*\d+\s*$/.test(String(v)) && Number(v) >= 1 && Number(v) <= MAX_ROWS_LIMIT)
        || RED._('@flink-ops/node-red-flink/flink-sql:flink-sql.errors.maxRows'),
    },
  },
  html: (own) => labelledRow('maxRows', 'list-ol', own('label.maxRows'),
    `${textInput('maxRows', { width: '80px', placeholder: String(defaultRows) })} <span data-i18n="${own('unit.maxRows')}"></span>`),
});
