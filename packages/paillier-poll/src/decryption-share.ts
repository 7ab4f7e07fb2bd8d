/**
 * Threshold decryption: shares, their proofs, and combination (Damgård–Jurik, PKC 2001, threshold variant, with
 * s = 1, following Shoup, EUROCRYPT 2000).
 *
 * - Share of trustee `i` for ciphertext `c`: `c_i = c^(2Δ·s_i) mod n²`.
 * - Proof of correctness: equality of discrete logarithms `log_{c⁴}(c_i²) = log_v(v_i)` (= `Δ·s_i`),
 *   the Chaum–Pedersen protocol (CRYPTO '92) in the group of unknown order `Z*_{n²}` as in Shoup
 *   2000 and the threshold variant of Damgård–Jurik 2001: commitments `a = (c⁴)^r`, `b = v^r` with `r` uniform in
 *   `[0, 2^(|n²| + |Δ| + 2·128))` — Shoup's `L(secret) + 2·L₁` for a secret `Δ·s_i < Δ·n²`, so
 *   `r` hides `e·Δ·s_i` within statistical distance 2^-128 (DJ01 state `(s+2)k + 2t` bits, which
 *   has `|n|` bits more slack and costs ~1.5× more) — challenge `e` by Fiat–Shamir, response
 *   `z = r + e·Δ·s_i` over the integers; the verifier checks `(c⁴)^z = a·(c_i²)^e` and
 *   `v^z = b·v_i^e`.
 *   A share usually decrypts several ciphertexts (one per tally slot). The proof here covers EVERY
 *   one of them: it is the conjunction of the statements `log_{c_j⁴}(c_ij²) = log_v(v_i)` for all
 *   `j` with the common witness `Δ·s_i`, one commitment `a_j` per ciphertext, one `b`, and one
 *   challenge hashing all of them (an AND-composition of Sigma protocols with a shared witness);
 *   the verifier checks every `j`.
 * - Combination from any set `S` of `t` valid shares: `c' = ∏ c_i^(2λ_i)` with the integer
 *   Lagrange coefficients scaled by Δ, `λ_i = Δ·∏_{j∈S∖i} j/(j − i)`; then `c' = (1 + n)^(4Δ²·M)`
 *   and `M = L(c')·(4Δ²)^(-1) mod n` with `L(x) = (x − 1)/n`.
 */
import { BrightChainError, CryptoRandom, type Random } from '@brightchain/core';
import { PollErrorCode } from './error-codes';
import { CHALLENGE_BITS, FiatShamirTranscript, PollDomain } from './fiat-shamir';
import { modInverse } from './modular-inverse';
import { mod, type ModularExponentiation, slidingWindow } from './modular-exponentiation';
import { multiExponentiate } from './multi-exponentiation';
import { randomBits } from './random-integers';
import { assertThresholdPublicKey, type ThresholdPublicKey, type TrusteeKeyShare } from './threshold-key';

/** Proof that every value of a {@link DecryptionShare} was computed with the trustee's secret. */
export interface DecryptionShareProof {
  /** `a_j = (c_j⁴)^r mod n²`, one per ciphertext. */
  readonly ciphertextCommitments: readonly bigint[];
  /** `b = v^r mod n²`. */
  readonly verificationCommitment: bigint;
  /** Fiat–Shamir challenge `e` (128 bits). */
  readonly challenge: bigint;
  /** `z = r + e·Δ·s_i` over the integers. */
  readonly response: bigint;
}

/** Trustee `i`'s decryption shares of a list of ciphertexts, with one proof covering them all. */
export interface DecryptionShare {
  /** Trustee index `i` (1-based). */
  readonly trusteeIndex: number;
  /** `c_ij = c_j^(2Δ·s_i) mod n²`, one per ciphertext. */
  readonly values: readonly bigint[];
  /** Proof of correct decryption for every value. */
  readonly proof: DecryptionShareProof;
}

/** Options of share creation and verification. */
export interface DecryptionShareOptions {
  /** Modular exponentiation engine (default sliding window). */
  readonly engine?: ModularExponentiation;
}

