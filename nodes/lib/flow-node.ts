import { invalidArgument, toNodeError } from './errors';
import { findJobId } from './job-target';
import { jobReference, type JobSettings } from './message-input';
import { runtimeMessages, type Messages } from './messages';
import { OperationRunner, type OperationContext, type OperationResult } from './operation-runner';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { ActivityStatus } from './status';
import { clusterOf, type FlinkClusterNode } from './cluster-node';

/** Properties every operation node has. */
export interface FlowNodeSettings extends NodeDef, JobSettings {
  cluster?: string;
  /** Adds a second output for failures (instead of Catch). */
  errorOutput?: boolean;
}

export interface NodeTools {
  RED: NodeAPI;
  node: Node;
  t: Messages;
}

export interface FlinkOperationNode<S extends FlowNodeSettings> {
  /** Message key of what the blue status ring shows while it runs. */
  activity: string;
  run(context: OperationContext, settings: S, tools: NodeTools): Promise<OperationResult>;
  /** Runs once when a node with a cluster starts (e.g. to show a warning in its status). */
  started?(cluster: FlinkClusterNode, tools: NodeTools): void;
}

/**
 * Registers an operation node type: cluster lookup and sharing, job resolution, per-message operations
 * with their status, outcomes and clean close. The type's own file says only what its operation does.
 */
export function registerOperationNode<S extends FlowNodeSettings>(RED: NodeAPI, type: string, spec: FlinkOperationNode<S>): void {
  const t = runtimeMessages(RED, type);
  const start = (node: Node, settings: S): void => {
    const cluster = clusterOf(RED, settings.cluster);
    cluster?.shared.register(node.id);
    const tools: NodeTools = { RED, node, t };
    const runner = new OperationRunner({
      node,
      status: new ActivityStatus(node, t(spec.activity), (elapsed) => t('status.outage', { elapsed })),
      errorOutput: settings.errorOutput === true,
      redact: cluster?.redact ?? ((text) => text),
      t,
      client: () => {
        if (!cluster) throw invalidArgument(t('errors.noCluster'));
        return cluster.shared.get();
      },
      resolveJob: async (msg, client, signal) => findJobId(client, await jobReference(RED, node, settings, msg, signal, t), signal, t),
    }, (context) => spec.run(context, settings, tools));
    if (!cluster) node.status({ fill: 'red', shape: 'ring', text: t('status.noCluster') });
    else spec.started?.(cluster, tools);

    node.on('input', (msg, send, done) => runner.handle(msg, send, done));
    node.on('close', (_removed: boolean, done: () => void) => {
      runner.close()
        .then(() => cluster?.shared.deregister(node.id))
        .catch((err: unknown) => node.error(toNodeError(err, cluster?.redact ?? ((text) => text))))
        .finally(done);
    });
  };
  RED.nodes.registerType(type, function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def as S);
  });
}
