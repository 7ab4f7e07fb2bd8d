/**
 * A small map keyed by (block id bytes, holder id) for the entries of one batch, without building a
 * string key per entry: buckets by 32 bits of the block id (a SHA3 output, so already uniform), then
 * compares the full id and the holder.
 * @internal
 */
import { CHECKSUM_LENGTH } from '@brightchain/core';

interface Slot<T> {
  readonly blockBytes: Uint8Array;
  readonly holder: string;
  value: T;
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < CHECKSUM_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal */
export class LocationBatch<T> {
  private readonly buckets = new Map<number, Slot<T>[]>();
  private readonly order: Slot<T>[] = [];

  get(blockBytes: Uint8Array, holder: string): T | undefined {
    return this.find(blockBytes, holder)?.value;
  }

  set(blockBytes: Uint8Array, holder: string, value: T): void {
    const found = this.find(blockBytes, holder);
    if (found !== undefined) {
      found.value = value;
      return;
    }
    const slot: Slot<T> = { blockBytes, holder, value };
    const key = bucketKey(blockBytes);
    const bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, [slot]);
    else bucket.push(slot);
    this.order.push(slot);
  }

  /** The values, in the order their locations were first set. */
  values(): T[] {
    return this.order.map((slot) => slot.value);
  }

  private find(blockBytes: Uint8Array, holder: string): Slot<T> | undefined {
    const bucket = this.buckets.get(bucketKey(blockBytes));
    if (bucket === undefined) return undefined;
    for (const slot of bucket) {
      if (slot.holder === holder && sameId(slot.blockBytes, blockBytes)) return slot;
    }
    return undefined;
  }
}

function bucketKey(bytes: Uint8Array): number {
  return (
    (((bytes[4] as number) << 24) |
      ((bytes[5] as number) << 16) |
      ((bytes[6] as number) << 8) |
      (bytes[7] as number)) >>>
    0
  );
}
