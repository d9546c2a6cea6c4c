import type { ClaimMode, RunJarOptions } from '../../../src';
import { invalidArgument } from '../errors';
import { booleanInput, choiceInput } from '../flow/message-input';
import type { NodeMessage } from 'node-red';
import { isSavepointResult } from '../flow/savepoint-result';
import { checkString, isGiven, malformed, settingString } from '../values';

/*
 * How a deploying node runs a jar: entry class, program arguments, parallelism, the savepoint to start from and
 * how, and the job's own Flink configuration. Each from msg.<name> when given, else from the node's setting.
 */

/** The node's settings as the editor stores them (text fields hold JSON for the array and the object). */
export interface RunSettings {
  entryClass?: string;
  /** A JSON array of strings, e.g. `["--input", "s3://bucket/in"]`; empty for none. */
  programArgs?: string;
  /** Empty for the cluster's default parallelism. */
  parallelism?: string | number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** CLAIM, NO_CLAIM or LEGACY; empty for Flink's default (NO_CLAIM). */
  claimMode?: string;
  /** A JSON object of Flink option names to values, for this job only; empty for none. */
  flinkConfiguration?: string;
}

/** What a run takes besides the jar and the job id, as the client's `runJar` takes it. */
export type RunInputs = Pick<RunJarOptions, 'entryClass' | 'args' | 'parallelism' | 'savepointPath' | 'allowNonRestoredState' | 'claimMode' | 'flinkConfiguration'>;

export const CLAIM_MODES: readonly ClaimMode[] = ['CLAIM', 'NO_CLAIM', 'LEGACY'];

/** Flink's largest parallelism (and max parallelism): 2^15. */
export const MAX_PARALLELISM = 32768;

/** A parallelism: a whole number from 1 to 32768 (a numeric string too, as an editor field holds it). */
export function checkParallelism(property: string, value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > MAX_PARALLELISM) {
    throw malformed(property, `a whole number from 1 to ${MAX_PARALLELISM}`, value);
  }
  return number;
}

/** The node's setting holding JSON text, parsed; undefined when empty. */
function settingJson(property: string, value: unknown): unknown {
  const text = settingString(value);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidArgument(`${property} is not valid JSON: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`);
  }
}

function checkArgs(property: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((arg) => typeof arg === 'string')) {
    throw malformed(property, 'an array of strings (one per program argument)', value);
  }
  return value as string[];
}

function checkConfiguration(property: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw malformed(property, 'an object of Flink option names to values', value);
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, option]): [string, string] => {
    if (key.trim() === '') throw invalidArgument(`${property} has an empty option name`);
    // Flink reads every option from text: a number or a boolean is its text, anything else is a mistake.
    if (typeof option === 'string' || typeof option === 'number' || typeof option === 'boolean') return [key.trim(), String(option)];
    throw malformed(`${property}["${key}"]`, 'a string, a number or a boolean', option);
  });
  return Object.fromEntries(entries);
}

/**
 * The savepoint to start from: msg.savepointPath; else the location of a savepoint or stop node's result in
 * msg.payload; else the node's path; else none. A payload shaped like such a result that is not one fails.
 */
export function restorePathInput(settings: RunSettings, msg: NodeMessage): string | undefined {
  if (isGiven(msg.savepointPath)) return checkString('msg.savepointPath', msg.savepointPath);
  const payload = msg.payload;
  if (isSavepointResult(payload)) return payload.location.trim();
  const looksLikeOne = typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload)
    && ('location' in payload || 'kind' in payload);
  if (looksLikeOne) {
    throw invalidArgument('msg.payload has a location but is not a savepoint or stop node\'s result: send the path in msg.savepointPath');
  }
  return settingString(settings.savepointPath);
}

/** Every run input from the message, else from the node's settings; FLINK_INVALID_ARGUMENT naming a malformed one. */
export function runInputs(settings: RunSettings, msg: NodeMessage): RunInputs {
  const entryClass = isGiven(msg.entryClass) ? checkString('msg.entryClass', msg.entryClass) : settingString(settings.entryClass);
  const args = isGiven(msg.programArgs)
    ? checkArgs('msg.programArgs', msg.programArgs)
    : maybe(settingJson('The node\'s program arguments', settings.programArgs), (value) => checkArgs('The node\'s program arguments', value));
  const parallelism = isGiven(msg.parallelism)
    ? checkParallelism('msg.parallelism', msg.parallelism)
    : maybe(settingString(String(settings.parallelism ?? '')), (value) => checkParallelism('The node\'s parallelism', value));
  const savepointPath = restorePathInput(settings, msg);
  const allowNonRestoredState = booleanInput(msg, 'allowNonRestoredState', settings.allowNonRestoredState === true);
  const claimMode = choiceInput(msg, 'claimMode', settings.claimMode, CLAIM_MODES);
  const flinkConfiguration = isGiven(msg.flinkConfiguration)
    ? checkConfiguration('msg.flinkConfiguration', msg.flinkConfiguration)
    : maybe(settingJson('The node\'s Flink configuration', settings.flinkConfiguration), (value) => checkConfiguration('The node\'s Flink configuration', value));
  // A message that says how to restore but names nothing to restore from lost its savepoint on the way: never start from nothing.
  const restoreInput = ['claimMode', 'allowNonRestoredState'].find((name) => isGiven(msg[name]));
  if (restoreInput && !savepointPath) {
    throw invalidArgument(`msg.${restoreInput} applies only to a run from a savepoint, and the message gives none (msg.savepointPath, or a savepoint or stop node's result in msg.payload) nor does the node`);
  }
  return {
    ...(entryClass ? { entryClass } : {}),
    ...(args && args.length > 0 ? { args } : {}),
    ...(parallelism ? { parallelism } : {}),
    ...(savepointPath ? { savepointPath, allowNonRestoredState, ...(claimMode ? { claimMode } : {}) } : {}),
    ...(flinkConfiguration && Object.keys(flinkConfiguration).length > 0 ? { flinkConfiguration } : {}),
  };
}

function maybe<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}
