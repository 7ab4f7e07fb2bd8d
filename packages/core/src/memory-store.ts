/**
 * `MemoryStore`: the in-memory reference adapter of the {@link Store} port, for tests and `sim`.
 *
 * Live state is a `Map` from key to value plus an ordered key index (a list of sorted chunks, as in
 * Grant Jenks' `sortedcontainers`: O(log n) search, O(chunk) insert and delete, ordered iteration
 * from any bound in either direction). Keys are held as latin1 strings, one UTF-16 code unit per
 * byte, so native string comparison is exactly unsigned byte order.
 *
 * Durability is modelled by a {@link MemoryDisk}: `flush()` moves the changed keys and the new log
 * frames to the disk in O(changes); opening a store on a disk recovers from it.
 */
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import {
  type DiskHolder,
  type DiskState,
  MemoryDisk,
  concatChunks,
  diskState,
  encodeLogFrames,
  recoverLog,
} from './memory-disk';
import type { LogEntry, ScanOptions, Store, StoreLimits, WriteOperation } from './store';

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The medium to open (and recover from). Default: a new, empty {@link MemoryDisk}. */
  readonly disk?: MemoryDisk;
  /** Overrides of {@link MemoryStore.defaultLimits}. */
  readonly limits?: Partial<StoreLimits>;
}

const MIB = 1024 * 1024;

/** Keys per index chunk before it splits in two (sortedcontainers' default load). */
const CHUNK_LOAD = 1000;

/** A sorted set of distinct strings kept as a list of sorted chunks. */
class SortedKeyIndex {
  private readonly chunks: string[][] = [];
  /** The last (largest) key of each chunk. */
  private readonly maxes: string[] = [];

  /** Builds an index from keys already sorted and distinct. */
  static fromSorted(keys: readonly string[]): SortedKeyIndex {
    const index = new SortedKeyIndex();
    for (let start = 0; start < keys.length; start += CHUNK_LOAD) {
      const chunk = keys.slice(start, start + CHUNK_LOAD);
      index.chunks.push(chunk);
      index.maxes.push(chunk[chunk.length - 1] as string);
    }
    return index;
  }

  /** Adds `key`, which must not be present. */
  insert(key: string): void {
    const { chunks, maxes } = this;
    if (chunks.length === 0) {
      chunks.push([key]);
      maxes.push(key);
      return;
    }
    let c = bisectLeft(maxes, key);
    if (c === chunks.length) c -= 1;
    const chunk = chunks[c] as string[];
    const i = bisectLeft(chunk, key);
    chunk.splice(i, 0, key);
    if (i === chunk.length - 1) maxes[c] = key;
    if (chunk.length > 2 * CHUNK_LOAD) {
      const right = chunk.splice(CHUNK_LOAD);
      chunks.splice(c + 1, 0, right);
      maxes[c] = chunk[chunk.length - 1] as string;
      maxes.splice(c + 1, 0, right[right.length - 1] as string);
    }
  }

  /** Removes `key`, which must be present. */
  remove(key: string): void {
    const { chunks, maxes } = this;
    const c = bisectLeft(maxes, key);
    const chunk = chunks[c] as string[];
    const i = bisectLeft(chunk, key);
    chunk.splice(i, 1);
    if (chunk.length === 0) {
      chunks.splice(c, 1);
      maxes.splice(c, 1);
    } else if (i === chunk.length) {
      maxes[c] = chunk[chunk.length - 1] as string;
    }
  }

