/**
 * Node reliability: the seed's open question "what metrics should determine node reliability?"
 * answered as a documented, weighted score of three components (docs/node-lifecycle.md has the
 * derivation and a table of simulated histories).
 *
 * 1. **Audit reputation** — replication and audit outcomes feed a Beta reputation with a
 *    forgetting factor, as Storj's satellites do (Jøsang & Ismail's beta reputation system with
 *    exponential forgetting): for outcome `v = +1` (success) or `−1` (failure),
 *    `α ← λ·α + w·(1+v)/2`, `β ← λ·β + w·(1−v)/2`, and `audit = α / (α + β)`.
 *    With the prior `α₀ = w/(1−λ)` (saturated, Storj's choice) the weight `α+β` stays constant,
 *    so `k` consecutive failures from a perfect record give exactly `λᵏ`, and no history can do
 *    better (the score after `k` failures is at most `λᵏ`). Defaults `λ = 0.999`, disqualify below
 *    0.965: 36 consecutive failures always disqualify a vetted node, while a steady 1 % failure
 *    rate stays above 0.975 (worst dip seen in 200 × 100 000 simulated events: 0.978).
 * 2. **Uptime** — a time-weighted EWMA of up (1) / down (0) with time constant τ = 30 days:
 *    `u ← u·e^(−d/τ) + x·(1 − e^(−d/τ))` for an interval of `d` ms in state `x`. An emergency
 *    shutdown additionally costs `emergencyPenaltyMs` (one day) of downtime.
 * 3. **Latency** — an EWMA (weight 0.1 per sample) of observed response latency, mapped linearly
 *    from 1 at ≤ 100 ms to 0 at ≥ 2 000 ms.
 *
 * `score = 0.6·audit + 0.3·uptime + 0.1·latency`. Standing: `unvetted` below 100 outcomes;
 * `disqualified` (permanent) once vetted with audit < 0.965; `suspended` (lifts on recovery) when
 * audit < 0.975 or uptime < 0.9; otherwise `vetted`.
 *
 * Everything here is pure: functions take a frozen state and return a new one; no clock, no
 * randomness, only IEEE-754 arithmetic and `Math.exp`, so the same history gives the same score.
 */
import { BrightChainError } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';

/** Where a node stands with the network. */
export type ReliabilityStanding = 'unvetted' | 'vetted' | 'suspended' | 'disqualified';

/**
 * Every {@link ReliabilityStanding}.
 *
 * @example
 * ```ts
 * RELIABILITY_STANDINGS.includes(summary.standing); // true
 * ```
 */
export const RELIABILITY_STANDINGS: readonly ReliabilityStanding[] = Object.freeze([
  'unvetted',
  'vetted',
  'suspended',
  'disqualified',
]);

/** The constants of the reliability score. */
export interface ReliabilityPolicy {
  /** Forgetting factor λ of the Beta reputation, in (0, 1). Default 0.999 (Storj's audit λ). */
  readonly auditLambda: number;
  /** Weight w of one outcome. Default 1. */
  readonly auditWeight: number;
  /** Prior α₀. Default 1000 = w/(1−λ): a new node starts at a perfect, saturated record. */
  readonly initialAlpha: number;
  /** Prior β₀. Default 0. */
  readonly initialBeta: number;
  /** Outcomes needed before a node is judged (vetting). Default 100. */
  readonly vettingObservations: number;
  /** Disqualify (permanently) when the audit reputation falls below this. Default 0.965. */
  readonly disqualificationThreshold: number;
  /** Suspend when the audit reputation falls below this. Default 0.975. */
  readonly auditSuspensionThreshold: number;
  /** Suspend when uptime falls below this. Default 0.9. */
  readonly uptimeSuspensionThreshold: number;
  /** Time constant τ of the uptime EWMA, in ms. Default 30 days. */
  readonly uptimeTimeConstantMs: number;
  /** Extra downtime charged for each emergency shutdown, in ms. Default 1 day. */
  readonly emergencyPenaltyMs: number;
  /** EWMA weight of one latency sample, in (0, 1]. Default 0.1. */
  readonly latencyWeight: number;
  /** Latency at or below which the latency component is 1. Default 100 ms. */
  readonly latencyGoodMs: number;
  /** Latency at or above which the latency component is 0. Default 2 000 ms. */
  readonly latencyBadMs: number;
  /** Component weights; must sum to 1. Default audit 0.6, uptime 0.3, latency 0.1. */
  readonly weights: { readonly audit: number; readonly uptime: number; readonly latency: number };
}

