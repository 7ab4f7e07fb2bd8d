/**
 * Versions of location entries and the hybrid logical clock that issues them.
 *
 * A version is `(wall, counter, writer)`: `wall` is a millisecond timestamp, `counter` orders events
 * within one millisecond, `writer` is the GuidV4 of the node that wrote the entry. Versions are
 * totally ordered by `wall`, then `counter`, then `writer` (string order), so two different writers
 * never produce equal versions. The clock is a hybrid logical clock (Kulkarni, Demirbas et al.,
 * "Logical Physical Clocks", OPODIS 2014): every version it issues is greater than every version it
 * has issued or observed, and stays close to physical time, so "the later observation wins" means
 * roughly later in real time and always later along causal chains.
 */
import type { GuidV4 } from '@brightchain/core';

/** When and by whom a location entry was written. Ordered by wall, counter, writer. */
export interface EntryVersion {
  /** Milliseconds since the Unix epoch at the writer (hybrid logical clock, never decreasing). */
  readonly wall: number;
  /** Tie-breaker for events within one millisecond of `wall`. */
  readonly counter: number;
  /** The node that wrote the entry. */
  readonly writer: GuidV4;
}

/** Largest counter value (it is stored as an unsigned 32-bit integer). */
export const MAX_VERSION_COUNTER = 0xffff_ffff;

/**
 * Orders two versions: negative if `a` is older, positive if newer, 0 if identical. Never throws.
 *
 * @example
 * ```ts
 * compareVersions({ wall: 5, counter: 0, writer: a }, { wall: 5, counter: 1, writer: a }); // < 0
 * ```
 */
export function compareVersions(a: EntryVersion, b: EntryVersion): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.writer === b.writer) return 0;
  return a.writer < b.writer ? -1 : 1;
}

/** The `(wall, counter)` part of a hybrid logical clock reading. @internal */
export interface ClockReading {
  wall: number;
  counter: number;
}

/**
 * Issues `(wall, counter)` pairs for one writer: strictly increasing, at least the physical time
 * given, and above everything observed.
 * @internal
 */
export class HybridLogicalClock {
  private wall = 0;
  private counter = 0;

  /** The next reading at physical time `physicalMs` (floored to whole milliseconds). */
  next(physicalMs: number): ClockReading {
    const physical = Math.max(0, Math.floor(physicalMs));
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else if (this.counter < MAX_VERSION_COUNTER) {
      this.counter += 1;
    } else {
      this.wall += 1;
      this.counter = 0;
    }
    return { wall: this.wall, counter: this.counter };
  }

  /** The current reading, to {@link HybridLogicalClock.restore} if a batch is abandoned. */
  snapshot(): ClockReading {
    return { wall: this.wall, counter: this.counter };
  }

  /** Puts the clock back to a snapshot. */
  restore(reading: ClockReading): void {
    this.wall = reading.wall;
    this.counter = reading.counter;
  }

  /** Moves the clock past a version written elsewhere (or recovered from disk). */
  observe(wall: number, counter: number): void {
    if (wall > this.wall || (wall === this.wall && counter > this.counter)) {
      this.wall = wall;
      this.counter = counter;
    }
  }
}
