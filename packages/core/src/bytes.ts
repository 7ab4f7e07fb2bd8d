/**
 * Byte-string comparisons used across packages (store key order, record checks, signature fields).
 * Not constant-time: never use them to compare secrets or MACs.
 */

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * True when `a` and `b` hold the same bytes.
 *
 * @example
 * ```ts
 * bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)); // true
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && view(a).equals(view(b));
}

/**
 * Unsigned lexicographic order of two byte strings (a shorter prefix sorts first): negative, zero or
 * positive, as `Array.prototype.sort` expects. This is the key order of every store.
 *
 * @example
 * ```ts
 * compareBytes(Uint8Array.of(0x01), Uint8Array.of(0xff)); // < 0
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(view(a), view(b));
}
