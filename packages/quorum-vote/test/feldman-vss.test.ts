import { BrightChainError, SeededRandom } from '@brightchain/core';
import {
  type FeldmanShare,
  QuorumErrorCode,
  dealFeldman,
  interpolateAtZero,
  reconstructFeldmanSecret,
  verifyFeldmanShare,
} from '@brightchain/quorum-vote';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';

const N = secp256k1.Point.Fn.ORDER;
const G = secp256k1.Point.BASE;
const mod = (a: bigint) => ((a % N) + N) % N;
const pow = (b: bigint, e: bigint) => {
  let r = 1n;
  let x = mod(b);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = mod(r * x);
    x = mod(x * x);
    k >>= 1n;
  }
  return r;
};
const inv = (a: bigint) => pow(a, N - 2n);

/** Naive reference for verification: Σ_j C_j·(x^j mod n), one full scalar multiplication per term. */
function naiveVerify(share: FeldmanShare, commitments: readonly Uint8Array[]): boolean {
  let expected = secp256k1.Point.ZERO;
  commitments.forEach((bytes, j) => {
    const term = pow(BigInt(share.index), BigInt(j));
    expected = expected.add(secp256k1.Point.fromBytes(bytes).multiplyUnsafe(term));
  });
  const actual = share.value === 0n ? secp256k1.Point.ZERO : G.multiply(share.value);
  return actual.equals(expected);
}

/** Naive reference for reconstruction: solve the Vandermonde system for all coefficients by Gauss–Jordan. */
function naiveSolveSecret(shares: readonly FeldmanShare[]): bigint {
  const t = shares.length;
  const rows = shares.map((s) => [
    ...Array.from({ length: t }, (_, j) => pow(BigInt(s.index), BigInt(j))),
    s.value,
  ]);
  for (let col = 0; col < t; col++) {
    const pivot = rows.findIndex((row, r) => r >= col && row[col] !== 0n);
    [rows[col], rows[pivot]] = [rows[pivot] as bigint[], rows[col] as bigint[]];
    const p = rows[col] as bigint[];
    const f = inv(p[col] as bigint);
    for (let k = 0; k <= t; k++) p[k] = mod((p[k] as bigint) * f);
    rows.forEach((row, r) => {
      if (r === col || row[col] === 0n) return;
      const m = row[col] as bigint;
      for (let k = 0; k <= t; k++) row[k] = mod((row[k] as bigint) - m * (p[k] as bigint));
    });
  }
  return (rows[0] as bigint[])[t] as bigint;
}

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

describe('Feldman VSS', () => {
  const random = new SeededRandom('feldman');
  const secret = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;
  const deal = dealFeldman({ secret, threshold: 3, indices: [1, 2, 3, 4, 5], random });

  it('publishes t commitments with C_0 = s·G', () => {
    expect(deal.commitments).toHaveLength(3);
    expect(secp256k1.Point.fromBytes(deal.commitments[0] as Uint8Array).equals(G.multiply(secret))).toBe(
      true,
    );
  });

  it('every share verifies against the commitments, agreeing with the naive check', () => {
    for (const share of deal.shares) {
      expect(verifyFeldmanShare(share, deal.commitments)).toBe(true);
      expect(naiveVerify(share, deal.commitments)).toBe(true);
    }
  });

  it('reconstructs from every subset of at least t shares (n = 5, t = 3)', () => {
    let checked = 0;
    for (let size = 3; size <= 5; size++) {
      for (const subset of subsets(deal.shares, size)) {
        expect(reconstructFeldmanSecret(subset, deal.commitments)).toEqual({ secret, invalidIndices: [] });
        expect(naiveSolveSecret(subset.slice(0, 3))).toBe(secret);
        checked++;
      }
    }
    expect(checked).toBe(10 + 5 + 1);
  });

  it('any t−1 shares are not enough: typed error', () => {
    for (const subset of subsets(deal.shares, 2)) {
      expect(() => reconstructFeldmanSecret(subset, deal.commitments)).toThrow(
        expect.objectContaining({ code: QuorumErrorCode.SHARE_INSUFFICIENT }),
      );
    }
  });

  it('identifies a bad share by index and still reconstructs from the good ones', () => {
    const shares = deal.shares.map((s) => (s.index === 2 ? { ...s, value: mod(s.value + 1n) } : s));
    expect(verifyFeldmanShare(shares[1] as FeldmanShare, deal.commitments)).toBe(false);
    expect(naiveVerify(shares[1] as FeldmanShare, deal.commitments)).toBe(false);
    expect(reconstructFeldmanSecret(shares, deal.commitments)).toEqual({ secret, invalidIndices: [2] });
    // Plain Shamir would silently return a wrong key from these three:
    expect(interpolateAtZero(shares.slice(0, 3))).not.toBe(secret);
  });

  it('with too many bad shares, fails with the bad indices in the details', () => {
    const shares = deal.shares.map((s) => (s.index <= 3 ? { ...s, value: mod(s.value * 7n) } : s));
    try {
      reconstructFeldmanSecret(shares, deal.commitments);
      throw new Error('expected failure');
    } catch (error) {
      expect(BrightChainError.isInstance(error, QuorumErrorCode.SHARE_INSUFFICIENT)).toBe(true);
      expect((error as BrightChainError).details).toMatchObject({
        valid: 2,
        needed: 3,
        invalidIndices: [1, 2, 3],
      });
    }
  });

  it('a share presented at another index fails', () => {
    const moved = { index: 4, value: (deal.shares[0] as FeldmanShare).value };
    expect(verifyFeldmanShare(moved, deal.commitments)).toBe(false);
  });

  it('rejects malformed shares and commitments without throwing from verify', () => {
    const share = deal.shares[0] as FeldmanShare;
    expect(verifyFeldmanShare({ index: 0, value: share.value }, deal.commitments)).toBe(false);
    expect(verifyFeldmanShare({ index: 1, value: N }, deal.commitments)).toBe(false);
    expect(verifyFeldmanShare({ index: 1.5, value: share.value }, deal.commitments)).toBe(false);
    expect(verifyFeldmanShare(share, [new Uint8Array(33)])).toBe(false);
    expect(verifyFeldmanShare(share, [])).toBe(false);
  });

  it.each([
    ['threshold 0', { threshold: 0, indices: [1, 2] }],
    ['threshold above holders', { threshold: 3, indices: [1, 2] }],
    ['duplicate indices', { threshold: 2, indices: [1, 1, 2] }],
    ['index 0', { threshold: 2, indices: [0, 1, 2] }],
    ['negative index', { threshold: 1, indices: [-1] }],
  ])('rejects bad parameters: %s', (_name, options) => {
    expect(() => dealFeldman({ secret: 5n, random, ...options })).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.VSS_INVALID }),
    );
  });

  it.each([
    ['zero', 0n],
    ['the group order', N],
    ['negative', -1n],
  ])('rejects a secret that is %s', (_name, bad) => {
    expect(() => dealFeldman({ secret: bad, threshold: 1, indices: [1], random })).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.VSS_INVALID }),
    );
  });

  it('round trip for random secrets, thresholds and holder sets (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (s, t, extra, seed) => {
          const n = t + extra;
          const indices = Array.from({ length: n }, (_, i) => i * 7 + 1);
          const d = dealFeldman({ secret: s, threshold: t, indices, random: new SeededRandom(seed) });
          const picked = new SeededRandom(seed + 1);
          const shuffled = [...d.shares].sort(() => picked.float() - 0.5);
          return reconstructFeldmanSecret(shuffled.slice(0, t), d.commitments).secret === s;
        },
      ),
      { numRuns: 25 },
    );
  });
});