const DAY_MS = 86_400_000;

/**
 * The default {@link ReliabilityPolicy}.
 *
 * @example
 * ```ts
 * DEFAULT_RELIABILITY_POLICY.disqualificationThreshold; // 0.965
 * ```
 */
export const DEFAULT_RELIABILITY_POLICY: ReliabilityPolicy = Object.freeze({
  auditLambda: 0.999,
  auditWeight: 1,
  initialAlpha: 1000,
  initialBeta: 0,
  vettingObservations: 100,
  disqualificationThreshold: 0.965,
  auditSuspensionThreshold: 0.975,
  uptimeSuspensionThreshold: 0.9,
  uptimeTimeConstantMs: 30 * DAY_MS,
  emergencyPenaltyMs: DAY_MS,
  latencyWeight: 0.1,
  latencyGoodMs: 100,
  latencyBadMs: 2000,
  weights: Object.freeze({ audit: 0.6, uptime: 0.3, latency: 0.1 }),
});

/** Everything the score is computed from. Plain, frozen, JSON-friendly data. */
export interface ReliabilityState {
  /** Beta reputation α (weighted, forgetting successes). */
  readonly alpha: number;
  /** Beta reputation β (weighted, forgetting failures). */
  readonly beta: number;
  /** Outcomes observed (replications + audits). */
  readonly observations: number;
  readonly successfulReplications: number;
  readonly failedReplications: number;
  readonly passedAudits: number;
  readonly failedAudits: number;
  /** Uptime EWMA in [0, 1]. */
  readonly uptime: number;
  /** Latency EWMA in ms; absent until the first sample. */
  readonly latencyMs?: number;
  readonly latencySamples: number;
  readonly emergencyShutdowns: number;
  /** Set once the node is disqualified; never cleared. */
  readonly disqualified: boolean;
}

/** A replication or audit outcome. */
export interface ReliabilityOutcome {
  readonly kind: 'replication' | 'audit';
  readonly success: boolean;
}

/** The computed score and its parts. */
export interface ReliabilitySummary {
  /** Weighted score in [0, 1], rounded to 12 decimal places. */
  readonly score: number;
  /** Beta reputation α/(α+β). */
  readonly audit: number;
  /** Uptime EWMA. */
  readonly uptime: number;
  /** Latency component in [0, 1] (1 before any sample). */
  readonly latency: number;
  readonly standing: ReliabilityStanding;
  /** Outcomes observed so far. */
  readonly observations: number;
}

function invalid(message: string, details: Readonly<Record<string, unknown>>): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.NODE_RELIABILITY_INVALID, message, { details });
}

/**
 * A full policy from `overrides` on top of {@link DEFAULT_RELIABILITY_POLICY}, checked.
 *
 * @throws BrightChainError `BC_NODE_RELIABILITY_INVALID` for a value out of range (λ outside
 * (0,1), thresholds outside [0,1] or disqualification above suspension, weights not summing to 1, …)
 * @example
 * ```ts
 * const strict = resolveReliabilityPolicy({ disqualificationThreshold: 0.97, auditSuspensionThreshold: 0.98 });
 * ```
 */
