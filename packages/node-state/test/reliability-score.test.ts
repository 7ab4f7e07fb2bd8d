import { SeededRandom } from '@brightchain/core';
import {
  DEFAULT_RELIABILITY_POLICY,
  type ReliabilityState,
  initialReliability,
  latencyComponent,
  recordEmergencyShutdown,
  recordLatency,
  recordOutcome,
  recordUptime,
  resolveReliabilityPolicy,
  summarizeReliability,
  validateReliabilityState,
} from '@brightchain/node-state';
import fc from 'fast-check';
import { expectCode } from './node-fixtures';

const DAY = 86_400_000;
const P = DEFAULT_RELIABILITY_POLICY;

function outcomes(state: ReliabilityState, results: Iterable<boolean>): ReliabilityState {
  let s = state;
  let i = 0;
  for (const success of results)
    s = recordOutcome(s, { kind: i++ % 3 === 0 ? 'audit' : 'replication', success });
  return s;
}

function* repeat(value: boolean, times: number): Generator<boolean> {
  for (let i = 0; i < times; i++) yield value;
}

/** `length` outcomes with exactly `failures` failures at uniformly random positions (Fisher–Yates). */
function randomPlacement(random: SeededRandom, length: number, failures: number): boolean[] {
  const events = Array.from({ length }, (_, i) => i >= failures);
  for (let i = length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [events[i], events[j]] = [events[j] as boolean, events[i] as boolean];
  }
  return events;
}

describe('reliability score: properties', () => {
  it('40 consecutive failures disqualify a node after any vetted history', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: P.vettingObservations, max: 5_000 }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.integer(),
        (length, failureRate, seed) => {
          const random = new SeededRandom(seed);
          const history = Array.from({ length }, () => random.float() >= failureRate);
          let state = outcomes(initialReliability(), history);
          state = outcomes(state, repeat(false, 40));
          const summary = summarizeReliability(state);
          expect(summary.standing).toBe('disqualified');
          // The bound behind it: after k failures the audit reputation is at most λ^k.
          expect(summary.audit).toBeLessThanOrEqual(P.auditLambda ** 40 + 1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a steady 1 % failure rate never disqualifies (100 000 events, random placement)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const events = randomPlacement(new SeededRandom(seed), 100_000, 1_000);
        let state = initialReliability();
        let lowest = 1;
        for (const [i, success] of events.entries()) {
          state = recordOutcome(state, { kind: 'audit', success });
          const audit = state.alpha / (state.alpha + state.beta);
          if (i >= P.vettingObservations && audit < lowest) lowest = audit;
          if (state.disqualified) return false;
        }
        expect(lowest).toBeGreaterThan(P.disqualificationThreshold);
        return true;
      }),
      { numRuns: 15 },
    );
  });

  it('is deterministic and pure: the same history gives the same state, inputs are never modified', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('outcome' as const), success: fc.boolean(), audit: fc.boolean() }),
            fc.record({
              t: fc.constant('uptime' as const),
              up: fc.boolean(),
              durationMs: fc.integer({ min: 0, max: 10 * DAY }),
            }),
            fc.record({
              t: fc.constant('latency' as const),
              ms: fc.double({ min: 0, max: 10_000, noNaN: true }),
            }),
            fc.constant({ t: 'emergency' as const }),
          ),
          { maxLength: 300 },
        ),
        (history) => {
          const replay = () => {
            let s = initialReliability();
            for (const step of history) {
              const before = s;
              if (step.t === 'outcome')
                s = recordOutcome(s, { kind: step.audit ? 'audit' : 'replication', success: step.success });
              else if (step.t === 'uptime') s = recordUptime(s, { up: step.up, durationMs: step.durationMs });
              else if (step.t === 'latency') s = recordLatency(s, step.ms);
              else s = recordEmergencyShutdown(s);
              expect(Object.isFrozen(before)).toBe(true);
            }
            return s;
          };
          const a = replay();
          const b = replay();
          expect(b).toEqual(a);
          const sa = summarizeReliability(a);
          expect(summarizeReliability(b)).toEqual(sa);
          for (const part of [sa.score, sa.audit, sa.uptime, sa.latency]) {
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(1);
          }
          expect(validateReliabilityState(JSON.parse(JSON.stringify(a)))).toEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('disqualification is sticky', () => {
    let state = outcomes(initialReliability(), repeat(true, 500));
    state = outcomes(state, repeat(false, 40));
    expect(state.disqualified).toBe(true);
    state = outcomes(state, repeat(true, 20_000));
    expect(state.alpha / (state.alpha + state.beta)).toBeGreaterThan(0.99);
    expect(summarizeReliability(state).standing).toBe('disqualified');
  });
});

