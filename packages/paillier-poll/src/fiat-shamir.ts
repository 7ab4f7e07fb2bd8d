/**
 * Fiat–Shamir transcripts (Fiat & Shamir, CRYPTO '86) in the *strong* form of Bernhard, Pereira and
 * Warinschi ("How Not to Prove Yourself: Pitfalls of the Fiat–Shamir Heuristic and Applications to
 * Helios", ASIACRYPT 2012): the challenge hashes the whole statement — public key, every
 * ciphertext, the context (poll id, voter id and key) — together with every commitment.
 *
 * Each part is a fixed-width big-endian encoding (core's `bigintToBytes`) and core's
 * `frameParts` length-prefixes every part, so no two transcripts share a byte string. The
 * challenge is `CHALLENGE_BITS` bits of SHAKE256 (`domainXof`) under a versioned domain tag.
 */
import { bigintToBytes, bytesToBigint, domainXof } from '@brightchain/core';

/**
 * Challenge length in bits. It must be ≥ 128 for soundness and smaller than the smallest prime
 * factor of `n` so that differences of challenges are invertible mod `n` (special soundness of the
 * n-th residuosity protocol of Damgård–Jurik 2001). Moduli are ≥ 300 bits with two balanced
 * factors, so 128 < bits(p).
 */
export const CHALLENGE_BITS = 128;
/** `2^CHALLENGE_BITS`: branch challenges add up modulo this. */
export const CHALLENGE_MODULUS = 1n << BigInt(CHALLENGE_BITS);

/** Versioned domain tags of every hash this package computes. */
export const PollDomain = {
  /** Fiat–Shamir challenge of a ballot's validity proofs. */
  BALLOT_PROOF: 'brightchain/poll/ballot-proof/v1',
  /** Fiat–Shamir challenge of a trustee's decryption-share proof. */
  DECRYPTION_SHARE_PROOF: 'brightchain/poll/decryption-share-proof/v1',
  /** Derivation of the public randomizer base `h` from `n`. */
  RANDOMIZER_BASE: 'brightchain/poll/randomizer-base/v1',
} as const;

/**
 * Accumulates the parts of one Fiat–Shamir hash. `parts` stays readable so known-answer vectors
 * can pin the exact hash input.
 *
 * @example
 * ```ts
 * const t = new FiatShamirTranscript(PollDomain.BALLOT_PROOF);
 * t.appendNumber(1).appendBigint(42n, 32);
 * const e = t.challenge(); // < 2^128
 * ```
 */
export class FiatShamirTranscript {
  /** The parts appended so far, in order. */
  readonly parts: Uint8Array[] = [];

  /** @param domain - versioned domain tag, one of {@link PollDomain} */
  constructor(readonly domain: string) {}

  /** Appends raw bytes as one part. */
  appendBytes(bytes: Uint8Array): this {
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }

  /** Appends a non-negative safe integer as 4 big-endian bytes. */
  appendNumber(value: number): this {
    return this.appendBytes(bigintToBytes(BigInt(value), 4));
  }

  /**
   * Appends a non-negative bigint as exactly `width` big-endian bytes.
   * @throws BrightChainError `BC_INVALID_ARGUMENT` if it does not fit
   */
  appendBigint(value: bigint, width: number): this {
    return this.appendBytes(bigintToBytes(value, width));
  }

  /** Appends a count followed by each value at `width` bytes. */
  appendBigints(values: readonly bigint[], width: number): this {
    this.appendNumber(values.length);
    for (const value of values) this.appendBigint(value, width);
    return this;
  }

  /** The challenge in `[0, 2^CHALLENGE_BITS)`. */
  challenge(): bigint {
    return bytesToBigint(domainXof(this.domain, CHALLENGE_BITS / 8, ...this.parts));
  }
}
