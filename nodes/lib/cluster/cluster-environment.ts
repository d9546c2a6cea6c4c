import type { FlinkTlsOptions } from '../../../src';
import type { Node, NodeAPI } from 'node-red';
import { tlsConfigOptions } from './tls-config';

/** What a cluster config reads outside its own settings and credentials. */
export interface ClusterEnvironment {
  /** An environment variable, as the node sees it (its flow's env first, then the process's); undefined when unset or empty. */
  env(name: string): string | undefined;
  /** The TLS options of the tls-config node `id`; FLINK_INVALID_ARGUMENT when it is not deployed or not usable. */
  tlsConfig(id: string): FlinkTlsOptions;
}

/** The environment of a deployed cluster config node, or (node undefined) of one being edited: the process's. */
export function clusterEnvironment(RED: NodeAPI, node: Node | undefined): ClusterEnvironment {
  return {
    env(name) {
      let value: unknown = process.env[name];
      if (node) {
        // Reading an environment variable is synchronous: the callback has run when evaluateNodeProperty returns.
        RED.util.evaluateNodeProperty(name, 'env', node, {}, (err, result) => { value = err ? undefined : result; });
      }
      return value === undefined || value === '' ? undefined : String(value);
    },
    tlsConfig: (id) => tlsConfigOptions(RED, id),
  };
}
