/*
 * Job-result accumulators: Flink sends each as base64 of a Java-serialized `OptionalFailure` that holds
 * either the accumulator's result or the exception met while producing it. The results of Flink's
 * common accumulators are plain Java values, turned here into JS values:
 *   Long, Integer, Short, Byte, Double, Float (LongCounter, IntCounter, DoubleCounter, AverageAccumulator,
 *   the Min/Max accumulators)  -> number (a Long beyond ±2^53 -> its exact decimal digits as a string)
 *   String, Character -> string;  Boolean -> boolean;  null -> null
 *   ArrayList of those (ListAccumulator) -> array;  TreeMap/HashMap with integer keys (Histogram) -> object
 * Anything else is `{ undecodable: true, javaClass, reason }`, and a failure `{ failure: { class, message } }`;
 * Flink's own bytes are never handed on.
 *
 * Why not `GET /jobs/{id}/accumulators`: it renders every value with toString(), so the number 42 and the
 * string "42" look alike, a value without its own toString becomes `Holder@478d5caf`, and a failed one is
 * a stack trace in the value field; and it is a second request that a job past its retention cannot answer.
 */
import { annotationOf, fieldOf, isJavaObject, JavaStreamError, readJavaObject, type JavaContent, type JavaValue } from './java-stream';
import type { FlinkFailure } from './types';

const OPTIONAL_FAILURE = 'org.apache.flink.util.OptionalFailure';
const SERIALIZED_THROWABLE = 'org.apache.flink.util.SerializedThrowable';

export interface UndecodableValue {
  undecodable: true;
  /** The Java class of the value, when the bytes got that far. */
  javaClass?: string;
  reason: string;
}

export interface FailedValue {
  failure: FlinkFailure;
}

export type SimpleValue = number | string | boolean | null;
export type AccumulatorValue = SimpleValue | SimpleValue[] | Record<string, SimpleValue> | UndecodableValue | FailedValue;

const BOXED_NUMBERS = new Set(['java.lang.Integer', 'java.lang.Short', 'java.lang.Byte', 'java.lang.Double', 'java.lang.Float']);
const LISTS = new Set(['java.util.ArrayList', 'java.util.LinkedList']);
const MAPS: Record<string, string> = { 'java.util.TreeMap': 'java.util.TreeMap', 'java.util.HashMap': 'java.util.HashMap', 'java.util.LinkedHashMap': 'java.util.HashMap' };

/** One `accumulator-results` value of a job result, decoded. */
export function decodeJavaValue(base64: unknown): AccumulatorValue {
  if (typeof base64 !== 'string') return { undecodable: true, reason: `expected base64 text, got ${typeof base64}` };
  let content: JavaContent;
  try {
    content = readJavaObject(Buffer.from(base64, 'base64'));
  } catch (err) {
    if (!(err instanceof JavaStreamError)) return { undecodable: true, reason: `unreadable (${(err as Error).message})` };
    return { undecodable: true, ...(err.javaClass ? { javaClass: err.javaClass } : {}), reason: err.message };
  }
  if (isJavaObject(content) && content.className === OPTIONAL_FAILURE) {
    const cause = fieldOf(content, 'failureCause');
    if (cause !== null && cause !== undefined) return { failure: failureOf(cause) };
    const [value, ...extra] = annotationOf(content, OPTIONAL_FAILURE);
    if (value === undefined || extra.length > 0) return { undecodable: true, javaClass: OPTIONAL_FAILURE, reason: 'an OptionalFailure without exactly one value' };
    return decodeResult(value);
  }
  return decodeResult(content);
}

function decodeResult(value: JavaContent): AccumulatorValue {
  const simple = simpleValue(value);
  if (simple !== undefined) return simple;
  if (isJavaObject(value)) {
    if (LISTS.has(value.className)) return listOf(value.className, annotationOf(value, value.className));
    const mapClass = MAPS[value.className];
    if (mapClass) return mapOf(value.className, annotationOf(value, mapClass));
  }
  return undecodable(value, 'not one of the value types this client decodes');
}

function simpleValue(value: JavaValue | undefined): SimpleValue | undefined {
  if (value === null || typeof value === 'string') return value;
  if (!isJavaObject(value)) return undefined;
  const inner = fieldOf(value, 'value');
  switch (value.className) {
    case 'java.lang.Long':
      if (typeof inner !== 'bigint') return undefined;
      return inner >= BigInt(Number.MIN_SAFE_INTEGER) && inner <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(inner) : inner.toString();
    case 'java.lang.Boolean':
      return typeof inner === 'boolean' ? inner : undefined;
    case 'java.lang.Character':
      return typeof inner === 'string' ? inner : undefined;
    default:
      return BOXED_NUMBERS.has(value.className) && typeof inner === 'number' ? inner : undefined;
  }
}

/** A list's writeObject writes its size as block data, then each element. */
function listOf(className: string, annotation: JavaContent[]): AccumulatorValue {
  const values = annotation.filter((item) => !(item instanceof Uint8Array)).map(simpleValue);
  if (values.some((v) => v === undefined)) return { undecodable: true, javaClass: className, reason: 'a list holding values this client does not decode' };
  return values as SimpleValue[];
}

/** A map's writeObject writes its sizes as block data, then key, value, key, value. */
function mapOf(className: string, annotation: JavaContent[]): AccumulatorValue {
  const items = annotation.filter((item) => !(item instanceof Uint8Array));
  const result: Record<string, SimpleValue> = {};
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = simpleValue(items[i]);
    const value = simpleValue(items[i + 1]);
    // Integer keys only (a Histogram): a text key could be "undecodable" or "failure" and pass for a marker.
    if (typeof key !== 'number' || value === undefined) {
      return { undecodable: true, javaClass: className, reason: 'a map other than integer keys to plain values' };
    }
    result[String(key)] = value;
  }
  return items.length % 2 === 0 ? result : { undecodable: true, javaClass: className, reason: 'a map with a key but no value' };
}

function failureOf(cause: JavaValue): FlinkFailure {
  if (!isJavaObject(cause)) return { message: 'a failure that is not a Java exception' };
  const original = cause.className === SERIALIZED_THROWABLE ? fieldOf(cause, 'originalErrorClassName') : undefined;
  const className = typeof original === 'string' ? original : cause.className;
  const detail = fieldOf(cause, 'detailMessage');
  if (typeof detail !== 'string' || !detail) return { class: className, message: className };
  // A SerializedThrowable's message is the original's toString(): "class: message".
  return { class: className, message: detail.startsWith(`${className}: `) ? detail.slice(className.length + 2) : detail };
}

function undecodable(value: JavaContent, reason: string): UndecodableValue {
  const javaClass = value === null || typeof value !== 'object' || value instanceof Uint8Array ? undefined : (value as { className?: string }).className;
  return { undecodable: true, ...(javaClass ? { javaClass } : {}), reason };
}
