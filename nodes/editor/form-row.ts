// The HTML of Node-RED's form rows: the input of property `p` has the id `node-input-p`, which the editor fills.

const placeholder = (key: string | undefined): string => (key ? ` data-i18n="[placeholder]${key}"` : '');

/** A row with an icon and a label on the left, then the inputs. */
export function labelledRow(property: string, icon: string, labelKey: string, inputs: string): string {
  return `<div class="form-row flink-row-${property}">`
    + `<label for="node-input-${property}"><i class="fa fa-${icon}"></i> <span data-i18n="${labelKey}"></span></label>`
    + `${inputs}</div>`;
}

export function textInput(property: string, options: { width?: string; placeholderKey?: string; placeholder?: string } = {}): string {
  const text = options.placeholder === undefined ? '' : ` placeholder="${options.placeholder}"`;
  return `<input type="text" id="node-input-${property}" style="width:${options.width ?? '70%'};"${text}${placeholder(options.placeholderKey)}>`;
}

/** A select whose options are [value, label key] pairs. */
export function selectInput(property: string, options: Array<[string, string]>, width = '70%'): string {
  const items = options.map(([value, key]) => `<option value="${value}" data-i18n="${key}"></option>`).join('');
  return `<select id="node-input-${property}" style="width:${width};">${items}</select>`;
}

/** A checkbox with its label on the right, across the whole row. */
export function checkboxRow(property: string, labelKey: string): string {
  return `<div class="form-row flink-row-${property}">`
    + `<input type="checkbox" id="node-input-${property}" style="display:inline-block; width:auto; vertical-align:top;">`
    + `<label for="node-input-${property}" style="width:auto;" data-i18n="${labelKey}"></label></div>`;
}
