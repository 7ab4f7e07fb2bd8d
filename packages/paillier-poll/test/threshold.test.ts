import fc from 'fast-check';
import { BrightChainError, SeededRandom } from '@brightchain/core';
import {
  aggregateCiphertexts,
  combineDecryptionShares,
  combineVerifiedShares,
  createDecryptionShare,
  type DecryptionShare,
  factorial,
  generateThresholdKey,
  isSafePrime,
  PollErrorCode,
  randomizerBase,
  scaledLagrangeCoefficients,
  squareAndMultiply,
  type ThresholdKeyCeremony,
  verifyDecryptionShare,
} from '@brightchain/paillier-poll';
import { encryptorFor, freshKey, jacobi, PINNED_P, PINNED_Q, pinnedKey, subsets } from './fixtures';

const CONTEXT = new TextEncoder().encode('poll-6f1c2e4a/tally/v1');
const codeOf = (code: string) => expect.objectContaining({ code }) as unknown as Error;

let key3of5: ThresholdKeyCeremony;
let key2of3: ThresholdKeyCeremony;

beforeAll(async () => {
  [key3of5, key2of3] = await Promise.all([freshKey(5, 3), pinnedKey(3, 2, new SeededRandom('threshold'))]);
});

describe('dealer key generation', () => {
  it('produces safe primes, Δ = ℓ!, and consistent verification keys', async () => {
    const { publicKey, shares } = key3of5;
    expect(publicKey.publicKey.bits).toBe(320);
    expect(publicKey.delta).toBe(120n);
    expect(shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    const n2 = publicKey.publicKey.nSquared;
    shares.forEach((share, i) => {
      expect(publicKey.verificationKeys[i]).toBe(
        squareAndMultiply.modPow(publicKey.verificationBase, publicKey.delta * share.secret, n2),
      );
    });
    expect(jacobi(randomizerBase(publicKey.publicKey), publicKey.publicKey.n)).toBe(1); // h ∈ J_n
  });

  it('checks pinned primes and key sizes', async () => {
    expect(isSafePrime(PINNED_P)).toBe(true);
    expect(isSafePrime(PINNED_P + 2n)).toBe(false);
    await expect(
      generateThresholdKey({
        trustees: 1,
        threshold: 1,
        allowInsecureKeySize: true,
        primes: { p: PINNED_P, q: PINNED_P },
      }),
    ).rejects.toThrow(codeOf(PollErrorCode.KEY_INVALID));
    await expect(
      generateThresholdKey({
        trustees: 1,
        threshold: 1,
        allowInsecureKeySize: true,
        primes: { p: PINNED_P, q: 1000003n },
      }),
    ).rejects.toThrow(codeOf(PollErrorCode.KEY_INVALID));
    await expect(
      generateThresholdKey({ trustees: 1, threshold: 1, primes: { p: PINNED_P, q: PINNED_Q } }),
    ).rejects.toThrow(codeOf(PollErrorCode.KEY_TOO_SMALL));
    await expect(generateThresholdKey({ trustees: 1, threshold: 1, modulusBits: 1024 })).rejects.toThrow(
      codeOf(PollErrorCode.KEY_TOO_SMALL),
    );
  });

  it.each([
    [{ trustees: 0, threshold: 1 }],
    [{ trustees: 65, threshold: 1 }],
    [{ trustees: 3, threshold: 4 }],
    [{ trustees: 3, threshold: 0 }],
    [{ trustees: 3, threshold: 1.5 }],
    [{ trustees: 3, threshold: 2, modulusBits: 321 }],
    [{ trustees: 3, threshold: 2, modulusBits: 256 }],
  ])('rejects %j', async (options) => {
    await expect(generateThresholdKey({ allowInsecureKeySize: true, ...options })).rejects.toThrow(
      codeOf(PollErrorCode.INVALID_ARGUMENT),
    );
  });

  it('factorial and scaled Lagrange coefficients', () => {
    expect([0, 1, 2, 3, 5].map(factorial)).toEqual([1n, 1n, 2n, 6n, 120n]);
    expect(() => factorial(-1)).toThrow(BrightChainError);
    // Δ·Σ λ_i·i^k = Δ·[k = 0] for k < |S|: λ interpolates polynomials of degree < t at 0
    for (const set of subsets(5, 3)) {
      const lambdas = scaledLagrangeCoefficients(set, 120n);
      for (let k = 0; k < 3; k++) {
        const sum = lambdas.reduce((acc, l, i) => acc + l * BigInt(set[i]!) ** BigInt(k), 0n);
        expect(sum).toBe(k === 0 ? 120n : 0n);
      }
    }
    expect(() => scaledLagrangeCoefficients([1, 1], 2n)).toThrow(BrightChainError);
    expect(() => scaledLagrangeCoefficients([0, 1], 2n)).toThrow(BrightChainError);
  });
});

describe('threshold decryption', () => {
  it('every t-subset of trustees decrypts (3-of-5 and 2-of-3)', () => {
    for (const ceremony of [key3of5, key2of3]) {
      const { publicKey, shares } = ceremony;
      const encryptor = encryptorFor(ceremony);
      const random = new SeededRandom('subsets');
      const plaintexts = [0n, 1n, 41n, publicKey.publicKey.n - 1n];
      const ciphertexts = plaintexts.map((m) => encryptor.encrypt(m, random).ciphertext);
      const all = shares.map((s) => createDecryptionShare(s, ciphertexts, CONTEXT, random));
      for (const set of subsets(publicKey.trustees, publicKey.threshold)) {
        const chosen = set.map((i) => all[i - 1] as DecryptionShare);
        expect(combineDecryptionShares(publicKey, ciphertexts, CONTEXT, chosen)).toEqual(plaintexts);
      }
    }
  });

  it('decrypts homomorphic sums (property)', () => {
    const { publicKey, shares } = key2of3;
    const encryptor = encryptorFor(key2of3);
    const random = new SeededRandom('sums');
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 1000n }), { minLength: 1, maxLength: 6 }), (ms) => {
        const total = aggregateCiphertexts(
          publicKey.publicKey,
          ms.map((m) => encryptor.encrypt(m, random).ciphertext),
        );
        const chosen = [shares[2]!, shares[0]!].map((s) =>
          createDecryptionShare(s, [total], CONTEXT, random),
        );
        expect(combineDecryptionShares(publicKey, [total], CONTEXT, chosen)).toEqual([
          ms.reduce((a, b) => a + b, 0n),
        ]);
      }),
      { numRuns: 10 },
    );
  });

  it('single-trustee mode (t = ℓ = 1)', async () => {
    const ceremony = await pinnedKey(1, 1);
    const encryptor = encryptorFor(ceremony);
    const c = encryptor.encrypt(1234n).ciphertext;
    const share = createDecryptionShare(ceremony.shares[0]!, [c], CONTEXT);
    expect(verifyDecryptionShare(ceremony.publicKey, [c], CONTEXT, share)).toBe(true);
    expect(combineDecryptionShares(ceremony.publicKey, [c], CONTEXT, [share])).toEqual([1234n]);
  });
});

