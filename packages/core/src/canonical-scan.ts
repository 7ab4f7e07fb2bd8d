/**
 * The structural pre-scan of the strict decoder: one pass over the msgpack headers that checks the
 * decode limits, the allowed types and every canonical-form rule, and that the value ends exactly at
 * the end of the input, without allocating any decoded value. Only bytes that pass are handed to
 * msgpackr to materialise.
 *
 * The canonical form it accepts (MessagePack spec, https://github.com/msgpack/msgpack/blob/master/spec.md,
 * restricted as follows) is exactly what `encodeCanonical` writes:
 * - integers: safe integers only, in the shortest format: non-negative values as positive fixint,
 *   uint8, uint16, uint32 or uint64; negative values as negative fixint, int8, int16, int32 or int64;
 * - floats: float64 only, finite and not integer-valued (so never NaN, ±Infinity, -0 or 1.0);
 * - strings: well-formed UTF-8 with the shortest length header; byte strings (bin) likewise;
 * - arrays and maps with the shortest length header; map keys are strings in strictly increasing
 *   unsigned byte order (so no duplicates), never `__proto__`;
 * - nil, true, false; no ext types (so no timestamps), no 0xc1.
 *
 * Internal to `@brightchain/core`; `test/canonical.test.ts` checks it against the naive rule
 * "msgpackr decodes it and `encodeCanonical` gives the same bytes back".
 */
import { isUtf8 } from 'node:buffer';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import type { DecodeLimits } from './decode-limits';

/** Why a byte sequence was rejected; the `reason` in a `BC_DECODE_INVALID` error's details. */
export type DecodeInvalidReason =
  | 'empty'
  | 'truncated'
  | 'trailing-bytes'
  | 'reserved-type'
  | 'ext-type'
  | 'float32'
  | 'non-canonical-float'
  | 'non-minimal-int'
  | 'unsafe-int'
  | 'non-minimal-length'
  | 'invalid-utf8'
  | 'non-string-key'
  | 'unsorted-keys'
  | 'duplicate-key'
  | 'proto-key';

const MESSAGES: Readonly<Record<DecodeInvalidReason, string>> = {
  empty: 'input is empty',
  truncated: 'input ends inside a value',
  'trailing-bytes': 'bytes follow the end of the value',
  'reserved-type': 'reserved type byte 0xc1',
  'ext-type': 'extension types (including timestamps) are not allowed',
  float32: 'float32 is not canonical (numbers use float64)',
  'non-canonical-float': 'float64 must be finite and not integer-valued',
  'non-minimal-int': 'integer is not in its shortest format',
  'unsafe-int': 'integer is outside the safe integer range',
  'non-minimal-length': 'length header is not in its shortest format',
  'invalid-utf8': 'string is not well-formed UTF-8',
  'non-string-key': 'map keys must be strings',
  'unsorted-keys': 'map keys are not in UTF-8 byte order',
  'duplicate-key': 'map key appears twice',
  'proto-key': 'map key __proto__ is not allowed',
};

function invalid(offset: number, reason: DecodeInvalidReason): BrightChainError {
  return new BrightChainError(
    CoreErrorCode.DECODE_INVALID,
    `not canonical at byte ${offset}: ${MESSAGES[reason]}`,
    {
      details: { offset, reason },
    },
  );
}

function overLimit(offset: number, limit: keyof DecodeLimits, value: number, max: number): BrightChainError {
  return new BrightChainError(
    CoreErrorCode.DECODE_LIMIT,
    `decode limit ${limit} exceeded (${value} > ${max})`,
    {
      details: { offset, limit, value, max },
    },
  );
}

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"
const TWO_POW_32 = 0x1_0000_0000;

/**
 * Checks that `bytes` is exactly one canonical value within `limits`.
 *
 * @throws BrightChainError `BC_DECODE_LIMIT` when a limit would be exceeded, `BC_DECODE_INVALID`
 * (with `details.offset` and `details.reason`) for anything not canonical
 */
