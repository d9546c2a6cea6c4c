import { FlinkNodeError, invalidArgument } from './errors';

/** The longest delay a Node.js timer can hold (2^31−1 ms, about 24.8 days); longer ones fire at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_S = MAX_TIMER_MS / 1000;

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What a value is, for an error message: "an array", "a Date", "the number 5", "a blank string", "\"abc\"". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    return value.trim() === '' ? 'a blank string' : `"${truncate(value)}"`;
  }
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** FLINK_INVALID_ARGUMENT: "<property> must be <expected>, got <what it is>". */
export function malformed(property: string, expected: string, value: unknown): FlinkNodeError {
  return invalidArgument(`${property} must be ${expected}, got ${describeValue(value)}`);
}

/** Absent means not given: undefined and null. Anything else (an empty string included) is a value to check. */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A given value that must be a non-blank string; trimmed. */
export function checkString(property: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw malformed(property, 'a non-blank string', value);
  return value.trim();
}

/** A given value that must name one of `allowed`, in any letter case. */
export function checkChoice<T extends string>(property: string, value: unknown, allowed: readonly T[]): T {
  const expected = `one of ${allowed.join(', ')}`;
  if (typeof value !== 'string') throw malformed(property, expected, value);
  const found = allowed.find((choice) => choice.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) throw malformed(property, expected, value);
  return found;
}

/** A given value that must be true or false (the strings "true" and "false" included). */
export function checkBoolean(property: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw malformed(property, 'true or false', value);
}

/**
 * A node setting in seconds (an editor field: a number or a numeric string) as milliseconds a timer can hold;
 * undefined when left empty (the default applies).
 */
export function settingSecondsToMs(property: string, value: unknown, minimumS = 0.001): number | undefined {
  if (!isGiven(value) || value === '') return undefined;
  const seconds = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < minimumS || seconds > MAX_TIMER_S) {
    throw malformed(property, `a number of seconds from ${minimumS} to ${MAX_TIMER_S} (what a timer can hold)`, value);
  }
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.round(seconds * 1000)));
}

/** A node setting that may be left empty: undefined when empty, else the trimmed text. */
export function settingString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
