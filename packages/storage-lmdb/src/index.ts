export { LmdbStore } from './lmdb-store';
export type { LmdbStoreOptions } from './lmdb-store';
export { LmdbErrorCode } from './error-codes';
