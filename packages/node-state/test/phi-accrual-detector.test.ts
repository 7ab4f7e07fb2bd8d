import {
  DEFAULT_PHI_ACCRUAL_OPTIONS,
  PhiAccrualDetector,
  type PhiAccrualOptions,
  logNormalTail,
  phiOf,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { expectCode } from './node-fixtures';

/**
 * Naive reference: the normal upper tail Q(y) = 1 − F, i.e. ½·erfc(y/√2) with erfc computed by
 * integrating the density numerically (composite Simpson). Slow, obviously correct, accurate in the tail.
 */
function naiveTail(y: number): number {
  const density = (u: number) => Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
  const simpson = (a: number, b: number, n: number) => {
    const h = (b - a) / n;
    let sum = density(a) + density(b);
    for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * density(a + i * h);
    return (sum * h) / 3;
  };
  if (y < 0) return 0.5 + simpson(y, 0, 8_000);
  const length = y >= 1 ? 60 / y : 15; // beyond this the density is < e^-60 of its value at y
  return simpson(y, y + length, 8_000);
}

const naivePhi = (elapsed: number, mean: number, sd: number) => -Math.log10(naiveTail((elapsed - mean) / sd));

describe('normal tail and phi', () => {
  it('matches published tail probabilities', () => {
    const table: Array<[number, number]> = [
      [0, 0.5],
      [1, 0.158655253931457],
      [3, 0.00134989803163009],
      [5, 2.86651571879194e-7],
      [10, 7.61985302416047e-24],
      [-1, 0.841344746068543],
    ];
    for (const [y, q] of table) expect(Math.exp(logNormalTail(y)) / q).toBeCloseTo(1, 6);
    expect(phiOf(1000, 1000, 100)).toBeCloseTo(Math.log10(2), 7);
  });

  it('agrees with the naive numerical integration from −8 σ to +35 σ', () => {
    for (const y of [-8, -3, -1, -0.5, 0, 0.5, 1, 2, 5, 10, 20, 35]) {
      expect(Math.abs(phiOf(y * 100 + 1000, 1000, 100) - naivePhi(y * 100 + 1000, 1000, 100))).toBeLessThan(
        1e-6,
      );
    }
    fc.assert(
      fc.property(fc.double({ min: -8, max: 35, noNaN: true }), (y) => {
        const fast = phiOf(y * 100 + 1000, 1000, 100);
        expect(Math.abs(fast - naivePhi(y * 100 + 1000, 1000, 100))).toBeLessThan(1e-6);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps growing deep in the tail instead of saturating', () => {
    expect(phiOf(1000 + 40 * 100, 1000, 100)).toBeGreaterThan(300);
    expect(Number.isFinite(phiOf(1000 + 1000 * 100, 1000, 100))).toBe(true);
    expect(phiOf(0, 1000, 100)).toBeGreaterThanOrEqual(0);
  });
});

/**
 * Naive model of the detector: an unbounded list, the last `maxSampleSize` taken on demand, mean and
 * deviation recomputed from scratch. Its φ uses `phiOf`, which the tests above check against the
 * numerical integration, so this model tests the window, the statistics and the skip rule.
 */
class NaiveDetector {
  private readonly all: number[] = [];
  private last: number | undefined;
  constructor(private readonly o: PhiAccrualOptions) {}
  window(): number[] {
    return this.all.slice(-this.o.maxSampleSize);
  }
  stats(): { mean: number; sd: number } {
    const w = this.window();
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    return { mean, sd: Math.sqrt(variance) };
  }
  phi(now: number): number {
    if (this.last === undefined) return 0;
    const { mean, sd } = this.stats();
    return phiOf(
      now - this.last,
      mean + this.o.acceptableHeartbeatPauseMs,
      Math.max(sd, this.o.minStdDeviationMs),
    );
  }
  heartbeat(now: number): void {
    if (this.last === undefined) {
      const e = this.o.firstHeartbeatEstimateMs;
      this.all.push(e - e / 4, e + e / 4);
    } else if (this.phi(now) < this.o.threshold) {
      this.all.push(now - this.last);
    }
    this.last = now;
  }
}

describe('PhiAccrualDetector', () => {
  it('agrees with a naive model on random heartbeat histories', () => {
    fc.assert(
      fc.property(
        fc.record({
          threshold: fc.double({ min: 1, max: 12, noNaN: true }),
          maxSampleSize: fc.integer({ min: 2, max: 12 }),
          minStdDeviationMs: fc.integer({ min: 1, max: 200 }),
          acceptableHeartbeatPauseMs: fc.integer({ min: 0, max: 2000 }),
          firstHeartbeatEstimateMs: fc.integer({ min: 100, max: 2000 }),
        }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 1, maxLength: 5 }),
        (options, gaps, probes) => {
          const detector = new PhiAccrualDetector(options);
          const naive = new NaiveDetector(detector.options);
          let now = 1_000_000;
          for (const gap of gaps) {
            now += gap;
            detector.heartbeat(now);
            naive.heartbeat(now);
            expect(detector.intervals()).toEqual(naive.window());
            const { mean, sd } = naive.stats();
            expect(detector.meanIntervalMs).toBeCloseTo(mean, 6);
            expect(detector.stdDeviationMs).toBeCloseTo(sd, 4);
            for (const probe of probes) {
              const phi = detector.phi(now + probe);
              expect(Math.abs(phi - naive.phi(now + probe))).toBeLessThan(1e-5 * Math.max(1, phi));
              expect(detector.isAvailable(now + probe)).toBe(phi < options.threshold);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps its running sums exact over long histories (periodic recomputation)', () => {
    const detector = new PhiAccrualDetector({ maxSampleSize: 97, acceptableHeartbeatPauseMs: 0 });
    const naive = new NaiveDetector(detector.options);
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      now += 1000 + ((i * 7919) % 301) - 150 + (i % 13) * 1e-3;
      detector.heartbeat(now);
      naive.heartbeat(now);
    }
    const { mean, sd } = naive.stats();
    expect(Math.abs((detector.meanIntervalMs as number) - mean) / mean).toBeLessThan(1e-12);
    expect(Math.abs((detector.stdDeviationMs as number) - sd) / sd).toBeLessThan(1e-9);
    expect(detector.sampleCount).toBe(97);
  });

  it('behaves like the paper: low on time, high after silence, seeded by the first estimate', () => {
    const detector = new PhiAccrualDetector();
    expect(detector.isMonitoring).toBe(false);
    expect(detector.phi(0)).toBe(0);
    expect(detector.isAvailable(10 ** 9)).toBe(true); // never heard from: not suspected (as Akka)
    detector.heartbeat(0);
    expect(detector.intervals()).toEqual([750, 1250]);
    for (let t = 1000; t <= 60_000; t += 1000) detector.heartbeat(t);
    expect(detector.phi(61_000)).toBeLessThan(1);
    let previous = 0;
    for (let t = 60_000; t <= 80_000; t += 500) {
      const phi = detector.phi(t);
      expect(phi).toBeGreaterThanOrEqual(previous);
      previous = phi;
    }
    expect(detector.isAvailable(64_000)).toBe(true); // within mean + acceptable pause
    expect(detector.isAvailable(70_000)).toBe(false);
  });

  it('does not learn the outage: the first heartbeat after suspicion is not recorded', () => {
    const detector = new PhiAccrualDetector({ acceptableHeartbeatPauseMs: 0 });
    for (let t = 0; t <= 10_000; t += 1000) detector.heartbeat(t);
    const before = detector.intervals();
    detector.heartbeat(200_000);
    expect(detector.intervals()).toEqual(before);
    detector.heartbeat(201_000);
    expect(detector.intervals()).toEqual([...before, 1000]);
  });

  it('rejects bad options and times', () => {
    const bad: Array<Partial<PhiAccrualOptions>> = [
      { threshold: 0 },
      { threshold: Number.NaN },
      { maxSampleSize: 1 },
      { maxSampleSize: 2.5 },
      { minStdDeviationMs: 0 },
      { acceptableHeartbeatPauseMs: -1 },
      { firstHeartbeatEstimateMs: 0 },
    ];
    for (const options of bad) expectCode(() => new PhiAccrualDetector(options), 'BC_NODE_DETECTOR_INVALID');
    const detector = new PhiAccrualDetector();
    expect(detector.options).toEqual(DEFAULT_PHI_ACCRUAL_OPTIONS);
    detector.heartbeat(100);
    expectCode(() => detector.heartbeat(99), 'BC_NODE_TIME_INVALID');
    expectCode(() => detector.phi(50), 'BC_NODE_TIME_INVALID');
    expectCode(() => detector.phi(Number.NaN), 'BC_NODE_TIME_INVALID');
    expectCode(() => detector.isAvailable(200, -1), 'BC_NODE_DETECTOR_INVALID');
    expect(detector.intervals()).toEqual([750, 1250]);
  });
});
