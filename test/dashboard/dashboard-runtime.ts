import uiFlinkJobs from '../../dashboard/nodes/ui-flink-jobs';

/*
 * The node modules a test helper's Node-RED needs for the widget: Dashboard 2.0's own config nodes from npm (its
 * ui-base opens the dashboard's socket.io on the helper's server) and the companion's ui-flink-jobs.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const DASHBOARD_NODES: unknown[] = [
  require('@flowfuse/node-red-dashboard/nodes/config/ui_base.js'),
  require('@flowfuse/node-red-dashboard/nodes/config/ui_page.js'),
  require('@flowfuse/node-red-dashboard/nodes/config/ui_group.js'),
  require('@flowfuse/node-red-dashboard/nodes/config/ui_theme.js'),
  uiFlinkJobs,
];
/* eslint-enable @typescript-eslint/no-require-imports */
