import { shared } from './i18n';
import { labelledRow, textInput } from './form-row';
import type { Row } from './row';

/** The node's name, shown instead of its label when set. */
export const nameRow = (): Row => ({
  defaults: { name: { value: '' } },
  html: () => labelledRow('name', 'tag', shared('label.name'), textInput('name', { placeholderKey: shared('label.name') })),
});
