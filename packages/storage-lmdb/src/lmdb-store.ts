/**
 * The core `Store` port on LMDB (via the `lmdb` package, which ships prebuilt binaries).
 *
 * Durability: every `write()` and `append()` is its own LMDB write transaction, committed
 * synchronously with `overlappingSync` off, so LMDB fsyncs before the call returns. That is stronger
 * than the port requires (durable after `flush()`), so `flush()` has nothing left to do. LMDB's
 * copy-on-write B-tree never exposes half a transaction: a batch is all-or-nothing after any crash,
 * and there are no torn log records to discard.
 *
 * Layout: two named databases in one environment. `kv` holds the key-value entries with binary keys
 * (LMDB orders keys by memcmp, i.e. unsigned byte order, as the port requires). `log` holds log
 * records under `utf8(name) ‖ 0x00 ‖ u64be(sequence)`; log names therefore may not contain NUL.
 */
import {
  BrightChainError,
  CoreErrorCode,
  compareBytes,
  type LogEntry,
  type ScanOptions,
  type Store,
  type StoreLimits,
  type WriteOperation,
} from '@brightchain/core';
import { type Database, type RangeOptions, type RootDatabase, open } from 'lmdb';
import { LmdbErrorCode } from './error-codes';

/** Options for {@link LmdbStore}. */
export interface LmdbStoreOptions {
  /** Directory of the LMDB environment (created if missing). */
  readonly path: string;
  /** Override the default limits (keys are capped at 511 bytes by LMDB). */
  readonly limits?: Partial<StoreLimits>;
  /** Maximum size of the memory map in bytes (default 8 GiB; LMDB grows the file lazily). */
  readonly mapSize?: number;
}

const DEFAULT_LIMITS: StoreLimits = {
  maxKeyBytes: 511,
  maxValueBytes: 16 * 1024 * 1024,
  maxBatchOperations: 10_000,
  maxLogRecordBytes: 16 * 1024 * 1024,
};

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

function invalid(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(CoreErrorCode.STORE_INVALID, message, { details });
}

function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}

/**
 * A durable {@link Store} on LMDB.
 *
 * @example
 * ```ts
 * import { LmdbStore } from '@brightchain/storage-lmdb';
 * const store = new LmdbStore({ path: './data/store' });
 * store.write([{ type: 'put', key: new Uint8Array([1]), value: new Uint8Array([42]) }]);
 * store.append('votes', new TextEncoder().encode('vote #1'));
 * store.flush();
 * store.close();
 * ```
 */
export class LmdbStore implements Store {
  readonly limits: StoreLimits;
  private readonly root: RootDatabase;
  private readonly kv: Database<Uint8Array, Uint8Array>;
  private readonly logs: Database<Uint8Array, Uint8Array>;
  private readonly logLengths = new Map<string, number>();
  private closed = false;

