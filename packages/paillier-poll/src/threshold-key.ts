/**
 * Threshold Paillier keys, t-of-ℓ trustees, by a trusted dealer: Shoup, "Practical Threshold
 * Signatures" (EUROCRYPT 2000) as adapted to Paillier by Damgård and Jurik, "A Generalisation, a
 * Simplification and Some Applications of Paillier's Probabilistic Public-Key System" (PKC 2001),
 * threshold variant, with s = 1:
 *
 * - `n = p·q` with safe primes `p = 2p' + 1`, `q = 2q' + 1` (node:crypto `generatePrime` with
 *   `safe: true`), `m = p'q'`;
 * - the secret `d` with `d ≡ 0 (mod m)` and `d ≡ 1 (mod n)` (CRT), Shamir-shared (Shamir, CACM
 *   1979) with a random polynomial `f` of degree `t − 1` over `Z_{n·m}`, `f(0) = d`; trustee `i`
 *   gets `s_i = f(i)`;
 * - a verification base `v`, a random square in `Z*_{n²}` (it generates the squares with
 *   overwhelming probability), and verification keys `v_i = v^(Δ·s_i) mod n²`, `Δ = ℓ!`.
 *
 * TRUSTED-DEALER CEREMONY: the dealer sees `p, q, d` and every share, so it could decrypt any
 * ballot alone. It must run on an air-gapped machine, hand each share to its trustee over a
 * confidential channel, and erase everything but the public key. A distributed key generation
 * (e.g. Nishide–Sakurai, "Distributed Paillier Cryptosystem without Trusted Dealer", WISA 2010,
 * or Hazay–Mikkelsen–Rabin–Toft, "Efficient RSA Key Generation and Threshold Paillier in the
 * Two-Party Setting", CT-RSA 2012) would remove that single point of trust; it is out of scope here.
 * See docs/paillier-poll.md.
 */
import { checkPrimeSync, generatePrime } from 'node:crypto';
import { BrightChainError, CryptoRandom, type Random } from '@brightchain/core';
import { PollErrorCode } from './error-codes';
import { modInverse } from './modular-inverse';
import { mod, slidingWindow } from './modular-exponentiation';
import { MIN_MODULUS_BITS, PaillierPublicKey, PRODUCTION_MODULUS_BITS } from './paillier-public-key';
import { randomBelow, randomUnit } from './random-integers';

/** Most trustees a key may have (Δ = ℓ! grows quickly). */
export const MAX_TRUSTEES = 64;

/** The public part of a threshold key: what every voter, trustee and verifier holds. */
export interface ThresholdPublicKey {
  /** The Paillier key `(n, g = n + 1)`. */
  readonly publicKey: PaillierPublicKey;
  /** Shares needed to decrypt (`t`). */
  readonly threshold: number;
  /** Number of trustees (`ℓ`). */
  readonly trustees: number;
  /** `Δ = ℓ!`. */
  readonly delta: bigint;
  /** The verification base `v`, a square in `Z*_{n²}`. */
  readonly verificationBase: bigint;
  /** `v_i = v^(Δ·s_i) mod n²`; entry `i − 1` belongs to trustee `i`. */
  readonly verificationKeys: readonly bigint[];
}

/** One trustee's secret share `s_i` with the public key it belongs to. */
export interface TrusteeKeyShare {
  /** Trustee index `i`, 1-based. */
  readonly index: number;
  /** `s_i = f(i) mod n·m`. Secret. */
  readonly secret: bigint;
  /** The public key. */
  readonly key: ThresholdPublicKey;
}

/** The result of a dealer ceremony: the public key and one share per trustee. */
export interface ThresholdKeyCeremony {
  /** The public key to publish. */
  readonly publicKey: ThresholdPublicKey;
  /** `shares[i − 1]` goes to trustee `i`, and only to it. */
  readonly shares: readonly TrusteeKeyShare[];
}

