import { registerAdminEndpoints } from './lib/cluster/admin-endpoints';
import { clusterEnvironment } from './lib/cluster/cluster-environment';
import type { FlinkClusterNode } from './lib/cluster/cluster-node';
import { CLUSTER_CREDENTIAL_TYPES, type ClusterCredentials } from './lib/cluster/cluster-credentials';
import { clientOptions, sqlGatewayOptions, type ClusterSettings } from './lib/cluster/cluster-options';
import { clusterState, type ClusterState } from './lib/cluster/cluster-state';
import { secretsOf } from './lib/cluster/cluster-secrets';
import { secretMasker } from './lib/secret-masker';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { SharedClient } from './lib/cluster/shared-client';
import { clusterCompanion } from './lib/companion/companion-api';

/**
 * flink-cluster (config): where a Flink cluster's REST API is and how to reach it. It owns the one client
 * its users share; secrets live in its credentials only.
 */
export = function (RED: NodeAPI): void {
  RED.nodes.registerType('flink-cluster', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as FlinkClusterNode;
    const settings = def as NodeDef & ClusterSettings & { stateStore?: string };
    const credentials: ClusterCredentials = node.credentials ?? {};
    const environment = clusterEnvironment(RED, node);
    const options = () => clientOptions(settings, credentials, environment);
    node.url = settings.url;
    node.sqlGatewayUrl = settings.sqlGatewayUrl;
    node.redact = secretMasker(secretsOf(credentials, settings, environment));
    const gatewayOptions = () => sqlGatewayOptions(settings, credentials, environment);
    node.shared = new SharedClient(options, gatewayOptions);
    let state: ClusterState | undefined;
    node.state = () => (state ??= clusterState(RED, node, settings.url ?? '', settings.stateStore));
    node.companion = clusterCompanion(RED, node);
    // A setting that cannot work is reported at deploy, and again by each message that needs it.
    for (const check of [options, gatewayOptions, node.state]) {
      try {
        check();
      } catch (err) {
        node.error(node.redact((err as Error).message));
      }
    }
    node.on('close', (_removed: boolean, done: () => void) => { node.shared.close().finally(done); });
  }, { credentials: CLUSTER_CREDENTIAL_TYPES });
  registerAdminEndpoints(RED);
};
