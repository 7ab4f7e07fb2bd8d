/**
 * Lifeguard's dynamic suspicion timeout (Dadgar et al., arXiv 1707.00788, §4.2 "LHA-Suspicion"):
 * a suspicion starts with the maximum timeout and, as independent members confirm it, the timeout
 * shrinks logarithmically towards the minimum; with `k` confirmations it reaches the minimum.
 * Deadline-based: nothing here reads a clock; the owner compares `deadline` with its `tick(now)`.
 */

/** The minimum and maximum suspicion timeouts for a cluster size. */
export interface SuspicionTimeoutBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * memberlist's bounds: `min = suspicionMult × max(1, log10(N)) × probeIntervalMs` and
 * `max = suspicionMaxTimeoutMult × min`, so detection time grows with the expected gossip delay.
 *
 * @example
 * ```ts
 * suspicionTimeoutBounds(4, 100, 1000, 6); // { minMs: 8000, maxMs: 48000 }
 * ```
 */
export function suspicionTimeoutBounds(
  suspicionMult: number,
  memberCount: number,
  probeIntervalMs: number,
  suspicionMaxTimeoutMult: number,
): SuspicionTimeoutBounds {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, memberCount)));
  const minMs = suspicionMult * nodeScale * probeIntervalMs;
  return { minMs, maxMs: suspicionMaxTimeoutMult * minMs };
}

/**
 * The total timeout after `confirmations` of `expected` (k) independent confirmations:
 * `max − (max − min) × ln(n + 1) / ln(k + 1)`, never below `min`; exactly `min` when `k < 1`.
 *
 * @example
 * ```ts
 * suspicionTimeoutAfter(0, 3, 4000, 24000); // 24000
 * suspicionTimeoutAfter(3, 3, 4000, 24000); // 4000
 * ```
 */
export function suspicionTimeoutAfter(
  confirmations: number,
  expected: number,
  minMs: number,
  maxMs: number,
): number {
  if (expected < 1) return minMs;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(minMs, maxMs - fraction * (maxMs - minMs));
}

/** Options of a {@link SuspicionTimer}. */
export interface SuspicionTimerOptions {
  /** Who raised the suspicion; never counted as a confirmation. */
  readonly accuser: string;
  /** When the suspicion started (ms). */
  readonly startedAt: number;
  /** Confirmations that drive the timeout to the minimum (0: the timeout is the minimum). */
  readonly expectedConfirmations: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * One member's suspicion: counts distinct confirmers and yields the current deadline.
 *
 * @example
 * ```ts
 * const timer = new SuspicionTimer({ accuser: 'a', startedAt: 0, expectedConfirmations: 2, minMs: 4000, maxMs: 24000 });
 * timer.confirm('b'); // true
 * timer.deadline; // 0 + 24000 − 20000 × ln 2 / ln 3 ≈ 11381
 * ```
 */
export class SuspicionTimer {
  /** Who raised the suspicion. */
  readonly accuser: string;
  /** When the suspicion started. */
  readonly startedAt: number;
  /** Lifeguard's k. */
  readonly expectedConfirmations: number;
  readonly minMs: number;
  readonly maxMs: number;
  private readonly confirmers = new Set<string>();

  constructor(options: SuspicionTimerOptions) {
    this.accuser = options.accuser;
    this.startedAt = options.startedAt;
    this.expectedConfirmations = options.expectedConfirmations;
    this.minMs = options.minMs;
    this.maxMs = options.maxMs;
  }

  /** Independent confirmations counted so far. */
  get confirmations(): number {
    return this.confirmers.size;
  }

  /** The current total timeout (ms from `startedAt`). */
  get timeoutMs(): number {
    return suspicionTimeoutAfter(this.confirmers.size, this.expectedConfirmations, this.minMs, this.maxMs);
  }

  /** When the member is to be declared dead unless the suspicion is cleared first. */
  get deadline(): number {
    return this.startedAt + this.timeoutMs;
  }

  /**
   * Counts `from` as a confirmation. Returns true when it was new information (a distinct confirmer
   * other than the accuser, while fewer than k were counted), which the owner re-gossips.
   */
  confirm(from: string): boolean {
    if (this.confirmers.size >= this.expectedConfirmations) return false;
    if (from === this.accuser || this.confirmers.has(from)) return false;
    this.confirmers.add(from);
    return true;
  }
}