  /** Calls `visit` on keys in `[lower, upper)` in order (or reverse) until it returns false. */
  visit(lower: string, upper: string | undefined, reverse: boolean, visit: (key: string) => boolean): void {
    const { chunks, maxes } = this;
    if (!reverse) {
      let c = bisectLeft(maxes, lower);
      if (c === chunks.length) return;
      let i = bisectLeft(chunks[c] as string[], lower);
      for (; c < chunks.length; c++, i = 0) {
        const chunk = chunks[c] as string[];
        for (; i < chunk.length; i++) {
          const key = chunk[i] as string;
          if (upper !== undefined && key >= upper) return;
          if (!visit(key)) return;
        }
      }
      return;
    }
    if (chunks.length === 0) return;
    let c: number;
    let i: number;
    if (upper === undefined) {
      c = chunks.length - 1;
      i = (chunks[c] as string[]).length - 1;
    } else {
      c = bisectLeft(maxes, upper);
      if (c === chunks.length) {
        c -= 1;
        i = (chunks[c] as string[]).length - 1;
      } else {
        i = bisectLeft(chunks[c] as string[], upper) - 1;
      }
    }
    for (; c >= 0; c--, i = c >= 0 ? (chunks[c] as string[]).length - 1 : 0) {
      const chunk = chunks[c] as string[];
      for (; i >= 0; i--) {
        const key = chunk[i] as string;
        if (key < lower) return;
        if (!visit(key)) return;
      }
    }
  }
}

/** First index whose element is ≥ `key` in sorted `array`. */
function bisectLeft(array: readonly string[], key: string): number {
  let low = 0;
  let high = array.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((array[mid] as string) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Bytes → latin1 string, one code unit per byte, so string order is unsigned byte order. */
function keyString(bytes: Uint8Array): string {
  if (bytes.length > 4096)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** latin1 string → a fresh Uint8Array. */
function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** The smallest string greater than every string starting with `prefix`, or undefined if none. */
function prefixSuccessor(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xff) end -= 1;
  if (end === 0) return undefined;
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1);
}

interface LiveLog {
  readonly records: Uint8Array[];
  /** How many leading records are on the disk. */
  durable: number;
}

interface LiveState {
  readonly disk: DiskState;
  readonly values: Map<string, Uint8Array>;
  readonly index: SortedKeyIndex;
  /** Keys changed since the last flush → new value, or null for a delete. */
  readonly dirty: Map<string, Uint8Array | null>;
  readonly logs: Map<string, LiveLog>;
  /** Logs with records appended since the last flush. */
  readonly pendingLogs: Set<string>;
  /** The first record appended since the last flush, for torn-write crashes. */
  firstUnflushed: { readonly log: string; readonly sequence: number } | undefined;
}

function invalid(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(CoreErrorCode.STORE_INVALID, message, { details });
}

function resolveLimits(overrides: Partial<StoreLimits>): StoreLimits {
  const limits = { ...MemoryStore.defaultLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new BrightChainError(
        CoreErrorCode.INVALID_ARGUMENT,
        `store limit ${name} must be a positive integer`,
        {
          details: { [name]: value },
        },
      );
    }
  }
  return Object.freeze(limits);
}

/**
 * The in-memory {@link Store}: ordered keys, atomic batches, named append-only logs, and a
 * crash model through the {@link MemoryDisk} it is opened on.
 *
 * - Writes and appends are visible at once and durable after `flush()`; `close()` flushes first
 *   (a clean shutdown), while {@link MemoryDisk.crash} loses everything unflushed.
 * - Opening recovers the key-value state of the last flush and rebuilds each log from its framed
 *   bytes, discarding a torn tail (and truncating it on the disk).
 * - Bytes are copied in and out; `scan()` returns a snapshot taken when it is called, `readLog()`
 *   the records present when it is called.
 *
 * @throws BrightChainError `BC_STORE_LOCKED` (constructor) if another store is open on the disk
 * @throws BrightChainError `BC_STORE_CORRUPT` (constructor) if a log has damage that is not a torn tail
 * @throws BrightChainError `BC_INVALID_ARGUMENT` (constructor) for a limit that is not a positive integer
 * @example
 * ```ts
 * const disk = new MemoryDisk();
 * const store = new MemoryStore({ disk });
 * store.write([{ type: 'put', key: utf8Bytes('node/1'), value: new Uint8Array([1]) }]);
 * store.flush();
 * disk.crash();
 * new MemoryStore({ disk }).get(utf8Bytes('node/1')); // Uint8Array [1]
 * ```
 */
