/**
 * Retries of failed replications: capped exponential backoff with jitter. Attempt `n` (1 after the
 * first failure) waits `d · (1 − jitter · u)` where `d = min(maxMs, baseMs · multiplier^(n−1))` and
 * `u` is uniform in [0, 1) from the injected `Random` — "equal jitter" at the default 0.5, which keeps
 * at least half the nominal spacing while spreading retries of many repairers so they do not arrive
 * together (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015). After `maxAttempts`
 * failed attempts the block is parked (and retried later from a fresh start).
 */
import type { Random } from '@brightchain/core';
import { ReplicationErrorCode } from './error-codes';
import { IssueList } from './issue-list';

/** Backoff parameters. */
export interface BackoffPolicy {
  /** Delay before the first retry, ms. Default 1 000. */
  readonly baseMs: number;
  /** Largest delay, ms. Default 60 000. */
  readonly maxMs: number;
  /** Growth per attempt, ≥ 1. Default 2. */
  readonly multiplier: number;
  /** Fraction of the delay randomised away, in [0, 1]. Default 0.5. */
  readonly jitter: number;
  /** Failed attempts after which a block is parked. Default 5. */
  readonly maxAttempts: number;
}

/**
 * The default backoff: 1 s doubling to 60 s, half jittered, 5 attempts.
 *
 * @example
 * ```ts
 * const patient = resolveBackoffPolicy({ ...DEFAULT_BACKOFF_POLICY, maxAttempts: 10 });
 * ```
 */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = Object.freeze({
  baseMs: 1_000,
  maxMs: 60_000,
  multiplier: 2,
  jitter: 0.5,
  maxAttempts: 5,
});

/**
 * A full, checked backoff policy from overrides on top of {@link DEFAULT_BACKOFF_POLICY}.
 *
 * @throws BrightChainError `BC_REPLICATION_OPTIONS_INVALID` with `details.issues` (negative delays,
 * `maxMs < baseMs`, multiplier below 1, jitter outside [0, 1], maxAttempts below 1)
 * @example
 * ```ts
 * resolveBackoffPolicy({ baseMs: 500 });
 * ```
 */
export function resolveBackoffPolicy(overrides: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const merged = { ...DEFAULT_BACKOFF_POLICY, ...overrides };
  const issues = new IssueList();
  issues.number('baseMs', merged.baseMs, 0);
  if (issues.number('maxMs', merged.maxMs, 0) && merged.maxMs < merged.baseMs)
    issues.add('maxMs', 'must be ≥ baseMs');
  issues.number('multiplier', merged.multiplier, 1);
  issues.number('jitter', merged.jitter, 0, 1);
  issues.integer('maxAttempts', merged.maxAttempts, 1);
  issues.throwIfAny(ReplicationErrorCode.OPTIONS_INVALID, 'backoff policy');
  return Object.freeze(merged);
}

/**
 * The nominal (un-jittered) delay before retry `attempt` (1-based), ms.
 *
 * @throws nothing
 * @example
 * ```ts
 * nominalBackoffMs(DEFAULT_BACKOFF_POLICY, 3); // 4000
 * ```
 */
export function nominalBackoffMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, policy.baseMs * policy.multiplier ** exponent);
}

/**
 * The jittered delay before retry `attempt` (1-based), a whole number of ms in
 * `[nominal · (1 − jitter), nominal]`.
 *
 * @throws nothing
 * @example
 * ```ts
 * backoffDelayMs(DEFAULT_BACKOFF_POLICY, 1, new SeededRandom(1)); // between 500 and 1000
 * ```
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: Random): number {
  const nominal = nominalBackoffMs(policy, attempt);
  return Math.round(nominal * (1 - policy.jitter * random.float()));
}
