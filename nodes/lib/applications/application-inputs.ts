import type { NodeMessage } from 'node-red';
import { checkFlinkId } from '../flow/message-input';
import { isGiven } from '../values';

/**
 * msg.applicationId when given (Flink 2.3's applications): 32 hex characters, else FLINK_INVALID_ARGUMENT naming
 * it. A node that takes it never falls back to a job when it is malformed.
 */
export function applicationIdInput(msg: NodeMessage): string | undefined {
  return isGiven(msg.applicationId) ? checkFlinkId('msg.applicationId', 'a Flink application id', msg.applicationId) : undefined;
}