describe('decryption share proofs', () => {
  let ciphertexts: bigint[];
  let share: DecryptionShare;

  beforeAll(() => {
    const encryptor = encryptorFor(key2of3);
    const random = new SeededRandom('proofs');
    ciphertexts = [5n, 6n, 7n].map((m) => encryptor.encrypt(m, random).ciphertext);
    share = createDecryptionShare(key2of3.shares[1]!, ciphertexts, CONTEXT, random);
  });

  const verify = (s: DecryptionShare, cs: bigint[] = ciphertexts, context: Uint8Array = CONTEXT) =>
    verifyDecryptionShare(key2of3.publicKey, cs, context, s);

  it('verifies an honest share', () => {
    expect(verify(share)).toBe(true);
  });

  it('fails for a wrong value at EVERY position (the proof covers every ciphertext)', () => {
    const n2 = key2of3.publicKey.publicKey.nSquared;
    for (let j = 0; j < ciphertexts.length; j++) {
      const values = share.values.map((v, k) => (k === j ? (v * v) % n2 : v));
      expect(verify({ ...share, values })).toBe(false);
      // a value computed with another trustee's secret at one position
      const other = createDecryptionShare(key2of3.shares[0]!, ciphertexts, CONTEXT);
      const mixed = share.values.map((v, k) => (k === j ? (other.values[k] as bigint) : v));
      expect(verify({ ...share, values: mixed })).toBe(false);
    }
  });

  it('fails when any proof component has a flipped bit', () => {
    const flip = (x: bigint, bit = 3n) => x ^ (1n << bit);
    const p = share.proof;
    const variants: DecryptionShare[] = [
      { ...share, proof: { ...p, challenge: flip(p.challenge) } },
      { ...share, proof: { ...p, response: flip(p.response) } },
      { ...share, proof: { ...p, response: flip(p.response, 0n) } },
      { ...share, proof: { ...p, verificationCommitment: flip(p.verificationCommitment) } },
      ...p.ciphertextCommitments.map((_, j) => ({
        ...share,
        proof: {
          ...p,
          ciphertextCommitments: p.ciphertextCommitments.map((a, k) => (k === j ? flip(a) : a)),
        },
      })),
      ...share.values.map((_, j) => ({
        ...share,
        values: share.values.map((v, k) => (k === j ? flip(v) : v)),
      })),
    ];
    for (const variant of variants) expect(verify(variant)).toBe(false);
  });

  it('fails under another trustee index, context or ciphertext list', () => {
    expect(verify({ ...share, trusteeIndex: 1 })).toBe(false);
    expect(verify({ ...share, trusteeIndex: 9 })).toBe(false);
    expect(verify(share, ciphertexts, new TextEncoder().encode('another poll'))).toBe(false);
    expect(verify(share, [ciphertexts[1]!, ciphertexts[0]!, ciphertexts[2]!])).toBe(false);
    expect(verify(share, ciphertexts.slice(0, 2))).toBe(false);
  });

  it('rejects malformed shares without throwing', () => {
    const n2 = key2of3.publicKey.publicKey.nSquared;
    const p = share.proof;
    expect(verify({ ...share, values: [0n, ...share.values.slice(1)] })).toBe(false);
    expect(verify({ ...share, values: [n2, ...share.values.slice(1)] })).toBe(false);
    expect(verify({ ...share, proof: { ...p, response: -1n } })).toBe(false);
    expect(verify({ ...share, proof: { ...p, response: p.response << 2000n } })).toBe(false);
    expect(verify({ ...share, proof: { ...p, challenge: 1n << 128n } })).toBe(false);
    expect(verify({ ...share, proof: { ...p, ciphertextCommitments: [] } })).toBe(false);
    expect(verify({ ...share, proof: { ...p, verificationCommitment: key2of3.publicKey.publicKey.n } })).toBe(
      false,
    );
  });

  it('combination skips invalid shares and needs t valid ones', () => {
    const good = key2of3.shares.map((s) => createDecryptionShare(s, ciphertexts, CONTEXT));
    const bad = { ...good[0]!, proof: { ...good[0]!.proof, response: good[0]!.proof.response + 1n } };
    expect(
      combineDecryptionShares(key2of3.publicKey, ciphertexts, CONTEXT, [bad, good[1]!, good[2]!]),
    ).toEqual([5n, 6n, 7n]);
    expect(() => combineDecryptionShares(key2of3.publicKey, ciphertexts, CONTEXT, [bad, good[1]!])).toThrow(
      codeOf(PollErrorCode.SHARES_INSUFFICIENT),
    );
    expect(() =>
      combineDecryptionShares(key2of3.publicKey, ciphertexts, CONTEXT, [good[1]!, good[1]!]),
    ).toThrow(codeOf(PollErrorCode.SHARES_INSUFFICIENT));
    expect(() => combineVerifiedShares(key2of3.publicKey, [good[1]!])).toThrow(BrightChainError);
    // unverified combination of a wrong share is caught by the c' ≡ 1 (mod n) check
    const n2 = key2of3.publicKey.publicKey.nSquared;
    const wrong = { ...good[0]!, values: good[0]!.values.map((v) => (v * 4n) % n2) };
    expect(() => combineVerifiedShares(key2of3.publicKey, [wrong, good[1]!])).toThrow(
      codeOf(PollErrorCode.SHARE_INVALID),
    );
  });

  it('rejects invalid ciphertexts as input', () => {
    const n = key2of3.publicKey.publicKey.n;
    for (const bad of [[], [0n], [n], [n * n], [PINNED_P]]) {
      expect(() => createDecryptionShare(key2of3.shares[0]!, bad, CONTEXT)).toThrow(BrightChainError);
    }
    expect(() => createDecryptionShare({ ...key2of3.shares[0]!, index: 4 }, ciphertexts, CONTEXT)).toThrow(
      codeOf(PollErrorCode.KEY_INVALID),
    );
  });
});
