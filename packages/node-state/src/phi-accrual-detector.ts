/**
 * The φ accrual failure detector (Hayashibara, Défago, Yared & Katayama, "The φ Accrual Failure
 * Detector", SRDS 2004), with the refinements Akka uses: a bounded sliding window of heartbeat
 * inter-arrival times, a floor on the standard deviation, an acceptable heartbeat pause added to
 * the mean, and a first-heartbeat estimate that seeds the window.
 *
 * Instead of a yes/no verdict it outputs a suspicion level
 *
 *     φ(t) = −log₁₀(1 − F(t − t_last))
 *
 * where F is the CDF of a normal distribution with the window's mean (plus the acceptable pause)
 * and standard deviation (at least `minStdDeviationMs`). φ = 1 means a 10 % chance that declaring
 * the node dead is a mistake, φ = 2 a 1 % chance, φ = 8 (the default threshold) 10⁻⁸.
 *
 * The tail `1 − F` is computed in log space through the complementary error function,
 * `1 − Φ(y) = ½·erfc(y/√2)`, with the Chebyshev-fitted erfc of Numerical Recipes (Press et al.,
 * 2nd ed., §6.2; fractional error below 1.2·10⁻⁷ everywhere). Unlike Akka's logistic
 * approximation it stays accurate deep in the tail (Akka's φ is 0.76 too high at 5 σ and jumps to
 * Infinity past ~21 σ), and the test suite checks it against a naive numerical integration of the
 * normal density.
 *
 * Sans-I/O: every method takes the time from the caller.
 */
import { BrightChainError } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';

/** Detector tunables (times in ms). Defaults are Akka cluster's. */
export interface PhiAccrualOptions {
  /** φ at or above which {@link PhiAccrualDetector.isAvailable} says no. Default 8. */
  readonly threshold: number;
  /** Inter-arrival times kept (sliding window). Default 1 000. */
  readonly maxSampleSize: number;
  /** Floor on the standard deviation, so a very regular history does not make φ explode. Default 100. */
  readonly minStdDeviationMs: number;
  /** Pause tolerated without suspicion (GC, network blips); added to the mean. Default 3 000. */
  readonly acceptableHeartbeatPauseMs: number;
  /** Expected heartbeat interval before any is measured; seeds the window. Default 1 000. */
  readonly firstHeartbeatEstimateMs: number;
}

/**
 * The default {@link PhiAccrualOptions}.
 *
 * @example
 * ```ts
 * const detector = new PhiAccrualDetector({ ...DEFAULT_PHI_ACCRUAL_OPTIONS, threshold: 10 });
 * ```
 */
export const DEFAULT_PHI_ACCRUAL_OPTIONS: PhiAccrualOptions = Object.freeze({
  threshold: 8,
  maxSampleSize: 1000,
  minStdDeviationMs: 100,
  acceptableHeartbeatPauseMs: 3000,
  firstHeartbeatEstimateMs: 1000,
});

const LN10 = Math.log(10);
const LN_HALF = Math.log(0.5);

/** Coefficients c₀…c₉ of P(t) = Σ cᵢ tⁱ in the Numerical Recipes erfc fit. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * ln(erfc(z)) for z ≥ 0 from the Numerical Recipes Chebyshev fit, kept in log space so it never
 * underflows: erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2).
 */
function logErfcNonNegative(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC_COEFFICIENTS.length - 1; i >= 0; i--) poly = poly * t + (ERFC_COEFFICIENTS[i] as number);
  return Math.log(t) - z * z + poly;
}

/**
 * ln(1 − Φ(y)), the log upper tail of the standard normal distribution.
 *
 * @example
 * ```ts
 * Math.exp(logNormalTail(0)); // ≈ 0.5
 * -logNormalTail(10) / Math.LN10; // ≈ 23.1: phi of a heartbeat 10 σ late
 * ```
 */
export function logNormalTail(y: number): number {
  const z = y / Math.SQRT2;
  if (z >= 0) return LN_HALF + logErfcNonNegative(z);
  // erfc(z) = 2 − erfc(−z) for z < 0; the tail is then in (½, 1].
  return Math.log(1 - 0.5 * Math.exp(logErfcNonNegative(-z)));
}

/**
 * φ for a heartbeat `elapsedMs` late, given the expected interval `meanMs` and `stdDeviationMs`:
 * `−log₁₀(1 − F(elapsed))` with F the normal CDF. Never negative.
 *
 * @example
 * ```ts
 * phiOf(1000, 1000, 100); // ≈ 0.301 (= −log₁₀ ½)
 * ```
 */
export function phiOf(elapsedMs: number, meanMs: number, stdDeviationMs: number): number {
  const y = (elapsedMs - meanMs) / stdDeviationMs;
  const phi = -logNormalTail(y) / LN10;
  return Math.max(phi, 0);
}

function detectorError(field: string, value: unknown, rule: string): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.NODE_DETECTOR_INVALID, `phi accrual ${field} ${rule}`, {
    details: { field, value },
  });
}

/**
 * A full option set from `overrides`, checked.
 *
 * @throws BrightChainError `BC_NODE_DETECTOR_INVALID` for a value out of range
 * @example
 * ```ts
 * const options = resolvePhiAccrualOptions({ acceptableHeartbeatPauseMs: 0 });
 * ```
 */
