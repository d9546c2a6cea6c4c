// Rows of the nodes that run a jar (flink-run-job, flink-upgrade): which jar, and how to run it; flink-sql shares
// the restore rows. Labelled from the shared catalog, as every deploying node shows them alike.
import { checkboxRow } from './form-row';
import { shared } from './i18n';
import { select, text } from './own-rows';
import { isUnset, type PropertyDef, type Row } from './row';

/** Flink's largest parallelism (2^15), as the runtime checks it. */
const MAX_PARALLELISM = 32768;

const parsesAs = (value: string, accepts: (parsed: unknown) => boolean): boolean => {
  if (value.trim() === '') return true;
  try {
    return accepts(JSON.parse(value));
  } catch {
    return false;
  }
};

/** A shared text row with a check of what it holds. */
const checkedText = (property: string, icon: string, validate: NonNullable<PropertyDef['validate']>): Row => {
  const row = text(property, icon, shared);
  return { ...row, defaults: { [property]: { value: '', validate: (v, options) => isUnset(v) || validate(v, options) } } };
};

/** Where the jar comes from when the message brings none: a file on the Node-RED host, or an uploaded jar's id. */
export const jarSource = (): Row[] => [
  checkedText('jarPath', 'file-archive-o', (v) => v.trim() === '' || /\.jar\s*$/i.test(v)),
  checkedText('jarId', 'archive', (v) => v.trim() === '' || /^\s*[\w.-]+\.jar\s*$/.test(v)),
];

/** The savepoint a new job starts from, and whether state no operator takes may stay behind (flink-sql has them too). */
export const restoreSettings = (): Row[] => [
  text('savepointPath', 'history', shared),
  {
    defaults: { allowNonRestoredState: { value: false } },
    html: () => checkboxRow('allowNonRestoredState', shared('label.allowNonRestoredState')),
  },
];

/** How the jar runs: entry class, arguments, parallelism, the savepoint to start from, the job's own configuration. */
export const runSettings = (): Row[] => [
  text('entryClass', 'play', shared),
  checkedText('programArgs', 'terminal', (v) => parsesAs(v, (args) => Array.isArray(args) && args.every((arg) => typeof arg === 'string'))),
  checkedText('parallelism', 'tasks', (v) => v.trim() === '' || (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_PARALLELISM)),
  ...restoreSettings(),
  select('claimMode', 'lock', ['', 'CLAIM', 'NO_CLAIM', 'LEGACY'], shared),
  checkedText('flinkConfiguration', 'cogs', (v) => parsesAs(v, (config) => typeof config === 'object' && config !== null && !Array.isArray(config))),
];
