/**
 * Blocks grouped by an integer rank (for example deficit and priority packed into one key), so that
 * "the most urgent blocks first" walks only the blocks that need work, never the whole index.
 * Adding, moving and removing a block is O(1) plus O(log k) when a rank appears or disappears
 * (k = distinct ranks in use, a few hundred at most).
 * @internal
 */
export class RankedBuckets {
  private readonly buckets = new Map<number, Set<number>>();
  /** Ranks in use, descending. */
  private readonly ranks: number[] = [];
  private count = 0;

  /** Number of blocks in all buckets. */
  get size(): number {
    return this.count;
  }

  /** Puts `slot` in bucket `rank` (it must not be in any bucket of this structure). */
  add(rank: number, slot: number): void {
    let bucket = this.buckets.get(rank);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(rank, bucket);
      this.ranks.splice(this.insertionPoint(rank), 0, rank);
    }
    bucket.add(slot);
    this.count += 1;
  }

  /** Takes `slot` out of bucket `rank`. */
  remove(rank: number, slot: number): void {
    const bucket = this.buckets.get(rank);
    if (bucket === undefined || !bucket.delete(slot)) return;
    this.count -= 1;
    if (bucket.size === 0) {
      this.buckets.delete(rank);
      this.ranks.splice(this.insertionPoint(rank), 1);
    }
  }

  /** Slots from the highest rank down; within a rank, in the order they entered it. */
  *descending(): Generator<number> {
    for (const rank of [...this.ranks]) {
      const bucket = this.buckets.get(rank);
      if (bucket !== undefined) yield* bucket;
    }
  }

  /** Index of `rank` in the descending list, or where it would go. */
  private insertionPoint(rank: number): number {
    let low = 0;
    let high = this.ranks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ranks[mid] as number) > rank) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
