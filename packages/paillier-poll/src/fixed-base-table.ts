/**
 * Fixed-base exponentiation with a precomputed table of `g^(d·2^(w·i))` for every digit position
 * `i` and digit `d ∈ [1, 2^w)`: an exponent then costs one multiplication per non-zero `w`-bit
 * digit and no squarings (Brickell, Gordon, McCurley, Wilson, "Fast exponentiation with
 * precomputation", EUROCRYPT '92; HAC §14.6.3, the fixed-base windowing method taken to
 * one table row per digit). Memory: `⌈bits/w⌉ · (2^w − 1)` residues.
 */
import { BrightChainError } from '@brightchain/core';
import { type ModularReducer, reducerFor } from './modular-reducer';
import { PollErrorCode } from './error-codes';
import { mod } from './modular-exponentiation';

/**
 * A table for one base and modulus, for exponents of up to `maxExponentBits` bits.
 *
 * @example
 * ```ts
 * const table = new FixedBaseTable(3n, 1000003n, 64, 4);
 * table.pow(12345n) === 3n ** 12345n % 1000003n; // true (same value, far fewer multiplications)
 * ```
 */
export class FixedBaseTable {
  /** The base `g` (reduced). */
  readonly base: bigint;
  /** The modulus. */
  readonly modulus: bigint;
  /** Largest exponent length in bits this table accepts. */
  readonly maxExponentBits: number;
  /** Digit width `w` in bits. */
  readonly width: number;
  private readonly rows: number;
  private readonly stride: number;
  private readonly entries: bigint[];
  private readonly reducer: ModularReducer;

  /**
   * Builds the table: `⌈maxExponentBits/width⌉ · (2^width − 1)` modular multiplications.
   *
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a width outside 1..12, a modulus < 2 or
   * a non-positive exponent length
   */
  constructor(base: bigint, modulus: bigint, maxExponentBits: number, width = 8) {
    if (!Number.isInteger(width) || width < 1 || width > 12) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'table width must be an integer in 1..12', {
        details: { width },
      });
    }
    if (modulus < 2n || !Number.isInteger(maxExponentBits) || maxExponentBits < 1) {
      throw new BrightChainError(
        PollErrorCode.INVALID_ARGUMENT,
        'table needs modulus ≥ 2 and exponent bits ≥ 1',
      );
    }
    this.base = mod(base, modulus);
    this.modulus = modulus;
    this.maxExponentBits = maxExponentBits;
    this.width = width;
    this.rows = Math.ceil(maxExponentBits / width);
    this.stride = (1 << width) - 1;
    this.entries = new Array<bigint>(this.rows * this.stride);
    const reducer = reducerFor(modulus);
    this.reducer = reducer;
    let rowBase = this.base;
    for (let row = 0; row < this.rows; row++) {
      const offset = row * this.stride;
      let value = rowBase;
      this.entries[offset] = value;
      for (let d = 1; d < this.stride; d++) {
        value = reducer.multiply(value, rowBase);
        this.entries[offset + d] = value;
      }
      rowBase = reducer.multiply(value, rowBase); // rowBase^(2^w)
    }
  }

  /**
   * `base^exponent mod modulus`.
   *
   * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a negative exponent or one longer
   * than `maxExponentBits`
   */
  pow(exponent: bigint): bigint {
    if (exponent < 0n) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'fixed-base exponent must be non-negative');
    }
    if (exponent === 0n) return 1n % this.modulus;
    const bits = exponent.toString(2);
    if (bits.length > this.maxExponentBits) {
      throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'exponent longer than the table', {
        details: { bits: bits.length, maxExponentBits: this.maxExponentBits },
      });
    }
    const w = this.width;
    let result = 0n;
    let started = false;
    let end = bits.length;
    for (let row = 0; end > 0; row++) {
      const start = Math.max(0, end - w);
      const digit = Number.parseInt(bits.slice(start, end), 2);
      end = start;
      if (digit === 0) continue;
      const entry = this.entries[row * this.stride + digit - 1] as bigint;
      result = started ? this.reducer.multiply(result, entry) : entry;
      started = true;
    }
    return result;
  }
}
