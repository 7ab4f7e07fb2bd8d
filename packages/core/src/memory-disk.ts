/**
 * The simulated persistent medium under {@link MemoryStore}, and the log frame format both use.
 *
 * A `MemoryDisk` outlives store instances: it holds the key-value state as of the last `flush()`
 * and every log as the raw framed bytes a real adapter would have written. Tests and the simulator
 * use it to model process death (`crash`, optionally leaving a torn write), disk loss (`wipe`) and
 * arbitrary damage (`setLogBytes`).
 *
 * Log frame: `u32be length ‖ u32be crc ‖ record`, where `crc` is CRC-32 (IEEE 802.3, the zlib
 * polynomial) over the four length bytes followed by the record, so a damaged length field is caught
 * too. Recovery keeps every complete frame, discards a damaged or incomplete tail, and reports
 * `BC_STORE_CORRUPT` when a damaged frame is followed by a valid one (damage that is not a torn write).
 */
import { crc32 } from 'node:zlib';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** Bytes before the record in a log frame: length and CRC. */
export const LOG_FRAME_HEADER_BYTES = 8;

/** Options for {@link MemoryDisk.crash}. */
export interface CrashOptions {
  /**
   * Leave this many bytes of the first unflushed log record's frame on the medium, as a write the
   * process died in the middle of. Clamped to one byte less than the frame, so the record is always
   * incomplete. Default 0 (nothing unflushed survives).
   */
  readonly tornBytes?: number;
}

/** What a store open on a disk must do when the disk crashes or is wiped. @internal */
export interface DiskHolder {
  /** Write `tornBytes` of the first unflushed record (if any) to the disk, then become closed. */
  crash(tornBytes: number): void;
}

/** A log as persisted: its framed bytes, kept as appended chunks. @internal */
export interface PersistedLog {
  chunks: Uint8Array[];
  byteLength: number;
}

/** The mutable contents of a disk, shared with the store open on it. @internal */
export interface DiskState {
  /** Key (bytes as a latin1 string) → value, as of the last flush. Values are never mutated. */
  readonly kv: Map<string, Uint8Array>;
  readonly logs: Map<string, PersistedLog>;
  holder: DiskHolder | undefined;
}

const states = new WeakMap<MemoryDisk, DiskState>();

/**
 * The contents of `disk`, for the store implementation (not exported from the package).
 * @internal
 */
export function diskState(disk: MemoryDisk): DiskState {
  const state = states.get(disk);
  if (state === undefined) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'not a MemoryDisk');
  }
  return state;
}

/**
 * A simulated disk that outlives the {@link MemoryStore} instances opened on it.
 *
 * At most one store is open on a disk at a time. Crashing or wiping the disk closes that store
 * (its later calls throw `BC_STORE_CLOSED`); opening a new `MemoryStore` on the same disk recovers
 * what was flushed.
 *
 * @example
 * ```ts
 * const disk = new MemoryDisk();
 * const store = new MemoryStore({ disk });
 * store.append('votes', new Uint8Array([1]));
 * store.flush();
 * store.append('votes', new Uint8Array([2])); // not flushed
 * disk.crash({ tornBytes: 3 });               // dies mid-write of record 1
 * const recovered = new MemoryStore({ disk });
 * recovered.logLength('votes');               // 1: the torn record is discarded
 * ```
 */
export class MemoryDisk {
  constructor() {
    states.set(this, { kv: new Map(), logs: new Map(), holder: undefined });
  }

  /** True while a store is open on this disk. */
  get inUse(): boolean {
    return diskState(this).holder !== undefined;
  }

