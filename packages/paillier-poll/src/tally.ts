/**
 * Homomorphic tally: the product of ciphertexts mod `n²` encrypts the sum of their plaintexts
 * (Paillier 1999). Only the aggregate is ever decrypted — never an individual ballot.
 *
 * One modular multiplication per ciphertext is the floor for a sequential product; the bench measures
 * it against the textbook loop, paillier-bigint's `addition`, Barrett reduction and a worker pool
 * (`BallotWorkerPool.aggregateCiphertexts`).
 */
import { BrightChainError } from '@brightchain/core';
import type { EncryptedBallot } from './ballot-proof';
import { reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';
import type { PaillierPublicKey } from './paillier-public-key';

/**
 * `∏ ciphertexts mod n²` (the encryption of the sum). Inputs are range-checked (`0 < c < n²`);
 * callers aggregate only ballots whose proofs verified.
 *
 * @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` for a value outside `(0, n²)`
 * @example
 * ```ts
 * const total = aggregateCiphertexts(publicKey, ballots.map((b) => b.ciphertexts[0]!));
 * ```
 */
export function aggregateCiphertexts(key: PaillierPublicKey, ciphertexts: Iterable<bigint>): bigint {
  const reducer = reducerFor(key.nSquared);
  const n2 = key.nSquared;
  let product = 1n;
  for (const c of ciphertexts) {
    if (typeof c !== 'bigint' || c <= 0n || c >= n2) {
      throw new BrightChainError(PollErrorCode.CIPHERTEXT_INVALID, 'ciphertext must be in (0, n²)');
    }
    product = reducer.multiply(product, c);
  }
  return product;
}

/**
 * Position-wise aggregate of verified ballots: entry `j` encrypts the sum of every ballot's
 * position `j`.
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` if ballots have different lengths,
 * `BC_POLL_CIPHERTEXT_INVALID` for an out-of-range ciphertext
 * @example
 * ```ts
 * const tally = aggregateBallots(publicKey, verifiedBallots, 4);
 * ```
 */
export function aggregateBallots(
  key: PaillierPublicKey,
  ballots: Iterable<EncryptedBallot>,
  positions: number,
): bigint[] {
  const reducer = reducerFor(key.nSquared);
  const n2 = key.nSquared;
  const totals: bigint[] = Array.from({ length: positions }, () => 1n);
  for (const ballot of ballots) {
    if (ballot.ciphertexts.length !== positions) {
      throw new BrightChainError(PollErrorCode.BALLOT_MALFORMED, 'ballot has the wrong number of positions');
    }
    for (let j = 0; j < positions; j++) {
      const c = ballot.ciphertexts[j] as bigint;
      if (typeof c !== 'bigint' || c <= 0n || c >= n2) {
        throw new BrightChainError(PollErrorCode.CIPHERTEXT_INVALID, 'ciphertext must be in (0, n²)');
      }
      totals[j] = reducer.multiply(totals[j] as bigint, c);
    }
  }
  return totals;
}
