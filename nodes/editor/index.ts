// The editor script every flow node's HTML loads from the module's resources folder, as window.FlinkEditor.
// Each node's HTML loads it, so it may run several times: the first copy stays.
import { CLUSTER_CREDENTIAL_TYPES } from '../lib/cluster/cluster-credentials';
import { autoscaleSetting } from './autoscale-rows';
import { headerRows } from './cluster-probe';
import { codeEditor } from './code-editor';
import { attachConnectionTest } from './connection-test';
import { contextStoreSelect } from './context-store';
import { interval, seconds, timeout } from './durations';
import { jarSource, restoreSettings, runSettings } from './deploy-rows';
import { registerFlowNode } from './flow-node';
import { healthThreshold } from './health-thresholds';
import { jobNameFilter, jobStates } from './job-filters';
import { jobSelector } from './job-selector';
import { checkbox, select, text } from './own-rows';
import { keepLast, maxAgeDays } from './retention-rows';
import { formatType, savepointDir } from './savepoint-target';
import { scheduleSlot } from './schedule-slot';
import { maxRows } from './sql-rows';

const FlinkEditor = {
  registerType: registerFlowNode,
  jobSelector, timeout, interval, seconds, jobStates, jobNameFilter, savepointDir, formatType, scheduleSlot, jarSource, runSettings,
  restoreSettings, checkbox, select, text, codeEditor, maxRows, keepLast, maxAgeDays, healthThreshold, autoscaleSetting,
  attachConnectionTest, headerRows, contextStoreSelect,
  /** The flink-cluster's credentials, declared as its runtime declares them. */
  clusterCredentials: CLUSTER_CREDENTIAL_TYPES,
};

declare global {
  interface Window { FlinkEditor?: typeof FlinkEditor }
}

window.FlinkEditor ??= FlinkEditor;
