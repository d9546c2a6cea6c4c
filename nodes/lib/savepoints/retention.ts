import { sameLocation, type SavepointRecord } from './savepoint-catalog';

/**
 * Which savepoints of a job to keep: the last `keepLast` and those younger than `maxAgeMs`. With both, a savepoint
 * either rule keeps is kept ("the last 3, or any from the last 7 days"); with neither, nothing expires.
 */
export interface RetentionPolicy {
  keepLast?: number;
  maxAgeMs?: number;
}

/**
 * Why a savepoint is kept. `newest` and `restored` hold whatever the policy says: the newest savepoint is the
 * job's way back, and the one a RUNNING job was restored from may still be needed to restore it again.
 */
export type KeepReason = 'newest' | 'restored' | 'count' | 'age';

export interface RetentionPlan {
  /** Newest first. */
  keep: Array<{ record: SavepointRecord; reasons: KeepReason[] }>;
  /** Newest first; a record whose earlier disposal failed is here again when the rules still let it go. */
  dispose: SavepointRecord[];
}

export interface RetentionFacts {
  now: number;
  /** Where the RUNNING jobs of this name were restored from (Flink's `latest.restored.external_path`). */
  restoredFrom: string[];
}

const takenAtMs = (record: SavepointRecord): number => {
  const ms = Date.parse(record.takenAt);
  return Number.isNaN(ms) ? 0 : ms;
};

/** Splits a job's records into those to keep (with why) and those to dispose of. Pure: decides, does nothing. */
export function planRetention(records: SavepointRecord[], policy: RetentionPolicy, facts: RetentionFacts): RetentionPlan {
  // Newest first; of two taken at the same time, the one recorded later counts as newer.
  const newestFirst = records.map((record, index) => ({ record, index }))
    .sort((a, b) => takenAtMs(b.record) - takenAtMs(a.record) || b.index - a.index)
    .map(({ record }) => record);
  const noRule = policy.keepLast === undefined && policy.maxAgeMs === undefined;
  const plan: RetentionPlan = { keep: [], dispose: [] };
  newestFirst.forEach((record, position) => {
    const reasons: KeepReason[] = [];
    if (position === 0) reasons.push('newest');
    if (facts.restoredFrom.some((location) => sameLocation(location, record.location))) reasons.push('restored');
    if (policy.keepLast !== undefined && position < policy.keepLast) reasons.push('count');
    if (policy.maxAgeMs !== undefined && facts.now - takenAtMs(record) < policy.maxAgeMs) reasons.push('age');
    if (noRule || reasons.length > 0) plan.keep.push({ record, reasons });
    else plan.dispose.push(record);
  });
  return plan;
}
