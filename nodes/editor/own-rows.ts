// Rows for a node's own settings, labelled from its own catalog: `label.<property>`, `placeholder.<property>`,
// and `<property>.<value>` for a select's options (`<property>.default` for the empty value).
import { labelledRow, checkboxRow, selectInput, textInput } from './form-row';
import type { Labels } from './i18n';
import type { Row } from './row';

export const checkbox = (property: string, value = false): Row => ({
  defaults: { [property]: { value } },
  html: (own) => checkboxRow(property, own(`label.${property}`)),
});

/** A select of fixed values; the first is the default. `labels` overrides where the labels come from. */
export const select = (property: string, icon: string, values: string[], labels?: Labels): Row => ({
  defaults: { [property]: { value: values[0] } },
  html: (own) => {
    const key = labels ?? own;
    const options = values.map((value): [string, string] => [value, key(`${property}.${value.toLowerCase() || 'default'}`)]);
    return labelledRow(property, icon, key(`label.${property}`), selectInput(property, options));
  },
});

/** A text field with a placeholder. `labels` overrides where the label and placeholder come from. */
export const text = (property: string, icon: string, labels?: Labels): Row => ({
  defaults: { [property]: { value: '' } },
  html: (own) => {
    const key = labels ?? own;
    return labelledRow(property, icon, key(`label.${property}`), textInput(property, { placeholderKey: key(`placeholder.${property}`) }));
  },
});
