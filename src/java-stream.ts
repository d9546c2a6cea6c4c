/*
 * A reader of Java's object serialization stream (the format `ObjectOutputStream` writes, as laid out in
 * the "Object Serialization Stream Protocol" chapter of Java's serialization specification). It turns the
 * bytes into plain data: it never runs or looks up Java code, so a class is only a name and field values.
 * Whatever it cannot read (a class that writes its own external format, an exception mid-stream, bytes
 * that break the grammar) raises a JavaStreamError; nothing is guessed.
 */

const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const BASE_HANDLE = 0x7e0000;
const MAX_DEPTH = 200;

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_CLASS = 0x76;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_RESET = 0x79;
const TC_BLOCKDATALONG = 0x7a;
const TC_EXCEPTION = 0x7b;
const TC_LONGSTRING = 0x7c;
const TC_PROXYCLASSDESC = 0x7d;
const TC_ENUM = 0x7e;

const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;

export class JavaStreamError extends Error {
  constructor(message: string, readonly javaClass?: string) {
    super(message);
  }
}

/** A field's value: primitives as JS values (`long` as bigint, `char` as a one-letter string), objects as read. */
export type JavaValue = number | bigint | boolean | string | JavaContent;

/** What the stream holds: null, a String, an object, an array, an enum constant, a class, or raw block data. */
export type JavaContent = null | string | JavaObject | JavaArray | JavaEnum | JavaClass | Uint8Array;

export interface JavaField { type: string; name: string }

export interface JavaClassDesc {
  name: string;
  flags: number;
  fields: JavaField[];
  superClass: JavaClassDesc | null;
}

/** One class's part of an object: its serialized fields and what its own writeObject wrote after them. */
export interface JavaClassData {
  className: string;
  fields: Record<string, JavaValue>;
  annotation: JavaContent[];
}

export interface JavaObject {
  kind: 'object';
  className: string;
  /** From the topmost serializable superclass down to the object's own class, as the stream orders them. */
  classData: JavaClassData[];
}

export interface JavaArray { kind: 'array'; className: string; elements: JavaValue[] }
export interface JavaEnum { kind: 'enum'; className: string; constant: string }
export interface JavaClass { kind: 'class'; className: string }

/** Reads the one object a stream holds (as Flink's `SerializedValue` does), refusing trailing bytes. */
export function readJavaObject(bytes: Uint8Array): JavaContent {
  const reader = new StreamReader(bytes);
  const content = reader.readStream();
  if (!reader.atEnd()) throw new JavaStreamError('unexpected bytes after the serialized object');
  return content;
}

/** A field's value, looked up from the object's own class up to its superclasses. */
export function fieldOf(object: JavaObject, name: string): JavaValue | undefined {
  for (let i = object.classData.length - 1; i >= 0; i--) {
    const fields = object.classData[i]!.fields;
    if (Object.prototype.hasOwnProperty.call(fields, name)) return fields[name];
  }
  return undefined;
}

/** What the given class's writeObject wrote after its fields (empty if it has none or wrote nothing). */
export function annotationOf(object: JavaObject, className: string): JavaContent[] {
  return object.classData.find((data) => data.className === className)?.annotation ?? [];
}

export function isJavaObject(value: unknown): value is JavaObject {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'object';
}