export function resolvePhiAccrualOptions(overrides: Partial<PhiAccrualOptions> = {}): PhiAccrualOptions {
  const o = { ...DEFAULT_PHI_ACCRUAL_OPTIONS, ...overrides };
  if (!(typeof o.threshold === 'number' && Number.isFinite(o.threshold) && o.threshold > 0)) {
    throw detectorError('threshold', o.threshold, 'must be a finite number > 0');
  }
  if (!(Number.isSafeInteger(o.maxSampleSize) && o.maxSampleSize >= 2 && o.maxSampleSize <= 1_000_000)) {
    throw detectorError('maxSampleSize', o.maxSampleSize, 'must be an integer in [2, 1 000 000]');
  }
  if (
    !(
      typeof o.minStdDeviationMs === 'number' &&
      Number.isFinite(o.minStdDeviationMs) &&
      o.minStdDeviationMs > 0
    )
  ) {
    throw detectorError('minStdDeviationMs', o.minStdDeviationMs, 'must be a finite number > 0');
  }
  const pause = o.acceptableHeartbeatPauseMs;
  if (!(typeof pause === 'number' && Number.isFinite(pause) && pause >= 0)) {
    throw detectorError('acceptableHeartbeatPauseMs', pause, 'must be a finite number ≥ 0');
  }
  const first = o.firstHeartbeatEstimateMs;
  if (!(typeof first === 'number' && Number.isFinite(first) && first > 0)) {
    throw detectorError('firstHeartbeatEstimateMs', first, 'must be a finite number > 0');
  }
  return Object.freeze(o);
}

/**
 * A φ accrual failure detector for one monitored node.
 *
 * @example
 * ```ts
 * const detector = new PhiAccrualDetector();
 * detector.heartbeat(0);
 * detector.heartbeat(1000);
 * detector.phi(1500); // small: on time
 * detector.isAvailable(20_000); // false: long overdue
 * ```
 */
export class PhiAccrualDetector {
  readonly options: PhiAccrualOptions;
  private readonly window: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;
  private sinceRecompute = 0;
  private last: number | undefined;

  /** @throws BrightChainError `BC_NODE_DETECTOR_INVALID` for bad options */
  constructor(options: Partial<PhiAccrualOptions> = {}) {
    this.options = resolvePhiAccrualOptions(options);
    this.window = new Float64Array(this.options.maxSampleSize);
  }

  /** True once a heartbeat has arrived. */
  get isMonitoring(): boolean {
    return this.last !== undefined;
  }

  /** Time of the latest heartbeat (ms), if any. */
  get lastHeartbeatAt(): number | undefined {
    return this.last;
  }

  /** Inter-arrival times in the window (including the two seeded by the first heartbeat). */
  get sampleCount(): number {
    return this.count;
  }

  /** Mean inter-arrival time of the window (ms), without the acceptable pause. */
  get meanIntervalMs(): number | undefined {
    return this.count === 0 ? undefined : this.sum / this.count;
  }

  /** Population standard deviation of the window (ms), before the `minStdDeviationMs` floor. */
  get stdDeviationMs(): number | undefined {
    if (this.count === 0) return undefined;
    const mean = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.count - mean * mean));
  }

  /** The window's inter-arrival times, oldest first. */
  intervals(): number[] {
    const out: number[] = [];
    const size = this.options.maxSampleSize;
    for (let i = 0; i < this.count; i++)
      out.push(this.window[(this.head - this.count + i + size) % size] as number);
    return out;
  }

  /**
   * Records a heartbeat at `now`. The first one seeds the window with `estimate ± estimate/4`
   * (Akka's first-heartbeat estimate); later ones add the inter-arrival time, except the first
   * heartbeat after the node was already suspected (φ ≥ threshold), which would skew the
   * distribution with the outage.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID` for a non-finite time or one before the last heartbeat
   */
  heartbeat(now: number): void {
    this.checkTime(now);
    if (this.last === undefined) {
      const mean = this.options.firstHeartbeatEstimateMs;
      const deviation = mean / 4;
      this.push(mean - deviation);
      this.push(mean + deviation);
    } else if (this.phi(now) < this.options.threshold) {
      this.push(now - this.last);
    }
    this.last = now;
  }

  /**
   * The suspicion level at `now`; 0 before the first heartbeat.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID` for a non-finite time or one before the last heartbeat
   */
  phi(now: number): number {
    this.checkTime(now);
    if (this.last === undefined || this.count === 0) return 0;
    const mean = this.sum / this.count;
    const deviation = Math.max(
      Math.sqrt(Math.max(0, this.sumOfSquares / this.count - mean * mean)),
      this.options.minStdDeviationMs,
    );
    return phiOf(now - this.last, mean + this.options.acceptableHeartbeatPauseMs, deviation);
  }

  /**
   * True while φ(now) is below `threshold` (default: the configured one). A node never heard from
   * counts as available, as in Akka.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID` for a bad time; `BC_NODE_DETECTOR_INVALID` for a bad threshold
   */
  isAvailable(now: number, threshold: number = this.options.threshold): boolean {
    if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold > 0)) {
      throw detectorError('threshold', threshold, 'must be a finite number > 0');
    }
    return this.phi(now) < threshold;
  }

  private checkTime(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now) || (this.last !== undefined && now < this.last)) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_TIME_INVALID,
        'time must be finite and not before the last heartbeat',
        { details: { now, lastHeartbeat: this.last } },
      );
    }
  }

  private push(interval: number): void {
    const size = this.options.maxSampleSize;
    if (this.count === size) {
      const evicted = this.window[this.head] as number;
      this.sum -= evicted;
      this.sumOfSquares -= evicted * evicted;
    } else {
      this.count++;
    }
    this.window[this.head] = interval;
    this.head = (this.head + 1) % size;
    this.sum += interval;
    this.sumOfSquares += interval * interval;
    // Running sums drift under repeated add/subtract; recompute them exactly once per window length.
    if (++this.sinceRecompute >= size) {
      this.sinceRecompute = 0;
      let sum = 0;
      let squares = 0;
      for (const x of this.intervals()) {
        sum += x;
        squares += x * x;
      }
      this.sum = sum;
      this.sumOfSquares = squares;
    }
  }
}
