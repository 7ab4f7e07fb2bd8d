/**
 * SWIM's round-robin probe target selection (Das et al., DSN 2002, §4.3): members are probed in the
 * order of a shuffled list, the list is reshuffled after each full pass, and a new member is inserted
 * at a uniformly random position. This bounds the time between probes of any member to
 * `2N − 1` periods while keeping the expected first-detection time of the random scheme.
 */
import type { Random } from '@brightchain/core';

/**
 * Shuffled round-robin order over member ids, driven by an injected {@link Random}.
 *
 * @example
 * ```ts
 * const order = new ProbeOrder(new SeededRandom(1));
 * order.add('a'); order.add('b');
 * order.next(() => true); // 'a' or 'b'
 * ```
 */
export class ProbeOrder {
  private ids: string[] = [];
  private readonly present = new Set<string>();
  private index = 0;
  private passes = 0;

  constructor(private readonly random: Random) {}

  /** Number of ids in the order. */
  get size(): number {
    return this.ids.length;
  }

  /** Completed passes (reshuffles) so far. */
  get completedPasses(): number {
    return this.passes;
  }

  /** True when `id` is in the order. */
  has(id: string): boolean {
    return this.present.has(id);
  }

  /** Inserts `id` at a uniformly random position (no-op when present). */
  add(id: string): void {
    if (this.present.has(id)) return;
    const position = this.random.int(this.ids.length + 1);
    this.ids.splice(position, 0, id);
    this.present.add(id);
    if (position < this.index) this.index += 1;
  }

  /** Adds every absent id of `ids` in one go: appended, then the whole order is reshuffled. */
  addAll(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.present.has(id)) continue;
      this.ids.push(id);
      this.present.add(id);
    }
    this.shuffle();
    this.index = 0;
  }

  /** Removes `id` (no-op when absent). */
  remove(id: string): void {
    if (!this.present.delete(id)) return;
    const position = this.ids.indexOf(id);
    this.ids.splice(position, 1);
    if (position < this.index) this.index -= 1;
  }

  /**
   * The next id in round-robin order for which `eligible` holds, reshuffling (Fisher–Yates) at the
   * end of each pass; undefined when no id is eligible.
   */
  next(eligible: (id: string) => boolean): string | undefined {
    for (let checked = 0; checked <= this.ids.length; checked++) {
      if (this.index >= this.ids.length) {
        this.reshuffle();
        if (this.ids.length === 0) return undefined;
      }
      const id = this.ids[this.index] as string;
      this.index += 1;
      if (eligible(id)) return id;
    }
    return undefined;
  }

  private reshuffle(): void {
    this.index = 0;
    this.passes += 1;
    this.shuffle();
  }

  private shuffle(): void {
    const ids = this.ids;
    for (let i = ids.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      const t = ids[i] as string;
      ids[i] = ids[j] as string;
      ids[j] = t;
    }
  }
}
