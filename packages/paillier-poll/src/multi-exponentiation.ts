/**
 * Simultaneous multi-exponentiation `∏ bases[i]^exponents[i] mod m`, by whichever of two methods
 * needs fewer multiplications for the sizes at hand:
 *
 * - interleaved sliding windows (Möller, "Algorithms for multi-exponentiation", SAC 2001,
 *   "interleaving exponentiation"; HAC 14.88 for two bases): one shared squaring chain as long as
 *   the longest exponent, plus for each base its own odd-power table and one multiplication per
 *   window — best for a few bases;
 * - the bucket method (Pippenger, "On the evaluation of powers and monomials", SIAM J. Comput.
 *   1980; in the form of Bernstein, Doumen, Lange, Oosterwijk, "Faster batch forgery
 *   identification", INDOCRYPT 2012, §4): per `c`-bit window every base is multiplied into the
 *   bucket of its digit, and the buckets are combined with two running products — best for the
 *   hundreds of short exponents of a batch verification.
 */
import { BrightChainError } from '@brightchain/core';
import { type ModularReducer, reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';
import { mod, oddPowers, windowWidthFor } from './modular-exponentiation';

/**
 * `∏ bases[i]^exponents[i] mod modulus` for non-negative exponents.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` if lengths differ, an exponent is negative or
 * the modulus is < 1
 * @example
 * ```ts
 * multiExponentiate([2n, 3n], [5n, 2n], 1000n); // 288n (32 · 9)
 * ```
 */
export function multiExponentiate(
  bases: readonly bigint[],
  exponents: readonly bigint[],
  modulus: bigint,
): bigint {
  if (bases.length !== exponents.length || modulus < 1n) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'multiExponentiate needs equal lengths', {
      details: { bases: bases.length, exponents: exponents.length },
    });
  }
  if (modulus === 1n) return 0n;
  const reducer = reducerFor(modulus);
  let maxLength = 0;
  let interleavedCost = 0;
  const bitStrings: string[] = [];
  for (const exponent of exponents) {
    if (exponent < 0n) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'exponents must be non-negative');
    }
    const bits = exponent === 0n ? '' : exponent.toString(2);
    bitStrings.push(bits);
    if (bits.length > maxLength) maxLength = bits.length;
    const w = windowWidthFor(bits.length);
    interleavedCost += (1 << (w - 1)) + bits.length / (w + 1);
  }
  const window = bestBucketWindow(bitStrings, maxLength);
  if (window.cost < interleavedCost) return bucketMethod(bases, bitStrings, maxLength, window.bits, reducer);
  return interleaved(bases, bitStrings, maxLength, reducer);
}

/**
 * The bucket window `c` with the fewest estimated multiplications: one per non-zero window of
 * each exponent (`Σ ⌈bᵢ/c⌉`) plus `2^(c+1)` to combine the buckets of each of the `⌈b/c⌉` windows.
 */
function bestBucketWindow(bitStrings: readonly string[], maxLength: number): { bits: number; cost: number } {
  let best = { bits: 1, cost: Number.POSITIVE_INFINITY };
  for (let c = 1; c <= 16; c++) {
    let cost = Math.ceil(maxLength / c) * 2 ** (c + 1);
    for (const bits of bitStrings) cost += Math.ceil(bits.length / c);
    if (cost < best.cost) best = { bits: c, cost };
  }
  return best;
}

function bucketMethod(
  bases: readonly bigint[],
  bitStrings: readonly string[],
  maxLength: number,
  c: number,
  reducer: ModularReducer,
): bigint {
  const modulus = reducer.modulus;
  const reduced = bases.map((b) => mod(b, modulus));
  const windows = Math.ceil(maxLength / c);
  const bucketCount = (1 << c) - 1;
  let result: bigint | undefined;
  for (let w = windows - 1; w >= 0; w--) {
    if (result !== undefined) for (let k = 0; k < c; k++) result = reducer.multiply(result, result);
    const buckets: (bigint | undefined)[] = new Array(bucketCount + 1);
    const low = w * c;
    for (let i = 0; i < reduced.length; i++) {
      const bits = bitStrings[i] as string;
      const end = bits.length - low;
      if (end <= 0) continue;
      const digit = Number.parseInt(bits.slice(Math.max(0, end - c), end), 2);
      if (digit === 0) continue;
      const current = buckets[digit];
      buckets[digit] =
        current === undefined ? (reduced[i] as bigint) : reducer.multiply(current, reduced[i] as bigint);
    }
    // Σ_d d·bucket[d] as a product: running = ∏_{d' ≥ d} bucket[d'], window = ∏_d running_d
    let running: bigint | undefined;
    let windowValue: bigint | undefined;
    for (let d = bucketCount; d >= 1; d--) {
      const bucket = buckets[d];
      if (bucket !== undefined) running = running === undefined ? bucket : reducer.multiply(running, bucket);
      if (running !== undefined)
        windowValue = windowValue === undefined ? running : reducer.multiply(windowValue, running);
    }
    if (windowValue !== undefined)
      result = result === undefined ? windowValue : reducer.multiply(result, windowValue);
  }
  return result ?? 1n;
}

function interleaved(
  bases: readonly bigint[],
  bitStrings: readonly string[],
  maxLength: number,
  reducer: ModularReducer,
): bigint {
  const modulus = reducer.modulus;
  // events[k]: multiplications to apply after the squaring for bit position k (counted from the LSB).
  const events: bigint[][] = Array.from({ length: maxLength }, () => []);
  for (let b = 0; b < bases.length; b++) {
    const bits = bitStrings[b] as string;
    const length = bits.length;
    if (length === 0) continue;
    const width = windowWidthFor(length);
    const table = oddPowers(mod(bases[b] as bigint, modulus), width, reducer);
    let i = 0;
    while (i < length) {
      if (bits.charCodeAt(i) === 48) {
        i++;
        continue;
      }
      let j = Math.min(i + width, length) - 1;
      while (bits.charCodeAt(j) === 48) j--;
      const value = Number.parseInt(bits.slice(i, j + 1), 2);
      (events[length - 1 - j] as bigint[]).push(table[(value - 1) >> 1] as bigint);
      i = j + 1;
    }
  }
  let result = 1n;
  let started = false;
  for (let k = maxLength - 1; k >= 0; k--) {
    if (started) result = reducer.multiply(result, result);
    for (const factor of events[k] as bigint[]) {
      result = started ? reducer.multiply(result, factor) : factor;
      started = true;
    }
  }
  return started ? result : 1n;
}
