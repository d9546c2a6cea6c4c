import type { SavepointFormatType } from '../../src';
import { nonEmptyString, secondsToMs } from './properties';
import type { NodeMessage } from './red';

/** Savepoint settings shared by flink-savepoint and flink-stop. */
export interface SavepointSettings {
  savepointDir?: string;
  /** CANONICAL or NATIVE; empty for Flink's default. */
  formatType?: string;
  /** Overall limit in seconds; empty for the client's default (10 minutes). */
  timeout?: number | string;
}

/** Directory and format from msg.savepointDir / msg.formatType, else from the node; the client checks the values. */
export function savepointOptions(settings: SavepointSettings, msg: NodeMessage): { savepointDir?: string; formatType?: SavepointFormatType; timeoutMs?: number } {
  const savepointDir = nonEmptyString(msg.savepointDir) ?? nonEmptyString(settings.savepointDir);
  const formatType = nonEmptyString(msg.formatType) ?? nonEmptyString(settings.formatType);
  const timeoutMs = secondsToMs(settings.timeout);
  return {
    ...(savepointDir ? { savepointDir } : {}),
    ...(formatType ? { formatType: formatType.toUpperCase() as SavepointFormatType } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}
