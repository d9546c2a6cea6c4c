/** The marker the savepoint and stop nodes put on their result, so a dispose node can tell it from any payload. */
export const SAVEPOINT_RESULT_KIND = 'flink-savepoint';

/** A finished savepoint as flink-savepoint and flink-stop send it in msg.payload. */
export interface SavepointResult {
  kind: typeof SAVEPOINT_RESULT_KIND;
  jobId: string;
  triggerId: string | undefined;
  location: string;
}

const HEX_ID = /^[0-9a-f]{32}$/;

export function savepointResult(jobId: string, triggerId: string | undefined, location: string): SavepointResult {
  return { kind: SAVEPOINT_RESULT_KIND, jobId, triggerId, location };
}

/**
 * Whether a payload is a savepoint or stop node's result: the marker and the whole shape (job and trigger ids
 * of 32 hex characters, a non-blank location). A payload that merely has a `location` is not.
 */
export function isSavepointResult(payload: unknown): payload is SavepointResult {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const { kind, jobId, triggerId, location } = payload as Record<string, unknown>;
  return kind === SAVEPOINT_RESULT_KIND
    && typeof jobId === 'string' && HEX_ID.test(jobId)
    && typeof triggerId === 'string' && HEX_ID.test(triggerId)
    && typeof location === 'string' && location.trim() !== '';
}
