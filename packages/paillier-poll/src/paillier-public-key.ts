/**
 * A Paillier public key with the simple generator `g = n + 1` (Paillier, "Public-Key Cryptosystems
 * Based on Composite Degree Residuosity Classes", EUROCRYPT '99; Damgård–Jurik, PKC 2001, take
 * `g = n + 1` throughout). With this generator `g^m = (1 + n)^m = 1 + m·n (mod n²)` by the
 * binomial theorem, so encoding a plaintext costs one multiplication instead of an exponentiation.
 */
import { BrightChainError, byteWidth } from '@brightchain/core';
import { PublicKey as PaillierBigintPublicKey } from 'paillier-bigint';
import { reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';
import { gcd } from './modular-inverse';
import { type ModularExponentiation, mod, slidingWindow } from './modular-exponentiation';

/**
 * Smallest modulus accepted at all. Fiat–Shamir challenges are {@link CHALLENGE_BITS} = 128 bits
 * and must stay below the smallest prime factor of `n`, so `n` needs two factors of > 128 bits;
 * test keys use 160-bit safe primes (320-bit `n`). Production keys are ≥ 2048 bits
 * ({@link PRODUCTION_MODULUS_BITS}).
 */
export const MIN_MODULUS_BITS = 300;
/** Production minimum modulus size. */
export const PRODUCTION_MODULUS_BITS = 2048;

/**
 * A Paillier public key `(n, g = n + 1)`.
 *
 * @example
 * ```ts
 * const key = new PaillierPublicKey(n);
 * const c = key.encryptWithNonce(5n, r); // (1 + 5n) · r^n mod n²
 * ```
 */
export class PaillierPublicKey {
  /** The RSA modulus `n = p·q`. */
  readonly n: bigint;
  /** `n²`, the ciphertext modulus. */
  readonly nSquared: bigint;
  /** The generator `g = n + 1`. */
  readonly g: bigint;
  /** Bit length of `n`. */
  readonly bits: number;
  /** Byte width of values mod `n` in canonical encodings. */
  readonly plaintextWidth: number;
  /** Byte width of values mod `n²` in canonical encodings. */
  readonly ciphertextWidth: number;

  /**
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` if `n` is even or shorter than
   * {@link MIN_MODULUS_BITS}
   */
  constructor(n: bigint) {
    if (typeof n !== 'bigint' || n % 2n === 0n || n.toString(2).length < MIN_MODULUS_BITS) {
      throw new BrightChainError(
        PollErrorCode.INVALID_ARGUMENT,
        'Paillier modulus must be odd and ≥ 300 bits',
        {
          details: { bits: typeof n === 'bigint' ? n.toString(2).length : typeof n },
        },
      );
    }
    this.n = n;
    this.nSquared = n * n;
    this.g = n + 1n;
    this.bits = n.toString(2).length;
    this.plaintextWidth = byteWidth(n);
    this.ciphertextWidth = byteWidth(this.nSquared);
  }

  /**
   * Our key from a paillier-bigint key.
   *
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` unless the key uses `g = n + 1`
   */
  static fromPaillierBigint(key: PaillierBigintPublicKey): PaillierPublicKey {
    if (key.g !== key.n + 1n) {
      throw new BrightChainError(
        PollErrorCode.INVALID_ARGUMENT,
        'only the simple variant g = n + 1 is supported',
      );
    }
    return new PaillierPublicKey(key.n);
  }

  /** The same key as a paillier-bigint `PublicKey` (for interoperability). */
  toPaillierBigint(): PaillierBigintPublicKey {
    return new PaillierBigintPublicKey(this.n, this.g);
  }

  /** `g^m mod n² = 1 + (m mod n)·n`: the message part of a ciphertext, for any integer `m`. */
  encodePlaintext(m: bigint): bigint {
    return 1n + mod(m, this.n) * this.n;
  }

  /** True when `c ∈ Z*_{n²}`: `0 < c < n²` and `gcd(c, n) = 1`. */
  isCiphertext(c: unknown): c is bigint {
    return typeof c === 'bigint' && c > 0n && c < this.nSquared && gcd(c, this.n) === 1n;
  }

  /**
   * Textbook encryption `(1 + m·n) · r^n mod n²` with an explicit nonce `r ∈ Z*_n`: the reference
   * the fast {@link PaillierEncryptor} is tested against.
   *
   * @throws BrightChainError `BC_POLL_PLAINTEXT_INVALID` for `m ∉ [0, n)`,
   * `BC_POLL_INVALID_ARGUMENT` for `r ∉ Z*_n`
   */
  encryptWithNonce(m: bigint, r: bigint, engine: ModularExponentiation = slidingWindow): bigint {
    this.assertPlaintext(m);
    if (r <= 0n || r >= this.n || gcd(r, this.n) !== 1n) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'nonce must be in Z*_n');
    }
    return (this.encodePlaintext(m) * engine.modPow(r, this.n, this.nSquared)) % this.nSquared;
  }

  /**
   * Homomorphic addition: the product of the ciphertexts mod `n²` encrypts the sum of plaintexts.
   *
   * @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` if any input is outside `Z*_{n²}`
   */
  add(...ciphertexts: bigint[]): bigint {
    const reducer = reducerFor(this.nSquared);
    let result = 1n;
    for (const c of ciphertexts) {
      this.assertCiphertext(c);
      result = reducer.multiply(result, c);
    }
    return result;
  }

  /** @throws BrightChainError `BC_POLL_PLAINTEXT_INVALID` unless `0 ≤ m < n` */
  assertPlaintext(m: bigint): void {
    if (typeof m !== 'bigint' || m < 0n || m >= this.n) {
      throw new BrightChainError(PollErrorCode.PLAINTEXT_INVALID, 'plaintext must be in [0, n)');
    }
  }

  /** @throws BrightChainError `BC_POLL_CIPHERTEXT_INVALID` unless `c ∈ Z*_{n²}` */
  assertCiphertext(c: unknown): asserts c is bigint {
    if (!this.isCiphertext(c)) {
      throw new BrightChainError(PollErrorCode.CIPHERTEXT_INVALID, 'ciphertext must be in Z*_{n²}');
    }
  }
}
