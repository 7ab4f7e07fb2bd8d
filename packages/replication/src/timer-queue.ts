/**
 * Keyed deadlines with lazy invalidation: setting a key again supersedes its earlier deadline, and
 * superseded entries are dropped when they reach the top. Gives the scheduler its `nextDeadline()` in
 * O(1) and fires due timers in O(log n) each. Internal.
 */
import { BinaryHeap } from '@brightchain/core';

interface TimerEntry {
  readonly at: number;
  readonly key: string;
  readonly token: number;
}

/** @internal */
export class TimerQueue {
  private readonly heap = new BinaryHeap<TimerEntry>(
    (a, b) => a.at < b.at || (a.at === b.at && a.token < b.token),
  );
  private readonly live = new Map<string, number>();
  private nextToken = 0;

  get size(): number {
    return this.live.size;
  }

  set(key: string, at: number): void {
    const token = this.nextToken++;
    this.live.set(key, token);
    this.heap.push({ at, key, token });
    if (this.heap.size > 4 * this.live.size + 64) this.heap.filter((e) => this.live.get(e.key) === e.token);
  }

  clear(key: string): void {
    this.live.delete(key);
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  /** Earliest live deadline, or undefined. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap.peek()?.at;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap.peek();
      if (top === undefined || top.at > now) break;
      this.heap.pop();
      this.live.delete(top.key);
      due.push(top.key);
    }
    return due;
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || this.live.get(top.key) === top.token) return;
      this.heap.pop();
    }
  }
}