  /**
   * The process died: the store open on this disk (if any) becomes closed and everything it had not
   * flushed is lost, except `tornBytes` of its first unflushed log record's frame.
   *
   * @throws BrightChainError `BC_INVALID_ARGUMENT` if `tornBytes` is not a non-negative integer
   * @example
   * ```ts
   * disk.crash();                 // clean process death
   * disk.crash({ tornBytes: 5 }); // died while writing a log record
   * ```
   */
  crash(options: CrashOptions = {}): void {
    const tornBytes = options.tornBytes ?? 0;
    if (!Number.isSafeInteger(tornBytes) || tornBytes < 0) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'tornBytes must be a non-negative integer', {
        details: { tornBytes },
      });
    }
    const state = diskState(this);
    const holder = state.holder;
    state.holder = undefined;
    holder?.crash(tornBytes);
  }

  /**
   * Disk loss: crashes the open store (if any) and erases everything, as if the node came back on a
   * blank disk.
   *
   * @example
   * ```ts
   * disk.wipe();
   * new MemoryStore({ disk }).logLength('votes'); // 0
   * ```
   */
  wipe(): void {
    this.crash();
    const state = diskState(this);
    state.kv.clear();
    state.logs.clear();
  }

  /**
   * A copy of the persisted framed bytes of log `name` (empty for a log never flushed).
   *
   * @example
   * ```ts
   * const bytes = disk.logBytes('votes');
   * disk.setLogBytes('votes', bytes.subarray(0, bytes.length - 1)); // tear the last record
   * ```
   */
  logBytes(name: string): Uint8Array {
    const log = diskState(this).logs.get(name);
    if (log === undefined) return new Uint8Array(0);
    return concatChunks(log.chunks, log.byteLength);
  }

  /**
   * Replaces the persisted bytes of log `name` (a copy is stored; empty bytes delete the log). The
   * next store opened on this disk recovers from them.
   *
   * @throws BrightChainError `BC_STORE_LOCKED` while a store is open on this disk
   * @throws BrightChainError `BC_INVALID_ARGUMENT` if `bytes` is not a Uint8Array
   * @example
   * ```ts
   * const bytes = disk.logBytes('votes');
   * for (let cut = 0; cut <= bytes.length; cut++) {
   *   disk.setLogBytes('votes', bytes.subarray(0, cut));
   *   new MemoryStore({ disk }).close();
   * }
   * ```
   */
  setLogBytes(name: string, bytes: Uint8Array): void {
    const state = diskState(this);
    if (state.holder !== undefined) {
      throw new BrightChainError(CoreErrorCode.STORE_LOCKED, 'close the store before replacing log bytes', {
        details: { log: name },
      });
    }
    if (typeof name !== 'string' || !(bytes instanceof Uint8Array)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'setLogBytes needs a name and a Uint8Array');
    }
    if (bytes.length === 0) {
      state.logs.delete(name);
      return;
    }
    state.logs.set(name, { chunks: [new Uint8Array(bytes)], byteLength: bytes.length });
  }

  /**
   * Names of the logs with persisted bytes, sorted.
   *
   * @example
   * ```ts
   * disk.logNames(); // ['ballots', 'votes']
   * ```
   */
  logNames(): string[] {
    return [...diskState(this).logs.keys()].sort();
  }
}

/**
 * CRC-32 of a frame's length field followed by its record.
 * @internal
 */
function frameCrc(frame: Uint8Array, offset: number, recordLength: number): number {
  const lengthBytes = frame.subarray(offset, offset + 4);
  const record = frame.subarray(
    offset + LOG_FRAME_HEADER_BYTES,
    offset + LOG_FRAME_HEADER_BYTES + recordLength,
  );
  return crc32(record, crc32(lengthBytes));
}

/**
 * The framed bytes of `records`, back to back in one buffer: `(u32be length ‖ u32be crc ‖ record)*`.
 * @internal
 */
export function encodeLogFrames(records: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const record of records) total += LOG_FRAME_HEADER_BYTES + record.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const record of records) {
    view.setUint32(offset, record.length);
    out.set(record, offset + LOG_FRAME_HEADER_BYTES);
    view.setUint32(offset + 4, frameCrc(out, offset, record.length));
    offset += LOG_FRAME_HEADER_BYTES + record.length;
  }
  return out;
}

/** The offset just past a valid frame starting at `offset`, or -1 if none starts there. */
function frameEnd(bytes: Uint8Array, view: DataView, offset: number): number {
  const remaining = bytes.length - offset;
  if (remaining < LOG_FRAME_HEADER_BYTES) return -1;
  const length = view.getUint32(offset);
  if (length > remaining - LOG_FRAME_HEADER_BYTES) return -1;
  if (view.getUint32(offset + 4) !== frameCrc(bytes, offset, length)) return -1;
  return offset + LOG_FRAME_HEADER_BYTES + length;
}

/** The records recovered from a log's bytes and how many leading bytes they occupy. @internal */
export interface RecoveredLog {
  /** Views into the input bytes, in order. */
  readonly records: Uint8Array[];
  /** Length of the valid prefix; bytes after it are a discarded torn tail. */
  readonly validBytes: number;
}

/**
 * Parses a log's framed bytes, keeping every complete frame and discarding a damaged tail.
 *
 * A frame that is incomplete or fails its CRC ends the log when no valid frame starts anywhere
 * after it (a torn write); when one does, the damage is not a torn tail and recovery refuses.
 * The forward search costs O(tail) for realistic data (most candidate length fields exceed the
 * remaining bytes), O(tail²) only for adversarial tails.
 *
 * @throws BrightChainError `BC_STORE_CORRUPT` for a damaged frame followed by a valid one
 * @internal
 */
export function recoverLog(name: string, bytes: Uint8Array): RecoveredLog {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = frameEnd(bytes, view, offset);
    if (end < 0) {
      for (let candidate = offset + 1; candidate + LOG_FRAME_HEADER_BYTES <= bytes.length; candidate++) {
        if (frameEnd(bytes, view, candidate) >= 0) {
          throw new BrightChainError(
            CoreErrorCode.STORE_CORRUPT,
            `log "${name}" has a damaged record followed by valid ones`,
            { details: { log: name, sequence: records.length, offset, nextValidFrameOffset: candidate } },
          );
        }
      }
      return { records, validBytes: offset };
    }
    records.push(bytes.subarray(offset + LOG_FRAME_HEADER_BYTES, end));
    offset = end;
  }
  return { records, validBytes: offset };
}

/** One Uint8Array holding `chunks` back to back. @internal */
export function concatChunks(chunks: readonly Uint8Array[], byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