/** Bit length of the commitment exponent `r`: `|n²| + |Δ| + 2·CHALLENGE_BITS`. Internal. */
export function shareNonceBits(key: ThresholdPublicKey): number {
  return key.publicKey.nSquared.toString(2).length + key.delta.toString(2).length + 2 * CHALLENGE_BITS;
}

/**
 * The Fiat–Shamir transcript of a decryption-share proof (exported so verifiers and test vectors
 * can inspect the exact hash input).
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` if a value does not fit its field
 * @example
 * ```ts
 * const t = decryptionShareTranscript(key, 1, context, tally, share.values, share.proof.ciphertextCommitments, share.proof.verificationCommitment);
 * t.challenge() === share.proof.challenge; // true for an honest share
 * ```
 */
export function decryptionShareTranscript(
  key: ThresholdPublicKey,
  trusteeIndex: number,
  context: Uint8Array,
  ciphertexts: readonly bigint[],
  values: readonly bigint[],
  commitments: readonly bigint[],
  verificationCommitment: bigint,
): FiatShamirTranscript {
  const pk = key.publicKey;
  const w = pk.ciphertextWidth;
  return new FiatShamirTranscript(PollDomain.DECRYPTION_SHARE_PROOF)
    .appendBigint(pk.n, pk.plaintextWidth)
    .appendNumber(key.threshold)
    .appendNumber(key.trustees)
    .appendBigint(key.verificationBase, w)
    .appendNumber(trusteeIndex)
    .appendBigint(key.verificationKeys[trusteeIndex - 1] as bigint, w)
    .appendBytes(context)
    .appendBigints(ciphertexts, w)
    .appendBigints(values, w)
    .appendBigints(commitments, w)
    .appendBigint(verificationCommitment, w);
}

function checkCiphertexts(key: ThresholdPublicKey, ciphertexts: readonly bigint[]): void {
  if (!Array.isArray(ciphertexts) || ciphertexts.length === 0) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'need at least one ciphertext');
  }
  for (const c of ciphertexts) key.publicKey.assertCiphertext(c);
}

/**
 * Trustee `i` computes its decryption shares of `ciphertexts` and one proof covering all of them.
 * `context` binds the proof to its use (e.g. the poll id and tally version).
 *
 * @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` for a ciphertext outside `Z*_{n²}`,
 * `BC_POLL_INVALID_ARGUMENT` for an empty list, `BC_POLL_KEY_INVALID` for a bad share
 * @example
 * ```ts
 * const share = createDecryptionShare(myShare, tally, pollIdBytes);
 * ```
 */
export function createDecryptionShare(
  keyShare: TrusteeKeyShare,
  ciphertexts: readonly bigint[],
  context: Uint8Array,
  random: Random = new CryptoRandom(),
  options: DecryptionShareOptions = {},
): DecryptionShare {
  const key = keyShare.key;
  assertThresholdPublicKey(key);
  if (!Number.isInteger(keyShare.index) || keyShare.index < 1 || keyShare.index > key.trustees) {
    throw new BrightChainError(PollErrorCode.KEY_INVALID, 'share index out of range');
  }
  checkCiphertexts(key, ciphertexts);
  const engine = options.engine ?? slidingWindow;
  const n2 = key.publicKey.nSquared;
  const exponent = key.delta * keyShare.secret; // Δ·s_i
  const values = ciphertexts.map((c) => engine.modPow(c, 2n * exponent, n2));
  const r = randomBits(random, shareNonceBits(key));
  const commitments = ciphertexts.map((c) => engine.modPow(engine.modPow(c, 4n, n2), r, n2));
  const verificationCommitment = engine.modPow(key.verificationBase, r, n2);
  const challenge = decryptionShareTranscript(
    key,
    keyShare.index,
    context,
    ciphertexts,
    values,
    commitments,
    verificationCommitment,
  ).challenge();
  return {
    trusteeIndex: keyShare.index,
    values,
    proof: {
      ciphertextCommitments: commitments,
      verificationCommitment,
      challenge,
      response: r + challenge * exponent,
    },
  };
}