  /**
   * Opens (or creates) the environment at `options.path`.
   * @throws BrightChainError `BC_LMDB_OPEN_FAILED` if LMDB cannot open it
   */
  constructor(options: LmdbStoreOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
    if (this.limits.maxKeyBytes > 511 || this.limits.maxKeyBytes < 1) {
      throw invalid('LMDB keys must be 1..511 bytes', { maxKeyBytes: this.limits.maxKeyBytes });
    }
    try {
      this.root = open({
        path: options.path,
        maxDbs: 4,
        overlappingSync: false,
        mapSize: options.mapSize ?? 8 * 1024 ** 3,
      });
      this.kv = this.root.openDB<Uint8Array, Uint8Array>({
        name: 'kv',
        keyEncoding: 'binary',
        encoding: 'binary',
      });
      this.logs = this.root.openDB<Uint8Array, Uint8Array>({
        name: 'log',
        keyEncoding: 'binary',
        encoding: 'binary',
      });
    } catch (cause) {
      throw new BrightChainError(
        LmdbErrorCode.OPEN_FAILED,
        `cannot open LMDB environment at ${options.path}`,
        {
          details: { path: options.path },
          cause,
        },
      );
    }
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.checkOpen();
    this.checkKey(key);
    const value = this.kv.getBinary(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
    return value === undefined ? undefined : copy(value);
  }

  *scan(options: ScanOptions = {}): Iterable<readonly [Uint8Array, Uint8Array]> {
    this.checkOpen();
    const { prefix, start, end, limit, reverse = false } = options;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw invalid('limit must be a non-negative integer');
    if (limit === 0) return;
    let lower = start;
    let upper = end;
    if (prefix !== undefined && prefix.length > 0) {
      if (lower === undefined || compareBytes(lower, prefix) < 0) lower = prefix;
      const after = prefixUpperBound(prefix);
      if (after !== undefined && (upper === undefined || compareBytes(after, upper) < 0)) upper = after;
    }
    // No key is below an empty exclusive upper bound.
    if (upper !== undefined && upper.length === 0) return;
    if (lower !== undefined && upper !== undefined && compareBytes(lower, upper) >= 0) return;
    // Reverse ranges start at `upper` (LMDB treats it as inclusive; skipped below) and stop at `lower` by
    // hand. Without an explicit empty `end`, lmdb-js's reverse cursor stops before the key 0x00.
    const range = this.kv.getRange(reverse ? rangeOf(upper, EMPTY, true) : rangeOf(lower, upper, false));
    let count = 0;
    for (const { key, value } of range) {
      const k = key as Uint8Array;
      // LMDB's reverse range treats `start` as inclusive; the port's `end` is exclusive.
      if (reverse && upper !== undefined && compareBytes(k, upper) >= 0) continue;
      if (reverse && lower !== undefined && compareBytes(k, lower) < 0) break;
      if (prefix !== undefined && !startsWith(k, prefix)) {
        if (reverse) continue;
        break;
      }
      yield [copy(k), copy(value as Uint8Array)] as const;
      count++;
      if (limit !== undefined && count >= limit) return;
    }
  }

  write(operations: readonly WriteOperation[]): void {
    this.checkOpen();
    if (!Array.isArray(operations)) throw invalid('write() needs an array of operations');
    if (operations.length > this.limits.maxBatchOperations) {
      throw invalid('batch has too many operations', {
        count: operations.length,
        max: this.limits.maxBatchOperations,
      });
    }
    for (const op of operations) {
      if (op === null || typeof op !== 'object') throw invalid('operation must be an object');
      this.checkKey(op.key);
      if (op.type === 'put') this.checkValue(op.value, this.limits.maxValueBytes);
      else if (op.type !== 'delete')
        throw invalid('operation type must be put or delete', { type: (op as { type: unknown }).type });
    }
    if (operations.length === 0) return;
    this.kv.transactionSync(() => {
      for (const op of operations) {
        const key = Buffer.from(op.key);
        if (op.type === 'put') this.kv.putSync(key, Buffer.from(op.value));
        else this.kv.removeSync(key);
      }
    });
  }

  append(log: string, record: Uint8Array): number {
    this.checkOpen();
    this.checkLogName(log);
    this.checkValue(record, this.limits.maxLogRecordBytes);
    const sequence = this.logLength(log);
    this.logs.transactionSync(() => {
      this.logs.putSync(logKey(log, sequence), Buffer.from(record));
    });
    this.logLengths.set(log, sequence + 1);
    return sequence;
  }

  *readLog(log: string, fromSequence = 0): Iterable<LogEntry> {
    this.checkOpen();
    this.checkLogName(log);
    if (!Number.isSafeInteger(fromSequence) || fromSequence < 0)
      throw invalid('fromSequence must be a non-negative integer');
    const prefix = logPrefix(log);
    const end = prefixUpperBound(prefix);
    for (const { key, value } of this.logs.getRange(rangeOf(logKey(log, fromSequence), end, false))) {
      const k = key as Uint8Array;
      const sequence = Number(
        Buffer.from(k.buffer, k.byteOffset, k.byteLength).readBigUInt64BE(prefix.length),
      );
      yield { sequence, record: copy(value as Uint8Array) };
    }
  }

  logLength(log: string): number {
    this.checkOpen();
    this.checkLogName(log);
    const cached = this.logLengths.get(log);
    if (cached !== undefined) return cached;
    const prefix = logPrefix(log);
    const end = prefixUpperBound(prefix);
    let length = 0;
    for (const { key } of this.logs.getRange({ ...rangeOf(end, prefix, true), limit: 2 })) {
      const k = key as Uint8Array;
      if (!startsWith(k, prefix) || k.length !== prefix.length + 8) continue;
      length = Number(Buffer.from(k.buffer, k.byteOffset, k.byteLength).readBigUInt64BE(prefix.length)) + 1;
      break;
    }
    this.logLengths.set(log, length);
    return length;
  }

  flush(): void {
    this.checkOpen();
    // Every write already committed durably (see the module comment).
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.root.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new BrightChainError(CoreErrorCode.STORE_CLOSED, 'store is closed');
  }

  private checkKey(key: Uint8Array): void {
    if (!(key instanceof Uint8Array)) throw invalid('key must be a Uint8Array');
    if (key.length === 0) throw invalid('key must not be empty');
    if (key.length > this.limits.maxKeyBytes)
      throw invalid('key is too long', { length: key.length, max: this.limits.maxKeyBytes });
  }

  private checkValue(value: Uint8Array, max: number): void {
    if (!(value instanceof Uint8Array)) throw invalid('value must be a Uint8Array');
    if (value.length > max) throw invalid('value is too large', { length: value.length, max });
  }

  private checkLogName(log: string): void {
    if (
      typeof log !== 'string' ||
      log.length === 0 ||
      log.includes('\u0000') ||
      utf8.encode(log).length > 200
    ) {
      throw invalid('log name must be a non-empty string of at most 200 bytes without NUL', {
        log: String(log).slice(0, 64),
      });
    }
  }
}

function rangeOf(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean): RangeOptions {
  const options: RangeOptions = { reverse };
  if (start !== undefined) options.start = Buffer.from(start);
  if (end !== undefined) options.end = Buffer.from(end);
  return options;
}

function logPrefix(log: string): Uint8Array {
  const name = utf8.encode(log);
  const prefix = new Uint8Array(name.length + 1);
  prefix.set(name);
  return prefix;
}

function logKey(log: string, sequence: number): Buffer {
  const prefix = logPrefix(log);
  const key = Buffer.alloc(prefix.length + 8);
  key.set(prefix);
  key.writeBigUInt64BE(BigInt(sequence), prefix.length);
  return key;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The smallest byte string greater than every string with `prefix`, or undefined if none (all 0xff). */
function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}