/** Options of {@link generateThresholdKey}. */
export interface ThresholdKeyOptions {
  /** Number of trustees `ℓ` (1..64). */
  readonly trustees: number;
  /** Shares needed to decrypt, `1 ≤ t ≤ ℓ`. */
  readonly threshold: number;
  /** Modulus size in bits (default 2048). */
  readonly modulusBits?: number;
  /** Required to go below 2048 bits (tests only). */
  readonly allowInsecureKeySize?: boolean;
  /** CSPRNG for the polynomial and `v` (default `CryptoRandom`); seeded only in test vectors. */
  readonly random?: Random;
  /** Pinned safe primes (test vectors); checked, never generated. */
  readonly primes?: { readonly p: bigint; readonly q: bigint };
}

/**
 * `ℓ!` as a bigint.
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative or non-integer `ℓ`
 * @example
 * ```ts
 * factorial(5); // 120n
 * ```
 */
export function factorial(count: number): bigint {
  if (!Number.isInteger(count) || count < 0) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'factorial needs a non-negative integer');
  }
  let result = 1n;
  for (let i = 2n; i <= BigInt(count); i++) result *= i;
  return result;
}

/**
 * A safe prime of exactly `bits` bits from OpenSSL (async: does not block the event loop).
 *
 * @throws Error from OpenSSL for an impossible size (rejected promise)
 * @example
 * ```ts
 * const p = await generateSafePrime(1024); // about 0.6 s here, with a long tail
 * ```
 */
export function generateSafePrime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    generatePrime(bits, { safe: true, bigint: true }, (error, prime) => {
      if (error) reject(error);
      else resolve(prime as bigint);
    });
  });
}

/**
 * True when `p` and `(p − 1)/2` are both (probable) primes (OpenSSL's Miller–Rabin).
 *
 * @throws never for bigint input
 * @example
 * ```ts
 * isSafePrime(23n); // true: 11 is prime
 * ```
 */
export function isSafePrime(p: bigint): boolean {
  return p > 5n && p % 2n === 1n && checkPrimeSync(p) && checkPrimeSync((p - 1n) / 2n);
}

function checkShape(options: ThresholdKeyOptions): number {
  const { trustees, threshold } = options;
  if (!Number.isInteger(trustees) || trustees < 1 || trustees > MAX_TRUSTEES) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'trustees must be an integer in 1..64', {
      details: { trustees },
    });
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > trustees) {
    throw new BrightChainError(
      PollErrorCode.INVALID_ARGUMENT,
      'threshold must be an integer in 1..trustees',
      {
        details: { threshold, trustees },
      },
    );
  }
  const bits = options.modulusBits ?? PRODUCTION_MODULUS_BITS;
  if (!Number.isInteger(bits) || bits % 2 !== 0 || bits < MIN_MODULUS_BITS) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'modulusBits must be an even integer ≥ 300', {
      details: { bits },
    });
  }
  if (bits < PRODUCTION_MODULUS_BITS && options.allowInsecureKeySize !== true) {
    throw new BrightChainError(
      PollErrorCode.KEY_TOO_SMALL,
      'keys below 2048 bits need allowInsecureKeySize',
      {
        details: { bits },
      },
    );
  }
  return bits;
}

async function choosePrimes(options: ThresholdKeyOptions, bits: number): Promise<{ p: bigint; q: bigint }> {
  if (options.primes) {
    const { p, q } = options.primes;
    if (p === q || !isSafePrime(p) || !isSafePrime(q)) {
      throw new BrightChainError(PollErrorCode.KEY_INVALID, 'pinned primes must be two distinct safe primes');
    }
    const n = p * q;
    if (n.toString(2).length < MIN_MODULUS_BITS) {
      throw new BrightChainError(PollErrorCode.KEY_INVALID, 'pinned primes give a modulus below 300 bits');
    }
    if (n.toString(2).length < PRODUCTION_MODULUS_BITS && options.allowInsecureKeySize !== true) {
      throw new BrightChainError(
        PollErrorCode.KEY_TOO_SMALL,
        'keys below 2048 bits need allowInsecureKeySize',
      );
    }
    return { p, q };
  }
  for (;;) {
    const [p, q] = await Promise.all([generateSafePrime(bits / 2), generateSafePrime(bits / 2)]);
    if (p !== q && (p * q).toString(2).length === bits) return { p, q };
  }
}

