/**
 * Block ids at this package's boundary: a 64-byte SHA3-512 checksum (bytes) or its 128 hex
 * characters, normalised to lower-case hex (the block index's `BlockIdHex`).
 */
import { checksumToHex, CHECKSUM_LENGTH } from '@brightchain/core';

const HEX_ID = /^[0-9a-fA-F]{128}$/;

/** Lower-case hex of a block id, or undefined when `input` is not one. @internal */
export function blockHexOf(input: unknown): string | undefined {
  if (input instanceof Uint8Array) return input.length === CHECKSUM_LENGTH ? checksumToHex(input) : undefined;
  if (typeof input === 'string' && HEX_ID.test(input)) return input.toLowerCase();
  return undefined;
}

/** The 64 bytes of a (valid) lower-case hex block id (a pooled `Buffer`, never handed out). @internal */
export function blockBytesOf(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}