export class MemoryStore implements Store {
  /** Limits used when none are given: 1 KiB keys, 16 MiB values and log records, 10,000-op batches. */
  static readonly defaultLimits: StoreLimits = Object.freeze({
    maxKeyBytes: 1024,
    maxValueBytes: 16 * MIB,
    maxBatchOperations: 10_000,
    maxLogRecordBytes: 16 * MIB,
  });

  readonly limits: StoreLimits;
  /** The medium this store persists to. */
  readonly disk: MemoryDisk;
  private live: LiveState | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.limits = resolveLimits(options.limits ?? {});
    this.disk = options.disk ?? new MemoryDisk();
    const disk = diskState(this.disk);
    if (disk.holder !== undefined) {
      throw new BrightChainError(CoreErrorCode.STORE_LOCKED, 'another MemoryStore is open on this disk');
    }
    const recovered: [string, Uint8Array, number, Uint8Array[]][] = [];
    for (const [name, persisted] of disk.logs) {
      const bytes = concatChunks(persisted.chunks, persisted.byteLength);
      const { records, validBytes } = recoverLog(name, bytes);
      recovered.push([name, bytes, validBytes, records]);
    }
    const logs = new Map<string, LiveLog>();
    for (const [name, bytes, validBytes, records] of recovered) {
      if (validBytes === 0) disk.logs.delete(name);
      else disk.logs.set(name, { chunks: [bytes.subarray(0, validBytes)], byteLength: validBytes });
      if (records.length > 0) logs.set(name, { records, durable: records.length });
    }
    const keys = [...disk.kv.keys()].sort();
    this.live = {
      disk,
      values: new Map(disk.kv),
      index: SortedKeyIndex.fromSorted(keys),
      dirty: new Map(),
      logs,
      pendingLogs: new Set(),
      firstUnflushed: undefined,
    };
    const holder: DiskHolder = { crash: (tornBytes) => this.die(tornBytes) };
    disk.holder = holder;
  }

  /** True once closed, by `close()` or by a crash or wipe of its disk. */
  get closed(): boolean {
    return this.live === undefined;
  }

  /**
   * The value at `key`, or `undefined` (a copy).
   * @throws BrightChainError `BC_STORE_INVALID` for an empty or oversized key, `BC_STORE_CLOSED`
   * @example
   * ```ts
   * store.get(utf8Bytes('node/1'));
   * ```
   */
  get(key: Uint8Array): Uint8Array | undefined {
    const live = this.open();
    this.checkKey(key, 'get');
    const value = live.values.get(keyString(key));
    return value === undefined ? undefined : new Uint8Array(value);
  }

  /**
   * Entries (copies) in unsigned byte order of key, or reverse, within `prefix`, `start`
   * (inclusive) and `end` (exclusive), at most `limit` of them: a snapshot taken by this call.
   * @throws BrightChainError `BC_STORE_INVALID` for malformed options, `BC_STORE_CLOSED`
   * @example
   * ```ts
   * for (const [key, value] of store.scan({ prefix: utf8Bytes('node/'), limit: 10 })) console.log(key, value);
   * ```
   */
  scan(options: ScanOptions = {}): Iterable<readonly [Uint8Array, Uint8Array]> {
    const live = this.open();
    if (typeof options !== 'object' || options === null) throw invalid('scan options must be an object', {});
    const { prefix, start, end, limit, reverse } = options;
    for (const [name, bound] of [
      ['prefix', prefix],
      ['start', start],
      ['end', end],
    ] as const) {
      if (bound !== undefined && !(bound instanceof Uint8Array)) {
        throw invalid(`scan ${name} must be a Uint8Array`, { option: name });
      }
    }
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw invalid('scan limit must be a non-negative integer', { limit });
    }
    if (reverse !== undefined && typeof reverse !== 'boolean') {
      throw invalid('scan reverse must be a boolean', { reverse: String(reverse) });
    }
    let lower = '';
    let upper: string | undefined;
    if (prefix !== undefined) {
      lower = keyString(prefix);
      upper = prefixSuccessor(lower);
    }
    if (start !== undefined) {
      const s = keyString(start);
      if (s > lower) lower = s;
    }
    if (end !== undefined) {
      const e = keyString(end);
      if (upper === undefined || e < upper) upper = e;
    }
    const entries: (readonly [Uint8Array, Uint8Array])[] = [];
    const max = limit ?? Number.POSITIVE_INFINITY;
    if (max === 0 || (upper !== undefined && upper <= lower)) return entries;
    live.index.visit(lower, upper, reverse === true, (key) => {
      entries.push([keyBytes(key), new Uint8Array(live.values.get(key) as Uint8Array)]);
      return entries.length < max;
    });
    return entries;
  }

  /**
   * Applies every operation in order, atomically: the whole batch is checked first, and a bad
   * operation rejects the batch without changing anything.
   * @throws BrightChainError `BC_STORE_INVALID` (bad operation, oversized key/value/batch), `BC_STORE_CLOSED`
   * @example
   * ```ts
   * store.write([
   *   { type: 'put', key: utf8Bytes('a'), value: new Uint8Array([1]) },
   *   { type: 'delete', key: utf8Bytes('b') },
   * ]);
   * ```
   */
  write(operations: readonly WriteOperation[]): void {
    const live = this.open();
    if (!Array.isArray(operations)) throw invalid('write needs an array of operations', {});
    if (operations.length > this.limits.maxBatchOperations) {
      throw invalid('batch has too many operations', {
        operations: operations.length,
        maxBatchOperations: this.limits.maxBatchOperations,
      });
    }
    const prepared: [string, Uint8Array | null][] = [];
    for (let i = 0; i < operations.length; i++) {
      const op = operations[i] as WriteOperation | null | undefined;
      if (typeof op !== 'object' || op === null || (op.type !== 'put' && op.type !== 'delete')) {
        throw invalid('operation must be a put or a delete', { index: i });
      }
      this.checkKey(op.key, op.type, i);
      if (op.type === 'put') {
        const value = op.value;
        if (!(value instanceof Uint8Array)) throw invalid('value must be a Uint8Array', { index: i });
        if (value.length > this.limits.maxValueBytes) {
          throw invalid('value is too large', {
            index: i,
            valueBytes: value.length,
            maxValueBytes: this.limits.maxValueBytes,
          });
        }
        prepared.push([keyString(op.key), new Uint8Array(value)]);
      } else {
        prepared.push([keyString(op.key), null]);
      }
    }
    for (const [key, value] of prepared) {
      const had = live.values.has(key);
      if (value === null) {
        if (had) {
          live.values.delete(key);
          live.index.remove(key);
        }
      } else {
        live.values.set(key, value);
        if (!had) live.index.insert(key);
      }
      live.dirty.set(key, value);
    }
  }

  /**
   * Appends a copy of `record` to log `log` and returns its sequence number (0, 1, 2, …).
   * @throws BrightChainError `BC_STORE_INVALID` (empty log name, oversized record), `BC_STORE_CLOSED`
   * @example
   * ```ts
   * const sequence = store.append('votes', encodedVote);
   * ```
   */
  append(log: string, record: Uint8Array): number {
    const live = this.open();
    checkLogName(log);
    if (!(record instanceof Uint8Array)) throw invalid('log record must be a Uint8Array', { log });
    if (record.length > this.limits.maxLogRecordBytes) {
      throw invalid('log record is too large', {
        log,
        recordBytes: record.length,
        maxLogRecordBytes: this.limits.maxLogRecordBytes,
      });
    }
    let state = live.logs.get(log);
    if (state === undefined) {
      state = { records: [], durable: 0 };
      live.logs.set(log, state);
    }
    const sequence = state.records.length;
    state.records.push(new Uint8Array(record));
    live.pendingLogs.add(log);
    live.firstUnflushed ??= { log, sequence };
    return sequence;
  }

  /**
   * Copies of the records of `log` from `fromSequence` (default 0) to the current end.
   * @throws BrightChainError `BC_STORE_INVALID` (empty log name, bad `fromSequence`), `BC_STORE_CLOSED`
   * @example
   * ```ts
   * for (const { sequence, record } of store.readLog('votes', 10)) replay(sequence, record);
   * ```
   */
  readLog(log: string, fromSequence = 0): Iterable<LogEntry> {
    const live = this.open();
    checkLogName(log);
    if (!Number.isSafeInteger(fromSequence) || fromSequence < 0) {
      throw invalid('fromSequence must be a non-negative integer', { log, fromSequence });
    }
    const records = live.logs.get(log)?.records ?? [];
    const end = records.length;
    return (function* readRecords(): Generator<LogEntry> {
      for (let sequence = fromSequence; sequence < end; sequence++) {
        yield { sequence, record: new Uint8Array(records[sequence] as Uint8Array) };
      }
    })();
  }

  /**
   * Number of records in `log` (0 for a log never written).
   * @throws BrightChainError `BC_STORE_INVALID` (empty log name), `BC_STORE_CLOSED`
   * @example
   * ```ts
   * store.logLength('votes');
   * ```
   */
  logLength(log: string): number {
    const live = this.open();
    checkLogName(log);
    return live.logs.get(log)?.records.length ?? 0;
  }

  /**
   * Makes every earlier write and append durable on the disk, in O(changes since the last flush).
   * @throws BrightChainError `BC_STORE_CLOSED`
   * @example
   * ```ts
   * store.append('votes', encodedVote);
   * store.flush(); // now acknowledge the vote
   * ```
   */
  flush(): void {
    const live = this.open();
    const { kv, logs } = live.disk;
    for (const [key, value] of live.dirty) {
      if (value === null) kv.delete(key);
      else kv.set(key, value);
    }
    live.dirty.clear();
    for (const name of live.pendingLogs) {
      const state = live.logs.get(name) as LiveLog;
      let persisted = logs.get(name);
      if (persisted === undefined) {
        persisted = { chunks: [], byteLength: 0 };
        logs.set(name, persisted);
      }
      const frames = encodeLogFrames(state.records.slice(state.durable));
      persisted.chunks.push(frames);
      persisted.byteLength += frames.length;
      state.durable = state.records.length;
    }
    live.pendingLogs.clear();
    live.firstUnflushed = undefined;
  }

  /**
   * Flushes, then releases the store and its disk. Idempotent; later calls of other methods throw
   * `BC_STORE_CLOSED`.
   * @example
   * ```ts
   * store.close();
   * const reopened = new MemoryStore({ disk: store.disk });
   * ```
   */
  close(): void {
    const live = this.live;
    if (live === undefined) return;
    this.flush();
    this.live = undefined;
    live.disk.holder = undefined;
  }

  /** Process death: keep `tornBytes` of the first unflushed frame on the disk, drop the rest. */
  private die(tornBytes: number): void {
    const live = this.live;
    if (live === undefined) return;
    this.live = undefined;
    const first = live.firstUnflushed;
    if (tornBytes === 0 || first === undefined) return;
    const record = live.logs.get(first.log)?.records[first.sequence] as Uint8Array;
    const frame = encodeLogFrames([record]);
    const torn = frame.slice(0, Math.min(tornBytes, frame.length - 1));
    let persisted = live.disk.logs.get(first.log);
    if (persisted === undefined) {
      persisted = { chunks: [], byteLength: 0 };
      live.disk.logs.set(first.log, persisted);
    }
    persisted.chunks.push(torn);
    persisted.byteLength += torn.length;
  }

  private open(): LiveState {
    const live = this.live;
    if (live === undefined) throw new BrightChainError(CoreErrorCode.STORE_CLOSED, 'the store is closed');
    return live;
  }

  private checkKey(key: unknown, operation: string, index?: number): asserts key is Uint8Array {
    const where = index === undefined ? { operation } : { operation, index };
    if (!(key instanceof Uint8Array)) throw invalid('key must be a Uint8Array', where);
    if (key.length === 0) throw invalid('key must not be empty', where);
    if (key.length > this.limits.maxKeyBytes) {
      throw invalid('key is too large', {
        ...where,
        keyBytes: key.length,
        maxKeyBytes: this.limits.maxKeyBytes,
      });
    }
  }
}

function checkLogName(log: unknown): asserts log is string {
  if (typeof log !== 'string' || log.length === 0) {
    throw invalid('log name must be a non-empty string', { log: String(log) });
  }
}
