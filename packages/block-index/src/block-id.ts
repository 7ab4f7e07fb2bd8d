/**
 * Block ids at the index boundary: a block is named by its 64-byte SHA3-512 checksum (core's
 * `ChecksumBuffer`), accepted as bytes or as 128 hex characters and reported as lower-case hex.
 */
import { BrightChainError, CHECKSUM_LENGTH, type ChecksumBuffer, checksumToHex } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

/** A block id as the index reports it: 128 lower-case hex characters. */
export type BlockIdHex = string;

/** What the index accepts as a block id: a 64-byte checksum or its 128-character hex form. */
export type BlockIdInput = ChecksumBuffer | Uint8Array | string;

const HEX_ID = /^[0-9a-fA-F]{128}$/;
const HEX_PREFIX = /^[0-9a-fA-F]{0,128}$/;

/**
 * The 64 bytes of a block id. Bytes are used as given (not copied); hex is decoded.
 *
 * @throws BrightChainError `BC_INDEX_BLOCK_ID_INVALID` for a wrong length, non-hex text or another type
 */
export function blockIdBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === CHECKSUM_LENGTH) return input;
    throw invalidBlockId(`expected ${CHECKSUM_LENGTH} bytes, got ${input.length}`, input.length);
  }
  if (typeof input === 'string') {
    if (HEX_ID.test(input)) return new Uint8Array(Buffer.from(input, 'hex'));
    throw invalidBlockId('expected 128 hex characters', input.length);
  }
  throw invalidBlockId('expected a 64-byte checksum or 128 hex characters', typeof input);
}

/** Lower-case hex of a block id's bytes. */
export function blockIdHex(bytes: Uint8Array): BlockIdHex {
  return checksumToHex(bytes);
}

/**
 * A hex prefix for prefix search, lower-cased.
 *
 * @throws BrightChainError `BC_INDEX_PREFIX_INVALID` unless it is 0–128 hex characters
 */
export function normalizeHexPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !HEX_PREFIX.test(prefix)) {
    throw new BrightChainError(BlockIndexErrorCode.PREFIX_INVALID, 'prefix must be 0–128 hex characters', {
      details: { prefix: String(prefix).slice(0, 140) },
    });
  }
  return prefix.toLowerCase();
}

function invalidBlockId(reason: string, got: unknown): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.BLOCK_ID_INVALID, `not a block id: ${reason}`, {
    details: { got: String(got) },
  });
}
