/**
 * Canonical encoding: one byte form for every supported value, so that what is signed, hashed or
 * compared across nodes never depends on who encoded it. The bytes are plain MessagePack
 * (https://github.com/msgpack/msgpack/blob/master/spec.md) restricted to a canonical subset:
 *
 * | value | bytes |
 * |---|---|
 * | `null`, `false`, `true` | nil, false, true |
 * | safe integer (`Number.isSafeInteger`) | shortest int format (uint family for n ≥ 0, int family for n < 0) |
 * | finite non-integer number | float64 (never float32) |
 * | string (well-formed Unicode) | UTF-8 str with the shortest length header |
 * | `Uint8Array` (and `Buffer`) | bin with the shortest length header |
 * | array (plain, dense) | array, items in order |
 * | plain object (prototype `Object.prototype` or `null`) | map, string keys sorted by UTF-8 bytes |
 *
 * Rejected with `BC_ENCODE_UNSUPPORTED`: `undefined` (also as an object property or array hole), NaN,
 * ±Infinity, `-0` (rejected rather than silently turned into `0`, so a value never changes in a round
 * trip), integers beyond ±(2^53 − 1), bigint (encode with `bigintToBytes(value, width)`), symbols,
 * functions, Map, Set, Date, typed arrays other than Uint8Array, class instances, objects with symbol
 * keys, the key `__proto__`, lone UTF-16 surrogates, cycles and nesting deeper than 1000.
 *
 * The encoder is written here rather than delegated to msgpackr's packer because msgpackr writes
 * integers beyond 32 bits as float64 and keeps object key order; decoding is msgpackr's, behind the
 * strict pre-scan in `canonical-scan.ts`.
 */
import { Unpackr } from 'msgpackr';
import { scanCanonical } from './canonical-scan';
import { type DecodeLimits, MAX_NESTING_DEPTH, resolveDecodeLimits } from './decode-limits';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** A value that {@link encodeCanonical} accepts and {@link decodeStrict} returns. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

const TWO_POW_32 = 0x1_0000_0000;
const INITIAL_BUFFER_BYTES = 16 * 1024;
/** A shared buffer grown past this by one large value is shrunk again afterwards. */
const RETAINED_BUFFER_BYTES = 1024 * 1024;

class UnsupportedValue extends Error {
  constructor(
    readonly reason: string,
    readonly type: string,
    readonly path: string,
  ) {
    super(reason);
  }
}

function unsupported(reason: string, value: unknown): UnsupportedValue {
  return new UnsupportedValue(reason, describeType(value), '');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const proto: unknown = Object.getPrototypeOf(value);
  const name = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' ? name : 'object';
}

function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Appends canonical msgpack to a growable buffer. One instance is reused between calls. */
class CanonicalWriter {
  private buffer: Buffer;
  private view: DataView;
  private pos = 0;
  private readonly ancestors: object[] = [];
  inUse = false;

  constructor(initialSize: number) {
    this.buffer = Buffer.allocUnsafeSlow(initialSize);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  encode(value: unknown): Uint8Array {
    this.pos = 0;
    this.ancestors.length = 0;
    this.write(value, 0);
    const out = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.pos).slice();
    if (this.buffer.length > RETAINED_BUFFER_BYTES) this.resize(INITIAL_BUFFER_BYTES);
    return out;
  }

