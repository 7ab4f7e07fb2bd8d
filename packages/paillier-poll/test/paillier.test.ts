import fc from 'fast-check';
import { BrightChainError, SeededRandom } from '@brightchain/core';
import { generateRandomKeysSync, type KeyPair } from 'paillier-bigint';
import {
  aggregateBallots,
  aggregateCiphertexts,
  PaillierEncryptor,
  PaillierPublicKey,
  PollErrorCode,
  randomizerBase,
  slidingWindow,
  squareAndMultiply,
} from '@brightchain/paillier-poll';
import { jacobi } from './fixtures';

let keys: KeyPair;
let key: PaillierPublicKey;
let encryptor: PaillierEncryptor;

beforeAll(() => {
  keys = generateRandomKeysSync(384, true);
  key = PaillierPublicKey.fromPaillierBigint(keys.publicKey);
  encryptor = new PaillierEncryptor(key, { tableWidth: 5 });
});

describe('PaillierPublicKey', () => {
  it('encodes g^m as 1 + m·n, like the exponentiation', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 200n }), (m) => {
        expect(key.encodePlaintext(m)).toBe(squareAndMultiply.modPow(key.g, m, key.nSquared));
      }),
      { numRuns: 30 },
    );
  });

  it('textbook encryption equals paillier-bigint for the same nonce', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 100n }),
        fc.bigInt({ min: 2n, max: 1n << 180n }),
        (m, r) => {
          expect(key.encryptWithNonce(m, r)).toBe(keys.publicKey.encrypt(m, r));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('round-trips with paillier-bigint keys', () => {
    expect(key.toPaillierBigint().n).toBe(keys.publicKey.n);
    expect(() => PaillierPublicKey.fromPaillierBigint(generateRandomKeysSync(320, false).publicKey)).toThrow(
      BrightChainError,
    );
  });

  it('rejects bad moduli, plaintexts, nonces and ciphertexts', () => {
    expect(() => new PaillierPublicKey(1n << 400n)).toThrow(BrightChainError);
    expect(() => new PaillierPublicKey((1n << 200n) + 1n)).toThrow(BrightChainError);
    expect(() => key.encryptWithNonce(key.n, 5n)).toThrow(
      expect.objectContaining({ code: PollErrorCode.PLAINTEXT_INVALID }) as unknown as Error,
    );
    expect(() => key.encryptWithNonce(-1n, 5n)).toThrow(BrightChainError);
    expect(() => key.encryptWithNonce(1n, 0n)).toThrow(BrightChainError);
    expect(() => key.encryptWithNonce(1n, key.n)).toThrow(BrightChainError);
    for (const bad of [0n, key.nSquared, key.nSquared + 5n, key.n, 3n * key.n, -1n]) {
      expect(key.isCiphertext(bad)).toBe(false);
      expect(() => key.add(bad)).toThrow(
        expect.objectContaining({ code: PollErrorCode.CIPHERTEXT_INVALID }) as unknown as Error,
      );
    }
    expect(key.isCiphertext('5')).toBe(false);
  });
});

describe('PaillierEncryptor (fixed-base randomizer)', () => {
  it('randomizer base is −x² (Jacobi symbol of −1) and derived from n only', () => {
    const h = randomizerBase(key);
    expect(h).toBe(encryptor.base);
    // paillier-bigint moduli are not Blum integers; for safe-prime keys (threshold.test.ts) this is +1
    expect(jacobi(h, key.n)).toBe(jacobi(key.n - 1n, key.n));
    expect(randomizerBase(new PaillierPublicKey(key.n))).toBe(h);
  });

  it('nthResidue(α) = (h^α mod n)^n mod n² = nthRoot(α)^n, by table and fallback', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 800n }), (alpha) => {
        const root = slidingWindow.modPow(encryptor.base, alpha, key.n);
        expect(encryptor.nthRoot(alpha)).toBe(root);
        expect(encryptor.nthResidue(alpha)).toBe(squareAndMultiply.modPow(root, key.n, key.nSquared));
      }),
      { numRuns: 20 },
    );
  });

  it('encrypt equals textbook encryption with nonce h^α, and paillier-bigint decrypts it', () => {
    const random = new SeededRandom('encrypt');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 300n }), (m) => {
        const { ciphertext, randomizer } = encryptor.encrypt(m, random);
        expect(ciphertext).toBe(key.encryptWithNonce(m, encryptor.nthRoot(randomizer)));
        expect(keys.privateKey.decrypt(ciphertext)).toBe(m);
        expect(key.isCiphertext(ciphertext)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('is homomorphic: products decrypt to sums mod n', () => {
    const random = new SeededRandom('homomorphic');
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 1n << 370n }), { minLength: 1, maxLength: 8 }), (ms) => {
        const cs = ms.map((m) => encryptor.encrypt(m % key.n, random).ciphertext);
        const expected = ms.reduce((a, m) => (a + (m % key.n)) % key.n, 0n);
        expect(keys.privateKey.decrypt(key.add(...cs))).toBe(expected);
        expect(keys.privateKey.decrypt(aggregateCiphertexts(key, cs))).toBe(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('draws a fresh randomizer each time (CSPRNG by default)', () => {
    const a = encryptor.encrypt(1n);
    const b = encryptor.encrypt(1n);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.randomizer.toString(2).length).toBeLessThanOrEqual(encryptor.randomizerBits);
  });

  it('rejects plaintexts outside [0, n) and negative randomizers', () => {
    expect(() => encryptor.encrypt(key.n)).toThrow(BrightChainError);
    expect(() => encryptor.encryptWithRandomizer(1n, -1n)).toThrow(BrightChainError);
  });
});

describe('aggregation', () => {
  it('aggregateBallots multiplies position-wise, equal to the naive product', () => {
    const random = new SeededRandom('aggregate');
    const rows = Array.from({ length: 12 }, (_, i) => [BigInt(i % 2), BigInt(i % 3), 5n]);
    const ballots = rows.map((row) => ({
      ciphertexts: row.map((m) => encryptor.encrypt(m, random).ciphertext),
      proof: { challenge: 0n, positions: [], sums: [] },
    }));
    const totals = aggregateBallots(key, ballots, 3);
    totals.forEach((total, j) => {
      const naive = ballots.reduce((acc, b) => (acc * (b.ciphertexts[j] as bigint)) % key.nSquared, 1n);
      expect(total).toBe(naive);
    });
    expect(totals.map((t) => keys.privateKey.decrypt(t))).toEqual([6n, 12n, 60n]);
    expect(aggregateCiphertexts(key, [])).toBe(1n);
  });

  it('rejects out-of-range ciphertexts and wrong lengths', () => {
    expect(() => aggregateCiphertexts(key, [0n])).toThrow(BrightChainError);
    expect(() => aggregateCiphertexts(key, [key.nSquared])).toThrow(BrightChainError);
    const ballot = { ciphertexts: [1n], proof: { challenge: 0n, positions: [], sums: [] } };
    expect(() => aggregateBallots(key, [ballot], 2)).toThrow(
      expect.objectContaining({ code: PollErrorCode.BALLOT_MALFORMED }) as unknown as Error,
    );
    expect(() => aggregateBallots(key, [{ ...ballot, ciphertexts: [0n] }], 1)).toThrow(BrightChainError);
  });
});
