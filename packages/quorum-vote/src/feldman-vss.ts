/**
 * Feldman verifiable secret sharing over secp256k1's scalar field.
 *
 * P. Feldman, "A practical scheme for non-interactive verifiable secret sharing", FOCS 1987: the
 * dealer shares `s` with a random polynomial f(x) = a_0 + a_1·x + … + a_{t−1}·x^{t−1} (a_0 = s) as
 * in Shamir's scheme, and publishes commitments C_j = a_j·G (the elliptic-curve form of Feldman's
 * g^{a_j}). Holder i receives y_i = f(i) and checks
 *
 *     y_i·G = Σ_j C_j·i^j
 *
 * so a wrong share is detected — and attributed to whoever presented it — instead of silently
 * corrupting the reconstructed key (the defect of plain Shamir shares). Any t valid shares give
 * `s` back by Lagrange interpolation at 0. Security: the commitments reveal `s·G` (computationally
 * hiding under the discrete-log assumption), so `s` must be a uniformly random scalar — never the
 * document key itself; the document key is derived from `s` by a hash (see `sealed-document.ts`).
 */
import { BrightChainError, type Random } from '@brightchain/core';
import { QuorumErrorCode } from './error-codes';
import {
  type CurvePoint,
  baseMultiply,
  evaluateCommitments,
  evaluatePolynomial,
  lagrangeAtZero,
  modN,
  pointFromBytes,
  pointToBytes,
  randomScalar,
} from './scalar-field';

/** One Shamir/Feldman share: the polynomial evaluated at `index` (a positive integer). */
export interface FeldmanShare {
  /** Evaluation point x (1-based holder position). */
  readonly index: number;
  /** f(index) mod n. */
  readonly value: bigint;
}

/** The dealer's output: public commitments (33-byte compressed points C_0..C_{t−1}) and shares. */
export interface FeldmanDeal {
  readonly commitments: readonly Uint8Array[];
  readonly shares: readonly FeldmanShare[];
}

/** The result of {@link reconstructFeldmanSecret}. */
export interface FeldmanReconstruction {
  /** The shared secret. */
  readonly secret: bigint;
  /** Indices of presented shares that failed verification and were left out. */
  readonly invalidIndices: readonly number[];
}

/** Largest share index accepted (keeps indices small, distinct and non-zero mod n). */
export const MAX_SHARE_INDEX = 0xffff_ffff;

function vssError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(QuorumErrorCode.VSS_INVALID, message, { details });
}

/**
 * Checks `threshold` against `indices` (distinct integers in 1..2^32−1, at least `threshold` of them).
 * @throws BrightChainError `BC_VSS_INVALID`
 */
export function checkSharingParameters(threshold: number, indices: readonly number[]): void {
  if (!Number.isSafeInteger(threshold) || threshold < 1)
    throw vssError('threshold must be an integer ≥ 1', { threshold });
  if (indices.length < threshold) {
    throw vssError('fewer holders than the threshold', { threshold, holders: indices.length });
  }
  const seen = new Set<number>();
  for (const index of indices) {
    if (!Number.isSafeInteger(index) || index < 1 || index > MAX_SHARE_INDEX || seen.has(index)) {
      throw vssError('share indices must be distinct integers in 1..2^32-1', { index });
    }
    seen.add(index);
  }
}

/**
 * Shares `secret` among holders at `indices` so that any `threshold` of them can rebuild it.
 * Coefficients a_1..a_{t−1} come from `random`, which must be a CSPRNG (`CryptoRandom`) outside
 * simulations.
 *
 * @throws BrightChainError `BC_VSS_INVALID` if the secret is not in [1, n) or the parameters are bad
 * @example
 * ```ts
 * const deal = dealFeldman({ secret: 42n, threshold: 2, indices: [1, 2, 3], random: new CryptoRandom() });
 * verifyFeldmanShare(deal.shares[0]!, deal.commitments); // true
 * ```
 */
export function dealFeldman(options: {
  readonly secret: bigint;
  readonly threshold: number;
  readonly indices: readonly number[];
  readonly random: Random;
}): FeldmanDeal {
  const { secret, threshold, indices, random } = options;
  if (typeof secret !== 'bigint' || secret <= 0n || secret !== modN(secret)) {
    throw vssError('secret must be a scalar in [1, n)');
  }
  checkSharingParameters(threshold, indices);
  const coefficients = [secret];
  for (let k = 1; k < threshold; k++) coefficients.push(randomScalar(random));
  return {
    commitments: coefficients.map((a) => pointToBytes(baseMultiply(a))),
    shares: indices.map((index) => ({ index, value: evaluatePolynomial(coefficients, BigInt(index)) })),
  };
}

