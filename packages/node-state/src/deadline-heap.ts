/**
 * A binary min-heap of deadlines with lazy invalidation, so a core can answer "when is my next
 * timer due?" in O(1) and fire due timers in O(log n) without scanning every timer on every tick.
 * Each key has at most one live deadline; scheduling a key again supersedes its older entry, which
 * is discarded when it reaches the top.
 */

interface Entry {
  at: number;
  key: string;
  token: number;
}

/**
 * Deadline heap keyed by string.
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
  private readonly heap: Entry[] = [];
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
    this.push({ at, key, token });
    if (this.heap.length > 4 * this.live.size + 64) this.compact();
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
    return this.heap[0]?.at;
  }

  /** Removes and returns the keys whose deadline is `≤ now`, earliest first (ties by schedule order). */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (top === undefined || top.at > now) return due;
      this.pop();
      this.live.delete(top.key);
      due.push(top.key);
    }
  }

  private compact(): void {
    const kept = this.heap.filter((entry) => this.live.get(entry.key) === entry.token);
    this.heap.length = 0;
    for (const entry of kept) this.push(entry);
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || this.live.get(top.key) === top.token) return;
      this.pop();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.token < b.token);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && this.less(heap[l] as Entry, heap[smallest] as Entry)) smallest = l;
      if (r < heap.length && this.less(heap[r] as Entry, heap[smallest] as Entry)) smallest = r;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry];
      i = smallest;
    }
  }
}
