import { createHash } from 'node:crypto';
import type { NodeMessage } from 'node-red';
import { isGiven, malformed } from '../values';

/*
 * One savepoint for one intent, however many times it is asked for: two Node-RED instances running the same
 * flow, or a retried message, derive the same Flink trigger id from the same idempotency key, and Flink starts
 * nothing new for a trigger id it already knows for the job (in progress, or completed within
 * rest.async.store-duration, 5 min by default). The key is msg.idempotencyKey, else the start of the node's
 * schedule slot ("one per slot of N minutes").
 */

/** The operations whose trigger ids are derived: savepoint and stop share one cache in Flink, so the kind is part of the id. */
export type TriggerKind = 'savepoint' | 'cancel-with-savepoint' | 'stop' | 'checkpoint';

/** The node option, in minutes: empty for none. */
export interface IdempotencySettings {
  slotMinutes?: number | string;
}

const MAX_KEY_LENGTH = 1000;
/** A week: a longer slot outlives any store duration Flink is likely configured with. */
const MAX_SLOT_MINUTES = 7 * 24 * 60;

/** The node's slot length in ms, undefined when the option is empty. */
export function slotSetting(settings: IdempotencySettings): number | undefined {
  const value = settings.slotMinutes;
  if (!isGiven(value) || value === '') return undefined;
  const minutes = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SLOT_MINUTES) {
    throw malformed('The node\'s "one per schedule slot" option', `a whole number of minutes from 1 to ${MAX_SLOT_MINUTES}`, value);
  }
  return minutes * 60_000;
}

/**
 * The message's idempotency key: msg.idempotencyKey (a non-blank string of up to 1000 characters) when given,
 * else `slot:<ISO start of the current slot>` (slots are counted from the Unix epoch, so every instance agrees
 * on them), else undefined: a fresh trigger id for each message.
 */
export function idempotencyKeyInput(msg: NodeMessage, settings: IdempotencySettings, now = Date.now()): string | undefined {
  const given = (msg as { idempotencyKey?: unknown }).idempotencyKey;
  if (isGiven(given)) {
    if (typeof given !== 'string' || given.trim() === '' || given.length > MAX_KEY_LENGTH) {
      throw malformed('msg.idempotencyKey', `a non-blank string of up to ${MAX_KEY_LENGTH} characters`, given);
    }
    return given;
  }
  const slotMs = slotSetting(settings);
  if (slotMs === undefined) return undefined;
  return `slot:${new Date(Math.floor(now / slotMs) * slotMs).toISOString()}`;
}

/**
 * The trigger id for a key: 32 hex characters (Flink's TriggerId) hashed from the job, the kind of operation and
 * the key, and nothing of the cluster's address, so instances that reach one cluster under different URLs agree.
 */
export function derivedTriggerId(jobId: string, kind: TriggerKind, key: string): string {
  return createHash('sha256').update(`flink-ops trigger\u0000${jobId}\u0000${kind}\u0000${key}`).digest('hex').slice(0, 32);
}

/** The client's trigger id option: derived from the message's key, or none (the client picks a fresh id). */
export function triggerIdOption(key: string | undefined, jobId: string, kind: TriggerKind): { triggerId?: string } {
  return key === undefined ? {} : { triggerId: derivedTriggerId(jobId, kind, key) };
}
