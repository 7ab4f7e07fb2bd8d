import fc from 'fast-check';
import { Unpackr, pack } from 'msgpackr';
import {
  BrightChainError,
  type CanonicalValue,
  DEFAULT_DECODE_LIMITS,
  decodeStrict,
  decodeTuple,
  encodeCanonical,
} from '@brightchain/core';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** Keys never rejected by the encoder (everything except `__proto__`), including integer-like and astral ones. */
const keyArb = fc
  .oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(20).map(String))
  .filter((key) => key !== '__proto__');

const safeIntArb = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 32 + 10 }),
  fc.maxSafeInteger(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, -(2 ** 31) - 1),
);
const floatArb = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => Number.isFinite(x) && !Number.isInteger(x));

const { value: valueArb } = fc.letrec<{ value: CanonicalValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    safeIntArb,
    floatArb,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 5 }),
  ),
}));

/** The same value with every object's keys inserted in reverse order. */
function reverseKeyOrder(value: CanonicalValue): CanonicalValue {
  if (Array.isArray(value)) return value.map(reverseKeyOrder);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value).reverse();
    const copy: Record<string, CanonicalValue> = {};
    for (const [key, item] of entries) copy[key] = reverseKeyOrder(item);
    return copy;
  }
  return value;
}

/** Naive reference of the strict decoder: msgpackr decodes it, and encoding the result gives the same bytes. */
const lenient = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
function naiveStrict(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    const value = lenient.unpack(Buffer.from(bytes));
    return hex(encodeCanonical(value)) === hex(bytes) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error.code;
    return `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

function failure(fn: () => unknown): BrightChainError {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a BrightChainError');
}

describe('encodeCanonical: exact bytes', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'c0'],
    ['false', false, 'c2'],
    ['true', true, 'c3'],
    ['0', 0, '00'],
    ['127', 127, '7f'],
    ['128', 128, 'cc80'],
    ['255', 255, 'ccff'],
    ['256', 256, 'cd0100'],
    ['65535', 65535, 'cdffff'],
    ['65536', 65536, 'ce00010000'],
    ['2^32 - 1', 2 ** 32 - 1, 'ceffffffff'],
    ['2^32', 2 ** 32, 'cf0000000100000000'],
    ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER, 'cf001fffffffffffff'],
    ['-1', -1, 'ff'],
    ['-32', -32, 'e0'],
    ['-33', -33, 'd0df'],
    ['-128', -128, 'd080'],
    ['-129', -129, 'd1ff7f'],
    ['-32768', -32768, 'd18000'],
    ['-32769', -32769, 'd2ffff7fff'],
    ['-2^31', -(2 ** 31), 'd280000000'],
    ['-2^31 - 1', -(2 ** 31) - 1, 'd3ffffffff7fffffff'],
    ['MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER, 'd3ffe0000000000001'],
    ['1.5 (float64)', 1.5, 'cb3ff8000000000000'],
    ['0.1 (float64, never float32)', 0.1, 'cb3fb999999999999a'],
    ['-2.5', -2.5, 'cbc004000000000000'],
    ['empty string', '', 'a0'],
    ['"a"', 'a', 'a161'],
    ['é (2 UTF-8 bytes)', 'é', 'a2c3a9'],
    ['astral code point', '\u{1F600}', 'a4f09f9880'],
    ['31-byte string', 'x'.repeat(31), `bf${'78'.repeat(31)}`],
    ['32-byte string', 'x'.repeat(32), `d920${'78'.repeat(32)}`],
    ['empty bytes', new Uint8Array(0), 'c400'],
    ['bytes', Uint8Array.of(1, 2, 3), 'c403010203'],
    ['Buffer is bytes', Buffer.from([9]), 'c40109'],
    ['empty array', [], '90'],
    ['tuple', [1, 'a', null], '9301a161c0'],
    ['15 items', new Array(15).fill(0), `9f${'00'.repeat(15)}`],
    ['16 items', new Array(16).fill(0), `dc0010${'00'.repeat(16)}`],
    ['empty object', {}, '80'],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1 }), '81a16101'],
    ['sorted keys', { b: 2, a: 1 }, '82a16101a16202'],
    ['integer-like keys sort as text', { 9: 'y', 10: 'x' }, '82a23130a178a139a179'],
    ['prefix sorts first', { ab: 1, a: 2 }, '82a16102a2616201'],
    ['U+FFFF before an astral key', { '\u{10000}': 1, '\uffff': 2 }, '82a3efbfbf02a4f090808001'],
  ])('%s', (_name, value, expected) => {
    expect(hex(encodeCanonical(value))).toBe(expected);
  });

  it('uses 16- and 32-bit headers exactly at the boundaries', () => {
    const head = (value: unknown, n: number) => hex(encodeCanonical(value).subarray(0, n));
    expect(head('x'.repeat(255), 2)).toBe('d9ff');
    expect(head('x'.repeat(256), 3)).toBe('da0100');
    expect(head('x'.repeat(65535), 3)).toBe('daffff');
    expect(head('x'.repeat(65536), 5)).toBe('db00010000');
    expect(head('é'.repeat(40), 2)).toBe('d950');
    expect(head(new Uint8Array(255), 2)).toBe('c4ff');
    expect(head(new Uint8Array(256), 3)).toBe('c50100');
    expect(head(new Uint8Array(65536), 5)).toBe('c600010000');
    expect(head(new Array(65535).fill(null), 3)).toBe('dcffff');
    expect(head(new Array(65536).fill(null), 5)).toBe('dd00010000');
    const wide: Record<string, number> = {};
    for (let i = 0; i < 16; i++) wide[`k${i}`] = i;
    expect(head(wide, 3)).toBe('de0010');
    const wider: Record<string, number> = {};
    for (let i = 0; i < 65536; i++) wider[`k${i}`] = 0;
    expect(head(wider, 5)).toBe('df00010000');
  });

  it('writes a long string with multi-byte characters that shrinks below its reserved header', () => {
    // 30 000 code units reserve a 32-bit header (3 bytes each), but 30 000 ASCII bytes need only 16 bits.
    const text = 'a'.repeat(30000);
    expect(head3(encodeCanonical(text))).toBe('da7530');
    expect(decodeStrict(encodeCanonical(text))).toBe(text);
    const mixed = `${'é'.repeat(40000)}\u{1F600}`;
    expect(decodeStrict(encodeCanonical(mixed))).toBe(mixed);
  });

  it('matches msgpackr byte for byte, given objects as Maps in UTF-8 key order', () => {
    // msgpackr packs ints up to 32 bits minimally, floats as float64, strings, bins, arrays and Maps with
    // the shortest headers (plain objects it writes with map16 headers in key order, so they become
    // sorted Maps here). Integers beyond 32 bits it writes as float64, so they are left out.
    const { value: plainArb } = fc.letrec<{ value: CanonicalValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
        floatArb,
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.array(tie('value'), { maxLength: 20 }),
        fc.dictionary(keyArb, tie('value'), { maxKeys: 20 }),
      ),
    }));
    const asSortedMaps = (value: CanonicalValue): unknown => {
      if (Array.isArray(value)) return value.map(asSortedMaps);
      if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
      const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      return new Map(
        keys.map((key) => [key, asSortedMaps((value as Record<string, CanonicalValue>)[key] ?? null)]),
      );
    };
    fc.assert(
      fc.property(plainArb, (value) => {
        expect(hex(encodeCanonical(value))).toBe(hex(pack(asSortedMaps(value))));
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeCanonical: determinism and round trip', () => {
  it('decodeStrict(encodeCanonical(v)) equals v, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const bytes = encodeCanonical(value);
        const decoded = decodeStrict(bytes);
        expect(decoded).toEqual(value);
        expect(hex(encodeCanonical(decoded))).toBe(hex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same bytes whatever the key insertion order, and for equal copies', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const bytes = hex(encodeCanonical(value));
        expect(hex(encodeCanonical(reverseKeyOrder(value)))).toBe(bytes);
        expect(hex(encodeCanonical(structuredClone(value)))).toBe(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts keys by UTF-8 bytes (checked against Buffer.compare)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { maxLength: 60 }), (keys) => {
        const record: Record<string, number> = {};
        for (const key of keys) record[key] = 0;
        const decodedKeys: string[] = [];
        // Read the keys back in wire order with a map-preserving decoder.
        const map = new Unpackr({ mapsAsObjects: false, useRecords: false }).unpack(
          Buffer.from(encodeCanonical(record)),
        ) as Map<string, number>;
        for (const key of map.keys()) decodedKeys.push(key);
        const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(decodedKeys).toEqual(expected);
      }),
    );
  });

  it('returns plain Uint8Array copies for byte strings', () => {
    const input = encodeCanonical([Buffer.from([1, 2, 3])]);
    const [bytes] = decodeStrict(input) as [Uint8Array];
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    input[input.length - 1] = 99;
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(Object.getPrototypeOf(encodeCanonical(1))).toBe(Uint8Array.prototype);
  });

  it('encodes shared (acyclic) references, and values read through getters that encode themselves', () => {
    const shared = [1, 2];
    expect(hex(encodeCanonical([shared, shared]))).toBe('92920102920102');
    const tricky = {
      get inner() {
        return hex(encodeCanonical({ z: 1 }));
      },
      a: 'x'.repeat(100),
    };
    expect(decodeStrict(encodeCanonical(tricky))).toEqual({ a: 'x'.repeat(100), inner: '81a17a01' });
  });

  it('accepts plain arrays, objects and Uint8Arrays from another realm', () => {
    const { runInNewContext } = require('node:vm') as typeof import('node:vm');
    const foreign = runInNewContext('({ b: [1, { c: null }], a: new Uint8Array([1, 2]) })') as unknown;
    expect(Object.getPrototypeOf((foreign as { b: unknown }).b) !== Array.prototype).toBe(true);
    expect(hex(encodeCanonical(foreign))).toBe(
      hex(encodeCanonical({ a: Uint8Array.of(1, 2), b: [1, { c: null }] })),
    );
    expect(code(() => encodeCanonical(runInNewContext('new Map()')))).toBe('BC_ENCODE_UNSUPPORTED');
    expect(code(() => encodeCanonical(runInNewContext('new (class X {})()')))).toBe('BC_ENCODE_UNSUPPORTED');
    expect(code(() => encodeCanonical(runInNewContext('new Uint16Array(1)')))).toBe('BC_ENCODE_UNSUPPORTED');
  });

  it('leaves no state behind after a rejected value', () => {
    expect(code(() => encodeCanonical({ a: [1, 2, undefined] }))).toBe('BC_ENCODE_UNSUPPORTED');
    expect(hex(encodeCanonical([7]))).toBe('9107');
  });

  it('keeps working after encoding a value larger than its shared buffer', () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const bytes = encodeCanonical({ big });
    expect(Buffer.compare((decodeStrict(bytes) as { big: Uint8Array }).big, big)).toBe(0);
    expect(hex(encodeCanonical({ a: 1 }))).toBe('81a16101');
  });
});

describe('encodeCanonical: rejects what has no canonical form', () => {
  class Point {
    x = 1;
  }
  class List extends Array<number> {}
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const cyclicArray: unknown[] = [1];
  cyclicArray.push([cyclicArray]);
  let deep: unknown = 1;
  for (let i = 0; i < 1001; i++) deep = [deep];
  const holey: unknown[] = new Array(3);
  holey[0] = 1;
  holey[2] = 3;
  let deepButFine: unknown = 1;
  for (let i = 0; i < 1000; i++) deepButFine = [deepButFine];

  it.each<[string, unknown, string]>([
    ['undefined', undefined, ''],
    ['NaN', Number.NaN, ''],
    ['Infinity', Number.POSITIVE_INFINITY, ''],
    ['-Infinity', Number.NEGATIVE_INFINITY, ''],
    ['-0', -0, ''],
    ['2^53 (unsafe integer)', 2 ** 53, ''],
    ['-(2^53)', -(2 ** 53), ''],
    ['1e300 (integer-valued, unsafe)', 1e300, ''],
    ['bigint', 10n, ''],
    ['symbol', Symbol('s'), ''],
    ['function', () => 1, ''],
    ['Map', new Map([['a', 1]]), ''],
    ['Set', new Set([1]), ''],
    ['Date', new Date(0), ''],
    ['class instance', new Point(), ''],
    ['Array subclass', List.from([1]), ''],
    ['boxed number', Object(1), ''],
    ['boxed string', Object('s'), ''],
    ['Uint16Array', new Uint16Array(2), ''],
    ['Int8Array', new Int8Array(2), ''],
    ['ArrayBuffer', new ArrayBuffer(2), ''],
    ['DataView', new DataView(new ArrayBuffer(2)), ''],
    ['undefined property', { a: undefined }, '.a'],
    ['undefined item', [1, undefined], '[1]'],
    ['array hole', holey, '[1]'],
    ['nested undefined', { a: { 'b c': [0, { d: undefined }] } }, '.a["b c"][1].d'],
    ['object cycle', cyclic, '.self'],
    ['array cycle', cyclicArray, '[1][0]'],
    ['symbol key', { [Symbol('k')]: 1 }, ''],
    ['__proto__ own key', JSON.parse('{"__proto__": 1}'), ''],
    ['lone high surrogate', '\ud800', ''],
    ['lone low surrogate', 'a\udc00b', ''],
    ['reversed surrogate pair', '\udc00\ud800', ''],
    ['lone surrogate in a long string', `${'x'.repeat(100)}\ud800`, ''],
    ['lone surrogate in a key', { '\ud800': 1 }, ''],
    ['nesting deeper than 1000', deep, ''],
  ])('%s', (_name, value, path) => {
    const error = failure(() => encodeCanonical(value));
    expect(error.code).toBe('BC_ENCODE_UNSUPPORTED');
    expect(typeof error.details.reason).toBe('string');
    if (path) expect(error.details.path).toBe(path);
  });

  it('accepts nesting of exactly 1000', () => {
    expect(encodeCanonical(deepButFine).length).toBe(1001);
  });
});

describe('decodeStrict: rejects every non-canonical or malformed form', () => {
  it.each<[string, string, string]>([
    ['empty input', '', 'empty'],
    ['reserved 0xc1', 'c1', 'reserved-type'],
    ['two values', 'c0c0', 'trailing-bytes'],
    ['trailing byte after a map', '80 00', 'trailing-bytes'],
    ['uint8 for a fixint', 'cc01', 'non-minimal-int'],
    ['uint8 for 127', 'cc7f', 'non-minimal-int'],
    ['uint16 for 255', 'cd00ff', 'non-minimal-int'],
    ['uint32 for 65535', 'ce0000ffff', 'non-minimal-int'],
    ['uint64 for 2^32 - 1', 'cf00000000ffffffff', 'non-minimal-int'],
    ['uint64 2^53 (unsafe)', 'cf0020000000000000', 'unsafe-int'],
    ['uint64 2^64 - 1', 'cfffffffffffffffff', 'unsafe-int'],
    ['int8 for -32', 'd0e0', 'non-minimal-int'],
    ['int8 for a positive value', 'd001', 'non-minimal-int'],
    ['int16 for -128', 'd1ff80', 'non-minimal-int'],
    ['int16 for a positive value', 'd10100', 'non-minimal-int'],
    ['int32 for -32768', 'd2ffff8000', 'non-minimal-int'],
    ['int64 for -2^31', 'd3ffffffff80000000', 'non-minimal-int'],
    ['int64 for a positive value', 'd30000000100000000', 'non-minimal-int'],
    ['int64 -2^53 (unsafe)', 'd3ffe0000000000000', 'unsafe-int'],
    ['int64 minimum', 'd38000000000000000', 'unsafe-int'],
    ['float32', 'ca3fc00000', 'float32'],
    ['float64 1.0', 'cb3ff0000000000000', 'non-canonical-float'],
    ['float64 -0', 'cb8000000000000000', 'non-canonical-float'],
    ['float64 NaN', 'cb7ff8000000000000', 'non-canonical-float'],
    ['float64 +Infinity', 'cb7ff0000000000000', 'non-canonical-float'],
    ['float64 2^60', 'cb43b0000000000000', 'non-canonical-float'],
    ['str8 for a short string', 'd90161', 'non-minimal-length'],
    ['str16 for a short string', 'da000161', 'non-minimal-length'],
    ['str32 for a short string', 'db0000000161', 'non-minimal-length'],
    ['bin16 for one byte', 'c5000100', 'non-minimal-length'],
    ['bin32 for one byte', 'c60000000100', 'non-minimal-length'],
    ['array16 for one item', 'dc000100', 'non-minimal-length'],
    ['array32 for one item', 'dd0000000100', 'non-minimal-length'],
    ['map16 for one entry', 'de0001a16100', 'non-minimal-length'],
    ['map32 for one entry', 'df00000001a16100', 'non-minimal-length'],
    ['invalid UTF-8 byte', 'a1ff', 'invalid-utf8'],
    ['overlong UTF-8', 'a2c0af', 'invalid-utf8'],
    ['UTF-8 surrogate', 'a3eda080', 'invalid-utf8'],
    ['beyond U+10FFFF', 'a4f4908080', 'invalid-utf8'],
    ['truncated UTF-8 sequence', 'a1c3', 'invalid-utf8'],
    ['invalid UTF-8 in a long string', `d941${'61'.repeat(64)}ff`, 'invalid-utf8'],
    ['integer map key', '810101', 'non-string-key'],
    ['bytes map key', '81c4016101', 'non-string-key'],
    ['unsorted keys', '82a16201a16102', 'unsorted-keys'],
    ['longer key before its prefix', '82a2616201a16102', 'unsorted-keys'],
    ['astral key before U+FFFF', '82a4f090808001a3efbfbf02', 'unsorted-keys'],
    ['duplicate keys', '82a16101a16102', 'duplicate-key'],
    ['__proto__ key', '81a95f5f70726f746f5f5f01', 'proto-key'],
    ['fixext1', 'd40000', 'ext-type'],
    ['timestamp32', 'd6ff00000000', 'ext-type'],
    ['ext8', 'c7010000', 'ext-type'],
    ['ext16', 'c800010000', 'ext-type'],
    ['ext32', 'c90000000100', 'ext-type'],
    ['msgpackr record extension', 'd47200', 'ext-type'],
    ['bin shorter than declared', 'c40501', 'truncated'],
    ['array shorter than declared', '9201', 'truncated'],
    ['map value missing', '81a161', 'truncated'],
    ['cut inside a header', 'cd01', 'truncated'],
    ['cut inside a float', 'cb3ff8', 'truncated'],
  ])('%s → %s', (_name, bytes, reason) => {
    const error = failure(() => decodeStrict(fromHex(bytes)));
    expect(error.code).toBe('BC_DECODE_INVALID');
    expect(error.details.reason).toBe(reason);
    expect(typeof error.details.offset).toBe('number');
  });

  it('reports the offset of the offending value', () => {
    const error = failure(() => decodeStrict(fromHex('93 01 02 cc01')));
    expect(error.details).toEqual({ offset: 3, reason: 'non-minimal-int' });
  });

  it('rejects non-Uint8Array input and bad limits with BC_INVALID_ARGUMENT', () => {
    expect(code(() => decodeStrict('c0' as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
    expect(code(() => decodeStrict([0xc0] as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
    for (const limits of [
      { maxDepth: 0 },
      { maxDepth: 1001 },
      { maxBytes: 1.5 },
      { maxBytes: -1 },
      { maxElements: Number.NaN },
    ]) {
      expect(code(() => decodeStrict(fromHex('c0'), limits))).toBe('BC_INVALID_ARGUMENT');
    }
    expect(code(() => decodeStrict(fromHex('c0'), 'x' as never))).toBe('BC_INVALID_ARGUMENT');
  });

  it('accepts a subarray view with a byte offset', () => {
    const backing = fromHex('ff 92 01 a161 ff');
    expect(decodeStrict(backing.subarray(1, 5))).toEqual([1, 'a']);
    expect('dataView' in backing).toBe(false);
  });
});

describe('decodeStrict: limits are enforced before anything is allocated', () => {
  const nested = (depth: number) =>
    new Uint8Array(depth).fill(0x91).map((b, i, a) => (i === a.length - 1 ? 0x90 : b));

  it('has documented defaults', () => {
    expect(DEFAULT_DECODE_LIMITS).toEqual({
      maxBytes: 16 * 1024 * 1024,
      maxDepth: 64,
      maxElements: 1024 * 1024,
      maxStringBytes: 1024 * 1024,
      maxBinBytes: 16 * 1024 * 1024,
    });
    expect(Object.isFrozen(DEFAULT_DECODE_LIMITS)).toBe(true);
  });

  it('maxDepth: 64 levels pass, 65 do not; configurable', () => {
    expect(code(() => decodeStrict(nested(64)))).toBe('no error');
    const error = failure(() => decodeStrict(nested(65)));
    expect(error.code).toBe('BC_DECODE_LIMIT');
    expect(error.details).toMatchObject({ limit: 'maxDepth', max: 64, value: 65 });
    expect(code(() => decodeStrict(nested(65), { maxDepth: 65 }))).toBe('no error');
    expect(code(() => decodeStrict(nested(3), { maxDepth: 2 }))).toBe('BC_DECODE_LIMIT');
    expect(code(() => decodeStrict(fromHex('80'), { maxDepth: 1 }))).toBe('no error');
  });

  it('rejects a depth bomb of 100 000 nested arrays', () => {
    expect(failure(() => decodeStrict(new Uint8Array(100_000).fill(0x91))).details.limit).toBe('maxDepth');
    expect(failure(() => decodeStrict(new Uint8Array(100_000).fill(0x81))).details.reason).toBe(
      'non-string-key',
    );
  });

  it('maxBytes', () => {
    const bytes = encodeCanonical('x'.repeat(100));
    expect(failure(() => decodeStrict(bytes, { maxBytes: bytes.length - 1 })).details.limit).toBe('maxBytes');
    expect(decodeStrict(bytes, { maxBytes: bytes.length })).toBe('x'.repeat(100));
  });

  it('maxElements counts items and entries at every level', () => {
    const bytes = encodeCanonical([[1, 2], { a: 1, b: 2 }]); // 2 + 2 + 2 = 6
    expect(code(() => decodeStrict(bytes, { maxElements: 6 }))).toBe('no error');
    expect(failure(() => decodeStrict(bytes, { maxElements: 5 })).details.limit).toBe('maxElements');
  });

  it('maxStringBytes applies to values and keys; maxBinBytes to byte strings', () => {
    expect(failure(() => decodeStrict(encodeCanonical('abcd'), { maxStringBytes: 3 })).details.limit).toBe(
      'maxStringBytes',
    );
    expect(
      failure(() => decodeStrict(encodeCanonical({ abcd: 1 }), { maxStringBytes: 3 })).details.limit,
    ).toBe('maxStringBytes');
    expect(code(() => decodeStrict(encodeCanonical('abc'), { maxStringBytes: 3 }))).toBe('no error');
    expect(
      failure(() => decodeStrict(encodeCanonical(new Uint8Array(4)), { maxBinBytes: 3 })).details.limit,
    ).toBe('maxBinBytes');
  });

  it.each<[string, string, string]>([
    ['array32 of 2^32 - 1 items', 'ddffffffff', 'maxElements'],
    ['map32 of 2^32 - 1 entries', 'dfffffffff', 'maxElements'],
    ['str32 of 4 GiB', 'dbffffffff', 'maxStringBytes'],
    ['bin32 of 4 GiB', 'c6ffffffff', 'maxBinBytes'],
  ])('huge declared length: %s → %s', (_name, bytes, limit) => {
    expect(failure(() => decodeStrict(fromHex(bytes))).details.limit).toBe(limit);
  });

  it('huge declared lengths within raised limits are still rejected as truncated, not allocated', () => {
    const roomy = { maxElements: 2 ** 33, maxStringBytes: 2 ** 33, maxBinBytes: 2 ** 33 };
    for (const bytes of ['ddffffffff', 'dfffffffff', 'dbffffffff', 'c6ffffffff', 'dd0001000001']) {
      expect(failure(() => decodeStrict(fromHex(bytes), roomy)).details.reason).toBe('truncated');
    }
  });
});

describe('decodeStrict: properties on hostile input', () => {
  it('rejects every truncation of a valid encoding with BC_DECODE_INVALID', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        const bytes = encodeCanonical(value);
        for (let length = 0; length < bytes.length; length++) {
          expect(code(() => decodeStrict(bytes.subarray(0, length)))).toBe('BC_DECODE_INVALID');
        }
      }),
      { numRuns: 300 },
    );
  });

  const mutationArb = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  );
  type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

  function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
    const out = [...bytes];
    for (const m of mutations) {
      const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === 'insert' ? 1 : 0));
      if (m.kind === 'set' && out.length > 0) out[at] = m.byte;
      if (m.kind === 'flip' && out.length > 0) out[at] = (out[at] as number) ^ (1 << m.bit);
      if (m.kind === 'insert') out.splice(at, 0, m.byte);
      if (m.kind === 'delete' && out.length > 0) out.splice(at, 1);
    }
    return Uint8Array.from(out);
  }

  it('mutated encodings never throw anything but BrightChainError, and agree with the naive reference', () => {
    fc.assert(
      fc.property(valueArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (value, mutations) => {
        const bytes = mutate(encodeCanonical(value), mutations);
        const reference = naiveStrict(bytes);
        let decoded: CanonicalValue;
        try {
          decoded = decodeStrict(bytes);
        } catch (error) {
          expect(BrightChainError.isInstance(error)).toBe(true);
          expect(['BC_DECODE_INVALID', 'BC_DECODE_LIMIT']).toContain((error as BrightChainError).code);
          expect(reference.ok).toBe(false);
          return;
        }
        expect(reference.ok).toBe(true);
        expect(hex(encodeCanonical(decoded))).toBe(hex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes: same verdict as the naive reference, and only typed errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const reference = naiveStrict(bytes);
        const result = code(() => decodeStrict(bytes));
        expect(['no error', 'BC_DECODE_INVALID', 'BC_DECODE_LIMIT']).toContain(result);
        expect(result === 'no error').toBe(reference.ok);
      }),
      { numRuns: 2000 },
    );
  });

  it('every single-byte value as the first byte of an otherwise valid tail', () => {
    for (let first = 0; first < 256; first++) {
      const bytes = Uint8Array.of(first, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);
      const result = code(() => decodeStrict(bytes));
      expect(['no error', 'BC_DECODE_INVALID', 'BC_DECODE_LIMIT']).toContain(result);
      expect(result === 'no error').toBe(naiveStrict(bytes).ok);
    }
  });
});

describe('decodeTuple', () => {
  const bytes = encodeCanonical([1, 'yes', new Uint8Array(16), null, 2.5, [1], { a: 1 }, true]);

  it('returns typed fields when the shape matches', () => {
    const [version, choice, voter, missing, weight, list, record, flag] = decodeTuple(bytes, [
      'integer',
      'string',
      'bytes',
      'bytes?',
      'number',
      'array',
      'object',
      'boolean',
    ]);
    expect(version + 1).toBe(2);
    expect(choice.toUpperCase()).toBe('YES');
    expect(voter.length).toBe(16);
    expect(missing).toBeNull();
    expect(weight).toBe(2.5);
    expect(list).toEqual([1]);
    expect(record).toEqual({ a: 1 });
    expect(flag).toBe(true);
    expect(decodeTuple(encodeCanonical([null, 'x']), ['null', 'any'])).toEqual([null, 'x']);
  });

  it.each<[string, Uint8Array, readonly string[], Record<string, unknown>]>([
    ['not an array', encodeCanonical({ a: 1 }), ['integer'], { reason: 'shape', actual: 'object' }],
    [
      'too few fields',
      encodeCanonical([1]),
      ['integer', 'string'],
      { reason: 'shape', expected: 2, actual: 1 },
    ],
    ['too many fields', encodeCanonical([1, 'a', 2]), ['integer', 'string'], { expected: 2, actual: 3 }],
    [
      'float for integer',
      encodeCanonical([1.5]),
      ['integer'],
      { index: 0, expected: 'integer', actual: 'number' },
    ],
    ['null for non-nullable', encodeCanonical([null]), ['bytes'], { index: 0, actual: 'null' }],
    ['string for bytes', encodeCanonical(['ab']), ['bytes?'], { index: 0, actual: 'string' }],
    ['array for object', encodeCanonical([[1]]), ['object'], { actual: 'array' }],
    ['bytes for object', encodeCanonical([new Uint8Array(1)]), ['object'], { actual: 'bytes' }],
    ['object for array', encodeCanonical([{}]), ['array'], { actual: 'object' }],
    ['number for boolean', encodeCanonical([0]), ['boolean'], { actual: 'number' }],
    ['string for null', encodeCanonical(['']), ['null'], { actual: 'string' }],
  ])('%s → BC_DECODE_INVALID', (_name, input, shape, details) => {
    const error = failure(() => decodeTuple(input, shape as never));
    expect(error.code).toBe('BC_DECODE_INVALID');
    expect(error.details).toMatchObject(details);
  });

  it('applies decode limits and strictness first', () => {
    expect(code(() => decodeTuple(bytes, ['any'], { maxBytes: 4 }))).toBe('BC_DECODE_LIMIT');
    expect(code(() => decodeTuple(fromHex('91cc01'), ['integer']))).toBe('BC_DECODE_INVALID');
  });
});

function head3(bytes: Uint8Array): string {
  return hex(bytes.subarray(0, 3));
}
