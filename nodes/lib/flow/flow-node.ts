import { invalidArgument, toNodeError } from '../errors';
import { findJobId } from './job-target';
import { jobReference, type JobSettings } from './message-input';
import { runtimeMessages, type Messages } from '../messages';
import { OperationRunner, type OperationContext, type OperationResult } from './operation-runner';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { ActivityStatus } from './status';
import { clusterOf, type FlinkClusterNode } from '../cluster/cluster-node';
import { InFlightLog, resumedMessage, resumeInFlight, whenFlowsStarted, type InFlightRecord } from './in-flight';

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
  /**
   * The node's in-flight records (in-flight.ts): undefined without a cluster or when its store is memory-only
   * (a record there would not outlive the process); FLINK_INVALID_ARGUMENT for an unknown store.
   */
  inFlight(): InFlightLog | undefined;
}

export interface FlinkOperationNode<S extends FlowNodeSettings> {
  /** Message key of what the blue status ring shows while it runs. */
  activity: string;
  run(context: OperationContext, settings: S, tools: NodeTools): Promise<OperationResult>;
  /** Runs once when a node with a cluster starts (e.g. to show a warning in its status). */
  started?(cluster: FlinkClusterNode, tools: NodeTools): void;
  /** Runs once when the node closes, after its messages have their outcomes (e.g. to close a session it opened). */
  closed?(tools: NodeTools): Promise<void>;
  /**
   * Follows an operation this node recorded in flight before it was closed or Node-RED stopped, found when the
   * node starts; the outcome goes out as the node's own, on a copy of the message marked msg.resumed.
   */
  resume?(context: OperationContext, record: InFlightRecord, settings: S, tools: NodeTools): Promise<OperationResult>;
}

function inFlightLog(cluster: FlinkClusterNode | undefined, nodeId: string): InFlightLog | undefined {
  const state = cluster?.state();
  return state?.persistent ? new InFlightLog(state, nodeId) : undefined;
}

/** Follows each operation the node recorded in flight, through the runner: its outcome goes out as the node's own. */
async function resumeRecorded(node: Node, tools: NodeTools, runner: OperationRunner,
  follow: (context: OperationContext, record: InFlightRecord) => Promise<OperationResult>): Promise<void> {
  const log = tools.inFlight();
  if (!log) return;
  for (const record of await log.records()) {
    const msg = resumedMessage(record);
    runner.handle(msg, (out) => node.send(out), (err) => { if (err) node.error(err, msg); },
      (context) => resumeInFlight(log, record, context.signal, (text) => node.warn(text), () => follow(context, record)));
  }
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
    const redact = cluster?.redact ?? ((text: string) => text);
    const tools: NodeTools = { RED, node, t, inFlight: () => inFlightLog(cluster, node.id) };
    const runner = new OperationRunner({
      node,
      status: new ActivityStatus(node, t(spec.activity), (elapsed) => t('status.outage', { elapsed })),
      errorOutput: settings.errorOutput === true,
      redact,
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
    const resume = spec.resume;
    const cancelResume = resume && cluster ? whenFlowsStarted(RED, () => {
      resumeRecorded(node, tools, runner, (context, record) => resume(context, record, settings, tools))
        .catch((err: unknown) => node.error(toNodeError(err, redact)));
    }) : undefined;
    node.on('close', (removed: boolean, done: () => void) => {
      cancelResume?.();
      runner.close(!removed)
        .then(() => spec.closed?.(tools))
        .then(() => cluster?.shared.deregister(node.id))
        .catch((err: unknown) => node.error(toNodeError(err, redact)))
        .finally(done);
    });
  };
  RED.nodes.registerType(type, function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def as S);
  });
}
