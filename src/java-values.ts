/*
 * Flink hands job-result accumulators over as base64 Java-serialized objects. The common ones
 * (counters and simple values) are boxed numbers or strings, whose serialized form ends with the
 * value itself; those are decoded here. Anything else stays as Flink sent it (base64).
 */
const STREAM_MAGIC = 'aced0005';
const TC_STRING = 0x74;

const BOXED_TAILS: Array<[className: string, bytes: number, read: (tail: Buffer) => number]> = [
  ['java.lang.Long', 8, (tail) => Number(tail.readBigInt64BE(0))],
  ['java.lang.Double', 8, (tail) => tail.readDoubleBE(0)],
  ['java.lang.Integer', 4, (tail) => tail.readInt32BE(0)],
  ['java.lang.Float', 4, (tail) => tail.readFloatBE(0)],
  ['java.lang.Short', 2, (tail) => tail.readInt16BE(0)],
];

export function decodeJavaValue(base64: unknown): unknown {
  if (typeof base64 !== 'string') return base64;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.subarray(0, 4).toString('hex') !== STREAM_MAGIC) return base64;
  if (bytes[4] === TC_STRING) {
    const length = bytes.readUInt16BE(5);
    if (bytes.length === 7 + length) return bytes.subarray(7).toString('utf8');
    return base64;
  }
  const text = bytes.toString('latin1');
  // The value's class is the first class description; its superclass (Number) follows it.
  for (const [className, size, read] of BOXED_TAILS) {
    if (text.indexOf(className) === 9) return read(bytes.subarray(bytes.length - size));
  }
  return base64;
}
