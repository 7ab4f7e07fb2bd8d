/**
 * Keyed deadlines with lazy invalidation on top of core's {@link BinaryHeap}, so a core can answer
 * "when is my next timer due?" in O(1) and fire due timers in O(log n) without scanning every timer
 * on every tick. Each key has at most one live deadline; scheduling a key again supersedes its older
 * entry, which is discarded when it reaches the top (or when stale entries pile up).
 */
import { BinaryHeap } from '@brightchain/core';

interface Entry {
  readonly at: number;
  readonly key: string;
  readonly token: number;
}

/**
 * Deadline heap keyed by string. Ties fire in scheduling order.
 *
 * @example
 * ```ts
 * const heap = new DeadlineHeap();
 * heap.schedule('suspect:a', 5000);
 * heap.peek(); // 5000
 * heap.popDue(6000); // ['suspect:a']
 * ```
 */
export class DeadlineHeap {
  private readonly heap = new BinaryHeap<Entry>(
    (a, b) => a.at < b.at || (a.at === b.at && a.token < b.token),
  );
  private readonly live = new Map<string, number>();
  private nextToken = 0;

  /** Number of live deadlines. */
  get size(): number {
    return this.live.size;
  }

  /** Sets (or moves) `key`'s deadline to `at`. */
  schedule(key: string, at: number): void {
    const token = this.nextToken++;
    this.live.set(key, token);
    this.heap.push({ at, key, token });
    if (this.heap.size > 4 * this.live.size + 64) this.heap.filter((entry) => this.isLive(entry));
  }

  /** Cancels `key`'s deadline, if any. */
  cancel(key: string): void {
    this.live.delete(key);
  }

  /** True when `key` has a live deadline. */
  has(key: string): boolean {
    return this.live.has(key);
  }

  /** The earliest live deadline, or undefined. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap.peek()?.at;
  }

  /** Removes and returns the keys whose deadline is `≤ now`, earliest first (ties by schedule order). */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap.peek();
      if (top === undefined || top.at > now) return due;
      this.heap.pop();
      this.live.delete(top.key);
      due.push(top.key);
    }
  }

  private isLive(entry: Entry): boolean {
    return this.live.get(entry.key) === entry.token;
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || this.isLive(top)) return;
      this.heap.pop();
    }
  }
}
