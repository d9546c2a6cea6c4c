import { clusterText, probeBodyFromDialog, testConnection, type ClusterOverview, type ProbeFailure, type SqlGatewayProbe } from './cluster-probe';

/**
 * The cluster dialog's Test connection button: asks the runtime to reach cluster `clusterId` as its
 * open dialog's form stands (saved or not) and shows what Flink says (version, TaskManagers, slots, running jobs) or the error's code
 * and message, in `result`; with a SQL Gateway URL, a second line with the gateway's version or its error.
 */
export function attachConnectionTest(button: JQuery, result: JQuery, clusterId: string): void {
  let attempt = 0;
  button.on('click', (event) => {
    event.preventDefault();
    const mine = ++attempt;
    button.prop('disabled', true);
    show(result, 'pending', 'fa-spinner fa-spin', clusterText('test.testing'));
    testConnection(probeBodyFromDialog(clusterId))
      .then((overview) => {
        if (mine !== attempt) return;
        show(result, 'ok', 'fa-check', summary(overview));
        if (overview.sqlGateway) showGateway(result, overview.sqlGateway);
      })
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

/** The gateway's line under the cluster's: its Flink and REST API versions, or the error's code and message. */
function showGateway(result: JQuery, gateway: SqlGatewayProbe): void {
  const line = $('<div>').addClass('flink-test-sql-gateway').appendTo(result);
  if ('error' in gateway) {
    line.append($('<i>').addClass('fa fa-exclamation-triangle'), ' ',
      $('<span>').text(`${clusterText('test.sqlGatewayFailed')} ${gateway.error.code}: ${gateway.error.message}`));
  } else {
    line.append($('<i>').addClass('fa fa-check'), ' ',
      $('<span>').text(clusterText('test.sqlGateway', { version: gateway.version, apiVersion: gateway.apiVersion })));
  }
}

function show(result: JQuery, outcome: 'pending' | 'ok' | 'failed', icon: string, text: string): void {
  result.empty().attr('data-outcome', outcome).show()
    .append($('<i>').addClass(`fa ${icon}`), ' ', $('<span>').text(text));
}
