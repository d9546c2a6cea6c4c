/** The node set whose catalog holds the labels every node shares, under its top-level `flink` key. */
const SHARED_NAMESPACE = '@flink-ops/node-red-flink/flink-cluster';

/** Turns a label's path (`label.jobId`) into the key a form's `data-i18n` or `RED._` looks it up by. */
export type Labels = (path: string) => string;

/** Labels every node shares. */
export const shared: Labels = (path) => `${SHARED_NAMESPACE}:flink.${path}`;

/** Labels of one node type: a key without a namespace, which Node-RED looks up in that node's own catalog. */
export const ownLabels = (type: string): Labels => (path) => `${type}.${path}`;
