import type { Node, NodeAPI } from 'node-red';
import type { ClusterCredentials } from './cluster-credentials';
import type { ClusterState } from './cluster-state';
import type { Redact } from '../secret-masker';
import type { SharedClient } from './shared-client';
import type { FlinkClusterCompanion } from '../companion/companion-api';

/** The runtime side of a flink-cluster config node, as its users see it. */
export interface FlinkClusterNode extends Node<ClusterCredentials> {
  /** The REST URL as deployed: the admin endpoints send this config's stored secrets to it and nowhere else. */
  url: string | undefined;
  /** The SQL Gateway URL as deployed, if any: the connection test sends stored secrets to it and to no other gateway. */
  sqlGatewayUrl: string | undefined;
  shared: SharedClient;
  /** What companion packages (the Dashboard 2.0 widget) use of this cluster: docs/companion-api.md. */
  companion: FlinkClusterCompanion;
  /** Masks this config's secrets in any text shown to users. */
  redact: Redact;
  /** The plugin's records about this cluster; throws FLINK_INVALID_ARGUMENT when the chosen store does not exist. */
  state(): ClusterState;
}

/** The flink-cluster config node a flow node points at, if it is one. */
export function clusterOf(RED: NodeAPI, id: unknown): FlinkClusterNode | undefined {
  if (typeof id !== 'string' || !id) return undefined;
  const node = RED.nodes.getNode(id) as FlinkClusterNode | null;
  return node && node.shared ? node : undefined;
}
