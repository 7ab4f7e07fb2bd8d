/**
 * Greatest common divisor and modular inverse by the extended Euclidean algorithm (HAC Algorithm
 * 2.107 and 2.142) on BigInt.
 */
import { BrightChainError } from '@brightchain/core';
import { PollErrorCode } from './error-codes';
import { mod } from './modular-exponentiation';

/**
 * `gcd(a, b)` of the absolute values.
 *
 * @example
 * ```ts
 * gcd(12n, 18n); // 6n
 * ```
 */
export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/**
 * The inverse of `a` modulo `m` in `[0, m)`.
 *
 * @throws BrightChainError `BC_POLL_NOT_INVERTIBLE` when `gcd(a, m) ≠ 1`, `BC_POLL_INVALID_ARGUMENT`
 * when `m < 1`
 * @example
 * ```ts
 * modInverse(3n, 7n); // 5n
 * ```
 */
export function modInverse(a: bigint, m: bigint): bigint {
  if (m < 1n) throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'modulus must be positive');
  let oldR = mod(a, m);
  let r = m;
  let oldS = 1n;
  let s = 0n;
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) {
    if (m === 1n) return 0n;
    throw new BrightChainError(PollErrorCode.NOT_INVERTIBLE, 'value is not invertible modulo m');
  }
  return mod(oldS, m);
}
