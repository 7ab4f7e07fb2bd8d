/**
 * Partition detection from one node's membership view. The node reports `PARTITIONED` when the
 * fraction of members it can reach falls below a quorum fraction (Ceph's `mon_osd_min_in_ratio`
 * idea: below it, failures look like a split, not like independent crashes, and automatic repair
 * would do more harm than good). Hysteresis (a higher recover fraction) and a hold time keep it from
 * flapping. Pure and deadline-based: the owner feeds counts and times.
 */

/** `PARTITIONED` while the reachable fraction is below quorum, `CONNECTED` otherwise. */
export type PartitionState = 'CONNECTED' | 'PARTITIONED';

/** Thresholds of a {@link PartitionDetector} (see `PartitionConfig`). */
export interface PartitionDetectorOptions {
  readonly quorumFraction: number;
  readonly recoverFraction: number;
  readonly holdMs: number;
}

/** A flip of the detector's state. */
export interface PartitionTransition {
  readonly state: PartitionState;
  /** Reachable fraction when the flip happened. */
  readonly reachableFraction: number;
  readonly reachable: number;
  readonly known: number;
  /** When the crossing started (the flip happens `holdMs` later). */
  readonly since: number;
  readonly at: number;
}

/**
 * Hysteresis + hold-time partition detector.
 *
 * @example
 * ```ts
 * const detector = new PartitionDetector({ quorumFraction: 0.75, recoverFraction: 0.8, holdMs: 2000 });
 * detector.observe(5, 10, 0); // undefined (crossing starts)
 * detector.observe(5, 10, 2000); // { state: 'PARTITIONED', reachableFraction: 0.5, … }
 * ```
 */
export class PartitionDetector {
  private current: PartitionState = 'CONNECTED';
  private pendingSince: number | undefined;
  private reachable = 1;
  private known = 1;

  constructor(private readonly options: PartitionDetectorOptions) {}

  /** The reported state. */
  get state(): PartitionState {
    return this.current;
  }

  /** The last observed reachable fraction (1 when nothing is known). */
  get reachableFraction(): number {
    return fractionOf(this.reachable, this.known);
  }

  /** When a pending crossing will flip the state if it persists, else undefined. */
  get nextDeadline(): number | undefined {
    return this.pendingSince === undefined ? undefined : this.pendingSince + this.options.holdMs;
  }

  /**
   * Records that `reachable` of `known` members are reachable at time `now`. Returns the transition
   * when the state flips.
   */
  observe(reachable: number, known: number, now: number): PartitionTransition | undefined {
    this.reachable = reachable;
    this.known = known;
    const fraction = fractionOf(reachable, known);
    const crossing =
      this.current === 'CONNECTED'
        ? fraction < this.options.quorumFraction
        : fraction >= this.options.recoverFraction;
    if (!crossing) {
      this.pendingSince = undefined;
      return undefined;
    }
    if (this.pendingSince === undefined) this.pendingSince = now;
    // Same expression as `nextDeadline`, so a tick exactly at the deadline always flips.
    if (now < this.pendingSince + this.options.holdMs) return undefined;
    const since = this.pendingSince;
    this.pendingSince = undefined;
    this.current = this.current === 'CONNECTED' ? 'PARTITIONED' : 'CONNECTED';
    return { state: this.current, reachableFraction: fraction, reachable, known, since, at: now };
  }

  /** Re-evaluates the last counts at `now` (for hold-time expiry). */
  poll(now: number): PartitionTransition | undefined {
    return this.observe(this.reachable, this.known, now);
  }
}

function fractionOf(reachable: number, known: number): number {
  return known <= 0 ? 1 : reachable / known;
}
