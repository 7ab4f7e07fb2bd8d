/**
 * Fast Paillier encryption with a fixed-base randomizer, after Damgård, Jurik and Nielsen, "A
 * generalization of Paillier's public-key system with applications to electronic voting"
 * (Int. J. Inf. Secur. 9(6), 2010), in their optimised encryption: take `h` generating the group `J_n` of elements of
 * Jacobi symbol +1 (for `n` a product of safe primes `J_n` is cyclic of order `2p'q'`, and
 * `h = −x² mod n` generates it with overwhelming probability), publish `hₙ = h^n mod n²`, and
 * encrypt as `E(m; α) = (1 + n)^m · hₙ^α mod n²`. This is ordinary Paillier with the nonce
 * `r = h^α mod n` restricted to `J_n`, which is semantically secure under the DCR assumption
 * (an element's Jacobi symbol is public anyway). We draw `α` FULL length, uniform in
 * `[0, 2^(|n|+128))`, so `r` is within statistical distance 2^-128 of uniform in `J_n`: no
 * short-exponent assumption is made (DJN also discuss shorter `α`, which needs an extra
 * assumption and is not used here).
 *
 * What precomputation buys: `hₙ^α` with a fixed-base table (`FixedBaseTable`) costs about
 * `|α|/8` multiplications mod `n²` instead of `|n|` squarings plus multiplications. Proof
 * responses need the matching root `h^α mod n`, which a second table mod `n` gives.
 *
 * `h` is derived from `n` by hashing (`PollDomain.RANDOMIZER_BASE`), so nobody — not the dealer,
 * not the poll creator — chooses it and anyone can recompute it.
 *
 * The `J_n` argument needs `n = p·q` with safe primes, as every key from `generateThresholdKey`
 * has. For an arbitrary Paillier modulus `⟨h⟩` can be a subgroup of large index in `Z*_n` and the
 * reduction to DCR no longer applies: use {@link PaillierPublicKey.encryptWithNonce} with a
 * uniform nonce for such keys.
 */
import { BrightChainError, CryptoRandom, domainXof, bytesToBigint, type Random } from '@brightchain/core';
import { PollErrorCode } from './error-codes';
import { FixedBaseTable } from './fixed-base-table';
import { CHALLENGE_BITS, PollDomain } from './fiat-shamir';
import { gcd } from './modular-inverse';
import { slidingWindow } from './modular-exponentiation';
import type { PaillierPublicKey } from './paillier-public-key';
import { randomBits } from './random-integers';

/** Extra bits of the randomizer exponent beyond `|n|` (statistical distance 2^-128). */
export const RANDOMIZER_SLACK_BITS = 128;
/** Extra bits the root table covers for `γ + α·e` with sums of weighted exponents. */
const ROOT_SLACK_BITS = CHALLENGE_BITS + 64 + 2;

/**
 * The public randomizer base `h = −x² mod n` with `x` = SHAKE256(`n`) mod `n`.
 *
 * @throws BrightChainError `BC_POLL_KEY_INVALID` in the (negligible) case that `x` shares a
 * factor with `n`
 * @example
 * ```ts
 * const h = randomizerBase(publicKey); // anyone recomputes the same h from n
 * ```
 */
export function randomizerBase(key: PaillierPublicKey): bigint {
  const digest = domainXof(
    PollDomain.RANDOMIZER_BASE,
    key.plaintextWidth + 16,
    Uint8Array.from(Buffer.from(key.n.toString(16).padStart(key.plaintextWidth * 2, '0'), 'hex')),
  );
  const x = bytesToBigint(digest) % key.n;
  if (x === 0n || gcd(x, key.n) !== 1n) {
    throw new BrightChainError(PollErrorCode.KEY_INVALID, 'randomizer base is not a unit');
  }
  return key.n - ((x * x) % key.n);
}

/** Options of a {@link PaillierEncryptor}. */
export interface PaillierEncryptorOptions {
  /** Fixed-base table digit width (default 8: ~55 MB of tables, ~2 s to build at 2048 bits). */
  readonly tableWidth?: number;
}

