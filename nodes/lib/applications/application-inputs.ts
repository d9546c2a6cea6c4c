import type { NodeMessage } from 'node-red';
import { isGiven, malformed } from '../values';

const APPLICATION_ID = /^[0-9a-f]{32}$/;

/**
 * msg.applicationId when given (Flink 2.3's applications): 32 hex characters, else FLINK_INVALID_ARGUMENT naming
 * it. A node that takes it never falls back to a job when it is malformed.
 */
export function applicationIdInput(msg: NodeMessage): string | undefined {
  if (!isGiven(msg.applicationId)) return undefined;
  const id = typeof msg.applicationId === 'string' ? msg.applicationId.trim().toLowerCase() : undefined;
  if (id === undefined || !APPLICATION_ID.test(id)) throw malformed('msg.applicationId', 'a Flink application id (32 hex characters)', msg.applicationId);
  return id;
}
