/** Error codes thrown by `@brightchain/storage-lmdb` (besides core's `BC_STORE_*` codes). */
export const LmdbErrorCode = {
  /** The LMDB environment could not be opened (bad path, permissions, incompatible file). */
  OPEN_FAILED: 'BC_LMDB_OPEN_FAILED',
} as const;

/** Union of the storage-lmdb error code strings. */
export type LmdbErrorCode = (typeof LmdbErrorCode)[keyof typeof LmdbErrorCode];