/** A ciphertext together with the randomizer exponent `α` that the prover keeps secret. */
export interface EncryptionWitness {
  /** `(1 + n)^m · hₙ^α mod n²`. */
  readonly ciphertext: bigint;
  /** The plaintext `m`. */
  readonly plaintext: bigint;
  /** The secret exponent `α`; `h^α mod n` is the Paillier nonce. Never publish it. */
  readonly randomizer: bigint;
}

/**
 * Encrypts under one public key with precomputed fixed-base tables; build once per poll and reuse.
 *
 * @example
 * ```ts
 * const encryptor = new PaillierEncryptor(publicKey);
 * const { ciphertext } = encryptor.encrypt(1n); // CSPRNG randomness
 * ```
 */
export class PaillierEncryptor {
  /** The key encrypted under. */
  readonly publicKey: PaillierPublicKey;
  /** `h`, generator of `J_n`, derived from `n`. */
  readonly base: bigint;
  /** `hₙ = h^n mod n²`. */
  readonly nthPowerBase: bigint;
  /** Bit length of randomizer exponents: `|n| + 128`. */
  readonly randomizerBits: number;
  private readonly residueTable: FixedBaseTable;
  private readonly rootTable: FixedBaseTable;

  /**
   * Builds both tables.
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a bad table width
   */
  constructor(publicKey: PaillierPublicKey, options: PaillierEncryptorOptions = {}) {
    const width = options.tableWidth ?? 8;
    this.publicKey = publicKey;
    this.base = randomizerBase(publicKey);
    this.nthPowerBase = slidingWindow.modPow(this.base, publicKey.n, publicKey.nSquared);
    this.randomizerBits = publicKey.bits + RANDOMIZER_SLACK_BITS;
    this.residueTable = new FixedBaseTable(this.nthPowerBase, publicKey.nSquared, this.randomizerBits, width);
    this.rootTable = new FixedBaseTable(this.base, publicKey.n, this.randomizerBits + ROOT_SLACK_BITS, width);
  }

  /** A fresh randomizer exponent, uniform in `[0, 2^(|n|+128))`. */
  sampleRandomizer(random: Random): bigint {
    return randomBits(random, this.randomizerBits);
  }

  /** `hₙ^α mod n²` (an n-th residue), by table when `α` fits, else by sliding window. */
  nthResidue(exponent: bigint): bigint {
    if (exponent.toString(2).length <= this.residueTable.maxExponentBits)
      return this.residueTable.pow(exponent);
    return slidingWindow.modPow(this.nthPowerBase, exponent, this.publicKey.nSquared);
  }

  /** `h^α mod n`, the n-th root of {@link nthResidue}`(α)`. */
  nthRoot(exponent: bigint): bigint {
    if (exponent.toString(2).length <= this.rootTable.maxExponentBits) return this.rootTable.pow(exponent);
    return slidingWindow.modPow(this.base, exponent, this.publicKey.n);
  }

  /**
   * Encrypts `plaintext` with a fresh randomizer from `random` (a CSPRNG by default).
   *
   * @throws BrightChainError `BC_POLL_PLAINTEXT_INVALID` unless `0 ≤ plaintext < n`
   */
  encrypt(plaintext: bigint, random: Random = new CryptoRandom()): EncryptionWitness {
    return this.encryptWithRandomizer(plaintext, this.sampleRandomizer(random));
  }

  /**
   * Encrypts with a given randomizer exponent (for known-answer tests and proofs).
   *
   * @throws BrightChainError `BC_POLL_PLAINTEXT_INVALID` unless `0 ≤ plaintext < n`,
   * `BC_POLL_INVALID_ARGUMENT` for a negative randomizer
   */
  encryptWithRandomizer(plaintext: bigint, randomizer: bigint): EncryptionWitness {
    this.publicKey.assertPlaintext(plaintext);
    if (randomizer < 0n) throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'randomizer must be ≥ 0');
    const key = this.publicKey;
    const ciphertext = (key.encodePlaintext(plaintext) * this.nthResidue(randomizer)) % key.nSquared;
    return { ciphertext, plaintext, randomizer };
  }
}