/**
 * Decodes commitments (each a valid, non-identity compressed point).
 * @throws BrightChainError `BC_VSS_INVALID`
 */
export function decodeCommitments(commitments: readonly Uint8Array[]): CurvePoint[] {
  if (!Array.isArray(commitments) || commitments.length < 1)
    throw vssError('at least one commitment is required');
  return commitments.map((bytes) => pointFromBytes(bytes, QuorumErrorCode.VSS_INVALID));
}

/**
 * The public image f(index)·G of the share at `index`, computable by anyone from the commitments.
 */
export function publicShareOf(index: number, commitments: readonly CurvePoint[]): CurvePoint {
  return evaluateCommitments(commitments, BigInt(index));
}

/**
 * True when `share` is consistent with `commitments` (y·G = Σ C_j·x^j). Malformed commitments or
 * shares give false.
 *
 * @example
 * ```ts
 * if (!verifyFeldmanShare(share, commitments)) throw new Error(`share ${share.index} is bad`);
 * ```
 */
export function verifyFeldmanShare(
  share: FeldmanShare,
  commitments: readonly Uint8Array[] | readonly CurvePoint[],
): boolean {
  if (
    typeof share !== 'object' ||
    share === null ||
    !Number.isSafeInteger(share.index) ||
    share.index < 1 ||
    share.index > MAX_SHARE_INDEX ||
    typeof share.value !== 'bigint' ||
    share.value !== modN(share.value)
  ) {
    return false;
  }
  let points: readonly CurvePoint[];
  try {
    points = toPoints(commitments);
  } catch {
    return false;
  }
  return baseMultiply(share.value).equals(publicShareOf(share.index, points));
}

function toPoints(commitments: readonly Uint8Array[] | readonly CurvePoint[]): readonly CurvePoint[] {
  if (commitments.length > 0 && !(commitments[0] instanceof Uint8Array))
    return commitments as readonly CurvePoint[];
  return decodeCommitments(commitments as readonly Uint8Array[]);
}

/**
 * Interpolates f(0) from exactly the given shares (distinct indices), without verifying them.
 * Callers must pass at least `threshold` verified shares; {@link reconstructFeldmanSecret} does.
 *
 * @throws BrightChainError `BC_VSS_INVALID` for duplicate or invalid indices
 * @example
 * ```ts
 * interpolateAtZero(deal.shares.slice(0, 2)); // the secret, for threshold 2
 * ```
 */
export function interpolateAtZero(shares: readonly FeldmanShare[]): bigint {
  checkSharingParameters(
    1,
    shares.map((share) => share.index),
  );
  const lambdas = lagrangeAtZero(shares.map((share) => BigInt(share.index)));
  let secret = 0n;
  shares.forEach((share, i) => {
    secret = modN(secret + (lambdas[i] as bigint) * share.value);
  });
  return secret;
}

/**
 * Verifies every presented share against `commitments`, leaves out (and reports) the bad ones and
 * rebuilds the secret from the first `t` good ones (t = number of commitments).
 *
 * @throws BrightChainError `BC_SHARE_INSUFFICIENT` when fewer than t shares verify (details list
 * the invalid indices); `BC_VSS_INVALID` for malformed commitments or duplicate indices
 * @example
 * ```ts
 * const { secret, invalidIndices } = reconstructFeldmanSecret(presented, deal.commitments);
 * ```
 */
export function reconstructFeldmanSecret(
  shares: readonly FeldmanShare[],
  commitments: readonly Uint8Array[],
): FeldmanReconstruction {
  const points = decodeCommitments(commitments);
  const threshold = points.length;
  const seen = new Set<number>();
  const good: FeldmanShare[] = [];
  const invalidIndices: number[] = [];
  for (const share of shares) {
    if (seen.has(share.index)) throw vssError('duplicate share index', { index: share.index });
    seen.add(share.index);
    if (verifyFeldmanShare(share, points)) good.push(share);
    else invalidIndices.push(share.index);
  }
  if (good.length < threshold) {
    throw new BrightChainError(QuorumErrorCode.SHARE_INSUFFICIENT, 'not enough valid shares to reconstruct', {
      details: { valid: good.length, needed: threshold, invalidIndices },
    });
  }
  const secret = interpolateAtZero(good.slice(0, threshold));
  return { secret, invalidIndices };
}
