import { clientOptions, secretsOf, type ClusterCredentials, type ClusterSettings } from './lib/cluster-options';
import { secretMasker } from './lib/errors';
import type { Node, NodeAPI, NodeDef } from './lib/red';
import { SharedClient, type FlinkClusterNode } from './lib/shared-client';

/**
 * flink-cluster (config): where a Flink cluster's REST API is and how to reach it. It owns the one client
 * its users share; secrets live in its credentials only.
 */
export = function (RED: NodeAPI): void {
  RED.nodes.registerType('flink-cluster', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as FlinkClusterNode;
    const settings = def as NodeDef & ClusterSettings;
    const credentials: ClusterCredentials = node.credentials ?? {};
    // Reading an environment variable is synchronous: the callback has run when evaluateNodeProperty returns.
    const env = (name: string): string | undefined => {
      let value: unknown;
      RED.util.evaluateNodeProperty(name, 'env', node, undefined, (err, result) => { value = err ? undefined : result; });
      return value === undefined || value === '' ? undefined : String(value);
    };
    const options = () => clientOptions(settings, credentials, env);
    node.redact = secretMasker(secretsOf(credentials, settings, env));
    node.shared = new SharedClient(options);
    try {
      options(); // a setting that cannot work is reported at deploy, and again by each message that needs the cluster
    } catch (err) {
      node.error(node.redact((err as Error).message));
    }
    node.on('close', (_removed, done) => { node.shared.close().finally(done); });
  }, {
    credentials: {
      username: { type: 'text' },
      password: { type: 'password' },
      token: { type: 'password' },
      caPem: { type: 'text' },
      certPem: { type: 'text' },
      keyPem: { type: 'password' },
      passphrase: { type: 'password' },
    },
  });
};
