import { shared } from './i18n';
import { labelledRow, textInput } from './form-row';
import { attachJobPicker } from './job-picker';
import type { Row } from './row';

/**
 * The job a node acts on: an id read from where `jobIdType` says (msg, flow, global, env or a fixed id), else
 * the one RUNNING job named `jobName`.
 */
export const jobSelector = (): Row => ({
  defaults: {
    jobId: { value: 'jobId', validate: RED.validators.typedInput('jobIdType') },
    jobIdType: { value: 'msg' },
    jobName: { value: '' },
  },
  html: () => labelledRow('jobId', 'hashtag', shared('label.jobId'), `${textInput('jobId')}<input type="hidden" id="node-input-jobIdType">`)
    + labelledRow('jobName', 'tag', shared('label.jobName'), textInput('jobName', { placeholderKey: shared('placeholder.jobName') })),
  prepare() {
    $('#node-input-jobId').typedInput({ default: 'msg', types: ['msg', 'flow', 'global', 'env', 'str'], typeField: '#node-input-jobIdType' });
    attachJobPicker({
      clusterInput: $('#node-input-cluster'),
      idInput: $('#node-input-jobId'),
      idTypeInput: $('#node-input-jobIdType'),
      nameInput: $('#node-input-jobName'),
    });
  },
});
