/**
 * Lifeguard's Local Health Multiplier (Dadgar et al., arXiv 1707.00788, §4.1 "LHA-Probe"): a node
 * that misses acks, gets too few nacks back from the members it asked for help, or has to refute
 * suspicions about itself is probably the slow one, so it stretches its own probe interval and
 * timeout instead of accusing healthy peers. Successful probes bring the score back down.
 */

/** Why the score moved (for events and metrics). */
export type LocalHealthCause = 'probe-succeeded' | 'probe-failed' | 'missed-nack' | 'refuted';

/**
 * A saturating score in `0 .. max − 1`; timeouts are scaled by `score + 1`.
 *
 * @example
 * ```ts
 * const health = new LocalHealth(8);
 * health.apply(+2);
 * health.scale(1000); // 3000
 * ```
 */
export class LocalHealth {
  private current = 0;

  /**
   * @param maxMultiplier - the largest scale factor (memberlist's `AwarenessMaxMultiplier`, default 8)
   * @param enabled - when false the score stays 0 and `scale` is the identity
   */
  constructor(
    readonly maxMultiplier: number,
    readonly enabled = true,
  ) {}

  /** The current score (0 = healthy). */
  get score(): number {
    return this.current;
  }

  /** Adds `delta`, clamped to `0 .. maxMultiplier − 1`. Returns true when the score changed. */
  apply(delta: number): boolean {
    if (!this.enabled) return false;
    const next = Math.min(this.maxMultiplier - 1, Math.max(0, this.current + delta));
    if (next === this.current) return false;
    this.current = next;
    return true;
  }

  /** `ms × (score + 1)`. */
  scale(ms: number): number {
    return ms * (this.current + 1);
  }
}
