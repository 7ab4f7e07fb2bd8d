/**
 * Fixed-width big-endian conversions between non-negative bigints and bytes. Canonical encodings and
 * hash inputs use these so that a number always has exactly one byte form for a given width.
 */
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/**
 * `value` as exactly `width` big-endian bytes.
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` if `value` is negative, does not fit in `width`
 * bytes, or `width` is not a positive integer
 * @example
 * ```ts
 * bigintToBytes(258n, 4); // Uint8Array [0, 0, 1, 2]
 * ```
 */
export function bigintToBytes(value: bigint, width: number): Uint8Array {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'bigintToBytes needs a non-negative bigint');
  }
  if (!Number.isSafeInteger(width) || width < 1) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'width must be a positive integer', {
      details: { width },
    });
  }
  const hex = value.toString(16);
  if (hex.length > width * 2) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'value does not fit in the given width', {
      details: { width, bits: value.toString(2).length },
    });
  }
  return Uint8Array.from(Buffer.from(hex.padStart(width * 2, '0'), 'hex'));
}

/**
 * The non-negative bigint whose big-endian bytes are `bytes` (empty → 0n).
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` if `bytes` is not a Uint8Array
 * @example
 * ```ts
 * bytesToBigint(Uint8Array.of(1, 2)); // 258n
 * ```
 */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (!(bytes instanceof Uint8Array)) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'bytesToBigint needs a Uint8Array');
  }
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

/**
 * Bytes needed to hold any value in `[0, modulus)`: `ceil(bitLength(modulus - 1) / 8)`, at least 1.
 *
 * @throws nothing (a modulus ≤ 1 gives 1)
 * @example
 * ```ts
 * byteWidth(256n); // 1 (0…255)
 * byteWidth(257n); // 2
 * ```
 */
export function byteWidth(modulus: bigint): number {
  if (modulus <= 1n) return 1;
  return Math.ceil((modulus - 1n).toString(2).length / 8);
}
