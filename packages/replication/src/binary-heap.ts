/**
 * A binary min-heap under a comparator (Williams 1964). Internal: the scheduler's pending queue and
 * timer queue are built on it. `O(log n)` push and pop, `O(n)` build from an array.
 */

/** @internal */
export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(item, items[parent] as T)) break;
      items[i] = items[parent] as T;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0] as T;
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Keeps only items passing `keep`, then restores the heap in O(n). */
  filter(keep: (item: T) => boolean): void {
    const items = this.items;
    let w = 0;
    for (const item of items) if (keep(item)) items[w++] = item;
    items.length = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[start] as T;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(items[right] as T, items[left] as T) ? right : left;
      if (!this.less(items[child] as T, item)) break;
      items[i] = items[child] as T;
      i = child;
    }
    items[i] = item;
  }
}
