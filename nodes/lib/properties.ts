import type { Node, NodeAPI, NodeMessage } from './red';

/** A TypedInput value (msg, flow, global, env, str, ...) for one message, as a promise. */
export function evaluateProperty(RED: NodeAPI, node: Node, value: unknown, type: string | undefined,
  msg: NodeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type || 'str', node, msg, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** A trimmed string, or undefined for anything empty or not a string. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Seconds from an editor field as milliseconds; undefined when left empty (the default applies). */
export function secondsToMs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

/** A boolean from a message override: true/false or "true"/"false"; undefined otherwise. */
export function booleanOverride(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
