export { BlockIndex } from './block-index';
export type {
  BlockIndexOptions,
  LocationUpdate,
  MergeResult,
  QueryOptions,
  WriteOptions,
} from './block-index';
export type { BlockHealth, BlockIndexStats, HolderLocation } from './block-health';
export type { BlockIdHex, BlockIdInput } from './block-id';
export { DEFAULT_BLOCK_METADATA } from './block-metadata';
export type { BlockMetadata } from './block-metadata';
export { HolderState } from './holder-state';
export { compareVersions } from './entry-version';
export type { EntryVersion } from './entry-version';
export type { LocationEntry } from './location-entry';
export { DIGEST_DEPTH, DIGEST_FANOUT, DIGEST_LEAVES, LEAF_DOMAIN, NODE_DOMAIN } from './digest-tree';
export type { DigestNode } from './digest-tree';
export { IndexSyncSession } from './index-sync-session';
export type { IndexSyncSessionOptions, IndexSyncStats } from './index-sync-session';
export {
  SYNC_MESSAGE_TYPE,
  SYNC_PROTOCOL_VERSION,
  decodeSyncMessage,
  encodeSyncMessage,
} from './sync-message';
export type { DigestNodeHash, LeafContent, SyncMessage } from './sync-message';
export { BlockIndexErrorCode } from './error-codes';
export { MAX_REGION_LENGTH } from './region';
