import fc from 'fast-check';
import { BrightChainError, SeededRandom } from '@brightchain/core';
import {
  BarrettReducer,
  DivisionReducer,
  FixedBaseTable,
  gcd,
  modInverse,
  multiExponentiate,
  PollErrorCode,
  randomBelow,
  randomBits,
  randomUnit,
  reducerFor,
  slidingWindow,
  squareAndMultiply,
} from '@brightchain/paillier-poll';

/** The most naive reference: repeated multiplication (tiny exponents only). */
function repeatedMultiplication(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  for (let i = 0n; i < exponent; i++) result = (result * base) % modulus;
  return result;
}

const bigNat = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const modulus = (bits: number) => fc.bigInt({ min: 2n, max: (1n << BigInt(bits)) - 1n });

describe('modular exponentiation engines', () => {
  it('square-and-multiply equals repeated multiplication on small inputs', () => {
    fc.assert(
      fc.property(bigNat(64), fc.bigInt({ min: 0n, max: 300n }), modulus(40), (b, e, m) => {
        expect(squareAndMultiply.modPow(b, e, m)).toBe(repeatedMultiplication(b, e, m));
      }),
    );
  });

  it('sliding window equals square-and-multiply (small and 3000+-bit moduli)', () => {
    fc.assert(
      fc.property(bigNat(200), bigNat(700), modulus(300), (b, e, m) => {
        expect(slidingWindow.modPow(b, e, m)).toBe(squareAndMultiply.modPow(b, e, m));
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(bigNat(3100), bigNat(90), fc.bigInt({ min: 1n << 3050n, max: 1n << 3100n }), (b, e, m) => {
        expect(slidingWindow.modPow(b, e, m)).toBe(squareAndMultiply.modPow(b, e, m));
      }),
      { numRuns: 10 },
    );
  });

  it('handles edge cases: exponent 0, modulus 1, negative base', () => {
    for (const engine of [squareAndMultiply, slidingWindow]) {
      expect(engine.modPow(5n, 0n, 7n)).toBe(1n);
      expect(engine.modPow(5n, 3n, 1n)).toBe(0n);
      expect(engine.modPow(-2n, 3n, 7n)).toBe(6n);
      expect(engine.modPow(0n, 5n, 7n)).toBe(0n);
    }
  });

  it('rejects negative exponents and moduli < 1', () => {
    for (const engine of [squareAndMultiply, slidingWindow]) {
      expect(() => engine.modPow(2n, -1n, 7n)).toThrow(BrightChainError);
      expect(() => engine.modPow(2n, 1n, 0n)).toThrow(BrightChainError);
    }
  });
});

describe('multiExponentiate', () => {
  it('equals the product of separate exponentiations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(bigNat(300), bigNat(400)), { minLength: 0, maxLength: 6 }),
        modulus(300),
        (pairs, m) => {
          const expected = pairs.reduce(
            (acc, [b, e]) => (acc * squareAndMultiply.modPow(b, e, m)) % m,
            1n % m,
          );
          const got = multiExponentiate(
            pairs.map(([b]) => b),
            pairs.map(([, e]) => e),
            m,
          );
          expect(got % m).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('equals separate exponentiations for many short exponents (bucket method path)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.bigInt({ min: -(1n << 70n), max: 1n << 300n }), bigNat(96)), {
          minLength: 200,
          maxLength: 400,
        }),
        modulus(260),
        (pairs, m) => {
          const withZeros = pairs.map(([b, e], i): [bigint, bigint] => [b, i % 17 === 0 ? 0n : e]);
          const expected = withZeros.reduce(
            (acc, [b, e]) => (acc * squareAndMultiply.modPow(b, e, m)) % m,
            1n % m,
          );
          const got = multiExponentiate(
            withZeros.map(([b]) => b),
            withZeros.map(([, e]) => e),
            m,
          );
          expect(got % m).toBe(expected);
        },
      ),
      { numRuns: 8 },
    );
    expect(multiExponentiate([5n, 7n], [0n, 0n], 11n)).toBe(1n);
    expect(multiExponentiate(Array(300).fill(3n), Array(300).fill(0n), 11n)).toBe(1n);
  });

  it('rejects mismatched lengths and negative exponents', () => {
    expect(() => multiExponentiate([2n], [], 7n)).toThrow(BrightChainError);
    expect(() => multiExponentiate([2n], [-1n], 7n)).toThrow(BrightChainError);
  });
});