export function scanCanonical(bytes: Uint8Array, limits: DecodeLimits): void {
  const length = bytes.length;
  if (length > limits.maxBytes) throw overLimit(0, 'maxBytes', length, limits.maxBytes);
  if (length === 0) throw invalid(0, 'empty');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // One frame per open container: items still to read (a map of n entries has 2n items, keys at even
  // counts), and for maps the byte range of the previous key.
  const remaining: number[] = [];
  const isMap: boolean[] = [];
  const previousKeyStart: number[] = [];
  const previousKeyEnd: number[] = [];
  let depth = 0;
  let elements = 0;
  let pos = 0;

  for (;;) {
    let isKey = false;
    if (depth > 0) {
      const left = remaining[depth - 1] as number;
      isKey = (isMap[depth - 1] as boolean) && left % 2 === 0;
      remaining[depth - 1] = left - 1;
    }
    if (pos >= length) throw invalid(pos, 'truncated');
    const start = pos;
    const type = bytes[pos++] as number;
    if (isKey && !(type >= 0xa0 && type <= 0xbf) && type !== 0xd9 && type !== 0xda && type !== 0xdb) {
      throw invalid(start, 'non-string-key');
    }
    let containerCount = -1;
    let containerIsMap = false;
    let stringLength = -1;

    if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) {
      // positive fixint, negative fixint, nil, false, true
    } else if (type <= 0x8f) {
      containerCount = type & 0x0f;
      containerIsMap = true;
    } else if (type <= 0x9f) {
      containerCount = type & 0x0f;
    } else if (type <= 0xbf) {
      stringLength = type & 0x1f;
    } else {
      switch (type) {
        case 0xc1:
          throw invalid(start, 'reserved-type');
        case 0xc4:
        case 0xc5:
        case 0xc6: {
          const size = type === 0xc4 ? 1 : type === 0xc5 ? 2 : 4;
          if (pos + size > length) throw invalid(pos, 'truncated');
          const n =
            size === 1 ? (bytes[pos] as number) : size === 2 ? view.getUint16(pos) : view.getUint32(pos);
          pos += size;
          if ((size === 2 && n < 0x100) || (size === 4 && n < 0x10000))
            throw invalid(start, 'non-minimal-length');
          if (n > limits.maxBinBytes) throw overLimit(start, 'maxBinBytes', n, limits.maxBinBytes);
          if (n > length - pos) throw invalid(start, 'truncated');
          pos += n;
          break;
        }
        case 0xc7:
        case 0xc8:
        case 0xc9:
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          throw invalid(start, 'ext-type');
        case 0xca:
          throw invalid(start, 'float32');
        case 0xcb: {
          if (pos + 8 > length) throw invalid(pos, 'truncated');
          const value = view.getFloat64(pos);
          if (!Number.isFinite(value) || Number.isInteger(value)) throw invalid(start, 'non-canonical-float');
          pos += 8;
          break;
        }
        case 0xcc:
          if (pos + 1 > length) throw invalid(pos, 'truncated');
          if ((bytes[pos] as number) < 0x80) throw invalid(start, 'non-minimal-int');
          pos += 1;
          break;
        case 0xcd:
          if (pos + 2 > length) throw invalid(pos, 'truncated');
          if (view.getUint16(pos) < 0x100) throw invalid(start, 'non-minimal-int');
          pos += 2;
          break;
        case 0xce:
          if (pos + 4 > length) throw invalid(pos, 'truncated');
          if (view.getUint32(pos) < 0x10000) throw invalid(start, 'non-minimal-int');
          pos += 4;
          break;
        case 0xcf: {
          if (pos + 8 > length) throw invalid(pos, 'truncated');
          const high = view.getUint32(pos);
          if (high === 0) throw invalid(start, 'non-minimal-int');
          if (!Number.isSafeInteger(high * TWO_POW_32 + view.getUint32(pos + 4)))
            throw invalid(start, 'unsafe-int');
          pos += 8;
          break;
        }
        case 0xd0:
          if (pos + 1 > length) throw invalid(pos, 'truncated');
          if (view.getInt8(pos) >= -0x20) throw invalid(start, 'non-minimal-int');
          pos += 1;
          break;
        case 0xd1:
          if (pos + 2 > length) throw invalid(pos, 'truncated');
          if (view.getInt16(pos) >= -0x80) throw invalid(start, 'non-minimal-int');
          pos += 2;
          break;
        case 0xd2:
          if (pos + 4 > length) throw invalid(pos, 'truncated');
          if (view.getInt32(pos) >= -0x8000) throw invalid(start, 'non-minimal-int');
          pos += 4;
          break;
        case 0xd3: {
          if (pos + 8 > length) throw invalid(pos, 'truncated');
          const value = view.getInt32(pos) * TWO_POW_32 + view.getUint32(pos + 4);
          if (value >= -0x8000_0000) throw invalid(start, 'non-minimal-int');
          if (!Number.isSafeInteger(value)) throw invalid(start, 'unsafe-int');
          pos += 8;
          break;
        }
        case 0xd9:
          if (pos + 1 > length) throw invalid(pos, 'truncated');
          stringLength = bytes[pos] as number;
          pos += 1;
          if (stringLength < 0x20) throw invalid(start, 'non-minimal-length');
          break;
        case 0xda:
          if (pos + 2 > length) throw invalid(pos, 'truncated');
          stringLength = view.getUint16(pos);
          pos += 2;
          if (stringLength < 0x100) throw invalid(start, 'non-minimal-length');
          break;
        case 0xdb:
          if (pos + 4 > length) throw invalid(pos, 'truncated');
          stringLength = view.getUint32(pos);
          pos += 4;
          if (stringLength < 0x10000) throw invalid(start, 'non-minimal-length');
          break;
        case 0xdc:
        case 0xde:
          if (pos + 2 > length) throw invalid(pos, 'truncated');
          containerCount = view.getUint16(pos);
          containerIsMap = type === 0xde;
          pos += 2;
          if (containerCount < 0x10) throw invalid(start, 'non-minimal-length');
          break;
        default:
          // 0xdd array32, 0xdf map32 (every other byte value is handled above)
          if (pos + 4 > length) throw invalid(pos, 'truncated');
          containerCount = view.getUint32(pos);
          containerIsMap = type === 0xdf;
          pos += 4;
          if (containerCount < 0x10000) throw invalid(start, 'non-minimal-length');
      }
    }

    if (stringLength >= 0) {
      if (stringLength > limits.maxStringBytes) {
        throw overLimit(start, 'maxStringBytes', stringLength, limits.maxStringBytes);
      }
      if (stringLength > length - pos) throw invalid(start, 'truncated');
      const end = pos + stringLength;
      if (!isAscii(bytes, pos, end) && !isUtf8(bytes.subarray(pos, end)))
        throw invalid(start, 'invalid-utf8');
      if (isKey) {
        const frame = depth - 1;
        const previousStart = previousKeyStart[frame] as number;
        if (previousStart >= 0) {
          const order = compareBytes(bytes, previousStart, previousKeyEnd[frame] as number, pos, end);
          if (order === 0) throw invalid(start, 'duplicate-key');
          if (order > 0) throw invalid(start, 'unsorted-keys');
        }
        if (isProto(bytes, pos, end)) throw invalid(start, 'proto-key');
        previousKeyStart[frame] = pos;
        previousKeyEnd[frame] = end;
      }
      pos = end;
    } else if (containerCount >= 0) {
      if (depth + 1 > limits.maxDepth) throw overLimit(start, 'maxDepth', depth + 1, limits.maxDepth);
      elements += containerCount;
      if (elements > limits.maxElements) throw overLimit(start, 'maxElements', elements, limits.maxElements);
      const items = containerIsMap ? containerCount * 2 : containerCount;
      // Every item takes at least one byte: a count the rest of the input cannot hold is a lie.
      if (items > length - pos) throw invalid(start, 'truncated');
      if (items > 0) {
        remaining[depth] = items;
        isMap[depth] = containerIsMap;
        previousKeyStart[depth] = -1;
        previousKeyEnd[depth] = -1;
        depth++;
      }
    }

    while (depth > 0 && remaining[depth - 1] === 0) depth--;
    if (depth === 0) break;
  }
  if (pos !== length) throw invalid(pos, 'trailing-bytes');
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start > 64) return false;
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i++) {
    const difference = (bytes[aStart + i] as number) - (bytes[bStart + i] as number);
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}

function isProto(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== PROTO.length) return false;
  for (let i = 0; i < PROTO.length; i++) if (bytes[start + i] !== PROTO[i]) return false;
  return true;
}