/**
 * True when `share` is trustee `share.trusteeIndex`'s correct share of every ciphertext.
 * Never throws for a malformed share: returns false.
 *
 * @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` / `BC_POLL_INVALID_ARGUMENT` when the
 * ciphertexts themselves (the verifier's own input) are invalid
 * @example
 * ```ts
 * if (!verifyDecryptionShare(publicKey, tally, pollIdBytes, share)) reject(share);
 * ```
 */
export function verifyDecryptionShare(
  key: ThresholdPublicKey,
  ciphertexts: readonly bigint[],
  context: Uint8Array,
  share: DecryptionShare,
  options: DecryptionShareOptions = {},
): boolean {
  assertThresholdPublicKey(key);
  checkCiphertexts(key, ciphertexts);
  const engine = options.engine ?? slidingWindow;
  const pk = key.publicKey;
  const n2 = pk.nSquared;
  const { trusteeIndex, values, proof } = share;
  if (!Number.isInteger(trusteeIndex) || trusteeIndex < 1 || trusteeIndex > key.trustees) return false;
  if (!Array.isArray(values) || values.length !== ciphertexts.length) return false;
  const { ciphertextCommitments: commitments, verificationCommitment: b, challenge: e, response: z } = proof;
  if (!Array.isArray(commitments) || commitments.length !== ciphertexts.length) return false;
  if (!values.every((x) => pk.isCiphertext(x)) || !commitments.every((x) => pk.isCiphertext(x))) return false;
  if (!pk.isCiphertext(b)) return false;
  if (typeof e !== 'bigint' || e < 0n || e >= 1n << BigInt(CHALLENGE_BITS)) return false;
  if (typeof z !== 'bigint' || z < 0n || z.toString(2).length > shareNonceBits(key) + 1) return false;
  const expected = decryptionShareTranscript(
    key,
    trusteeIndex,
    context,
    ciphertexts,
    values,
    commitments,
    b,
  ).challenge();
  if (expected !== e) return false;
  const vi = key.verificationKeys[trusteeIndex - 1] as bigint;
  if (engine.modPow(key.verificationBase, z, n2) !== (b * engine.modPow(vi, e, n2)) % n2) return false;
  for (let j = 0; j < ciphertexts.length; j++) {
    const c4 = engine.modPow(ciphertexts[j] as bigint, 4n, n2);
    const ci2 = engine.modPow(values[j] as bigint, 2n, n2);
    if (engine.modPow(c4, z, n2) !== ((commitments[j] as bigint) * engine.modPow(ci2, e, n2)) % n2)
      return false;
  }
  return true;
}

/**
 * Integer Lagrange coefficients at 0 scaled by Δ: `λ_i = Δ·∏_{j∈S∖i} j/(j − i)` (Shoup 2000).
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for duplicate or out-of-range indices
 * @example
 * ```ts
 * scaledLagrangeCoefficients([1, 3], 6n); // [9n, -3n]
 * ```
 */
export function scaledLagrangeCoefficients(indices: readonly number[], delta: bigint): bigint[] {
  if (new Set(indices).size !== indices.length || indices.some((i) => !Number.isInteger(i) || i < 1)) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'indices must be distinct positive integers');
  }
  return indices.map((i) => {
    let numerator = delta;
    let denominator = 1n;
    for (const j of indices) {
      if (j === i) continue;
      numerator *= BigInt(j);
      denominator *= BigInt(j - i);
    }
    return numerator / denominator; // exact: Δ = ℓ! absorbs every denominator
  });
}

/**
 * Combines shares into plaintexts. Each share's proof is verified first; the first `t` valid shares
 * from distinct trustees are used, invalid ones are skipped.
 *
 * @throws BrightChainError `BC_POLL_SHARES_INSUFFICIENT` with fewer than `t` valid shares,
 * `BC_POLL_CIPHERTEXT_INVALID` for an invalid ciphertext
 * @example
 * ```ts
 * const [count] = combineDecryptionShares(publicKey, [tally], pollIdBytes, [share1, share3]);
 * ```
 */
