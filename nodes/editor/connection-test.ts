import { clusterText, probeBodyFromDialog, testConnection, type ClusterOverview, type ProbeFailure } from './cluster-probe';

/**
 * The cluster dialog's Test connection button: asks the runtime to reach cluster `clusterId` as its
 * open dialog's form stands (saved or not) and shows what Flink says (version, TaskManagers, slots, running jobs) or the error's code
 * and message, in `result`.
 */
export function attachConnectionTest(button: JQuery, result: JQuery, clusterId: string): void {
  let attempt = 0;
  button.on('click', (event) => {
    event.preventDefault();
    const mine = ++attempt;
    button.prop('disabled', true);
    show(result, 'pending', 'fa-spinner fa-spin', clusterText('test.testing'));
    testConnection(probeBodyFromDialog(clusterId))
      .then((overview) => { if (mine === attempt) show(result, 'ok', 'fa-check', summary(overview)); })
      .catch((failure: ProbeFailure) => { if (mine === attempt) show(result, 'failed', 'fa-exclamation-triangle', `${failure.code}: ${failure.message}`); })
      .finally(() => { if (mine === attempt) button.prop('disabled', false); });
  });
}

function summary(overview: ClusterOverview): string {
  return clusterText('test.ok', {
    version: overview.flinkVersion,
    taskManagers: overview.taskManagers,
    free: overview.slotsAvailable,
    total: overview.slotsTotal,
    running: overview.jobsRunning,
  });
}

function show(result: JQuery, outcome: 'pending' | 'ok' | 'failed', icon: string, text: string): void {
  result.empty().attr('data-outcome', outcome).show()
    .append($('<i>').addClass(`fa ${icon}`), ' ', $('<span>').text(text));
}
