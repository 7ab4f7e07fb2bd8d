/**
 * How the index lays its state out in a core `Store`: one key per (block, holder) entry and one per
 * block with explicitly set metadata. Keys are overwritten in place (an entry's newest version is
 * all that matters), so recovery is one prefix scan and nothing needs compacting.
 *
 * - entry:    `prefix ‖ 'e' ‖ blockId(64) ‖ holder(16)` → canonical entry tuple
 *             (see `entryTuple` in `location-entry.ts`)
 * - metadata: `prefix ‖ 'm' ‖ blockId(64)` → canonical `[1, minimumCopies, targetCopies,
 *             maximumCopies, minimumRegions, priority, sizeBytes]`
 * @internal
 */
import {
  BrightChainError,
  bytesEqual,
  type CanonicalValue,
  type WriteOperation,
  decodeStrict,
  encodeCanonical,
  guidV4ToBytes,
} from '@brightchain/core';
import { type BlockMetadata, DEFAULT_BLOCK_METADATA, resolveMetadata } from './block-metadata';
import { BlockIndexErrorCode } from './error-codes';
import { type CheckedEntry, entryFromTuple, entryTuple } from './location-entry';

/** Default namespace of the index's keys in a shared store. */
export const DEFAULT_STORE_KEY_PREFIX = 'block-index/v1/';

const ENTRY_TAG = 0x65; // 'e'
const METADATA_TAG = 0x6d; // 'm'
const METADATA_RECORD_VERSION = 1;
const RECORD_LIMITS = { maxBytes: 4096, maxDepth: 2, maxElements: 16, maxStringBytes: 256, maxBinBytes: 64 };

/**
 * Checks a key prefix (1–64 printable ASCII characters).
 *
 * @throws BrightChainError `BC_INDEX_ARGUMENT_INVALID`
 */
export function checkKeyPrefix(prefix: unknown): Uint8Array {
  if (typeof prefix !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(prefix)) {
    throw new BrightChainError(
      BlockIndexErrorCode.ARGUMENT_INVALID,
      'storeKeyPrefix must be 1–64 printable ASCII characters',
      {
        details: { prefix: String(prefix).slice(0, 80) },
      },
    );
  }
  return new TextEncoder().encode(prefix);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The key prefix of every entry record. */
export function entryKeyPrefix(prefix: Uint8Array): Uint8Array {
  return concat(prefix, Uint8Array.of(ENTRY_TAG));
}

/** The key prefix of every metadata record. */
export function metadataKeyPrefix(prefix: Uint8Array): Uint8Array {
  return concat(prefix, Uint8Array.of(METADATA_TAG));
}

/** The put that stores `entry`. */
export function entryWrite(prefix: Uint8Array, entry: CheckedEntry): WriteOperation {
  return {
    type: 'put',
    key: concat(prefix, Uint8Array.of(ENTRY_TAG), entry.blockBytes, guidV4ToBytes(entry.holder)),
    value: encodeCanonical(entryTuple(entry)),
  };
}

/** The put that stores a block's metadata. */
export function metadataWrite(
  prefix: Uint8Array,
  blockBytes: Uint8Array,
  metadata: BlockMetadata,
): WriteOperation {
  return {
    type: 'put',
    key: concat(prefix, Uint8Array.of(METADATA_TAG), blockBytes),
    value: encodeCanonical([
      METADATA_RECORD_VERSION,
      metadata.minimumCopies,
      metadata.targetCopies,
      metadata.maximumCopies,
      metadata.minimumRegions,
      metadata.priority,
      metadata.sizeBytes,
    ]),
  };
}

function corrupt(reason: string, key: Uint8Array, cause?: unknown): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.STORE_CORRUPT, `block index record is corrupt: ${reason}`, {
    details: { reason, key: Buffer.from(key).toString('hex').slice(0, 200) },
    ...(cause === undefined ? {} : { cause }),
  });
}

function decodeRecord(key: Uint8Array, value: Uint8Array): CanonicalValue {
  try {
    return decodeStrict(value, RECORD_LIMITS);
  } catch (error) {
    throw corrupt('value is not canonical', key, error);
  }
}

/**
 * Parses an entry record read back from the store, checking it against its key.
 *
 * @throws BrightChainError `BC_INDEX_STORE_CORRUPT`
 */
export function readEntryRecord(prefixLength: number, key: Uint8Array, value: Uint8Array): CheckedEntry {
  let entry: CheckedEntry;
  try {
    entry = entryFromTuple(decodeRecord(key, value), BlockIndexErrorCode.STORE_CORRUPT);
  } catch (error) {
    if (BrightChainError.isInstance(error, BlockIndexErrorCode.STORE_CORRUPT))
      throw corrupt(error.message, key, error);
    throw error;
  }
  const expected = concat(entry.blockBytes, guidV4ToBytes(entry.holder));
  if (!bytesEqual(key.subarray(prefixLength + 1), expected))
    throw corrupt('key does not match the entry', key);
  return entry;
}

/**
 * Parses a metadata record read back from the store, checking it against its key.
 *
 * @throws BrightChainError `BC_INDEX_STORE_CORRUPT`
 */
export function readMetadataRecord(
  prefixLength: number,
  key: Uint8Array,
  value: Uint8Array,
): { blockBytes: Uint8Array; metadata: BlockMetadata } {
  const blockBytes = key.slice(prefixLength + 1);
  if (blockBytes.length !== 64) throw corrupt('metadata key has no 64-byte block id', key);
  const tuple = decodeRecord(key, value);
  if (!Array.isArray(tuple) || tuple.length !== 7 || tuple[0] !== METADATA_RECORD_VERSION) {
    throw corrupt('metadata record is not a version-1 tuple of 7 fields', key);
  }
  const [, minimumCopies, targetCopies, maximumCopies, minimumRegions, priority, sizeBytes] = tuple;
  try {
    const metadata = resolveMetadata(DEFAULT_BLOCK_METADATA, {
      minimumCopies,
      targetCopies,
      maximumCopies,
      minimumRegions,
      priority,
      sizeBytes,
    });
    return { blockBytes, metadata };
  } catch (error) {
    throw corrupt('metadata record is out of range', key, error);
  }
}
