/**
 * Threshold rules: how many approvals a proposal needs and how many members must take part,
 * written as counts or fractions of the member set and resolved to integers for one epoch.
 */
import { BrightChainError } from '@brightchain/core';
import { QuorumErrorCode } from './error-codes';

/**
 * One requirement, resolved against the member count `n` of an epoch:
 * - `count`: exactly `count` members;
 * - `fraction`: at least `numerator/denominator` of the members, i.e. `ceil(n·num/den)`;
 *   with `strict: true`, more than that fraction, i.e. `floor(n·num/den) + 1` (a simple majority
 *   is `{ kind: 'fraction', numerator: 1, denominator: 2, strict: true }`).
 */
export type Requirement =
  | { readonly kind: 'count'; readonly count: number }
  | {
      readonly kind: 'fraction';
      readonly numerator: number;
      readonly denominator: number;
      readonly strict?: boolean;
    };

/**
 * What a proposal needs: `approvals` yes-votes, and `quorum` (default: none) members voting at all
 * (yes or no) before an approval counts.
 */
export interface ThresholdRule {
  readonly approvals: Requirement;
  readonly quorum?: Requirement;
}

/** A rule resolved for one member set. */
export interface ResolvedThreshold {
  /** Members in the set. */
  readonly members: number;
  /** Yes-votes needed. Always in `1..members`. */
  readonly approvals: number;
  /** Votes (yes or no) needed. Always in `0..members`. */
  readonly quorum: number;
  /**
   * True when the rule asked for more members than exist and was capped at the member count
   * (bootstrap: every existing member must approve).
   */
  readonly bootstrap: boolean;
}

/**
 * A requirement of exactly `count` members.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` unless `count` is a positive safe integer
 * @example
 * ```ts
 * const rule = { approvals: requireCount(3) };
 * ```
 */
export function requireCount(count: number): Requirement {
  const requirement: Requirement = { kind: 'count', count };
  checkRequirement(requirement, 'approvals');
  return requirement;
}

/**
 * A requirement of at least `numerator/denominator` of the members (`ceil`), e.g. a two-thirds
 * supermajority is `requireFraction(2, 3)`.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` unless `0 < numerator ≤ denominator`
 * @example
 * ```ts
 * const supermajority = { approvals: requireFraction(2, 3) };
 * ```
 */
export function requireFraction(numerator: number, denominator: number): Requirement {
  const requirement: Requirement = { kind: 'fraction', numerator, denominator };
  checkRequirement(requirement, 'approvals');
  return requirement;
}

/**
 * A requirement of strictly more than `numerator/denominator` of the members; a simple majority is
 * `requireMoreThan(1, 2)`.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` unless `0 < numerator < denominator`
 * @example
 * ```ts
 * const majority = { approvals: requireMoreThan(1, 2) };
 * ```
 */
export function requireMoreThan(numerator: number, denominator: number): Requirement {
  const requirement: Requirement = { kind: 'fraction', numerator, denominator, strict: true };
  checkRequirement(requirement, 'approvals');
  return requirement;
}

function invalid(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(QuorumErrorCode.THRESHOLD_INVALID, message, { details });
}

/**
 * Checks a requirement's shape.
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID`
 */
function checkRequirement(requirement: Requirement, field: 'approvals' | 'quorum'): void {
  if (typeof requirement !== 'object' || requirement === null) {
    throw invalid(`${field} requirement must be an object`, { field });
  }
  if (requirement.kind === 'count') {
    const min = field === 'approvals' ? 1 : 0;
    if (!Number.isSafeInteger(requirement.count) || requirement.count < min) {
      throw invalid(`${field} count must be an integer ≥ ${min}`, { field, count: requirement.count });
    }
    return;
  }
  if (requirement.kind === 'fraction') {
    const { numerator, denominator, strict } = requirement;
    if (
      !Number.isSafeInteger(numerator) ||
      !Number.isSafeInteger(denominator) ||
      numerator < 1 ||
      denominator < 1 ||
      denominator > 1_000_000 ||
      numerator > denominator ||
      (strict === true && numerator === denominator)
    ) {
      throw invalid(`${field} fraction must satisfy 0 < numerator ≤ denominator ≤ 10^6 (< when strict)`, {
        field,
        numerator,
        denominator,
        strict: strict === true,
      });
    }
    if (strict !== undefined && typeof strict !== 'boolean') {
      throw invalid(`${field} strict must be a boolean`, { field });
    }
    return;
  }
  throw invalid(`${field} requirement kind must be 'count' or 'fraction'`, { field });
}

/**
 * Checks a whole rule.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` for a malformed rule
 * @example
 * ```ts
 * checkThresholdRule({ approvals: requireFraction(2, 3), quorum: requireMoreThan(1, 2) });
 * ```
 */
export function checkThresholdRule(rule: ThresholdRule): void {
  if (typeof rule !== 'object' || rule === null) throw invalid('threshold rule must be an object', {});
  checkRequirement(rule.approvals, 'approvals');
  if (rule.quorum !== undefined) checkRequirement(rule.quorum, 'quorum');
}

function resolveRequirement(requirement: Requirement, members: number): number {
  if (requirement.kind === 'count') return requirement.count;
  const product = members * requirement.numerator;
  if (requirement.strict === true) return Math.floor(product / requirement.denominator) + 1;
  return Math.ceil(product / requirement.denominator);
}

/**
 * Resolves `rule` for a set of `members` members. A requirement larger than the member set is
 * capped at `members` and flagged `bootstrap` (every existing member must then agree); this is how
 * a network with fewer members than its configured threshold can still grow.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` for a malformed rule or a member count
 * that is not a positive safe integer
 * @example
 * ```ts
 * resolveThreshold({ approvals: requireFraction(2, 3) }, 10); // { members: 10, approvals: 7, quorum: 0, bootstrap: false }
 * resolveThreshold({ approvals: requireCount(3) }, 2);        // { members: 2, approvals: 2, quorum: 0, bootstrap: true }
 * ```
 */
export function resolveThreshold(rule: ThresholdRule, members: number): ResolvedThreshold {
  checkThresholdRule(rule);
  if (!Number.isSafeInteger(members) || members < 1 || members > 1_000_000) {
    throw invalid('member count must be an integer in 1..10^6', { members });
  }
  const wantedApprovals = resolveRequirement(rule.approvals, members);
  const wantedQuorum = rule.quorum === undefined ? 0 : resolveRequirement(rule.quorum, members);
  const approvals = Math.max(1, Math.min(wantedApprovals, members));
  const quorum = Math.min(wantedQuorum, members);
  return { members, approvals, quorum, bootstrap: wantedApprovals > members || wantedQuorum > members };
}
