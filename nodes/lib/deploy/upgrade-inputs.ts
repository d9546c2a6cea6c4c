import type { NodeMessage } from 'node-red';
import type { DeploymentRecord } from './deployments';
import { invalidArgument } from '../errors';
import { checkJarId } from './jar-source';
import { booleanInput } from '../flow/message-input';
import { checkParallelism, runInputs, type RunInputs, type RunSettings } from './run-settings';
import type { JarRun } from './upgrade-steps';
import { checkString, describeValue, isGiven, malformed, settingSecondsToMs } from '../values';

/** Verify window when the node leaves it empty; the node's help says why this long. */
export const DEFAULT_VERIFY_WINDOW_S = 120;

/** The node's settings besides the job, the jar and the stop. */
export interface UpgradeSettings extends RunSettings {
  /** Seconds the new job has to show it works; empty for DEFAULT_VERIFY_WINDOW_S. */
  verifyWindow?: number | string;
  /** Run the previous jar again when the new one fails (default on). */
  rollback?: boolean;
  /** Start from the old job's latest retained checkpoint when its stop with savepoint fails (default off). */
  checkpointFallback?: boolean;
}

export function verifyWindowSetting(settings: UpgradeSettings): number {
  return settingSecondsToMs('The node\'s verify window', settings.verifyWindow) ?? DEFAULT_VERIFY_WINDOW_S * 1000;
}

/** Marks the run settings' savepoint as given: the upgrade always starts from the snapshot it takes itself. */
const OWN_SNAPSHOT = 'the upgrade\'s own savepoint';

/**
 * How the new jar runs, from the message or the node, as flink-run-job reads them, but never from a savepoint
 * path of the message's or node's: the upgrade runs from the snapshot it takes.
 */
export function upgradeRunInputs(settings: UpgradeSettings, msg: NodeMessage): Omit<RunInputs, 'savepointPath'> {
  if (isGiven(msg.savepointPath)) {
    throw invalidArgument('msg.savepointPath is not used by an upgrade, which starts the new jar from the savepoint it takes: remove it');
  }
  const { savepointPath: _own, ...inputs } = runInputs({ ...settings, savepointPath: OWN_SNAPSHOT }, { ...msg, payload: undefined });
  return inputs;
}

function checkArgs(property: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((arg) => typeof arg === 'string')) throw malformed(property, 'an array of strings', value);
  return value as string[];
}

/** msg.previous: the deployment a rollback runs again, `{ jarId, entryClass?, programArgs?, parallelism? }`. */
export function previousInput(msg: NodeMessage): JarRun | undefined {
  const value = msg.previous;
  if (!isGiven(value)) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw malformed('msg.previous', 'an object { jarId, entryClass?, programArgs?, parallelism? }', value);
  }
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !['jarId', 'entryClass', 'programArgs', 'parallelism'].includes(key));
  if (unknown.length > 0) throw invalidArgument(`msg.previous has ${unknown.map((key) => describeValue(key)).join(', ')}, which an upgrade does not know: it takes jarId, entryClass, programArgs, parallelism`);
  return {
    jarId: checkJarId('msg.previous.jarId', given.jarId),
    ...(isGiven(given.entryClass) ? { entryClass: checkString('msg.previous.entryClass', given.entryClass) } : {}),
    ...(isGiven(given.programArgs) ? { args: checkArgs('msg.previous.programArgs', given.programArgs) } : {}),
    ...(isGiven(given.parallelism) ? { parallelism: checkParallelism('msg.previous.parallelism', given.parallelism) } : {}),
  };
}

/** The recorded deployment as a run, when it is the one running now and its jar is still on the cluster. */
export function recordedRun(record: DeploymentRecord | undefined, runningJobId: string): JarRun | undefined {
  if (!record || record.jobId !== runningJobId || record.jarDeleted) return undefined;
  return {
    jarId: record.jarId,
    ...(record.entryClass ? { entryClass: record.entryClass } : {}),
    ...(record.programArgs ? { args: record.programArgs } : {}),
    ...(record.parallelism ? { parallelism: record.parallelism } : {}),
  };
}

/** Whether the node should roll back: msg.rollback, else the node's setting (on unless turned off). */
export function rollbackInput(settings: UpgradeSettings, msg: NodeMessage): boolean {
  return booleanInput(msg, 'rollback', settings.rollback !== false);
}

export function checkpointFallbackInput(settings: UpgradeSettings, msg: NodeMessage): boolean {
  return booleanInput(msg, 'checkpointFallback', settings.checkpointFallback === true);
}