export function resolveReliabilityPolicy(
  overrides: Partial<Omit<ReliabilityPolicy, 'weights'>> & { weights?: ReliabilityPolicy['weights'] } = {},
): ReliabilityPolicy {
  const p: ReliabilityPolicy = { ...DEFAULT_RELIABILITY_POLICY, ...overrides };
  const bad = (field: string, value: unknown, rule: string) =>
    invalid(`reliability policy ${field} ${rule}`, { field, value });
  const inOpen01 = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  const in01 = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
  if (!inOpen01(p.auditLambda)) throw bad('auditLambda', p.auditLambda, 'must be in (0, 1)');
  if (!(Number.isFinite(p.auditWeight) && p.auditWeight > 0))
    throw bad('auditWeight', p.auditWeight, 'must be > 0');
  if (!(Number.isFinite(p.initialAlpha) && p.initialAlpha >= 0)) {
    throw bad('initialAlpha', p.initialAlpha, 'must be ≥ 0');
  }
  if (!(Number.isFinite(p.initialBeta) && p.initialBeta >= 0))
    throw bad('initialBeta', p.initialBeta, 'must be ≥ 0');
  if (p.initialAlpha + p.initialBeta <= 0)
    throw bad('initialAlpha', p.initialAlpha, 'plus initialBeta must be > 0');
  if (!(Number.isSafeInteger(p.vettingObservations) && p.vettingObservations >= 0)) {
    throw bad('vettingObservations', p.vettingObservations, 'must be a non-negative integer');
  }
  for (const field of [
    'disqualificationThreshold',
    'auditSuspensionThreshold',
    'uptimeSuspensionThreshold',
  ] as const) {
    if (!in01(p[field])) throw bad(field, p[field], 'must be in [0, 1]');
  }
  if (p.disqualificationThreshold > p.auditSuspensionThreshold) {
    throw bad(
      'disqualificationThreshold',
      p.disqualificationThreshold,
      'must not exceed auditSuspensionThreshold',
    );
  }
  for (const field of ['uptimeTimeConstantMs', 'latencyBadMs'] as const) {
    if (!(Number.isFinite(p[field]) && p[field] > 0)) throw bad(field, p[field], 'must be > 0');
  }
  for (const field of ['emergencyPenaltyMs', 'latencyGoodMs'] as const) {
    if (!(Number.isFinite(p[field]) && p[field] >= 0)) throw bad(field, p[field], 'must be ≥ 0');
  }
  if (!(p.latencyBadMs > p.latencyGoodMs))
    throw bad('latencyBadMs', p.latencyBadMs, 'must exceed latencyGoodMs');
  if (!(Number.isFinite(p.latencyWeight) && p.latencyWeight > 0 && p.latencyWeight <= 1)) {
    throw bad('latencyWeight', p.latencyWeight, 'must be in (0, 1]');
  }
  const w = p.weights;
  if (typeof w !== 'object' || w === null || ![w.audit, w.uptime, w.latency].every(in01)) {
    throw bad('weights', w, 'must be three numbers in [0, 1]');
  }
  if (Math.abs(w.audit + w.uptime + w.latency - 1) > 1e-9) throw bad('weights', w, 'must sum to 1');
  return Object.freeze({ ...p, weights: Object.freeze({ ...w }) });
}

/**
 * The state of a node nobody has observed yet: the policy's prior, uptime 1, no latency sample.
 *
 * @example
 * ```ts
 * summarizeReliability(initialReliability()).standing; // 'unvetted'
 * ```
 */
export function initialReliability(policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY): ReliabilityState {
  return Object.freeze({
    alpha: policy.initialAlpha,
    beta: policy.initialBeta,
    observations: 0,
    successfulReplications: 0,
    failedReplications: 0,
    passedAudits: 0,
    failedAudits: 0,
    uptime: 1,
    latencySamples: 0,
    emergencyShutdowns: 0,
    disqualified: false,
  });
}

function auditOf(state: ReliabilityState): number {
  const total = state.alpha + state.beta;
  return total > 0 ? state.alpha / total : 0;
}

/**
 * Applies one replication or audit outcome to the Beta reputation (and the matching counter).
 * Disqualification is sticky: once a vetted node's audit reputation drops below the threshold,
 * `disqualified` stays true whatever follows.
 *
 * @throws BrightChainError `BC_NODE_RELIABILITY_INVALID` for a malformed outcome
 * @example
 * ```ts
 * let state = initialReliability();
 * state = recordOutcome(state, { kind: 'replication', success: true });
 * ```
 */
