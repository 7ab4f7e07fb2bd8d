import fc from 'fast-check';
import { BrightChainError, bigintToBytes, byteWidth, bytesToBigint } from '@brightchain/core';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

/** Naive reference: repeated division by 256, most significant byte first. */
function naiveToBytes(value: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let rest = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(rest % 256n);
    rest /= 256n;
  }
  if (rest !== 0n) throw new Error('does not fit');
  return out;
}

function naiveToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = value * 256n + BigInt(byte);
  return value;
}

describe('bigintToBytes', () => {
  it.each<[bigint, number, string]>([
    [0n, 1, '00'],
    [0n, 4, '00000000'],
    [1n, 1, '01'],
    [255n, 1, 'ff'],
    [256n, 2, '0100'],
    [258n, 4, '00000102'],
    [2n ** 64n - 1n, 8, 'ffffffffffffffff'],
    [2n ** 256n - 1n, 32, 'ff'.repeat(32)],
  ])('%p in %p bytes → %s', (value, width, expected) => {
    expect(hex(bigintToBytes(value, width))).toBe(expected);
  });

  it('matches the naive reference and round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.bigInt({ min: 0n, max: 2n ** 640n }), (width, raw) => {
        const value = raw % 2n ** BigInt(8 * width);
        const bytes = bigintToBytes(value, width);
        expect(bytes.length).toBe(width);
        expect(hex(bytes)).toBe(hex(naiveToBytes(value, width)));
        expect(bytesToBigint(bytes)).toBe(value);
      }),
    );
  });

  it.each<[string, unknown, unknown]>([
    ['256 in 1 byte', 256n, 1],
    ['2^256 in 32 bytes', 2n ** 256n, 32],
    ['a negative value', -1n, 4],
    ['a number value', 5, 4],
    ['width 0', 1n, 0],
    ['negative width', 1n, -1],
    ['fractional width', 1n, 1.5],
    ['NaN width', 1n, Number.NaN],
    ['a bigint width', 1n, 4n],
  ])('rejects %s with BC_INVALID_ARGUMENT', (_name, value, width) => {
    expect(code(() => bigintToBytes(value as bigint, width as number))).toBe('BC_INVALID_ARGUMENT');
  });
});

describe('bytesToBigint', () => {
  it.each<[string, bigint]>([
    ['', 0n],
    ['00', 0n],
    ['0000ff', 255n],
    ['0102', 258n],
    ['ff'.repeat(32), 2n ** 256n - 1n],
  ])('%s → %p', (text, expected) => {
    expect(bytesToBigint(Uint8Array.from(Buffer.from(text, 'hex')))).toBe(expected);
  });

  it('reads exactly the view it is given and matches the naive reference', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(10), (bytes, offset) => {
        const backing = new Uint8Array(offset + bytes.length + 3).fill(0xee);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        expect(bytesToBigint(view)).toBe(naiveToBigint(bytes));
      }),
    );
  });

  it('rejects non-Uint8Array input', () => {
    expect(code(() => bytesToBigint([1, 2] as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
    expect(code(() => bytesToBigint('01' as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
  });
});

describe('byteWidth', () => {
  it.each<[bigint, number]>([
    [0n, 1],
    [1n, 1],
    [2n, 1],
    [256n, 1],
    [257n, 2],
    [65536n, 2],
    [65537n, 3],
    [2n ** 64n, 8],
    [2n ** 64n + 1n, 9],
  ])('byteWidth(%p) = %p', (modulus, width) => {
    expect(byteWidth(modulus)).toBe(width);
  });

  it('is the smallest width that holds every value below the modulus (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: 2n ** 4096n }), (modulus) => {
        const width = byteWidth(modulus);
        expect(bigintToBytes(modulus - 1n, width).length).toBe(width);
        if (width > 1) expect(code(() => bigintToBytes(modulus - 1n, width - 1))).toBe('BC_INVALID_ARGUMENT');
      }),
    );
  });
});