  private resize(size: number): void {
    const next = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(next, 0, 0, Math.min(this.pos, size));
    this.buffer = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + n) size *= 2;
    this.resize(size);
  }

  private write(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number':
        this.writeNumber(value);
        return;
      case 'string':
        this.writeString(value);
        return;
      case 'boolean':
        this.reserve(1);
        this.buffer[this.pos++] = value ? 0xc3 : 0xc2;
        return;
      case 'object':
        if (value === null) {
          this.reserve(1);
          this.buffer[this.pos++] = 0xc0;
          return;
        }
        if (value instanceof Uint8Array) {
          this.writeBytes(value);
          return;
        }
        this.writeContainer(value, depth + 1);
        return;
      case 'bigint':
        throw unsupported('bigint is not encodable: use bigintToBytes(value, width)', value);
      default:
        throw unsupported(`${typeof value} is not encodable`, value);
    }
  }

  private writeNumber(value: number): void {
    this.reserve(9);
    const buffer = this.buffer;
    if (Number.isInteger(value)) {
      if (!Number.isSafeInteger(value))
        throw unsupported('integer beyond ±(2^53 − 1): use bigintToBytes', value);
      if (value === 0 && 1 / value < 0) throw unsupported('-0 is not encodable', value);
      if (value >= 0) {
        if (value < 0x80) {
          buffer[this.pos++] = value;
        } else if (value < 0x100) {
          buffer[this.pos++] = 0xcc;
          buffer[this.pos++] = value;
        } else if (value < 0x10000) {
          buffer[this.pos++] = 0xcd;
          this.view.setUint16(this.pos, value);
          this.pos += 2;
        } else if (value < TWO_POW_32) {
          buffer[this.pos++] = 0xce;
          this.view.setUint32(this.pos, value);
          this.pos += 4;
        } else {
          buffer[this.pos++] = 0xcf;
          this.view.setUint32(this.pos, Math.floor(value / TWO_POW_32));
          this.view.setUint32(this.pos + 4, value >>> 0);
          this.pos += 8;
        }
      } else if (value >= -0x20) {
        buffer[this.pos++] = 0x100 + value;
      } else if (value >= -0x80) {
        buffer[this.pos++] = 0xd0;
        this.view.setInt8(this.pos, value);
        this.pos += 1;
      } else if (value >= -0x8000) {
        buffer[this.pos++] = 0xd1;
        this.view.setInt16(this.pos, value);
        this.pos += 2;
      } else if (value >= -0x8000_0000) {
        buffer[this.pos++] = 0xd2;
        this.view.setInt32(this.pos, value);
        this.pos += 4;
      } else {
        const high = Math.floor(value / TWO_POW_32);
        buffer[this.pos++] = 0xd3;
        this.view.setInt32(this.pos, high);
        this.view.setUint32(this.pos + 4, value - high * TWO_POW_32);
        this.pos += 8;
      }
      return;
    }
    if (!Number.isFinite(value)) throw unsupported(`${value} is not encodable`, value);
    buffer[this.pos++] = 0xcb;
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  private writeString(value: string): void {
    const units = value.length;
    // Worst case three UTF-8 bytes per UTF-16 code unit; reserve the header that length would need.
    const maxBytes = units * 3;
    const header = maxBytes < 0x20 ? 1 : maxBytes < 0x100 ? 2 : maxBytes < 0x10000 ? 3 : 5;
    this.reserve(header + maxBytes);
    const start = this.pos + header;
    let length: number;
    if (units <= 64) {
      length = this.writeShortUtf8(value, start);
    } else {
      if (!isWellFormed(value)) throw unsupported('string contains a lone UTF-16 surrogate', value);
      length = this.buffer.write(value, start, 'utf8');
    }
    const needed = length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
    if (needed !== header) this.buffer.copyWithin(this.pos + needed, start, start + length);
    const buffer = this.buffer;
    if (needed === 1) {
      buffer[this.pos] = 0xa0 | length;
    } else if (needed === 2) {
      buffer[this.pos] = 0xd9;
      buffer[this.pos + 1] = length;
    } else if (needed === 3) {
      buffer[this.pos] = 0xda;
      this.view.setUint16(this.pos + 1, length);
    } else {
      buffer[this.pos] = 0xdb;
      this.view.setUint32(this.pos + 1, length);
    }
    this.pos += needed + length;
  }

  /** UTF-8 of a short string written at `start`; returns the byte length. Rejects lone surrogates. */
  private writeShortUtf8(value: string, start: number): number {
    const buffer = this.buffer;
    let p = start;
    for (let i = 0; i < value.length; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) {
        buffer[p++] = c;
      } else if (c < 0x800) {
        buffer[p++] = 0xc0 | (c >> 6);
        buffer[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buffer[p++] = 0xe0 | (c >> 12);
        buffer[p++] = 0x80 | ((c >> 6) & 0x3f);
        buffer[p++] = 0x80 | (c & 0x3f);
      } else {
        const low = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) {
          throw unsupported('string contains a lone UTF-16 surrogate', value);
        }
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        buffer[p++] = 0xf0 | (c >> 18);
        buffer[p++] = 0x80 | ((c >> 12) & 0x3f);
        buffer[p++] = 0x80 | ((c >> 6) & 0x3f);
        buffer[p++] = 0x80 | (c & 0x3f);
      }
    }
    return p - start;
  }

  private writeBytes(value: Uint8Array): void {
    const n = value.length;
    this.reserve(5 + n);
    const buffer = this.buffer;
    if (n < 0x100) {
      buffer[this.pos++] = 0xc4;
      buffer[this.pos++] = n;
    } else if (n < 0x10000) {
      buffer[this.pos++] = 0xc5;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      buffer[this.pos++] = 0xc6;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
    buffer.set(value, this.pos);
    this.pos += n;
  }

  private writeHeader(n: number, fix: number, sixteen: number): void {
    this.reserve(5);
    if (n < 0x10) {
      this.buffer[this.pos++] = fix | n;
    } else if (n < 0x10000) {
      this.buffer[this.pos++] = sixteen;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buffer[this.pos++] = sixteen + 1;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  private writeContainer(value: object, depth: number): void {
    if (depth > MAX_NESTING_DEPTH) throw unsupported(`nesting deeper than ${MAX_NESTING_DEPTH}`, value);
    if (this.ancestors.includes(value)) throw unsupported('value contains a cycle', value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      // Array.prototype is itself an array, in every realm; a subclass's prototype is not.
      if (!Array.isArray(proto)) throw unsupported(`${describeType(value)} is not a plain array`, value);
      this.ancestors.push(value);
      const items = value as unknown[];
      this.writeHeader(items.length, 0x90, 0xdc);
      let index = 0;
      try {
        for (; index < items.length; index++) {
          const item = items[index];
          if (item === undefined) throw unsupported('undefined is not encodable', item);
          this.write(item, depth);
        }
      } catch (error) {
        throw prependPath(error, index);
      }
      this.ancestors.pop();
      return;
    }
    if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]') {
      this.writeBytes(value as Uint8Array); // a Uint8Array from another realm (vm context, test runner)
      return;
    }
    // Plain objects: prototype null or some realm's Object.prototype (whose own prototype is null).
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      throw unsupported(`${describeType(value)} is not a plain object or array`, value);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw unsupported('object has symbol keys', value);
    this.ancestors.push(value);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length > 1) sortKeys(keys);
    this.writeHeader(keys.length, 0x80, 0xde);
    let key = '';
    try {
      for (key of keys) {
        if (key === '__proto__') throw unsupported('the key __proto__ is not encodable', value);
        const item = record[key];
        if (item === undefined) throw unsupported('undefined is not encodable', item);
        this.writeString(key);
        this.write(item, depth);
      }
    } catch (error) {
      throw prependPath(error, key);
    }
    this.ancestors.pop();
  }
}

