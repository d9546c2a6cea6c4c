import { FlinkNodeError } from '../errors';
import type { Node, NodeAPI, NodeMessage } from 'node-red';

/** The TypedInput types read from a context store, which may be slow, fail, or never call back. */
const CONTEXT_TYPES = new Set(['flow', 'global']);

/** How long a context store may take to answer before the message fails (a store that never calls back). */
export const PROPERTY_READ_LIMIT_MS = 30_000;

/**
 * A TypedInput value (msg, flow, global, env, str, ...) for one message, as a promise. It settles even when a
 * context store throws, errors or never answers: rejected after PROPERTY_READ_LIMIT_MS, or when `signal` aborts.
 */
export function evaluateProperty(RED: NodeAPI, node: Node, value: string, type: string | undefined,
  msg: NodeMessage, signal?: AbortSignal): Promise<unknown> {
  if (!CONTEXT_TYPES.has(type ?? '')) {
    // msg, str, env, ... answer at once: no store to wait for, so no guard timer on every message.
    return new Promise((resolve, reject) => {
      RED.util.evaluateNodeProperty(value, type || 'str', node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const timer = setTimeout(() => finish(() => reject(new FlinkNodeError('FLINK_TIMEOUT',
      `the context store did not answer within ${PROPERTY_READ_LIMIT_MS / 1000} s`))), PROPERTY_READ_LIMIT_MS);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      RED.util.evaluateNodeProperty(value, type || 'str', node, msg,
        (err, result) => finish(() => (err ? reject(err) : resolve(result))));
    } catch (err) {
      finish(() => reject(err));
    }
  });
}
