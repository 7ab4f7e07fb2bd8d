/**
 * Uniform integers from an injected {@link Random}: a CSPRNG (`CryptoRandom`) for every secret and
 * every encryption or proof randomness; a `SeededRandom` only for reproducible test vectors.
 */
import { BrightChainError, bytesToBigint, type Random } from '@brightchain/core';
import { PollErrorCode } from './error-codes';
import { gcd } from './modular-inverse';

/**
 * A uniform integer in `[0, 2^bits)`.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` if `bits` is not a positive integer
 * @example
 * ```ts
 * randomBits(new CryptoRandom(), 128) < 1n << 128n; // true
 * ```
 */
export function randomBits(random: Random, bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 1) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'bits must be a positive integer', {
      details: { bits },
    });
  }
  const bytes = random.bytes(Math.ceil(bits / 8));
  const excess = bytes.length * 8 - bits;
  if (excess > 0) bytes[0] = (bytes[0] as number) & (0xff >> excess);
  return bytesToBigint(bytes);
}

/**
 * A uniform integer in `[0, bound)` by rejection sampling.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` if `bound < 1`
 * @example
 * ```ts
 * randomBelow(new CryptoRandom(), 10n) < 10n; // true
 * ```
 */
export function randomBelow(random: Random, bound: bigint): bigint {
  if (bound < 1n) throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'bound must be ≥ 1');
  if (bound === 1n) return 0n;
  const bits = (bound - 1n).toString(2).length;
  for (;;) {
    const candidate = randomBits(random, bits);
    if (candidate < bound) return candidate;
  }
}

/**
 * A uniform element of `Z*_m` (in `[1, m)` and coprime to `m`).
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` if `m < 2`
 * @example
 * ```ts
 * const r = randomUnit(new CryptoRandom(), publicKey.n); // a Paillier nonce
 * ```
 */
export function randomUnit(random: Random, m: bigint): bigint {
  if (m < 2n) throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'modulus must be ≥ 2');
  for (;;) {
    const candidate = randomBelow(random, m);
    if (candidate !== 0n && gcd(candidate, m) === 1n) return candidate;
  }
}