function prependPath(error: unknown, key: string | number): unknown {
  if (!(error instanceof UnsupportedValue)) return error;
  return new UnsupportedValue(error.reason, error.type, pathSegment(key) + error.path);
}

function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Orders strings by their UTF-8 bytes, which is Unicode code point order. UTF-16 code unit order
 * agrees except that surrogates (U+D800–U+DFFF, i.e. code points above U+FFFF) must sort after
 * U+E000–U+FFFF, so those units are shifted before comparing.
 */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x - y;
      return fixSurrogateOrder(x) - fixSurrogateOrder(y);
    }
  }
  return a.length - b.length;
}

/** Sorts in place by {@link compareUtf8}: insertion sort for the usual handful of keys (several times faster than `Array.prototype.sort` with a comparator there), the built-in sort above that. */
function sortKeys(keys: string[]): void {
  if (keys.length > 24) {
    keys.sort(compareUtf8);
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && compareUtf8(keys[j] as string, key) > 0) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
}

function fixSurrogateOrder(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

const shared = new CanonicalWriter(INITIAL_BUFFER_BYTES);

/**
 * The canonical bytes of `value`: equal values always give equal bytes (object key order, and
 * who encodes, never matter). See the module comment for what is supported.
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` (details: `reason`, `type`, `path` such as
 * `.plannedDowntime.start`) for anything outside the canonical value set
 * @example
 * ```ts
 * const a = encodeCanonical({ b: 1, a: [true, null, 'x'] });
 * const b = encodeCanonical({ a: [true, null, 'x'], b: 1 });
 * Buffer.from(a).equals(b); // true
 * ```
 */
export function encodeCanonical(value: unknown): Uint8Array {
  // A getter inside `value` may itself call encodeCanonical: give nested calls their own writer.
  const writer = shared.inUse ? new CanonicalWriter(256) : shared;
  writer.inUse = true;
  try {
    return writer.encode(value);
  } catch (error) {
    if (error instanceof UnsupportedValue) {
      throw new BrightChainError(
        CoreErrorCode.ENCODE_UNSUPPORTED,
        `cannot encode canonically${error.path ? ` at ${error.path}` : ''}: ${error.reason}`,
        { details: { reason: error.reason, type: error.type, path: error.path } },
      );
    }
    throw error;
  } finally {
    writer.inUse = false;
  }
}

const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'number',
  copyBuffers: true,
});

