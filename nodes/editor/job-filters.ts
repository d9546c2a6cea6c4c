import { JOB_STATES } from '../../src/job-states';
import { shared } from './i18n';
import { labelledRow, selectInput, textInput } from './form-row';
import type { Row } from './row';

/** Jobs in some states: a comma-separated list of Flink job states, empty for all. */
export const jobStates = (): Row => ({
  defaults: { states: { value: '' } },
  html: (own) => labelledRow('states', 'check-square-o', own('label.states'), textInput('states')),
  prepare() {
    $('#node-input-states').typedInput({ types: [{ value: 'states', multiple: true, hasValue: false, options: [...JOB_STATES] } as never] });
  },
});

/** Jobs whose name equals a text or matches it as a regular expression; empty for any name. */
export const jobNameFilter = (): Row => ({
  defaults: { nameFilter: { value: '' }, nameMatch: { value: 'exact' } },
  html: (own) => labelledRow('nameFilter', 'filter', own('label.nameFilter'),
    textInput('nameFilter', { width: 'calc(70% - 110px)', placeholderKey: shared('placeholder.nameFilter') })
    + selectInput('nameMatch', [['exact', shared('nameMatch.exact')], ['regex', shared('nameMatch.regex')]], '100px')),
});
