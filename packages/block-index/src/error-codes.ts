/**
 * Error codes thrown by `@brightchain/block-index`. Each is a stable `BC_INDEX_<WHAT>` string;
 * `docs/errors.md` is the table of every package's codes. Every rejected input leaves the index
 * exactly as it was.
 *
 * @example
 * ```ts
 * try {
 *   index.recordStored(blockId, holder, 'not a region!');
 * } catch (error) {
 *   if (BrightChainError.isInstance(error, BlockIndexErrorCode.REGION_INVALID)) console.log(error.details);
 * }
 * ```
 */
export const BlockIndexErrorCode = {
  /** A block id is not a 64-byte checksum (or 128 hex characters). */
  BLOCK_ID_INVALID: 'BC_INDEX_BLOCK_ID_INVALID',
  /** A node id (holder or writer) is not a GuidV4. */
  NODE_ID_INVALID: 'BC_INDEX_NODE_ID_INVALID',
  /** A region name is empty, too long or has characters outside `[A-Za-z0-9._:/-]`. */
  REGION_INVALID: 'BC_INDEX_REGION_INVALID',
  /** A holder state is not one of `SERVING`, `LEAVING`, `UNAVAILABLE`. */
  HOLDER_STATE_INVALID: 'BC_INDEX_HOLDER_STATE_INVALID',
  /** Block metadata (copy bounds, regions, priority, size) is out of range or inconsistent. */
  METADATA_INVALID: 'BC_INDEX_METADATA_INVALID',
  /** A time (since, verified-at, version wall clock) is not a non-negative safe integer. */
  TIME_INVALID: 'BC_INDEX_TIME_INVALID',
  /** An update or option is malformed (unknown kind, wrong type, bad limit). */
  ARGUMENT_INVALID: 'BC_INDEX_ARGUMENT_INVALID',
  /** `recordVerified` named a (block, holder) location the index does not hold as stored. */
  LOCATION_UNKNOWN: 'BC_INDEX_LOCATION_UNKNOWN',
  /** A hex prefix for `findByPrefix` is not 0–128 hex characters. */
  PREFIX_INVALID: 'BC_INDEX_PREFIX_INVALID',
  /** A location entry received for merging is malformed (fields, tombstone shape, version). */
  ENTRY_INVALID: 'BC_INDEX_ENTRY_INVALID',
  /** A location entry's version is further in the future than `maxClockSkewMs` allows. */
  CLOCK_SKEW: 'BC_INDEX_CLOCK_SKEW',
  /** A digest-tree node address (depth, position) is out of range. */
  TREE_NODE_INVALID: 'BC_INDEX_TREE_NODE_INVALID',
  /** A sync message is malformed, over its limits or not canonical. */
  SYNC_MESSAGE_INVALID: 'BC_INDEX_SYNC_MESSAGE_INVALID',
  /** A sync message has a protocol version this code does not understand. */
  SYNC_VERSION_UNSUPPORTED: 'BC_INDEX_SYNC_VERSION_UNSUPPORTED',
  /** A sync session was used out of order (started twice, or after it finished). */
  SYNC_SESSION_STATE: 'BC_INDEX_SYNC_SESSION_STATE',
  /** A record read back from the store on open is not a valid index record. */
  STORE_CORRUPT: 'BC_INDEX_STORE_CORRUPT',
  /** The index would exceed its addressing limits (2^31 − 1 blocks, locations or nodes). */
  CAPACITY_EXCEEDED: 'BC_INDEX_CAPACITY_EXCEEDED',
} as const;

/** Union of every `@brightchain/block-index` error code string. */
export type BlockIndexErrorCode = (typeof BlockIndexErrorCode)[keyof typeof BlockIndexErrorCode];