/**
 * `base^exponent mod p²q²` by the Chinese remainder theorem when the factors are known (dealer
 * only). `base` must be coprime to `p·q`.
 *
 * @throws BrightChainError `BC_POLL_NOT_INVERTIBLE` if `p = q`
 * @example
 * ```ts
 * crtModPowSquare(v, delta * s1, p, q) === slidingWindow.modPow(v, delta * s1, p * p * q * q); // true
 * ```
 */
export function crtModPowSquare(base: bigint, exponent: bigint, p: bigint, q: bigint): bigint {
  const p2 = p * p;
  const q2 = q * q;
  const xp = slidingWindow.modPow(base, exponent % (p * (p - 1n)), p2);
  const xq = slidingWindow.modPow(base, exponent % (q * (q - 1n)), q2);
  return xp + p2 * mod((xq - xp) * modInverse(p2, q2), q2);
}

/**
 * Runs the trusted-dealer ceremony: safe primes, the shared secret, verification keys.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a bad trustee count, threshold or size,
 * `BC_POLL_KEY_TOO_SMALL` below 2048 bits without `allowInsecureKeySize`, `BC_POLL_KEY_INVALID`
 * for pinned primes that are not distinct safe primes
 * @example
 * ```ts
 * const { publicKey, shares } = await generateThresholdKey({ trustees: 3, threshold: 2 });
 * // give shares[i] to trustee i + 1, publish publicKey, erase everything else
 * ```
 */
export async function generateThresholdKey(options: ThresholdKeyOptions): Promise<ThresholdKeyCeremony> {
  const bits = checkShape(options);
  const random = options.random ?? new CryptoRandom();
  const { p, q } = await choosePrimes(options, bits);
  const n = p * q;
  const m = ((p - 1n) / 2n) * ((q - 1n) / 2n);
  const nm = n * m;
  // d ≡ 0 (mod m), d ≡ 1 (mod n)  (Damgård–Jurik 2001, threshold key generation)
  const d = m * modInverse(m, n);
  const coefficients = [d];
  for (let k = 1; k < options.threshold; k++) coefficients.push(randomBelow(random, nm));
  const publicKey = new PaillierPublicKey(n);
  const nSquared = publicKey.nSquared;
  const x = randomUnit(random, nSquared);
  const verificationBase = (x * x) % nSquared;
  const delta = factorial(options.trustees);
  const secrets: bigint[] = [];
  for (let i = 1; i <= options.trustees; i++) {
    let value = 0n;
    const point = BigInt(i);
    for (let k = coefficients.length - 1; k >= 0; k--)
      value = (value * point + (coefficients[k] as bigint)) % nm;
    secrets.push(value);
  }
  const verificationKeys = secrets.map((s) => crtModPowSquare(verificationBase, delta * s, p, q));
  const key: ThresholdPublicKey = Object.freeze({
    publicKey,
    threshold: options.threshold,
    trustees: options.trustees,
    delta,
    verificationBase,
    verificationKeys: Object.freeze(verificationKeys),
  });
  const shares = secrets.map((secret, i) => Object.freeze({ index: i + 1, secret, key }));
  return { publicKey: key, shares: Object.freeze(shares) };
}

/**
 * Checks the internal consistency of a public threshold key (sizes, ranges, counts).
 *
 * @throws BrightChainError `BC_POLL_KEY_INVALID` when something is out of range
 * @example
 * ```ts
 * assertThresholdPublicKey(publishedKey); // before accepting a poll's key
 * ```
 */
export function assertThresholdPublicKey(key: ThresholdPublicKey): void {
  const { publicKey, threshold, trustees } = key;
  const ok =
    publicKey instanceof PaillierPublicKey &&
    Number.isInteger(trustees) &&
    trustees >= 1 &&
    trustees <= MAX_TRUSTEES &&
    Number.isInteger(threshold) &&
    threshold >= 1 &&
    threshold <= trustees &&
    key.delta === factorial(trustees) &&
    key.verificationKeys.length === trustees &&
    publicKey.isCiphertext(key.verificationBase) &&
    key.verificationKeys.every((vk) => publicKey.isCiphertext(vk));
  if (!ok) throw new BrightChainError(PollErrorCode.KEY_INVALID, 'threshold public key is inconsistent');
}