export function recordOutcome(
  state: ReliabilityState,
  outcome: ReliabilityOutcome,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): ReliabilityState {
  if (
    typeof outcome !== 'object' ||
    outcome === null ||
    (outcome.kind !== 'replication' && outcome.kind !== 'audit') ||
    typeof outcome.success !== 'boolean'
  ) {
    throw invalid("outcome must be { kind: 'replication' | 'audit', success: boolean }", {
      outcome: String(outcome),
    });
  }
  const { auditLambda: lambda, auditWeight: w } = policy;
  const { success } = outcome;
  const replication = outcome.kind === 'replication';
  const alpha = lambda * state.alpha + (success ? w : 0);
  const beta = lambda * state.beta + (success ? 0 : w);
  const observations = state.observations + 1;
  const disqualified =
    state.disqualified ||
    (observations >= policy.vettingObservations && alpha / (alpha + beta) < policy.disqualificationThreshold);
  // Built field by field (no spreads): this runs once per outcome, millions of times in simulations.
  const next: { -readonly [K in keyof ReliabilityState]: ReliabilityState[K] } = {
    alpha,
    beta,
    observations,
    successfulReplications: state.successfulReplications + (replication && success ? 1 : 0),
    failedReplications: state.failedReplications + (replication && !success ? 1 : 0),
    passedAudits: state.passedAudits + (!replication && success ? 1 : 0),
    failedAudits: state.failedAudits + (!replication && !success ? 1 : 0),
    uptime: state.uptime,
    latencySamples: state.latencySamples,
    emergencyShutdowns: state.emergencyShutdowns,
    disqualified,
  };
  if (state.latencyMs !== undefined) next.latencyMs = state.latencyMs;
  return Object.freeze(next);
}

function decayUptime(uptime: number, durationMs: number, up: boolean, policy: ReliabilityPolicy): number {
  const keep = Math.exp(-durationMs / policy.uptimeTimeConstantMs);
  const next = uptime * keep + (up ? 1 - keep : 0);
  return Math.min(1, Math.max(0, next));
}

/**
 * Folds an interval of `durationMs` during which the node was up (or down) into the uptime EWMA.
 * Intervals of announced, drained downtime should simply not be reported (they are neutral).
 *
 * @throws BrightChainError `BC_NODE_RELIABILITY_INVALID` unless `durationMs` is finite and ≥ 0
 * and `up` a boolean
 * @example
 * ```ts
 * state = recordUptime(state, { up: false, durationMs: 3_600_000 }); // one hour down
 * ```
 */
export function recordUptime(
  state: ReliabilityState,
  interval: { readonly up: boolean; readonly durationMs: number },
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): ReliabilityState {
  if (
    typeof interval !== 'object' ||
    interval === null ||
    typeof interval.up !== 'boolean' ||
    !Number.isFinite(interval.durationMs) ||
    interval.durationMs < 0
  ) {
    throw invalid('uptime interval must be { up: boolean, durationMs: finite ≥ 0 }', {
      up: interval?.up,
      durationMs: interval?.durationMs,
    });
  }
  if (interval.durationMs === 0) return state;
  return Object.freeze({
    ...state,
    uptime: decayUptime(state.uptime, interval.durationMs, interval.up, policy),
  });
}

/**
 * Folds one latency sample (ms) into the latency EWMA; the first sample initialises it.
 *
 * @throws BrightChainError `BC_NODE_RELIABILITY_INVALID` unless `latencyMs` is finite and ≥ 0
 * @example
 * ```ts
 * state = recordLatency(state, 42);
 * ```
 */
export function recordLatency(
  state: ReliabilityState,
  latencyMs: number,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): ReliabilityState {
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    throw invalid('latency must be a finite number of ms ≥ 0', { latencyMs });
  }
  const ewma =
    state.latencyMs === undefined
      ? latencyMs
      : (1 - policy.latencyWeight) * state.latencyMs + policy.latencyWeight * latencyMs;
  return Object.freeze({ ...state, latencyMs: ewma, latencySamples: state.latencySamples + 1 });
}

/**
 * Charges an emergency shutdown: counts it and folds `emergencyPenaltyMs` of downtime into the
 * uptime EWMA (on top of the real downtime, which is reported as it happens).
 *
 * @example
 * ```ts
 * state = recordEmergencyShutdown(state); // uptime 1 → ≈ 0.967 with the defaults
 * ```
 */
