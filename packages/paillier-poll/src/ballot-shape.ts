/**
 * What a valid ballot looks like, as public data that the proofs refer to: one ciphertext per
 * position, each position with the finite set of plaintexts it may encrypt, and sum constraints —
 * a weighted sum of positions (computed homomorphically as `∏ c_j^(w_j)`) whose plaintext must lie
 * in its own allowed set. Every voting method is a shape (see `voting-methods.ts`): plurality is
 * `{0,1}` per option with one sum `= 1`, approval-at-most-k adds a sum in `0..k`, Borda is a
 * permutation matrix with row and column sums `= 1`.
 */
import { BrightChainError } from '@brightchain/core';
import { reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';
import { multiExponentiate } from './multi-exponentiation';
import type { PaillierPublicKey } from './paillier-public-key';

/** A weighted sum of positions that must encrypt one of `allowed`. */
export interface SumConstraint {
  /** One non-negative weight per position (0 leaves the position out). */
  readonly weights: readonly bigint[];
  /** The plaintexts the weighted sum may take. */
  readonly allowed: readonly bigint[];
}

/** The public definition of a valid ballot. */
export interface BallotShape {
  /** `positions[j]` is the set of plaintexts ciphertext `j` may encrypt. */
  readonly positions: readonly (readonly bigint[])[];
  /** Constraints on weighted sums of positions. */
  readonly sums: readonly SumConstraint[];
}

/** Largest number of positions in one ballot. */
export const MAX_POSITIONS = 4096;
/** Largest allowed set of one position or sum (the OR proof has one branch per value). */
export const MAX_ALLOWED_VALUES = 1024;
/** Largest number of sum constraints. */
export const MAX_SUMS = 256;
/** Weights are below `2^64`. */
export const MAX_WEIGHT = (1n << 64n) - 1n;

function malformed(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(PollErrorCode.BALLOT_MALFORMED, message, { details });
}

function checkAllowed(values: unknown, key: PaillierPublicKey, where: string): void {
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_ALLOWED_VALUES) {
    throw malformed(`${where}: allowed set must have 1..${MAX_ALLOWED_VALUES} values`);
  }
  const seen = new Set<bigint>();
  for (const value of values) {
    if (typeof value !== 'bigint' || value < 0n || value >= key.n || seen.has(value)) {
      throw malformed(`${where}: allowed values must be distinct bigints in [0, n)`);
    }
    seen.add(value);
  }
}

/**
 * Checks a shape against a key: sizes, distinct allowed values in `[0, n)`, weights in `[0, 2^64)`.
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` describing the first problem
 * @example
 * ```ts
 * assertBallotShape({ positions: [[0n, 1n], [0n, 1n]], sums: [{ weights: [1n, 1n], allowed: [1n] }] }, key);
 * ```
 */
export function assertBallotShape(shape: BallotShape, key: PaillierPublicKey): void {
  const { positions, sums } = shape;
  if (!Array.isArray(positions) || positions.length === 0 || positions.length > MAX_POSITIONS) {
    throw malformed(`a ballot needs 1..${MAX_POSITIONS} positions`);
  }
  positions.forEach((allowed, j) => {
    checkAllowed(allowed, key, `position ${j}`);
  });
  if (!Array.isArray(sums) || sums.length > MAX_SUMS) throw malformed(`at most ${MAX_SUMS} sum constraints`);
  sums.forEach((sum, s) => {
    if (!Array.isArray(sum.weights) || sum.weights.length !== positions.length) {
      throw malformed(`sum ${s}: one weight per position`, { sum: s });
    }
    if (sum.weights.some((w: unknown) => typeof w !== 'bigint' || w < 0n || w > MAX_WEIGHT)) {
      throw malformed(`sum ${s}: weights must be bigints in [0, 2^64)`, { sum: s });
    }
    checkAllowed(sum.allowed, key, `sum ${s}`);
  });
}

/**
 * The homomorphic weighted sum `∏ c_j^(w_j) mod n²`, which encrypts `Σ w_j·m_j`.
 *
 * @example
 * ```ts
 * const total = weightedSumCiphertext(key, ballot.ciphertexts, [1n, 1n, 1n]);
 * ```
 */
export function weightedSumCiphertext(
  key: PaillierPublicKey,
  ciphertexts: readonly bigint[],
  weights: readonly bigint[],
): bigint {
  const reducer = reducerFor(key.nSquared);
  let product = 1n;
  const bases: bigint[] = [];
  const exponents: bigint[] = [];
  ciphertexts.forEach((c, j) => {
    const w = weights[j] ?? 0n;
    if (w === 0n) return;
    if (w === 1n) product = reducer.multiply(product, c);
    else {
      bases.push(c);
      exponents.push(w);
    }
  });
  if (bases.length === 0) return product;
  return reducer.multiply(product, multiExponentiate(bases, exponents, key.nSquared));
}