export function combineDecryptionShares(
  key: ThresholdPublicKey,
  ciphertexts: readonly bigint[],
  context: Uint8Array,
  shares: readonly DecryptionShare[],
  options: DecryptionShareOptions = {},
): bigint[] {
  assertThresholdPublicKey(key);
  checkCiphertexts(key, ciphertexts);
  const chosen: DecryptionShare[] = [];
  const seen = new Set<number>();
  const rejected: number[] = [];
  for (const share of shares) {
    if (chosen.length === key.threshold) break;
    if (seen.has(share.trusteeIndex)) continue;
    if (verifyDecryptionShare(key, ciphertexts, context, share, options)) {
      chosen.push(share);
      seen.add(share.trusteeIndex);
    } else {
      rejected.push(share.trusteeIndex);
    }
  }
  if (chosen.length < key.threshold) {
    throw new BrightChainError(PollErrorCode.SHARES_INSUFFICIENT, 'not enough valid decryption shares', {
      details: { valid: chosen.length, threshold: key.threshold, rejected },
    });
  }
  return combineVerifiedShares(key, chosen);
}

/**
 * Combination without proof checks, for shares already verified (e.g. by a transcript verifier).
 *
 * @throws BrightChainError `BC_POLL_SHARES_INSUFFICIENT` for fewer than `t` shares or mismatched
 * lengths, `BC_POLL_NOT_INVERTIBLE` if a share value is not a unit, `BC_POLL_SHARE_INVALID` when
 * the shares do not combine to `1 (mod n)` (a wrong share slipped through)
 * @example
 * ```ts
 * const plaintexts = combineVerifiedShares(publicKey, sharesCheckedEarlier);
 * ```
 */
export function combineVerifiedShares(key: ThresholdPublicKey, shares: readonly DecryptionShare[]): bigint[] {
  const chosen = shares.slice(0, key.threshold);
  const count = chosen[0]?.values.length ?? 0;
  if (chosen.length < key.threshold || chosen.some((s) => s.values.length !== count)) {
    throw new BrightChainError(PollErrorCode.SHARES_INSUFFICIENT, 'need t shares of equal length');
  }
  const pk = key.publicKey;
  const n2 = pk.nSquared;
  const lambdas = scaledLagrangeCoefficients(
    chosen.map((s) => s.trusteeIndex),
    key.delta,
  );
  const fourDeltaSquaredInverse = modInverse(4n * key.delta * key.delta, pk.n);
  const plaintexts: bigint[] = [];
  for (let j = 0; j < count; j++) {
    const positiveBases: bigint[] = [];
    const positiveExponents: bigint[] = [];
    const negativeBases: bigint[] = [];
    const negativeExponents: bigint[] = [];
    chosen.forEach((share, k) => {
      const lambda = lambdas[k] as bigint;
      const value = share.values[j] as bigint;
      if (lambda >= 0n) {
        positiveBases.push(value);
        positiveExponents.push(2n * lambda);
      } else {
        negativeBases.push(value);
        negativeExponents.push(-2n * lambda);
      }
    });
    const numerator = multiExponentiate(positiveBases, positiveExponents, n2);
    const denominator = multiExponentiate(negativeBases, negativeExponents, n2);
    const combined = (numerator * modInverse(denominator, n2)) % n2;
    if (combined % pk.n !== 1n) {
      // c' = (1 + n)^(4Δ²M) ≡ 1 (mod n) for correct shares; anything else is a wrong share
      throw new BrightChainError(PollErrorCode.SHARE_INVALID, 'shares do not combine to a decryption', {
        details: { ciphertext: j, trustees: chosen.map((share) => share.trusteeIndex) },
      });
    }
    const l = (combined - 1n) / pk.n; // L(c') = (c' − 1)/n
    plaintexts.push(mod(l * fourDeltaSquaredInverse, pk.n));
  }
  return plaintexts;
}