export function recordEmergencyShutdown(
  state: ReliabilityState,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): ReliabilityState {
  return Object.freeze({
    ...state,
    uptime:
      policy.emergencyPenaltyMs === 0
        ? state.uptime
        : decayUptime(state.uptime, policy.emergencyPenaltyMs, false, policy),
    emergencyShutdowns: state.emergencyShutdowns + 1,
  });
}

/**
 * The latency component: 1 at or below `latencyGoodMs`, 0 at or above `latencyBadMs`, linear between.
 *
 * @example
 * ```ts
 * latencyComponent(1050); // 0.5 with the defaults
 * ```
 */
export function latencyComponent(
  latencyMs: number | undefined,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): number {
  if (latencyMs === undefined) return 1;
  if (latencyMs <= policy.latencyGoodMs) return 1;
  if (latencyMs >= policy.latencyBadMs) return 0;
  return (policy.latencyBadMs - latencyMs) / (policy.latencyBadMs - policy.latencyGoodMs);
}

/**
 * The score, its components and the node's standing.
 *
 * @example
 * ```ts
 * const { score, standing } = summarizeReliability(state);
 * ```
 */
export function summarizeReliability(
  state: ReliabilityState,
  policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
): ReliabilitySummary {
  const audit = auditOf(state);
  const latency = latencyComponent(state.latencyMs, policy);
  const { weights } = policy;
  // Rounded to 12 decimals so a perfect node scores exactly 1 (0.6 + 0.3 + 0.1 is 0.999… in binary).
  const weighted = weights.audit * audit + weights.uptime * state.uptime + weights.latency * latency;
  const score = Math.min(1, Math.max(0, Math.round(weighted * 1e12) / 1e12));
  let standing: ReliabilityStanding;
  if (state.disqualified) standing = 'disqualified';
  else if (state.observations < policy.vettingObservations) standing = 'unvetted';
  else if (audit < policy.auditSuspensionThreshold || state.uptime < policy.uptimeSuspensionThreshold) {
    standing = 'suspended';
  } else standing = 'vetted';
  return Object.freeze({
    score,
    audit,
    uptime: state.uptime,
    latency,
    standing,
    observations: state.observations,
  });
}

/**
 * Checks that `value` is a well-formed {@link ReliabilityState} (finite non-negative α, β; counts
 * are safe integers; uptime in [0, 1]) and returns a frozen copy. Use it on states read back from
 * storage or the wire.
 *
 * @throws BrightChainError `BC_NODE_RELIABILITY_INVALID` naming the first bad field
 * @example
 * ```ts
 * const restored = validateReliabilityState(JSON.parse(saved));
 * ```
 */
export function validateReliabilityState(value: unknown): ReliabilityState {
  if (typeof value !== 'object' || value === null) throw invalid('reliability state must be an object', {});
  const v = value as Record<string, unknown>;
  const nonNegative = (field: string) => {
    const x = v[field];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      throw invalid(`${field} must be finite ≥ 0`, { field });
  };
  const count = (field: string) => {
    const x = v[field];
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
      throw invalid(`${field} must be a non-negative safe integer`, { field });
    }
  };
  nonNegative('alpha');
  nonNegative('beta');
  for (const field of [
    'observations',
    'successfulReplications',
    'failedReplications',
    'passedAudits',
    'failedAudits',
    'latencySamples',
    'emergencyShutdowns',
  ]) {
    count(field);
  }
  const uptime = v.uptime;
  if (typeof uptime !== 'number' || !(uptime >= 0 && uptime <= 1))
    throw invalid('uptime must be in [0, 1]', {});
  if (v.latencyMs !== undefined) nonNegative('latencyMs');
  if (typeof v.disqualified !== 'boolean') throw invalid('disqualified must be a boolean', {});
  const state = v as unknown as ReliabilityState;
  return Object.freeze({
    alpha: state.alpha,
    beta: state.beta,
    observations: state.observations,
    successfulReplications: state.successfulReplications,
    failedReplications: state.failedReplications,
    passedAudits: state.passedAudits,
    failedAudits: state.failedAudits,
    uptime: state.uptime,
    ...(state.latencyMs === undefined ? {} : { latencyMs: state.latencyMs }),
    latencySamples: state.latencySamples,
    emergencyShutdowns: state.emergencyShutdowns,
    disqualified: state.disqualified,
  });
}
