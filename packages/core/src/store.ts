/**
 * The storage port: a small ordered key-value store plus named append-only logs.
 *
 * The contract every adapter (in-memory, LMDB, …) honours and the compliance suite checks:
 * - `write(ops)` applies a batch atomically: after it returns every operation is visible, and a
 *   crash never leaves half a batch.
 * - Nothing is durable until `flush()` returns. A crash (or `MemoryDisk.crash()`) loses writes and
 *   appends made since the last `flush()`; what was flushed always survives, and every
 *   acknowledged-after-flush record is still there after reopen.
 * - A log's records keep their order and their sequence numbers (0, 1, 2, …). A crash during an
 *   append may leave a torn last record; reopening discards it and nothing before it.
 * - Keys and scans are ordered by unsigned byte comparison.
 * - Bad input (empty key, key/value over the limits, use after close) throws a typed error and
 *   changes nothing.
 *
 * The methods are synchronous: cores never call the store (they emit records in their `Ready`
 * batch), and hosts need a simple, deterministic port. LMDB supports this natively.
 */

/** A put or delete inside an atomic {@link Store.write} batch. */
export type WriteOperation =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: Uint8Array };

/** One record of an append-only log. */
export interface LogEntry {
  /** Position in the log, starting at 0. */
  readonly sequence: number;
  /** The bytes appended. */
  readonly record: Uint8Array;
}

/** Range and paging options for {@link Store.scan}. Bounds are byte strings. */
export interface ScanOptions {
  /** Only keys starting with these bytes. */
  readonly prefix?: Uint8Array;
  /** Inclusive lower bound. */
  readonly start?: Uint8Array;
  /** Exclusive upper bound. */
  readonly end?: Uint8Array;
  /** At most this many entries. */
  readonly limit?: number;
  /** Descending order. */
  readonly reverse?: boolean;
}

/** The size limits an adapter enforces; exceeding one is `BC_STORE_INVALID`. */
export interface StoreLimits {
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
  readonly maxBatchOperations: number;
  readonly maxLogRecordBytes: number;
}

/** The store port. See the module comment for the contract. */
export interface Store {
  /** The limits this store enforces. */
  readonly limits: StoreLimits;
  /** The value at `key`, or `undefined`. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries in key order (or reverse), within the given bounds. */
  scan(options?: ScanOptions): Iterable<readonly [Uint8Array, Uint8Array]>;
  /** Applies every operation atomically. @throws BrightChainError `BC_STORE_INVALID`, `BC_STORE_CLOSED` */
  write(operations: readonly WriteOperation[]): void;
  /** Appends `record` to log `log` and returns its sequence number. @throws BrightChainError `BC_STORE_INVALID`, `BC_STORE_CLOSED` */
  append(log: string, record: Uint8Array): number;
  /** The records of `log` from `fromSequence` (default 0) on, in order. */
  readLog(log: string, fromSequence?: number): Iterable<LogEntry>;
  /** Number of records in `log` (0 for a log never written). */
  logLength(log: string): number;
  /** Makes every earlier write and append durable. */
  flush(): void;
  /** Releases the store; later calls throw `BC_STORE_CLOSED`. */
  close(): void;
}
