import type { FlinkClusterClient } from '../../src';
import { errorProperty, FlinkNodeError, toNodeError, type Redact } from './errors';
import type { Messages } from './messages';
import type { DoneFunction, Node, NodeMessage, SendFunction } from './red';
import type { ActivityStatus } from './status';

/** What an operation gets for one message. */
export interface OperationContext {
  msg: NodeMessage;
  /** Aborted when the node closes. */
  signal: AbortSignal;
  client: FlinkClusterClient;
  /** The job the message is about (a name resolved to its RUNNING job); also set as msg.jobId. */
  jobId(): Promise<string>;
}

export interface OperationResult {
  /** Becomes msg.payload. */
  payload: unknown;
  /** A short result for the node status. */
  status: string;
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

  handle(msg: NodeMessage, send: SendFunction, done: DoneFunction): void {
    const controller = new AbortController();
    const settled = this.run(msg, send, once(done), controller).finally(() => this.inFlight.delete(controller));
    this.inFlight.set(controller, settled);
  }

  async close(): Promise<void> {
    this.closing = true;
    const reason = new FlinkNodeError('FLINK_ABORTED', this.options.t('errors.closing'));
    for (const controller of this.inFlight.keys()) controller.abort(reason);
    await Promise.all(this.inFlight.values());
    this.options.status.stop();
  }

  private async run(msg: NodeMessage, send: SendFunction, done: DoneFunction, controller: AbortController): Promise<void> {
    const { node, status, errorOutput, redact, t } = this.options;
    const token = status.begin();
    try {
      if (this.closing) throw new FlinkNodeError('FLINK_ABORTED', t('errors.closing'));
      const client = this.options.client();
      let resolved: Promise<string> | undefined;
      const jobId = (): Promise<string> => {
        resolved ??= this.options.resolveJob(msg, client, controller.signal).then((id) => {
          msg.jobId = id;
          return id;
        });
        return resolved;
      };
      const result = await this.operation({ msg, signal: controller.signal, client, jobId });
      msg.payload = result.payload;
      status.succeeded(token, result.status);
      send(errorOutput ? [msg, null] : msg);
      done();
    } catch (err) {
      const error = toNodeError(err, redact);
      status.failed(token, error.code);
      if (errorOutput) {
        msg.error = errorProperty(error, node);
        send([null, msg]);
        done();
      } else {
        done(error);
      }
    }
  }
}
