import { shared } from './i18n';
import { labelledRow, textInput } from './form-row';
import type { Row } from './row';

/** The flink-cluster config node the node talks to: Node-RED turns the input into a config-node select. */
export const clusterSelector = (): Row => ({
  defaults: { cluster: { value: '', type: 'flink-cluster', required: true } },
  html: () => labelledRow('cluster', 'server', shared('label.cluster'), textInput('cluster')),
});