/**
 * Decodes untrusted canonical bytes. Limits are checked while scanning the headers, before anything
 * is allocated; then the value is decoded, and it is guaranteed that `encodeCanonical(result)` gives
 * back exactly `bytes`. Byte strings are returned as fresh `Uint8Array` copies.
 *
 * @param bytes - exactly one canonical value, nothing after it
 * @param limits - overrides of {@link DEFAULT_DECODE_LIMITS}
 * @throws BrightChainError `BC_DECODE_LIMIT` (details: `limit`, `value`, `max`, `offset`) when a
 * limit would be exceeded; `BC_DECODE_INVALID` (details: `offset`, `reason`) for malformed,
 * truncated, trailing or non-canonical bytes; `BC_INVALID_ARGUMENT` for bad limits or a non-Uint8Array
 * @example
 * ```ts
 * const value = decodeStrict(encodeCanonical({ n: 1 })); // { n: 1 }
 * decodeStrict(Uint8Array.of(0xcc, 0x01)); // throws BC_DECODE_INVALID (non-minimal-int)
 * ```
 */
export function decodeStrict(bytes: Uint8Array, limits?: Partial<DecodeLimits>): CanonicalValue {
  if (!(bytes instanceof Uint8Array)) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'decodeStrict needs a Uint8Array');
  }
  scanCanonical(bytes, resolveDecodeLimits(limits));
  // A fresh plain view: msgpackr caches a DataView on its source object, and bins sliced from a
  // plain Uint8Array are plain Uint8Arrays.
  const source = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return unpackr.unpack(source) as CanonicalValue;
  } catch (error) {
    // Unreachable for scanned input; kept so that a msgpackr surprise is still a typed error.
    throw new BrightChainError(CoreErrorCode.DECODE_INVALID, 'msgpack decoder rejected scanned input', {
      details: { offset: 0, reason: 'decoder' },
      cause: error,
    });
  }
}
