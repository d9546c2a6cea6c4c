import type { NodeMessage } from 'node-red';
import { isSqlDeployment, type DeploymentRecord } from './deployments';
import { invalidArgument } from '../errors';
import { checkJarId } from './jar-source';
import { booleanInput } from '../flow/message-input';
import { checkParallelism, runInputs, type RunInputs, type RunSettings } from './run-settings';
import type { Deployment, SqlRun } from './upgrade-steps';
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

/** msg.sql of an upgrade: the new SQL, with msg.setup (else the recorded session setup) before it. */
export function upgradeSqlInput(msg: NodeMessage): (SqlRun & { setupGiven: boolean }) | undefined {
  if (!isGiven(msg.sql)) return undefined;
  const jarInput = ['jarId', 'jarPath'].find((name) => isGiven(msg[name]));
  if (jarInput || Buffer.isBuffer(msg.payload)) {
    throw invalidArgument(`The message has both msg.sql and a jar (${jarInput ? `msg.${jarInput}` : 'msg.payload'}): an upgrade runs one of them`);
  }
  const sql = checkString('msg.sql', msg.sql);
  return isGiven(msg.setup) ? { sql, setup: checkString('msg.setup', msg.setup), setupGiven: true } : { sql, setupGiven: false };
}

/**
 * msg.previous: the deployment a rollback runs again, `{ jarId, entryClass?, programArgs?, parallelism? }` for a
 * jar, `{ sql, setup? }` for SQL.
 */
export function previousInput(msg: NodeMessage): Deployment | undefined {
  const value = msg.previous;
  if (!isGiven(value)) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw malformed('msg.previous', 'an object { jarId, entryClass?, programArgs?, parallelism? } or { sql, setup? }', value);
  }
  const given = value as Record<string, unknown>;
  if ('sql' in given) {
    const unknownKeys = Object.keys(given).filter((key) => !['sql', 'setup'].includes(key));
    if (unknownKeys.length > 0) throw invalidArgument(`msg.previous has ${unknownKeys.map((key) => describeValue(key)).join(', ')}, which a SQL rollback does not know: it takes sql and setup`);
    return {
      sql: checkString('msg.previous.sql', given.sql),
      ...(isGiven(given.setup) ? { setup: checkString('msg.previous.setup', given.setup) } : {}),
    };
  }
  const unknown = Object.keys(given).filter((key) => !['jarId', 'entryClass', 'programArgs', 'parallelism'].includes(key));
  if (unknown.length > 0) throw invalidArgument(`msg.previous has ${unknown.map((key) => describeValue(key)).join(', ')}, which an upgrade does not know: it takes jarId, entryClass, programArgs, parallelism`);
  return {
    jarId: checkJarId('msg.previous.jarId', given.jarId),
    ...(isGiven(given.entryClass) ? { entryClass: checkString('msg.previous.entryClass', given.entryClass) } : {}),
    ...(isGiven(given.programArgs) ? { args: checkArgs('msg.previous.programArgs', given.programArgs) } : {}),
    ...(isGiven(given.parallelism) ? { parallelism: checkParallelism('msg.previous.parallelism', given.parallelism) } : {}),
  };
}

/** The recorded deployment as a run, when it is the one running now (and, for a jar, still on the cluster). */
export function recordedRun(record: DeploymentRecord | undefined, runningJobId: string): Deployment | undefined {
  if (!record || record.jobId !== runningJobId) return undefined;
  if (isSqlDeployment(record)) return { sql: record.sql, ...(record.setup ? { setup: record.setup } : {}) };
  if (record.jarDeleted) return undefined;
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
