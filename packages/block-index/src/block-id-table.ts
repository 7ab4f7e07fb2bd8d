/**
 * Interns 64-byte block ids into dense slot numbers 0, 1, 2, … . Every id is stored once in one
 * pooled byte array (64 bytes per block, no per-block object), found through an open-addressing hash
 * table of 32-bit slot numbers with linear probing, kept at most half full.
 *
 * Block ids are SHA3-512 outputs, so 32 bits of them are already a uniform hash. An adversary who can
 * insert ids of its choosing could grind ids that collide in the table; each such id costs it about
 * `table size` SHA3 evaluations (2^21 at a million blocks), and only slows lookups down.
 * @internal
 */
import { BrightChainError, CHECKSUM_LENGTH } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

const MAX_SLOTS = 0x3fff_ffff;

function hashOf(bytes: Uint8Array, offset: number): number {
  const a =
    ((bytes[offset + 8] as number) << 24) |
    ((bytes[offset + 9] as number) << 16) |
    ((bytes[offset + 10] as number) << 8) |
    (bytes[offset + 11] as number);
  const b =
    ((bytes[offset + 12] as number) << 24) |
    ((bytes[offset + 13] as number) << 16) |
    ((bytes[offset + 14] as number) << 8) |
    (bytes[offset + 15] as number);
  return (a ^ Math.imul(b, 0x9e37_79b1)) >>> 0;
}

/** @internal */
export class BlockIdTable {
  /** Block ids back to back: slot `s` occupies bytes `[64s, 64s + 64)`. */
  ids: Uint8Array;
  /** Number of interned ids. */
  count = 0;
  /** Table of `slot + 1` (0 = empty). */
  private table: Int32Array;
  private mask: number;

  constructor(initialCapacity: number) {
    const capacity = Math.max(16, initialCapacity);
    this.ids = new Uint8Array(capacity * CHECKSUM_LENGTH);
    let size = 32;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Slots the id pool has room for before it grows. */
  get capacity(): number {
    return this.ids.length / CHECKSUM_LENGTH;
  }

  /** The slot of `id` (64 bytes), or -1. */
  find(id: Uint8Array): number {
    const { table, mask, ids } = this;
    let position = hashOf(id, 0) & mask;
    for (;;) {
      const entry = table[position] as number;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.matches(ids, slot * CHECKSUM_LENGTH, id)) return slot;
      position = (position + 1) & mask;
    }
  }

  /**
   * Interns `id`, which must not be present, and returns its new slot.
   *
   * @throws BrightChainError `BC_INDEX_CAPACITY_EXCEEDED` past 2^30 − 1 blocks
   */
  insert(id: Uint8Array): number {
    if (this.count >= MAX_SLOTS) {
      throw new BrightChainError(BlockIndexErrorCode.CAPACITY_EXCEEDED, 'too many blocks for one index', {
        details: { blocks: this.count },
      });
    }
    if (this.count === this.capacity) {
      const grown = new Uint8Array(Math.min(MAX_SLOTS, Math.ceil(this.capacity * 1.5)) * CHECKSUM_LENGTH);
      grown.set(this.ids);
      this.ids = grown;
    }
    if ((this.count + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const slot = this.count;
    this.ids.set(id, slot * CHECKSUM_LENGTH);
    this.count += 1;
    this.place(slot);
    return slot;
  }

  /** First two bytes of the id in `slot`, as 0..65535 (its digest-tree leaf and prefix bucket). */
  leafOf(slot: number): number {
    const offset = slot * CHECKSUM_LENGTH;
    return ((this.ids[offset] as number) << 8) | (this.ids[offset + 1] as number);
  }

  /** A copy of the id in `slot`. */
  bytesAt(slot: number): Uint8Array {
    return this.ids.slice(slot * CHECKSUM_LENGTH, (slot + 1) * CHECKSUM_LENGTH);
  }

  /** Lower-case hex of the id in `slot`. */
  hexAt(slot: number): string {
    const offset = slot * CHECKSUM_LENGTH;
    return Buffer.from(this.ids.buffer, this.ids.byteOffset + offset, CHECKSUM_LENGTH).toString('hex');
  }

  /** Unsigned byte order of the ids in two slots. */
  compareSlots(a: number, b: number): number {
    const { ids } = this;
    const oa = a * CHECKSUM_LENGTH;
    const ob = b * CHECKSUM_LENGTH;
    for (let i = 0; i < CHECKSUM_LENGTH; i++) {
      const d = (ids[oa + i] as number) - (ids[ob + i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  private matches(ids: Uint8Array, offset: number, id: Uint8Array): boolean {
    for (let i = 0; i < CHECKSUM_LENGTH; i++) {
      if (ids[offset + i] !== id[i]) return false;
    }
    return true;
  }

  private place(slot: number): void {
    const { table, mask } = this;
    let position = hashOf(this.ids, slot * CHECKSUM_LENGTH) & mask;
    while (table[position] !== 0) position = (position + 1) & mask;
    table[position] = slot + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let slot = 0; slot < this.count; slot++) this.place(slot);
  }
}
