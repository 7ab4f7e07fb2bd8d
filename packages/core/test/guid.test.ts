import fc from 'fast-check';
import {
  BrightChainError,
  CryptoRandom,
  SeededRandom,
  guidV4ToBytes,
  isGuidV4,
  newGuidV4,
  parseGuidV4,
} from '@brightchain/core';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

const VALID = '6f1c6b1e-0c2b-4e5a-9d1b-2a3b4c5d6e7f';

describe('newGuidV4', () => {
  it('sets the version (4) and RFC 4122 variant (10xx) bits, whatever the random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const scripted = { bytes: () => Uint8Array.from(raw), int: () => 0, float: () => 0 };
        const id = newGuidV4(scripted);
        expect(isGuidV4(id)).toBe(true);
        const bytes = guidV4ToBytes(id);
        expect((bytes[6] as number) >> 4).toBe(4);
        expect((bytes[8] as number) >> 6).toBe(0b10);
        // Every other bit is the random input's (naive reference: mask and compare).
        for (let i = 0; i < 16; i++) {
          const mask = i === 6 ? 0x0f : i === 8 ? 0x3f : 0xff;
          expect((bytes[i] as number) & mask).toBe((raw[i] as number) & mask);
        }
      }),
    );
  });

  it('is reproducible with a seed and distinct with a CSPRNG', () => {
    expect(newGuidV4(new SeededRandom(9))).toBe(newGuidV4(new SeededRandom(9)));
    const random = new CryptoRandom();
    const ids = new Set(Array.from({ length: 1000 }, () => newGuidV4(random)));
    expect(ids.size).toBe(1000);
  });
});

describe('parseGuidV4', () => {
  it('normalises case, and round-trips through bytes', () => {
    expect(parseGuidV4(VALID.toUpperCase())).toBe(VALID);
    expect(parseGuidV4('6F1c6B1E-0C2B-4E5A-9D1B-2A3B4C5D6E7F')).toBe(VALID);
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), (id) => {
        const canonical = parseGuidV4(id);
        expect(canonical).toBe(id.toLowerCase());
        expect(parseGuidV4(guidV4ToBytes(canonical))).toBe(canonical);
        expect(guidV4ToBytes(canonical)).toEqual(
          Uint8Array.from(Buffer.from(canonical.replace(/-/g, ''), 'hex')),
        );
      }),
    );
  });

  it('accepts every variant nibble 8, 9, a, b', () => {
    for (const v of '89abAB')
      expect(isGuidV4(parseGuidV4(`${VALID.slice(0, 19)}${v}${VALID.slice(20)}`))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['empty string', ''],
    ['too short', VALID.slice(1)],
    ['too long', `${VALID}0`],
    ['no hyphens', VALID.replace(/-/g, '')],
    ['hyphens moved', `${VALID.slice(0, 7)}-${VALID.slice(7, 8)}${VALID.slice(9)}`],
    ['braces', `{${VALID}}`],
    ['non-hex character', VALID.replace('6f', 'g6')],
    ['surrounding whitespace', ` ${VALID}`],
    ['version 1', VALID.replace('-4e5a-', '-1e5a-')],
    ['version 5', VALID.replace('-4e5a-', '-5e5a-')],
    ['version 0 (nil UUID)', '00000000-0000-0000-0000-000000000000'],
    ['variant 0 (NCS)', VALID.replace('-9d1b-', '-1d1b-')],
    ['variant c (Microsoft)', VALID.replace('-9d1b-', '-cd1b-')],
    ['variant f', VALID.replace('-9d1b-', '-fd1b-')],
    ['15 bytes', new Uint8Array(15)],
    ['17 bytes', new Uint8Array(17)],
    ['16 zero bytes (version 0)', new Uint8Array(16)],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: VALID }],
    ['an array of bytes', Array.from(new Uint8Array(16))],
  ])('rejects %s with BC_GUID_INVALID', (_name, input) => {
    expect(code(() => parseGuidV4(input as string))).toBe('BC_GUID_INVALID');
    expect(code(() => guidV4ToBytes(input as string))).toBe('BC_GUID_INVALID');
    expect(isGuidV4(input)).toBe(false);
  });

  it('keeps a short form of the input in the error details', () => {
    const long = 'x'.repeat(500);
    let error: unknown;
    try {
      parseGuidV4(long);
    } catch (caught) {
      error = caught;
    }
    expect(((error as BrightChainError).details.input as string).length).toBe(64);
  });
});

describe('isGuidV4', () => {
  it('is true only for canonical lower-case strings', () => {
    expect(isGuidV4(VALID)).toBe(true);
    expect(isGuidV4(VALID.toUpperCase())).toBe(false);
    expect(isGuidV4(guidV4ToBytes(VALID))).toBe(false);
  });
});
