/**
 * Modular exponentiation behind one small interface, so the arithmetic engine can be swapped (a
 * WebAssembly GMP build, a native addon) without touching protocol code.
 *
 * - {@link squareAndMultiply}: textbook right-to-left binary method (Handbook of Applied
 *   Cryptography, Menezes–van Oorschot–Vanstone 1996, Algorithm 14.76). The naive baseline.
 * - {@link slidingWindow}: left-to-right sliding-window exponentiation with precomputed odd powers
 *   (HAC Algorithm 14.85), window size chosen from the exponent length (HAC Table 14.16).
 *
 * Both use JavaScript BigInt multiplication and `%`; neither is constant-time (BigInt offers no
 * constant-time arithmetic). See docs/paillier-poll.md for what that means for secret exponents.
 */
import { BrightChainError } from '@brightchain/core';
import { type ModularReducer, reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';

/** A swappable modular exponentiation engine. */
export interface ModularExponentiation {
  /** A short name for reports and benchmarks. */
  readonly name: string;
  /**
   * `base^exponent mod modulus` for `exponent ≥ 0` and `modulus ≥ 1`.
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative exponent or modulus < 1
   */
  modPow(base: bigint, exponent: bigint, modulus: bigint): bigint;
}

function checkArguments(exponent: bigint, modulus: bigint): void {
  if (typeof exponent !== 'bigint' || exponent < 0n || typeof modulus !== 'bigint' || modulus < 1n) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'modPow needs exponent ≥ 0 and modulus ≥ 1');
  }
}

/**
 * `x mod m` in `[0, m)` also for negative `x`.
 *
 * @throws RangeError (BigInt division by zero) when `m` is 0
 * @example
 * ```ts
 * mod(-3n, 7n); // 4n
 * ```
 */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/**
 * Textbook binary exponentiation (HAC 14.76): the reference every faster engine is tested against.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative exponent or modulus < 1
 * @example
 * ```ts
 * squareAndMultiply.modPow(3n, 5n, 7n); // 5n
 * ```
 */
export const squareAndMultiply: ModularExponentiation = {
  name: 'square-and-multiply',
  modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
    checkArguments(exponent, modulus);
    if (modulus === 1n) return 0n;
    let result = 1n;
    let b = mod(base, modulus);
    let e = exponent;
    while (e > 0n) {
      if (e & 1n) result = (result * b) % modulus;
      b = (b * b) % modulus;
      e >>= 1n;
    }
    return result;
  },
};

/** Window width for a `bits`-long exponent (HAC Table 14.16 thresholds). */
export function windowWidthFor(bits: number): number {
  if (bits > 671) return 6;
  if (bits > 239) return 5;
  if (bits > 79) return 4;
  if (bits > 23) return 3;
  return 1;
}

/** Odd powers `base^1, base^3, …, base^(2^w − 1)` modulo the reducer's modulus. */
export function oddPowers(base: bigint, width: number, reducer: ModularReducer): bigint[] {
  const table = [base];
  if (width > 1) {
    const square = reducer.multiply(base, base);
    const count = 1 << (width - 1);
    for (let i = 1; i < count; i++) table.push(reducer.multiply(table[i - 1] as bigint, square));
  }
  return table;
}

/**
 * Left-to-right sliding-window exponentiation (HAC 14.85).
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative exponent or modulus < 1
 * @example
 * ```ts
 * slidingWindow.modPow(3n, 5n, 7n); // 5n
 * ```
 */
export const slidingWindow: ModularExponentiation = {
  name: 'sliding-window',
  modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
    checkArguments(exponent, modulus);
    if (modulus === 1n) return 0n;
    if (exponent === 0n) return 1n;
    const bits = exponent.toString(2);
    const length = bits.length;
    const width = windowWidthFor(length);
    const reducer = reducerFor(modulus);
    const table = oddPowers(mod(base, modulus), width, reducer);
    let result = 1n;
    let started = false;
    let i = 0;
    while (i < length) {
      if (bits.charCodeAt(i) === 48) {
        if (started) result = reducer.multiply(result, result);
        i++;
        continue;
      }
      let j = Math.min(i + width, length) - 1;
      while (bits.charCodeAt(j) === 48) j--;
      const value = Number.parseInt(bits.slice(i, j + 1), 2);
      const entry = table[(value - 1) >> 1] as bigint;
      if (started) {
        for (let k = i; k <= j; k++) result = reducer.multiply(result, result);
        result = reducer.multiply(result, entry);
      } else {
        result = entry;
        started = true;
      }
      i = j + 1;
    }
    return result;
  },
};
