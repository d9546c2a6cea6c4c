import { clusterText, listJobs, probeBodyFromConfig, selectedConfigId, type FlinkJobChoice, type ProbeFailure } from './cluster-probe';

/** The inputs of a node's job selector: its cluster, the job id TypedInput (with its type field), the job name. */
export interface JobPickerFields {
  clusterInput: JQuery;
  idInput: JQuery;
  idTypeInput: JQuery;
  nameInput: JQuery;
}

/** The editor's popover menu (RED.popover.menu), with the options its typings leave out. */
declare const RED: {
  popover: {
    menu(options: {
      options: Array<{ label: JQuery; onselect: () => void }>;
      width?: number;
      maxHeight?: number;
      class?: string;
    }): { show(options: { target: JQuery; align?: 'left' | 'right' }): void };
  };
};

/**
 * Offers the selected cluster's jobs beside the job name and job id fields: a button opens a list of
 * the jobs (name, state, id) the runtime fetched from Flink; choosing one fills that field (the id
 * field switches to a fixed string). When no cluster is selected or it cannot be reached, a message
 * under the fields says so.
 */
export function attachJobPicker(fields: JobPickerFields): void {
  const message = $('<div class="form-tips flink-job-picker-message"></div>').hide()
    .insertAfter(fields.nameInput.closest('.form-row'));
  addPickerButton(fields, fields.nameInput, 'name', message, (job) => {
    fields.nameInput.val(job.name).trigger('change');
  });
  addPickerButton(fields, fields.idInput, 'id', message, (job) => {
    fields.idInput.typedInput('type', 'str');
    fields.idInput.typedInput('value', job.id);
  });
  fields.clusterInput.on('change', () => message.hide());
}

function addPickerButton(fields: JobPickerFields, input: JQuery, field: 'name' | 'id', message: JQuery, choose: (job: FlinkJobChoice) => void): void {
  const anchor = field === 'id' ? input.next('.red-ui-typedInput-container') : input;
  const target = anchor.length > 0 ? anchor : input;
  const button = $('<button type="button" class="red-ui-button flink-job-picker-button"></button>')
    .attr('data-field', field)
    .attr('title', field === 'id' ? clusterText('picker.id') : clusterText('picker.name'))
    .append($('<i class="fa fa-list-ul"></i>'))
    .css('margin-left', '4px')
    .insertAfter(target);
  if (field === 'id') input.typedInput('width', 'calc(70% - 38px)');
  else input.css('width', 'calc(70% - 38px)');

  button.on('click', (event) => {
    event.preventDefault();
    const clusterId = selectedConfigId(fields.clusterInput);
    const body = clusterId ? probeBodyFromConfig(clusterId) : undefined;
    if (!body) {
      say(message, 'noCluster', clusterText('picker.noCluster'));
      return;
    }
    say(message, 'loading', clusterText('picker.loading'));
    button.prop('disabled', true);
    listJobs(body)
      .then((jobs) => {
        if (jobs.length === 0) {
          say(message, 'noJobs', clusterText('picker.noJobs'));
          return;
        }
        message.hide();
        showJobs(target, jobs, choose);
      })
      .catch((failure: ProbeFailure) => say(message, 'failed', clusterText('picker.failed', { code: failure.code, message: failure.message })))
      .finally(() => button.prop('disabled', false));
  });
}

/** Running jobs first, then the newest. */
function byRelevance(a: FlinkJobChoice, b: FlinkJobChoice): number {
  return Number(b.state === 'RUNNING') - Number(a.state === 'RUNNING') || b.startTime - a.startTime;
}

function showJobs(target: JQuery, jobs: FlinkJobChoice[], choose: (job: FlinkJobChoice) => void): void {
  const options = [...jobs].sort(byRelevance).map((job) => ({
    label: $('<span class="flink-job-picker-job"></span>').attr('data-job-id', job.id).append(
      $('<span class="flink-job-picker-name"></span>').text(job.name),
      ' ',
      $('<span class="flink-job-picker-state"></span>').attr('data-state', job.state).text(job.state).css({ fontSize: '0.85em', opacity: 0.8 }),
      $('<br>'),
      $('<code class="flink-job-picker-id"></code>').text(job.id).css('font-size', '0.8em'),
    ),
    onselect: () => choose(job),
  }));
  RED.popover.menu({ options, width: Math.max(320, target.outerWidth() ?? 0), maxHeight: 260, class: 'flink-job-picker-menu' })
    .show({ target, align: 'right' });
}

function say(message: JQuery, kind: string, text: string): void {
  message.attr('data-kind', kind).text(text).show();
}