class StreamReader {
  private offset = 0;
  private handles: unknown[] = [];
  private depth = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.offset === this.bytes.length;
  }

  readStream(): JavaContent {
    if (this.bytes.length < 4 || this.u16() !== STREAM_MAGIC) throw new JavaStreamError('not a Java serialization stream');
    const version = this.u16();
    if (version !== STREAM_VERSION) throw new JavaStreamError(`unsupported stream version ${version}`);
    return this.readContent();
  }

  // ---- grammar ----

  private readContent(): JavaContent {
    const tc = this.u8();
    if (tc === TC_BLOCKDATA) return this.take(this.u8());
    if (tc === TC_BLOCKDATALONG) return this.take(this.i32());
    return this.readObjectAfter(tc);
  }

  private readObject(): JavaContent {
    return this.readObjectAfter(this.u8());
  }

  private readObjectAfter(tc: number): JavaContent {
    if (++this.depth > MAX_DEPTH) throw new JavaStreamError('values nested too deeply');
    try {
      switch (tc) {
        case TC_NULL: return null;
        case TC_REFERENCE: {
          const target = this.reference();
          return isClassDesc(target) ? { kind: 'class', className: target.name } : target as JavaContent;
        }
        case TC_STRING: return this.newHandle(this.utf(this.u16()));
        case TC_LONGSTRING: return this.newHandle(this.utf(this.longLength()));
        case TC_OBJECT: return this.newObject();
        case TC_ARRAY: return this.newArray();
        case TC_ENUM: return this.newEnum();
        case TC_CLASS: return this.newHandle<JavaClass>({ kind: 'class', className: this.classDesc()?.name ?? 'null' });
        case TC_RESET: this.handles = []; return this.readObject();
        case TC_CLASSDESC: case TC_PROXYCLASSDESC: {
          const desc = this.classDescAfter(tc);
          return { kind: 'class', className: desc.name };
        }
        case TC_EXCEPTION: throw new JavaStreamError('the writer failed mid-stream (TC_EXCEPTION)');
        default: throw new JavaStreamError(`unexpected type code 0x${tc.toString(16)} at byte ${this.offset - 1}`);
      }
    } finally {
      this.depth--;
    }
  }

  private classDesc(): JavaClassDesc | null {
    if (++this.depth > MAX_DEPTH) throw new JavaStreamError('values nested too deeply');
    try {
      return this.classDescOrNull(this.u8());
    } finally {
      this.depth--;
    }
  }

  private classDescOrNull(tc: number): JavaClassDesc | null {
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const desc = this.reference();
      if (!isClassDesc(desc)) throw new JavaStreamError('a class description refers to something else');
      return desc;
    }
    return this.classDescAfter(tc);
  }

  private classDescAfter(tc: number): JavaClassDesc {
    if (tc === TC_PROXYCLASSDESC) {
      const desc: JavaClassDesc = this.newHandle({ name: '(proxy)', flags: SC_SERIALIZABLE, fields: [], superClass: null });
      const count = this.i32();
      const interfaces = Array.from({ length: this.count(count, 2) }, () => this.utf(this.u16()));
      desc.name = `(proxy ${interfaces.join(', ')})`;
      this.skipAnnotation();
      desc.superClass = this.classDesc();
      return desc;
    }
    if (tc !== TC_CLASSDESC) throw new JavaStreamError(`expected a class description, got type code 0x${tc.toString(16)}`);
    const name = this.utf(this.u16());
    this.take(8); // serialVersionUID
    const desc: JavaClassDesc = this.newHandle({ name, flags: 0, fields: [], superClass: null });
    desc.flags = this.u8();
    const fieldCount = this.count(this.i16(), 3);
    for (let i = 0; i < fieldCount; i++) {
      const type = String.fromCharCode(this.u8());
      const fieldName = this.utf(this.u16());
      if (type === 'L' || type === '[') {
        const signature = this.readObject();
        if (typeof signature !== 'string') throw new JavaStreamError(`field ${name}.${fieldName} has no type name`);
      } else if (!'BCDFIJSZ'.includes(type)) {
        throw new JavaStreamError(`field ${name}.${fieldName} has unknown type code ${JSON.stringify(type)}`);
      }
      desc.fields.push({ type, name: fieldName });
    }
    this.skipAnnotation();
    desc.superClass = this.classDesc();
    return desc;
  }

  private newObject(): JavaObject {
    const desc = this.classDesc();
    if (!desc) throw new JavaStreamError('an object without a class');
    const object: JavaObject = this.newHandle({ kind: 'object', className: desc.name, classData: [] });
    const hierarchy: JavaClassDesc[] = [];
    for (let d: JavaClassDesc | null = desc; d; d = d.superClass) hierarchy.unshift(d);
    for (const d of hierarchy) object.classData.push(this.classData(d));
    return object;
  }

  private classData(desc: JavaClassDesc): JavaClassData {
    const data: JavaClassData = { className: desc.name, fields: {}, annotation: [] };
    if (desc.flags & SC_EXTERNALIZABLE) {
      if (!(desc.flags & SC_BLOCK_DATA)) throw new JavaStreamError('it writes an external format that only its own code can read', desc.name);
      data.annotation = this.annotation();
      return data;
    }
    if (!(desc.flags & SC_SERIALIZABLE)) return data;
    for (const field of desc.fields) data.fields[field.name] = this.fieldValue(field.type);
    if (desc.flags & SC_WRITE_METHOD) data.annotation = this.annotation();
    return data;
  }

  private newArray(): JavaArray {
    const desc = this.classDesc();
    if (!desc || !desc.name.startsWith('[')) throw new JavaStreamError('an array without an array class');
    const array: JavaArray = this.newHandle({ kind: 'array', className: desc.name, elements: [] });
    const elementType = desc.name[1]!;
    const width = ({ B: 1, Z: 1, C: 2, S: 2, I: 4, F: 4, J: 8, D: 8 } as Record<string, number>)[elementType] ?? 1;
    const length = this.count(this.i32(), width);
    for (let i = 0; i < length; i++) array.elements.push(this.fieldValue(elementType));
    return array;
  }

  private newEnum(): JavaEnum {
    const desc = this.classDesc();
    const constant: JavaEnum = this.newHandle({ kind: 'enum', className: desc?.name ?? 'null', constant: '' });
    const name = this.readObject();
    if (typeof name !== 'string') throw new JavaStreamError('an enum constant without a name');
    constant.constant = name;
    return constant;
  }

  private fieldValue(type: string): JavaValue {
    switch (type) {
      case 'B': return this.view.getInt8(this.advance(1));
      case 'Z': return this.u8() !== 0;
      case 'C': return String.fromCharCode(this.u16());
      case 'S': return this.i16();
      case 'I': return this.i32();
      case 'F': return this.view.getFloat32(this.advance(4));
      case 'J': return this.view.getBigInt64(this.advance(8));
      case 'D': return this.view.getFloat64(this.advance(8));
      case 'L': case '[': return this.readObject();
      default: throw new JavaStreamError(`unknown field type ${JSON.stringify(type)}`);
    }
  }

  /** Block data and objects up to TC_ENDBLOCKDATA: what a class's own writeObject wrote. */
  private annotation(): JavaContent[] {
    const contents: JavaContent[] = [];
    while (this.peek() !== TC_ENDBLOCKDATA) contents.push(this.readContent());
    this.offset++;
    return contents;
  }

  private skipAnnotation(): void {
    this.annotation();
  }

  // ---- handles ----

  private newHandle<T>(value: T): T {
    this.handles.push(value);
    return value;
  }

  private reference(): unknown {
    const handle = this.i32() - BASE_HANDLE;
    if (handle < 0 || handle >= this.handles.length) throw new JavaStreamError(`reference to unknown handle ${handle}`);
    return this.handles[handle];
  }

  // ---- bytes ----

  /** A count of items of at least `minBytes` each, checked against what is left so bad input cannot ask for gigabytes. */
  private count(n: number, minBytes: number): number {
    if (n < 0 || n * minBytes > this.bytes.length - this.offset) throw new JavaStreamError(`count ${n} exceeds the stream`);
    return n;
  }

  private longLength(): number {
    const length = this.view.getBigInt64(this.advance(8));
    if (length < 0n || length > BigInt(this.bytes.length - this.offset)) throw new JavaStreamError('string longer than the stream');
    return Number(length);
  }

  private advance(n: number): number {
    if (n < 0 || this.offset + n > this.bytes.length) throw new JavaStreamError('the stream ends too early');
    const at = this.offset;
    this.offset += n;
    return at;
  }

  private peek(): number {
    if (this.offset >= this.bytes.length) throw new JavaStreamError('the stream ends too early');
    return this.bytes[this.offset]!;
  }

  private take(n: number): Uint8Array {
    const at = this.advance(n);
    return this.bytes.subarray(at, at + n);
  }

  private u8(): number { return this.view.getUint8(this.advance(1)); }
  private u16(): number { return this.view.getUint16(this.advance(2)); }
  private i16(): number { return this.view.getInt16(this.advance(2)); }
  private i32(): number { return this.view.getInt32(this.advance(4)); }

  /** Java's "modified UTF-8": NUL as two bytes, characters outside the BMP as two three-byte surrogates. */
  private utf(length: number): string {
    const bytes = this.take(length);
    let text = '';
    for (let i = 0; i < bytes.length;) {
      const a = bytes[i]!;
      if (a < 0x80) { text += String.fromCharCode(a); i += 1; continue; }
      if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80) {
        text += String.fromCharCode(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
        i += 2;
        continue;
      }
      if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80) {
        text += String.fromCharCode(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
        i += 3;
        continue;
      }
      throw new JavaStreamError(`malformed modified UTF-8 at byte ${this.offset - length + i}`);
    }
    return text;
  }
}

function isClassDesc(value: unknown): value is JavaClassDesc {
  return typeof value === 'object' && value !== null && 'flags' in value && 'fields' in value;
}
