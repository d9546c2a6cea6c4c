import type { FlinkClusterClient, Progress } from '../../../src';
import { errorProperty, FlinkNodeError, toNodeError, withOperation } from '../errors';
import type { Redact } from '../secret-masker';
import type { Messages } from '../messages';
import type { Node, NodeMessage } from 'node-red';
import type { ActivityStatus } from './status';
import { HandedOver } from './in-flight';

/** How an input listener sends its message on: one message, or one per output. */
export type SendFunction = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
/** How an input listener ends its message: with no error, or the error Catch nodes get. */
export type DoneFunction = (err?: Error) => void;

/** What an operation gets for one message. */
export interface OperationContext {
  msg: NodeMessage;
  /** Aborted when the node closes. */
  signal: AbortSignal;
  client: FlinkClusterClient;
  /** Finds the job the message is about (a name resolved to its RUNNING job, once per message); also sets msg.jobId. */
  resolveJobId(): Promise<string>;
  /** Pass as the client's `onProgress`: shows outages in the status, keeps the trigger id for errors. */
  onProgress(progress: Progress): void;
  /** The trigger id the client has reported through onProgress so far, if any. */
  reportedTriggerId(): string | undefined;
  /** Shows what the operation does now (a step of it) in the status while it runs. */
  showActivity(activity: string): void;
  /**
   * Sends a part of the result ahead of the final message (a query's page of rows), on the success output: a copy
   * of the input message with these properties. The final message still ends the input.
   */
  sendPart(properties: Record<string, unknown>): void;
}

export interface OperationResult {
  /** Becomes msg.payload. */
  payload: unknown;
  /** A short result for the node status. */
  status: string;
  /** Shows the status yellow: the result came with something to look at (e.g. records kept in memory only). */
  warning?: boolean;
}

export type Operation = (context: OperationContext) => Promise<OperationResult>;

export interface RunnerOptions {
  node: Node;
  status: ActivityStatus;
  /** Send failures on a second output instead of to Catch nodes. */
  errorOutput: boolean;
  /** The cluster's shared client; throws if the node has no usable cluster. */
  client(): FlinkClusterClient;
  resolveJob(msg: NodeMessage, client: FlinkClusterClient, signal: AbortSignal): Promise<string>;
  redact: Redact;
  t: Messages;
}

/** Properties an earlier failed attempt of this node may have left on the message; its success removes them. */
const FAILURE_PROPERTIES = ['error', 'triggerId', 'jobState', 'report'] as const;

/** Whether msg.error was reported by this node (an earlier attempt): another node's error travels on. */
function isOwnError(error: unknown, nodeId: string): boolean {
  const source = error && typeof error === 'object' ? (error as { source?: unknown }).source : undefined;
  return Boolean(source && typeof source === 'object' && (source as { id?: unknown }).id === nodeId);
}

/** The message without what an earlier failed attempt of this node left on it. */
function withoutFailure(msg: NodeMessage, nodeId: string): NodeMessage {
  if (!isOwnError(msg.error, nodeId)) return msg;
  const copy: NodeMessage = { ...msg };
  for (const property of FAILURE_PROPERTIES) delete copy[property];
  return copy;
}

function once(done: DoneFunction): DoneFunction {
  let called = false;
  return (err) => {
    if (called) return;
    called = true;
    done(err);
  };
}

/**
 * Runs a node's operation for each input message, concurrently, each with its own AbortController.
 * Every message gets exactly one outcome: sent on with its result, or done(err) with err.code set
 * (or sent on the error output). Closing aborts what is in flight and waits until each message has its outcome.
 */
export class OperationRunner {
  private readonly inFlight = new Map<AbortController, Promise<void>>();
  private closing = false;

  constructor(private readonly options: RunnerOptions, private readonly operation: Operation) {}

  get activeCount(): number {
    return this.inFlight.size;
  }

  /** Runs the node's operation for the message, or `operation` instead (an operation resumed on start). */
  handle(msg: NodeMessage, send: SendFunction, done: DoneFunction, operation = this.operation): void {
    const controller = new AbortController();
    const finish = once(done);
    const settled = this.run(msg, send, finish, controller, operation)
      // Last resort: whatever escaped run() (a throwing send) still ends the message.
      .catch((err: unknown) => finish(toNodeError(err, this.options.redact)))
      .finally(() => this.inFlight.delete(controller));
    this.inFlight.set(controller, settled);
  }

  /**
   * `handOver`: the node stays deployed (a redeploy, Node-RED stopping), so operations recorded in flight are left
   * to its next start (in-flight.ts) instead of ending with FLINK_ABORTED.
   */
  async close(handOver = false): Promise<void> {
    this.closing = true;
    const reason = Object.assign(new FlinkNodeError('FLINK_ABORTED', this.options.t('errors.closing')), { handOver });
    for (const controller of this.inFlight.keys()) controller.abort(reason);
    await Promise.all(this.inFlight.values());
    this.options.status.stop();
  }

  private async run(msg: NodeMessage, send: SendFunction, done: DoneFunction, controller: AbortController, operation: Operation): Promise<void> {
    const { status, t } = this.options;
    const token = status.begin();
    let triggerId: string | undefined;
    let resolvedJobId: string | undefined;
    try {
      if (this.closing) throw new FlinkNodeError('FLINK_ABORTED', t('errors.closing'));
      const client = this.options.client();
      let resolved: Promise<string> | undefined;
      const resolveJobId = (): Promise<string> => {
        resolved ??= this.options.resolveJob(msg, client, controller.signal).then((id) => {
          msg.jobId = id;
          resolvedJobId = id;
          return id;
        });
        return resolved;
      };
      const onProgress = (progress: Progress): void => {
        triggerId = progress.triggerId ?? triggerId;
        status.progress(token, progress);
      };
      const result = await operation({
        msg, signal: controller.signal, client, resolveJobId, onProgress, reportedTriggerId: () => triggerId,
        showActivity: (activity) => status.describe(token, activity),
        sendPart: (properties) => {
          const part = { ...withoutFailure(msg, this.options.node.id), ...properties };
          send(this.options.errorOutput ? [part, null] : part);
        },
      });
      if (isOwnError(msg.error, this.options.node.id)) for (const property of FAILURE_PROPERTIES) delete msg[property];
      msg.payload = result.payload;
      status.succeeded(token, result.status, result.warning === true);
      send(this.options.errorOutput ? [msg, null] : msg);
      done();
    } catch (err) {
      // The node's next start sends this message's outcome.
      if (err instanceof HandedOver) return;
      const error = withOperation(toNodeError(err, this.options.redact), { triggerId, jobId: resolvedJobId });
      status.failed(token, error.code);
      this.fail(msg, error, send, done);
    }
  }

  /**
   * The error output gets it all in msg.error. A Catch node only copies message, code, stack and cause into
   * msg.error, so what a flow needs to follow up (the trigger, the job or application, its state) is set on the message itself.
   */
  private fail(msg: NodeMessage, error: FlinkNodeError, send: SendFunction, done: DoneFunction): void {
    if (this.options.errorOutput) {
      msg.error = errorProperty(error, this.options.node);
      send([null, msg]);
      done();
      return;
    }
    if (error.triggerId !== undefined) msg.triggerId = error.triggerId;
    if (error.jobId !== undefined) msg.jobId = error.jobId;
    if (error.applicationId !== undefined) msg.applicationId = error.applicationId;
    if (error.jobState !== undefined) msg.jobState = error.jobState;
    if (error.report !== undefined) msg.report = error.report;
    done(error);
  }
}
