/**
 * A Map with at most `limit` entries: inserting a new key into a full cache evicts the oldest insertion.
 * Used to remember verified announcements and parsed PeerIds without unbounded growth.
 */

/** A size-bounded Map. Internal. */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value of `key`, or undefined. */
  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` under `key` (evicting the oldest entry if full) and returns `value`. */
  set(key: K, value: V): V {
    if (!this.entries.has(key) && this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }
}