describe('FixedBaseTable', () => {
  it('equals square-and-multiply for every width', () => {
    fc.assert(
      fc.property(bigNat(256), modulus(256), fc.integer({ min: 1, max: 9 }), bigNat(300), (g, m, w, e) => {
        const table = new FixedBaseTable(g, m, 300, w);
        expect(table.pow(e)).toBe(squareAndMultiply.modPow(g, e, m));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects exponents longer than the table, negative exponents and bad widths', () => {
    const table = new FixedBaseTable(3n, 1000003n, 16, 4);
    expect(table.pow((1n << 16n) - 1n)).toBe(squareAndMultiply.modPow(3n, (1n << 16n) - 1n, 1000003n));
    expect(() => table.pow(1n << 16n)).toThrow(BrightChainError);
    expect(() => table.pow(-1n)).toThrow(BrightChainError);
    expect(() => new FixedBaseTable(3n, 7n, 16, 0)).toThrow(BrightChainError);
    expect(() => new FixedBaseTable(3n, 7n, 16, 13)).toThrow(BrightChainError);
    expect(() => new FixedBaseTable(3n, 1n, 16, 4)).toThrow(BrightChainError);
  });
});

describe('modular reducers', () => {
  it('multiplies like % for any modulus', () => {
    fc.assert(
      fc.property(modulus(3200), bigNat(3200), bigNat(3200), (m, a, b) => {
        const reducer = new BarrettReducer(m);
        expect(reducer.multiply(a % m, b % m)).toBe(((a % m) * (b % m)) % m);
      }),
      { numRuns: 100 },
    );
  });

  it('reducerFor uses BigInt % (measured faster); both reducers agree', () => {
    const m = (1n << 3100n) + 1n;
    expect(reducerFor(m)).toBeInstanceOf(DivisionReducer);
    expect(new DivisionReducer(7n).multiply(5n, 4n)).toBe(6n);
    expect(() => new BarrettReducer(1n)).toThrow(BrightChainError);
    expect(() => reducerFor(0n)).toThrow(BrightChainError);
  });
});

describe('gcd and modInverse', () => {
  it('inverse times value is 1 exactly when coprime', () => {
    fc.assert(
      fc.property(bigNat(200), modulus(200), (a, m) => {
        if (gcd(a, m) === 1n) {
          expect((modInverse(a, m) * a) % m).toBe(1n % m);
        } else {
          expect(() => modInverse(a, m)).toThrow(
            expect.objectContaining({ code: PollErrorCode.NOT_INVERTIBLE }) as unknown as Error,
          );
        }
      }),
    );
  });

  it('table of known values', () => {
    expect(gcd(12n, 18n)).toBe(6n);
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(0n, 5n)).toBe(5n);
    expect(modInverse(3n, 7n)).toBe(5n);
    expect(modInverse(-3n, 7n)).toBe(2n);
    expect(() => modInverse(3n, 0n)).toThrow(BrightChainError);
  });
});

describe('random integers', () => {
  it('stay in range and are reproducible with a seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    for (let i = 0; i < 200; i++) {
      const x = randomBelow(a, 1000n);
      expect(x).toBe(randomBelow(b, 1000n));
      expect(x >= 0n && x < 1000n).toBe(true);
      expect(randomBits(a, 13) < 1n << 13n).toBe(true);
      randomBits(b, 13);
      const u = randomUnit(a, 15n);
      expect(randomUnit(b, 15n)).toBe(u);
      expect(gcd(u, 15n)).toBe(1n);
    }
    expect(randomBelow(a, 1n)).toBe(0n);
    expect(() => randomBits(a, 0)).toThrow(BrightChainError);
    expect(() => randomBelow(a, 0n)).toThrow(BrightChainError);
    expect(() => randomUnit(a, 1n)).toThrow(BrightChainError);
  });

  it('randomBelow is roughly uniform over a small range', () => {
    const random = new SeededRandom('uniform');
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[Number(randomBelow(random, 5n))]! += 1;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});
