import { CHECKPOINT_TYPES, SAVEPOINT_FORMAT_TYPES, type CheckpointType, type SavepointFormatType } from '../../../src';
import { invalidArgument } from '../errors';
import type { Messages } from '../messages';
import { evaluateProperty } from './properties';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { isSavepointResult } from './savepoint-result';
import { checkBoolean, checkChoice, checkString, isGiven, malformed, settingSecondsToMs, settingString } from '../values';

/*
 * Every msg property a flow node reads, read here under one rule: undefined and null mean "not given" (the
 * node's setting applies); any other value must be well-formed, or the message fails with FLINK_INVALID_ARGUMENT
 * naming the property before anything is sent to Flink. An empty or blank string is malformed, never "not given".
 * A malformed property never falls back to another property or to the node's setting.
 */

/** Flink's job and trigger ids: 32 hex characters. */
const JOB_ID = /^[0-9a-f]{32}$/;

/** How a node's settings choose its job. */
export interface JobSettings {
  /** TypedInput value for the job id, `jobId` (of msg) by default. */
  jobId?: string;
  jobIdType?: string;
  /** A job name used when no id is given. */
  jobName?: string;
}

export type JobReference = { id: string } | { name: string };

/** A property holding one of Flink's 32-hex ids (`what`: "a Flink job id"), trimmed and lowered; else malformed, naming it. */
export function checkFlinkId(property: string, what: string, value: unknown): string {
  const id = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (id === undefined || !JOB_ID.test(id)) throw malformed(property, `${what} (32 hex characters)`, value);
  return id;
}

export function checkJobId(property: string, value: unknown): string {
  return checkFlinkId(property, 'a Flink job id', value);
}

/**
 * The job a message is about: the node's job id property (by default msg.jobId), else msg.jobName, else the
 * node's job name. An id wins over a name (it is exact), but a malformed msg.jobName fails even then.
 */
export async function jobReference(RED: NodeAPI, node: Node, settings: JobSettings, msg: NodeMessage,
  signal: AbortSignal, t: Messages): Promise<JobReference> {
  const idType = settings.jobIdType || 'msg';
  const idValue = settings.jobId ?? (idType === 'msg' ? 'jobId' : '');
  const property = idType === 'str' ? t('errors.jobIdSetting') : `${idType}.${idValue}`;
  let id: unknown;
  try {
    id = idValue === '' ? undefined : await evaluateProperty(RED, node, idValue, idType, msg, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw invalidArgument(t('errors.jobIdProperty', { property, reason: (err as Error)?.message ?? String(err) }));
  }
  const name = isGiven(msg.jobName) ? checkString('msg.jobName', msg.jobName) : settingString(settings.jobName);
  if (isGiven(id)) return { id: checkJobId(property, id) };
  if (name) return { name };
  throw invalidArgument(t('errors.noJob', { property }));
}

/** msg.triggerId, which a follow-up on an earlier trigger needs: a Flink trigger id (32 hex characters). */
export function triggerIdInput(msg: NodeMessage, t: Messages): string {
  if (!isGiven(msg.triggerId)) throw invalidArgument(t('errors.noTriggerId'));
  const id = typeof msg.triggerId === 'string' ? msg.triggerId.trim().toLowerCase() : undefined;
  if (id === undefined || !JOB_ID.test(id)) throw malformed('msg.triggerId', 'a Flink trigger id (32 hex characters)', msg.triggerId);
  return id;
}

/** The node's Timeout in milliseconds, undefined for the default. */
export function timeoutSetting(settings: { timeout?: unknown }): number | undefined {
  return settingSecondsToMs('The node\'s Timeout', settings.timeout);
}

/** msg.<name> (true/false) when given, else the node's setting. */
export function booleanInput(msg: NodeMessage, name: string, setting: boolean): boolean {
  return isGiven(msg[name]) ? checkBoolean(`msg.${name}`, msg[name]) : setting;
}

/** msg.<name> when given, else the node's setting (empty: none); one of `allowed`, in any letter case. */
export function choiceInput<T extends string>(msg: NodeMessage, name: string, setting: unknown, allowed: readonly T[]): T | undefined {
  if (isGiven(msg[name])) return checkChoice(`msg.${name}`, msg[name], allowed);
  const configured = settingString(setting);
  return configured === undefined ? undefined : checkChoice(`The node's ${name}`, configured, allowed);
}

/** Savepoint settings shared by flink-savepoint and flink-stop. */
export interface SavepointSettings {
  savepointDir?: string;
  /** CANONICAL or NATIVE; empty for Flink's default. */
  formatType?: string;
  /** Overall limit in seconds; empty for the client's default (10 minutes). */
  timeout?: number | string;
}

/** Directory and format from msg.savepointDir / msg.formatType, else from the node, and the node's timeout. */
export function savepointInputs(settings: SavepointSettings, msg: NodeMessage): { savepointDir?: string; formatType?: SavepointFormatType; timeoutMs?: number } {
  const savepointDir = isGiven(msg.savepointDir) ? checkString('msg.savepointDir', msg.savepointDir) : settingString(settings.savepointDir);
  const formatType = choiceInput(msg, 'formatType', settings.formatType, SAVEPOINT_FORMAT_TYPES);
  const timeoutMs = timeoutSetting(settings);
  return {
    ...(savepointDir ? { savepointDir } : {}),
    ...(formatType ? { formatType } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

export function checkpointTypeInput(msg: NodeMessage, setting: unknown): CheckpointType | undefined {
  return choiceInput(msg, 'checkpointType', setting, CHECKPOINT_TYPES);
}

/**
 * The savepoint a dispose node deletes: msg.savepointPath when given; else the location of a savepoint or stop
 * node's result in msg.payload (recognised by its marker and shape); else the node's path. A payload that has
 * a `location` but is not such a result fails: it is never taken, nor passed over for the node's path.
 */
export function savepointPathInput(msg: NodeMessage, setting: unknown, t: Messages): string {
  if (isGiven(msg.savepointPath)) return checkString('msg.savepointPath', msg.savepointPath);
  const payload = msg.payload;
  if (isSavepointResult(payload)) return payload.location.trim();
  if (payload && typeof payload === 'object' && ('location' in payload || 'kind' in payload)) {
    throw invalidArgument(t('errors.notSavepointResult'));
  }
  const configured = settingString(setting);
  if (!configured) throw invalidArgument(t('errors.noSavepointPath'));
  return configured;
}
