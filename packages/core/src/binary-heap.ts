/**
 * A binary min-heap under a comparator (Williams 1964): the priority queue behind schedulers' job
 * queues and timer deadlines. `O(log n)` push and pop, `O(n)` filter.
 */

/**
 * Min-heap ordered by `less`. Ties pop in no particular order: put a sequence number in the items
 * and compare on it last when determinism across runs matters.
 *
 * @example
 * ```ts
 * const heap = new BinaryHeap<number>((a, b) => a < b);
 * heap.push(3);
 * heap.push(1);
 * heap.pop(); // 1
 * ```
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];

  /** @param less - true when `a` must pop before `b` */
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The item `pop()` would return, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds `item`. */
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

  /** Removes and returns the smallest item, or `undefined` when empty. */
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
