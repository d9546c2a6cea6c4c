import { shared } from './i18n';
import { checkboxRow } from './form-row';
import type { Row } from './row';

/** Failures go to a second output instead of Catch nodes when ticked: `outputs` follows the switch. */
export const errorOutput = (): Row => ({
  defaults: { errorOutput: { value: false }, outputs: { value: 1 } },
  html: () => checkboxRow('errorOutput', shared('label.errorOutput')),
  save(node) {
    node.outputs = $('#node-input-errorOutput').is(':checked') ? 2 : 1;
  },
});
