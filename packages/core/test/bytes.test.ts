import fc from 'fast-check';
import { bytesEqual, compareBytes } from '@brightchain/core';

/** Naive reference: element by element, then length. */
function naiveCompare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

describe('bytesEqual / compareBytes', () => {
  it('agree with a naive reference on random and prefix-related inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(Math.sign(naiveCompare(a, b)));
        expect(bytesEqual(a, b)).toBe(naiveCompare(a, b) === 0);
        const prefixed = Uint8Array.of(...a, ...b);
        expect(compareBytes(a, prefixed)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('treats bytes as unsigned and respects views into larger buffers', () => {
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    const big = Uint8Array.of(9, 1, 2, 9);
    expect(bytesEqual(big.subarray(1, 3), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
  });
});