describe('reliability score: table tests', () => {
  it('standing thresholds', () => {
    const vetted = outcomes(initialReliability(), repeat(true, 100));
    expect(summarizeReliability(outcomes(initialReliability(), repeat(true, 99))).standing).toBe('unvetted');
    expect(summarizeReliability(vetted).standing).toBe('vetted');
    // λ^k crosses 0.975 (suspension) at k = 26 and 0.965 (disqualification) at k = 36.
    expect(summarizeReliability(outcomes(vetted, repeat(false, 25))).standing).toBe('vetted');
    expect(summarizeReliability(outcomes(vetted, repeat(false, 26))).standing).toBe('suspended');
    expect(summarizeReliability(outcomes(vetted, repeat(false, 35))).standing).toBe('suspended');
    expect(summarizeReliability(outcomes(vetted, repeat(false, 36))).standing).toBe('disqualified');
    // Uptime below 0.9 suspends: ln(1/0.9)·30 days ≈ 3.16 days down.
    expect(summarizeReliability(recordUptime(vetted, { up: false, durationMs: 3.1 * DAY })).standing).toBe(
      'vetted',
    );
    expect(summarizeReliability(recordUptime(vetted, { up: false, durationMs: 3.2 * DAY })).standing).toBe(
      'suspended',
    );
  });

  it('counts outcomes by kind', () => {
    let s = initialReliability();
    s = recordOutcome(s, { kind: 'replication', success: true });
    s = recordOutcome(s, { kind: 'replication', success: false });
    s = recordOutcome(s, { kind: 'audit', success: true });
    s = recordOutcome(s, { kind: 'audit', success: false });
    s = recordOutcome(s, { kind: 'audit', success: false });
    expect(s).toMatchObject({
      observations: 5,
      successfulReplications: 1,
      failedReplications: 1,
      passedAudits: 1,
      failedAudits: 2,
    });
    expect(s.alpha + s.beta).toBeCloseTo(1000, 9); // the saturated prior keeps the weight constant
  });

  it('uptime EWMA and the emergency penalty', () => {
    const s = initialReliability();
    expect(recordUptime(s, { up: false, durationMs: 30 * DAY }).uptime).toBeCloseTo(Math.exp(-1), 12);
    expect(recordUptime(s, { up: true, durationMs: 0 })).toBe(s);
    const down = recordUptime(s, { up: false, durationMs: 10 * DAY });
    expect(recordUptime(down, { up: true, durationMs: 10 * DAY }).uptime).toBeCloseTo(
      Math.exp(-1 / 3) * Math.exp(-1 / 3) + (1 - Math.exp(-1 / 3)),
      12,
    );
    const penalised = recordEmergencyShutdown(s);
    expect(penalised.uptime).toBeCloseTo(Math.exp(-1 / 30), 12);
    expect(penalised.emergencyShutdowns).toBe(1);
  });

  it('latency component', () => {
    const table: Array<[number | undefined, number]> = [
      [undefined, 1],
      [0, 1],
      [100, 1],
      [1050, 0.5],
      [2000, 0],
      [9000, 0],
    ];
    for (const [ms, expected] of table) expect(latencyComponent(ms)).toBeCloseTo(expected, 12);
    let s = recordLatency(initialReliability(), 1000);
    expect(s.latencyMs).toBe(1000);
    s = recordLatency(s, 0);
    expect(s.latencyMs).toBeCloseTo(900, 12);
  });

  it('a perfect node scores exactly 1', () => {
    expect(summarizeReliability(outcomes(initialReliability(), repeat(true, 200))).score).toBe(1);
  });

  it('rejects bad observations and policies', () => {
    const s = initialReliability();
    const badOutcome = [null, { kind: 'vote', success: true }, { kind: 'audit', success: 1 }];
    for (const outcome of badOutcome) {
      expectCode(() => recordOutcome(s, outcome as never), 'BC_NODE_RELIABILITY_INVALID');
    }
    expectCode(() => recordUptime(s, { up: true, durationMs: -1 }), 'BC_NODE_RELIABILITY_INVALID');
    expectCode(() => recordUptime(s, { up: true, durationMs: Number.NaN }), 'BC_NODE_RELIABILITY_INVALID');
    expectCode(() => recordLatency(s, -5), 'BC_NODE_RELIABILITY_INVALID');
    expectCode(() => recordLatency(s, Number.POSITIVE_INFINITY), 'BC_NODE_RELIABILITY_INVALID');
    const badPolicies = [
      { auditLambda: 1 },
      { auditLambda: 0 },
      { auditWeight: 0 },
      { initialAlpha: -1 },
      { initialAlpha: 0, initialBeta: 0 },
      { vettingObservations: 1.5 },
      { disqualificationThreshold: 0.99 },
      { uptimeSuspensionThreshold: 2 },
      { latencyGoodMs: 3000 },
      { latencyWeight: 0 },
      { weights: { audit: 0.5, uptime: 0.3, latency: 0.1 } },
    ];
    for (const policy of badPolicies)
      expectCode(() => resolveReliabilityPolicy(policy), 'BC_NODE_RELIABILITY_INVALID');
    expect(resolveReliabilityPolicy()).toEqual(P);
    for (const bad of [
      null,
      { ...s, uptime: 2 },
      { ...s, observations: -1 },
      { ...s, alpha: Number.NaN },
      { ...s, disqualified: 'no' },
    ]) {
      expectCode(() => validateReliabilityState(bad), 'BC_NODE_RELIABILITY_INVALID');
    }
  });
});
